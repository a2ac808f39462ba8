"""How much memory a process holds, read from /proc (Linux); the benchmark probes report it."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_kib() -> int:
    """Peak resident memory of this process image. Linux's VmHWM, because ru_maxrss survives exec() and would
    report the parent's size when that was larger; ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_kib() -> int:
    """Resident memory of this process now (VmRSS; 0 if unknown). A kiosk tablet runs the kiosk alone, so every
    page it maps is its own cost: unlike PSS, this does not shrink when other processes on a shared development
    machine happen to map the same Qt libraries."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss_kib(pid: int | str = "self") -> int:
    """Proportional set size: the process's own pages plus its share of pages shared with others (0 if unknown).

    The fair measure for a group of processes (a browser's) and for one process alike: the sum over processes is
    what they take from the machine."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
