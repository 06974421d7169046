"""CPU time of the servers under test, read from /proc: a cost per request that
other load on the machine barely moves (it takes turns, not cycles)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
_PID = re.compile(r"pid=(\d+)")


def listening_pids(port: int) -> list[int]:
    """Every process listening on `port` (forked workers share the socket)."""
    out = subprocess.run(  # noqa: S603 - a fixed command
        ["ss", "-ltnpH", f"sport = :{port}"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return sorted({int(pid) for pid in _PID.findall(out)})


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU the processes used so far (gone ones count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def with_children(pids: list[int]) -> list[int]:
    """`pids` and their direct children alive now (Postgres' backends, forked workers)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) in pids:  # ppid
            children.append(int(stat.parent.name))
    return sorted({*pids, *children})
