import { spawn, type ChildProcess } from "node:child_process";
import { createHash, createHmac } from "node:crypto";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { SignatureV4 } from "@smithy/signature-v4";

/**
 * moto_server (https://github.com/getmoto/moto), a third-party AWS emulator, on a free loopback
 * port for the conformance tests. moto 5.2.1 is what these tests were written against.
 */

export const MOTO_VERSION = "5.2.1";
/** Where scripts/system-deps.sh keeps moto_server when it is not on PATH. */
export const MOTO_VENV = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "ephemeral-gpu-bench", `moto-${MOTO_VERSION}`);
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export interface MotoServer {
  /** http://127.0.0.1:<port>: every service on one port. */
  endpoint: string;
  /** The server's own output so far, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

const MISSING =
  `moto_server is not installed or not on PATH: the AWS conformance tests need it. ` +
  `Install it with: pip install 'moto[server]==${MOTO_VERSION}'`;

/**
 * Starts `moto_server -p 0` (the OS picks a free port; moto prints it) and waits, bounded, until
 * it answers. Fails, never skips, when moto_server is missing or does not come up.
 */
export async function startMoto(): Promise<MotoServer> {
  let child: ChildProcess;
  try {
    // On PATH, or where scripts/system-deps.sh (npm's pretest) installed it.
    const path = [process.env.PATH, `${MOTO_VENV}/bin`].filter(Boolean).join(delimiter);
    child = spawn("moto_server", ["-H", "127.0.0.1", "-p", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PATH: path },
    });
  } catch (error) {
    throw new Error(`${MISSING} (${(error as Error).message})`, { cause: error });
  }
  let output = "";
  // Never outlive the test process, whatever ends it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      process.off("exit", killOnExit);
      resolve(code);
    }),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`moto_server did not print its address within ${STARTUP_TIMEOUT_MS} ms. Its output:\n${output}`));
    }, STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      const match = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new Error(error.code === "ENOENT" ? MISSING : `moto_server could not start: ${error.message}`));
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited (code ${code}) before it listened. Its output:\n${output}`));
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  try {
    await untilAnswering(endpoint);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message} Its output:\n${output}`, { cause: error });
  }
  return { endpoint, output: () => output, stop };
}

async function untilAnswering(endpoint: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto_server at ${endpoint} did not answer within ${STARTUP_TIMEOUT_MS} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type Bytes = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: Bytes): string | Uint8Array =>
  typeof data === "string"
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 (and HMAC-SHA-256 with a secret) in the shape @smithy/signature-v4 expects. */
class Sha256 {
  private readonly hash;
  constructor(secret?: Bytes) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: Bytes): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * One signed IAM Query API call (the product has no IAM client, and needs none: the account's
 * instance profile exists before it runs). moto, like EC2, refuses an instance profile it does
 * not know, so the test creates one. Returns the XML answer; throws on an error answer.
 */
export async function iamCall(endpoint: string, region: string, params: Record<string, string>): Promise<string> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({ ...params, Version: "2010-05-08" }).toString();
  const signer = new SignatureV4({
    service: "iam",
    region,
    credentials: { accessKeyId: "conformance", secretAccessKey: "conformance" },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: "POST",
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: "/",
    headers: { host: url.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body,
  });
  const res = await fetch(endpoint, { method: "POST", headers: signed.headers, body });
  const text = await res.text();
  if (!res.ok) throw new Error(`IAM ${params.Action} answered HTTP ${res.status}: ${text}`);
  return text;
}
