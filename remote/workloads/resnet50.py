"""ResNet50 throughput benchmark: synthetic data on the device, training or inference.

Runs in a stock PyTorch CUDA image (delivered through a ConfigMap) and, for tests, on a CPU with
whatever torch is installed (1.13 and 2.x). Prints one JSON object per line on stdout, each with a
"record" key: "trial" (one per timed trial), "oom", "unsupported", "error" and a last "done".
Everything meant for people goes to stderr.

What is timed: only the timed steps of each trial, between two device synchronizations. Model
build, torch.compile (measured on its own), warm-up and the out-of-memory search never are.
Throughput = images in the timed steps / wall time of the timed window. Per-step times come from
CUDA events (no host sync per step) on a GPU and from the host clock on a CPU.

With --distributed, under torchrun (one process per GPU, on every node): DistributedDataParallel,
NCCL on GPUs and gloo on a CPU, each rank training on its own synthetic batch of --batch-size. The
ranks start each timed window together (a barrier) and the window's wall time is the slowest
rank's; throughput counts every rank's images. Only rank 0 prints records; they add "distributed",
"world_size", "nodes", "backend" and "images_per_sec_per_gpu", and MFU is against the peak of all
the GPUs together.
"""

import argparse
import gc
import json
import math
import os
import re
import sys
import time

SCRIPT_STARTED = time.perf_counter()

# Model FLOPs per image at 224x224 (multiply-add = 2 FLOPs): ResNet50 forward ~4.1 GMAC = 8.2 GFLOP;
# a training step (forward + backward for activations and weights) ~3x forward = 24.5 GFLOP.
# Convolution FLOPs scale with the image area, so other sizes scale by (size / 224)^2.
GFLOP_PER_IMAGE = {"train": 24.5, "inference": 8.2}

# Peak dense (no structured sparsity) TFLOP/s per GPU and precision. fp32 is the non-tensor-core rate
# (tf32 disabled), tf32/fp16/bf16 the tensor-core rates. None: the GPU has no such unit.
# Sources: NVIDIA datasheets — T4 (Tesla T4 datasheet: 8.1 FP32, 65 FP16 mixed precision);
# A10 (A10 datasheet: 31.2 / 62.5 / 125); A100 (A100 datasheet: 19.5 / 156 / 312);
# L4 (L4 datasheet: 30.3 / 120* / 242*, * = with sparsity, halved here);
# L40S (L40S datasheet: 91.6 / 366* / 733*, halved); H100 SXM, PCIe and NVL (H100 datasheet:
# 67 / 989* / 1979*, 51 / 756* / 1513*, 60 / 835* / 1671*, halved); H200 SXM and NVL (H200 datasheet,
# same tensor rates as H100 SXM and NVL); V100 SXM2 (V100 datasheet: 15.7, 125 tensor).
# A10G (AWS g5): NVIDIA publishes no datasheet; figures from Baseten, "NVIDIA A10 vs A10G for ML
# model inference" (35 FP32, 35 TF32, 70 FP16/BF16 tensor).
PEAK_TFLOPS = [
    # (name pattern, label, {precision: TFLOP/s})
    (r"\bT4\b", "NVIDIA T4", {"fp32": 8.1, "tf32": None, "fp16": 65.0, "bf16": None}),
    (r"\bA10G\b", "NVIDIA A10G", {"fp32": 35.0, "tf32": 35.0, "fp16": 70.0, "bf16": 70.0}),
    (r"\bA10\b", "NVIDIA A10", {"fp32": 31.2, "tf32": 62.5, "fp16": 125.0, "bf16": 125.0}),
    (r"\bL40S\b", "NVIDIA L40S", {"fp32": 91.6, "tf32": 183.0, "fp16": 362.05, "bf16": 362.05}),
    (r"\bL4\b", "NVIDIA L4", {"fp32": 30.3, "tf32": 60.0, "fp16": 121.0, "bf16": 121.0}),
    (r"\bA100\b", "NVIDIA A100", {"fp32": 19.5, "tf32": 156.0, "fp16": 312.0, "bf16": 312.0}),
    (r"\bH100\b.*\bPCIe\b", "NVIDIA H100 PCIe", {"fp32": 51.0, "tf32": 378.0, "fp16": 756.5, "bf16": 756.5}),
    (r"\bH100\b.*\bNVL\b", "NVIDIA H100 NVL", {"fp32": 60.0, "tf32": 417.5, "fp16": 835.5, "bf16": 835.5}),
    (r"\bH100\b", "NVIDIA H100 SXM", {"fp32": 67.0, "tf32": 494.5, "fp16": 989.5, "bf16": 989.5}),
    (r"\bH200\b.*\bNVL\b", "NVIDIA H200 NVL", {"fp32": 60.0, "tf32": 417.5, "fp16": 835.5, "bf16": 835.5}),
    (r"\bH200\b", "NVIDIA H200 SXM", {"fp32": 67.0, "tf32": 494.5, "fp16": 989.5, "bf16": 989.5}),
    (r"\bV100\b", "NVIDIA V100 SXM2", {"fp32": 15.7, "tf32": None, "fp16": 125.0, "bf16": None}),
]

