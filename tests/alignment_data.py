"""A seeded generator of groups with known factor means and variances and planted non-invariant parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd


def planted(groups: int = 24, items: int = 6, n: int = 500, share: float = 0.2, seed: int = 1):
    """Answers of ``groups`` groups to a one-factor scale; ``share`` of the loadings and of the intercepts of the
    groups other than g00 differ from the common ones (by ±0.3 and ±0.5), spread evenly over the groups (each has
    the floor or the ceiling of ``share`` x ``items`` drifting loadings, and as many intercepts, on items drawn
    at random), the design of the simulations of Asparouhov & Muthén (2014). Group g00 has mean 0 and variance 1. Returns (data, truth, planted cells)."""
    rng = np.random.default_rng(seed)
    loading = rng.uniform(0.6, 1.0, items)
    intercept = rng.uniform(-0.5, 0.5, items)
    residual = rng.uniform(0.3, 0.6, items)
    mean = np.concatenate([[0.0], rng.normal(0, 0.5, groups - 1)])
    variance = np.concatenate([[1.0], rng.uniform(0.6, 1.6, groups - 1)])
    lam = np.tile(loading, (groups, 1))
    nu = np.tile(intercept, (groups, 1))
    cells = []
    total = round(share * items * (groups - 1))  # of each kind: loadings and intercepts alike
    for kind, shift in (("loading", 0.3), ("intercept", 0.5)):
        counts = rng.permutation([total // (groups - 1) + (g < total % (groups - 1)) for g in range(groups - 1)])
        for g, count in zip(range(1, groups), counts):
            for i in rng.choice(items, size=min(count, items), replace=False):
                (lam if kind == "loading" else nu)[g, i] += rng.choice([-shift, shift])
                cells.append((f"g{g:02d}", f"x{i}", kind))
    frames = []
    for g in range(groups):
        eta = mean[g] + np.sqrt(variance[g]) * rng.normal(size=n)
        x = nu[g] + eta[:, None] * lam[g] + rng.normal(size=(n, items)) * np.sqrt(residual)
        frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(items)])
        frame.insert(0, "city", f"g{g:02d}")
        frames.append(frame)
    truth = pd.DataFrame({"group": [f"g{g:02d}" for g in range(groups)], "mean": mean, "variance": variance})
    return pd.concat(frames, ignore_index=True), truth, cells
