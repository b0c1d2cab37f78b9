import type { AwsClients } from "../cloud/clients.js";
import { requireEfa } from "../cloud/efa.js";
import { describeGpuCounts } from "../cloud/instance-gpus.js";
import {
  CleanupError,
  describeOne,
  findLiveByTags,
  launchGroupWithFallback,
  NoCapacityError,
  QuotaError,
  resolveImage,
  terminateAndConfirm,
  type LaunchedInstance,
  type ResolvedImage,
} from "../cloud/ec2.js";
import { onDemandPrice, priceFor, type PriceDeps } from "../cloud/pricing.js";
import { markedJsonLines, type RunRemote } from "../cloud/remote-script.js";
import { joinKey, putText, s3Uri } from "../cloud/s3.js";
import { ssmRemote, waitForAgent } from "../cloud/ssm.js";
import { createPlacementGroup, deletePlacementGroup } from "../cloud/placement.js";
import { TagKeys } from "../config/names.js";
import { ServingLayoutError, checkLayoutsForTypes, hasParallelLayout, spansNodes, type NodeWorkload } from "../config/suite.js";
import type { Inventory, Outcome, Results, WorkloadResult } from "../evidence/results.js";
import { bootstrapNode, NodeBootstrapError } from "../node/bootstrap.js";
import { collectDiagnostics } from "../node/diagnostics.js";
import { armDeadManSwitch, deadManFired, type DeadManSwitch } from "../node/dead-man.js";
import type { Clock } from "../runtime/clock.js";
import { errorDetail, errorLine } from "../runtime/error-text.js";
import type { Log } from "../runtime/log.js";
import { PhaseRecorder } from "../runtime/phases.js";
import { efaPods } from "../workloads/efa-pods.js";
import { runWorkload } from "../workloads/run.js";
import { AllReduceRanksError, checkAllReduceRanks } from "../workloads/allreduce.js";
import { runFaultScenarios, skippedFaults, type FaultRun } from "../faults/run.js";
import probeScript from "../../remote/probe.sh";
import { BudgetError, BudgetGuard, candidatesWithinBudget, type LaunchPass } from "./budget.js";
import { CleanupStack } from "./cleanup.js";
import { Deadline, DeadlineError } from "./deadline.js";
import { assembleResults, type RunFacts, type RunPlan } from "./plan.js";
import { RunStateWriter, type StateStore } from "./state.js";
import { putRunSecret } from "./node-secrets.js";
import { bootstrapCluster } from "./cluster.js";
import { createPlatformCluster, onboardAgent, runPlatformJob } from "./platform.js";
import type { ConnectPlatform, PlatformConnection } from "../platform/connect.js";

export { launchCandidates } from "./plan.js";

export interface EngineDeps {
  clients: AwsClients;
  clock: Clock;
  log: Log;
  state: StateStore;
  /** Aborted on SIGINT/SIGTERM: the run stops waiting and goes straight to cleanup. */
  signal: AbortSignal;
  tool: { name: string; version: string };
  /** Logs in to the platform (platform-api-url); needed when the plan has a platform. */
  platform?: ConnectPlatform;
}

export interface RunReport {
  results: Results;
  /** Node 0, the instance the workloads ran on (the run's only one unless the suite sets `nodes`). */
  instance?: LaunchedInstance;
  /** Set when the run failed (or was cancelled); the results still describe what happened. */
  error?: Error;
}

const PROBE_TIMEOUT_SECONDS = 120;

/** What every verb of one run shares: the plan, the seams, the timeline, the deadline, the facts so far. */
export interface RunContext extends Omit<EngineDeps, "state" | "tool" | "platform"> {
  plan: RunPlan;
  phases: PhaseRecorder;
  deadline: Deadline;
  state: RunStateWriter;
  facts: RunFacts;
  /** What the launch tries, market by market; max-cost-usd may leave candidates out. */
  passes: LaunchPass[];
  /** max-cost-usd during the run, once the instance's price is known. */
  budget?: BudgetGuard;
  /** The logged-in platform API, once the platform step connected. */
  platform?: PlatformConnection;
  /** Suite `efa`: the EFA interfaces each candidate type gets (checkEfa). */
  efaInterfaces?: Record<string, number>;
}

/** The state reason EC2 gives a spot instance it reclaims. */
const SPOT_INTERRUPTION = "Server.SpotInstanceTermination";

