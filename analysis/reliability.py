"""Reliability of each scale, pooled and by group, equal to what R's psych and semTools print.

Every statistic comes from the items' covariance matrix (one pass over the data):
Cronbach's alpha with Feldt's 95% CI (or a bootstrap CI), standardised alpha, the
mean inter-item correlation, corrected item-total correlations and alpha if an item
is deleted (as ``psych::alpha``), and McDonald's omega total from a one-factor ML
CFA as ``semTools::compRelSEM`` reports it (observed total variance in the
denominator). Two-item scales get the inter-item correlation and the Spearman-Brown
coefficient instead (omega is not identified with two items).

Example
-------
>>> import pandas as pd
>>> data = pd.DataFrame({"a": [1, 2, 3, 4, 5, 2], "b": [2, 2, 3, 5, 4, 1], "c": [1, 3, 3, 4, 5, 2]})
>>> result = reliability(data, ["a", "b", "c"])
>>> round(result.scales[0].alpha, 3)
0.943

References
----------
Cronbach (1951), Psychometrika 16, 297-334. Feldt, Woodruff & Salih (1987), Applied
Psychological Measurement 11, 93-103. McDonald (1999), Test theory. Revelle, psych:
``alpha``, ``alpha.ci``. Jorgensen et al., semTools: ``compRelSEM``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from axiosphere.analysis.covariance import covariance
from axiosphere.instruments.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

SMALL_N = 30


@dataclass(frozen=True)
class ScaleReliability:
    """Reliability of one scale in one group (``group`` is ``None`` for the pooled sample)."""

    scale: str
    group: str | None
    n: int
    k: int
    alpha: float | None
    alpha_ci: tuple[float, float] | None
    ci_method: str
    std_alpha: float | None
    omega_total: float | None
    mean_inter_item_r: float | None
    spearman_brown: float | None
    items: pd.DataFrame
    warnings: tuple[str, ...] = ()
    n_available: int | None = None

    @property
    def n_excluded(self) -> int | None:
        """Respondents with some answers to the scale left out by listwise deletion."""
        return None if self.n_available is None else self.n_available - self.n

    def to_dict(self) -> dict[str, Any]:
        return {
            "scale": self.scale, "group": self.group, "n": self.n, "k": self.k, "alpha": self.alpha,
            "alpha_ci": list(self.alpha_ci) if self.alpha_ci else None, "ci_method": self.ci_method,
            "std_alpha": self.std_alpha, "omega_total": self.omega_total, "mean_inter_item_r": self.mean_inter_item_r,
            "spearman_brown": self.spearman_brown, "items": self.items.to_dict(orient="records"),
            "warnings": list(self.warnings), "n_available": self.n_available, "n_excluded": self.n_excluded,
        }


@dataclass(frozen=True)
class ReliabilityResult:
    """Reliability of several scales and groups, with the missing-data rule used."""

    scales: tuple[ScaleReliability, ...]
    missing: str
    options: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_frame(self) -> Any:
        import pandas as pd

        rows = [{k: v for k, v in s.to_dict().items() if k not in ("items", "alpha_ci", "warnings")}
                | {"alpha_ci_low": s.alpha_ci[0] if s.alpha_ci else None, "alpha_ci_high": s.alpha_ci[1] if s.alpha_ci else None,
                   "warnings": "; ".join(s.warnings)}
                for s in self.scales]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {"missing": self.missing, "options": dict(self.options), "scales": [s.to_dict() for s in self.scales],
                "notes": list(self.notes)}


def _stats(frame: Any, scale: str, group: str | None, missing: str, ci: str, n_boot: int, seed: int | None) -> ScaleReliability:
    values = frame.to_numpy(dtype="float64")  # a view when the frame is one float block
    cov, n, answered = covariance(values, missing)
    # Pairwise, n is (as psych) the respondents with any answer.
    result = _estimate(values, cov, answered if missing == "pairwise" else n, list(frame.columns), scale, group,
                       missing, ci, n_boot, seed)
    return replace(result, n_available=answered)


def _estimate(values: np.ndarray, cov: np.ndarray, n: int, items: list[str], scale: str, group: str | None,
              missing: str, ci: str, n_boot: int, seed: int | None) -> ScaleReliability:
    import pandas as pd

    k = len(items)
    warnings: list[str] = []
    empty = pd.DataFrame({"item": items, "item_total_r": np.nan, "alpha_if_deleted": np.nan})
    if n < 2 or np.isnan(cov).any():
        return ScaleReliability(scale, group, int(n), k, None, None, ci, None, None, None, None, empty,
                                (f"only {n} respondent(s) with usable answers: nothing to compute",))
    zero = [i for i, v in zip(items, np.diag(cov)) if v <= 0]
    if zero:
        return ScaleReliability(scale, group, int(n), k, None, None, ci, None, None, None, None, empty,
                                (f"item(s) {', '.join(zero)} have no variance here: reliability is undefined",))
    # Correlations standardise the covariance matrix (psych's cov2cor), also under pairwise deletion.
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd)
    total = cov.sum()
    off = (total - np.trace(cov)) / (k * (k - 1))
    if off < 0:
        warnings.append("the average covariance between items is negative: a reverse key is probably missing")
    if n < SMALL_N:
        warnings.append(f"n = {n} is small: estimates and their CI are unstable")
    mean_r = float((corr.sum() - k) / (k * (k - 1)))
    if k == 2:
        r = float(corr[0, 1])
        warnings.append("two items: the inter-item correlation and the Spearman-Brown coefficient are reported "
                        "instead of alpha and omega (omega is not identified with two items)")
        return ScaleReliability(scale, group, int(n), k, None, None, ci, None, None, r, 2 * r / (1 + r),
                                empty.assign(item_total_r=r), tuple(warnings))
    alpha = float(k / (k - 1) * (1 - np.trace(cov) / total))
    std_alpha = float(k / (k - 1) * (1 - k / corr.sum()))
    column_sums = cov.sum(axis=0)
    rest = total - 2 * column_sums + np.diag(cov)
    item_total = (column_sums - np.diag(cov)) / np.sqrt(np.diag(cov) * rest)
    if_deleted = np.array([(k - 1) / (k - 2) * (1 - (np.trace(cov) - cov[i, i]) / rest[i]) for i in range(k)])
    if ci == "feldt":
        df1, df2 = n - 1, (n - 1) * (k - 1)
        from axiosphere.analysis.distributions import f_quantile

        alpha_ci = (1 - (1 - alpha) * f_quantile(0.975, df1, df2), 1 - (1 - alpha) * f_quantile(0.025, df1, df2))
    else:
        alpha_ci = _bootstrap_ci(values, missing, n_boot, seed)
    try:
        from axiosphere.analysis.cfa import fit_one_factor

        fit = fit_one_factor(cov * (n - 1) / n, n=n)
        omega = float(fit.loadings.sum() ** 2 / (total * (n - 1) / n))
        if not fit.converged:
            warnings.append("the one-factor model for omega did not converge: omega is not reported")
            omega = None
    except (ValueError, np.linalg.LinAlgError) as exc:
        warnings.append(f"omega not computed: {exc}")
        omega = None
    table = pd.DataFrame({"item": items, "item_total_r": item_total, "alpha_if_deleted": if_deleted})
    return ScaleReliability(scale, group, int(n), k, alpha, alpha_ci, ci, std_alpha, omega, mean_r, None, table,
                            tuple(warnings))


def _bootstrap_ci(values: np.ndarray, missing: str, n_boot: int, seed: int | None) -> tuple[float, float]:
    """Percentile bootstrap CI of alpha, resampling respondents."""
    rng = np.random.default_rng(seed)
    values = values[~np.isnan(values).any(axis=1) if missing == "listwise" else ~np.isnan(values).all(axis=1)]
    k = values.shape[1]
    draws = []
    for _ in range(n_boot):
        cov = covariance(values[rng.integers(0, len(values), len(values))], missing)[0]
        draws.append(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))
    low, high = np.nanpercentile(draws, [2.5, 97.5])
    return float(low), float(high)


def _check_items(data: Any, items: Sequence[str]) -> None:
    import pandas as pd

    unknown = [i for i in items if i not in data.columns]
    if unknown:
        raise InputError(f"no column {', '.join(repr(u) for u in unknown)} in the data")
    if len(items) < 2:
        raise InputError(f"a scale needs at least two items for reliability; got {len(items)} ({', '.join(items)})")
    text = [i for i in items if not pd.api.types.is_numeric_dtype(data[i])]
    if text:
        raise InputError(f"column(s) {', '.join(text)} hold non-numeric values")
    empty = [i for i in items if not _answered(data[i].to_numpy(dtype="float64", na_value=np.nan))]
    if empty:
        raise InputError(f"item(s) {', '.join(empty)} have no valid answers")


def _answered(values: np.ndarray) -> bool:
    # The first rows almost always hold an answer: a million-row column is scanned only when they do not.
    return not np.isnan(values[:4096]).all() or not np.isnan(values).all()


def reliability(data: Any, items: Sequence[str], *, scale: str = "custom", reverse: Sequence[str] = (),
                by: str | None = None, missing: str = "listwise", ci: str = "feldt", n_boot: int = 1000,
                seed: int | None = None, bounds: tuple[float, float] | None = None) -> ReliabilityResult:
    """Reliability of the items ``items`` of ``data``, pooled and (with ``by``) per group.

    ``reverse`` items are turned round within ``bounds`` (default: the observed minimum and
    maximum of all items). ``missing`` is ``"listwise"`` or ``"pairwise"`` (as psych's default).
    ``ci``: ``"feldt"`` (Feldt's F-based interval, as ``psych::alpha.ci``) or ``"bootstrap"`` (``n_boot``
    percentile resamples of respondents, ``seed``).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import one_factor_groups
    >>> data = one_factor_groups({"orsha": 0.0, "tver": 0.5}, n=300, seed=1)
    >>> reliability(data, ["t1", "t2", "t3", "t4"], by="city").to_frame()[["group", "n", "alpha", "omega_total"]].round(2)
       group    n  alpha  omega_total
    0    NaN  600   0.83         0.84
    1  orsha  300   0.80         0.81
    2   tver  300   0.83         0.84
    """
    if missing not in ("listwise", "pairwise"):
        raise InputError(f"missing must be 'listwise' or 'pairwise', not '{missing}'")
    if ci not in ("feldt", "bootstrap"):
        raise InputError(f"ci must be 'feldt' or 'bootstrap', not '{ci}'")
    _check_items(data, list(items))
    frame = data[list(items)].astype("float64")
    if reverse:
        unknown = [r for r in reverse if r not in items]
        if unknown:
            raise InputError(f"reverse-keyed item(s) {', '.join(unknown)} are not among the items")
        low, high = bounds or (float(np.nanmin(frame.to_numpy())), float(np.nanmax(frame.to_numpy())))
        for item in reverse:
            frame[item] = low + high - frame[item]
    return ReliabilityResult(tuple(_grouped(frame, data, scale, by, missing, ci, n_boot, seed)), missing)


def _grouped(frame: Any, data: Any, scale: str, by: str | None, missing: str, ci: str, n_boot: int, seed: int | None) -> list[ScaleReliability]:
    out = [_stats(frame, scale, None, missing, ci, n_boot, seed)]
    if by is not None:
        if by not in data.columns:
            raise InputError(f"no column '{by}' to group by")
        for group, rows in frame.groupby(data[by], sort=True):
            out.append(_stats(rows, scale, str(group), missing, ci, n_boot, seed))
    return out


def instrument_reliability(data: Any, instrument: Any, *, scales: Sequence[str] | None = None, by: str | None = None,
                           missing: str = "listwise", ci: str = "feldt", options: Mapping[str, str] | None = None,
                           n_boot: int = 1000, seed: int | None = None) -> ReliabilityResult:
    """Reliability of an instrument's scales (not composites) on raw, directed and reverse-keyed items.

    Scales of two items get the inter-item correlation and its Spearman-Brown reliability instead of alpha
    (Eisinga, te Grotenhuis & Pelzer, 2013); ``options`` are the instrument's analysis choices (e.g. where
    hedonism belongs).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_survey
    >>> data, pvq = value_survey({"orsha": (0.3, 0.0), "tver": (-0.3, 0.0)}, n=200, seed=1)
    >>> result = instrument_reliability(data, pvq, scales=["universalism", "security"], by="city")
    >>> result.to_frame()[["scale", "group", "k", "alpha", "spearman_brown"]].round(2)
              scale  group  k  alpha  spearman_brown
    0  universalism    NaN  3   0.82             NaN
    1  universalism  orsha  3   0.77             NaN
    2  universalism   tver  3   0.85             NaN
    3      security    NaN  2    NaN            0.75
    4      security  orsha  2    NaN            0.75
    5      security   tver  2    NaN            0.74
    """
    from axiosphere.analysis.scoring import keyed_items

    chosen = list(scales or [s for s, v in instrument.scales.items() if not v.is_composite])
    unknown = [s for s in chosen if s not in instrument.scales]
    if unknown:
        raise InputError(f"instrument '{instrument.id}' has no scale {', '.join(unknown)} (it has {', '.join(instrument.scales)})")
    resolved = instrument.resolve_options(options)
    results: list[ScaleReliability] = []
    notes: list[str] = []
    for scale_id in chosen:
        declared = list(instrument.scale_items(scale_id, resolved))
        if len(declared) < 2:
            continue
        # A data set may hold only some of a scale's items (ESS data lack a project's own items):
        # the scale is analysed on the items present, and says so, when enough of them are there.
        items = [i for i in declared if i in data.columns]
        absent = [i for i in declared if i not in data.columns]
        needed = max(2, instrument.scales[scale_id].min_valid)
        if len(items) < needed:
            message = (f"{scale_id}: only {len(items)} of its {len(declared)} items are in the data "
                       f"(absent: {', '.join(absent)}); it needs at least {needed}")
            if scales:
                raise InputError(message)
            notes.append(message + "; not analysed")
            continue
        _check_items(data, items)
        frame = keyed_items(data, instrument, scale_id, resolved, items=items)
        rows = _grouped(frame, data, scale_id, by, missing, ci, n_boot, seed)
        if absent:
            notes.append(f"{scale_id} is analysed on {len(items)} of its {len(declared)} items (absent: {', '.join(absent)})")
            rows = [replace(r, warnings=(*r.warnings, f"{len(absent)} of the scale's items absent: {', '.join(absent)}"))
                    for r in rows]
        results.extend(rows)
    if not results and notes:
        raise InputError(f"no scale of '{instrument.id}' can be analysed on these data; {notes[0].removesuffix('; not analysed')}")
    return ReliabilityResult(tuple(results), missing, resolved, tuple(notes))
