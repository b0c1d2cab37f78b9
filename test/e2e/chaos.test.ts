import { describe, expect, it } from "vitest";
import { runChaos, scenarios } from "./chaos-runner.js";

describe("chaos (the short version of npm run chaos)", () => {
  it("20 randomized lifecycles with faults and kills leave no instance and show no secret", async () => {
    const summary = await runChaos(scenarios(20, 20261123), 2);
    const bad = summary.outcomes.filter((o) => o.leaked.length > 0 || o.secretsSeen.length > 0);
    expect(bad.map((o) => ({ ...o.scenario, leaked: o.leaked, secrets: o.secretsSeen.length }))).toEqual([]);
    expect(summary.lifecycles).toBe(20);
  }, 280_000);
});
