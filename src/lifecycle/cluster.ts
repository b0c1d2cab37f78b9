import { describeOne, type LaunchedInstance } from "../cloud/ec2.js";
import type { RunRemote } from "../cloud/remote-script.js";
import type { Inventory } from "../evidence/results.js";
import { formCluster, type ClusterMember } from "../node/cluster.js";
import type { CleanupStack } from "./cleanup.js";
import { putRunSecret } from "./node-secrets.js";
import type { RunContext } from "./run.js";

/**
 * A multi-node run's nodes become one k3s cluster (node/cluster.ts formCluster): node 0 is the
 * server (`bootstrapServer`), the others join it as agents. The node token goes in the run's own
 * SecureString parameter (plan.clusterToken), deleted by the cleanup stack like every node secret.
 * Each node's phases join the run's timeline, an agent's as `node<k> <phase>`. Returns every node,
 * node 0 first.
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
  return formCluster({
    nodes: nodes.map((remote, i) => ({ remote, privateIp: ips[i]! })),
    bootstrap: { k3sVersion: run.plan.node.k3sVersion, images: run.plan.node.images, efa: run.plan.launch.efa, clock: run.clock },
    bootstrapServer,
    tokenParameter: { name: secret.name, region: run.plan.region },
    putToken: (token) => putRunSecret(run, { name: secret.name, value: token, keyId: secret.keyId }, "The k3s node token", cleanup),
    mask: (s) => run.log.mask(s),
    record: (phases, node) => {
      for (const phase of phases) run.phases.record(node === 0 ? phase : { ...phase, name: `node${node} ${phase.name}` });
    },
    log: run.log,
  });
}

async function privateIpOf(run: RunContext, instanceId: string): Promise<string> {
  const ip = (await describeOne(run.clients.ec2, instanceId))?.PrivateIpAddress;
  if (!ip) throw new Error(`EC2 gave no private IP for ${instanceId}: the agents join the server at its private IP.`);
  return ip;
}