/**
 * One benchmark run: resolve the image, launch, wait for the SSM agent, probe, bootstrap the node,
 * run the suite's workloads, collect diagnostics if anything failed, always terminate. Returns the
 * results whatever happened; throws only when cleanup itself failed (a leaked instance).
 */
export async function runBenchmark(plan: RunPlan, deps: EngineDeps): Promise<RunReport> {
  const run = startRun(plan, deps);
  const { log, signal } = run;
  const cleanup = new CleanupStack(log);
  cleanup.push("terminate instance", () => terminate(run));

  let current = "plan";
  /** A verb of the run: cancellable, logged as a group, named in the outcome if it fails. */
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    signal.throwIfAborted();
    run.budget?.check(name);
    current = name;
    return log.group(name, fn);
  };
  /** A stage that is also a phase of the timeline. */
  const step = <T>(name: string, fn: () => Promise<T>): Promise<T> => stage(name, () => run.phases.time(name, fn));

  /** Every node, node 0 first, once SSM reaches them (diagnostics come from each). */
  let allNodes: RunRemote[] = [];
  let runError: Error | undefined;
  try {
    warnIdleNodes(run);
    // EFA on every candidate type, from EC2's own facts, before anything is bought.
    if (plan.launch.efa) run.efaInterfaces = await step("efa check", () => checkEfa(run));
    // A vLLM layout over several GPUs against each candidate type's GPUs, before anything is bought.
    if (hasParallelLayout(plan.suite.workloads, plan.launch.nodes)) await step("layout check", () => checkServingLayouts(run));
    // An all-reduce on one node needs a type with several GPUs: one rank measures nothing.
    if (plan.launch.nodes === 1 && plan.suite.workloads.some((w) => w.kind === "nccl-allreduce"))
      await step("all-reduce check", () => checkAllReduceTypes(run));
    if (plan.maxCostUsd !== undefined) run.passes = await step("budget check", () => checkBudget(run, plan.maxCostUsd!));
    // The platform first: a refused credential or API fails the run before anything is spent.
    if (plan.platform) await step("platform cluster", () => createPlatformCluster(run, platformConnector(deps), cleanup));
    run.facts.image = await step("resolve image", () => resolveRunImage(run));
    const secret = plan.hfToken;
    if (secret) await stage("node secrets", () => putRunSecret(run, secret, "hf-token", cleanup));
    const group = plan.launch.placementGroup;
    if (group) await stage("placement group", () => createGroup(run, group));
    run.phases.mark("launch requested");
    run.facts.instances = await step("launch", () => launch(run, run.facts.image!));
    const instances = run.facts.instances;
    await stage("price", () => recordPrices(run, instances[0]!));
    // Every node's agent, probe and dead-man switch, side by side; the workloads run on node 0.
    await step("ssm agent online", () => Promise.all(instances.map((i) => agentOnline(run, i))));
    const nodes = instances.map((i) => nodeRemote(run, i));
    allNodes = nodes;
    const node = nodes[0]!;
    const kernel = (await step("probe", () => Promise.all(nodes.map((n) => probe(run, n)))))[0];
    run.facts.deadMan = (await step("dead-man switch", () => Promise.all(nodes.map((n, i) => armSwitch(run, n, instances[i]!)))))[0];
    if (nodes.length === 1) run.facts.inventory = await stage("node bootstrap", () => bootstrap(run, node, kernel));
    else {
      // Node 0 is the k3s server; the others join it as agents (lifecycle/cluster.ts).
      run.facts.clusterNodes = await stage("node bootstrap", () =>
        bootstrapCluster(run, nodes, instances, () => bootstrap(run, node, kernel), cleanup),
      );
      run.facts.inventory = run.facts.clusterNodes[0]!.inventory;
    }
    if (plan.platform) await step("platform agent", () => onboardAgent(run, node));
    for (const workload of plan.suite.workloads) {
      if (workload.kind === "platform-job") {
        run.facts.workloads.push(await step(`workload ${workload.id}`, () => runPlatformJob(run, workload)));
        continue;
      }
      const result = await step(`workload ${workload.id}`, () => runOneWorkload(run, nodes, workload));
      if (workload.faults.length > 0) {
        const measured =
          result.status === "ok"
            ? await step(`faults ${workload.id}`, () => runFaults(run, node, workload, cleanup))
            : { faults: skippedFaults(workload, `the workload ended ${result.status} before its fault timeline`) };
        run.facts.faults.push(...measured.faults);
        if (measured.metric) result.metrics.push(measured.metric);
      }
      run.facts.workloads.push(result);
    }
    // A last step cut short by the budget failed inside the workload: say the budget stopped it.
    if (run.budget?.reached()) throw new BudgetError(run.budget.message(current));
    // A spot node reclaimed while the workloads ran fails them without an error of the run's own
    // (a collective across nodes times out): say so, rather than only the workloads' failures.
    if (run.facts.workloads.some((w) => w.status !== "ok")) {
      const reclaimed = await spotInterruption(run, current);
      if (reclaimed) throw reclaimed;
    }
    run.facts.outcome = outcomeOfWorkloads(run.facts.workloads);
  } catch (error) {
    runError = error instanceof Error ? error : new Error(String(error));
    // The budget stopped the run when a step found it spent, or found no time left before it.
    const budgetStopped =
      !signal.aborted &&
      run.budget !== undefined &&
      (runError instanceof BudgetError ||
        run.budget.reached() ||
        (runError instanceof DeadlineError && run.deadline.at === run.budget.endsAt));
    if (budgetStopped) {
      runError = new BudgetError(run.budget!.message(current), { cause: runError });
      run.facts.budget = { ...run.facts.budget!, reachedAt: new Date(run.budget!.endsAt).toISOString(), stoppedRun: true };
    } else if (!signal.aborted) {
      runError = (await spotInterruption(run, current)) ?? runError;
    }
    run.facts.outcome = signal.aborted
      ? { status: "cancelled", failedPhase: current, message: "The run was cancelled; the instance was terminated." }
      : { status: "failed", failedPhase: current, message: errorLine(runError), ...errorDetail(runError) };
    log.error(`${current}: ${runError.message}`);
  }

  // Diagnostics cost instance time: not when the budget stopped the run, nor when the instance is gone.
  if (
    run.facts.outcome.status === "failed" &&
    allNodes.length > 0 &&
    !signal.aborted &&
    !run.facts.budget?.stoppedRun &&
    !run.facts.interrupted
  ) {
    run.facts.diagnostics = await log.group("diagnostics", () => run.phases.time("diagnostics", () => diagnostics(run, allNodes)));
  }

  const cleanupErrors = await cleanup.run();
  const leak = cleanupErrors.find((e) => e instanceof CleanupError);
  // A cluster left on the platform fails a run that otherwise succeeded: the post step retries it.
  const platformLeft = run.facts.platform?.clusterId && !run.facts.platform.deleted ? run.facts.platform.deleteError : undefined;
  if (platformLeft && run.facts.outcome.status === "succeeded") {
    run.facts.outcome = {
      status: "failed",
      failedPhase: "delete platform cluster",
      message: `The platform cluster was not deleted: ${platformLeft}`,
    };
    runError ??= new Error(run.facts.outcome.message);
  }
  const fired = run.facts.deadManFired;
  if (fired && run.facts.outcome.status !== "succeeded") {
    run.facts.outcome = {
      ...run.facts.outcome,
      message: `The instance's dead-man switch powered it off at its expiry ('ttl-minutes')${fired.at ? ` at ${fired.at}` : ""}: ${run.facts.outcome.message ?? ""}`,
    };
  }
  run.facts.phases = run.phases.list();
  run.facts.endedAt = new Date(run.clock.now());
  const results = assembleResults(plan, run.facts, deps.tool);
  if (leak) throw leak;
  return { results, instance: run.facts.instances[0], error: runError };
}

