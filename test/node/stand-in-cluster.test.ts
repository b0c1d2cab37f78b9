import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrapNode } from "../../src/node/bootstrap.js";
import { readNodeToken, waitClusterReady } from "../../src/node/cluster.js";
import { MemoryLog } from "../../src/runtime/log.js";
import { systemClock } from "../../src/runtime/clock.js";
import { AGENT_JOIN, endStandInNetwork, standInNetwork } from "../support/stand-in-cluster.js";
import { TEST_SCALE } from "./node-sandbox.js";

// Two stand-in instances on one network folder form one k3s cluster: the server's state holds the
// API objects, the agent registers its node there, and a pod bound to the agent runs in the
// agent's sandbox with the agent's GPUs.
const dir = mkdtempSync(join(tmpdir(), "stand-in-cluster-"));
const nodes = standInNetwork(dir, ["10.0.7.11", "10.0.7.12"], { STUB_LATENCY_SCALE: TEST_SCALE });
const [server, agent] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];

async function sh(
  node: (typeof nodes)[0],
  script: string,
  env: Record<string, string> = {},
  files: { path: string; content: string }[] = [],
) {
  const result = await node.remote({
    name: "cluster-probe",
    body: `#!/usr/bin/env bash\nset -euo pipefail\n${script}`,
    env,
    files,
    timeoutSeconds: 60,
  });
  return result.stdout;
}

beforeAll(async () => {
  await bootstrapNode(server.remote, { images: [], clock: systemClock, log: new MemoryLog() });
});
afterAll(() => endStandInNetwork(dir, nodes));

