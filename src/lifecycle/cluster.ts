import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { describeOne, type LaunchedInstance } from "../cloud/ec2.js";
import type { RunRemote } from "../cloud/remote-script.js";
import type { Inventory } from "../evidence/results.js";
import { formCluster, type ClusterMember } from "../node/cluster.js";
import type { CleanupStack } from "./cleanup.js";
import { putRunSecret } from "./node-secrets.js";
import type { RunContext } from "./run.js";

/**
 * A multi-node run's nodes become one k3s cluster (node/cluster.ts formCluster): node 0 is the
 * server (`bootstrapServer`), the others join it as agents. The node token goes in the run's own
 * SecureString parameter (plan.clusterToken), deleted by the cleanup stack like every node secret.
 * Each node's phases join the run's timeline, an agent's as `node<k> <phase>`. Returns every node,
 * node 0 first.
 */
export async function bootstrapCluster(
  run: RunContext,
  nodes: readonly RunRemote[],
  instances: readonly LaunchedInstance[],
  bootstrapServer: () => Promise<Inventory>,
  cleanup: CleanupStack,
): Promise<ClusterMember[]> {
  const secret = run.plan.clusterToken;
  if (!secret) throw new Error("A multi-node plan has no parameter for the k3s node token.");
  const ips = await Promise.all(instances.map((i) => privateIpOf(run, i.id)));
  return formCluster({
    nodes: nodes.map((remote, i) => ({ remote, privateIp: ips[i]! })),
    bootstrap: { k3sVersion: run.plan.node.k3sVersion, images: run.plan.node.images, efa: run.plan.launch.efa, clock: run.clock },
    bootstrapServer,
    tokenParameter: { name: secret.name, region: run.plan.region },
    putToken: (token) => putRunSecret(run, { name: secret.name, value: token, keyId: secret.keyId }, "The k3s node token", cleanup),
    mask: (s) => run.log.mask(s),
    record: (phases, node) => {
      for (const phase of phases) run.phases.record(node === 0 ? phase : { ...phase, name: `node${node} ${phase.name}` });
    },
    watchNodes: (signal) => firstNodeGone(run, instances, signal),
    log: run.log,
  });
}

/** How often EC2 is asked whether every node still runs while the cluster forms (ms). */
const NODE_WATCH_MS = 10_000;

/**
 * Asks EC2 every NODE_WATCH_MS whether each of `instances` still runs, until `signal` aborts
 * (then undefined). Returns an Error naming the first node that does not (node k, its id, its
 * state and EC2's state reason), after a warning that says so.
 */
async function firstNodeGone(run: RunContext, instances: readonly LaunchedInstance[], signal: AbortSignal): Promise<Error | undefined> {
  for (;;) {
    try {
      await run.clock.sleep(NODE_WATCH_MS, signal);
    } catch {
      return undefined;
    }
    const out = await run.clients.ec2
      .send(new DescribeInstancesCommand({ InstanceIds: instances.map((i) => i.id) }))
      .catch(() => undefined);
    const described = new Map((out?.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => [i.InstanceId, i]));
    for (const [k, instance] of instances.entries()) {
      const state = described.get(instance.id)?.State?.Name;
      // Unanswered or not listed yet (eventual consistency): asked again next time.
      if (!state || state === "running" || state === "pending") continue;
      const reason = described.get(instance.id)?.StateReason?.Message;
      const message = `Node ${k} (${instance.id}) is ${state}${reason ? ` (${reason})` : ""} while the cluster forms.`;
      run.log.warning(message);
      return new Error(message);
    }
  }
}

async function privateIpOf(run: RunContext, instanceId: string): Promise<string> {
  const ip = (await describeOne(run.clients.ec2, instanceId))?.PrivateIpAddress;
  if (!ip) throw new Error(`EC2 gave no private IP for ${instanceId}: the agents join the server at its private IP.`);
  return ip;
}
