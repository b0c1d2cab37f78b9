import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bootstrapNode } from "../../src/node/bootstrap.js";
import { nodeSandbox, type NodeSandbox } from "./node-sandbox.js";

// The stand-in's fake kubelet, as the workloads use it after the bootstrap: kubectl on PATH,
// containers run by stand-in/images/run-container.
let sandbox: NodeSandbox;
beforeAll(async () => {
  sandbox = nodeSandbox();
  await bootstrapNode(sandbox.remote, { images: [], clock: sandbox.clock, log: sandbox.log });
});
afterAll(() => sandbox?.dispose());

async function sh(script: string, files: { path: string; content: string }[] = []): Promise<string> {
  const result = await sandbox.remote({
    name: "kubectl-probe",
    body: `#!/usr/bin/env bash\nset -euo pipefail\n${script}`,
    files,
    timeoutSeconds: 60,
  });
  return result.stdout;
}

describe("the stand-in kubelet", () => {
  it("runs a Job with a ConfigMap volume, an emptyDir and $(VAR) references, and gives its logs", async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: { name: probe }
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      runtimeClassName: nvidia
      containers:
        - name: main
          image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04
          command: ["bash", "-c"]
          args: ["cat /config/greeting; echo; echo $(WHO) > /out/who; cat /out/who; nvidia-smi -L"]
          env: [{ name: WHO, value: "the job" }]
          resources: { limits: { nvidia.com/gpu: 1 } }
          volumeMounts: [{ name: config, mountPath: /config }, { name: out, mountPath: /out }]
      volumes:
        - { name: config, configMap: { name: probe-config } }
        - { name: out, emptyDir: {} }
`;
    const out = await sh(
      `kubectl create configmap probe-config --from-literal=greeting=hello
kubectl apply -f job.yaml
kubectl wait --for=condition=complete job/probe --timeout=30s
kubectl logs job/probe
kubectl get job probe -o jsonpath='{.status.succeeded}{"\\n"}'`,
      [{ path: "job.yaml", content: job }],
    );
    expect(out).toContain("job.batch/probe created");
    expect(out).toContain("job.batch/probe condition met");
    expect(out).toMatch(/hello\nthe job\nGPU 0: NVIDIA A10G \(UUID: GPU-/);
    expect(out.trimEnd().split("\n").at(-1)).toBe("1");
  });

  it("rolls out a Deployment once its server answers the readiness probe, and stops it on delete", async () => {
    const port = 8000; // vLLM's: the instance's port offset keeps it free (stand-in/README.md)
    const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04
          command: ["bash", "-c", "exec /usr/bin/python3 -m http.server $((${port} + STANDIN_PORT_OFFSET)) --bind 127.0.0.1"]
          ports: [{ containerPort: ${port}, name: http }]
          readinessProbe: { httpGet: { path: /, port: http } }
`;
    const out = await sh(
      `kubectl apply -f web.yaml
kubectl rollout status deployment/web --timeout=30s
pod=$(kubectl get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
kubectl get pod "$pod" -o jsonpath='{.status.phase} {.status.containerStatuses[0].ready}{"\\n"}'
kubectl delete deployment web
kubectl get pods -l app=web`,
      [{ path: "web.yaml", content: deployment }],
    );
    expect(out).toContain('deployment "web" successfully rolled out');
    expect(out).toContain("Running true");
    expect(out).toContain('deployment.apps "web" deleted');
    const offset = Number(readFileSync(join(sandbox.root, "var/lib/stand-in/port-offset"), "utf8"));
    await expect(fetch(`http://127.0.0.1:${port + offset}/`)).rejects.toThrow();
  });

  it("fails a GPU command in a pod that does not use the nvidia runtime, as containerd would", async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: { name: no-runtime }
spec:
  restartPolicy: Never
  containers: [{ name: main, image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04, command: ["nvidia-smi"] }]
`;
    const out = await sh(
      `kubectl apply -f pod.yaml >/dev/null
kubectl wait --for=jsonpath='{.status.phase}'=Failed pod/no-runtime --timeout=30s >/dev/null
kubectl get pod no-runtime --no-headers
kubectl logs no-runtime`,
      [{ path: "pod.yaml", content: pod }],
    );
    expect(out).toMatch(/no-runtime +0\/1 +Error/);
    expect(out).toContain("nvidia-smi: command not found");
  });

  it("runs an Indexed Job's pods side by side, each with its index and hostname, reachable by name under a headless Service", async () => {
    // Pod 0 listens; pod 1 resolves pod 0's DNS name (retrying until the record exists, as with
    // CoreDNS) and connects: what torchrun's rendezvous does with an Indexed Job.
    const peer = `
import os, socket, sys, time
index = int(os.environ["JOB_COMPLETION_INDEX"])
print("index", index, "hostname", os.environ["HOSTNAME"], flush=True)
if index == 0:
    server = socket.socket()
    server.bind(("127.0.0.1", socket.getaddrinfo("pair-0.pair.default.svc.cluster.local", 31000)[0][4][1]))
    server.listen(1)
    conn, _ = server.accept()
    print("pod 0 got", conn.recv(64).decode(), flush=True)
else:
    deadline = time.time() + 20
    while True:
        try:
            address = socket.getaddrinfo("pair-0.pair.default.svc.cluster.local", 31000, type=socket.SOCK_STREAM)[0][4]
            with socket.create_connection(address, timeout=2) as s:
                s.sendall(b"hello from 1")
            break
        except OSError:
            if time.time() > deadline:
                sys.exit("pod 1 never reached pod 0")
            time.sleep(0.2)
`;
    const job = `apiVersion: v1
kind: Service
metadata: { name: pair }
spec: { clusterIP: None, selector: { job-name: pair } }
---
apiVersion: batch/v1
kind: Job
metadata: { name: pair }
spec:
  completionMode: Indexed
  completions: 2
  parallelism: 2
  backoffLimit: 0
  template:
    spec:
      subdomain: pair
      restartPolicy: Never
      containers:
        - name: main
          image: pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime
          command: ["python", "-c", ${JSON.stringify(peer)}]
          ports: [{ containerPort: 31000 }]
`;
    const out = await sh(
      `kubectl apply -f pair.yaml >/dev/null
kubectl wait --for=condition=complete job/pair --timeout=60s >/dev/null
for i in 0 1; do kubectl logs -l job-name=pair,batch.kubernetes.io/job-completion-index=$i --tail=-1; done
kubectl get job pair -o jsonpath='{.status.succeeded} {.status.completedIndexes}{"\\n"}'
kubectl delete job pair >/dev/null
ls "$GPU_BENCH_ROOT/var/lib/stand-in/cluster-dns" | wc -l`,
      [{ path: "pair.yaml", content: job }],
    );
    expect(out).toContain("index 0 hostname pair-0\npod 0 got hello from 1\nindex 1 hostname pair-1\n");
    expect(out).toContain("2 0,1\n");
    // Deleting the Job removes its pods and with them their DNS records.
    expect(out.trimEnd().split("\n").at(-1)).toBe("0");
  });

  it("gives the last 10 lines of pods chosen by a selector unless --tail says otherwise (-1: all), as kubectl does", async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: { name: count }
spec:
  backoffLimit: 0
  template:
    metadata: { labels: { app: count } }
    spec:
      restartPolicy: Never
      containers: [{ name: main, image: nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04, command: ["bash", "-c", "seq 15"] }]
`;
    const out = await sh(
      `kubectl apply -f count.yaml >/dev/null
kubectl wait --for=condition=complete job/count --timeout=30s >/dev/null
echo "selector: $(kubectl logs -l app=count | wc -l) all: $(kubectl logs -l app=count --tail=-1 | wc -l) three: $(kubectl logs -l app=count --tail=3 | tr '\n' ' ')"
echo "job: $(kubectl logs job/count | wc -l)"
kubectl delete job count >/dev/null`,
      [{ path: "count.yaml", content: job }],
    );
    expect(out).toContain("selector: 10 all: 15 three: 13 14 15 \njob: 15\n");
  });
});
