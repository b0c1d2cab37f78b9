"""The stand-in node's pid files: var/lib/stand-in/gpu-procs/<pid> (a pod's compute process on its
GPUs) and var/lib/stand-in/stress/<pid> (stress-ng's hogs), read by nvidia-smi and the GPU
handlers' speed. A process killed outright leaves its file behind, and this machine reuses pids
(pid_max is often 32768, and a test run spawns more), so a file counts only while its pid is the
process that wrote it: the file's `start <ticks>` line is that process's start time
(/proc/<pid>/stat field 22, clock ticks after boot), which a reused pid does not share.
"""

import os


def start_ticks(pid: int | str) -> str | None:
    """The start time of process `pid` (/proc/<pid>/stat field 22), or None when there is none."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    # Field 2 (comm) is in parentheses and may hold spaces: count from the last ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def record(folder: str, lines: list[str], pid: int | None = None) -> None:
    """Writes folder/<pid> (this process by default): `lines`, then the process's `start` line."""
    pid = os.getpid() if pid is None else pid
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, str(pid)), "w") as f:
        f.write("".join(line + "\n" for line in lines) + f"start {start_ticks(pid) or ''}\n")


def live(folder: str) -> list[list[str]]:
    """The lines of each pid file in `folder` whose process still runs (its `start` line left out)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    out = []
    for name in names:
        try:
            with open(os.path.join(folder, name)) as f:
                lines = f.read().split("\n")
        except OSError:
            continue
        recorded = next((line[len("start "):] for line in lines if line.startswith("start ")), None)
        now = start_ticks(name)
        if now is None or (recorded and recorded != now):
            continue
        out.append([line for line in lines if not line.startswith("start ")])
    return out
