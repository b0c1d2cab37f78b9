import { constants, generateKeyPairSync, privateDecrypt } from "node:crypto";
import type { Phase } from "../evidence/results.js";
import { RemoteScriptError, lastLines, markedLines, type RemoteResult, type RunRemote } from "../cloud/remote-script.js";
import { NodeBootstrapError } from "./bootstrap.js";
import { parseScriptOutput, type ClusterLine } from "./script-output.js";
import { CLUSTER_READY_FILES, NODE_TOKEN_FILES, clusterReadySh, nodeTokenSh } from "./scripts.js";

/** The mark of node-token.sh's one line: the token sealed to the runner's key, base64. */
const SEALED_MARK = "GPU_BENCH_SEALED_TOKEN ";

/**
 * Reads the k3s node token (`/var/lib/rancher/k3s/server/node-token`) from the server node once
 * its k3s has started (waiting up to `timeoutSeconds` for it), without the token ever being in
 * the command's output: the node seals it to an RSA key pair made for this one read (OAEP,
 * SHA-256) and only this process holds the private key. `mask` is called with the token (and the
 * password in it) before anything else sees it. Returns the token and the node's phase
 * (k3s-node-token). Throws NodeBootstrapError when the node has no token in time.
 */
export async function readNodeToken(
  remote: RunRemote,
  options: { timeoutSeconds: number; mask: (secret: string) => void },
): Promise<{ token: string; phases: Phase[] }> {
  const keys = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const result = await runStep(remote, {
    name: "k3s-node-token",
    body: nodeTokenSh,
    files: [...NODE_TOKEN_FILES, { path: "node-token.pub.pem", content: keys.publicKey }],
    env: { NODE_TOKEN_TIMEOUT: String(options.timeoutSeconds) },
    timeoutSeconds: options.timeoutSeconds + 60,
    // The agents wait for this token: its end is noticed within a second.
    pollCapMs: 1000,
  });
  const sealed = markedLines(result.stdout, SEALED_MARK)[0];
  if (!sealed) {
    throw new NodeBootstrapError(
      "k3s-node-token",
      "the server node printed no sealed node token",
      "This is a bug in remote/node/node-token.sh.",
    );
  }
  const token = privateDecrypt(
    { key: keys.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
    Buffer.from(sealed, "base64"),
  )
    .toString("utf8")
    .trim();
  options.mask(token);
  const password = token.split("::server:")[1];
  if (password) options.mask(password);
  return { token, phases: parseScriptOutput(result.stdout).phases };
}

/** One node of the cluster as the server sees it. */
export type ClusterNode = ClusterLine["nodes"][number];

/**
 * On the server node: waits until every agent (by private IP) is registered, Ready and offers
 * `gpus` nvidia.com/gpu, then runs the GPU smoke pod on each agent node. Returns every node of
 * the cluster and the server's phases (cluster-ready, gpu-smoke-test-agents). Throws
 * NodeBootstrapError naming the agents that fell short.
 */
export async function waitClusterReady(
  remote: RunRemote,
  agents: ReadonlyArray<{ privateIp: string; gpus: number }>,
  options: { timeoutSeconds: number; smokeTestSeconds: number },
): Promise<{ nodes: ClusterNode[]; phases: Phase[] }> {
  const result = await runStep(remote, {
    name: "cluster-ready",
    body: clusterReadySh,
    files: CLUSTER_READY_FILES,
    args: agents.map((a) => `${a.privateIp}=${a.gpus}`),
    env: { CLUSTER_READY_TIMEOUT: String(options.timeoutSeconds), SMOKE_TEST_TIMEOUT: String(options.smokeTestSeconds) },
    timeoutSeconds: options.timeoutSeconds + options.smokeTestSeconds + 60,
  });
  const output = parseScriptOutput(result.stdout);
  if (!output.cluster) {
    throw new NodeBootstrapError(
      "cluster-ready",
      "the server node did not list the cluster's nodes",
      "This is a bug in remote/node/cluster-ready.sh.",
      result,
      output.phases,
    );
  }
  return { nodes: output.cluster.nodes, phases: output.phases };
}

/** Runs a node script; a failed one becomes a NodeBootstrapError with the script's own error and phases. */
async function runStep(remote: RunRemote, script: Parameters<RunRemote>[0]): Promise<RemoteResult> {
  try {
    return await remote(script);
  } catch (error) {
    if (!(error instanceof RemoteScriptError)) throw error;
    const output = parseScriptOutput(error.result.stdout);
    if (output.error) throw new NodeBootstrapError(output.error.step, output.error.message, output.error.hint, error.result, output.phases);
    const tail = lastLines(error.result.stderr || error.result.stdout, 10);
    throw new NodeBootstrapError(
      script.name,
      `it ended ${error.result.status}${tail ? `; its last lines:\n${tail}` : ""}`,
      "",
      error.result,
      output.phases,
    );
  }
}
