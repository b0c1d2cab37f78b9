import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Inputs, Outputs } from "../../src/config/names.js";
import { inputsTable, outputsTable, readAction } from "../../scripts/readme-tables.js";

const action = readAction();
const readme = readFileSync("README.md", "utf8");

describe("action.yml, the code and the README agree", () => {
  it("declares exactly the inputs and outputs the code reads and sets", () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort());
    expect(Object.keys(action.outputs).sort()).toEqual(Object.values(Outputs).sort());
  });

  it("documents every input and output", () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy();
      expect(input.required, name).toBe(false);
      expect(input.default, name).toBeTypeOf("string");
    }
    for (const [name, output] of Object.entries(action.outputs)) expect(output.description, name).toBeTruthy();
  });

  it("runs on node24 with a post step that always runs", () => {
    const runs = (parse(readFileSync("action.yml", "utf8")) as { runs: Record<string, string> }).runs;
    expect(runs).toEqual({ using: "node24", main: "dist/main.js", post: "dist/post.js", "post-if": "always()" });
  });

  it("keeps the README's tables in step with action.yml (npx tsx scripts/readme-tables.ts rewrites them)", () => {
    expect(readme).toContain(inputsTable(action));
    expect(readme).toContain(outputsTable(action));
    // One row per input and output: no stale copy of a table left beside the rewritten one.
    const rows = (section: string) =>
      readme
        .split(`## ${section}\n`)[1]!
        .split("\n## ")[0]!
        .match(/^\| `[^`]+` \|/gm) ?? [];
    expect(rows("Inputs")).toHaveLength(Object.keys(action.inputs).length);
    expect(rows("Outputs")).toHaveLength(Object.keys(action.outputs).length);
  });

  it("names the two commands and the figure scripts the README promises", () => {
    const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(readme).toContain("npm ci && npm start");
    expect(readme).toContain("npm ci && npm test");
    for (const s of ["start", "test", "chaos", "bench:bootstrap", "bench:workloads", "bench:regression", "bench:telemetry"])
      expect(scripts[s], s).toBeTruthy();
  });
});
