"""What a busy laptop is: two CPU-bound neighbours; and how much a whole process costs (wall, CPU, peak memory).

Every bench runs its workloads idle and beside :func:`busy`, and records the machine's load average beside each.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
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
        with busy() if condition == "busy" else nullcontext():
            for name, function in functions.items():
                out[name][f"{condition}_s"] = round(best(function, repeat), 3)
                out[name][f"{condition}_load"] = load()
    return out


# The measured command runs under a small launcher: a child forked straight from a bench holding a million rows
# would count the bench's own pages in its peak (ru_maxrss includes the image before exec).
_LAUNCHER = """
import json, os, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall_s": round(wall, 3), "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
                  "peak_mib": round(usage.ru_maxrss / 1024, 1), "rc": done.returncode, "err": done.stderr.decode()[-500:]}))
"""


def process(command: Sequence[str]) -> dict[str, float]:
    """Run a whole process: wall seconds, CPU seconds (user + system) and peak resident memory (MiB)."""
    import json

    launched = subprocess.run([sys.executable, "-c", _LAUNCHER, json.dumps(list(command))], capture_output=True, text=True,
                              check=True)
    result = json.loads(launched.stdout)
    if result.pop("rc"):
        raise RuntimeError(f"{' '.join(command)} failed: {result['err']}")
    result.pop("err")
    return result


def best_process(command: Sequence[str], repeat: int = 3) -> dict[str, float]:
    """:func:`process` ``repeat`` times; the run with the least wall time."""
    return min((process(command) for _ in range(repeat)), key=lambda run: run["wall_s"])
