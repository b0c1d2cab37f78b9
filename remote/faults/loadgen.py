"""Constant-rate load for measuring a fault on an LLM server (OpenAI-compatible completions API).

Sends one streamed completion every 1/rate seconds from start to --seconds (or until the pod is
deleted), each in its own thread so a slow or hanging request never delays the next one, and
prints one line per finished request:

    GPU_BENCH_REQ <start> <end> <ok 0|1> <ttft_ms|-> <status>

times in seconds since the epoch (the node's clock: the pod shares it). A request is ok when the
server answered 200 and streamed at least one token before [DONE]; its TTFT is the time to the
first streamed token. vLLM's /health answers before the model is loaded, so only completions
prove the server serves. The first line is GPU_BENCH_LOAD {...} with the parameters.

Standard library only: it runs with the python3 of the vLLM image itself.
"""

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request

LOCK = threading.Lock()


def emit(line):
    with LOCK:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def one_request(url, model, output_len, timeout, start):
    body = json.dumps(
        {"model": model, "prompt": "Tell me about GPUs. " * 8, "max_tokens": output_len, "temperature": 0, "stream": True, "ignore_eos": True}
    ).encode()
    ttft = None
    tokens = 0
    status = "ok"
    try:
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            done = False
            for raw in response:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    done = True
                    break
                chunk = json.loads(data)
                text = "".join(c.get("text", "") for c in chunk.get("choices", []))
                if text and ttft is None:
                    ttft = (time.time() - start) * 1000.0
                if text:
                    tokens += 1
                if time.time() - start > timeout:
                    raise TimeoutError("request timed out")
            if not done or tokens == 0:
                status = "incomplete"
    except urllib.error.HTTPError as error:
        status = f"http-{error.code}"
    except Exception as error:  # noqa: BLE001 - every failure is a failed request, named by its type
        status = type(error).__name__
    end = time.time()
    ok = status == "ok"
    emit(f"GPU_BENCH_REQ {start:.3f} {end:.3f} {1 if ok else 0} {f'{ttft:.1f}' if ok and ttft is not None else '-'} {status}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--output-len", type=int, default=32)
    parser.add_argument("--request-timeout", type=float, default=30.0)
    parser.add_argument("--seconds", type=float, required=True, help="how long to send requests")
    args = parser.parse_args(argv)
    url = args.base_url.rstrip("/") + "/v1/completions"
    t0 = time.time()
    emit("GPU_BENCH_LOAD " + json.dumps({"startedAt": round(t0, 3), "rate": args.rate, "outputLen": args.output_len, "seconds": args.seconds}))
    i = 0
    while True:
        due = t0 + i / args.rate
        if due - t0 >= args.seconds:
            break
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        threading.Thread(target=one_request, args=(url, args.model, args.output_len, args.request_timeout, time.time()), daemon=True).start()
        i += 1
    # Let the last requests finish (bounded by their own timeout).
    deadline = time.time() + args.request_timeout + 1
    for t in threading.enumerate():
        if t is not threading.current_thread():
            t.join(max(0.0, deadline - time.time()))
    emit("GPU_BENCH_LOAD_DONE {}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
