#!/usr/bin/env bash
# Handler for the vllm/vllm-openai images (see README.md). Two programs of the real image are emulated:
#   vllm serve MODEL [--port P] …   a tiny OpenAI-compatible server on 127.0.0.1:P (default 8000):
#                                   /health, /v1/models and a deterministic /v1/completions
#   vllm bench serve …              checks the server answers (as the real client's test prompt
#                                   does), then writes a result file in the pinned vLLM's format
#                                   (test/fixtures/vllm/vllm-bench-serve-v0.11.json) to
#                                   --result-dir/--result-filename, its numbers a deterministic
#                                   function of --request-rate, --num-prompts and the lengths
#   vllm serve … --tensor-parallel-size T --pipeline-parallel-size P [--distributed-executor-backend ray]
#                                   with T x P > 1: waits for T x P GPUs in the running Ray cluster as
#                                   vLLM's placement group does (place_workers below)
#   ray start|status|stop           a Ray cluster across stand-in instances (emulated/standin_ray.py)
# A shell command (the benchmark Job's `/bin/sh -c SCRIPT`) runs for real with these fake `vllm` and
# `ray` first on PATH; arguments alone run the image's entrypoint, `vllm serve`.
# Knobs: STUB_VLLM_SERVER=crash              the server exits at start (bad model, bf16 on a T4, …)
#        STUB_VLLM_STARTUP_SECONDS=0         the server answers only after this long (download, load)
#                                            from its container's start, at STUB_LATENCY_SCALE=1
#        STUB_VLLM_CAPACITY=40               requests/s the fake server saturates at
#        STUB_VLLM_BENCH_FAIL_RATES="16 inf" vllm bench serve fails at these request rates
#        STUB_VLLM_BENCH_TIME_SCALE          vllm bench serve takes the duration it reports times this
#                                            (default STUB_LATENCY_SCALE): 1 makes the GPU telemetry's
#                                            timed window as long as the reported duration, so energy
#                                            per token = power x duration / tokens holds (the demo)
#        STUB_VLLM_PG_TIMEOUT_SECONDS=1800   vLLM's PG_WAIT_TIMEOUT for a Ray placement group (x STUB_LATENCY_SCALE)
#        STUB_VLLM_TTFT_MS=40 STUB_VLLM_TPOT_MS=4  the server's time to first token and per output token,
#                                            stretched by default/current GPU power limit (nvidia-smi -pl)
# Other pods' compute processes on its GPU (a gpu-contention pod) time-slice with it, and stress-ng
# CPU hogs (stress-ng.sh) slow it, see contention() below.
# `python3 …/gpu-burn.py` runs the stand-in's emulation of the gpu-contention process (emulated/gpu-burn.sh).
# A pod's netem qdisc (tc stub, through nsenter) delays the server's answers (delay, jitter), and lost
# segments cost a 1 s retransmission timeout each (100% loss: no answer at all).
# `python3 …` runs the real python with the stand-in's cluster network (cluster-net/sitecustomize.py):
# Service names resolve to where their pods listen here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fixture="$here/../../test/fixtures/vllm/vllm-bench-serve-v0.11.json"

# Called as the fake `vllm` program itself (see PATH below).
if [[ "${VLLM_STANDIN_AS_VLLM:-}" == 1 ]]; then
  PYTHONPYCACHEPREFIX="${TMPDIR:-/tmp}/stand-in-pycache" PYTHONPATH="$here/emulated:$here/pid-files:$here/cluster-net${PYTHONPATH:+:$PYTHONPATH}" \
    exec /usr/bin/python3 - "$fixture" "$@" <<'PY'
import json, math, os, sys, time, urllib.parse, urllib.request

fixture, argv = sys.argv[1], sys.argv[2:]

def flags(args):
    out, positional, i = {}, [], 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            if eq:
                out[name] = [value]
            else:
                values = []
                while i + 1 < len(args) and not args[i + 1].startswith("--"):
                    i += 1
                    values.append(args[i])
                out[name] = values
        else:
            positional.append(a)
        i += 1
    return out, positional

