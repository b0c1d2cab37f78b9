import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StandIn } from "../../stand-in/index.js";
import { ActionJob } from "../e2e/action-process.js";
import { CHAOS_INPUTS, startLifecycleStandIn } from "../e2e/chaos-runner.js";

/**
 * Kind 9 of the real-world cases (issue 16): replies that are not AWS's. Reported as
 * "Unexpected token '<' … is not valid JSON" when a proxy or a wrong endpoint answered a JSON
 * service (SSM) with an HTML page. The action runs as the runner runs it, against the stand-in,
 * with one service's endpoint pointed at something that is not AWS: the failure must name the
 * service, the endpoint and the HTTP status, and nothing is launched.
 */
let standIn: StandIn;
let impostor: Server;
let impostorUrl: string;

beforeAll(async () => {
  standIn = await startLifecycleStandIn();
  // A captive portal's login page on every path but /empty-404, an empty 404 there.
  impostor = createServer((req, res) => {
    if (req.url?.startsWith("/empty-404")) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/html" }).end("<!DOCTYPE html><html><body><p>Please log in<br></body></html>");
  });
  await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
  impostorUrl = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
});
afterAll(async () => {
  impostor.close();
  await standIn.stop();
});
beforeEach(() => standIn.faults.reset());

/** Runs the action's main with `env` over the stand-in's; returns its exit code, its log and the instances its run launched. */
async function mainWith(env: Record<string, string>, inputs: Record<string, string> = CHAOS_INPUTS) {
  const job = new ActionJob({ ...standIn.env, ...env }, inputs);
  const main = job.main();
  const { code } = await main.exited;
  const launched = standIn.instances().filter((i) => i.tags["gpu-bench:run-id"] === job.runId);
  return { code, log: main.output(), launched };
}

/** The ::error:: line the runner shows as the step's failure. */
const errorLine = (log: string) => log.split("\n").find((l) => l.startsWith("::error::")) ?? "";

describe("real-world kind 9: replies that are not AWS's", () => {
  it("SSM answered with an HTML page: the service, endpoint and HTTP status, not 'Unexpected token'", async () => {
    const run = await mainWith({ AWS_ENDPOINT_URL_SSM: impostorUrl });
    expect(run.code, run.log).toBe(1);
    const error = errorLine(run.log);
    expect(error).toContain(`SSM at ${impostorUrl} answered to GetParameter with an HTML page (HTTP 200)`);
    expect(error).toContain("AWS_ENDPOINT_URL_SSM");
    expect(run.log).not.toMatch(/Unexpected token|is not valid JSON|hidden field/);
    expect(run.launched).toEqual([]);
  });

  it("EC2 answered with an empty 404: not 'Unknown', the endpoint and the status", async () => {
    const run = await mainWith({ AWS_ENDPOINT_URL_EC2: `${impostorUrl}/empty-404` });
    expect(run.code, run.log).toBe(1);
    const error = errorLine(run.log);
    expect(error).toMatch(
      new RegExp(`EC2 at ${impostorUrl.replace(/[.]/g, "\\.")} answered to \\w+ with HTTP 404 and no AWS error in the body`),
    );
    expect(error).not.toMatch(/(^|: )Unknown\b/);
    expect(run.launched).toEqual([]);
  });

  it("nothing listening, or no such host: 'Could not reach' the service at its endpoint, with the network error", async () => {
    const refused = await mainWith({ AWS_ENDPOINT_URL_EC2: "http://127.0.0.1:1" });
    expect(refused.code, refused.log).toBe(1);
    expect(errorLine(refused.log)).toContain("Could not reach EC2 at http://127.0.0.1:1 (ECONNREFUSED: connection refused");

    const dns = await mainWith({ AWS_ENDPOINT_URL_SSM: "http://no-such-host.invalid" });
    expect(dns.code, dns.log).toBe(1);
    expect(errorLine(dns.log)).toMatch(
      /Could not reach SSM at http:\/\/no-such-host\.invalid(:\d+)? \((ENOTFOUND|EAI_AGAIN): DNS lookup failed/,
    );
  });

  it("no credentials at all: which sources the SDK tried and how to give it some, before anything is launched", async () => {
    // No role-to-assume, no keys, no ~/.aws (HOME is the job's empty folder), no instance metadata.
    const { "role-to-assume": _role, ...inputs } = CHAOS_INPUTS;
    const run = await mainWith({ AWS_EC2_METADATA_DISABLED: "true" }, inputs);
    expect(run.code, run.log).toBe(1);
    expect(errorLine(run.log)).toContain("No AWS credentials found. The SDK's default chain tried, in order: the environment");
    expect(errorLine(run.log)).toContain("give 'role-to-assume' and 'permissions: id-token: write'");
    expect(run.launched).toEqual([]);
  });
});