function platformConnector(deps: EngineDeps): ConnectPlatform {
  if (!deps.platform) throw new Error("The plan has a platform but the engine was given no way to connect to it.");
  return deps.platform;
}

function startRun(plan: RunPlan, deps: EngineDeps): RunContext {
  const { clients, clock, log, signal } = deps;
  return {
    plan,
    clients,
    clock,
    log,
    signal,
    phases: new PhaseRecorder(clock),
    deadline: new Deadline(clock, plan.deadlineAt),
    state: new RunStateWriter(deps.state, plan.saved),
    passes: plan.launch.markets.map((market) => ({ market, candidates: plan.launch.candidates })),
    facts: {
      instances: [],
      terminated: false,
      phases: [],
      workloads: [],
      faults: [],
      outcome: { status: "succeeded" },
      endedAt: plan.startedAt,
    },
  };
}

async function resolveRunImage(run: RunContext): Promise<ResolvedImage> {
  const image = await resolveImage(run.clients.ec2, run.clients.ssm, run.plan.launch.ami);
  run.log.info(`AMI ${image.id}${image.name ? ` (${image.name})` : ""}`);
  return image;
}

/**
 * Suite `efa`: every candidate type must support EFA (EC2 DescribeInstanceTypes); EfaError names
 * the ones that do not. Returns the EFA interfaces each type gets (one per network card, up to its
 * maximum), and warns when that is more than one: EC2 gives an instance with several network
 * interfaces no public IPv4 address.
 */
