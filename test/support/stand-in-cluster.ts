import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { bootstrapNode } from "../../src/node/bootstrap.js";
import { K3S_VERSION } from "../../src/node/versions.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { writeEfaDevices, writeEfaSoftware } from "../../stand-in/efa.js";
import type { Inventory } from "../../src/evidence/results.js";
import { INSTANCE_BIN, killSandboxProcesses, localRemote } from "./local-remote.js";

export interface ClusterNode {
  ip: string;
  /** The node's Kubernetes name (ip-10-0-9-11). */
  name: string;
  /** The instance's `/` (GPU_BENCH_ROOT). */
  root: string;
  remote: ReturnType<typeof localRemote>;
}

/**
 * Stand-in instances on one network folder under `dir`, one per private IP, each with its own
 * sandbox and `env`: an agent finds the server at https://<its IP>:6443 through that folder.
 */
export function standInNetwork(dir: string, ips: readonly string[], env: Record<string, string>): ClusterNode[] {
  const network = join(dir, "network");
  return ips.map((ip, i) => {
    const sandbox = join(dir, `i-node${i}`);
    mkdirSync(sandbox, { recursive: true });
    mkdirSync(network, { recursive: true });
    symlinkSync(sandbox, join(network, ip));
    const nodeEnv = { ...env, STANDIN_PRIVATE_IP: ip, STANDIN_NETWORK: network };
    return { ip, name: `ip-${ip.replace(/\./g, "-")}`, root: join(sandbox, "root"), remote: localRemote({ sandbox, env: nodeEnv }) };
  });
}

/** Ends every container process the nodes' stand-in kubelets started, then removes `dir`. */
export function endStandInNetwork(dir: string, nodes: readonly ClusterNode[]): void {
  for (const node of nodes) killSandboxProcesses(node.root);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The agent's side of a join, as the k3s docs give it: the installer in agent mode, then K3S_URL
 * (https://$SERVER:6443) and K3S_TOKEN ($TOKEN) in the unit's environment file, then the unit started.
 */
export const AGENT_JOIN = `curl -sfL https://get.k3s.io -o install.sh
INSTALL_K3S_VERSION=${K3S_VERSION} INSTALL_K3S_BIN_DIR="$GPU_BENCH_ROOT/usr/local/bin" \\
  INSTALL_K3S_SYSTEMD_DIR="$GPU_BENCH_ROOT/etc/systemd/system" INSTALL_K3S_EXEC="agent --node-label nvidia.com/gpu.present=true \${EXTRA_LABELS:-}" INSTALL_K3S_SKIP_START=true sh install.sh >/dev/null
(umask 077 && printf 'K3S_URL=https://%s:6443\\nK3S_TOKEN=%s\\n' "$SERVER" "$TOKEN" >"$GPU_BENCH_ROOT/etc/systemd/system/k3s-agent.service.env")
systemctl start k3s-agent
`;

/**
 * A two-instance stand-in k3s cluster for a test file: the server bootstrapped as a run does it
 * (pulling `images`), the agent joined as the k3s docs give it (the installer in agent mode,
 * K3S_URL and the server's node token), both Ready with their own GPU. With `efaDevices`, each
 * instance also has that many EFA devices and the stand-in AMI's EFA software, the server
 * bootstraps with `efa` (the EFA device plugin) and the agent joins with the EFA label, and both
 * offer vpc.amazonaws.com/efa. Registers the beforeAll (up to 120 s) and an afterAll that ends
 * the containers of both and removes the folder.
 */
export function useStandInCluster(options: {
  prefix: string;
  images: readonly string[];
  env: Record<string, string>;
  efaDevices?: number;
}) {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  // Addresses of this file's own, so two files' clusters never share a network folder.
  const base = 20 + Math.floor(Math.random() * 200);
  const nodes = standInNetwork(dir, [`10.1.${base}.11`, `10.1.${base}.12`], options.env);
  const [server, agent] = nodes as [ClusterNode, ClusterNode];

  async function sh(
    node: ClusterNode,
    script: string,
    env: Record<string, string> = {},
    files: { path: string; content: string }[] = [],
  ): Promise<string> {
    const body = `#!/usr/bin/env bash\nset -euo pipefail\n${script}`;
    const result = await node.remote({ name: "probe", body, env, files, timeoutSeconds: 60 });
    return result.stdout;
  }

  const efa = options.efaDevices ?? 0;
  /** The server's inventory, from its bootstrap. */
  let serverInventory: Inventory | undefined;
  beforeAll(async () => {
    for (const node of efa ? nodes : []) {
      writeEfaDevices(node.root, efa);
      writeEfaSoftware(node.root, INSTANCE_BIN);
    }
    serverInventory = (
      await bootstrapNode(server.remote, { images: options.images, efa: efa > 0, clock: systemClock, log: new MemoryLog() })
    ).inventory;
    const token = readFileSync(join(server.root, "var/lib/rancher/k3s/server/node-token"), "utf8").trim();
    await sh(agent, AGENT_JOIN, {
      SERVER: server.ip,
      TOKEN: token,
      EXTRA_LABELS: efa ? "--node-label vpc.amazonaws.com/efa.present=true" : "",
    });
    await sh(server, `kubectl wait --for=jsonpath='{.status.allocatable.nvidia\\.com/gpu}'=1 node/${agent.name} --timeout=60s`);
    if (efa)
      await sh(
        server,
        `kubectl wait --for=jsonpath='{.status.allocatable.vpc\\.amazonaws\\.com/efa}'=${efa} node/${agent.name} --timeout=60s`,
      );
  }, 120_000);

  afterAll(() => endStandInNetwork(dir, nodes));

  return {
    server,
    agent,
    sh,
    /** The server's inventory from its bootstrap (after beforeAll). */
    serverInventory: () => serverInventory!,
    /** The workload pods whose containers ran in a node's sandbox: namespace_name without the random suffix, sorted. */
    podsRanOn(node: ClusterNode): string[] {
      const pods = join(node.root, "var/lib/stand-in/k8s/pods");
      return readdirSync(pods)
        .filter((p) => p.startsWith("gpu-bench_"))
        .map((p) =>
          p
            .split("_")
            .slice(0, 2)
            .join("_")
            .replace(/-[a-z0-9]{5}$/, ""),
        )
        .sort();
    },
  };
}
