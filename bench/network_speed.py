"""Dyadic regression with QAP on a network of two countries' cities: 70 x 73 cities (5,110 dyads), 2,000
permutations, least squares and logit, Y-permutation and double semi-partialling, idle and beside two busy
processes; results to bench/results/network.json. Goal: each under 30 s.

    python bench/network_speed.py
"""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pandas as pd

from load import best, busy, load
from results_file import write_results


def network(rows: int = 70, columns: int = 73, seed: int = 1) -> pd.DataFrame:
    """Cities of two countries with value profiles and trust; ties likelier between close cities."""
    rng = np.random.default_rng(seed)
    values_a, values_b = rng.normal(0, 1, (rows, 10)), rng.normal(0.2, 1, (columns, 10))
    trust_a, trust_b = rng.normal(5, 1.2, rows), rng.normal(5.5, 1.2, columns)
    a, b = np.repeat(np.arange(rows), columns), np.tile(np.arange(columns), rows)
    distance = np.linalg.norm(values_a[a] - values_b[b], axis=1) / np.sqrt(10)
    gap = np.abs(trust_a[a] - trust_b[b])
    tie = (rng.random(len(a)) < 1 / (1 + np.exp(-(-3.5 - 1.5 * (distance - 1.4) - 0.2 * gap)))).astype(int)
    activity = tie * np.maximum(0, rng.normal(6 - 2 * distance, 1.5))
    return pd.DataFrame({"a": [f"ru{i:02d}" for i in a], "b": [f"us{j:02d}" for j in b], "tie": tie,
                         "activity": activity, "value_distance": distance, "trust_gap": gap})


def main() -> None:
    from axiosphere.analysis.qap import qap_regression

    dyads = network()
    results: dict[str, object] = {"rows": 70, "columns": 73, "dyads": len(dyads), "ties": int(dyads["tie"].sum()),
                                  "permutations": 2000}
    goals = {}
    for outcome in ("tie", "activity"):
        for method in ("dsp", "y"):
            entry: dict[str, object] = {}
            for condition in ("idle", "busy"):
                with busy() if condition == "busy" else nullcontext():
                    fit = {}
                    entry[f"{condition}_s"] = round(best(lambda: fit.setdefault("r", qap_regression(
                        dyads, outcome, ["value_distance", "trust_gap"], method=method, reps=2000, seed=1)), repeat=1), 2)
                    entry[f"{condition}_load"] = load()
            entry["p"] = dict(zip(fit["r"].table["term"], fit["r"].table["p_permutation"].round(4)))
            results[f"{outcome}_{method}"] = entry
            goals[f"{outcome} ({method}) under 30 s (busy)"] = entry["busy_s"] < 30
    write_results("network", goals, results)


if __name__ == "__main__":
    main()