async function checkEfa(run: RunContext): Promise<Record<string, number>> {
  const support = await requireEfa(
    run.clients.ec2,
    run.plan.launch.candidates.map((c) => c.instanceType),
    run.clock,
  );
  run.log.info(
    `EFA: ${support.map((s) => `${s.instanceType}: ${s.interfaces} EFA interface(s) per node (${s.networkCards} network card(s), at most ${s.maxInterfaces} EFA)`).join("; ")}`,
  );
  const several = support.filter((s) => s.interfaces > 1).map((s) => s.instanceType);
  if (several.length > 0)
    run.log.warning(
      `${several.join(", ")} get several network interfaces, and EC2 gives such an instance no public IPv4 address: ` +
        "its subnet needs a NAT gateway (or VPC endpoints for SSM, S3 and the image registries) for SSM and the downloads to work.",
    );
  return Object.fromEntries(support.map((s) => [s.instanceType, s.interfaces]));
}

/** A warning when the suite buys several nodes but every workload runs on node 0 alone. */
function warnIdleNodes(run: RunContext): void {
  const nodes = run.plan.launch.nodes;
  if (nodes <= 1 || run.plan.suite.workloads.some((w) => spansNodes(w, nodes))) return;
  run.log.warning(
    `The suite asks for ${nodes} nodes ('nodes: ${nodes}'), but no workload spans them (nccl-allreduce, resnet50 with distributed: true, ` +
      `llm-serving with tensorParallelSize or pipelineParallelSize): every workload runs on node 0, and the other ${nodes - 1} only join the cluster and pass its GPU check, ` +
      "billed all the same. Set nodes: 1 unless the cluster itself is what you are testing.",
  );
}

/**
 * GPUs per candidate instance type (EC2 DescribeInstanceTypes), or undefined after a warning that
 * starts with `laterCheck` (where the same check happens instead) when EC2 cannot say.
 */
async function candidateGpuCounts(run: RunContext, laterCheck: string): Promise<Map<string, number> | undefined> {
  try {
    return await describeGpuCounts(
      run.clients.ec2,
      run.plan.launch.candidates.map((c) => c.instanceType),
      run.clock,
    );
  } catch (error) {
    run.signal.throwIfAborted();
    run.log.warning(`${laterCheck}: ${errorLine(error)}`);
    return undefined;
  }
}

/**
 * A one-node suite's nccl-allreduce against each candidate type's GPUs (EC2 DescribeInstanceTypes):
 * AllReduceRanksError names the workloads, the one-GPU types and the fix. When EC2 cannot say, a
 * warning: the workload then fails on the node, without a metric, if it has one rank.
 */
async function checkAllReduceTypes(run: RunContext): Promise<void> {
  const gpus = await candidateGpuCounts(run, "The all-reduce's ranks are counted once the node reports its GPUs");
  if (!gpus) return;
  const problems = checkAllReduceRanks(run.plan.suite.workloads, run.plan.launch.nodes, gpus);
  if (problems.length > 0) throw new AllReduceRanksError(`The suite's all-reduce has nothing to measure: ${problems.join("\n")}`);
}

/**
 * tensorParallelSize × pipelineParallelSize of every llm-serving workload must equal nodes × each
 * candidate type's GPUs (EC2 DescribeInstanceTypes): ServingLayoutError names the workloads, types
 * and fix. When EC2 cannot say, a warning: the same check runs once the nodes report their GPUs.
 */
