"""The stand-in GPU's speed for PyTorch in a container (put on PYTHONPATH by pytorch.sh).

Training and inference really run on this machine's CPU; what would make a GPU slower is charged
per step instead: when the model's outermost forward call ends (one step: the last step's backward
and optimizer update, then this forward), the process sleeps so that the step took 1/rate of its
own time, where rate is the GPU's speed now:

- a power limit below the default (nvidia-smi -pl, kept by the nvidia-smi stub in
  var/lib/stand-in/gpu/0.power-limit; the default in STANDIN_GPU_DEFAULT_WATTS): limit/default;
- other pods' compute processes on its GPUs (var/lib/stand-in/gpu-procs): 1/n with n in all;
- stress-ng CPU hogs on the node's 8 vCPUs (var/lib/stand-in/stress): 1/(1 + N/8), at most 2x.

Charged by the step's own duration, the slow-down holds whatever else this shared machine runs: a
busy machine stretches the step and its charge alike (a wall-clock duty cycle did not: a process
woken from a stop gets the CPU first, and ran faster than its cap). Torch is not imported here:
the hooks go in when the program imports it.
"""

import importlib.abc
import importlib.machinery
import os
import sys
import time

from standin_pid_files import live

_ROOT = os.environ.get("GPU_BENCH_ROOT", "")
_STATE = os.path.join(_ROOT, "var/lib/stand-in")
_POD = os.environ.get("STANDIN_POD", "")
# The GPUs this container was given: only processes on one of them share its speed.
_MINE = {g for g in os.environ.get("NVIDIA_VISIBLE_DEVICES", "").split(",") if g and g != "all"}


def _rate() -> float:
    """The GPU's speed now, 0-1 (see the module's doc)."""
    rate = 1.0
    try:
        default = float(os.environ.get("STANDIN_GPU_DEFAULT_WATTS", "0") or 0)
        with open(os.path.join(_STATE, "gpu/0.power-limit")) as f:
            limit = float(f.read().strip() or 0)
        if 0 < limit < default:
            rate = limit / default
    except (OSError, ValueError):
        pass
    others = 0
    for lines in live(os.path.join(_STATE, "gpu-procs")):
        theirs = set(lines[0].split(",")) if lines[0] not in ("", "all") else _MINE
        if (lines[1] if len(lines) > 1 else "") != _POD and (theirs & _MINE or not _MINE):
            others += 1
    hogs = 0
    for lines in live(os.path.join(_STATE, "stress")):
        for line in lines:
            kind, _, rest = line.partition(" ")
            count = rest.split(" ")[0].strip()
            if kind == "cpu" and count.isdigit():
                hogs += int(count)
    return rate / (1 + others) / (1 + min(hogs, 8) / 8)


_depth = 0
_mark = None


def _pre(_module, _inputs):
    global _depth
    _depth += 1


def _post(_module, _inputs, _output):
    global _depth, _mark
    _depth -= 1
    if _depth > 0:
        return
    now = time.monotonic()
    if _mark is not None:
        rate = _rate()
        if rate < 0.9995:
            time.sleep((now - _mark) * (1 / rate - 1))
    _mark = time.monotonic()


def _install(torch) -> None:
    hooks = torch.nn.modules.module
    hooks.register_module_forward_pre_hook(_pre)
    hooks.register_module_forward_hook(_post)


def _fix_torchrun_std(api) -> None:
    """Debian's torch 1.13 on Python 3.11: torchrun's default --redirects/--tee "0" parse to None
    (iterating an IntFlag skips its zero member, Std.NONE), and torchrun fails before starting a
    worker. The pinned image's torch 2.7 has no such bug; this makes the stand-in's torch agree."""
    parse = api.Std.from_str.__func__

    def from_str(cls, vm):
        return cls.NONE if str(vm).strip() == "0" else parse(cls, vm)

    api.Std.from_str = classmethod(from_str)


_AFTER = {"torch": _install, "torch.distributed.elastic.multiprocessing.api": _fix_torchrun_std}


class _AfterImport(importlib.abc.MetaPathFinder):
    """Lets the modules of _AFTER import as usual, then runs each one's installer on it."""

    def find_spec(self, name, path, target=None):
        install = _AFTER.pop(name, None)
        if install is None:
            return None
        if not _AFTER:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            install(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _AfterImport())

# One sitecustomize runs per process: this one also installs the cluster network when the handler
# put images/cluster-net on the path too (pytorch.sh does: distributed jobs resolve their peers).
try:
    import standin_cluster_net  # noqa: F401
except ImportError:
    pass
