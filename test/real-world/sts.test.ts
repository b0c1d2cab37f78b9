import { getIDToken } from "@actions/core";
import { describe, expect, it } from "vitest";
import { CredentialsError, credentialsFor, sessionNameFor } from "../../src/auth/credentials.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { instantClock } from "../support/fakes.js";
import { useStandInForOidc } from "../stand-in/helpers.js";
import { caseText } from "./cases.js";

const ROLE = "arn:aws:iam::123456789012:role/gpu-bench-ci";
const OTHER_ROLE = "arn:aws:iam::123456789012:role/not-trusting";
const oidc = useStandInForOidc({ roleArns: [ROLE] });

/** The STS error in the case file, as its code, message and HTTP status. */
const xml = caseText("sts-oidc-verification-key-transient.xml");
const transient = {
  code: /<Code>([^<]+)<\/Code>/.exec(xml)![1]!,
  message: /<Message>([^<]+)<\/Message>/.exec(xml)![1]!,
};

/** The credentials main (a long session) or the post step (900 s, main's session name) builds. */
function provider(step: "main" | "post", roleArn = ROLE) {
  const log = new MemoryLog();
  const clock = instantClock();
  const tokens: string[] = [];
  const idToken = async (audience: string) => {
    const token = await getIDToken(audience);
    tokens.push(token);
    return token;
  };
  const access = { region: "us-west-2", roleToAssume: roleArn, roleDurationSeconds: step === "post" ? 900 : 3600 };
  const credentials = credentialsFor(access, sessionNameFor("4242", 1), idToken, log, { clock })!;
  return { credentials, log, clock, tokens };
}

describe("real-world case: sts-oidc-verification-key-transient.xml", () => {
  for (const step of ["main", "post"] as const) {
    it(`${step}: retries with a fresh token and backoff, and gets credentials`, async () => {
      expect(transient.code).toBe("InvalidIdentityToken");
      oidc.standIn.faults.failWebIdentity(2, transient.code, transient.message);
      const { credentials, log, clock, tokens } = provider(step);
      expect((await credentials()).accessKeyId).toMatch(/^ASIA/);
      expect(tokens).toHaveLength(3);
      expect(new Set(tokens).size).toBe(3);
      expect(clock.slept).toHaveLength(2);
      expect(log.lines.join("\n")).toMatch(/Couldn't retrieve verification key.*retrying with a fresh OIDC token/);
      expect(log.lines.join("\n")).not.toMatch(/trust policy/);
    });
  }

  it("IDPCommunicationError and throttling are transient too", async () => {
    oidc.standIn.faults.failWebIdentity(1, "IDPCommunicationError", "Communication with the identity provider failed");
    oidc.standIn.faults.failWebIdentity(1, "Throttling", "Rate exceeded");
    const { credentials } = provider("post");
    // The SDK's own retry may absorb these with the same token; either way the run gets its credentials.
    expect((await credentials()).accessKeyId).toMatch(/^ASIA/);
    expect(oidc.standIn.faults.sts).toEqual([]);
  });

  it("a transient failure that never clears says so, without blaming the trust policy", async () => {
    oidc.standIn.faults.failWebIdentity(10, transient.code, transient.message);
    const { credentials, tokens } = provider("post");
    const error = await credentials().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as Error).message).toMatch(/still failed after 5 attempts with fresh tokens.*not the trust policy/);
    expect(tokens).toHaveLength(5);
  });

  it("only a persistent AccessDenied blames the trust policy, at once", async () => {
    const { credentials, tokens } = provider("main", OTHER_ROLE);
    const error = await credentials().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/AccessDenied.*role's trust policy allows token\.actions\.githubusercontent\.com/);
    expect(tokens).toHaveLength(1);
  });
});