async function checkServingLayouts(run: RunContext): Promise<void> {
  const { workloads } = run.plan.suite;
  const nodes = run.plan.launch.nodes;
  const gpus = await candidateGpuCounts(run, "The vLLM layout is checked once the nodes report their GPUs");
  if (!gpus) return;
  const problems = checkLayoutsForTypes(workloads, nodes, gpus);
  if (problems.length > 0) throw new ServingLayoutError(`The suite's vLLM layout does not fit the instance types: ${problems.join("\n")}`);
  run.log.info(`vLLM layout fits every candidate type: ${[...gpus].map(([t, g]) => `${t} (${nodes} nodes × ${g} GPU(s))`).join(", ")}`);
}

/**
 * max-cost-usd before anything is launched: every candidate whose price × ttl-minutes exceeds it is
 * left out (with a warning); a BudgetError names the figures and the fixes when none is left.
 */
async function checkBudget(run: RunContext, maxCostUsd: number): Promise<LaunchPass[]> {
  const deps = priceDeps(run);
  run.facts.budget = { maxCostUsd, stoppedRun: false };
  const nodes = run.plan.launch.nodes;
  // A multi-node run buys its nodes together: the budget weighs their price together.
  const checked = await candidatesWithinBudget(run.passes, { maxCostUsd, ttlMinutes: run.plan.ttlMinutes }, async (type, market) => {
    const price = await priceFor(deps, type, market);
    return price && nodes > 1 ? { ...price, perHourUsd: price.perHourUsd * nodes, detail: `${nodes} instances × ${price.detail}` } : price;
  });
  for (const line of checked.leftOut) run.log.warning(`Over 'max-cost-usd' ($${maxCostUsd}), not tried: ${line}`);
  run.facts.budget = { maxCostUsd, worstCaseUsd: checked.worstCaseUsd, stoppedRun: false };
  run.log.info(
    `Budget: $${maxCostUsd}; the dearest candidate left can cost $${checked.worstCaseUsd.toFixed(2)} in ${run.plan.ttlMinutes} min`,
  );
  return checked.passes;
}

/**
 * Launches the first candidate with capacity for every node of the plan (one unit, one zone),
 * market by market (spot-then-on-demand: spot over every candidate, then on-demand over every
 * candidate); each instance is a fact (and saved) the moment EC2 names it, and stops being one once
 * a group that fell short was released. When every market fails, the error says what each answered.
 */
async function launch(run: RunContext, image: ResolvedImage): Promise<LaunchedInstance[]> {
  const refused: string[] = [];
  for (const [index, pass] of run.passes.entries()) {
    try {
      // Each market has its own client tokens: the same token with other parameters is refused.
      return await launchInMarket(run, image, pass, index === 0 ? run.plan.clientTokenBase : `${run.plan.clientTokenBase}-${pass.market}`);
    } catch (error) {
      const last = index === run.passes.length - 1;
      const capacity = error instanceof NoCapacityError || error instanceof QuotaError;
      if (!capacity) throw error;
      if (last) {
        if (refused.length === 0) throw error;
        throw new Error(`${refused.join("\n")}\n${pass.market}: ${(error as Error).message}`, { cause: error });
      }
      refused.push(`${pass.market}: ${(error as Error).message}`);
      run.log.warning(`No ${pass.market} instance could be launched; trying ${run.passes[index + 1]!.market} over every candidate.`);
    }
  }
  throw new Error("no launch candidate");
}

async function launchInMarket(
  run: RunContext,
  image: ResolvedImage,
  pass: LaunchPass,
  clientTokenBase: string,
): Promise<LaunchedInstance[]> {
  const { plan, clients, state } = run;
  const saveIds = () => state.update({ instanceIds: run.facts.instances.map((i) => i.id), launching: undefined });
  const launched = await launchGroupWithFallback(
    {
      ...plan.launch,
      efaInterfaces: run.efaInterfaces,
      count: plan.launch.nodes,
      candidates: pass.candidates,
      market: pass.market,
      image,
      expiresAt: plan.expiresAt,
      tags: plan.tags,
      clientTokenBase,
    },
    {
      ec2: clients.ec2,
      ec2Launch: clients.ec2Launch,
      clock: run.clock,
      log: run.log,
      runningTimeoutSeconds: run.deadline.timeout("launch", plan.launch.startupTimeoutSeconds),
      onAttempt: (clientToken) => state.update({ launching: clientToken }),
      onLaunched: (instance) => {
        run.facts.instances = [...run.facts.instances, instance];
        saveIds();
      },
      onReleased: (ids) => {
        run.facts.instances = run.facts.instances.filter((i) => !ids.includes(i.id));
        saveIds();
      },
    },
  );
  return launched.map(({ instance: _described, ...instance }) => instance);
}

