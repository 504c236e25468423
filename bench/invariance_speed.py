"""Measurement-invariance speed, idle and on a busy laptop; results to bench/results/invariance.json.

1. The configural-metric-scalar sequence on HolzingerSwineford1939 (three factors, by school), in-process
   and as a whole ``axiosphere analyze invariance`` process, against lavaan timed inside R and as a whole
   ``Rscript`` process. Goal: the whole process no slower than Rscript + lavaan.
2. The same sequence for 10 and 20 cities x 21 items (pvq21's value factors), 300-500 respondents a city
   with 2% of answers missing (listwise), against lavaan. Goals: at least 30x lavaan at 10 cities and
   100x at 20 (lavaan at 20 cities takes minutes: ``--lavaan-cities 10`` skips it).
Each runs idle and beside two CPU-bound processes (bench/load.py).

    python bench/invariance_speed.py [--lavaan-cities 10 20]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd

from load import best, best_process, busy, load
from results_file import write_results

HERE = Path(__file__).parent
HS = HERE.parent / "tests" / "reference" / "hs1939.csv"
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"
LEVELS = "for (eq in list('none', 'loadings', c('loadings','intercepts'))) fitMeasures(cfa(m, data = d, group = 'city', group.equal = eq))"


def cities_data(cities: int) -> tuple[pd.DataFrame, object, str]:
    from axiosphere.analysis.invariance import model_from_instrument
    from axiosphere.analysis.scoring import keyed_items
    from axiosphere.instruments import resolve_instrument
    from axiosphere.analysis.example_data import circumplex_answers

    pvq = resolve_instrument("pvq21")
    leans = {f"city{k:02d}": (0.3 * (k % 3) - 0.3, 0.2 * (k % 4) - 0.3) for k in range(cities)}
    data = pd.concat([circumplex_answers(pvq, {city: lean}, n=300 + 20 * (k % 11), seed=5 + k)
                      for k, (city, lean) in enumerate(leans.items())], ignore_index=True)
    model = model_from_instrument(pvq)
    for factor in model.factors:
        data[list(pvq.scale_items(factor))] = keyed_items(data, pvq, factor)
    items = [i for f in model.factors for i in pvq.scale_items(f)]
    rng = np.random.default_rng(cities)
    data[items] = data[items].mask(rng.random((len(data), len(items))) < 0.02)
    lavaan = "\n".join(f"{f} =~ {' + '.join(pvq.scale_items(f))}" for f in model.factors)
    return data[["city", *items]].dropna(), model, lavaan


def lavaan_seconds(data_path: Path, model: str, repeat: int) -> float | None:
    if not shutil.which("Rscript"):
        return None
    script = (f"suppressMessages(library(lavaan)); d <- read.csv({str(data_path)!r}); m <- {model!r};"
              f"f <- function() {LEVELS}; cat(min(sapply(1:{repeat}, function(i) system.time(f())[['elapsed']])))")
    done = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, timeout=3600)
    return float(done.stdout.strip().split()[-1]) if done.returncode == 0 else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lavaan-cities", type=int, nargs="*", default=[10, 20])
    options = parser.parse_args()
    from axiosphere.analysis.invariance import measurement_invariance

    hs = pd.read_csv(HS).rename(columns={"school": "city"})
    results: dict[str, object] = {}
    goals: dict[str, bool] = {}
    with tempfile.TemporaryDirectory() as tmp:
        hs_path = Path(tmp) / "hs.csv"
        hs.to_csv(hs_path, index=False)
        model_path = Path(tmp) / "hs.model"
        model_path.write_text(HS_MODEL, encoding="utf-8")
        cli = [sys.executable, "-m", "axiosphere.cli", "analyze", "invariance", str(hs_path), "--model-file", str(model_path),
               "--by", "city", "--no-partial", "--json"]
        rscript = ["Rscript", "-e", f"suppressMessages(library(lavaan)); d <- read.csv({str(hs_path)!r}); "
                   f"m <- {HS_MODEL!r}; {LEVELS}"]
        run = lambda: measurement_invariance(hs, HS_MODEL, by="city", partial=False)  # noqa: E731
        run()
        hs_result: dict[str, object] = {}
        for condition in ("idle", "busy"):
            with busy() if condition == "busy" else nullcontext():
                hs_result[condition] = {"axiosphere_s": round(best(run), 3), "load": load(),
                                        "axiosphere_process": best_process(cli)}
                if shutil.which("Rscript"):
                    hs_result[condition]["lavaan_s"] = lavaan_seconds(hs_path, HS_MODEL, 3)
                    hs_result[condition]["rscript_process"] = best_process(rscript)
                    goals[f"HS1939 whole process ({condition}) no slower than Rscript + lavaan"] = (
                        hs_result[condition]["axiosphere_process"]["wall_s"] <= hs_result[condition]["rscript_process"]["wall_s"])
        results["hs1939"] = hs_result
        for cities in (10, 20):
            data, model, lavaan_model = cities_data(cities)
            path = Path(tmp) / f"cities{cities}.csv"
            data.to_csv(path, index=False)
            entry: dict[str, object] = {"cities": cities, "rows": len(data), "items": len(data.columns) - 1}
            for condition in ("idle", "busy"):
                with busy() if condition == "busy" else nullcontext():
                    fitted = {}
                    seconds = best(lambda: fitted.setdefault("r", measurement_invariance(data, model, by="city", partial=False)),
                                   repeat=1)
                    entry[condition] = {"axiosphere_s": round(seconds, 2), "load": load(),
                                        "converged": all(level.fit["converged"] for level in fitted["r"].levels)}
                    if cities in options.lavaan_cities and condition == "idle":
                        entry[condition]["lavaan_s"] = lavaan_seconds(path, lavaan_model, 1)
            lavaan_idle = entry["idle"].get("lavaan_s")
            if lavaan_idle:
                ratio = lavaan_idle / entry["idle"]["axiosphere_s"]
                entry["speedup_over_lavaan_idle"] = round(ratio, 1)
                goals[f"{cities} cities at least {30 if cities == 10 else 100}x lavaan"] = ratio >= (30 if cities == 10 else 100)
            results[f"cities{cities}"] = entry
    write_results("invariance", goals, results)


if __name__ == "__main__":
    main()