PRECISIONS = ("auto", "fp32", "tf32", "fp16", "bf16")
MAX_STEP_TIMES = 500


class SimulatedOutOfMemory(RuntimeError):
    """Raised by the test knob --simulate-oom-above; handled exactly like a real CUDA OOM."""


class Unsupported(Exception):
    """The requested configuration cannot run here (e.g. bf16 on a T4); reported, not crashed."""


RANK = 0


def emit(record):
    if RANK != 0:
        return
    print(json.dumps(_finite(record), allow_nan=False, separators=(",", ":")), flush=True)


def note(message):
    if RANK == 0:
        print(f"[resnet50] {message}", file=sys.stderr, flush=True)


def _finite(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text):
    if not re.fullmatch(r"\d+", text or ""):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return int(text)


def parse_args(argv):
    p = argparse.ArgumentParser(description="ResNet50 throughput on synthetic data (JSON lines on stdout).")
    p.add_argument("--mode", choices=("train", "inference"), default="train")
    p.add_argument("--batch-size", type=positive_int, default=128)
    p.add_argument("--image-size", type=positive_int, default=224)
    p.add_argument("--warmup-steps", type=non_negative_int, default=10)
    p.add_argument("--steps", type=positive_int, default=50, help="timed steps per trial")
    p.add_argument("--trials", type=positive_int, default=3)
    p.add_argument("--precision", choices=PRECISIONS, default="auto")
    p.add_argument("--channels-last", dest="channels_last", action="store_true", default=True)
    p.add_argument("--no-channels-last", dest="channels_last", action="store_false")
    p.add_argument("--compile", action="store_true", help="torch.compile the model (torch >= 2); compile time is reported apart")
    p.add_argument("--compile-mode", default="default", choices=("default", "reduce-overhead", "max-autotune"))
    p.add_argument("--threads", type=positive_int, default=None, help="CPU threads for torch (intra-op)")
    p.add_argument("--find-max-batch", action="store_true", help="on out-of-memory, search the largest batch that fits and run at it")
    p.add_argument("--device", choices=("auto", "cuda", "cpu"), default="auto")
    p.add_argument("--num-classes", type=positive_int, default=1000)
    p.add_argument("--seed", type=non_negative_int, default=0)
    p.add_argument("--distributed", action="store_true", help="DDP across the ranks torchrun started (WORLD_SIZE, RANK, LOCAL_RANK)")
    p.add_argument(
        "--run-seconds",
        type=float,
        default=None,
        help="instead of timed trials: after warm-up, train for this long, printing images done once a second (fault scenarios)",
    )
    p.add_argument(
        "--simulate-oom-above",
        type=positive_int,
        default=_env_int("GPU_BENCH_SIMULATE_OOM_ABOVE"),
        help="test knob: behave as if batches larger than N ran out of device memory",
    )
    p.add_argument(
        "--simulate-oom-text",
        default=os.environ.get("GPU_BENCH_SIMULATE_OOM_TEXT") or None,
        help="test knob: the simulated out-of-memory is a RuntimeError with this text (a cuDNN or cuBLAS spelling)",
    )
    return p.parse_args(argv)