/**
 * The launched instance's hourly price for the market and zone it runs in, and the on-demand price
 * beside a spot one; each with its source (Price List API, spot price history, or the dated table).
 * Never fails the run: a price that cannot be had leaves the cost unknown, with a warning.
 */
async function recordPrices(run: RunContext, instance: LaunchedInstance): Promise<void> {
  const deps = priceDeps(run);
  run.facts.price = await priceFor(deps, instance.type, instance.market, instance.availabilityZone);
  if (instance.market === "spot") run.facts.onDemandPrice = await onDemandPrice(deps, instance.type);
  const p = run.facts.price;
  const maxCostUsd = run.plan.maxCostUsd;
  if (maxCostUsd !== undefined) {
    if (p && p.perHourUsd > 0) {
      run.budget = new BudgetGuard(run.clock, maxCostUsd, p.perHourUsd * run.plan.launch.nodes, instance.launchedAt.getTime());
      // Every later step's timeout is cut to the moment the spend reaches the budget.
      if (run.budget.endsAt < run.deadline.at)
        run.deadline = new Deadline(run.clock, run.budget.endsAt, `'max-cost-usd' ($${maxCostUsd}) is reached: raise 'max-cost-usd'`);
    } else {
      run.log.warning(`No price is known for ${instance.market} ${instance.type}: 'max-cost-usd' cannot be tracked during the run.`);
    }
  }
  run.log.info(
    p
      ? `Price: $${p.perHourUsd}/h for ${instance.market} ${instance.type} in ${instance.availabilityZone} (${p.source})`
      : `Price: unknown for ${instance.market} ${instance.type}`,
  );
}

function priceDeps(run: RunContext): PriceDeps {
  return {
    pricing: run.clients.pricing,
    ec2: run.clients.ec2,
    region: run.plan.region,
    now: () => new Date(run.clock.now()),
    warn: (message) => run.log.warning(message),
  };
}

function agentOnline(run: RunContext, instance: LaunchedInstance): Promise<void> {
  return waitForAgent(instance.id, {
    ssm: run.clients.ssm,
    ec2: run.clients.ec2,
    clock: run.clock,
    log: run.log,
    timeoutSeconds: run.deadline.timeout("ssm agent online", run.plan.launch.startupTimeoutSeconds),
    signal: run.signal,
  });
}

/** Runs scripts on the instance over SSM, each step's own timeout cut to the time left before the deadline. */
function nodeRemote(run: RunContext, instance: LaunchedInstance): RunRemote {
  const remote = ssmRemote({
    ssm: run.clients.ssm,
    ec2: run.clients.ec2,
    s3: run.clients.s3,
    clock: run.clock,
    log: run.log,
    instanceId: instance.id,
    outputBucket: run.plan.evidence.bucket,
    outputPrefix: run.plan.evidence.ssmPrefix,
    signal: run.signal,
  });
  return (script) => remote({ ...script, timeoutSeconds: run.deadline.timeout(script.name, script.timeoutSeconds) });
}

/** A first short command: proves SSM commands run and their output reaches the bucket. Returns the kernel. */
async function probe(run: RunContext, onNode: RunRemote): Promise<string | undefined> {
  const result = await onNode({ name: "probe", body: probeScript, timeoutSeconds: PROBE_TIMEOUT_SECONDS });
  const facts = markedJsonLines(result.stdout)[0] as { kernel?: string } | undefined;
  if (!facts) {
    const { bucket, ssmPrefix } = run.plan.evidence;
    throw new Error(
      `The instance ran the probe but its output did not reach s3://${bucket}/${ssmPrefix}. ` +
        `Give the instance profile's role s3:PutObject on that bucket and prefix.`,
    );
  }
  return facts.kernel;
}

/** k3s, the nvidia runtime, the device plugin, the workload images; the node's phases join the timeline. */
async function bootstrap(run: RunContext, onNode: RunRemote, kernel: string | undefined): Promise<Inventory> {
  try {
    const node = await bootstrapNode(onNode, {
      k3sVersion: run.plan.node.k3sVersion,
      images: run.plan.node.images,
      efa: run.plan.launch.efa,
      clock: run.clock,
      log: run.log,
    });
    for (const phase of node.phases) run.phases.record(phase);
    const inventory = { ...node.inventory, kernel: node.inventory.kernel ?? kernel };
    // bootstrapNode logged "Node ready in …" with the inventory: one line, not two.
    return inventory;
  } catch (error) {
    if (error instanceof NodeBootstrapError) for (const phase of error.phases) run.phases.record(phase);
    throw error;
  }
}

