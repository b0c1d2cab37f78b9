"""The stand-in's emulation of Ray's cluster contract for the vLLM image (vllm-openai.sh): the `ray` CLI
and what `vllm serve --distributed-executor-backend ray` asks of a Ray cluster. No Ray package runs
here (none can be installed on this machine); what is emulated is the orchestration, for real across
stand-in instances: a head whose GCS listens on a TCP port, workers that reach it through the
stand-in's cluster DNS (cluster-net/) and join it, nodes counted alive while they heartbeat, and
`ray status` reporting them in Ray's own layout. It schedules no task and runs no model.

    ray start --head [--port=6379] [--num-gpus=N] [--node-ip-address=IP] [--block]
    ray start --address=HOST:PORT [--num-gpus=N] [--node-ip-address=IP] [--block]
    ray status [--address=HOST:PORT]
    ray stop

- The head's GCS is a small HTTP service: POST /nodes registers a node, POST /heartbeat/<id> keeps it
  alive, GET /nodes lists them. It listens on 127.0.0.1 at the loopback port the stand-in kubelet gave
  the pod's declared port (its record under the headless Service), else the port plus the instance's
  offset, as every stand-in container port.
- Without --block, `ray start` leaves its processes (GCS, the node's heartbeat) in the background and
  returns, as Ray's daemons do; with --block it stays in the foreground until the head is gone.
- A node is alive while it heartbeats (every second); after DEAD_AFTER seconds of silence it is dead,
  as Ray's GCS health check marks it (period 3 s x threshold 5: 15 s x STUB_LATENCY_SCALE, at
  least 5 s so that a busy machine's stall never reads as a death). A worker whose head stops answering
  for RECONNECT seconds (Ray's gcs_rpc_server_reconnect_timeout_s, 60, x STUB_LATENCY_SCALE) exits 1.
- The address of the running cluster is kept in $HOME/ray/ray_current_cluster (Ray: /tmp/ray/…),
  where `ray status` and `vllm serve` (ray.init(address="auto")) find it; RAY_ADDRESS overrides it.
- GPUs per node: --num-gpus, else the GPUs the container was given (NVIDIA_VISIBLE_DEVICES).
"""

import glob
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

SCALE = float(os.environ.get("STUB_LATENCY_SCALE", "1") or 1)
DEAD_AFTER = max(5.0, 15 * SCALE)
RECONNECT = max(2.0, 60 * SCALE)
STATE = os.path.join(os.environ.get("HOME") or os.environ.get("STANDIN_SCRATCH") or "/tmp", "ray")
ADDRESS_FILE = os.path.join(STATE, "ray_current_cluster")
NO_CLUSTER = (
    "ConnectionError: Could not find any running Ray instance. Please specify the one to connect to by "
    "setting `--address` flag or `RAY_ADDRESS` environment variable."
)


def sandbox_alive() -> bool:
    root = os.environ.get("GPU_BENCH_ROOT")
    return not root or os.path.isdir(root)


def flags(args: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            if not eq and i + 1 < len(args) and not args[i + 1].startswith("--"):
                i += 1
                value = args[i]
            out[name] = value if (eq or value) else "true"
        i += 1
    return out


def local_gpus() -> int:
    devices = os.environ.get("NVIDIA_VISIBLE_DEVICES", "")
    if os.environ.get("STANDIN_NO_GPU") == "1" or devices in ("", "void", "none"):
        return 0
    return len([d for d in devices.split(",") if d])


def gcs_port(port: int) -> int:
    """Where a container port of this pod listens here: its DNS record's loopback port, else port + offset."""
    dns = os.environ.get("STANDIN_CLUSTER_DNS") or os.path.join(os.environ.get("GPU_BENCH_ROOT", ""), "var/lib/stand-in/cluster-dns")
    host, ns = os.environ.get("HOSTNAME", ""), os.environ.get("STANDIN_NAMESPACE", "")
    for path in glob.glob(os.path.join(glob.escape(dns), f"{glob.escape(host)}.*.{glob.escape(ns)}")):
        try:
            with open(path) as f:
                mapped = (json.load(f).get("ports") or {}).get(str(port))
        except (OSError, ValueError):
            continue
        if mapped:
            return int(mapped)
    return port + int(os.environ.get("STANDIN_PORT_OFFSET", "0") or 0)


def call(address: str, method: str, path: str, body: dict | None = None, timeout: float = 5) -> object:
    host, _, port = address.rpartition(":")
    addr = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)[0][4]
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://{addr[0]}:{addr[1]}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.load(r)


