import { describeOne, type LaunchedInstance } from "../cloud/ec2.js";
import type { RunRemote } from "../cloud/remote-script.js";
import type { Inventory, Phase } from "../evidence/results.js";
import { DEFAULT_BOOTSTRAP_TIMEOUTS, NodeBootstrapError, bootstrapNode } from "../node/bootstrap.js";
import { readNodeToken, waitClusterReady } from "../node/cluster.js";
import type { CleanupStack } from "./cleanup.js";
import { putRunSecret } from "./node-secrets.js";
import type { RunContext } from "./run.js";

/** How long an agent waits for the node token, and the server for every agent to be Ready (seconds). */
const JOIN_TIMEOUT_SECONDS = 600;
const CLUSTER_READY_TIMEOUT_SECONDS = 300;

/** One node of the cluster, node 0 (the k3s server) first. */
export interface ClusterMember {
  inventory: Inventory;
  nodeName?: string;
  privateIp: string;
}

/**
 * A multi-node run's nodes become one k3s cluster: node 0 bootstraps as the server
 * (`bootstrapServer`) while every other node installs its GPU stack side by side and then waits
 * for the node token; as soon as node 0's k3s starts, main reads the token from it (sealed, see
 * readNodeToken), masks it and puts it in the run's SecureString parameter, from which each agent
 * joins node 0's private IP. Once node 0 is ready it waits until every node is Ready with its
 * GPUs allocatable and ran the GPU smoke pod. Each node's phases join the run's timeline, an
 * agent's as `node<k> <phase>`. Returns every node, node 0 first; throws the first node's failure.
 */
export async function bootstrapCluster(
  run: RunContext,
  nodes: readonly RunRemote[],
  instances: readonly LaunchedInstance[],
  bootstrapServer: () => Promise<Inventory>,
  cleanup: CleanupStack,
): Promise<ClusterMember[]> {
  const secret = run.plan.clusterToken;
  if (!secret) throw new Error("A multi-node plan has no parameter for the k3s node token.");
  const ips = await Promise.all(instances.map((i) => privateIpOf(run, i.id)));
  const serverUrl = `https://${ips[0]}:6443`;
  const record = (phases: readonly Phase[], node: number) => {
    for (const phase of phases) run.phases.record(node === 0 ? phase : { ...phase, name: `node${node} ${phase.name}` });
  };

  const server = bootstrapServer();
  const token = (async () => {
    try {
      const read = await readNodeToken(nodes[0]!, { timeoutSeconds: JOIN_TIMEOUT_SECONDS, mask: (s) => run.log.mask(s) });
      record(read.phases, 0);
      await putRunSecret(run, { name: secret.name, value: read.token, keyId: secret.keyId }, "The k3s node token", cleanup);
    } catch (error) {
      if (error instanceof NodeBootstrapError) record(error.phases, 0);
      throw error;
    }
  })();
  // Awaited below unless node 0 fails first; then their failures must not go unhandled.
  const agents = nodes.slice(1).map(async (remote, i) => {
    const index = i + 1;
    try {
      const ready = await bootstrapNode(remote, {
        k3sVersion: run.plan.node.k3sVersion,
        images: run.plan.node.images,
        join: { serverUrl, tokenParameter: secret.name, region: run.plan.region, timeoutSeconds: JOIN_TIMEOUT_SECONDS },
        clock: run.clock,
        log: run.log,
      });
      record(ready.phases, index);
      return ready.inventory;
    } catch (error) {
      if (error instanceof NodeBootstrapError) record(error.phases, index);
      throw error;
    }
  });

  for (const agent of agents) agent.catch(() => undefined);
  const [serverInventory] = await Promise.all([server, token]);
  const gpus = serverInventory.gpus.length;
  const ready = waitClusterReady(
    nodes[0]!,
    ips.slice(1).map((privateIp) => ({ privateIp, gpus })),
    { timeoutSeconds: CLUSTER_READY_TIMEOUT_SECONDS, smokeTestSeconds: DEFAULT_BOOTSTRAP_TIMEOUTS.smokeTestSeconds },
  ).catch((error: unknown) => {
    if (error instanceof NodeBootstrapError) record(error.phases, 0);
    throw error;
  });
  const [agentInventories, cluster] = await Promise.all([Promise.all(agents), ready]);
  record(cluster.phases, 0);
  const inventories = [serverInventory, ...agentInventories];
  const members = ips.map((privateIp, i) => ({
    inventory: inventories[i]!,
    nodeName: cluster.nodes.find((n) => n.privateIp === privateIp)?.name,
    privateIp,
  }));
  run.log.info(
    `Cluster ready: ${members.length} nodes Ready (${members.map((m) => m.nodeName ?? m.privateIp).join(", ")}), ` +
      `${cluster.nodes.reduce((n, node) => n + node.gpus, 0)} GPUs allocatable`,
  );
  return members;
}

async function privateIpOf(run: RunContext, instanceId: string): Promise<string> {
  const ip = (await describeOne(run.clients.ec2, instanceId))?.PrivateIpAddress;
  if (!ip) throw new Error(`EC2 gave no private IP for ${instanceId}: the agents join the server at its private IP.`);
  return ip;
}