/** Every node's inventory, node 0 first (one node: node 0's alone). */
function nodeInventories(run: RunContext): Inventory[] {
  if (run.facts.clusterNodes) return run.facts.clusterNodes.map((n) => n.inventory);
  return run.facts.inventory ? [run.facts.inventory] : [];
}

/** Runs `workload` from node 0 (`nodes[0]`); a workload across nodes is sampled on every one of `nodes`. */
function runOneWorkload(run: RunContext, nodes: readonly RunRemote[], workload: NodeWorkload): Promise<WorkloadResult> {
  const gpu = run.facts.inventory?.gpus[0];
  const { bucket, rawPrefix } = run.plan.evidence;
  return runWorkload(nodes[0]!, workload, {
    gpu: gpu && { name: gpu.name, computeCapability: gpu.computeCapability, maxSmClockMHz: gpu.maxSmClockMHz },
    // Distributed workloads span every node, each pod taking all of its node's GPUs (node 0's count: one type for all).
    cluster: {
      nodes: run.plan.launch.nodes,
      gpusPerNode: Math.max(1, run.facts.inventory?.gpus.length ?? 1),
      // Suite `efa`: the pods request the EFA devices the bootstrap checked and load the nodes' OFI NCCL plugin.
      efa: run.plan.launch.efa ? efaPods(run.facts.instances?.[0]?.type ?? "", nodeInventories(run)) : undefined,
    },
    log: run.log,
    clock: run.clock,
    hfTokenParameter: run.plan.hfToken && { name: run.plan.hfToken.name, region: run.plan.region },
    telemetry: {
      intervalSeconds: run.plan.suite.telemetryIntervalSeconds,
      store: (id, csv) => storeSamples(run, { bucket, key: joinKey(rawPrefix, "telemetry", `${id}.csv`) }, csv),
      otherNodes: nodes.slice(1),
    },
  });
}

/** The workload's fault timeline; each fault's recover goes on the run's cleanup stack before it acts. */
function runFaults(run: RunContext, onNode: RunRemote, workload: NodeWorkload, cleanup: CleanupStack): Promise<FaultRun> {
  const gpu = run.facts.inventory?.gpus[0];
  return runFaultScenarios(onNode, workload, {
    clock: run.clock,
    log: run.log,
    registerCleanup: (name, fn) => cleanup.push(name, fn),
    gpu: gpu && { name: gpu.name, computeCapability: gpu.computeCapability },
    hfTokenParameter: run.plan.hfToken && { name: run.plan.hfToken.name, region: run.plan.region },
    signal: run.signal,
  });
}

/** Puts a workload's raw GPU telemetry samples beside the raw results: their S3 URI, or undefined (with a warning) when that failed. */
async function storeSamples(run: RunContext, loc: { bucket: string; key: string }, csv: string): Promise<string | undefined> {
  try {
    await putText(run.clients.s3, loc, csv);
    return s3Uri(loc);
  } catch (error) {
    run.log.warning(`Could not upload the GPU telemetry samples to ${s3Uri(loc)}: ${errorLine(error)}`);
    return undefined;
  }
}

/** The first failed workload fails the run; the others still ran. */
export function outcomeOfWorkloads(workloads: readonly WorkloadResult[]): Outcome {
  const failed = workloads.find((w) => w.status === "failed");
  if (!failed) return { status: "succeeded" };
  return { status: "failed", failedPhase: `workload ${failed.id}`, message: `${failed.id}: ${errorLine(failed.message ?? "failed")}` };
}

/**
 * The nodes' state after a failure (every node of a cluster, side by side, one after the other in
 * one file under a header naming each), uploaded beside the run's raw files; node 0's decisive
 * tail goes into the results.
 */
