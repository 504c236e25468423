"""The demo end to end and the report alone, with peak memory; results to bench/results/demo.json.

Goals: demo end to end (2,420 interviews in 15 cities through the real session and store, analysis of
Orsha's five cities and of the Russian-US network, HTML and PDF report) within 20 s (issue 14; it was 60 s
in issue 6); the report alone (the demo's plan: 5 cities x ~340 interviews, and the network) under 15 s. Each part runs in its own process so that its peak memory (max RSS) is its own.

    python bench/demo_speed.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_file import write_results

CHILD = """
import resource, sys, time
start = time.perf_counter()
if sys.argv[1] == "demo":
    from axiosphere.pipeline import run_demo
    run_demo(sys.argv[2])
else:
    from axiosphere.pipeline import analyse_study
    from axiosphere.reports.render import render_report
    render_report(analyse_study(sys.argv[2], plan=sys.argv[2] + "/plan.yaml"), sys.argv[2] + "/report-bench")
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def run(kind: str, folder: str) -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", CHILD, kind, folder], capture_output=True, text=True, check=True)
    seconds, peak_mb = (float(x) for x in done.stdout.split()[-2:])
    return seconds, peak_mb


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = str(Path(tmp) / "demo")
        start = time.perf_counter()
        demo_s, demo_mb = run("demo", folder)
        wall = time.perf_counter() - start
        report_s, report_mb = run("report", folder)
    results = {"demo": {"seconds_in_process": round(demo_s, 1), "seconds_with_start_up": round(wall, 1),
                        "peak_memory_mb": round(demo_mb)},
               "report_alone": {"seconds": round(report_s, 1), "peak_memory_mb": round(report_mb),
                                "study": "the demo under its plan: 5 cities' sections, the 12-city network"}}
    goals = {"demo within 20 s": wall <= 20, "report alone under 15 s": report_s < 15}
    write_results("demo", goals, results)


if __name__ == "__main__":
    main()