describe("a stand-in cluster of two instances", () => {
  it("leaves out an agent whose token the server does not take, and says so in its journal", async () => {
    const lone = nodes.map((n) => n.name);
    await sh(agent, AGENT_JOIN, { SERVER: server.ip, TOKEN: "K10wrong::server:wrong" });
    const journal = readFileSync(join(agent.root, "var/log/journal/k3s-agent.service.log"), "utf8");
    expect(journal).toContain("401 Unauthorized");
    const out = await sh(server, "sleep 0.3; kubectl get nodes --no-headers");
    expect(out).toContain(lone[0]);
    expect(out).not.toContain(lone[1]);
    await sh(agent, "systemctl stop k3s-agent");
  });

  it("reads the node token sealed: the command's output holds only what the runner's key opens", async () => {
    const masked: string[] = [];
    const read = await readNodeToken(server.remote, { timeoutSeconds: 30, mask: (s) => masked.push(s) });
    const token = readFileSync(join(server.root, "var/lib/rancher/k3s/server/node-token"), "utf8").trim();
    expect(token).toMatch(/^K10[0-9a-f]{64}::server:[0-9a-f]{32}$/);
    expect(read.token).toBe(token);
    expect(masked).toEqual([token, token.split("::server:")[1]]);
    const output = server.remote.calls.at(-1)!;
    expect(output.stdout).toMatch(/^GPU_BENCH_SEALED_TOKEN [A-Za-z0-9+/=]+$/m);
    expect(output.stdout + output.stderr).not.toContain(token.split("::server:")[1]);
    expect(read.phases.map((p) => [p.name, p.status])).toEqual([["k3s-node-token", "ok"]]);
  });

  it("joins an agent with the server's node token: both nodes Ready, each with its own GPUs allocatable", async () => {
    const token = readFileSync(join(server.root, "var/lib/rancher/k3s/server/node-token"), "utf8").trim();
    await sh(agent, AGENT_JOIN, { SERVER: server.ip, TOKEN: token });
    const cluster = await waitClusterReady(server.remote, [{ privateIp: agent.ip }], { timeoutSeconds: 30, smokeTestSeconds: 30 });
    expect(cluster.nodes).toEqual([
      { name: server.name, privateIp: server.ip, ready: true, gpus: 1 },
      { name: agent.name, privateIp: agent.ip, ready: true, gpus: 1 },
    ]);
    expect(cluster.phases.map((p) => [p.name, p.status])).toEqual([
      ["cluster-ready", "ok"],
      ["gpu-smoke-test-agents", "ok"],
    ]);
    const out = await sh(
      server,
      `kubectl wait --for=condition=Ready node/${agent.name} --timeout=30s
kubectl wait --for=jsonpath='{.status.allocatable.nvidia\\.com/gpu}'=1 node/${agent.name} --timeout=30s
kubectl get nodes -o wide --no-headers
kubectl -n kube-system get daemonset nvidia-device-plugin-daemonset --no-headers`,
    );
    expect(out).toMatch(new RegExp(`${server.name} +Ready +control-plane .* ${server.ip.replace(/\./g, "\\.")} `));
    expect(out).toMatch(new RegExp(`${agent.name} +Ready +<none> .* ${agent.ip.replace(/\./g, "\\.")} `));
    // The device plugin's DaemonSet runs one pod per node.
    expect(out).toMatch(/nvidia-device-plugin-daemonset +2 +2 +2 /);
    // The agent's own kubectl has no kubeconfig, as on a k3s agent.
    await expect(sh(agent, "kubectl get nodes")).rejects.toThrow(/localhost:8080 was refused/);
  });

  it("runs a pod bound to a node in that node's sandbox, with that node's GPU", async () => {
    const pod = (name: string, node: string) => `apiVersion: v1
kind: Pod
metadata: { name: ${name} }
spec:
  restartPolicy: Never
  runtimeClassName: nvidia
  nodeSelector: { kubernetes.io/hostname: ${node} }
  containers:
    - name: main
      image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04
      command: ["bash", "-c", "echo root=$GPU_BENCH_ROOT; echo host=$HOST_IP; nvidia-smi --query-gpu=uuid --format=csv,noheader"]
      env: [{ name: HOST_IP, valueFrom: { fieldRef: { fieldPath: status.hostIP } } }]
      resources: { limits: { nvidia.com/gpu: 1 } }
`;
    const out = await sh(
      server,
      `kubectl apply -f a.yaml -f b.yaml >/dev/null
kubectl wait --for=jsonpath='{.status.phase}'=Succeeded pod/on-agent pod/on-server --timeout=30s >/dev/null
echo "--- agent"; kubectl logs on-agent
echo "--- server"; kubectl logs on-server
kubectl get pods -o wide --no-headers`,
      {},
      [
        { path: "a.yaml", content: pod("on-agent", agent.name) },
        { path: "b.yaml", content: pod("on-server", server.name) },
      ],
    );
    const [, onAgent = "", onServer = ""] = out.split(/--- \w+\n/);
    expect(onAgent).toContain(`root=${agent.root}\nhost=${agent.ip}\n`);
    expect(onServer).toContain(`root=${server.root}\nhost=${server.ip}\n`);
    const agentGpu = (await sh(agent, "nvidia-smi --query-gpu=uuid --format=csv,noheader")).trim();
    const serverGpu = (await sh(server, "nvidia-smi --query-gpu=uuid --format=csv,noheader")).trim();
    expect(agentGpu).not.toBe(serverGpu);
    expect(onAgent).toContain(agentGpu);
    expect(onServer).toContain(serverGpu);
    expect(out).toMatch(new RegExp(`on-agent .* 10\\.42\\.1\\.\\d+ +${agent.name}`));
    // The agent's containerd runs the agent's containers only.
    const ps = await sh(agent, "crictl ps -a");
    expect(ps).toContain("on-agent");
    expect(ps).not.toContain("on-server");
  });

  it("turns an agent NotReady once its instance is gone from the network, and Ready again when it is back", async () => {
    const link = join(dir, "network", agent.ip);
    rmSync(link);
    try {
      const out = await sh(
        server,
        `kubectl get node ${agent.name} -o jsonpath='{.status.conditions[0].status} {.status.conditions[0].reason}'`,
      );
      expect(out.trim()).toBe("False NodeStatusUnknown");
    } finally {
      symlinkSync(join(dir, "i-node1"), link);
    }
    expect((await sh(server, `kubectl get node ${agent.name} -o jsonpath='{.status.conditions[0].status}'`)).trim()).toBe("True");
  });

  it("spreads GPU pods over the nodes and keeps one that fits nowhere Pending, naming why", async () => {
    const job = `apiVersion: v1
kind: Pod
metadata: { name: NAME }
spec:
  restartPolicy: Never
  runtimeClassName: nvidia
  containers:
    - { name: main, image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04, command: ["sleep", "5"], resources: { limits: { nvidia.com/gpu: 1 } } }
`;
    const files = ["g1", "g2", "g3"].map((n) => ({ path: `${n}.yaml`, content: job.replace("NAME", n) }));
    const out = await sh(
      server,
      `kubectl apply -f g1.yaml -f g2.yaml -f g3.yaml >/dev/null
sleep 0.3
kubectl get pods g1 g2 -o jsonpath='{.items[*].spec.nodeName}{"\\n"}'
kubectl get pod g3 -o jsonpath='{.status.conditions[0].message}{"\\n"}'
kubectl delete pod g1 g2 g3 >/dev/null`,
      {},
      files,
    );
    const [bound = "", why = ""] = out.split("\n").filter(Boolean);
    expect(bound.split(" ").sort()).toEqual([server.name, agent.name].sort());
    expect(why).toBe("0/2 nodes are available: 2 Insufficient nvidia.com/gpu.");
  });
});