def current_address() -> str | None:
    if os.environ.get("RAY_ADDRESS") and os.environ["RAY_ADDRESS"] != "auto":
        return os.environ["RAY_ADDRESS"]
    try:
        with open(ADDRESS_FILE) as f:
            return f.read().strip() or None
    except OSError:
        return None


def nodes(address: str) -> list[dict]:
    """The cluster's nodes as the GCS knows them, each with `alive`."""
    return list(call(address, "GET", "/nodes"))  # type: ignore[arg-type]


def alive_gpus(address: str) -> tuple[int, int]:
    """(alive nodes, their GPUs)."""
    live = [n for n in nodes(address) if n["alive"]]
    return len(live), sum(int(n["gpus"]) for n in live)


def node_record(f: dict[str, str], head: bool) -> dict:
    gpus = int(float(f["num-gpus"])) if "num-gpus" in f else local_gpus()
    return {"id": (uuid.uuid4().hex * 2)[:56], "ip": f.get("node-ip-address") or "127.0.0.1", "gpus": gpus,
            "cpus": os.cpu_count() or 1, "hostname": os.environ.get("HOSTNAME", ""), "head": head}


def serve_gcs(port: int, head: dict) -> None:
    """The head's GCS until the sandbox goes away (or SIGTERM, with the pod)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    table: dict[str, dict] = {head["id"]: {**head, "seen": float("inf")}}
    lock = threading.Lock()

    class Gcs(BaseHTTPRequestHandler):
        def reply(self, code: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path != "/nodes":
                return self.reply(404, {"error": "not found"})
            now = time.time()
            with lock:
                listed = [{**{k: v for k, v in n.items() if k != "seen"}, "alive": now - n["seen"] < DEAD_AFTER} for n in table.values()]
            self.reply(200, listed)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            with lock:
                if self.path == "/nodes":
                    table[body["id"]] = {**body, "seen": time.time()}
                    print(f"[gcs] node {body['id'][:12]} ({body.get('hostname')}, {body.get('gpus')} GPU) joined", flush=True)
                    return self.reply(200, {"ok": True})
                node = table.get(self.path.removeprefix("/heartbeat/"))
                if not self.path.startswith("/heartbeat/") or node is None:
                    return self.reply(404, {"error": "unknown node"})
                node["seen"] = time.time()
            self.reply(200, {"ok": True})

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Gcs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    while sandbox_alive():
        time.sleep(0.5)


def heartbeat(address: str, node: dict) -> int:
    """A worker node's raylet: heartbeats until the head stops answering for RECONNECT seconds."""
    silent_since = None
    while sandbox_alive():
        try:
            call(address, "POST", f"/heartbeat/{node['id']}", {}, timeout=2)
            silent_since = None
        except OSError as error:
            silent_since = silent_since or time.time()
            if time.time() - silent_since >= RECONNECT:
                print(f"Failed to connect to GCS at address {address} within {RECONNECT:.0f} seconds ({error}).\n"
                      "Some Ray subprocesses exited unexpectedly:\n  raylet [exit code=1]", file=sys.stderr, flush=True)
                return 1
        time.sleep(1)
    return 0


def background(*args: str) -> None:
    """This module again in the background (Ray's daemons), its output in the session's log."""
    os.makedirs(os.path.join(STATE, "session_latest", "logs"), exist_ok=True)
    out = open(os.path.join(STATE, "session_latest", "logs", f"{args[0]}.out"), "a")
    subprocess.Popen([sys.executable, os.path.abspath(__file__), *args], stdout=out, stderr=out, stdin=subprocess.DEVNULL)


