import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import type { StoredParameter } from "../../stand-in/ssm.js";
import { filesUnder } from "../support/wait.js";
import { leakedSecrets } from "./action-process.js";
import { CHAOS_BUCKET } from "./chaos-runner.js";
import { NO_HANG_TO_WAIT_FOR, lifecycle as runLifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), NO_HANG_TO_WAIT_FOR);

/** One lifecycle of the two-node suite (the lifecycle inputs otherwise). */
const lifecycle = (inputs: Record<string, string> = {}, during?: Parameters<typeof runLifecycle>[2]) =>
  runLifecycle(standIn, { suite: "test/fixtures/suites/multi-node.yaml", ...inputs }, during);

const ofRun = (runId: string) => runInstances(standIn, runId);

// A whole two-node run took up to 60 s of the default 60 s limit in a full, loaded test run.
describe("a suite with nodes: 2, the bundles run as the runner runs them", { timeout: 180_000 }, () => {
  it("launches both instances of one type in one zone in one request, tags each, runs, and terminates both", async () => {
    const r = await lifecycle();
    expect(r.mainExit.code, r.mainLog).toBe(0);
    const launched = ofRun(r.job.runId);
    expect(launched).toHaveLength(2);
    expect(new Set(launched.map((i) => i.az)).size).toBe(1);
    expect(new Set(launched.map((i) => i.type))).toEqual(new Set(["g5.2xlarge"]));
    expect(new Set(launched.map((i) => i.reservationId)).size).toBe(1);
    for (const i of launched) expect(i.tags).toMatchObject({ "managed-by": "ephemeral-gpu-bench", "gpu-bench:stack": "gpu-bench" });
    expect(r.alive).toEqual([]);
    expect(r.overTerminated).toEqual([]);
    expect(r.postLog).toMatch(/Nothing to clean up: main terminated i-\w+, i-\w+/);
    // Each node's dead-man switch was armed over SSM.
    for (const i of launched) expect(r.mainLog).toContain(`Dead-man switch armed on ${i.id}`);
    // Its one workload runs on node 0: the second node is said to be paid for nothing but the cluster check.
    expect(r.mainLog).toContain("The suite asks for 2 nodes ('nodes: 2'), but no workload spans them");
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.nodes?.map((n) => n.instance)).toEqual(launched.map((i) => i.id));
    expect(results.nodes?.map((n) => n.availabilityZone)).toEqual(launched.map((i) => i.az));
    expect(results.instance?.id).toBe(launched[0]!.id);
    expect(r.job.summary()).toContain(
      `2 × g5.2xlarge in ${launched[0]!.az}: \`${launched[0]!.id}\` (node 0: the k3s server), \`${launched[1]!.id}\``,
    );
    // Its own cluster placement group: created tagged, holding both, deleted once they were terminated.
    const groups = standIn.placementGroups().filter((g) => g.tags["gpu-bench:run-id"] === r.job.runId);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({
      strategy: "cluster",
      state: "deleted",
      tags: { "managed-by": "ephemeral-gpu-bench", "gpu-bench:stack": "gpu-bench" },
    });
    expect(groups[0]!.tags["gpu-bench:expires-at"]).toMatch(/^\d{4}-/);
    expect(launched.map((i) => i.placementGroup)).toEqual([groups[0]!.name, groups[0]!.name]);
    expect(r.mainLog).toContain(`Deleted placement group ${groups[0]!.name}`);
  });

  it("joins both nodes into one k3s cluster: node 1 an agent of node 0 with the node token, which is in no log, report, file or SSM command", async () => {
    const puts: StoredParameter[] = [];
    standIn.beforeReply((call) => {
      if (call.action === "PutParameter" && call.status === 200) puts.push(...standIn.parameters().filter((p) => !puts.includes(p)));
    });
    const r = await lifecycle();
    standIn.beforeReply(undefined);
    expect(r.mainExit.code, r.mainLog).toBe(0);
    const [server, agent] = ofRun(r.job.runId);
    const token = readFileSync(join(server!.sandbox, "root/var/lib/rancher/k3s/server/node-token"), "utf8").trim();
    expect(token).toMatch(/^K10[0-9a-f]+::server:[0-9a-f]+$/);
    const secrets = [token, token.split("::server:")[1]!];

    // Node 1 ran a k3s agent joined to node 0's private IP; node 0 saw both nodes Ready with their GPUs.
    expect(readFileSync(join(agent!.sandbox, "root/var/log/journal/k3s-agent.service.log"), "utf8")).toContain(
      `server="https://${server!.privateIp}:6443"`,
    );
    expect(r.mainLog).toMatch(/Cluster ready: 2 nodes Ready \(ip-[\d-]+, ip-[\d-]+\), 2 GPUs allocatable/);
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.nodes?.map((n) => n.privateIp)).toEqual([server!.privateIp, agent!.privateIp]);
    expect(results.nodes?.map((n) => n.nodeName)).toEqual(
      [server!.privateIp, agent!.privateIp].map((ip) => `ip-${ip.replace(/\./g, "-")}`),
    );
    // Each node's own inventory: its GPUs (UUIDs of its own), driver, images.
    const uuids = results.nodes!.map((n) => n.inventory?.gpus.map((g) => g.uuid));
    expect(uuids.every((u) => u?.length === 1 && u[0]?.startsWith("GPU-"))).toBe(true);
    expect(uuids[0]).not.toEqual(uuids[1]);
    for (const n of results.nodes!) expect(n.inventory?.driverVersion).toBe(results.inventory?.driverVersion);
    for (const n of results.nodes!) {
      expect(n.inventory?.networkInterfaces).toEqual([expect.objectContaining({ name: "ens5", driver: "ena", state: "up", mtu: 9001 })]);
      expect(n.inventory?.efaDevices).toEqual([]);
    }
    expect(new Set(results.nodes!.map((n) => n.inventory?.networkInterfaces[0]?.mac)).size).toBe(2);
    // The report: a row per node with its own inventory, and a timeline section per node.
    const report = r.job.summary();
    expect(report).toContain("Nodes of the cluster");
    for (const n of results.nodes!)
      expect(report).toMatch(
        new RegExp(
          `\\| ${n.index} \\| \`${n.instance}\` \\| \`${n.nodeName}\` \\| ${n.privateIp} \\| 1 × NVIDIA A10G \\| \`${n.inventory!.gpus[0]!.uuid}\``,
        ),
      );
    expect(report).toContain("ens5 (ena)");
    expect(report).toMatch(/section Run and node 0[\s\S]*section Node 1\n {2}node-bootstrap :/);
    // The cluster's timeline: node 0's token read and cluster check, node 1's own bootstrap phases.
    const phases = results.phases.map((p) => p.name);
    for (const name of [
      "k3s-node-token",
      "cluster-ready",
      "gpu-smoke-test-agents",
      "node1 node-bootstrap",
      "node1 k3s-join",
      "node1 k3s-ready",
    ])
      expect(phases).toContain(name);

    // The token reached node 1 only through the run's SecureString parameter, deleted when the run ended.
    expect(puts.filter((p) => p.value === token)).toHaveLength(1);
    expect(puts.find((p) => p.value === token)).toMatchObject({ type: "SecureString", keyId: "alias/gpu-bench-node-secrets" });
    expect(standIn.parameters().some((p) => p.value === token)).toBe(false);
    expect(leakedSecrets(r.mainLog, secrets)).toEqual([]);
    expect(leakedSecrets(r.postLog, secrets)).toEqual([]);
    expect(r.job.summary()).not.toContain(secrets[1]);
    expect(JSON.stringify(r.job.outputs())).not.toContain(secrets[1]);
    for (const file of filesUnder(r.job.dir).filter((f) => !f.endsWith("/event.json")))
      expect(readFileSync(file, "utf8").includes(secrets[1]!), file).toBe(false);
    for (const key of standIn.listKeys(CHAOS_BUCKET)) expect(standIn.getText(CHAOS_BUCKET, key)!.includes(secrets[1]!), key).toBe(false);
    for (const c of standIn.commands()) expect(c.script + c.stdout + c.stderr).not.toContain(secrets[1]);
  });

  it("an agent whose bootstrap fails fails the run naming that node; the token parameter is deleted and both nodes terminated", async () => {
    standIn.faults.failCommands(1, { scriptIncludes: "export K3S_ROLE=" });
    const r = await lifecycle();
    expect(r.mainExit.code, r.mainLog).toBe(1);
    expect(r.mainLog).toMatch(
      /Node bootstrap failed at node1 node-bootstrap: 10\.0\.\d+\.\d+: the bootstrap script ended Failed with exit code 70/,
    );
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.outcome).toMatchObject({ status: "failed", failedPhase: "node bootstrap" });
    // Diagnostics from both nodes, in one file.
    const diagnostics = standIn.getText(CHAOS_BUCKET, results.locations.diagnostics!.replace(`s3://${CHAOS_BUCKET}/`, ""))!;
    const [server, agent] = ofRun(r.job.runId);
    expect(diagnostics).toContain(`########## node 0 (${server!.id}) ##########`);
    expect(diagnostics).toContain(`########## node 1 (${agent!.id}) ##########`);
    expect(standIn.parameters().filter((p) => p.tags["gpu-bench:run-id"] === r.job.runId)).toEqual([]);
    expect(r.alive).toEqual([]);
    expect(r.overTerminated).toEqual([]);
  });

  it("a zone that gives 1 of 2 is released (the survivor terminated) and the next zone gives both", async () => {
    standIn.faults.loseOnBoot(1);
    const r = await lifecycle();
    expect(r.mainExit.code, r.mainLog).toBe(0);
    const launched = ofRun(r.job.runId);
    const reservations = [...new Set(launched.map((i) => i.reservationId))];
    expect(reservations).toHaveLength(2);
    const [first, second] = reservations.map((id) => launched.filter((i) => i.reservationId === id));
    expect(first!.map((i) => i.stateReason).sort()).toEqual(["Client.UserInitiatedShutdown", "Server.InsufficientInstanceCapacity"]);
    expect(second).toHaveLength(2);
    expect(new Set(second!.map((i) => i.az)).size).toBe(1);
    expect(r.mainLog).toMatch(/gave 1 of 2 instances; releasing them/);
    expect(r.alive).toEqual([]);
    const results = Results.parse(JSON.parse(readFileSync(r.job.outputs()["results-path"]!, "utf8")));
    expect(results.nodes?.map((n) => n.instance)).toEqual(second!.map((i) => i.id));
  });

  it("when no candidate gives both, the run fails naming what each gave, and nothing is left", async () => {
    standIn.faults.loseOnBoot(100);
    const r = await lifecycle({ "instance-types": "g5.2xlarge", "subnet-ids": "subnet-0123456789abcdef0" });
    expect(r.mainExit.code, r.mainLog).toBe(1);
    expect(r.mainLog).toMatch(/No capacity for 2 instances in one zone/);
    expect(r.mainLog).toMatch(/g5\.2xlarge in subnet-0123456789abcdef0: gave 0 of 2 \(i-\w+: Server\.InsufficientInstanceCapacity, i-\w+/);
    expect(r.alive).toEqual([]);
  });

  it("after SIGKILL of main with both nodes running, the post step alone terminates both", async () => {
    standIn.faults.agentDelayMs = 5000;
    const r = await lifecycle({}, (job, main) => {
      const poll = setInterval(() => {
        if (ofRun(job.runId).filter((i) => i.state === "running").length === 2) {
          clearInterval(poll);
          main.child.kill("SIGKILL");
        }
      }, 20);
    });
    expect(r.mainExit.signal).toBe("SIGKILL");
    const launched = ofRun(r.job.runId);
    expect(launched).toHaveLength(2);
    for (const i of launched) expect(r.postLog).toContain(i.id);
    expect(r.postLog).toMatch(/Terminated what main left behind: i-\w+, i-\w+/);
    expect(r.alive).toEqual([]);
    // The post step deleted the group main never got to delete.
    const groups = standIn.placementGroups().filter((g) => g.tags["gpu-bench:run-id"] === r.job.runId);
    expect(groups.map((g) => g.state)).toEqual(["deleted"]);
    expect(r.postLog).toContain(`Deleted the run's placement group(s): ${groups[0]!.name}`);
    expect(r.overTerminated).toEqual([]);
  });
});