def port_offset():
    # The instance's own shift of container ports on this machine's loopback (README.md).
    return int(os.environ.get("STANDIN_PORT_OFFSET", "0"))

def one(f, name, default=None):
    v = f.get(name)
    return v[0] if v else default

if argv[:2] == ["bench", "serve"]:
    f, _ = flags(argv[2:])
    base = one(f, "base-url", "http://127.0.0.1:8000")
    port = (urllib.parse.urlparse(base).port or 8000) + port_offset()
    # The real client sends one test prompt first and gives up when the server does not answer.
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as r:
            served = json.load(r)["data"][0]["id"]
    except Exception as e:  # noqa: BLE001
        sys.exit(f"ValueError: Initial test run failed - Please make sure benchmark arguments are correctly specified. Error: {e}")
    model = one(f, "model", served)
    rate_text = one(f, "request-rate", "inf")
    fail = os.environ.get("STUB_VLLM_BENCH_FAIL_RATES", "").split()
    if rate_text in fail or (rate_text != "inf" and str(float(rate_text)).rstrip("0").rstrip(".") in fail):
        sys.exit(f"RuntimeError: stand-in: the benchmark at request rate {rate_text} failed (STUB_VLLM_BENCH_FAIL_RATES)")
    n = int(one(f, "num-prompts", "1000"))
    inp = int(one(f, "random-input-len", "1024"))
    out = int(one(f, "random-output-len", "128"))
    capacity = float(os.environ.get("STUB_VLLM_CAPACITY", "40"))
    rate = math.inf if rate_text == "inf" else float(rate_text)
    rho = 0.97 if rate == math.inf else min(rate / capacity, 0.97)
    served_rate = capacity * 0.97 if rate == math.inf else min(rate, capacity) * 0.98
    duration = n / served_rate
    # The benchmark takes its time (scaled as every stand-in latency is): the job's timed window
    # around it is what the GPU telemetry integrates energy over.
    time.sleep(duration * float(os.environ.get("STUB_VLLM_BENCH_TIME_SCALE", os.environ.get("STUB_LATENCY_SCALE", "1"))))
    result = json.load(open(fixture))
    result.update({
        "date": time.strftime("%Y%m%d-%H%M%S", time.gmtime(1760000000)),
        "model_id": model, "tokenizer_id": model, "num_prompts": n,
        "request_rate": "inf" if rate == math.inf else rate,
        "max_concurrency": int(one(f, "max-concurrency")) if one(f, "max-concurrency") else None,
        "duration": duration, "completed": n,
        "total_input_tokens": n * inp, "total_output_tokens": n * out,
        "request_throughput": n / duration, "output_throughput": n * out / duration,
        "total_token_throughput": n * (inp + out) / duration,
        "max_output_tokens_per_s": 1.3 * n * out / duration, "max_concurrent_requests": int(1 + rho * 30),
    })
    # The fixture was recorded at 16 req/s against a capacity of 40 (load 0.4); latencies grow with
    # load, TTFT the most (queueing before the first token).
    def factor(metric, load):
        return 1 + 3 * load / (1 - load) if metric == "ttft" else 1 + load
    for m in ("ttft", "tpot", "itl"):
        ratio = factor(m, rho) / factor(m, 0.4)
        for stat in ("mean", "median", "std", "p50", "p90", "p99"):
            k = f"{stat}_{m}_ms"
            if k in result:
                result[k] = round(result[k] * ratio, 4)
    for stat in ("mean", "median", "std", "p50", "p90", "p99"):
        k = f"{stat}_e2el_ms"
        if k in result:
            result[k] = round(result[f"{stat}_ttft_ms"] + result[f"{stat}_tpot_ms"] * (out - 1), 4)
    slos = dict(s.split(":") for s in f.get("goodput", []))
    good = n
    for name, limit in slos.items():
        p99 = result.get(f"p99_{name}_ms")
        if p99 is not None and p99 > float(limit):
            good = min(good, int(n * float(limit) / p99))
    result["request_goodput"] = good / duration if slos else None
    print(f"Traffic request rate: {rate_text}\n============ Serving Benchmark Result ============")
    print(f"{'Successful requests:':<40} {n:<10}")
    print(f"{'Request throughput (req/s):':<40} {n / duration:<10.2f}")
    if "save-result" in f:
        folder = one(f, "result-dir", ".")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, one(f, "result-filename", "result.json")), "w") as fh:
            json.dump(result, fh)
    sys.exit(0)

