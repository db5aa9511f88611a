"""Timing and peak-memory helpers shared by the benchmark scripts (not part of the package).

Peak memory is the rise of the process's peak resident set size (``VmHWM``) over a step: the
peak is reset before the step through ``/proc/self/clear_refs`` (Linux); where that is not
possible the process-wide ``resource.getrusage`` maximum is reported instead and marked so.
"""

from __future__ import annotations

import os
import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass, field


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


@dataclass
class Step:
    """What one measured step took: seconds, peak RSS rise (MiB) and how the peak was measured."""

    seconds: float = 0.0
    peak_mib: float = 0.0
    how: str = "VmHWM"
    extra: dict = field(default_factory=dict)


@contextmanager
def measure():
    """Time a block and record its peak memory.

    >>> with measure() as step:
    ...     _ = [0] * 1000
    >>> step.seconds >= 0
    True
    """
    step = Step()
    before = _status_kb("VmRSS")
    exact = _reset_peak() and before is not None
    t0 = time.perf_counter()
    try:
        yield step
    finally:
        step.seconds = time.perf_counter() - t0
        if exact:
            step.peak_mib = max(0, (_status_kb("VmHWM") or 0) - before) / 1024
        else:
            step.how = "ru_maxrss (process peak)"
            step.peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mib() -> float:
    """Current resident set size in MiB (0 where /proc is missing)."""
    return (_status_kb("VmRSS") or 0) / 1024


def fmt_s(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def report(label: str, step: Step, note: str = "") -> None:
    """Print one line: label, time, peak memory."""
    mem = f"peak +{step.peak_mib:.0f} MiB" + ("" if step.how == "VmHWM" else f" [{step.how}]")
    print(f"  {label:<46} {fmt_s(step.seconds):>10}   {mem}{('   ' + note) if note else ''}", flush=True)


def machine() -> str:
    return f"{os.cpu_count()} CPU(s), Python {os.sys.version.split()[0]}"


def targets_line(checks: dict[str, float], targets: dict[str, float]) -> str:
    """``targets: recall 89.2% < 90%, ...``: each figure (a share) against its target (at least).

    >>> targets_line({"recall": 0.95, "date": 0.5}, {"recall": 0.9, "date": 0.99})
    'targets: recall 95.0% >= 90%, date 50.0% < 99%'
    """
    return "targets: " + ", ".join(f"{k} {v:.1%} {'>=' if v >= targets[k] else '<'} {targets[k]:.0%}"
                                   for k, v in checks.items())
