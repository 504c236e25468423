"""Post-stratification weights by raking (iterative proportional fitting), per city.

Each group's sample is raked to its population margins (e.g. sex and age band),
starting from design weights when given; weights are scaled to sum to the group's n.
Optional trimming clips weights to ``[low, high]`` times the mean weight and rakes
again, until both hold. Diagnostics: Kish's design effect and effective n, the
weight range, and achieved against target margins. Written with numpy because the
raking packages on PyPI pin old numpy; the results equal R's ``survey::rake``.

Example
-------
>>> import pandas as pd
>>> data = pd.DataFrame({"sex": ["m", "m", "f", "f", "f", "f"]})
>>> result = rake(data, {"sex": {"m": 0.5, "f": 0.5}})
>>> result.weights.tolist()
[1.5, 1.5, 0.75, 0.75, 0.75, 0.75]
>>> round(float(result.diagnostics["deff_kish"].iloc[0]), 3)
1.125

References
----------
Deming & Stephan (1940), Ann. Math. Stat. 11, 427-444. Kish (1965), Survey Sampling.
Lumley (2004), survey: ``rake``, ``trimWeights``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from axiosphere.instruments.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

Margins = Mapping[str, Mapping[str, float]]


@dataclass(frozen=True)
class Weights:
    """Raked weights (aligned with the data's index) and their diagnostics."""

    weights: pd.Series
    diagnostics: pd.DataFrame
    margins: pd.DataFrame
    trim: tuple[float, float] | None

    def to_frame(self) -> Any:
        return self.weights.to_frame("weight")

    def to_dict(self) -> dict[str, Any]:
        return {"trim": list(self.trim) if self.trim else None,
                "diagnostics": self.diagnostics.to_dict(orient="records"),
                "margins": self.margins.to_dict(orient="records")}


def _rake_group(codes: list[np.ndarray], targets: list[np.ndarray], start: np.ndarray, trim: tuple[float, float] | None,
                max_iter: int, tol: float) -> tuple[np.ndarray, int, bool, int]:
    w = start * len(start) / start.sum()
    iterations, trimmed = 0, 0
    for _ in range(max_iter):
        iterations += 1
        previous = w
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            for code, target in zip(codes, targets):
                totals = np.bincount(code, weights=w, minlength=len(target))
                w = w * (target * w.sum() / totals)[code]
        if not np.all(np.isfinite(w)) or w.sum() <= 0:
            return previous, iterations, False, trimmed  # the margins cannot be met by this sample
        w = w * len(w) / w.sum()
        if trim is not None:
            w, trimmed = _trim(w, trim)
        error = max(np.abs(np.bincount(c, weights=w, minlength=len(t)) / w.sum() - t).max() for c, t in zip(codes, targets))
        if error < tol:
            return w, iterations, True, trimmed
    return w, iterations, False, trimmed


def _trim(w: np.ndarray, trim: tuple[float, float]) -> tuple[np.ndarray, int]:
    """Clip to ``trim`` times the mean weight, keeping the sum; repeat until the bounds hold."""
    clipped_any = np.zeros(len(w), dtype=bool)
    for _ in range(100):
        low, high = trim[0] * w.mean(), trim[1] * w.mean()
        outside = (w < low - 1e-12) | (w > high + 1e-12)
        if not outside.any():
            break
        clipped_any |= outside
        w = np.clip(w, low, high)
        free = ~clipped_any
        # Give the clipped weight back to the unclipped respondents, so the total stays n.
        if free.any():
            w[free] *= (len(w) - w[~free].sum()) / w[free].sum()
    return w, int(clipped_any.sum())


def rake(data: Any, margins: Margins | Mapping[str, Margins], *, by: str | None = None, design_weights: str | None = None,
         trim: tuple[float, float] | None = None, unknown: str = "error", max_iter: int = 1000, tol: float = 1e-10) -> Weights:
    """Rake ``data`` to population ``margins`` ({column: {category: share}}), per group of ``by``.

    With ``by``, ``margins`` maps each group to its own margins; groups without margins
    keep their (design) weights, scaled to mean 1, and are reported as not raked.
    ``unknown="keep"`` leaves respondents whose category is missing at weight 1 (counted
    in the diagnostics) instead of raising ``InputError``. ``trim`` = (low, high) bounds the weights
    (relative to mean 1), raking again after each trim.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"city": ["a"] * 4 + ["b"] * 4, "sex": ["m", "f", "f", "f", "m", "m", "m", "f"]})
    >>> result = rake(data, {"a": {"sex": {"m": 0.5, "f": 0.5}}, "b": {"sex": {"m": 0.5, "f": 0.5}}}, by="city")
    >>> result.weights.round(3).tolist()
    [2.0, 0.667, 0.667, 0.667, 0.667, 0.667, 0.667, 2.0]
    """
    import pandas as pd

    if trim is not None and not (0 < trim[0] < 1 < trim[1]):
        raise InputError(f"trim bounds must satisfy 0 < low < 1 < high (times the mean weight), got {trim}")
    groups = [(None, data)] if by is None else list(data.groupby(by, sort=True))
    if by is not None and by not in data.columns:
        raise InputError(f"no column '{by}' to group by")
    weights = pd.Series(np.nan, index=data.index)
    diagnostics, achieved = [], []
    for group, part in groups:
        group_margins = margins if by is None else margins.get(group) or margins.get(str(group))
        start = part[design_weights].to_numpy(float) if design_weights else np.ones(len(part))
        if design_weights and (np.isnan(start).any() or (start <= 0).any()):
            raise InputError(f"design weights in '{design_weights}' must be positive numbers")
        if not group_margins:
            weights.loc[part.index] = start * len(start) / start.sum()
            diagnostics.append(_diagnostics(group, weights.loc[part.index].to_numpy(), False, 0, False, 0))
            continue
        for column in group_margins:
            if column not in part.columns:
                raise InputError(f"no column '{column}' for the margin of {column}")
        known = part[list(group_margins)].notna().all(axis=1)
        if unknown == "keep" and not known.all():
            weights.loc[part.index[~known]] = 1.0
            start, part = start[known.to_numpy()], part[known]
        codes, targets = [], []
        for column, shares in group_margins.items():
            values = part[column].astype("string")
            categories = [str(c) for c in shares]
            missing = values.isna() | ~values.isin(categories)
            if missing.any():
                odd = sorted(set(values[missing].fillna("<missing>")))[:5]
                raise InputError(f"{'city ' + str(group) + ': ' if group is not None else ''}'{column}' has values without "
                                 f"a population margin: {', '.join(odd)} (margins: {', '.join(categories)})")
            counts = values.value_counts()
            empty = [c for c in categories if counts.get(c, 0) == 0]
            if empty:
                raise InputError(f"{'city ' + str(group) + ': ' if group is not None else ''}no respondent in "
                                 f"{column} = {', '.join(empty)}: the sample cannot be raked to that margin")
            target = np.array([float(shares[c]) for c in shares])
            if not np.isfinite(target).all() or (target < 0).any() or target.sum() <= 0:
                raise InputError(f"{'city ' + str(group) + ': ' if group is not None else ''}the margin of '{column}' "
                                 "must be shares or counts of zero or more, not all zero")
            codes.append(pd.Categorical(values, categories=categories).codes.astype(int))
            targets.append(target / target.sum())
        w, iterations, converged, trimmed = _rake_group(codes, targets, start, trim, max_iter, tol)
        weights.loc[part.index] = w
        diagnostics.append(_diagnostics(group, w, True, iterations, converged, trimmed) | {"unknown": int((~known).sum())})
        for (column, shares), code, target in zip(group_margins.items(), codes, targets):
            got = np.bincount(code, weights=w, minlength=len(target)) / w.sum()
            raw = np.bincount(code, minlength=len(target)) / len(code)
            for category, t, a, r in zip(shares, target, got, raw):
                achieved.append({"group": group, "variable": column, "category": str(category), "target": float(t),
                                 "achieved": float(a), "unweighted": float(r)})
    return Weights(weights, pd.DataFrame(diagnostics), pd.DataFrame(achieved), trim)


def _diagnostics(group: Any, w: np.ndarray, raked: bool, iterations: int, converged: bool, trimmed: int) -> dict[str, Any]:
    n = len(w)
    deff = float(n * np.sum(w**2) / np.sum(w) ** 2)
    with np.errstate(over="ignore", divide="ignore"):
        ratio = float(np.divide(w.max(), w.min()))  # inf when a weight collapsed to zero
    return {"group": group, "raked": raked, "n": n, "n_eff": float(n / deff), "deff_kish": deff,
            "min": float(w.min()), "max": float(w.max()), "ratio": ratio,
            "iterations": iterations, "converged": converged, "trimmed": trimmed, "unknown": 0}