def _env_int(name):
    raw = os.environ.get(name, "")
    return int(raw) if re.fullmatch(r"[1-9]\d*", raw) else None


# How PyTorch says a batch did not fit in GPU memory, as reported in public issues: the caching
# allocator's "CUDA out of memory", cuDNN's and cuBLAS's own allocation failures, cuDNN's algorithm
# search finding no algorithm whose workspace fits (cudnn.benchmark), and cublasCreate failing to
# allocate its handle. "an illegal memory access" is a bug, not a full GPU. Mirrored in
# src/workloads/resnet50.ts (isGpuOutOfMemory); test/real-world/resnet50.test.ts keeps them equal.
OOM_PATTERNS = (
    re.compile(r"out of memory", re.IGNORECASE),
    re.compile(r"can't allocate memory", re.IGNORECASE),
    re.compile(r"CUDNN_STATUS_ALLOC_FAILED|CUBLAS_STATUS_ALLOC_FAILED|CUDNN_STATUS_NOT_ENOUGH_WORKSPACE"),
    re.compile(r"Unable to find a valid cuDNN algorithm"),
    re.compile(r"CUBLAS_STATUS_NOT_INITIALIZED when calling `cublasCreate"),
)


def is_oom_text(text):
    return any(p.search(text) for p in OOM_PATTERNS)