def place_workers(tp, pp, backend):
    """What vLLM does with tensor_parallel_size x pipeline_parallel_size > 1 before it loads a model:
    with the multiprocessing backend (the default when this node has the GPUs and pp is 1) every
    worker needs a GPU of this node; with Ray (or without enough local GPUs) it connects to the
    running cluster (ray.init(address="auto"): RAY_ADDRESS or the one `ray start` left) and waits,
    as vllm/executor/ray_utils.py does, for a placement group of tp x pp GPU bundles, logging with
    exponential back-off and failing after PG_WAIT_TIMEOUT (1800 s, scaled; STUB_VLLM_PG_TIMEOUT_SECONDS).
    Once placed, a watchdog ends the server the way vLLM's engine dies when a worker's node leaves
    the cluster (ActorDiedError)."""
    import standin_ray, threading
    world = tp * pp
    local = standin_ray.local_gpus()
    if backend is None:
        backend = "mp" if pp == 1 and world <= local else "ray"
    if backend == "mp":
        if world > local:
            sys.exit(f"ValueError: tensor_parallel_size x pipeline_parallel_size ({tp} x {pp} = {world}) is more than the "
                     f"{local} GPU(s) of this node: use --distributed-executor-backend ray across nodes")
        print(f"INFO Using mp distributed executor: world_size={world} (TP {tp} x PP {pp}) on this node", flush=True)
        return
    if backend != "ray":
        sys.exit(f"ValueError: distributed executor backend '{backend}' is not emulated by the stand-in (mp, ray are)")
    address = standin_ray.current_address()
    if address is None:
        # ray.init() without a cluster starts a local one: this node's GPUs only.
        have, nodes = local, 1
    else:
        nodes, have = standin_ray.alive_gpus(address)
    specs = [{"GPU": 1.0, "node:127.0.0.1": 0.001}] + [{"GPU": 1.0}] * (world - 1)
    limit = float(os.environ.get("STUB_VLLM_PG_TIMEOUT_SECONDS", "1800"))
    scale = float(os.environ.get("STUB_LATENCY_SCALE", "1"))
    start, interval, last_log = time.time(), 10.0, time.time()
    print(f"INFO Connected to Ray cluster at {address or 'a new local instance'}: {nodes} node(s), {have} GPU(s)", flush=True)
    while have < world:
        waited = time.time() - start
        if waited >= limit * scale:
            sys.exit(f"ValueError: Cannot provide a placement group of placement_group_specs={specs} within {limit:.0f} seconds. "
                     "See `ray status` to make sure the cluster has enough resources.")
        if time.time() - last_log >= interval * scale:
            interval, last_log = interval * 2, time.time()
            print(f"INFO Waiting for creating a placement group of specs for {int(waited / scale)} seconds. specs={specs}. "
                  "Check `ray status` to see if you have enough resources, and make sure the IP addresses used by ray cluster "
                  "are the same as VLLM_HOST_IP environment variable specified in each node if you are running on a multi-node.", flush=True)
        time.sleep(0.5)
        if address is not None:
            nodes, have = standin_ray.alive_gpus(address)
    print(f"INFO Using ray distributed executor: world_size={world} (TP {tp} x PP {pp}) on {nodes} node(s) with {have} GPU(s)", flush=True)
    for stage in range(pp):
        print(f"INFO pipeline stage {stage}: ranks {stage * tp}-{stage * tp + tp - 1}", flush=True)
    if address is None:
        return

    def watchdog():
        while True:
            time.sleep(1)
            try:
                _, now = standin_ray.alive_gpus(address)
            except OSError:
                now = 0
            if now < world:
                print(f"ERROR ray.exceptions.ActorDiedError: The actor died unexpectedly before finishing this task: "
                      f"a worker's node left the Ray cluster ({now} of {world} GPUs alive); the engine is dead", flush=True)
                os._exit(1)

    threading.Thread(target=watchdog, daemon=True).start()


