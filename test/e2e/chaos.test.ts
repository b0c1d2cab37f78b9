import { describe, expect, it } from "vitest";
import { runChaos, scenarios, type Scenario } from "./chaos-runner.js";

const bad = (outcomes: Awaited<ReturnType<typeof runChaos>>["outcomes"]) =>
  outcomes
    .filter((o) => o.leaked.length > 0 || o.overTerminated.length > 0 || o.secretsSeen.length > 0)
    .map((o) => ({ ...o.scenario, leaked: o.leaked, overTerminated: o.overTerminated, secrets: o.secretsSeen.length }));

describe("chaos (the short version of npm run chaos)", () => {
  it("20 randomized lifecycles with faults and kills leave no instance, terminate no other run's, and show no secret", async () => {
    const summary = await runChaos(scenarios(20, 20261123), 2);
    expect(bad(summary.outcomes)).toEqual([]);
    expect(summary.lifecycles).toBe(20);
  }, 600_000);

  it("matrix legs, lost state, expiring credentials, SIGHUP and a broken cloud-init, each killed or not, leak and over-terminate nothing", async () => {
    const kinds = ["matrix-legs", "state-lost", "credentials-expire", "sighup", "cloud-init-broken"] as const;
    const list: Scenario[] = kinds.map((fault, index) => ({
      index,
      fault,
      kill: fault === "sighup" ? "none" : index % 2 === 0 ? "sigkill" : "none",
      killAfterMs: 1500,
    }));
    const summary = await runChaos(list, 2);
    expect(bad(summary.outcomes)).toEqual([]);
    expect(summary.outcomes.map((o) => o.scenario.fault)).toEqual([...kinds]);
  }, 400_000);

  it("three nodes, under every kill (and a first zone that falls short), leave none of the three alive", async () => {
    const kills = ["none", "sigint", "sigkill", "sigkill-after-run-instances"] as const;
    const list: Scenario[] = kills.map((kill, index) => ({ index, fault: "multi-node", kill, killAfterMs: 1200 }));
    const summary = await runChaos(list, 2);
    expect(bad(summary.outcomes)).toEqual([]);
    expect(summary.lifecycles).toBe(4);
  }, 400_000);

  it("platform lifecycles (throttled, 5xx, a refused token, a refused delete; killed as the cluster is created, later, or not) leave no cluster or instance and show no Cognito secret or onboarding token", async () => {
    const kills = ["none", "sigkill-after-cluster-created", "sigkill", "sigint", "none"] as const;
    const list: Scenario[] = kills.map((kill, index) => ({ index, fault: "platform", kill, killAfterMs: 2500 }));
    const summary = await runChaos(list, 1);
    expect(bad(summary.outcomes)).toEqual([]);
    expect(summary.lifecycles).toBe(5);
    // The whole flow ran; a refused delete fails main (the post step deleted the cluster).
    expect(summary.outcomes[0]!.mainExit).toBe("0");
    expect(summary.outcomes[4]!.mainExit).toBe("1");
    // The run killed as the cluster was created never heard its id: its post step found it by the run's name.
    expect(summary.outcomes[1]!.mainExit).toBe("SIGKILL");
  }, 400_000);
});
