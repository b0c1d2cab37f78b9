import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InputError, parseSettings, type RunSettings } from "../../src/config/inputs.js";
import type { InputName } from "../../src/config/names.js";
import { readInput } from "../../src/entry/github.js";
import { ActionJob } from "../e2e/action-process.js";
import { caseJson } from "./cases.js";

interface Scenario {
  name: string;
  inputs: Partial<Record<InputName, string>>;
  expected: string;
}
const { scenarios } = caseJson<{ scenarios: Scenario[] }>("action-inputs-crlf-booleans.json");
const scenario = (name: string) => scenarios.find((s) => s.name === name)!;

/** The action's reader: @actions/core's getInput over INPUT_* variables, as the runner hands them over. */
function actionReader(inputs: Scenario["inputs"]) {
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.replace(/ /g, "_").toUpperCase()}`, value);
  return readInput;
}
/** The CLI's reader: flag values exactly as given (a value from a CRLF file keeps its "\r"). */
const rawReader = (inputs: Scenario["inputs"]) => (name: InputName) => inputs[name] ?? "";

function problemsOf(read: (name: InputName) => string): string[] {
  try {
    parseSettings(read);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).problems;
  }
  throw new Error("expected an InputError");
}

afterEach(() => vi.unstubAllEnvs());

describe("real-world case: action-inputs-crlf-booleans.json", () => {
  const crlf = scenario("crlf-and-trailing-comma");
  const count = (what: string) => Number(new RegExp(`(\\d+) ${what}`).exec(crlf.expected)![1]);

  for (const [via, reader] of [
    ["the action's getInput", actionReader],
    ["the CLI's untrimmed flags", rawReader],
  ] as const) {
    it(`CRLF, trailing commas and blank lines through ${via}: ${crlf.expected}`, () => {
      const s = parseSettings(reader(crlf.inputs)) as RunSettings;
      expect(s.subnetIds).toEqual(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]);
      expect(s.subnetIds).toHaveLength(count("subnets"));
      expect(s.instanceTypes).toEqual(["g5.2xlarge", "g6.xlarge"]);
      expect(s.instanceTypes).toHaveLength(count("types"));
      expect(s.securityGroupId).toBe("sg-0123456789abcdef0");
      expect(s.tags).toEqual({ team: "ml", "cost-center": "gpu bench" });
      expect(Object.keys(s.tags)).toHaveLength(count("tags"));
      expect(s.failOnRegression).toBe(true);
    });
  }

  const yaml11 = scenario("yaml-1.1-booleans");
  it(`YAML 1.1 booleans (yes, on): ${yaml11.expected}`, () => {
    for (const read of [actionReader(yaml11.inputs), rawReader(yaml11.inputs)]) {
      const problems = problemsOf(read);
      const accepts = "must be true or false (YAML 1.2 core-schema booleans: true, True, TRUE, false, False, FALSE)";
      expect(problems).toContain(`'fail-on-regression' ${accepts}, got 'yes'`);
      // dry-run acts in sweep mode only; its misspelling is refused in run mode too, and in sweep mode.
      expect(problems).toContain(`'dry-run' ${accepts}, got 'on'`);
      expect(problemsOf(rawReader({ ...yaml11.inputs, mode: "sweep" }))).toEqual([`'dry-run' ${accepts}, got 'on'`]);
    }
  });

  it("the action given those inputs stops before any AWS or OIDC request, naming the input", async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const job = new ActionJob(
        {
          AWS_ENDPOINT_URL: url,
          AWS_REGION: "us-west-2",
          ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/token`,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
        },
        { ...yaml11.inputs, "role-to-assume": "arn:aws:iam::123456789012:role/gpu-bench" },
      );
      const run = job.main();
      const { code } = await run.exited;
      expect(code, run.output()).toBe(1);
      expect(run.output()).toMatch(/::error::.*'fail-on-regression' must be true or false \(YAML 1\.2 core-schema booleans/);
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });
});
