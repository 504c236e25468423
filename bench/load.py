"""What a busy laptop is: two CPU-bound neighbours; and how much a whole process costs (wall, CPU, peak memory).

Every bench runs its workloads idle and beside :func:`busy`, and records the machine's load average beside each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


@contextmanager
def busy(processes: int = 2) -> Iterator[None]:
    """Two (or ``processes``) spinning Python processes for the duration of the block."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    time.sleep(0.5)  # let them reach full speed
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def load() -> float:
    """The one-minute load average, stored beside each figure."""
    return round(os.getloadavg()[0], 2)


def best(function: Callable[[], Any], repeat: int = 3) -> float:
    """The best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def idle_and_busy(functions: dict[str, Callable[[], Any]], repeat: int = 3) -> dict[str, dict[str, float]]:
    """Each function's best time idle and under two busy neighbours, with the load average of each run."""
    out: dict[str, dict[str, float]] = {name: {} for name in functions}
    for condition in ("idle", "busy"):
        with busy() if condition == "busy" else _nothing():
            for name, function in functions.items():
                out[name][f"{condition}_s"] = round(best(function, repeat), 3)
                out[name][f"{condition}_load"] = load()
    return out


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def process(command: Sequence[str], **kwargs: Any) -> dict[str, float]:
    """Run a whole process: wall seconds, CPU seconds (user + system) and peak resident memory (MiB)."""
    start = time.perf_counter()
    child = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {child.stderr.read().decode()[-500:]}")
    return {"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_mib": round(usage.ru_maxrss / 1024, 1)}


def best_process(command: Sequence[str], repeat: int = 3, **kwargs: Any) -> dict[str, float]:
    """:func:`process` ``repeat`` times; the run with the least wall time."""
    return min((process(command, **kwargs) for _ in range(repeat)), key=lambda run: run["wall_s"])