async function diagnostics(run: RunContext, nodes: readonly RunRemote[]): Promise<{ uri?: string; tail?: string }> {
  const all = await Promise.all(nodes.map((node) => collectDiagnostics(node)));
  const collected = all[0]!;
  const text =
    all.length === 1
      ? collected.text
      : all.map((d, i) => `########## node ${i} (${run.facts.instances[i]?.id ?? "?"}) ##########\n${d.text}`).join("\n\n");
  const loc = { bucket: run.plan.evidence.bucket, key: run.plan.evidence.diagnosticsKey };
  const uploaded = await putText(run.clients.s3, loc, text).then(
    () => true,
    (e: unknown) => (run.log.warning(`Could not upload diagnostics: ${errorLine(e)}`), false),
  );
  return { uri: uploaded ? s3Uri(loc) : undefined, tail: collected.tail };
}

/** Arms an instance's dead-man switch over SSM as well as by user data, and checks it is armed. */
async function armSwitch(run: RunContext, onNode: RunRemote, instance: LaunchedInstance): Promise<DeadManSwitch> {
  const armed = await armDeadManSwitch(onNode, run.plan.expiresAt);
  run.log.info(
    `Dead-man switch armed${run.facts.instances.length > 1 ? ` on ${instance.id}` : ""}: poweroff at ${armed.firesAt} (${armed.via}${armed.persistent ? ", re-armed at every boot" : ""})` +
      (armed.armedByUserData ? "" : "; user data had not armed it"),
  );
  return armed;
}

/**
 * When a spot instance was reclaimed by AWS (state reason Server.SpotInstanceTermination), the
 * error that names it; undefined otherwise. The results keep the workloads that finished.
 */
async function spotInterruption(run: RunContext, step: string): Promise<Error | undefined> {
  // Every node: AWS may reclaim any of a multi-node run's spot instances, not only node 0.
  const { instances } = run.facts;
  for (const [index, instance] of instances.entries()) {
    if (instance.market !== "spot") continue;
    const described = await describeOne(run.clients.ec2, instance.id).catch(() => undefined);
    if (described?.StateReason?.Code !== SPOT_INTERRUPTION) continue;
    run.facts.interrupted = true;
    const done = run.facts.workloads.length;
    const node = instances.length > 1 ? `node ${index}, ` : "";
    return new Error(
      `Spot interruption (${SPOT_INTERRUPTION}): AWS reclaimed spot instance ${instance.id} (${node}${instance.type}, ${instance.availabilityZone}) during '${step}'. ` +
        `The results keep the ${done} workload(s) that finished. Re-run, or use market-type spot-then-on-demand or on-demand.`,
    );
  }
  return undefined;
}

/**
 * The run's cluster placement group, named in the saved state before it is created so every
 * cleanup path deletes it; tagged like the instances, with the run's expiry, for the sweep.
 */
async function createGroup(run: RunContext, name: string): Promise<void> {
  run.state.update({ placementGroup: name });
  await createPlacementGroup(run.clients.ec2, name, { ...run.plan.tags, [TagKeys.expiresAt]: run.plan.expiresAt.toISOString() }, run.clock);
  run.log.info(`Placement group ${name} (cluster) for ${run.plan.launch.nodes} nodes`);
}

/** Terminates the run's instance and anything else it started (a lost RunInstances reply), found by its tags. */
async function terminate(run: RunContext): Promise<void> {
  await run.log.group("terminate", () =>
    run.phases.time("terminate", async () => {
      // Did node 0 power itself off at its expiry? The evidence says so.
      const first = run.facts.instances[0];
      if (first) run.facts.deadManFired = await deadManFired(run.clients.ec2, first.id);
      const ids = new Set(run.facts.instances.map((i) => i.id));
      for (const i of await findLiveByTags(run.clients.ec2, run.plan.runTags).catch(() => [])) if (i.InstanceId) ids.add(i.InstanceId);
      await terminateAndConfirm(run.clients.ec2, [...ids], run.clock, run.log);
      run.facts.terminated = true;
      run.state.update({ terminated: true });
      const group = run.plan.launch.placementGroup;
      if (group) {
        // Not billed, but the run's own: gone once its instances are (the post step and the sweep retry).
        await deletePlacementGroup(run.clients.ec2, group, run.clock).then(
          () => {
            run.state.update({ placementGroup: undefined });
            run.log.info(`Deleted placement group ${group}`);
          },
          (error: unknown) =>
            run.log.warning(`Could not delete placement group ${group} (${errorLine(error)}); the post step and mode: sweep retry.`),
        );
      }
    }),
  );
}
