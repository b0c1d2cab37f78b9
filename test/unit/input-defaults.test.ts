import { describe, expect, it } from "vitest";
import { parseSettings } from "../../src/config/inputs.js";
import { Inputs, type InputName } from "../../src/config/names.js";
import { readAction } from "../../scripts/readme-tables.js";

// The runner hands the action each input's action.yml default; the CLI hands the engine an empty
// string for every flag not given. Both must mean the same run, so the defaults live in two places
// only as long as this test proves they agree.
const action = readAction();
const required: Partial<Record<InputName, string>> = {
  [Inputs.subnetIds]: "subnet-0123456789abcdef0",
  [Inputs.securityGroupId]: "sg-0123456789abcdef0",
  [Inputs.instanceProfile]: "gpu-bench-instance",
  [Inputs.evidenceBucket]: "evidence",
};

function settingsWith(fallback: (name: InputName) => string, given: Partial<Record<InputName, string>>) {
  return parseSettings((name) => given[name] ?? fallback(name));
}
// A default that is an expression (github-token's `${{ github.token }}`) is the runner's to evaluate.
const asRunner = (name: InputName) => {
  const value = action.inputs[name]?.default ?? "";
  return value.startsWith("${{") ? "" : value;
};
const asCli = () => "";

describe("an input left out means what action.yml's default says", () => {
  it("every action.yml default is what the engine assumes for an empty input, for a run", () => {
    expect(settingsWith(asCli, required)).toEqual(settingsWith(asRunner, required));
  });

  it("and for a sweep", () => {
    const sweep = { [Inputs.mode]: "sweep" };
    expect(settingsWith(asCli, sweep)).toEqual(settingsWith(asRunner, sweep));
  });

  it("and with a platform under test, whose inputs have defaults of their own", () => {
    const platform = {
      ...required,
      [Inputs.platformApiUrl]: "https://platform.example.com/api",
      [Inputs.platformAuth]: "bearer",
      [Inputs.platformToken]: "t0ken",
      [Inputs.platformAgentImage]: "registry.example.com/agent:1.0",
    };
    const cli = settingsWith(asCli, platform);
    expect(cli).toEqual(settingsWith(asRunner, platform));
    expect(cli.mode === "run" && cli.platform).toBeTruthy();
  });

  it("each non-empty default is one the engine accepts on its own", () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      if (!input.default || input.default.startsWith("${{")) continue;
      expect(() => settingsWith(asCli, { ...required, [name]: input.default }), name).not.toThrow();
    }
  });
});
