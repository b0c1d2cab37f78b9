"""torchrun for one pod of a distributed Indexed Job (remote/workloads/distributed-job.yaml).

    python torchrun-pod.py SCRIPT [ARGS...]

Environment: JOB_COMPLETION_INDEX (the pod's index: torchrun's node rank), NNODES, NPROC_PER_NODE,
RDZV_HOST and RDZV_PORT (pod 0's DNS name under the headless Service, and the port its torchrun
store listens on), RDZV_TIMEOUT_SECONDS (default 600); EFA_LIBRARY_PATH (EFA pods: the node's
libfabric and AWS OFI NCCL plugin folders, mounted from the host), put before the image's own
LD_LIBRARY_PATH so that NCCL in every worker finds libnccl-net.so and libfabric (whether libfabric
loads there is checked first: see check_libfabric).

Pod 0's DNS record exists only once pod 0 runs, so the name is resolved here, retrying until then;
torchrun then gets the address (static rendezvous: --master_addr/--master_port, node rank = index),
and every pod starts NPROC_PER_NODE workers of SCRIPT, one per GPU. On failure to resolve, one
{"record": "error"} line on stdout and exit status 1; otherwise torchrun's own exit status.
"""

import json
import os
import socket
import subprocess
import sys
import time


def fail(message: str) -> None:
    print(json.dumps({"record": "error", "status": "failed", "message": message}), flush=True)
    sys.exit(1)


def resolve(host: str, port: int, timeout: float) -> tuple[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4]
            return str(address[0]), int(address[1])
        except socket.gaierror as error:
            if time.monotonic() >= deadline:
                fail(f"the rendezvous host {host} did not resolve within {timeout:.0f} s ({error}): is pod 0 running?")
            time.sleep(1)


def check_libfabric() -> None:
    """Loads libfabric.so.1 by name with the pod's library path, as the AWS OFI NCCL plugin will in
    every worker, in a child process (this one's library path was fixed at its start). The host's
    libfabric needs rdma-core's libibverbs and libefa from the image: when it does not load, one
    "torchrun-pod: EFA: …" line on stderr says why, which the report quotes if NCCL then used
    TCP sockets. Torchrun starts either way."""
    probe = "import ctypes\nctypes.CDLL('libfabric.so.1')\n"
    try:
        run = subprocess.run([sys.executable, "-c", probe], env=os.environ, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        print(f"torchrun-pod: EFA: could not check libfabric.so.1: {error}", file=sys.stderr, flush=True)
        return
    if run.returncode != 0:
        why = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
        print(f"torchrun-pod: EFA: libfabric.so.1 does not load in this image: {why}", file=sys.stderr, flush=True)


def main() -> None:
    if len(sys.argv) < 2:
        fail("usage: torchrun-pod.py SCRIPT [ARGS...]")
    env = os.environ
    try:
        index = int(env["JOB_COMPLETION_INDEX"])
        nodes = int(env["NNODES"])
        per_node = int(env["NPROC_PER_NODE"])
        host, port = env["RDZV_HOST"], int(env["RDZV_PORT"])
        timeout = float(env.get("RDZV_TIMEOUT_SECONDS", "600"))
    except (KeyError, ValueError) as error:
        fail(f"torchrun-pod.py needs JOB_COMPLETION_INDEX, NNODES, NPROC_PER_NODE, RDZV_HOST and RDZV_PORT ({error!r})")
    efa_path = env.get("EFA_LIBRARY_PATH", "")
    if efa_path:
        os.environ["LD_LIBRARY_PATH"] = ":".join(p for p in (efa_path, env.get("LD_LIBRARY_PATH", "")) if p)
        print(f"torchrun-pod: EFA libraries from {efa_path}", file=sys.stderr, flush=True)
        check_libfabric()
    addr, port = resolve(host, port, timeout)
    print(f"torchrun-pod: node {index} of {nodes}, {per_node} process(es), rendezvous {host} -> {addr}:{port}", file=sys.stderr, flush=True)
    argv = [
        sys.executable, "-m", "torch.distributed.run",
        f"--nnodes={nodes}", f"--node_rank={index}", f"--nproc_per_node={per_node}",
        f"--master_addr={addr}", f"--master_port={port}",
        *sys.argv[1:],
    ]
    os.execv(sys.executable, argv)


if __name__ == "__main__":
    main()
