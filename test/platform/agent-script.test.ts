import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RemoteScriptError, renderCommand } from "../../src/cloud/remote-script.js";
import { planAgentUp, type AgentStart } from "../../src/platform/agent.js";
import { INSTANCE_BIN, localRemote } from "../support/local-remote.js";

// remote/platform/agent-up.sh with platform-agent-script: the node reads the onboarding token from
// the run's SecureString parameter (here an `aws` stub) and hands it to the agent script in its
// environment; the SSM command carries the parameter's name only, and no output shows the token.

const TOKEN = "onb_PlantedOnboardingToken0123456789";
const PARAMETER = "/gpu-bench/gpu-bench/runs/gpu-bench-0123456789abcdef01234567/platform-onboarding-token";
let sandbox: string;

beforeEach(() => {
  sandbox = mkdtempSync(join(tmpdir(), "agent-script-"));
  mkdirSync(join(sandbox, "bin"));
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

/** An `aws` first on PATH that answers get-parameter for PARAMETER with the token (or fails). */
function awsStub(works: boolean): void {
  const aws = join(sandbox, "bin", "aws");
  writeFileSync(
    aws,
    works
      ? `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${sandbox}/aws-calls"\n[[ "$*" == *"--name ${PARAMETER}"*"--with-decryption"* ]] && printf '%s\\n' '${TOKEN}'\n`
      : `#!/usr/bin/env bash\necho "An error occurred (AccessDeniedException) when calling the GetParameter operation" >&2\nexit 254\n`,
  );
  chmodSync(aws, 0o755);
}

const start = (content: string): AgentStart => ({
  agent: { kind: "script", path: "ci/start-agent.sh", content },
  apiUrl: "https://api.radix.example",
  clusterId: "c-1234abcd",
  tokenParameter: { name: PARAMETER, region: "us-west-2" },
});

const remote = () => localRemote({ sandbox, env: { PATH: `${join(sandbox, "bin")}:${INSTANCE_BIN}:/usr/local/bin:/usr/bin:/bin` } });

describe("platform-agent-script on the node", () => {
  it("runs the script with the token, API URL and cluster id in its environment; the command and the output hold no token", async () => {
    awsStub(true);
    const script = planAgentUp(
      start(
        'printf "%s" "$PLATFORM_ONBOARDING_TOKEN" > "$GPU_BENCH_ROOT/agent-token"\necho "agent for $PLATFORM_CLUSTER_ID at $PLATFORM_API_URL started"\n',
      ),
      60,
    );
    expect(renderCommand(script)).not.toContain(TOKEN);
    expect(renderCommand(script)).toContain(PARAMETER);
    const result = await remote()(script);
    expect(readFileSync(join(sandbox, "root", "agent-token"), "utf8")).toBe(TOKEN);
    expect(result.stderr).toContain("agent for c-1234abcd at https://api.radix.example started");
    expect(result.stdout.trim().split("\n").at(-1)).toMatch(/^GPU_BENCH_AGENT \{"kind":"script","outcome":"running","seconds":\d+\}$/);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    expect(readFileSync(join(sandbox, "aws-calls"), "utf8")).toContain("ssm get-parameter --region us-west-2");
  });

  it("fails with the permission to fix when the instance role cannot read the token, and never runs the script", async () => {
    awsStub(false);
    const script = planAgentUp(start('touch "$GPU_BENCH_ROOT/ran"\n'), 60);
    const error = await remote()(script).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteScriptError);
    expect((error as RemoteScriptError).result.exitCode).toBe(3);
    expect((error as Error).message).toContain("ssm:GetParameter and kms:Decrypt on the stack's node-secrets key");
    expect(() => readFileSync(join(sandbox, "root", "ran"))).toThrow();
  });
});
