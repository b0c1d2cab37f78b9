"""All-reduce bandwidth across every GPU of every node, the way nccl-tests' all_reduce_perf measures
it (https://github.com/NVIDIA/nccl-tests, doc/PERFORMANCE.md), with torch.distributed. Run by
torchrun, one process per GPU (remote/workloads/torchrun-pod.py):

    allreduce.py --sizes BYTES,BYTES,... [--warmup-iters 5] [--iters 20] [--trials 1] [--device auto|cuda|cpu]

Backend nccl on GPUs, gloo on a CPU. For each size (bytes of float32, a multiple of 4) and trial:
WARMUP untimed all-reduces (sum, in place), a barrier, then ITERS all-reduces timed on the host
clock between two device synchronizations; each rank's time per operation is averaged over the
ranks (nccl-tests' default `-a 1`). Rank 0 prints one JSON line per size and trial:

    {"record": "allreduce", "trial": 1, "size_bytes": N, "count": N, "dtype": "float32", "ranks": N,
     "nodes": N, "time_s": S, "iters": N, "warmup_iters": N, "backend": "nccl|gloo", "device": "cuda|cpu",
     "correct": true, "torch_version": "...", "nccl_version": "2.21.5"|null}

and {"record": "done", ...} at the end; the bandwidths (algbw = bytes / time, busbw = algbw x
2(n-1)/n) are computed from these by the caller (src/workloads/allreduce.ts), in one place. After
the timed loop, one all-reduce of ones checks the sum is the number of ranks (`correct`). Exit 0
with results, 1 on an error ({"record": "error"} from rank 0), 2 on bad arguments.
"""

import argparse
import json
import os
import sys
import time


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", required=True)
    parser.add_argument("--warmup-iters", type=int, default=5)
    parser.add_argument("--iters", type=int, default=20)
    parser.add_argument("--trials", type=int, default=1)
    parser.add_argument("--device", choices=["auto", "cuda", "cpu"], default="auto")
    args = parser.parse_args()
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s]
    except ValueError:
        parser.error("--sizes must be a comma-separated list of byte counts")
    if not sizes or any(s < 4 or s % 4 for s in sizes) or args.iters < 1 or args.warmup_iters < 0 or args.trials < 1:
        parser.error("sizes must be multiples of 4 bytes, iters >= 1, warmup-iters >= 0, trials >= 1")

    started = time.perf_counter()
    import torch
    import torch.distributed as dist

    cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if cuda:
        torch.cuda.set_device(local_rank)
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    backend = "nccl" if cuda else "gloo"
    dist.init_process_group(backend)
    rank, world = dist.get_rank(), dist.get_world_size()
    nodes = int(os.environ.get("GROUP_WORLD_SIZE", os.environ.get("NNODES", "1")))

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize(device)

    nccl_version = None
    if cuda:
        v = torch.cuda.nccl.version()
        nccl_version = ".".join(str(x) for x in v) if isinstance(v, tuple) else str(v)
    try:
        for trial in range(1, args.trials + 1):
            for size in sizes:
                count = size // 4
                buf = torch.ones(count, dtype=torch.float32, device=device)
                for _ in range(args.warmup_iters):
                    dist.all_reduce(buf)
                sync()
                dist.barrier()
                t0 = time.perf_counter()
                for _ in range(args.iters):
                    dist.all_reduce(buf)
                sync()
                per_op = (time.perf_counter() - t0) / args.iters
                # The average over the ranks of each rank's time per operation.
                t = torch.tensor([per_op], dtype=torch.float64, device=device)
                dist.all_reduce(t)
                per_op = t.item() / world
                buf.fill_(1.0)
                dist.all_reduce(buf)
                sync()
                correct = bool(torch.all(buf == float(world)).item())
                if rank == 0:
                    emit({
                        "record": "allreduce", "trial": trial, "size_bytes": count * 4, "count": count,
                        "dtype": "float32", "ranks": world, "nodes": nodes, "time_s": per_op,
                        "iters": args.iters, "warmup_iters": args.warmup_iters, "backend": backend,
                        "device": device.type, "correct": correct, "torch_version": torch.__version__,
                        "nccl_version": nccl_version,
                    })
                del buf
        if rank == 0:
            emit({"record": "done", "script_s": round(time.perf_counter() - started, 3)})
    except Exception as error:  # noqa: BLE001 - the record says what failed, the exit code that it did
        if rank == 0:
            emit({"record": "error", "status": "failed", "message": f"{type(error).__name__}: {error}"})
        return 1
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    code = main()
    # The records are out: leave without the interpreter's teardown of torch.distributed's threads.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
