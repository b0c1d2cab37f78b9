import { describe, expect, it } from "vitest";
import { compareAcrossTypes, comparisonRow, renderComparison } from "../../src/evidence/compare.js";
import { Results } from "../../src/evidence/results.js";
import { NOW, passingRun } from "./support/fixtures.js";

/** The same run on `nodes` instances of its type (a suite with `nodes`): node 0 first, each with node 0's inventory. */
function onNodes(run: Results, nodes: number, start?: string): Results {
  const base = start ? passingRun({ start, runId: `r-${nodes}` }) : run;
  return Results.parse({
    ...base,
    nodes: Array.from({ length: nodes }, (_, index) => ({
      index,
      instance: `i-0${index}23456789abcdef0`,
      availabilityZone: base.instance!.availabilityZone,
      inventory: base.inventory,
    })),
  });
}

describe("the comparison across GPU types", () => {
  it("prices a multi-node run's work at every node's price, not node 0's alone", () => {
    const one = comparisonRow(passingRun(), NOW)!;
    const two = comparisonRow(onNodes(passingRun(), 2), NOW)!;
    expect(two.pricePerHourUsd).toBeCloseTo(2 * one.pricePerHourUsd!, 9);
    // The same images/s bought with two instances costs twice as much per image.
    expect(two.usdPer1kTrainImages).toBeCloseTo(2 * one.usdPer1kTrainImages!, 9);
    expect(two).toMatchObject({ nodes: 2, gpu: "2 × NVIDIA A10G" });
  });

  it("keeps a multi-node run of a type beside the one-node runs of that type, each the latest of its shape", () => {
    const single = passingRun({ start: "2026-12-01T03:00:00.000Z", runId: "single" });
    const pair = onNodes(single, 2, "2026-12-02T03:00:00.000Z");
    const c = compareAcrossTypes([single, pair], NOW);
    expect(c.rows.map((r) => `${r.nodes} ${r.run.id}`).sort()).toEqual(["1 single", "2 r-2"]);
    const md = renderComparison(c);
    expect(md).toContain("| 2 × g5.2xlarge | 2 × NVIDIA A10G |");
  });

  it("writes energy per token like every other figure of the table, not with six digits", () => {
    const run = passingRun();
    const energy = (name: string, unit: string, v: number) => ({
      name,
      label: name,
      unit,
      direction: "lower",
      trials: [v],
      summary: { n: 1, median: v, mean: v, min: v, max: v, stdev: 0, cv: 0, q1: v, q3: v, iqr: 0 },
    });
    const workloads = run.workloads.map((w) => ({
      ...w,
      metrics: [
        ...w.metrics,
        w.kind === "resnet50" ? energy("joules_per_image", "J/image", 28.2345) : energy("joules_per_output_token", "J/token", 0.410759),
      ],
    }));
    const md = renderComparison(compareAcrossTypes([Results.parse({ ...run, workloads })], NOW));
    const row = md.split("\n").find((l) => l.startsWith("| 1 |"))!;
    expect(row).toContain("| 28.23 | 0.411 |");
  });
});
