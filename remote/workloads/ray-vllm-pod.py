"""One pod of a vLLM model served across nodes over Ray (remote/workloads/vllm-ray-cluster.yaml).

    python3 ray-vllm-pod.py VLLM_SERVE_ARGS...

The steps of vLLM's multi-node recipe (examples/online_serving/multi-node-serving.sh), one pod per node:
- pod 0, the head: `ray start --head --port=RAY_PORT`, then waits until `ray status` shows NNODES
  active nodes (every worker joined), prints one GPU_BENCH_RAY line on stdout
  ({"nodes": N, "gpus": G, "joinSeconds": S}: the cluster as Ray counts it) and execs
  `vllm serve VLLM_SERVE_ARGS...`, which places its tensor- and pipeline-parallel workers on the
  cluster (--distributed-executor-backend ray);
- every other pod, a worker: waits until the head's GCS answers at RAY_HEAD:RAY_PORT (its DNS record
  exists only once pod 0 runs), then execs `ray start --address=RAY_HEAD:RAY_PORT --block`, which
  lives as long as the head does.

Environment: JOB_COMPLETION_INDEX (0: head), NNODES, GPUS_PER_NODE (each node's GPUs, given to Ray
as --num-gpus), RAY_HEAD (pod 0's DNS name under the headless Service), RAY_PORT (the GCS port),
RAY_JOIN_TIMEOUT_SECONDS (default 600), VLLM_HOST_IP (the pod's IP, Ray's --node-ip-address, as
vLLM's docs ask: Ray's and vLLM's node addresses must agree), RAY_POLL_SECONDS (default 2).
A cluster that does not form in time: a message on stderr and exit status 1 (the Job fails).
"""

import json
import os
import re
import socket
import subprocess
import sys
import time


def log(message: str) -> None:
    print(f"ray-vllm-pod: {message}", file=sys.stderr, flush=True)


def fail(message: str) -> None:
    log(message)
    sys.exit(1)


def active_nodes(status: str) -> int:
    """Nodes listed under `Active:` in `ray status`'s node status ("1 node_<id>" per node)."""
    section = status.split("Active:", 1)[1] if "Active:" in status else ""
    section = re.split(r"^\s*(Pending|Recent failures):", section, maxsplit=1, flags=re.M)[0]
    return sum(int(m.group(1)) for m in re.finditer(r"^\s*(\d+)\s+node_\S+", section, flags=re.M))


def total_gpus(status: str) -> float:
    """The cluster's GPUs in `ray status`'s resource usage ("0.0/2.0 GPU"); 0 when not listed."""
    m = re.search(r"^\s*[\d.]+/([\d.]+)\s+GPU\b", status, flags=re.M)
    return float(m.group(1)) if m else 0.0


def node_args(gpus: str) -> list[str]:
    ip = os.environ.get("VLLM_HOST_IP", "")
    return [f"--num-gpus={gpus}", *([f"--node-ip-address={ip}"] if ip else []), "--disable-usage-stats"]


def head(nodes: int, gpus: str, port: int, timeout: float, poll: float) -> None:
    started = time.monotonic()
    code = subprocess.call(["ray", "start", "--head", f"--port={port}", *node_args(gpus)], stdout=sys.stderr)
    if code != 0:
        fail(f"ray start --head exited with status {code}")
    status, joined = "", 0
    while True:
        result = subprocess.run(["ray", "status"], capture_output=True, text=True)
        status = result.stdout
        joined = active_nodes(status) if result.returncode == 0 else 0
        if joined >= nodes:
            break
        if time.monotonic() - started >= timeout:
            fail(
                f"the Ray cluster has {joined} of {nodes} nodes after {timeout:.0f} s: a worker pod did not join "
                f"(see its log, and `ray status` below)\n{status or result.stderr}"
            )
        log(f"waiting for every Ray worker: {joined}/{nodes} active")
        time.sleep(poll)
    seconds = time.monotonic() - started
    log(f"all {nodes} Ray nodes are active after {seconds:.1f} s\n{status}")
    print("GPU_BENCH_RAY " + json.dumps({"nodes": joined, "gpus": total_gpus(status), "joinSeconds": round(seconds, 1)}), flush=True)
    os.execvp("vllm", ["vllm", "serve", *sys.argv[1:]])


def worker(index: int, gpus: str, host: str, port: int, timeout: float, poll: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4]
            with socket.create_connection(address[:2], timeout=5):
                break
        except OSError as error:
            if time.monotonic() >= deadline:
                fail(f"the Ray head {host}:{port} did not answer within {timeout:.0f} s ({error}): is pod 0 running?")
            time.sleep(poll)
    log(f"node {index}: joining the Ray head at {host}:{port}")
    os.execvp("ray", ["ray", "start", f"--address={host}:{port}", *node_args(gpus), "--block"])


def main() -> None:
    env = os.environ
    try:
        index = int(env["JOB_COMPLETION_INDEX"])
        nodes = int(env["NNODES"])
        gpus = str(int(env["GPUS_PER_NODE"]))
        host, port = env["RAY_HEAD"], int(env["RAY_PORT"])
        timeout = float(env.get("RAY_JOIN_TIMEOUT_SECONDS", "600"))
        poll = float(env.get("RAY_POLL_SECONDS", "2"))
    except (KeyError, ValueError) as error:
        fail(f"needs JOB_COMPLETION_INDEX, NNODES, GPUS_PER_NODE, RAY_HEAD and RAY_PORT ({error!r})")
    if index == 0:
        head(nodes, gpus, port, timeout, poll)
    else:
        worker(index, gpus, host, port, timeout, poll)


if __name__ == "__main__":
    main()
