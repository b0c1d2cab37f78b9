"""A competing CUDA process for the gpu-contention fault: square matrix products on GPU 0 in a loop
for --seconds (or until SIGTERM), synchronised every iteration so the GPU is really busy. Prints one
line when the first product finished (the CUDA context exists: the contention is on; "t" is that
moment, epoch seconds), then one per second with the products done so far.

  python3 gpu-burn.py --size 4096 --seconds 120
"""
import argparse
import json
import signal
import sys
import time


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--size", type=int, default=4096)
    p.add_argument("--seconds", type=float, required=True)
    args = p.parse_args()
    import torch

    if not torch.cuda.is_available():
        print("gpu-burn: no CUDA device is visible (nvidia runtime, NVIDIA_VISIBLE_DEVICES?)", file=sys.stderr)
        return 3
    stop = False

    def on_term(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_term)
    a = torch.randn(args.size, args.size, device="cuda", dtype=torch.float16)
    b = torch.randn(args.size, args.size, device="cuda", dtype=torch.float16)
    end = time.time() + args.seconds
    done, last = 0, 0.0
    while not stop and time.time() < end:
        torch.matmul(a, b)
        torch.cuda.synchronize()
        done += 1
        now = time.time()
        if done == 1:
            started = {"burn": "started", "gpu": torch.cuda.get_device_name(0), "size": args.size, "t": round(now, 3)}
            print("GPU_BENCH_JSON " + json.dumps(started), flush=True)
        if now - last >= 1:
            print("GPU_BENCH_JSON " + json.dumps({"burn": "running", "products": done, "t": round(now, 3)}), flush=True)
            last = now
    print("GPU_BENCH_JSON " + json.dumps({"burn": "stopped", "products": done}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
