"""Analysis speed and memory; results to bench/results/analysis.json.

1. Full reliability output (alpha + Feldt CI, standardised alpha, omega total from an ML
   one-factor CFA, item statistics) for 1,000,000 respondents x 21 items, side by side with
   ``pingouin.cronbach_alpha`` alone and, when R is installed, ``psych::alpha`` (timed inside R).
   Goals: no slower than pingouin; at least 20x faster than psych; peak memory at most
   3x the data's float64 size.
2. Welch comparisons (descriptives, Welch t for every pair, Welch ANOVA) for 10 cities x
   20 scales x 100,000 respondents. Goal: under 2 s.

    python bench/analysis_speed.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

from results_file import write_results

import numpy as np
import pandas as pd



def likert(rows: int, items: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=(rows, 1))
    raw = 0.6 * factor + 0.8 * rng.normal(size=(rows, items))
    return pd.DataFrame(np.clip(np.round(raw * 1.2 + 3.5), 1, 6), columns=[f"i{k}" for k in range(items)])


def timed(function, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def reliability_bench(rows: int) -> dict[str, object]:
    import pingouin

    from axiosphere.analysis.reliability import reliability

    data = likert(rows, 21)
    items = list(data.columns)
    reliability(data.head(1000), items)  # warm imports
    ours = timed(lambda: reliability(data, items))
    theirs = timed(lambda: pingouin.cronbach_alpha(data))
    tracemalloc.start()
    reliability(data, items)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = data.to_numpy().nbytes
    result: dict[str, object] = {"rows": rows, "items": 21, "axiosphere_full_output_s": round(ours, 3),
                                 "pingouin_cronbach_alpha_s": round(theirs, 3), "peak_memory_over_data": round(peak / size, 2),
                                 "data_mb": round(size / 2**20, 1)}
    if shutil.which("Rscript"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "data.csv"
            data.to_csv(path, index=False)
            script = (f"suppressMessages(library(psych)); x <- read.csv('{path}'); "
                      "t <- system.time(a <- alpha(x, warnings = FALSE))[['elapsed']]; cat(t)")
            done = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=900)
            if done.returncode == 0:
                seconds = float(done.stdout.strip().split()[-1])
                result["r_psych_alpha_s"] = seconds
                result["speedup_over_psych"] = round(seconds / ours, 1)
    return result


def compare_bench(rows: int = 100_000, cities: int = 10, scales: int = 20) -> dict[str, object]:
    from axiosphere.analysis.compare import compare

    rng = np.random.default_rng(2)
    data = pd.DataFrame(rng.normal(size=(rows, scales)), columns=[f"s{k}" for k in range(scales)])
    data["city"] = rng.integers(0, cities, rows).astype(str)
    columns = [f"s{k}" for k in range(scales)]
    compare(data.head(2000), columns, by="city", posthoc=False, mann_whitney=False)
    seconds = timed(lambda: compare(data, columns, by="city", posthoc=False, mann_whitney=False))
    return {"rows": rows, "cities": cities, "scales": scales, "pairs": cities * (cities - 1) // 2 * scales,
            "welch_seconds": round(seconds, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()
    rel = reliability_bench(options.rows)
    cmp_ = compare_bench()
    goals = {"full output no slower than pingouin.cronbach_alpha": rel["axiosphere_full_output_s"] <= rel["pingouin_cronbach_alpha_s"],
             "peak memory at most 3x the data": rel["peak_memory_over_data"] <= 3,
             "Welch comparisons under 2 s": cmp_["welch_seconds"] < 2}
    if "speedup_over_psych" in rel:
        goals["at least 20x faster than psych::alpha"] = rel["speedup_over_psych"] >= 20
    write_results("analysis", goals, {"reliability": rel, "compare": cmp_})


if __name__ == "__main__":
    main()