def is_oom(error):
    if isinstance(error, SimulatedOutOfMemory):
        return True
    import torch

    oom_type = getattr(torch.cuda, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(error, oom_type):
        return True
    return isinstance(error, RuntimeError) and is_oom_text(str(error))


def percentile(sorted_values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    pos = (len(sorted_values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def peak_for(gpu_name):
    for pattern, label, peaks in PEAK_TFLOPS:
        if gpu_name and re.search(pattern, gpu_name):
            return label, peaks
    return None, None


class Environment:
    def __init__(self, args):
        import torch

        self.torch = torch
        self.device_type = "cuda" if args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available()) else "cpu"
        if self.device_type == "cuda" and not torch.cuda.is_available():
            raise Unsupported("--device cuda was asked for, but torch sees no CUDA device")
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0")) if args.distributed else 0
        self.device = torch.device(self.device_type, self.local_rank) if self.device_type == "cuda" else torch.device("cpu")
        if args.threads:
            torch.set_num_threads(args.threads)
        self.world_size = 1
        self.backend = None
        if args.distributed:
            global RANK
            import torch.distributed as dist

            if self.device_type == "cuda":
                torch.cuda.set_device(self.local_rank)
            self.backend = "nccl" if self.device_type == "cuda" else "gloo"
            dist.init_process_group(self.backend)
            RANK = dist.get_rank()
            self.world_size = dist.get_world_size()
            self.dist = dist
        self.nodes = int(os.environ.get("NNODES", "1")) if args.distributed else 1
        if self.device_type == "cuda":
            props = torch.cuda.get_device_properties(self.local_rank)
            self.gpu_name = props.name
            self.capability = (props.major, props.minor)
            self.memory_mib = round(props.total_memory / 2**20)
        else:
            self.gpu_name = None
            self.capability = None
            self.memory_mib = None
        self.peak_label, self.peaks = peak_for(self.gpu_name)

    @property
    def capability_text(self):
        return f"{self.capability[0]}.{self.capability[1]}" if self.capability else None

    def describe(self):
        torch = self.torch
        return {
            "device": self.device_type,
            "gpu_name": self.gpu_name,
            "compute_capability": self.capability_text,
            "gpu_memory_mib": self.memory_mib,
            "torch_version": torch.__version__,
            "cuda_version": torch.version.cuda,
            "cudnn_version": torch.backends.cudnn.version() if self.device_type == "cuda" else None,
            "threads": torch.get_num_threads(),
            **(
                {"distributed": True, "world_size": self.world_size, "nodes": self.nodes, "backend": self.backend}
                if self.backend
                else {}
            ),
        }

    def slowest(self, seconds):
        """The largest of every rank's `seconds` (this one's alone when not distributed)."""
        if not self.backend:
            return seconds
        t = self.torch.tensor([seconds], dtype=self.torch.float64, device=self.device)
        self.dist.all_reduce(t, op=self.dist.ReduceOp.MAX)
        return float(t.item())

    def barrier(self):
        if self.backend:
            self.dist.barrier()

    def close(self):
        if self.backend and self.dist.is_initialized():
            self.dist.barrier()
            self.dist.destroy_process_group()


def resolve_precision(env, requested):
    """Returns (precision, autocast dtype or None, use GradScaler, notes)."""
    torch = env.torch
    notes = []
    cuda = env.device_type == "cuda"
    precision = requested
    if requested == "auto":
        if cuda:
            precision = "bf16" if env.capability >= (8, 0) else "fp16"
        else:
            precision = "fp32"
            notes.append("auto precision on CPU is fp32")
    if precision == "bf16" and cuda and env.capability < (8, 0):
        raise Unsupported(f"bf16 needs compute capability 8.0 or newer; {env.gpu_name} is {env.capability_text}: use fp16 or auto")
    if precision == "tf32" and cuda and env.capability < (8, 0):
        raise Unsupported(f"tf32 needs compute capability 8.0 or newer; {env.gpu_name} is {env.capability_text}: use fp32 or auto")
    if precision == "fp16" and not cuda:
        raise Unsupported("fp16 autocast runs on CUDA devices only; on CPU use bf16 or fp32")
    if precision == "tf32" and not cuda:
        notes.append("tf32 is a tensor-core mode of NVIDIA GPUs; on CPU it is plain fp32")
        precision = "fp32"

    if cuda:
        # cuDNN allows TF32 convolutions by default: fp32 must switch it off to really be fp32.
        tf32 = precision != "fp32"
        torch.backends.cuda.matmul.allow_tf32 = tf32
        torch.backends.cudnn.allow_tf32 = tf32
        torch.backends.cudnn.benchmark = True
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(precision)
    return precision, dtype, precision == "fp16", notes


class Bench:
    """One model, optimizer and synthetic batch at one batch size; rebuilt after an out-of-memory."""

    def __init__(self, env, args, batch_size, precision, dtype, use_scaler):
        torch = env.torch
        import torchvision

        self.env = env
        self.args = args
        self.batch_size = batch_size
        self.dtype = dtype
        self.training = args.mode == "train"
        if args.simulate_oom_above and batch_size > args.simulate_oom_above:
            if args.simulate_oom_text:
                raise RuntimeError(args.simulate_oom_text)
            raise SimulatedOutOfMemory(
                f"CUDA out of memory (simulated). Tried to allocate a batch of {batch_size} above the simulated limit of {args.simulate_oom_above}"
            )
        started = time.perf_counter()
        torch.manual_seed(args.seed)
        memory_format = torch.channels_last if args.channels_last else torch.contiguous_format
        model = torchvision.models.resnet50(num_classes=args.num_classes)
        model = model.to(env.device, memory_format=memory_format)
        model.train(self.training)
        self.model = model
        self.forward = model
        if env.backend:
            # Gradients are averaged over every rank in the backward pass (bucketed all-reduces).
            ddp = torch.nn.parallel.DistributedDataParallel
            self.forward = ddp(model, device_ids=[env.local_rank] if env.device_type == "cuda" else None)
            torch.manual_seed(args.seed + RANK)  # each rank its own synthetic batch
        self.images = torch.randn(batch_size, 3, args.image_size, args.image_size, device=env.device).contiguous(
            memory_format=memory_format
        )
        self.labels = torch.randint(0, args.num_classes, (batch_size,), device=env.device)
        self.criterion = torch.nn.CrossEntropyLoss()
        self.optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4) if self.training else None
        self.scaler = make_grad_scaler(torch) if (use_scaler and self.training) else None
        self.last_loss = None
        self.build_s = time.perf_counter() - started
        self.probe_s = None

    def compile(self, mode):
        self.forward = self.env.torch.compile(self.model, mode=None if mode == "default" else mode)

    def autocast(self):
        torch = self.env.torch
        if self.dtype is None:
            return _NullContext()
        return torch.autocast(device_type=self.env.device_type, dtype=self.dtype)

    def step(self):
        torch = self.env.torch
        if not self.training:
            with torch.inference_mode(), self.autocast():
                self.forward(self.images)
            return
        self.optimizer.zero_grad(set_to_none=True)
        with self.autocast():
            loss = self.criterion(self.forward(self.images), self.labels)
        if self.scaler is not None:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            loss.backward()
            self.optimizer.step()
        self.last_loss = loss

    def sync(self):
        if self.env.device_type == "cuda":
            self.env.torch.cuda.synchronize()

    def run_steps(self, n):
        for _ in range(n):
            self.step()
        self.sync()

    def timed(self, steps):
        """Runs `steps` steps; returns (wall seconds, per-step milliseconds)."""
        torch = self.env.torch
        self.sync()
        self.env.barrier()
        if self.env.device_type == "cuda":
            marks = [torch.cuda.Event(enable_timing=True) for _ in range(steps + 1)]
            started = time.perf_counter()
            marks[0].record()
            for i in range(steps):
                self.step()
                marks[i + 1].record()
            torch.cuda.synchronize()
            wall = time.perf_counter() - started
            per_step = [marks[i].elapsed_time(marks[i + 1]) for i in range(steps)]
        else:
            per_step = []
            started = time.perf_counter()
            for _ in range(steps):
                t = time.perf_counter()
                self.step()
                per_step.append((time.perf_counter() - t) * 1000.0)
            wall = time.perf_counter() - started
        return wall, per_step

    def loss_value(self):
        return float(self.last_loss.detach().float().item()) if self.last_loss is not None else None

    def close(self):
        for name in ("forward", "model", "images", "labels", "optimizer", "scaler", "last_loss"):
            setattr(self, name, None)


def make_grad_scaler(torch):
    """Loss scaling for fp16: torch.amp.GradScaler("cuda") from torch 2.3, torch.cuda.amp before."""
    amp_scaler = getattr(getattr(torch, "amp", None), "GradScaler", None)
    if amp_scaler is not None:
        return amp_scaler("cuda")
    return torch.cuda.amp.GradScaler()


class _NullContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def release_memory(env):
    gc.collect()
    if env.device_type == "cuda":
        env.torch.cuda.empty_cache()


def try_batch(env, args, batch_size, precision, dtype, use_scaler, probe_steps=2):
    """Builds a Bench at this batch size and runs a few steps. Returns (bench or None, OOM message or None)."""
    bench = None
    message = None
    try:
        bench = Bench(env, args, batch_size, precision, dtype, use_scaler)
        started = time.perf_counter()
        bench.run_steps(probe_steps)
        bench.probe_s = time.perf_counter() - started
    except Exception as error:  # noqa: BLE001 - only out-of-memory is handled here
        if not is_oom(error):
            raise
        message = str(error).strip().splitlines()[0][:300]
    if message is not None:
        if bench is not None:
            bench.close()
        bench = None
        release_memory(env)
    return bench, message


def find_max_batch(env, args, failed_at, precision, dtype, use_scaler):
    """Largest batch below `failed_at` that runs: halve until one fits, then bisect. Returns (bench, batch)."""
    lo_bench, lo = None, None
    candidate = failed_at // 2
    while candidate >= 1:
        bench, message = try_batch(env, args, candidate, precision, dtype, use_scaler)
        if message is None:
            lo_bench, lo = bench, candidate
            break
        failed_at = candidate
        candidate //= 2
    if lo is None:
        return None, None
    hi = failed_at
    # Bisect to within 1/16 of the fitting size; exact batch sizes beyond that buy nothing.
    while hi - lo > max(1, lo // 16):
        mid = (lo + hi) // 2
        lo_bench.close()
        release_memory(env)
        bench, message = try_batch(env, args, mid, precision, dtype, use_scaler)
        if message is None:
            lo_bench, lo = bench, mid
        else:
            hi = mid
            lo_bench, _ = try_batch(env, args, lo, precision, dtype, use_scaler)
            if lo_bench is None:
                return None, None
    return lo_bench, lo


def base_record(env, args, precision, batch_size):
    record = {
        "workload": "resnet50",
        "mode": args.mode,
        "precision": precision,
        "precision_requested": args.precision,
        "batch_size": batch_size,
        "image_size": args.image_size,
        "channels_last": args.channels_last,
    }
    record.update(env.describe())
    return record


def peak_memory_mib(env):
    torch = env.torch
    if env.device_type == "cuda":
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)  # Linux: KiB


def run(args):
    import_started = time.perf_counter()
    import torch  # noqa: F401 - timed here so the overhead report can show it
    import torchvision  # noqa: F401

    import_s = time.perf_counter() - import_started
    env = Environment(args)
    note(f"device {env.device_type}{' ' + env.gpu_name if env.gpu_name else ''}, torch {torch.__version__}")
    try:
        precision, dtype, use_scaler, notes = resolve_precision(env, args.precision)
    except Unsupported as error:
        emit({"record": "unsupported", "status": "unsupported", **base_record(env, args, args.precision, args.batch_size), "message": str(error)})
        return 4

    compile_status = "off"
    if args.compile and not hasattr(torch, "compile"):
        compile_status = f"unavailable: torch {torch.__version__} has no torch.compile (needs torch 2.0 or newer); ran eager"
        notes.append(compile_status)
        note(compile_status)

    batch_size = args.batch_size
    # One untimed step proves the batch fits (activations are allocated there, not at build).
    bench, oom_message = try_batch(env, args, batch_size, precision, dtype, use_scaler, probe_steps=1)
    build_s = bench.build_s if bench else None
    first_step_s = bench.probe_s if bench else None
    search_s = 0.0
    if oom_message is not None:
        record = {"record": "oom", "status": "oom", **base_record(env, args, precision, batch_size), "message": oom_message}
        if not args.find_max_batch:
            record["max_batch_size_fit"] = None
            record["hint"] = "run with --find-max-batch to search the largest batch that fits, or lower the batch size"
            emit(record)
            return 0
        search_started = time.perf_counter()
        bench, fit = find_max_batch(env, args, batch_size, precision, dtype, use_scaler)
        search_s = time.perf_counter() - search_started
        record["max_batch_size_fit"] = fit
        record["search_s"] = round(search_s, 3)
        emit(record)
        if bench is None:
            return 0
        note(f"batch {batch_size} did not fit; running at {fit}, the largest that did")
        batch_size = fit
        build_s, first_step_s = bench.build_s, bench.probe_s

    compile_s = None
    if args.compile and hasattr(torch, "compile"):
        bench.compile(args.compile_mode)
        started = time.perf_counter()
        bench.run_steps(1)  # compilation happens lazily, on the first call (forward and backward)
        compile_s = time.perf_counter() - started
        compile_status = "compiled"

    if args.run_seconds is not None:
        bench.run_steps(args.warmup_steps)
        return run_for(bench, batch_size, args.run_seconds)

    flop_scale = (args.image_size / 224.0) ** 2
    gflop_per_image = GFLOP_PER_IMAGE[args.mode] * flop_scale
    peak = env.peaks.get(precision) if env.peaks else None
    for trial in range(1, args.trials + 1):
        if env.device_type == "cuda":
            torch.cuda.reset_peak_memory_stats()
        warm_started = time.perf_counter()
        bench.run_steps(args.warmup_steps)
        warmup_s = time.perf_counter() - warm_started
        # The timed window on the host's clock, for lining it up with the GPU telemetry samples.
        window_start = time.time()
        wall, per_step = bench.timed(args.steps)
        window_end = time.time()
        wall = env.slowest(wall)
        ordered = sorted(per_step)
        images = batch_size * args.steps * env.world_size
        images_per_sec = images / wall
        achieved_tflops = images_per_sec * gflop_per_image / 1000.0
        peak_all = peak * env.world_size if peak else None
        record = {
            "record": "trial",
            "status": "ok",
            "trial": trial,
            "trials": args.trials,
            **base_record(env, args, precision, batch_size),
            "batch_size_requested": args.batch_size,
            "amp": dtype is not None,
            "grad_scaler": bench.scaler is not None,
            "compile": compile_status,
            "compile_s": round(compile_s, 3) if compile_s is not None else None,
            "warmup_steps": args.warmup_steps,
            "steps": args.steps,
            "images": images,
            "elapsed_s": round(wall, 6),
            "window_start_unix": round(window_start, 6),
            "window_end_unix": round(window_end, 6),
            "warmup_s": round(warmup_s, 6),
            "images_per_sec": round(images_per_sec, 3),
            "step_time_mean_ms": round(sum(per_step) / len(per_step), 4),
            "step_time_p50_ms": round(percentile(ordered, 0.5), 4),
            "step_time_p90_ms": round(percentile(ordered, 0.9), 4),
            "step_time_p99_ms": round(percentile(ordered, 0.99), 4),
            "step_time_min_ms": round(ordered[0], 4),
            "step_time_max_ms": round(ordered[-1], 4),
            # Every step's time, for the record; long runs keep their percentiles only.
            "step_times_ms": [round(t, 4) for t in per_step] if len(per_step) <= MAX_STEP_TIMES else None,
            "peak_memory_mib": peak_memory_mib(env),
            "peak_memory_source": "torch.cuda.max_memory_allocated" if env.device_type == "cuda" else "process max RSS",
            "gflop_per_image": round(gflop_per_image, 4),
            "achieved_tflops": round(achieved_tflops, 6),
            "peak_tflops": peak,
            "peak_gpu": env.peak_label,
            "mfu": round(achieved_tflops / peak_all, 6) if peak else None,
            **({"images_per_sec_per_gpu": round(images_per_sec / env.world_size, 3)} if env.backend else {}),
            "loss": bench.loss_value(),
            "notes": notes,
        }
        emit(record)
        note(f"trial {trial}/{args.trials}: {images_per_sec:.1f} images/s, p50 step {record['step_time_p50_ms']:.2f} ms")

    emit(
        {
            "record": "done",
            "status": "ok",
            "import_s": round(import_s, 6),
            "build_s": round(build_s, 6) if build_s is not None else None,
            "first_step_s": round(first_step_s, 6) if first_step_s is not None else None,
            "search_s": round(search_s, 6),
            "compile_s": round(compile_s, 6) if compile_s is not None else None,
            "script_s": round(time.perf_counter() - SCRIPT_STARTED, 6),
        }
    )
    # DDP's reducer goes before its process group: a gloo group destroyed from the reducer's
    # destructor at interpreter exit can deadlock with its worker thread (seen with torch 1.13).
    bench.close()
    release_memory(env)
    env.close()
    return 0


def run_for(bench, batch_size, seconds):
    """Steps until `seconds` have passed, synchronizing each one, and prints the cumulative images
    done at most once a second: {"record": "progress", "t": <epoch seconds>, "images": n, "steps": n}.
    A fault scenario reads images/s around its injection from these."""
    started = time.time()
    images = steps = 0
    emit({"record": "progress", "t": round(started, 3), "images": 0, "steps": 0})
    last = started
    while True:
        now = time.time()
        if now - started >= seconds:
            break
        bench.step()
        bench.sync()
        images += batch_size
        steps += 1
        now = time.time()
        if now - last >= 1.0:
            emit({"record": "progress", "t": round(now, 3), "images": images, "steps": steps})
            last = now
    emit({"record": "progress", "t": round(time.time(), 3), "images": images, "steps": steps})
    return 0


def main(argv=None):
    args = parse_args(argv)
    try:
        return run(args)
    except Exception as error:  # noqa: BLE001 - one clear record instead of a bare stack trace on stdout
        import traceback

        traceback.print_exc(file=sys.stderr)
        message = f"{type(error).__name__}: {error}"[:500]
        if is_oom(error):
            # Out of memory after the probe step (a later allocation, torch.compile's autotuning): still out-of-memory.
            emit({"record": "error", "status": "oom", "mode": args.mode, "batch_size": args.batch_size, "message": message})
            return 1
        emit({"record": "error", "status": "failed", "mode": args.mode, "batch_size": args.batch_size, "message": message})
        return 1


if __name__ == "__main__":
    code = main()
    if os.environ.get("WORLD_SIZE"):
        # Under torchrun the records are out; leave without the interpreter's teardown, where an
        # error path's live DDP reducer and gloo group can deadlock (the Job would then hang to its timeout).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
