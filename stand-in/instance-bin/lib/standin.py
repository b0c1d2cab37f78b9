"""The stand-in instance's fake k3s: k3s server start, its containerd image store (crictl), its
API objects (kubectl) and a small kubelet that runs each container through
stand-in/images/run-container.

Time is simulated lazily: k3s records when it started, pulls record when they end, and every
kubectl/crictl call first brings the world up to "now" (reconcile). No daemon runs, except the
container processes themselves (in their own session, output in files).

Knobs (environment variables; seconds are at STUB_LATENCY_SCALE=1 and multiplied by it):
  STUB_LATENCY_SCALE            1      multiplies every latency below (tests use e.g. 0.01)
  STUB_CONTAINERD_SECONDS       2      k3s start -> containerd answers
  STUB_APISERVER_SECONDS        6      k3s start -> API server answers, node registered
  STUB_NODE_READY_SECONDS       15     k3s start -> node Ready
  STUB_K3S                      ok     never-ready: the node never gets Ready
  STUB_IMAGE_PULL_SECONDS       40     pull time of an image without its own figure below
  STUB_PULL_SECONDS_<NAME>      -      pull time for images whose repository basename is NAME
                                       (upper case, non-alphanumerics as _); built in:
                                       K8S_DEVICE_PLUGIN 6, CUDA 8
  STUB_IMAGE_PULL_FAIL          ""     comma/space separated image refs whose pull fails (not found)
  STUB_POD_START_SECONDS        1      images present -> container started (sandbox, create)
  STUB_NODE_NAME                ip-<private IP with dashes> (STANDIN_PRIVATE_IP), else ip-10-0-1-23
State lives under $GPU_BENCH_ROOT/var/lib/stand-in; simulated activities are appended to
$GPU_BENCH_ROOT/var/log/stand-in/events.jsonl (the bootstrap benchmark reads them).

Several instances form one cluster (see stand-in/README.md, "A cluster of instances"): the
server's state folder holds the cluster's API objects (k8s/store.json) and the registry of its
nodes (k8s/nodes/<name>.json); an agent (`k3s agent`, K3S_URL and K3S_TOKEN) finds the server's
sandbox through $STANDIN_NETWORK/<server private IP> and registers there. Each node keeps its
own k3s service, containerd image store, device plugin sockets, GPUs and container processes:
whoever reconciles (any kubectl or crictl call on any node) runs a pod's kubelet work as the pod's
node (on_node), so its containers start in that node's sandbox with that node's environment.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import hashlib
import json
import os
import re
import signal
import sys
import time

# subprocess, socket, base64 and random are imported where used: crictl and kubectl start often,
# and their start-up time is the stand-in's, not the harness's.

ROOT = os.environ.get("GPU_BENCH_ROOT", "")
if not ROOT:
    sys.stderr.write("stand-in stub: GPU_BENCH_ROOT is not set (run through the stand-in instance)\n")
    sys.exit(2)
HOME_ROOT = ROOT  # the instance this process runs on; ROOT and the paths below follow on_node
HOME_STATE = os.path.join(ROOT, "var/lib/stand-in")
STATE = EVENTS = K3S_STATE = IMAGES = PODS_DIR = ""


def _set_node(root: str) -> None:
    global ROOT, STATE, EVENTS, K3S_STATE, IMAGES, PODS_DIR
    ROOT = root
    STATE = os.path.join(root, "var/lib/stand-in")
    EVENTS = os.path.join(root, "var/log/stand-in/events.jsonl")
    K3S_STATE = os.path.join(STATE, "k3s.json")
    IMAGES = os.path.join(STATE, "images")
    PODS_DIR = os.path.join(STATE, "k8s/pods")


_set_node(ROOT)


@contextlib.contextmanager
def on_node(root: str):
    """Runs the block as the node whose `/` is root: its k3s state, containerd images, device
    plugins, boot id, pod folders and container processes (ROOT, STATE and the paths above)."""
    previous = ROOT
    _set_node(root)
    try:
        yield
    finally:
        _set_node(previous)
INSTANCE_BIN = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGES_DIR = os.path.join(os.path.dirname(INSTANCE_BIN), "images")
RUN_CONTAINER = os.path.join(IMAGES_DIR, "run-container")
SCALE = float(os.environ.get("STUB_LATENCY_SCALE", "1"))
API_REFUSED = "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?"
BUILTIN_PULL_SECONDS = {"K8S_DEVICE_PLUGIN": 6.0, "AWS_EFA_K8S_DEVICE_PLUGIN": 4.0, "CUDA": 8.0}


def knob(name: str, default: float) -> float:
    return float(os.environ.get(name, default)) * SCALE


def iso(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int((t % 1) * 1000):03d}Z"


def event(activity: str, start: float, end: float, **extra) -> None:
    os.makedirs(os.path.dirname(EVENTS), exist_ok=True)
    with open(EVENTS, "a") as f:
        f.write(json.dumps({"activity": activity, "start": start, "end": end, **extra}) + "\n")


def die(message: str, code: int = 1) -> None:
    sys.stderr.write(message.rstrip("\n") + "\n")
    sys.exit(code)


@contextlib.contextmanager
def locked(name: str, where: str | None = None):
    """An exclusive lock named name in the folder where (the current node's state by default)."""
    where = where or STATE
    os.makedirs(where, exist_ok=True)
    with open(os.path.join(where, name + ".lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def read_json(path: str, default):
    try:
        with open(path) as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def write_json(path: str, value) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(value, f)
    os.replace(tmp, path)


# ---------------------------------------------------------------- k3s server and agents

INF = float("inf")
NODE_TOKEN = "var/lib/rancher/k3s/server/node-token"


def here_node_name() -> str:
    """This instance's node name: its hostname, ip-<private IP with dashes>, as on EC2."""
    ip = os.environ.get("STANDIN_PRIVATE_IP")
    return os.environ.get("STUB_NODE_NAME") or ("ip-" + ip.replace(".", "-") if ip else "ip-10-0-1-23")


def here_ip() -> str:
    return os.environ.get("STANDIN_PRIVATE_IP", "10.0.1.23")


def here_env() -> dict:
    """This instance's environment as its kubelet gives it to containers (see start_container)."""
    keep = ("GPU_BENCH_ROOT", "TMPDIR", "PATH", "LANG", "HOME")
    return {k: v for k, v in os.environ.items()
            if (k.startswith("STUB_") or k.startswith("STANDIN_") or k in keep) and k != "STANDIN_T0"}


def k3s() -> dict | None:
    """The node's running k3s (server or agent), or None when it was never started or is stopped."""
    state = read_json(K3S_STATE, None)
    if not state or not os.path.exists(os.path.join(STATE, "systemd", state.get("unit", "k3s.service") + ".active")):
        return None
    return state


def k3s_times(state: dict) -> dict:
    """When containerd answers, the node is registered (the server: its API answers) and the node
    is Ready, in epoch seconds; INF while an agent has not reached its server; ready None with
    STUB_K3S=never-ready."""
    start = agent_configured_at(state) if state.get("role") == "agent" else state["startedAt"]
    ready = None if os.environ.get("STUB_K3S") == "never-ready" else start + state["readySeconds"]
    return {"containerd": start + state["containerdSeconds"], "api": start + state["apiSeconds"], "ready": ready}


def k3s_flags(args: list[str], with_value: tuple[str, ...]) -> tuple[dict, dict, list]:
    """k3s's flags: single values, --node-label pairs, repeated --disable."""
    flags, labels, disabled = {}, {}, []
    it = iter(args)
    for arg in it:
        name, eq, value = arg.partition("=")
        if name in with_value and not eq:
            value = next(it, "")
        if name == "--node-label":
            k, _, v = value.partition("=")
            labels[k] = v
        elif name == "--disable":
            disabled.append(value)
        else:
            flags[name] = value
    return flags, labels, disabled


def nvidia_runtimes() -> list[str]:
    import subprocess

    # Like k3s: the nvidia runtime is configured only if the toolkit is there at start.
    nvidia = subprocess.run(["nvidia-container-runtime", "--version"], capture_output=True).returncode == 0
    return ["runc"] + (["nvidia"] if nvidia else [])


def write_containerd_config(runtimes: list[str]) -> None:
    toml = os.path.join(ROOT, "var/lib/rancher/k3s/agent/etc/containerd/config.toml")
    os.makedirs(os.path.dirname(toml), exist_ok=True)
    with open(toml, "w") as f:
        f.write("# stand-in: generated by k3s at start\nversion = 3\n")
        if "nvidia" in runtimes:
            f.write('[plugins."io.containerd.cri.v1.runtime".containerd.runtimes."nvidia"]\n'
                    '  runtime_type = "io.containerd.runc.v2"\n'
                    '[plugins."io.containerd.cri.v1.runtime".containerd.runtimes."nvidia".options]\n'
                    '  BinaryName = "/usr/bin/nvidia-container-runtime"\n')


def log_start(now: float, what: str, version: str, runtimes: list[str]) -> None:
    print(f'time="{iso(now)}" level=info msg="Starting {what} {version}"')
    print(f'time="{iso(now)}" level=info msg="Running containerd -c /var/lib/rancher/k3s/agent/etc/containerd/config.toml"')
    if "nvidia" in runtimes:
        print(f'time="{iso(now)}" level=info msg="Found nvidia container runtime at /usr/bin/nvidia-container-runtime"')
    else:
        print(f'time="{iso(now)}" level=info msg="No nvidia container runtime found"')


def register_node(cluster: str, state: dict) -> None:
    """Puts this node in the cluster's registry (<cluster state>/k8s/nodes/<name>.json): where its
    `/` is, its address and role, and the environment its containers get."""
    entry = {"name": state["nodeName"], "root": ROOT, "ip": here_ip(), "role": state["role"], "env": here_env(),
             "network": os.environ.get("STANDIN_NETWORK", "")}
    path = os.path.join(cluster, "k8s/nodes", state["nodeName"] + ".json")
    old = read_json(path, None)
    entry["registeredAt"] = old["registeredAt"] if old and old.get("root") == ROOT else time.time()
    write_json(path, entry)


def startup_seconds() -> dict:
    """How long a k3s node takes, in seconds from its start (or, for an agent, from getting its
    configuration), until containerd answers, the API answers or the node registers, and it is Ready."""
    return {
        "containerdSeconds": knob("STUB_CONTAINERD_SECONDS", 2),
        "apiSeconds": knob("STUB_APISERVER_SECONDS", 6),
        "readySeconds": knob("STUB_NODE_READY_SECONDS", 15),
    }


def k3s_server(version: str, args: list[str]) -> int:
    """`k3s server`, as systemd starts it: records the start; the rest follows from the clock.
    Writes the node token agents join with (kept across restarts, as k3s keeps it in its datastore)."""
    flags, labels, disabled = k3s_flags(args, ("--write-kubeconfig-mode", "--node-label", "--disable", "--token"))
    mode = flags.get("--write-kubeconfig-mode", "0600")
    runtimes = nvidia_runtimes()
    now = invoked_at()
    state = {
        "role": "server",
        "unit": "k3s.service",
        "startedAt": now,
        "version": version,
        "nodeName": here_node_name(),
        "labels": labels,
        "disabled": disabled,
        "runtimes": runtimes,
        **startup_seconds(),
    }
    write_json(K3S_STATE, state)
    register_node(STATE, state)
    # Read by the crictl stub's shell fast path for `crictl info`, polled while k3s starts.
    with open(os.path.join(STATE, "k3s.containerd-up-at"), "w") as f:
        f.write(f"{now + state['containerdSeconds']:.6f}\n")
    kubeconfig = os.path.join(ROOT, "etc/rancher/k3s/k3s.yaml")
    os.makedirs(os.path.dirname(kubeconfig), exist_ok=True)
    with open(kubeconfig, "w") as f:
        f.write("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: default\n")
    os.chmod(kubeconfig, int(mode, 8))
    token_file = os.path.join(ROOT, NODE_TOKEN)
    if not os.path.exists(token_file):
        import secrets

        password = flags.get("--token") or os.environ.get("K3S_TOKEN") or secrets.token_hex(16)
        ca_hash = hashlib.sha256(f"stand-in cluster CA {secrets.token_hex(8)}".encode()).hexdigest()
        os.makedirs(os.path.dirname(token_file), exist_ok=True)
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(f"K10{ca_hash}::server:{password}\n")
    write_containerd_config(runtimes)
    times = k3s_times(state)
    write_json(os.path.join(STATE, "systemd/k3s.service.ready-at"), times["api"])
    event("k3s-containerd", now, times["containerd"])
    event("k3s-apiserver", now, times["api"])
    if times["ready"] is not None:
        event("k3s-node-ready", now, times["ready"])
    log_start(now, "k3s", version, runtimes)
    return 0


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def server_root(state: dict) -> str | None:
    """The `/` of the instance an agent's K3S_URL names, while that instance runs; None otherwise."""
    link = os.path.join(state.get("network") or "", state.get("serverIp") or "")
    if not state.get("network") or not os.path.isdir(link):
        return None
    return os.path.join(os.path.realpath(link), "root")


def token_accepted(server: str, digest: str) -> bool:
    """Whether the server takes the agent's token: its whole node token or the password in it."""
    try:
        with open(os.path.join(server, NODE_TOKEN)) as f:
            full = f.read().strip()
    except OSError:
        return False
    return digest in (token_hash(full), token_hash(full.rpartition(":")[2]))


def agent_configured_at(state: dict) -> float:
    """When an agent got its configuration from the server, INF until it can: like k3s, the agent
    retries until the server's API answers and takes its token, then starts containerd and the
    kubelet (so its node registers and gets Ready counting from then). Fixed once reached."""
    if "configuredAt" in state:
        return state["configuredAt"]
    server = server_root(state)
    if server is None:
        return INF
    with on_node(server):
        server_state = k3s()
        api = k3s_times(server_state)["api"] if server_state else INF
    if time.time() < api or not token_accepted(server, state["tokenHash"]):
        return INF
    at = max(state["startedAt"], api)
    state["configuredAt"] = at
    with locked("k3s"):
        saved = read_json(K3S_STATE, None)
        if saved and saved.get("startedAt") == state["startedAt"] and "configuredAt" not in saved:
            write_json(K3S_STATE, {**saved, "configuredAt": at})
            with open(os.path.join(STATE, "k3s.containerd-up-at"), "w") as f:
                f.write(f"{at + state['containerdSeconds']:.6f}\n")
            if ROOT == HOME_ROOT:  # an agent that could not reach its server at start registers now
                register_node(os.path.join(server, "var/lib/stand-in"), saved)
            event("k3s-agent-config", state["startedAt"], at)
            event("k3s-containerd", at, at + state["containerdSeconds"])
            event("k3s-node-registered", at, at + state["apiSeconds"])
            if os.environ.get("STUB_K3S") != "never-ready":
                event("k3s-node-ready", at, at + state["readySeconds"])
    return at


def k3s_agent(version: str, args: list[str]) -> int:
    """`k3s agent` (K3S_URL, K3S_TOKEN from the unit's environment file, or --server/--token):
    records the start and registers with the server the URL names; the join follows from the
    clock (agent_configured_at). A URL that names no running instance or a token the server
    does not take leaves the node unregistered, with the agent's error in its journal."""
    flags, labels, _ = k3s_flags(args, ("--server", "-s", "--token", "-t", "--node-label"))
    url = flags.get("--server") or flags.get("-s") or os.environ.get("K3S_URL", "")
    token = flags.get("--token") or flags.get("-t") or os.environ.get("K3S_TOKEN", "")
    now = invoked_at()
    match = re.fullmatch(r"https://([0-9.]+):6443/?", url)
    if not match:
        die(f'time="{iso(now)}" level=fatal msg="--server is required and must be https://<server address>:6443 (got \'{url}\')"')
    if not token:
        die(f'time="{iso(now)}" level=fatal msg="--token is required"')
    runtimes = nvidia_runtimes()
    state = {
        "role": "agent",
        "unit": "k3s-agent.service",
        "startedAt": now,
        "version": version,
        "nodeName": here_node_name(),
        "labels": labels,
        "disabled": [],
        "runtimes": runtimes,
        "serverUrl": url,
        "serverIp": match.group(1),
        "network": os.environ.get("STANDIN_NETWORK", ""),
        "tokenHash": token_hash(token),
        **startup_seconds(),
    }
    with contextlib.suppress(FileNotFoundError):
        os.remove(os.path.join(STATE, "k3s.containerd-up-at"))
    write_json(K3S_STATE, state)
    write_containerd_config(runtimes)
    log_start(now, "k3s agent", version, runtimes)
    server = server_root(state)
    if server is None:
        print(f'time="{iso(now)}" level=error msg="failed to get CA certs: Get \\"{url}/cacerts\\": dial tcp {match.group(1)}:6443: connect: no route to host"')
        return 0
    register_node(os.path.join(server, "var/lib/stand-in"), state)
    if os.path.exists(os.path.join(server, NODE_TOKEN)) and not token_accepted(server, state["tokenHash"]):
        print(f'time="{iso(now)}" level=error msg="failed to get CA certs: {url}/cacerts: 401 Unauthorized"')
    else:
        print(f'time="{iso(now)}" level=info msg="Waiting to retrieve agent configuration; server is not ready" server="{url}"')
    return 0


def cluster_state() -> str:
    """The state folder of the cluster this instance belongs to: its own, unless it runs a k3s
    agent whose server is reachable (then the server's)."""
    own = read_json(os.path.join(HOME_STATE, "k3s.json"), None)
    if own and own.get("role") == "agent":
        server = server_root(own)
        if server:
            return os.path.join(server, "var/lib/stand-in")
    return HOME_STATE


def cluster_locked():
    """One reader/writer of the cluster's API objects at a time, whichever node it runs on."""
    return locked("k8s", cluster_state())


def containerd_up() -> bool:
    state = k3s()
    return bool(state) and time.time() >= k3s_times(state)["containerd"]


def api_up() -> bool:
    state = k3s()
    return bool(state) and time.time() >= k3s_times(state)["api"]


# ---------------------------------------------------------------- containerd image store

def normalized(ref: str) -> str:
    name = ref.split("@")[0]
    first = name.split("/")[0]
    if "/" not in name or ("." not in first and ":" not in first and first != "localhost"):
        name = "docker.io/" + ("library/" + name if "/" not in name else name)
    return name


def repository(ref: str) -> str:
    name = normalized(ref)
    last = name.rsplit("/", 1)[-1]
    return name[: len(name) - len(last)] + last.split(":")[0]


def basename(ref: str) -> str:
    return repository(ref).rsplit("/", 1)[-1]


def pull_seconds(ref: str) -> float:
    key = re.sub(r"[^A-Z0-9]", "_", basename(ref).upper())
    default = BUILTIN_PULL_SECONDS.get(key, float(os.environ.get("STUB_IMAGE_PULL_SECONDS", "40")))
    return float(os.environ.get(f"STUB_PULL_SECONDS_{key}", default)) * SCALE


def pull_fails(ref: str) -> bool:
    return ref in re.split(r"[,\s]+", os.environ.get("STUB_IMAGE_PULL_FAIL", "").strip())


def image_path(ref: str) -> str:
    return os.path.join(IMAGES, hashlib.sha256(ref.encode()).hexdigest()[:24] + ".json")


def image(ref: str) -> dict | None:
    return read_json(image_path(ref), None)


def current_boot() -> str:
    """The instance's boot id (the stand-in writes a new one at every boot; "" outside an instance)."""
    try:
        with open(os.path.join(ROOT, "proc/sys/kernel/random/boot_id")) as f:
            return f.read().strip()
    except OSError:
        return ""


def invoked_at() -> float:
    """When the stub was invoked: its own start-up is part of the simulated step, as a real
    program's start-up is part of its run (the shell wrappers set STANDIN_T0)."""
    return float(os.environ.get("STANDIN_T0") or time.time())


def begin_pull(ref: str, now: float | None = None) -> dict:
    """Starts pulling ref, or joins the pull under way (containerd pulls the same content once)."""
    with locked("images"):
        record = image(ref)
        if record and not record.get("failed"):
            return record
        now = now or time.time()
        digest = "sha256:" + hashlib.sha256(("manifest:" + ref).encode()).hexdigest()
        record = {
            "ref": ref,
            "digest": digest,
            "id": "sha256:" + hashlib.sha256(("config:" + ref).encode()).hexdigest(),
            "size": 1000 + int(hashlib.sha256(ref.encode()).hexdigest()[:6], 16) * 1000,
            "pullStartedAt": now,
            "pullEndsAt": now + (min(2.0 * SCALE, pull_seconds(ref)) if pull_fails(ref) else pull_seconds(ref)),
        }
        if pull_fails(ref):
            n = normalized(ref)
            record["failed"] = (f'rpc error: code = NotFound desc = failed to pull and unpack image "{n}": '
                                f'failed to resolve reference "{n}": {n}: not found')
        write_json(image_path(ref), record)
        event("pull", record["pullStartedAt"], record["pullEndsAt"], ref=ref, failed=bool(record.get("failed")))
        return record


def image_present(ref: str) -> bool:
    record = image(ref)
    return bool(record) and not record.get("failed") and time.time() >= record["pullEndsAt"]


def all_images() -> list[dict]:
    if not os.path.isdir(IMAGES):
        return []
    out = []
    for name in sorted(os.listdir(IMAGES)):
        if name.endswith(".json"):
            record = read_json(os.path.join(IMAGES, name), None)
            if record and not record.get("failed") and time.time() >= record["pullEndsAt"]:
                out.append(record)
    return out


def on_this_node(store: dict) -> list[dict]:
    """The pods this node's containerd runs: those bound to it."""
    name = (k3s() or {}).get("nodeName")
    return [p for p in objects(store, "Pod") if p["spec"].get("nodeName") == name]


def crictl_main(argv: list[str]) -> int:
    args = [a for a in argv]
    # Global flags of crictl that take a value.
    while args and args[0].startswith("-"):
        flag = args.pop(0)
        if "=" not in flag and flag in ("--runtime-endpoint", "-r", "--image-endpoint", "-i", "--timeout", "-t", "--config", "-c"):
            args.pop(0)
    if not args:
        die("usage: crictl [global options] command [command options]")
    cmd, rest = args[0], args[1:]
    if not containerd_up():
        die('validate service connection: validate CRI v1 runtime API for endpoint "unix:///run/k3s/containerd/containerd.sock": '
            'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix '
            '/run/k3s/containerd/containerd.sock: connect: no such file or directory"')
    if cmd == "info":
        print(json.dumps({"status": {"conditions": [{"type": "RuntimeReady", "status": True}, {"type": "NetworkReady", "status": True}]}}, indent=2))
        return 0
    if cmd == "pull":
        refs = [a for a in rest if not a.startswith("-")]
        if not refs:
            die("FATA[0000] image name cannot be empty")
        ref = refs[0]
        record = begin_pull(ref, invoked_at())
        time.sleep(max(0.0, record["pullEndsAt"] - time.time()))
        if record.get("failed"):
            stamp = time.strftime("%m%d %H:%M:%S")
            sys.stderr.write(f'E{stamp}.000000 4242 remote_image.go:180] "PullImage from image service failed" err="{record["failed"]}" image="{ref}"\n')
            die(f"FATA[0002] pulling image: {record['failed']}")
        print(f"Image is up to date for {record['id']}")
        return 0
    if cmd == "inspecti":
        refs = [a for a in rest if not a.startswith("-") and a not in ("json", "yaml", "table")]
        if not refs or not image_present(refs[0]):
            die(f'FATA[0000] no such image "{refs[0] if refs else ""}" present')
        record = image(refs[0])
        print(json.dumps({"status": {"id": record["id"], "repoTags": [normalized(refs[0])],
                                     "repoDigests": [repository(refs[0]) + "@" + record["digest"]],
                                     "size": str(record["size"])}}, indent=2))
        return 0
    if cmd == "images":
        quiet = "-q" in rest or "--quiet" in rest
        if not quiet:
            print(f"{'IMAGE':<60} {'TAG':<28} {'IMAGE ID':<15} SIZE")
        for record in all_images():
            if quiet:
                print(record["id"])
            else:
                name = normalized(record["ref"])
                repo, _, tag = name.rpartition(":") if ":" in name.rsplit("/", 1)[-1] else (name, "", "latest")
                print(f"{repo:<60} {tag:<28} {record['id'][7:20]:<15} {record['size'] // 1000000}MB")
        return 0
    if cmd == "ps":
        with cluster_locked():
            store = load_store()
        print(f"{'CONTAINER':<15} {'IMAGE':<50} {'STATE':<10} {'NAME':<30} POD")
        for pod in on_this_node(store):
            for cs in pod.get("status", {}).get("containerStatuses", []):
                state = next(iter(cs.get("state", {"waiting": {}})))
                print(f"{hashlib.sha256((pod['metadata']['name'] + cs['name']).encode()).hexdigest()[:13]:<15} {cs['image']:<50} {state.capitalize():<10} {cs['name']:<30} {pod['metadata']['name']}")
        return 0
    if cmd == "inspect":
        # crictl inspect [--output go-template --template '{{.info.pid}}'] ID: the container's main process.
        template, ids, i = None, [], 0
        while i < len(rest):
            a = rest[i]
            if a in ("--output", "-o", "--template"):
                if a == "--template":
                    template = rest[i + 1] if i + 1 < len(rest) else None
                i += 2
                continue
            if a.startswith("--template="):
                template = a.split("=", 1)[1]
            elif not a.startswith("-"):
                ids.append(a)
            i += 1
        with cluster_locked():
            store = load_store()
        for pod in on_this_node(store):
            for name, run in ((pod.get("_sim") or {}).get("runs") or {}).items():
                if run and ids and run.get("id", "").startswith(ids[0]) and not os.path.exists(run["exit"]):
                    pid = main_pid(run["pid"])
                    if template and ".info.pid" in template:
                        print(pid)
                    else:
                        print(json.dumps({"status": {"id": run["id"], "state": "CONTAINER_RUNNING",
                                                     "metadata": {"name": name}}, "info": {"pid": pid}}, indent=2))
                    return 0
        die(f'FATA[0000] getting the status of the container "{ids[0] if ids else ""}": rpc error: code = NotFound desc = an error occurred when try to find container')
    die(f"crictl: '{cmd}' is not emulated by the stand-in (emulated: info, pull, inspecti, images, ps, inspect)")
    return 1


# ---------------------------------------------------------------- API objects


KINDS = {
    # kind: (plural, short names, api group/version, namespaced)
    "Pod": ("pods", ["po", "pod"], "v1", True),
    "Node": ("nodes", ["no", "node"], "v1", False),
    "Namespace": ("namespaces", ["ns", "namespace"], "v1", False),
    "ConfigMap": ("configmaps", ["cm", "configmap"], "v1", True),
    "Secret": ("secrets", ["secret"], "v1", True),
    "Service": ("services", ["svc", "service"], "v1", True),
    "ServiceAccount": ("serviceaccounts", ["sa", "serviceaccount"], "v1", True),
    "PersistentVolumeClaim": ("persistentvolumeclaims", ["pvc", "persistentvolumeclaim"], "v1", True),
    "DaemonSet": ("daemonsets", ["ds", "daemonset"], "apps/v1", True),
    "Deployment": ("deployments", ["deploy", "deployment"], "apps/v1", True),
    "Job": ("jobs", ["job"], "batch/v1", True),
    "RuntimeClass": ("runtimeclasses", ["runtimeclass"], "node.k8s.io/v1", False),
    "Event": ("events", ["ev", "event"], "v1", True),
}
BUILTIN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"]


def kind_of(word: str) -> str:
    w = word.lower().split(".")[0]
    for kind, (plural, shorts, _, _) in KINDS.items():
        if w in (plural, kind.lower(), *shorts):
            return kind
    die(f'error: the server doesn\'t have a resource type "{word}"')
    return ""


def type_name(kind: str) -> str:
    """pod, daemonset.apps, job.batch, runtimeclass.node.k8s.io: how kubectl names a type."""
    group = KINDS[kind][2].rpartition("/")[0]
    return kind.lower() + (f".{group}" if group else "")


def load_store() -> dict:
    """The cluster's API objects. nodeLabels: node name -> labels set with kubectl label."""
    return read_json(os.path.join(cluster_state(), "k8s/store.json"), {"objects": {}, "events": [], "nodeLabels": {}})


def save_store(store: dict) -> None:
    write_json(os.path.join(cluster_state(), "k8s/store.json"), store)


def key(kind: str, ns: str, name: str) -> str:
    return f"{kind}/{ns if KINDS[kind][3] else ''}/{name}"


def objects(store: dict, kind: str, ns: str | None = None) -> list[dict]:
    return [o for k, o in store["objects"].items() if k.startswith(kind + "/") and (ns is None or o["metadata"].get("namespace") == ns)]


def get_obj(store: dict, kind: str, ns: str, name: str) -> dict | None:
    if kind == "Node":
        return next((n for n in cluster_nodes(store) if n["metadata"]["name"] == name), None)
    if kind == "Namespace" and name in BUILTIN_NAMESPACES:
        return namespace_object(name)
    return store["objects"].get(key(kind, ns, name))


def namespace_object(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "status": {"phase": "Active"}}


def add_event(store: dict, obj: dict, reason: str, message: str, type_: str = "Normal") -> None:
    ref = f"{obj['kind']}/{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"
    for e in store["events"]:
        if e["ref"] == ref and e["reason"] == reason and e["message"] == message:
            e["count"] += 1
            e["last"] = time.time()
            return
    store["events"].append({"ref": ref, "reason": reason, "message": message, "type": type_, "count": 1, "first": time.time(), "last": time.time()})


def rand5() -> str:
    import random
    import string

    return "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(5))


def new_meta(meta: dict, ns: str | None) -> dict:
    meta = copy.deepcopy(meta)
    if ns is not None:
        meta["namespace"] = ns
    meta.setdefault("labels", {})
    meta["uid"] = hashlib.sha256(f"{meta['name']}{time.time()}{rand5()}".encode()).hexdigest()[:32]
    meta["creationTimestamp"] = iso(time.time())
    meta["generation"] = 1
    return meta


# ---------------------------------------------------------------- the node

# The extended resources the stand-in's device plugins register (images/k8s-device-plugin.sh,
# images/aws-efa-k8s-device-plugin.sh): resource -> the file in the kubelet's device-plugin folder
# where the plugin wrote its device IDs, one a line (a socket on a real node).
DEVICE_PLUGIN_FILES = {"nvidia.com/gpu": "nvidia-gpu.sock", "vpc.amazonaws.com/efa": "aws-efa-device-plugin.sock"}


def plugin_devices(resource: str = "nvidia.com/gpu") -> list[str]:
    path = os.path.join(ROOT, "var/lib/kubelet/device-plugins", DEVICE_PLUGIN_FILES[resource])
    try:
        with open(path) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


def registry() -> list[dict]:
    """The cluster's nodes as they registered (k8s/nodes/*.json): the server first, then agents
    in the order they joined."""
    folder = os.path.join(cluster_state(), "k8s/nodes")
    entries = [read_json(os.path.join(folder, n), None) for n in sorted(os.listdir(folder))] if os.path.isdir(folder) else []
    return sorted((e for e in entries if e), key=lambda e: (e["role"] != "server", e["registeredAt"], e["name"]))


def members(store: dict) -> list[tuple[dict, dict | None]]:
    """Each registered node with its Node object (None while its k3s is down or not yet registered)."""
    out = []
    for entry in registry():
        with on_node(entry["root"]):
            out.append((entry, node_object(store, entry)))
    return out


def cluster_nodes(store: dict) -> list[dict]:
    """The cluster's Node objects."""
    return [node for _, node in members(store) if node]


def entry_of(node_name: str | None) -> dict | None:
    return next((e for e in registry() if e["name"] == node_name), None) if node_name else None


def node_object(store: dict, entry: dict) -> dict | None:
    """The Node of a registered node; call it as that node (on_node)."""
    state = k3s()
    if not state or state["nodeName"] != entry["name"] or time.time() < k3s_times(state)["api"]:
        return None
    times = k3s_times(state)
    ready = times["ready"] is not None and time.time() >= times["ready"]
    # An agent whose instance is gone stops posting its status: the node turns NotReady.
    gone = entry["role"] == "agent" and bool(entry.get("network")) and not os.path.isdir(os.path.join(entry["network"], entry["ip"]))
    ready = ready and not gone
    name = state["nodeName"]
    server = entry["role"] == "server"
    labels = {
        "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
        **({"node-role.kubernetes.io/control-plane": "true"} if server else {}), "node.kubernetes.io/instance-type": "k3s",
        **state["labels"], **(store["nodeLabels"].get(name) or {}),
    }
    capacity = {"cpu": "8", "memory": "32386120Ki", "pods": "110", "ephemeral-storage": "101430960Ki"}
    for resource in DEVICE_PLUGIN_FILES:
        count = len(plugin_devices(resource))
        if count:
            capacity[resource] = str(count)
    cond_time = iso(times["ready"] if ready else state["startedAt"])
    reason, message = ("KubeletReady", "kubelet is posting ready status") if ready else (
        ("NodeStatusUnknown", "Kubelet stopped posting node status.") if gone else ("KubeletNotReady", "container runtime network not ready"))
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {k: v for k, v in labels.items() if v is not None},
                     "creationTimestamp": iso(times["api"])},
        "spec": {} if ready else {"taints": [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"}]},
        "status": {
            "capacity": capacity, "allocatable": dict(capacity),
            "conditions": [{"type": "Ready", "status": "True" if ready else "False", "reason": reason, "message": message,
                            "lastTransitionTime": cond_time}],
            "nodeInfo": {"kubeletVersion": state["version"], "containerRuntimeVersion": "containerd://2.1.4-k3s1",
                         "osImage": "Ubuntu 22.04.5 LTS", "kernelVersion": os.uname().release},
            "addresses": [{"type": "InternalIP", "address": entry["ip"]}, {"type": "Hostname", "address": name}],
        },
    }


def node_ready(node: dict | None) -> bool:
    return bool(node) and node["status"]["conditions"][0]["status"] == "True"


def live(pod: dict) -> bool:
    return pod["status"].get("phase") not in ("Succeeded", "Failed")


def schedule(store: dict, pod: dict, cluster: list[tuple[dict, dict | None]]) -> tuple[dict | None, dict[str, list[str]], str | None]:
    """The scheduler's choice for a pod: (node, the device IDs it gets per extended resource) or
    (None, {}, why not). Filters as kube-scheduler does for what the stand-in emulates (node
    Ready, spec.nodeName, nodeSelector and required node affinity, free nvidia.com/gpu and
    vpc.amazonaws.com/efa); of the nodes left, the one running the fewest pods, then the first
    registered."""
    spec = pod["spec"]
    nodes = [n for _, n in cluster if n]
    if not nodes:
        return None, {}, "0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }."
    need = {r: device_request(spec, r) for r in DEVICE_PLUGIN_FILES}
    reasons: dict[str, int] = {}
    fits = []
    for entry, node in cluster:
        if not node:
            continue
        why = None
        if not node_ready(node):
            why = "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"
        elif spec.get("nodeName") and spec["nodeName"] != node["metadata"]["name"]:
            why = "node(s) didn't match the requested node name"
        elif not matches_node(spec, node):
            why = "node(s) didn't match Pod's node affinity/selector"
        else:
            bound = [p for p in objects(store, "Pod") if p is not pod and live(p) and p["spec"].get("nodeName") == node["metadata"]["name"]]
            given: dict[str, list[str]] = {}
            for resource, count in need.items():
                with on_node(entry["root"]):
                    devices = plugin_devices(resource)
                used = {d for p in bound for d in allocated(p, resource)}
                free = [d for d in devices if d not in used]
                if count > len(free):
                    why = f"Insufficient {resource}"
                    break
                given[resource] = free[:count]
            else:
                fits.append((len(bound), len(fits), node, given))
        if why:
            reasons[why] = reasons.get(why, 0) + 1
    if fits:
        _, _, node, given = min(fits, key=lambda f: (f[0], f[1]))
        return node, given, None
    return None, {}, f"0/{len(nodes)} nodes are available: " + ", ".join(f"{n} {why}" for why, n in reasons.items()) + "."


def allocated(pod: dict, resource: str) -> list[str]:
    """The device IDs of a resource the scheduler gave a pod (GPUs under "gpus", as before)."""
    sim = pod.get("_sim") or {}
    return sim.get("gpus", []) if resource == "nvidia.com/gpu" else (sim.get("devices") or {}).get(resource, [])


def matches_node(spec: dict, node: dict) -> bool:
    labels = node["metadata"]["labels"]
    for k, v in (spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    terms = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
             .get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get("nodeSelectorTerms")
    if not terms:
        return True
    for term in terms:
        ok = True
        for e in term.get("matchExpressions") or []:
            have = labels.get(e["key"])
            op = e["operator"]
            if op == "In":
                ok &= have in e.get("values", [])
            elif op == "NotIn":
                ok &= have not in e.get("values", [])
            elif op == "Exists":
                ok &= have is not None
            elif op == "DoesNotExist":
                ok &= have is None
        if ok:
            return True
    return False


def selector_matches(selector: dict | str | None, labels: dict) -> bool:
    if not selector:
        return True
    if isinstance(selector, str):
        for part in [p for p in selector.split(",") if p]:
            if "!=" in part:
                k, v = part.split("!=", 1)
                if labels.get(k.strip()) == v.strip():
                    return False
            elif "=" in part:
                k, v = part.replace("==", "=").split("=", 1)
                if labels.get(k.strip()) != v.strip():
                    return False
            elif part.startswith("!"):
                if part[1:] in labels:
                    return False
            elif part not in labels:
                return False
        return True
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


# ---------------------------------------------------------------- controllers and kubelet

def device_request(spec: dict, resource: str = "nvidia.com/gpu") -> int:
    """How many of an extended resource the pod's containers ask for (limit, else request)."""
    total = 0
    for c in spec.get("containers", []):
        res = c.get("resources") or {}
        value = (res.get("limits") or {}).get(resource) or (res.get("requests") or {}).get(resource) or 0
        total += int(value)
    return total


def create_pod(store: dict, owner: dict, template: dict, name: str) -> dict:
    meta = template.get("metadata") or {}
    pod = {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": new_meta({"name": name, "labels": dict(meta.get("labels") or {}), "annotations": dict(meta.get("annotations") or {})},
                             owner["metadata"]["namespace"]),
        "spec": copy.deepcopy(template.get("spec") or {}),
        "status": {"phase": "Pending"},
    }
    pod["metadata"]["ownerReferences"] = [{"kind": owner["kind"], "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"], "controller": True}]
    pod["spec"].setdefault("restartPolicy", "Always")
    store["objects"][key("Pod", pod["metadata"]["namespace"], name)] = pod
    add_event(store, owner, "SuccessfulCreate", f"Created pod: {name}")
    return pod


def owned_pods(store: dict, owner: dict) -> list[dict]:
    return [p for p in objects(store, "Pod", owner["metadata"]["namespace"])
            if any(r["uid"] == owner["metadata"]["uid"] for r in p["metadata"].get("ownerReferences", []))]


def template_hash(obj: dict) -> str:
    return hashlib.sha256(json.dumps(obj["spec"].get("template"), sort_keys=True).encode()).hexdigest()[:10]


def runtime_class_missing(store: dict, spec: dict) -> str | None:
    rc = spec.get("runtimeClassName")
    if rc and not get_obj(store, "RuntimeClass", "", rc):
        return f'pod rejected: RuntimeClass "{rc}" not found'
    return None


def reconcile_workloads(store: dict, cluster: list[tuple[dict, dict | None]]) -> None:
    for ds in objects(store, "DaemonSet"):
        template_spec = ds["spec"]["template"].get("spec") or {}
        # One pod per registered node the template matches, bound to it (the DaemonSet controller's
        # node affinity on the node's name).
        want = [n["metadata"]["name"] for _, n in cluster if n and matches_node(template_spec, n)]
        h = template_hash(ds)
        for pod in owned_pods(store, ds):
            if pod["spec"].get("nodeName") not in want or pod["metadata"]["labels"].get("controller-revision-hash") != h:
                delete_pod(store, pod)
        for name in want:
            if any(p["spec"].get("nodeName") == name for p in owned_pods(store, ds)):
                continue
            problem = runtime_class_missing(store, template_spec)
            if problem:
                add_event(store, ds, "FailedCreate", f'Error creating: pods "{ds["metadata"]["name"]}-" is forbidden: {problem}', "Warning")
                break
            pod = create_pod(store, ds, ds["spec"]["template"], f"{ds['metadata']['name']}-{rand5()}")
            pod["metadata"]["labels"]["controller-revision-hash"] = h
            pod["spec"]["nodeName"] = name
        pods = owned_pods(store, ds)
        ready = sum(1 for p in pods if pod_ready(p))
        ds["status"] = {"desiredNumberScheduled": len(want), "currentNumberScheduled": len(pods), "numberReady": ready,
                        "numberAvailable": ready, "updatedNumberScheduled": len(pods), "numberMisscheduled": 0,
                        "observedGeneration": ds["metadata"]["generation"]}
    for deploy in objects(store, "Deployment"):
        h = template_hash(deploy)
        for pod in owned_pods(store, deploy):
            if pod["metadata"]["labels"].get("pod-template-hash") != h:
                delete_pod(store, pod)
        replicas = int(deploy["spec"].get("replicas", 1))
        pods = owned_pods(store, deploy)
        for _ in range(replicas - len(pods)):
            problem = runtime_class_missing(store, deploy["spec"]["template"].get("spec") or {})
            if problem:
                add_event(store, deploy, "FailedCreate", f"Error creating: {problem}", "Warning")
                break
            pod = create_pod(store, deploy, deploy["spec"]["template"], f"{deploy['metadata']['name']}-{h[:9]}-{rand5()}")
            pod["metadata"]["labels"]["pod-template-hash"] = h
        for pod in owned_pods(store, deploy)[replicas:]:
            delete_pod(store, pod)
        pods = owned_pods(store, deploy)
        ready = sum(1 for p in pods if pod_ready(p))
        deploy["status"] = {"replicas": len(pods), "updatedReplicas": len(pods), "readyReplicas": ready, "availableReplicas": ready,
                            "observedGeneration": deploy["metadata"]["generation"],
                            "conditions": [{"type": "Available", "status": "True" if ready >= replicas else "False",
                                            "reason": "MinimumReplicasAvailable" if ready >= replicas else "MinimumReplicasUnavailable"},
                                           {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"}]}
    for job in objects(store, "Job"):
        status = job.setdefault("status", {})
        if any(c["type"] in ("Complete", "Failed") for c in status.get("conditions", [])):
            continue
        if job["spec"].get("completionMode") == "Indexed":
            reconcile_indexed_job(store, job)
            continue
        pods = owned_pods(store, job)
        succeeded = sum(1 for p in pods if p["status"].get("phase") == "Succeeded")
        failed = sum(1 for p in pods if p["status"].get("phase") == "Failed")
        active = len(pods) - succeeded - failed
        status.update({"active": active, "succeeded": succeeded, "failed": failed})
        status.setdefault("startTime", iso(time.time()))
        completions = int(job["spec"].get("completions", 1))
        if succeeded >= completions:
            status["conditions"] = [{"type": "Complete", "status": "True"}]
            status["completionTime"] = iso(time.time())
            status["active"] = 0
        elif failed > int(job["spec"].get("backoffLimit", 6)):
            status["conditions"] = [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                                     "message": "Job has reached the specified backoff limit"}]
            status["active"] = 0
            for p in pods:
                if p["status"].get("phase") not in ("Succeeded", "Failed"):
                    delete_pod(store, p)
        elif active == 0:
            problem = runtime_class_missing(store, job["spec"]["template"].get("spec") or {})
            if problem:
                add_event(store, job, "FailedCreate", f"Error creating: {problem}", "Warning")
            else:
                pod = create_pod(store, job, job["spec"]["template"], f"{job['metadata']['name']}-{rand5()}")
                pod["metadata"]["labels"].update({"job-name": job["metadata"]["name"], "batch.kubernetes.io/job-name": job["metadata"]["name"]})
                pod["spec"]["restartPolicy"] = job["spec"]["template"].get("spec", {}).get("restartPolicy", "Never")


INDEX_KEY = "batch.kubernetes.io/job-completion-index"


def completion_index(pod: dict) -> int:
    return int((pod["metadata"].get("annotations") or {}).get(INDEX_KEY, "-1"))


def reconcile_indexed_job(store: dict, job: dict) -> None:
    """An Indexed Job, as the Job controller runs one: `completions` indexes, at most `parallelism`
    pods at once, each pod carrying its index (annotation and label batch.kubernetes.io/job-completion-index,
    env JOB_COMPLETION_INDEX) and the hostname <job>-<index>, so with spec.subdomain naming a
    headless Service it is reachable as <job>-<index>.<subdomain>.<namespace>.svc.cluster.local.
    Complete when every index has a pod that succeeded; Failed past backoffLimit failed pods."""
    status, spec = job["status"], job["spec"]
    name = job["metadata"]["name"]
    completions = int(spec.get("completions", 1))
    parallelism = int(spec.get("parallelism", 1))
    pods = owned_pods(store, job)
    done = sorted({completion_index(p) for p in pods if p["status"].get("phase") == "Succeeded"})
    failed = sum(1 for p in pods if p["status"].get("phase") == "Failed")
    active = [p for p in pods if p["status"].get("phase") not in ("Succeeded", "Failed")]
    status.update({"active": len(active), "succeeded": len(done), "failed": failed,
                   "completedIndexes": ",".join(str(i) for i in done)})
    status.setdefault("startTime", iso(time.time()))
    if len(done) >= completions:
        status.update({"conditions": [{"type": "Complete", "status": "True"}], "completionTime": iso(time.time()), "active": 0})
        return
    if failed > int(spec.get("backoffLimit", 6)):
        status.update({"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
                                       "message": "Job has reached the specified backoff limit"}], "active": 0})
        for p in active:
            delete_pod(store, p)
        return
    problem = runtime_class_missing(store, spec["template"].get("spec") or {})
    if problem:
        add_event(store, job, "FailedCreate", f"Error creating: {problem}", "Warning")
        return
    running = {completion_index(p) for p in active}
    missing = [i for i in range(completions) if i not in done and i not in running]
    for i in missing[: max(0, parallelism - len(active))]:
        pod = create_pod(store, job, spec["template"], f"{name}-{i}-{rand5()}")
        pod["metadata"]["labels"].update({"job-name": name, "batch.kubernetes.io/job-name": name, INDEX_KEY: str(i)})
        pod["metadata"]["annotations"][INDEX_KEY] = str(i)
        pod["spec"]["restartPolicy"] = spec["template"].get("spec", {}).get("restartPolicy", "Never")
        pod["spec"].setdefault("hostname", f"{name}-{i}")
        for c in pod["spec"].get("containers") or []:
            c.setdefault("env", []).append({"name": "JOB_COMPLETION_INDEX", "value": str(i)})


def cluster_dns_dir() -> str:
    """Where the stand-in's cluster DNS keeps its pod records (also read by images/cluster-net):
    in the cluster's state, so a pod on any node resolves a pod on any other."""
    return os.environ.get("STANDIN_CLUSTER_DNS") or os.path.join(cluster_state(), "cluster-dns")


def pod_dns_name(store: dict, pod: dict) -> str | None:
    """<hostname>.<subdomain>.<namespace> for a pod whose subdomain names a headless Service of its
    namespace (the name the cluster DNS gives it, under .svc.cluster.local), else None."""
    spec, ns = pod["spec"], pod["metadata"]["namespace"]
    sub = spec.get("subdomain")
    service = get_obj(store, "Service", ns, sub) if sub else None
    if not service or (service.get("spec") or {}).get("clusterIP") != "None":
        return None
    return f"{spec.get('hostname') or pod['metadata']['name']}.{sub}.{ns}"


def free_loopback_port() -> int:
    """A loopback port free now, below Linux's ephemeral range (32768-60999), so no connection's
    own end takes it before the pod binds it."""
    import random
    import socket

    for _ in range(200):
        port = random.randrange(20000, 32000)
        try:
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return port
    die("stand-in: no free loopback port for the pod's DNS record")
    return 0


def publish_pod_dns(store: dict, pod: dict) -> None:
    """The pod's DNS record once its container runs: the name maps to this machine's loopback
    (images/cluster-net resolves it), as CoreDNS answers with the pod's IP. Each containerPort the
    pod declares gets a loopback port of its own, free when the record is made (`ports`, container
    port -> port here: every stand-in pod shares this machine's ports); any other port is shifted
    by the port offset of the pod's instance, as for Services."""
    name = pod_dns_name(store, pod)
    if name:
        declared = {str(p["containerPort"]) for c in pod["spec"].get("containers") or [] for p in c.get("ports") or [] if p.get("containerPort")}
        os.makedirs(cluster_dns_dir(), exist_ok=True)
        write_json(os.path.join(cluster_dns_dir(), name), {"address": "127.0.0.1", "portOffset": port_offset(),
                                                           "ports": {p: free_loopback_port() for p in sorted(declared)},
                                                           "pod": pod["metadata"]["uid"]})


def unpublish_pod_dns(pod: dict) -> None:
    spec = pod["spec"]
    if not spec.get("subdomain"):
        return
    path = os.path.join(cluster_dns_dir(), f"{spec.get('hostname') or pod['metadata']['name']}.{spec['subdomain']}.{pod['metadata']['namespace']}")
    if read_json(path, {}).get("pod") == pod["metadata"]["uid"]:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def pod_ready(pod: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in pod.get("status", {}).get("conditions", []))


def pod_dir(pod: dict) -> str:
    return os.path.join(PODS_DIR, f"{pod['metadata']['namespace']}_{pod['metadata']['name']}_{pod['metadata']['uid'][:8]}")


def materialize_volumes(store: dict, pod: dict) -> dict:
    """Volume name -> local folder."""
    import base64

    ns = pod["metadata"]["namespace"]
    out = {}
    for vol in pod["spec"].get("volumes") or []:
        name = vol["name"]
        local = os.path.join(pod_dir(pod), "volumes", name)
        if "hostPath" in vol:
            local = ROOT + vol["hostPath"]["path"]
            os.makedirs(local, exist_ok=True)
        elif "persistentVolumeClaim" in vol:
            local = os.path.join(STATE, "pvc", ns, vol["persistentVolumeClaim"]["claimName"])
            os.makedirs(local, exist_ok=True)
        elif "configMap" in vol or "secret" in vol:
            src_kind = "ConfigMap" if "configMap" in vol else "Secret"
            src = vol.get("configMap") or vol.get("secret")
            src_name = src.get("name") or src.get("secretName")
            obj = get_obj(store, src_kind, ns, src_name) or {}
            data = dict(obj.get("data") or {})
            if src_kind == "Secret":
                data = {k: base64.b64decode(v).decode() for k, v in data.items()}
                data.update(obj.get("stringData") or {})
            items = src.get("items") or [{"key": k, "path": k} for k in data]
            os.makedirs(local, exist_ok=True)
            for item in items:
                path = os.path.join(local, item["path"])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(data.get(item["key"], ""))
        else:
            os.makedirs(local, exist_ok=True)
        out[name] = local
    return out


def container_env(store: dict, pod: dict, container: dict) -> dict:
    import base64

    env = {}
    ns = pod["metadata"]["namespace"]
    for src in container.get("envFrom") or []:
        ref = src.get("configMapRef") or src.get("secretRef") or {}
        obj = get_obj(store, "ConfigMap" if "configMapRef" in src else "Secret", ns, ref.get("name", "")) or {}
        env.update(obj.get("data") or {})
    for e in container.get("env") or []:
        if "value" in e:
            env[e["name"]] = str(e["value"])
        elif "valueFrom" in e:
            vf = e["valueFrom"]
            if "fieldRef" in vf:
                path = vf["fieldRef"]["fieldPath"]
                env[e["name"]] = {"metadata.name": pod["metadata"]["name"], "metadata.namespace": ns,
                                  "spec.nodeName": pod["spec"].get("nodeName", ""), "status.podIP": "127.0.0.1",
                                  "status.hostIP": (entry_of(pod["spec"].get("nodeName")) or {}).get("ip", "")}.get(path, "")
            elif "configMapKeyRef" in vf or "secretKeyRef" in vf:
                ref = vf.get("configMapKeyRef") or vf.get("secretKeyRef")
                obj = get_obj(store, "ConfigMap" if "configMapKeyRef" in vf else "Secret", ns, ref["name"]) or {}
                value = (obj.get("data") or {}).get(ref["key"], "")
                env[e["name"]] = base64.b64decode(value).decode() if "secretKeyRef" in vf and value else value
    return env


def start_container(store: dict, pod: dict, container: dict, restart: int, entry: dict) -> dict:
    """Starts a container of the pod on its node (call as that node): in that node's sandbox,
    with that node's environment (this process's own when it runs on the node)."""
    import subprocess

    port_offset()  # fixed before any server binds, so handlers and probes agree on it
    sim = pod["_sim"]
    volumes = sim.setdefault("volumes", None) or materialize_volumes(store, pod)
    sim["volumes"] = volumes
    mounts = {}
    for m in container.get("volumeMounts") or []:
        local = volumes.get(m["name"])
        if local:
            mounts[m["mountPath"]] = os.path.join(local, m["subPath"]) if m.get("subPath") else local
    env = container_env(store, pod, container)
    runtime = pod["spec"].get("runtimeClassName")
    gpu = runtime == "nvidia"
    if gpu and "NVIDIA_VISIBLE_DEVICES" not in env:
        # The device plugin sets the allocated GPUs; without a GPU limit, CUDA images default to all.
        env["NVIDIA_VISIBLE_DEVICES"] = ",".join(sim.get("gpus") or []) or "all"
    cdir = os.path.join(pod_dir(pod), container["name"])
    os.makedirs(cdir, exist_ok=True)
    spec = {
        "image": container["image"], "command": container.get("command") or [], "args": container.get("args") or [],
        "env": env, "workingDir": container.get("workingDir"), "mounts": mounts,
        "ports": container.get("ports") or [], "resources": container.get("resources") or {},
        "pod": pod["metadata"]["name"], "namespace": pod["metadata"]["namespace"], "container": container["name"],
        "nvidiaRuntime": gpu, "gpus": sim.get("gpus") or [], "devices": sim.get("devices") or {},
        "scratch": os.path.join(cdir, "scratch"),
        "hostname": pod["spec"].get("hostname") or pod["metadata"]["name"],
    }
    publish_pod_dns(store, pod)
    spec_path = os.path.join(cdir, "spec.json")
    write_json(spec_path, spec)
    log = os.path.join(cdir, f"{restart}.log")
    exit_file = os.path.join(cdir, f"{restart}.exit")
    server = pod["spec"].get("restartPolicy", "Always") == "Always"
    cmd = [RUN_CONTAINER] + (["--server"] if server else []) + [spec_path]
    node_env = os.environ if ROOT == HOME_ROOT else entry["env"]
    proc_env = {k: v for k, v in node_env.items() if k.startswith("STUB_") or k in ("GPU_BENCH_ROOT", "STANDIN_SANDBOX", "TMPDIR", "LANG")}
    proc_env["PATH"] = node_env.get("PATH", "/usr/bin:/bin")
    proc_env["STANDIN_CLUSTER_DNS"] = cluster_dns_dir()
    proc_env["STANDIN_PORT_OFFSET"] = str(port_offset())
    # The runtime's start time of the container (its state.running.startedAt): handlers count their
    # simulated start-up from here, so their own process start-up on this machine is part of it.
    proc_env["STANDIN_STARTED_AT"] = f"{time.time():.6f}"
    p = subprocess.Popen(["bash", "-c", 'exec </dev/null; "$@" >"$LOG_FILE" 2>&1; echo $? >"$EXIT_FILE"', "run", *cmd],
                         env={**proc_env, "LOG_FILE": log, "EXIT_FILE": exit_file}, start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.makedirs(os.path.join(STATE, "procs"), exist_ok=True)
    with open(os.path.join(STATE, "procs", str(p.pid)), "w") as f:
        f.write(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}/{container['name']}\n")
    return {"pid": p.pid, "log": log, "exit": exit_file, "startedAt": time.time(), "restart": restart,
            "id": container_id(pod, container["name"], restart), "boot": current_boot()}


def main_pid(wrapper: int) -> int:
    """The container's main process: the child of the wrapper shell that records its exit code."""
    try:
        with open(f"/proc/{wrapper}/task/{wrapper}/children") as f:
            children = f.read().split()
        return int(children[0]) if children else wrapper
    except OSError:
        return wrapper


def container_id(pod: dict, name: str, restart: int) -> str:
    return hashlib.sha256(f"{pod['metadata']['uid']}/{name}/{restart}".encode()).hexdigest()


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.time() + 2
    while time.time() < deadline:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            break
        time.sleep(0.02)
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(FileNotFoundError):
        os.remove(os.path.join(STATE, "procs", str(pid)))


def delete_pod(store: dict, pod: dict) -> None:
    unpublish_pod_dns(pod)
    entry = entry_of(pod["spec"].get("nodeName"))
    with on_node(entry["root"] if entry else ROOT):
        for run in (pod.get("_sim") or {}).get("runs", {}).values():
            if run and not os.path.exists(run["exit"]):
                kill_group(run["pid"])
    store["objects"].pop(key("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"]), None)


# Container ports the stand-in's images listen on (Ray's GCS, vLLM's API): each instance's offset
# must leave both free, below the ephemeral range.
SERVICE_PORTS = (6379, 8000)
# Offsets put those ports in 7379-18990; pods' own loopback ports (free_loopback_port) lie above.
PORT_OFFSETS = range(1000, 11000, 10)
# Machine-wide, not under TMPDIR: every sandbox has a TMPDIR of its own.
PORT_OFFSET_REGISTRY = "/tmp/gpu-bench-stand-in-port-offsets"


def port_offset() -> int:
    """Every stand-in instance shares this machine's loopback: its container ports are shifted by
    an offset of its own, chosen once and kept in its state. The offset is reserved machine-wide
    (PORT_OFFSET_REGISTRY: one file per offset, naming the state that holds it; a reservation
    whose state folder is gone, its stand-in closed, is free again), so two instances, even of
    stand-ins in other processes, never share a port, and every shifted port lies below Linux's
    ephemeral range (32768-60999), so no connection's own end takes it before a server binds it.
    The nodes of one cluster share the server's offset: a pod reaches a Service's pod on any node
    at the container port plus that offset, as kube-proxy routes it on a real cluster."""
    path = os.path.join(cluster_state(), "port-offset")
    try:
        with open(path) as f:
            return int(f.read())
    except (OSError, ValueError):
        pass
    import random
    import socket

    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.makedirs(PORT_OFFSET_REGISTRY, exist_ok=True)
    with open(os.path.join(PORT_OFFSET_REGISTRY, ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with contextlib.suppress(OSError, ValueError), open(path) as f:
            return int(f.read())  # chosen meanwhile by another node of the cluster
        for offset in random.sample(PORT_OFFSETS, len(PORT_OFFSETS)):
            reservation = os.path.join(PORT_OFFSET_REGISTRY, str(offset))
            try:
                with open(reservation) as f:
                    holder = f.read()
                if os.path.isdir(os.path.dirname(holder)):
                    continue
            except OSError:
                pass
            try:
                for port in SERVICE_PORTS:
                    with socket.socket() as s:
                        s.bind(("127.0.0.1", port + offset))
            except OSError:
                continue
            with open(reservation, "w") as f:
                f.write(path)
            with open(path, "w") as f:
                f.write(str(offset))
            return offset
    die(f"stand-in: no free port offset: every one in {PORT_OFFSET_REGISTRY} is held or its ports are taken")
    return 0


def probe_ok(container: dict) -> bool:
    probe = container.get("readinessProbe")
    if not probe:
        return True
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
    import socket
    import urllib.request

    try:
        if "httpGet" in probe:
            port = probe["httpGet"]["port"]
            port = int(ports.get(port, port)) + port_offset()
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{probe['httpGet'].get('path', '/')}", timeout=0.5) as r:
                return 200 <= r.status < 400
        if "tcpSocket" in probe:
            port = probe["tcpSocket"]["port"]
            with socket.create_connection(("127.0.0.1", int(ports.get(port, port)) + port_offset()), timeout=0.5):
                return True
    except Exception:
        return False
    return True


def reconcile_pod(store: dict, pod: dict, cluster: list[tuple[dict, dict | None]]) -> None:
    """The scheduler binds the pod to a node; that node's kubelet (run as that node) does the rest."""
    spec, status = pod["spec"], pod["status"]
    sim = pod.setdefault("_sim", {"runs": {}, "restarts": {}})
    if status.get("phase") in ("Succeeded", "Failed"):
        return
    if "scheduledAt" not in sim:
        chosen, given, why = schedule(store, pod, cluster)
        if why:
            status.update({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": why}]})
            add_event(store, pod, "FailedScheduling", why, "Warning")
            return
        sim["gpus"] = given.get("nvidia.com/gpu", [])
        sim["devices"] = {r: ids for r, ids in given.items() if r != "nvidia.com/gpu" and ids}
        sim["scheduledAt"] = time.time()
        spec["nodeName"] = chosen["metadata"]["name"]
        add_event(store, pod, "Scheduled", f"Successfully assigned {pod['metadata']['namespace']}/{pod['metadata']['name']} to {spec['nodeName']}")
    index, entry, node = next(((i, e, n) for i, (e, n) in enumerate(cluster) if e["name"] == spec["nodeName"]), (0, None, None))
    if entry is None:
        return  # its node left the cluster: nothing runs it
    with on_node(entry["root"]):
        kubelet(store, pod, node, entry, index)


def kubelet(store: dict, pod: dict, node: dict | None, entry: dict, index: int) -> None:
    """The pod's node's kubelet: sandbox, image pulls, containers, probes, restarts, status."""
    now = time.time()
    spec, status, sim = pod["spec"], pod["status"], pod["_sim"]
    containers = spec.get("containers") or []
    conditions = {"PodScheduled": "False", "Initialized": "True", "ContainersReady": "False", "Ready": "False"}
    conditions["PodScheduled"] = "True"
    statuses = []
    runtime = spec.get("runtimeClassName")
    k3s_state = k3s() or {}
    sandbox_error = None
    if runtime:
        rc = get_obj(store, "RuntimeClass", "", runtime)
        handler = (rc or {}).get("handler", runtime)
        if handler not in k3s_state.get("runtimes", ["runc"]):
            sandbox_error = f'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "{handler}" is configured'
    if sandbox_error:
        add_event(store, pod, "FailedCreatePodSandBox", sandbox_error, "Warning")
        for c in containers:
            statuses.append({"name": c["name"], "image": c["image"], "ready": False, "restartCount": 0, "started": False,
                             "state": {"waiting": {"reason": "ContainerCreating"}}})
        status.update({"phase": "Pending", "containerStatuses": statuses, "conditions": [{"type": t, "status": s} for t, s in conditions.items()]})
        return
    # Images: start (or join) pulls; the containers start once every image is there.
    images_ready_at = sim["scheduledAt"]
    pull_error = None
    for c in containers:
        record = image(c["image"])
        # A pull that failed before this pod was scheduled is tried once more for it.
        if not record or (record.get("failed") and record["pullStartedAt"] < sim["scheduledAt"]):
            add_event(store, pod, "Pulling", f'Pulling image "{c["image"]}"')
            record = begin_pull(c["image"])
        if record.get("failed") and now >= record["pullEndsAt"]:
            pull_error = (c["name"], c["image"], record["failed"])
        images_ready_at = max(images_ready_at, record["pullEndsAt"])
    start_at = max(images_ready_at, sim["scheduledAt"]) + knob("STUB_POD_START_SECONDS", 1)
    if "startAt" not in sim and not pull_error and now >= images_ready_at:
        sim["startAt"] = start_at
        event("pod-start", max(images_ready_at, sim["scheduledAt"]), start_at, pod=pod["metadata"]["name"])
    all_done, any_failed, all_ready = True, False, True
    for c in containers:
        name = c["name"]
        restarts = sim["restarts"].get(name, 0)
        run = sim["runs"].get(name)
        st = {"name": name, "image": c["image"], "ready": False, "restartCount": restarts, "started": False}
        if pull_error and pull_error[0] == name:
            reason = "ImagePullBackOff" if now - image(c["image"])["pullEndsAt"] > 1 * SCALE else "ErrImagePull"
            st["state"] = {"waiting": {"reason": reason, "message": f'Failed to pull image "{c["image"]}": {pull_error[2]}'}}
            add_event(store, pod, "Failed", f'Failed to pull image "{c["image"]}": {pull_error[2]}', "Warning")
            all_done = all_ready = False
            statuses.append(st)
            continue
        if run is not None and not os.path.exists(run["exit"]) and run.get("boot", "") != current_boot():
            # The node rebooted under it: the process is gone without an exit code; the kubelet
            # reports it terminated with reason Unknown, exit code 255 (no crash-loop back-off).
            with open(run["exit"], "w") as f:
                f.write("255\n")
            run["lostToReboot"] = True
        # The kubelet starts containers only while the node is Ready (after a reboot: once k3s is back).
        if run is None and "startAt" in sim and node_ready(node) and now >= max(sim["startAt"], sim.get("nextStart", {}).get(name, 0)):
            run = start_container(store, pod, c, restarts, entry)
            sim["runs"][name] = run
            add_event(store, pod, "Started", f"Started container {name}")
        if run is None:
            reason = "CrashLoopBackOff" if restarts else "ContainerCreating"
            st["state"] = {"waiting": {"reason": reason}}
            if restarts and sim.get("last", {}).get(name):
                st["lastState"] = {"terminated": sim["last"][name]}
            all_done = all_ready = False
        elif os.path.exists(run["exit"]):
            with open(run["exit"]) as f:
                text = f.read().strip()
            code = int(text) if text.lstrip("-").isdigit() else 1
            ended = os.path.getmtime(run["exit"])
            reason = "Unknown" if run.get("lostToReboot") else "Completed" if code == 0 else "Error"
            term = {"exitCode": code, "reason": reason, "startedAt": iso(run["startedAt"]), "finishedAt": iso(ended)}
            event("container-run", run["startedAt"], ended, pod=pod["metadata"]["name"], container=name, exitCode=code)
            policy = spec.get("restartPolicy", "Always")
            if policy == "Always" or (policy == "OnFailure" and code != 0):
                sim["restarts"][name] = restarts + 1
                sim.setdefault("last", {})[name] = term
                sim.setdefault("nextStart", {})[name] = now if run.get("lostToReboot") else now + min(10 * 2 ** restarts, 300) * SCALE
                sim["runs"][name] = None
                sim.setdefault("previousLogs", {})[name] = run["log"]
                st["restartCount"] = restarts + 1
                st["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                           "message": f"back-off restarting failed container {name} in pod {pod['metadata']['name']}"}}
                st["lastState"] = {"terminated": term}
                add_event(store, pod, "BackOff", f"Back-off restarting failed container {name} in pod {pod['metadata']['name']}", "Warning")
                all_done = all_ready = False
            else:
                st["state"] = {"terminated": term}
                any_failed |= code != 0
                all_ready = False
        else:
            st["started"] = True
            st["containerID"] = "containerd://" + run.get("id", container_id(pod, name, restarts))
            st["state"] = {"running": {"startedAt": iso(run["startedAt"])}}
            if run.get("ready") or probe_ok(c):
                run["ready"] = True
                st["ready"] = True
            else:
                all_ready = False
            all_done = False
            if restarts and sim.get("last", {}).get(name):
                st["lastState"] = {"terminated": sim["last"][name]}
        statuses.append(st)
    if all_done and containers:
        phase = "Failed" if any_failed else "Succeeded"
    elif any(s["state"].get("running") or s["restartCount"] for s in statuses):
        phase = "Running"
    else:
        phase = "Pending"
    conditions["ContainersReady"] = conditions["Ready"] = "True" if all_ready and phase == "Running" else "False"
    status.update({"phase": phase, "containerStatuses": statuses, "hostIP": entry["ip"], "podIP": pod_ip(pod, index),
                   "conditions": transitions(sim, conditions, now)})
    if "startAt" in sim:
        status["startTime"] = iso(sim["scheduledAt"])


def transitions(sim: dict, conditions: dict, now: float) -> list[dict]:
    """Pod conditions with lastTransitionTime, as the API server keeps them: the time a condition
    last changed status (PodScheduled: when the pod was bound to the node)."""
    seen = sim.setdefault("conditionTimes", {})
    out = []
    for t, s in conditions.items():
        previous = seen.get(t)
        if previous is None or previous[0] != s:
            at = sim["scheduledAt"] if t == "PodScheduled" and s == "True" and "scheduledAt" in sim else now
            seen[t] = previous = [s, at]
        out.append({"type": t, "status": s, "lastTransitionTime": iso(previous[1])})
    return out


def pod_ip(pod: dict, index: int) -> str:
    """Node k's pods are in 10.42.k.0/24, as flannel gives each node a /24 of the cluster CIDR;
    the single node's pod keeps 10.42.0.10."""
    host = 10 if index == 0 else 2 + int(pod["metadata"]["uid"][:4], 16) % 250
    return f"10.42.{index}.{host}"


def reconcile(store: dict) -> list[tuple[dict, dict | None]]:
    """Brings the cluster up to now: controllers, scheduler, every node's kubelet. Returns the
    registered nodes with their Node objects."""
    cluster = members(store)
    reconcile_workloads(store, cluster)
    for pod in objects(store, "Pod"):
        reconcile_pod(store, pod, cluster)
    reconcile_workloads(store, cluster)
    return cluster


@contextlib.contextmanager
def world():
    """The store, brought up to now, saved on exit; one kubectl/crictl call at a time."""
    with cluster_locked():
        store = load_store()
        reconcile(store)
        yield store
        save_store(store)


def public(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "k3s-server":
        sys.exit(k3s_server(sys.argv[2], sys.argv[3:]))
    if len(sys.argv) >= 3 and sys.argv[1] == "k3s-agent":
        sys.exit(k3s_agent(sys.argv[2], sys.argv[3:]))
    die("usage: standin.py k3s-server|k3s-agent VERSION [ARGS...]")
