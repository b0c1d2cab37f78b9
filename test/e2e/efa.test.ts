import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Results } from "../../src/evidence/results.js";
import type { StandIn } from "../../stand-in/index.js";
import { CHAOS_INPUTS } from "./chaos-runner.js";
import { NO_HANG_TO_WAIT_FOR, lifecycle, runInstances, useLifecycleStandIn } from "./lifecycle-stand-in.js";

/** Suite efa, the bundles run as the runner runs them against the stand-in (whose DescribeInstanceTypes knows which GPU types have EFA). */

let standIn: StandIn;
useLifecycleStandIn((s) => (standIn = s), NO_HANG_TO_WAIT_FOR);

const EFA_SUITE = { ...CHAOS_INPUTS, suite: "test/fixtures/suites/multi-node-efa.yaml" };
const results = (path: string | undefined) => Results.parse(JSON.parse(readFileSync(path!, "utf8")));

describe("a suite with efa: true", () => {
  it("refuses, before anything is launched, instance types without EFA, naming them and the fix", async () => {
    const before = standIn.calls.length;
    const r = await lifecycle(standIn, EFA_SUITE);
    expect(r.mainExit.code, r.mainLog).not.toBe(0);
    expect(r.mainLog).toContain("The suite sets 'efa: true' but g5.2xlarge, g5.xlarge have no EFA");
    expect(r.mainLog).toMatch(/List only instance types with EFA in 'instance-types' \(e\.g\. g5\.8xlarge and larger/);
    expect(runInstances(standIn, r.job.runId)).toEqual([]);
    expect(standIn.calls.slice(before).filter((c) => c.action === "RunInstances" || c.action === "CreatePlacementGroup")).toEqual([]);
    expect(results(r.job.outputs()["results-path"]).outcome).toMatchObject({ status: "failed", failedPhase: "efa check" });
    expect(r.alive).toEqual([]);
  }, 120_000);

  it("launches every node with an EFA interface in the run's placement group; each node checks its EFA software and offers vpc.amazonaws.com/efa", async () => {
    const r = await lifecycle(standIn, { ...EFA_SUITE, "instance-types": "g5.8xlarge" });
    expect(r.mainExit.code, r.mainLog).toBe(0);
    const launched = runInstances(standIn, r.job.runId);
    expect(launched.map((i) => [i.type, i.efa])).toEqual([
      ["g5.8xlarge", true],
      ["g5.8xlarge", true],
    ]);
    expect(new Set(launched.map((i) => i.placementGroup)).size).toBe(1);
    expect(launched[0]!.placementGroup).toBeTruthy();
    expect(r.mainLog).toContain("EFA: g5.8xlarge: 1 EFA interface(s) per node (1 network card(s), at most 1 EFA)");
    expect(r.mainLog).not.toContain("no public IPv4");
    expect(launched[0]!.networkInterfaces).toEqual([{ card: 0, device: 0, type: "efa" }]);
    const out = results(r.job.outputs()["results-path"]);
    expect(out.nodes?.map((n) => n.inventory?.efaDevices)).toEqual([["rdmap0s6"], ["rdmap0s6"]]);
    // Each node checked its EFA software (the stand-in AMI has it) and libfabric's efa provider;
    // node 0 rolled out the EFA device plugin and the cluster check saw both nodes offer vpc.amazonaws.com/efa.
    expect(out.nodes?.[0]?.inventory?.efaSoftware).toEqual({
      libfabricHome: "/opt/amazon/efa",
      ofiNcclHome: "/opt/amazon/ofi-nccl",
      ofiNcclLibDir: "/opt/amazon/ofi-nccl/lib",
      source: "on the AMI",
    });
    const phases = new Map(out.phases.map((p) => [p.name, p]));
    expect(phases.get("efa-software")).toMatchObject({ status: "ok", detail: expect.stringMatching(/^1 EFA device\(s\), provider efa/) });
    expect(phases.get("node1 efa-software")).toMatchObject({ status: "ok" });
    expect(phases.get("efa-allocatable")).toMatchObject({ status: "ok", detail: "vpc.amazonaws.com/efa: 1" });
    expect(phases.get("cluster-ready")).toMatchObject({ status: "ok" });
    expect(r.alive).toEqual([]);
  }, 300_000);

  it("a p4d.24xlarge-like type gets 4 EFA interfaces on its 4 network cards, and each node offers 4 vpc.amazonaws.com/efa", async () => {
    const r = await lifecycle(standIn, { ...EFA_SUITE, "instance-types": "p4d.24xlarge" });
    expect(r.mainExit.code, r.mainLog).toBe(0);
    const launched = runInstances(standIn, r.job.runId);
    expect(launched).toHaveLength(2);
    for (const i of launched)
      expect(i.networkInterfaces).toEqual([
        { card: 0, device: 0, type: "efa" },
        { card: 1, device: 1, type: "efa-only" },
        { card: 2, device: 1, type: "efa-only" },
        { card: 3, device: 1, type: "efa-only" },
      ]);
    expect(r.mainLog).toContain("EFA: p4d.24xlarge: 4 EFA interface(s) per node (4 network card(s), at most 4 EFA)");
    // Several network interfaces: EC2 gives no public IPv4, which the run says before it buys anything.
    expect(r.mainLog).toContain("p4d.24xlarge get several network interfaces, and EC2 gives such an instance no public IPv4 address");
    const out = results(r.job.outputs()["results-path"]);
    for (const node of out.nodes ?? []) expect(node.inventory?.efaDevices).toEqual(["rdmap0s6", "rdmap1s6", "rdmap2s6", "rdmap3s6"]);
    expect(out.phases.find((p) => p.name === "efa-allocatable")).toMatchObject({ status: "ok", detail: "vpc.amazonaws.com/efa: 4" });
    expect(r.alive).toEqual([]);
  }, 300_000);
});