def started(ip: str, address: str) -> None:
    print(f"Local node IP: {ip}\n\n--------------------\nRay runtime started.\n--------------------\n", flush=True)
    print(f"To terminate the Ray runtime, run\n  ray stop\n(stand-in: cluster address {address})", flush=True)


def start(args: list[str]) -> int:
    f = flags(args)
    os.makedirs(STATE, exist_ok=True)
    if "head" in f:
        node = node_record(f, head=True)
        port = gcs_port(int(f.get("port", "6379")))
        address = f"127.0.0.1:{port}"
        if f.get("block"):
            with open(ADDRESS_FILE, "w") as fh:
                fh.write(address)
            started(node["ip"], address)
            serve_gcs(port, node)
            return 0
        background("gcs_server", str(port), json.dumps(node))
        deadline = time.time() + 10
        while True:
            try:
                nodes(address)
                break
            except OSError as error:
                if time.time() >= deadline:
                    print(f"RuntimeError: the GCS did not start on port {port} ({error})", file=sys.stderr)
                    return 1
                time.sleep(0.1)
        with open(ADDRESS_FILE, "w") as fh:
            fh.write(address)
        started(node["ip"], address)
        return 0
    address = f.get("address")
    if not address:
        print(NO_CLUSTER, file=sys.stderr)
        return 1
    node = node_record(f, head=False)
    deadline = time.time() + 30
    while True:
        try:
            call(address, "POST", "/nodes", node)
            break
        except OSError as error:
            if time.time() >= deadline:
                print(f"ConnectionError: Failed to connect to GCS at address {address} within 30 seconds ({error}).", file=sys.stderr)
                return 1
            time.sleep(1)
    with open(ADDRESS_FILE, "w") as fh:
        fh.write(address)
    started(node["ip"], address)
    if f.get("block"):
        print("--block\nThis command will now block forever until terminated by a signal.", flush=True)
        return heartbeat(address, node)
    background("raylet", address, json.dumps(node))
    return 0


def status(args: list[str]) -> int:
    address = flags(args).get("address") or current_address()
    if not address:
        print(NO_CLUSTER, file=sys.stderr)
        return 1
    try:
        listed = nodes(address)
    except OSError as error:
        print(f"ConnectionError: Failed to connect to GCS at address {address} ({error}).", file=sys.stderr)
        return 1
    live = [n for n in listed if n["alive"]]
    dead = [n for n in listed if not n["alive"]]
    cpus = sum(int(n["cpus"]) for n in live)
    gpus = sum(int(n["gpus"]) for n in live)
    print(f"======== Autoscaler status: {time.strftime('%Y-%m-%d %H:%M:%S')} ========")
    print("Node status\n" + "-" * 63 + "\nActive:")
    for n in live:
        print(f" 1 node_{n['id']}")
    print("Pending:\n (no pending nodes)\nRecent failures:")
    for n in dead:
        print(f" node_{n['id']} (ip {n['ip']}): node died (health check failed)")
    if not dead:
        print(" (no failures)")
    print("\nResources\n" + "-" * 63 + "\nUsage:")
    print(f" 0.0/{cpus:.1f} CPU\n 0.0/{gpus:.1f} GPU\n\nDemands:\n (no resource demands)")
    return 0


def stop() -> int:
    # The daemons live in the container's process group and end with it (the pod's deletion).
    try:
        os.remove(ADDRESS_FILE)
    except OSError:
        pass
    print("Stopped all Ray processes.")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["gcs_server"]:
        serve_gcs(int(argv[1]), json.loads(argv[2]))
        return 0
    if argv[:1] == ["raylet"]:
        return heartbeat(argv[1], json.loads(argv[2]))
    if argv[:1] == ["start"]:
        return start(argv[1:])
    if argv[:1] == ["status"]:
        return status(argv[1:])
    if argv[:1] == ["stop"]:
        return stop()
    print(f"ray stand-in: '{' '.join(argv[:1])}' is not emulated (start, status, stop are)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
