"""The platform stand-in's cluster agent (run by ../radix-agent.sh inside a stand-in container).

Registers with the onboarding token (the cluster turns active), reports the image's tag as its
version, then polls for jobs and runs each one: `resnet50` jobs run resnet50.py for real (one trial
with the job's params) and post {throughput (images/s), duration_seconds}; any other type fails.
Stops when the sandbox ($GPU_BENCH_ROOT) goes away; API errors are retried every second.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

API = os.environ["PLATFORM_API_URL"].rstrip("/")
TOKEN = os.environ["PLATFORM_ONBOARDING_TOKEN"]
VERSION = os.environ.get("STANDIN_IMAGE", "").rsplit(":", 1)[-1] if ":" in os.environ.get("STANDIN_IMAGE", "") else "unknown"
ROOT = os.environ.get("GPU_BENCH_ROOT", "")
RESNET50 = sys.argv[1]


def alive() -> bool:
    return not ROOT or os.path.isdir(ROOT)


def call(method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(API + path, data=data, method=method)
    req.add_header("authorization", "Bearer " + TOKEN)
    if data is not None:
        req.add_header("content-type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as reply:
        text = reply.read().decode()
        return json.loads(text) if text else {}


def log(message: str) -> None:
    print(f"[radix-agent {VERSION}] {message}", flush=True)


def run_resnet50(params: dict) -> dict:
    args = [
        "--mode", str(params.get("mode", "train")),
        "--batch-size", str(params.get("batchSize", 8)),
        "--steps", str(params.get("steps", 3)),
        "--warmup-steps", str(params.get("warmupSteps", 1)),
        "--image-size", str(params.get("imageSize", 64)),
        "--trials", "1",
        "--device", "cpu",
        "--threads", "2",
    ]
    started = time.time()
    done = subprocess.run(["/usr/bin/python3", "-u", RESNET50, *args], capture_output=True, text=True, check=False)
    duration = time.time() - started
    trials = []
    for line in done.stdout.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("record") == "trial":
            trials.append(record)
    if done.returncode != 0 or not trials:
        raise RuntimeError(f"resnet50.py exited {done.returncode}: {done.stderr.strip()[-300:]}")
    return {"throughput": float(trials[-1]["images_per_sec"]), "duration_seconds": round(duration, 3)}


def main() -> None:
    while alive():
        try:
            call("POST", "/v1/agent/register", {"version": VERSION})
            log("registered")
            break
        except (urllib.error.URLError, OSError) as error:
            log(f"register failed ({error}); retrying")
            time.sleep(1)
    while alive():
        try:
            jobs = call("GET", "/v1/agent/jobs").get("jobs", [])
        except (urllib.error.URLError, OSError) as error:
            log(f"polling failed ({error}); retrying")
            time.sleep(1)
            continue
        for job in jobs:
            log(f"job {job['id']} ({job['type']}) started")
            try:
                if job["type"] != "resnet50":
                    raise RuntimeError(f"unknown job type {job['type']}")
                result = {"status": "succeeded", "metrics": run_resnet50(job.get("params") or {})}
            except Exception as error:  # the job fails; the agent goes on
                result = {"status": "failed", "message": str(error)}
            log(f"job {job['id']} {result['status']}")
            try:
                call("POST", f"/v1/agent/jobs/{job['id']}/result", result)
            except (urllib.error.URLError, OSError) as error:
                log(f"could not post the result of job {job['id']} ({error})")
        time.sleep(0.5)


main()
