import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_CREDENTIALS_FIX, awsErrorText, explainAwsError } from "../../src/cloud/aws-errors.js";
import { checkCredentials, createClients, destroyClients } from "../../src/cloud/clients.js";

/** An endpoint that is not AWS: an empty 404 on /404, an HTML page otherwise (a captive portal, a proxy's login page). */
let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.headers.host?.startsWith("127.0.0.1")) {
      res.writeHead(404);
      res.end();
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<!DOCTYPE html><html><body><p>Please log in<br></body></html>");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => server.close());

const staticCredentials = async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" });

async function failureAt(endpoint: string, service: "ec2" | "ssm" = "ec2"): Promise<unknown> {
  const previous = process.env.AWS_ENDPOINT_URL;
  process.env.AWS_ENDPOINT_URL = endpoint;
  const clients = createClients({ region: "us-west-2", credentials: staticCredentials, userAgent: "test" });
  // One attempt: the explanation is about the final error, not the retries.
  clients.ec2.config.maxAttempts = async () => 1;
  clients.ssm.config.maxAttempts = async () => 1;
  try {
    await (service === "ec2"
      ? clients.ec2.send(new DescribeInstancesCommand({}))
      : clients.ssm.send(new GetParameterCommand({ Name: "/x" })));
  } catch (error) {
    return error;
  } finally {
    destroyClients(clients);
    // The SDK reads the endpoint override when it sends.
    if (previous === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = previous;
  }
  throw new Error("the call succeeded");
}

describe("AWS failures name the fix", () => {
  it("a connection refused names the service and the endpoint", async () => {
    const error = await failureAt("http://127.0.0.1:1");
    expect(awsErrorText(error)).toMatch(/^Could not reach EC2 at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED: connection refused/);
    expect((error as { code: string }).code).toBe("ECONNREFUSED");
  });

  it("a DNS failure names the host and what to check", async () => {
    const error = await failureAt("http://no-such-host.invalid", "ssm");
    expect(awsErrorText(error)).toMatch(
      /^Could not reach SSM at http:\/\/no-such-host\.invalid \((ENOTFOUND|EAI_AGAIN): DNS lookup failed/,
    );
    expect(awsErrorText(error)).toContain("AWS_ENDPOINT_URL_SSM");
  });

  it("an empty 404 is not 'Unknown'", async () => {
    const error = await failureAt(`http://127.0.0.1:${port}`);
    expect(awsErrorText(error)).toBe(
      `EC2 at http://127.0.0.1:${port} answered to DescribeInstances with HTTP 404 and no AWS error in the body: that is not an AWS EC2 endpoint. ` +
        "Check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2, a proxy or captive portal, and 'aws-region'.",
    );
    // Callers that ask whether the error is AWS's own (resolveImage, checkCredentials) still learn it is not.
    expect(explainAwsError(error)).toBe(awsErrorText(error));
  });

  it("an HTML page is called an HTML page, never 'inspect the hidden field'", async () => {
    for (const service of ["ec2", "ssm"] as const) {
      const text = awsErrorText(await failureAt(`http://localhost:${port}`, service));
      expect(text).toMatch(/answered to (DescribeInstances|GetParameter) with an HTML page \(HTTP 200\): that is not an AWS/);
      expect(text).not.toContain("hidden field");
    }
  });

  it("no credentials lists the chain tried and how to set a profile or role, once, before any call", async () => {
    const clients = createClients({
      region: "us-west-2",
      credentials: async () => {
        throw Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" });
      },
      userAgent: "test",
    });
    await expect(checkCredentials(clients.ec2)).rejects.toThrow(NO_CREDENTIALS_FIX);
    destroyClients(clients);
    expect(NO_CREDENTIALS_FIX).toMatch(/AWS_PROFILE/);
    expect(NO_CREDENTIALS_FIX).toMatch(/role-to-assume/);
  });

  it("an AWS error with a code of its own keeps it", () => {
    expect(awsErrorText(Object.assign(new Error("no such parameter"), { name: "ParameterNotFound" }))).toBe("ParameterNotFound");
  });
});
