"""Alignment speed and recovery, idle and beside two busy processes; results to bench/results/alignment.json.

24 groups x 6 items x 500 respondents with 20% planted non-invariant parameters (tests/alignment_data.py):
time of FIXED and FREE alignment (ten starts each), the correlation of the aligned means and variances with
the truth, and the Monte Carlo check of 100 replications. Goals: alignment under 10 s, the check under 2 minutes.

    python bench/alignment_speed.py
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from load import best, busy, load
from results_file import write_results

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
from alignment_data import planted  # noqa: E402


def main() -> None:
    from axiosphere.analysis.alignment import alignment

    data, truth, cells = planted(groups=24, items=6, n=500, share=0.2, seed=1)
    items = [f"x{i}" for i in range(6)]
    results: dict[str, object] = {"groups": 24, "items": 6, "n_per_group": 500, "planted_cells": len(cells)}
    for method in ("fixed", "free"):
        fitted = {}
        entry: dict[str, object] = {}
        for condition in ("idle", "busy"):
            with busy() if condition == "busy" else nullcontext():
                entry[f"{condition}_s"] = round(best(lambda: fitted.setdefault(
                    "r", alignment(data, items, by="city", method=method, reference="g00"))), 3)
                entry[f"{condition}_load"] = load()
        merged = fitted["r"].means.merge(truth, on="group", suffixes=("", "_true"))
        entry["r_means"] = round(float(np.corrcoef(merged["mean"], merged["mean_true"])[0, 1]), 4)
        entry["r_variances"] = round(float(np.corrcoef(merged["variance"], merged["variance_true"])[0, 1]), 4)
        results[method] = entry
    import time

    from axiosphere.analysis.alignment_check import monte_carlo

    start = time.perf_counter()
    check = monte_carlo(alignment(data, items, by="city", reference="g00"), replications=100)
    results["monte_carlo_100"] = {**check.to_dict(), "seconds": round(time.perf_counter() - start, 2), "load": load()}
    goals = {f"{m} under 10 s (busy)": results[m]["busy_s"] < 10 for m in ("fixed", "free")}
    goals["Monte Carlo of 100 replications under 2 minutes"] = results["monte_carlo_100"]["seconds"] < 120
    goals |= {f"{m} means recovered (r >= .98)": results[m]["r_means"] >= 0.98 for m in ("fixed", "free")}
    write_results("alignment", goals, results)


if __name__ == "__main__":
    main()