if argv[:1] == ["serve"]:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    f, positional = flags(argv[1:])
    model = positional[0] if positional else one(f, "model", "facebook/opt-125m")
    port = int(one(f, "port", "8000")) + port_offset()
    if os.environ.get("STUB_VLLM_SERVER") == "crash":
        print(f"INFO vLLM API server version 0.11.0 (stand-in)\nERROR Engine core initialization failed for {model}", flush=True)
        sys.exit(1)
    print(f"INFO vLLM API server version 0.11.0 (stand-in), model={model}, dtype={one(f, 'dtype', 'auto')}", flush=True)
    tp, pp = int(one(f, "tensor-parallel-size", "1")), int(one(f, "pipeline-parallel-size", "1"))
    world = tp * pp
    if world > 1:
        place_workers(tp, pp, one(f, "distributed-executor-backend"))
    # Counted from the container's start (the runtime's startedAt): this process's own start-up
    # (run-container, the shells, Python) is part of the server's start-up, as it is for the real one.
    startup = float(os.environ.get("STUB_VLLM_STARTUP_SECONDS", "0")) * float(os.environ.get("STUB_LATENCY_SCALE", "1"))
    time.sleep(max(0.0, float(os.environ.get("STANDIN_STARTED_AT") or time.time()) + startup - time.time()))

    import random, subprocess

    ttft_s = float(os.environ.get("STUB_VLLM_TTFT_MS", "40")) / 1000
    tpot_s = float(os.environ.get("STUB_VLLM_TPOT_MS", "4")) / 1000
    root = os.environ.get("GPU_BENCH_ROOT", "")
    default_w = 0.0

    def read_default_limit():
        text = subprocess.run(["nvidia-smi", "-i", "0", "--query-gpu=power.default_limit", "--format=csv,noheader,nounits"],
                                          capture_output=True, text=True, timeout=10).stdout.strip()
        global default_w
        try:
            default_w = float(text)
        except ValueError:  # no GPU figure: power caps do not apply
            pass

    import threading
    threading.Thread(target=read_default_limit, daemon=True).start()
    netem_file = os.path.join(root, "var/lib/stand-in/netem", f"{os.environ.get('STANDIN_NAMESPACE', '')}_{os.environ.get('STANDIN_POD', '')}.json")

    def slowdown():
        # A lower power limit, lower clocks: every step of the engine takes longer.
        try:
            with open(os.path.join(root, "var/lib/stand-in/gpu/0.power-limit")) as fh:
                limit = float(fh.read())
            return max(1.0, default_w / limit) if default_w and limit > 0 else 1.0
        except (OSError, ValueError):
            return 1.0

    def contention():
        # Other pods' processes on the GPU time-slice with this server (n processes: 1/n of the
        # speed each); stress-ng CPU hogs on the node's 8 vCPUs slow its host side (1 + N/8, at most 2x).
        from standin_pid_files import live

        me = os.environ.get("STANDIN_POD", "")
        others = sum(1 for lines in live(os.path.join(root, "var/lib/stand-in/gpu-procs")) if len(lines) > 1 and lines[1] != me)
        cpu = 0
        for lines in live(os.path.join(root, "var/lib/stand-in/stress")):
            for line in lines:
                words = line.split()
                if len(words) >= 2 and words[0] == "cpu" and words[1].isdigit():
                    cpu += int(words[1])
        return (1 + others) * (1 + min(cpu, 8) / 8)

    def network_wait(segments):
        try:
            with open(netem_file) as fh:
                q = json.load(fh)
        except (OSError, ValueError):
            return 0.0
        if q.get("lossPercent", 0) >= 100:
            return 3600.0
        wait = (q.get("delayMs", 0) + random.uniform(-1, 1) * q.get("jitterMs", 0)) / 1000
        lost = sum(1 for _ in range(segments) if random.random() * 100 < q.get("lossPercent", 0))
        return max(0.0, wait) + lost * 1.0

    class Handler(BaseHTTPRequestHandler):
        def reply(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                self.reply(200, {})
            elif self.path == "/v1/models":
                self.reply(200, {"object": "list", "data": [{"id": model, "object": "model", "root": model, "owned_by": "vllm"}]})
            else:
                self.reply(404, {"error": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            request = json.loads(self.rfile.read(length) or b"{}")
            if self.path != "/v1/completions":
                return self.reply(404, {"error": "not found"})
            tokens = int(request.get("max_tokens", 16))
            factor = slowdown() * contention()
            time.sleep(network_wait(2 + tokens // 8))
            if request.get("stream"):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                time.sleep(ttft_s * factor)
                for i in range(tokens):
                    if i:
                        time.sleep(tpot_s * factor)
                    chunk = {"id": "cmpl-standin", "object": "text_completion", "model": model,
                             "choices": [{"index": 0, "text": " token", "finish_reason": "length" if i == tokens - 1 else None}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                return
            time.sleep((ttft_s + tpot_s * max(0, tokens - 1)) * factor)
            self.reply(200, {"id": "cmpl-standin", "object": "text_completion", "model": model,
                             "choices": [{"index": 0, "text": " token" * tokens, "finish_reason": "length"}],
                             "usage": {"prompt_tokens": 8, "completion_tokens": tokens, "total_tokens": 8 + tokens}})

        def log_message(self, *args):
            pass

    print(f"INFO Starting vLLM API server on http://0.0.0.0:{port}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()

sys.exit(f"vllm stand-in: '{' '.join(argv[:2])}' is not emulated")
PY
fi

# A folder with the fake `vllm` first on PATH, for the commands that call it.
bin="${STANDIN_SCRATCH:-${TMPDIR:-/tmp}}/vllm-standin-bin"
mkdir -p "$bin"
printf '#!/usr/bin/env bash\nVLLM_STANDIN_AS_VLLM=1 exec %q "$@"\n' "$here/vllm-openai.sh" >"$bin/vllm"
# The image's `ray` CLI: the stand-in's emulation of a Ray cluster across stand-in nodes (emulated/standin_ray.py).
printf '#!/usr/bin/env bash\nPYTHONPYCACHEPREFIX=%q PYTHONPATH=%q exec /usr/bin/python3 %q "$@"\n' \
  "${TMPDIR:-/tmp}/stand-in-pycache" "$here/cluster-net" "$here/emulated/standin_ray.py" >"$bin/ray"
chmod +x "$bin/vllm" "$bin/ray"
export PATH="$bin:$PATH"

if (($# == 0)); then set -- vllm serve; fi
case ${1##*/} in
  vllm) shift && exec "$bin/vllm" "$@" ;;
  ray) shift && exec "$bin/ray" "$@" ;;
  python | python3 | python3.*)
    shift
    for ((i = 1; i <= $#; i++)); do
      if [[ ${!i##*/} == gpu-burn.py ]]; then exec "$here/emulated/gpu-burn.sh" "${@:i+1}"; fi
    done
    PYTHONPYCACHEPREFIX="${TMPDIR:-/tmp}/stand-in-pycache" PYTHONPATH="$here/cluster-net${PYTHONPATH:+:$PYTHONPATH}" exec /usr/bin/python3 "$@" ;;
  sh | bash) exec "$@" ;;
  -*) exec "$bin/vllm" serve "$@" ;;
  *)
    if [[ $1 == */* ]]; then
      echo "exec: \"$1\": executable file not found in \$PATH" >&2
      exit 127
    fi
    exec "$bin/vllm" serve "$@" ;;
esac
