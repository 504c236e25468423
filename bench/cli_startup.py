"""How long `axiosphere --help` (and `instruments list --json`) take to start, measured as a user feels it.

Runs each command repeatedly as a fresh process through the installed console
script (falling back to ``python -m axiosphere``) and writes the median and worst
times to ``bench/results/cli_startup.json``. Goal (issue #2): ``--help`` under 0.3 s.

    python bench/cli_startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from results_file import write_results

GOAL_SECONDS = 0.3


def command() -> list[str]:
    script = Path(sys.executable).parent / "axiosphere"
    if script.exists():
        return [str(script)]
    found = shutil.which("axiosphere")
    return [found] if found else [sys.executable, "-m", "axiosphere"]


def time_runs(args: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    options = parser.parse_args()
    base = command()
    time_runs(base + ["--help"], 2)  # warm the file cache, as on a fieldworker's second run
    results = {}
    for name, extra in {"--help": ["--help"], "instruments list --json": ["instruments", "list", "--json"]}.items():
        times = time_runs(base + extra, options.runs)
        results[name] = {"median_s": round(statistics.median(times), 4), "max_s": round(max(times), 4), "runs": options.runs}
    write_results("cli_startup", {"--help median under 0.3 s": results["--help"]["median_s"] < GOAL_SECONDS}, results,
                  command=" ".join(base))


if __name__ == "__main__":
    main()
