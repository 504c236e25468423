"""Analysis speed and memory on a busy laptop; results to bench/results/analysis.json.

Every workload runs idle and beside two CPU-bound processes (bench/load.py), on data with missing
answers and groups of unequal size, side by side with the tool a researcher would otherwise use:

1. Reliability, full output (alpha + Feldt CI, standardised alpha, omega from a one-factor ML CFA, item
   statistics), 1,000,000 x 21 with 2% missing, listwise and pairwise: against ``pingouin.cronbach_alpha``
   (alpha only) and one numpy covariance pass. Goals: no slower than pingouin; at most 2x the numpy pass.
2. The same as a whole ``axiosphere analyze reliability`` process on a parquet file: peak resident memory
   above a process that only reads the file. Goal: at most 2x the data's float64 size.
3. Comparisons, 1,000,000 x 10 scales x 5 cities (unequal), with Mann-Whitney and Games-Howell on, against
   pingouin + scipy doing the same work (Welch t, Mann-Whitney, Welch and classic ANOVA, Games-Howell).
   Goal: at least 2x faster.
4. ``axiosphere analyze reliability`` on 10,000 rows as a whole process against ``Rscript`` with psych's
   ``alpha`` for each scale, and what the command imports (``python -X importtime``).

    python bench/analysis_speed.py [--rows 1000000]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd

from load import best_process, busy, idle_and_busy, load
from results_file import write_results

CITIES = ["a", "b", "c", "d", "e"]
SHARES = [0.3, 0.25, 0.2, 0.15, 0.1]


def survey_like(rows: int, items: list[str], seed: int = 1, missing: float = 0.02) -> pd.DataFrame:
    """Six-point answers driven by one factor, ``missing`` of them absent, five cities of unequal size."""
    rng = np.random.default_rng(seed)
    raw = 0.6 * rng.normal(size=(rows, 1)) + 0.8 * rng.normal(size=(rows, len(items)))
    values = np.clip(np.round(raw * 1.2 + 3.5), 1, 6)
    values[rng.random(values.shape) < missing] = np.nan
    data = pd.DataFrame(values, columns=items)
    data.insert(0, "city", rng.choice(CITIES, rows, p=SHARES))
    return data


def pvq_items() -> tuple[list[str], dict[str, list[str]]]:
    from axiosphere.instruments import resolve_instrument

    pvq = resolve_instrument("pvq21")
    scales = {s: list(pvq.scale_items(s)) for s, v in pvq.scales.items() if not v.is_composite}
    return sorted({i for items in scales.values() for i in items}), scales


def reliability_bench(data: pd.DataFrame) -> dict[str, object]:
    import pingouin

    from axiosphere.analysis.reliability import reliability

    items = [c for c in data.columns if c != "city"]
    reliability(data.head(1000), items)  # warm imports
    values = data[items].to_numpy()
    complete = values[~np.isnan(values).any(axis=1)]
    out: dict[str, object] = {"rows": len(data), "items": len(items), "missing_share": 0.02}
    for missing in ("listwise", "pairwise"):
        out[missing] = idle_and_busy({
            "axiosphere_full_output": lambda: reliability(data, items, missing=missing),
            "pingouin_cronbach_alpha": lambda: pingouin.cronbach_alpha(data[items], nan_policy=missing),
            "numpy_cov_pass": lambda: np.cov(complete, rowvar=False),
        }, repeat=7)  # a tenth of a second each: on a shared machine three runs can all meet a neighbour's burst
    return out


def memory_bench(data: pd.DataFrame, folder: Path) -> dict[str, object]:
    path = folder / "big.parquet"
    data.to_parquet(path)
    size = data.drop(columns="city").to_numpy().nbytes / 2**20
    read = best_process([sys.executable, "-c", f"import pandas as pd; pd.read_parquet({str(path)!r})"], repeat=2)
    out: dict[str, object] = {"data_mib": round(size, 1), "read_only": read}
    for missing in ("listwise", "pairwise"):
        run = best_process(_cli("analyze", "reliability", str(path), "--instrument", "pvq21", "--missing", missing, "--json"),
                           repeat=2)
        run["above_read_over_data"] = round((run["peak_mib"] - read["peak_mib"]) / size, 2)
        out[missing] = run
    return out


def _cli(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "axiosphere"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "axiosphere.cli", *args]


def compare_bench(rows: int, scales: int = 10) -> dict[str, object]:
    import pingouin
    from scipy import stats

    from axiosphere.analysis.compare import compare

    rng = np.random.default_rng(2)
    columns = [f"s{k}" for k in range(scales)]
    data = pd.DataFrame(np.round(rng.normal(4, 1, size=(rows, scales)) * 3) / 3, columns=columns)
    data = data.mask(rng.random(data.shape) < 0.02)
    data["city"] = rng.choice(CITIES, rows, p=SHARES)

    def theirs() -> None:
        for scale in columns:
            part = data[["city", scale]].dropna()
            pingouin.welch_anova(data=part, dv=scale, between="city")
            pingouin.anova(data=part, dv=scale, between="city")
            pingouin.pairwise_gameshowell(data=part, dv=scale, between="city")
            for a, b in ((a, b) for n, a in enumerate(CITIES) for b in CITIES[n + 1:]):
                x, y = part.loc[part.city == a, scale], part.loc[part.city == b, scale]
                stats.ttest_ind(x, y, equal_var=False)
                stats.mannwhitneyu(x, y, method="asymptotic")

    compare(data.head(5000), columns, by="city")
    timings = idle_and_busy({"axiosphere_compare": lambda: compare(data, columns, by="city"),
                             "pingouin_scipy_same_work": theirs}, repeat=2)
    return {"rows": rows, "cities": len(CITIES), "scales": scales, "mann_whitney": True, "games_howell": True, **timings}


def startup_bench(folder: Path) -> dict[str, object]:
    items, scales = pvq_items()
    path = folder / "small.csv"
    survey_like(10_000, items, seed=3).to_csv(path, index=False)
    command = _cli("analyze", "reliability", str(path), "--instrument", "pvq21", "--json")
    out: dict[str, object] = {"rows": 10_000}
    for condition in ("idle", "busy"):
        with busy() if condition == "busy" else nullcontext():
            out[f"axiosphere_{condition}"] = {**best_process(command, repeat=5), "load": load()}
            if shutil.which("Rscript"):
                lists = ", ".join(f"{s} = c({', '.join(repr(i) for i in v)})" for s, v in scales.items())
                script = (f"suppressMessages(library(psych)); x <- read.csv({str(path)!r}); scales <- list({lists}); "
                          "for (s in names(scales)) invisible(suppressWarnings(alpha(x[, scales[[s]]], warnings = FALSE)))")
                out[f"rscript_psych_{condition}"] = {**best_process(["Rscript", "-e", script], repeat=5), "load": load()}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "axiosphere.cli", "analyze", "reliability", str(path),
                           "--instrument", "pvq21", "--json"], capture_output=True, text=True)
    imports = {}
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s{1,3}(\S+)$", line)
        if match:  # top-level and second-level packages only
            imports[match.group(2)] = round(int(match.group(1)) / 1e6, 3)
    out["imports_s"] = dict(sorted(imports.items(), key=lambda kv: -kv[1])[:10])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()
    items, _ = pvq_items()
    data = survey_like(options.rows, items)
    with tempfile.TemporaryDirectory() as tmp:
        rel = reliability_bench(data)
        memory = memory_bench(data, Path(tmp))
        cmp_ = compare_bench(options.rows)
        startup = startup_bench(Path(tmp))
    goals = {}
    for missing in ("listwise", "pairwise"):
        ours, pingouin_, numpy_ = (rel[missing][k] for k in ("axiosphere_full_output", "pingouin_cronbach_alpha", "numpy_cov_pass"))
        for condition in ("idle", "busy"):
            goals[f"reliability {missing} ({condition}) no slower than pingouin's alpha"] = (
                ours[f"{condition}_s"] <= pingouin_[f"{condition}_s"])
            goals[f"reliability {missing} ({condition}) at most 2x a numpy covariance pass"] = (
                ours[f"{condition}_s"] <= 2 * numpy_[f"{condition}_s"])
        goals[f"CLI peak memory above reading at most 2x the data ({missing})"] = memory[missing]["above_read_over_data"] <= 2
    for condition in ("idle", "busy"):
        goals[f"comparisons ({condition}) at least 2x faster than pingouin + scipy"] = (
            2 * cmp_["axiosphere_compare"][f"{condition}_s"] <= cmp_["pingouin_scipy_same_work"][f"{condition}_s"])
        if f"rscript_psych_{condition}" in startup:
            goals[f"10k-row reliability process ({condition}) no slower than Rscript + psych"] = (
                startup[f"axiosphere_{condition}"]["wall_s"] <= startup[f"rscript_psych_{condition}"]["wall_s"])
    write_results("analysis", goals, {"reliability": rel, "memory": memory, "compare": cmp_, "startup": startup})


if __name__ == "__main__":
    main()
