import { constants, generateKeyPairSync, privateDecrypt } from "node:crypto";
import type { Inventory, Phase } from "../evidence/results.js";
import { RemoteScriptError, lastLines, markedLines, type RemoteResult, type RunRemote } from "../cloud/remote-script.js";
import type { Log } from "../runtime/log.js";
import { DEFAULT_BOOTSTRAP_TIMEOUTS, NodeBootstrapError, bootstrapNode, type BootstrapOptions } from "./bootstrap.js";
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
 * On the server node, once its k3s has started (beside its own bootstrap): waits until every agent
 * (by private IP) is registered, Ready and offers as many nvidia.com/gpu as the server node has
 * GPUs (with `efa`, also as many vpc.amazonaws.com/efa as it has EFA devices), then runs the GPU
 * smoke pod on each agent node. Returns every node of the cluster and the
 * server's phases (cluster-ready, gpu-smoke-test-agents). Throws NodeBootstrapError naming the
 * agents that fell short.
 */
export async function waitClusterReady(
  remote: RunRemote,
  agents: ReadonlyArray<{ privateIp: string }>,
  options: { timeoutSeconds: number; smokeTestSeconds: number; efa?: boolean },
): Promise<{ nodes: ClusterNode[]; phases: Phase[] }> {
  const result = await runStep(remote, {
    name: "cluster-ready",
    body: clusterReadySh,
    files: CLUSTER_READY_FILES,
    args: agents.map((a) => a.privateIp),
    env: {
      CLUSTER_READY_TIMEOUT: String(options.timeoutSeconds),
      SMOKE_TEST_TIMEOUT: String(options.smokeTestSeconds),
      ...(options.efa ? { EFA: "1" } : {}),
    },
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

/** How long an agent waits for the node token, and the server for every agent to be Ready (seconds). */
const JOIN_TIMEOUT_SECONDS = 600;
const CLUSTER_READY_TIMEOUT_SECONDS = 300;

/** One node of the cluster, node 0 (the k3s server) first. */
export interface ClusterMember {
  inventory: Inventory;
  /** Its k3s node name, as the server lists it. */
  nodeName?: string;
  privateIp: string;
}

export interface FormClusterOptions {
  /** Every node, node 0 (the k3s server) first: how to run a script there, and its private IP. */
  nodes: ReadonlyArray<{ remote: RunRemote; privateIp: string }>;
  /** What every node installs and pulls (the agents' bootstrap; node 0's is `bootstrapServer`). */
  bootstrap: Omit<BootstrapOptions, "join" | "log">;
  /** Node 0's bootstrap as a one-node server (the caller's: it may record or complete the inventory). */
  bootstrapServer: () => Promise<Inventory>;
  /** The SecureString parameter the agents read the node token from (and its region). */
  tokenParameter: { name: string; region: string };
  /** Puts the node token in that parameter (masked by then). */
  putToken: (token: string) => Promise<void>;
  /** Masks a secret in every log before anything can print it. */
  mask: (secret: string) => void;
  /** Records a node's phases (node 0's: the token read and the cluster check too). */
  record: (phases: readonly Phase[], node: number) => void;
  /**
   * Watches the nodes while the cluster forms: resolves with an Error naming a node that is gone
   * (reclaimed, terminated) as soon as one is, or with undefined once `signal` aborts (the cluster
   * formed or failed). Without it a node lost after its own bootstrap ended is found only when
   * node 0's cluster check runs out its limit (300 s, plus 180 s for the smoke pods).
   */
  watchNodes?: (signal: AbortSignal) => Promise<Error | undefined>;
  log: Log;
}

/**
 * The nodes become one k3s cluster: node 0 bootstraps as the server while every other node
 * installs its GPU stack side by side and then waits for the node token; as soon as node 0's k3s
 * starts, the token is read from it (sealed, see readNodeToken) and put in the parameter, from
 * which each agent joins node 0's private IP. Meanwhile node 0 waits until every agent's node is
 * Ready with as many GPUs allocatable as node 0 has (one instance type) and ran the GPU smoke pod
 * there, so the agents' checks overlap the image pulls.
 * Returns every node, node 0 first; throws the first failure (a NodeBootstrapError for a node's).
 */
export async function formCluster(o: FormClusterOptions): Promise<ClusterMember[]> {
  const [server, ...agents] = o.nodes;
  if (!server || agents.length === 0) throw new Error("A cluster needs a server node and at least one agent.");
  const serverUrl = `https://${server.privateIp}:6443`;
  // A node's failure records its phases; an agent's is named as that node's (node<k> <step>).
  const recorded = <T>(node: number, promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      if (!(error instanceof NodeBootstrapError)) throw error;
      o.record(error.phases, node);
      if (node === 0) throw error;
      const message = error.message.replace(/^Node bootstrap failed at [^:]+: /, "").replace(`\n${error.hint}`, "");
      throw new NodeBootstrapError(
        `node${node} ${error.step}`,
        `${o.nodes[node]!.privateIp}: ${message}`,
        error.hint,
        error.result,
        error.phases,
      );
    });

  // Set once the cluster failed: a token read that ends after that is not put anywhere.
  let abandoned = false;
  const serverReady = o.bootstrapServer();
  const token = recorded(
    0,
    readNodeToken(server.remote, { timeoutSeconds: JOIN_TIMEOUT_SECONDS, mask: o.mask }).then(async (read) => {
      o.record(read.phases, 0);
      if (!abandoned) await o.putToken(read.token);
    }),
  );
  const joined = agents.map((agent, i) =>
    recorded(
      i + 1,
      bootstrapNode(agent.remote, {
        ...o.bootstrap,
        log: o.log,
        join: { serverUrl, tokenParameter: o.tokenParameter.name, region: o.tokenParameter.region, timeoutSeconds: JOIN_TIMEOUT_SECONDS },
      }).then((ready) => {
        o.record(ready.phases, i + 1);
        return ready.inventory;
      }),
    ),
  );
  // Once the token is out node 0's k3s runs: its check of the agents starts then.
  const checked = recorded(
    0,
    token.then(() =>
      waitClusterReady(server.remote, agents, {
        timeoutSeconds: CLUSTER_READY_TIMEOUT_SECONDS,
        smokeTestSeconds: DEFAULT_BOOTSTRAP_TIMEOUTS.smokeTestSeconds,
        efa: o.bootstrap.efa,
      }),
    ),
  );
  // Awaited below unless node 0 fails first; then their failures must not go unhandled.
  for (const pending of [...joined, checked]) pending.catch(() => undefined);
  // A node gone ends the wait at once: the run's error handling names why (a spot interruption).
  const watching = new AbortController();
  const nodeGone = new Promise<never>((_, reject) => {
    void o.watchNodes?.(watching.signal).then((gone) => gone && reject(gone), reject);
  });
  nodeGone.catch(() => undefined);
  const [serverInventory, , agentInventories, cluster] = await Promise.race([
    Promise.all([serverReady, token, Promise.all(joined), checked]),
    nodeGone,
  ])
    .catch((error: unknown) => {
      abandoned = true;
      throw error;
    })
    .finally(() => watching.abort());
  o.record(cluster.phases, 0);
  const inventories = [serverInventory, ...agentInventories];
  const members = o.nodes.map((node, i) => ({
    inventory: inventories[i]!,
    nodeName: cluster.nodes.find((n) => n.privateIp === node.privateIp)?.name,
    privateIp: node.privateIp,
  }));
  o.log.info(
    `Cluster ready: ${members.length} nodes Ready (${members.map((m) => m.nodeName ?? m.privateIp).join(", ")}), ` +
      `${cluster.nodes.reduce((n, node) => n + node.gpus, 0)} GPUs allocatable`,
  );
  return members;
}
