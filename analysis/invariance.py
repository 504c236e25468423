"""Measurement invariance across cities: configural, metric, scalar and strict, with partial invariance.

Each level adds equality constraints to the previous one (loadings, then intercepts, then
residual variances) and is judged against it by Chen's (2007) cut-offs: the level holds
when CFI drops by at most ``delta_cfi`` (.010) and RMSEA rises by at most ``delta_rmsea``
(.015); the chi-square difference test is reported too. When a level fails, the equality
constraint that most hurts fit is found by a score test (the univariate test of
``lavaan::lavTestScore``: how much chi-square would drop if that group's parameter were
freed), freed, and the model refitted, until the level holds. Latent means are estimated
under the highest level that holds with equal intercepts (reference city fixed at 0).

Example
-------
>>> result = measurement_invariance(data, "trust =~ t1 + t2 + t3 + t4", by="city")  # doctest: +SKIP
>>> [level.level for level in result.levels if level.holds]  # doctest: +SKIP
['configural', 'metric', 'scalar']

References
----------
Vandenberg & Lance (2000), Organizational Research Methods 3, 4-70. Chen (2007), Structural
Equation Modeling 14, 464-504. Byrne, Shavelson & Muthén (1989) on partial invariance.
Rosseel (2012), lavaan, J. Stat. Softw. 48(2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from axiosphere.analysis.fit_indices import fit_indices
from axiosphere.analysis.mgcfa import (
    GroupData, Model, build_slots, expected_information, fit_model, group_data, parse_model, slot_values,
    _objective,
)
from axiosphere.analysis.threads import one_blas_thread
from axiosphere.instruments.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

LEVELS = (("configural", ()), ("metric", ("loading",)), ("scalar", ("loading", "intercept")),
          ("strict", ("loading", "intercept", "residual")))
_ADDED = {"metric": "loading", "scalar": "intercept", "strict": "residual"}


@dataclass(frozen=True)
class Level:
    """Fit of one invariance level and its judgement against the level accepted before it.

    A partial level (``partial scalar``) is its own row, after the full level that failed,
    with the constraints it freed.
    """

    level: str
    fit: dict[str, Any]
    delta: dict[str, Any] | None
    holds: bool
    freed: tuple[dict[str, Any], ...] = ()
    compared_with: str | None = None

    @property
    def partial(self) -> bool:
        return self.level.startswith("partial ")

    @property
    def just_identified(self) -> bool:
        """df = 0: the model reproduces the data exactly; its fit cannot be tested."""
        return int(self.fit["df"]) == 0

    def to_dict(self) -> dict[str, Any]:
        keys = ("chisq", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci", "srmr", "aic", "bic")
        return {"level": self.level, **{k: self.fit[k] for k in keys}, "delta": self.delta, "holds": self.holds,
                "compared_with": self.compared_with, "just_identified": self.just_identified, "freed": list(self.freed)}


@dataclass(frozen=True)
class InvarianceResult:
    """The level sequence (full levels, then partial ones where a full level failed), latent means by group."""

    levels: tuple[Level, ...]
    latent_means: pd.DataFrame
    groups: tuple[str, ...]
    model: str
    cutoffs: dict[str, float]
    notes: tuple[str, ...] = ()
    reference: str | None = None

    @property
    def highest(self) -> str | None:
        """The highest level that holds, e.g. ``"metric"`` or ``"partial scalar"``."""
        held = [level.level for level in self.levels if level.holds]
        return held[-1] if held else None

    @property
    def means_comparable(self) -> bool:
        """Whether intercepts are at least partially equal, so that latent means may be compared."""
        return (self.highest or "").removeprefix("partial ") in ("scalar", "strict")

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = []
        for level in self.levels:
            row = {k: v for k, v in level.to_dict().items() if k not in ("delta", "rmsea_ci", "freed")}
            row["rmsea_ci_low"], row["rmsea_ci_high"] = level.fit["rmsea_ci"]
            for key, value in (level.delta or {}).items():
                row[f"delta_{key}"] = value
            row["freed"] = "; ".join(f"{f['param']} of {f['item']} in {f['group']}" for f in level.freed)
            rows.append(row)
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        return {"groups": list(self.groups), "reference": self.reference, "model": self.model, "cutoffs": self.cutoffs,
                "levels": [level.to_dict() for level in self.levels if not level.partial],
                "partial": [level.to_dict() for level in self.levels if level.partial],
                "latent_means": self.latent_means.to_dict(orient="records"), "highest": self.highest,
                "means_comparable": self.means_comparable, "notes": list(self.notes)}


def model_from_instrument(instrument: Any, scales: Sequence[str] | None = None,
                          options: Mapping[str, str] | None = None) -> Model:
    """One factor per scale (default: the non-composite ones), its items as indicators; a composite (a
    higher-order value) is one factor over all its items, under ``options``."""
    chosen = list(scales or [s for s, v in instrument.scales.items() if not v.is_composite])
    unknown = [s for s in chosen if s not in instrument.scales]
    if unknown:
        raise InputError(f"instrument '{instrument.id}' has no scale {', '.join(unknown)}")
    return parse_model("\n".join(f"{s} =~ {' + '.join(instrument.scale_items(s, options))}" for s in chosen))


class _Search:
    """Fits, score tests and the partial-invariance loop over one data set."""

    def __init__(self, model: Model, data: list[GroupData], groups: list[str]):
        self.model, self.data, self.groups = model, data, groups
        self.items = model.items

    def fit(self, equal: Sequence[str], free: Sequence[tuple[str, str, int]], start: Any = None) -> tuple[Any, dict[str, Any]]:
        slots = build_slots(self.model, len(self.data), equal=equal, free=free, latent_means="intercept" in equal)
        theta = slot_values(start, slots, self.model) if start is not None else None
        fit = fit_model(self.model, self.data, slots, start=theta)
        return fit, fit_indices(fit, self.data, self.model)

    def score_tests(self, fit: Any, equal: Sequence[str], free: Sequence[tuple[str, str, int]], kind: str) -> list[tuple[float, str, int]]:
        """Score statistic for freeing each group's copy of each ``kind`` constraint still in force."""
        split = [k for k in equal if k != kind]
        expanded = build_slots(self.model, len(self.data), equal=split, free=free, latent_means="intercept" in equal)
        A = np.zeros((expanded.size, fit.slots.size))
        for g in range(len(self.data)):
            for key, e in expanded.index[g].items():
                A[e, fit.slots.index[g][key]] = 1.0
        theta = slot_values(fit, expanded, self.model)
        gradient = _objective(theta, self.model, self.data, expanded)[1]
        H = expected_information(self.model, self.data, fit, expanded)
        H_cc = A.T @ H @ A
        try:
            H_cc_inv = np.linalg.inv(H_cc)
        except np.linalg.LinAlgError:
            H_cc_inv = np.linalg.pinv(H_cc)
        letter = {"loading": "L", "intercept": "n", "residual": "T"}[kind]
        freed = {(k, i, g) for k, i, g in free}
        out = []
        for g in range(len(self.data)):
            for (code, i, j), e in expanded.index[g].items():
                if code != letter or (kind, self.items[i], g) in freed:
                    continue
                cross = H[e] @ A
                efficient = H[e, e] - cross @ H_cc_inv @ cross
                if efficient > 1e-12:
                    out.append((float(gradient[e] ** 2 / (2 * efficient)), self.items[i], g))
        return sorted(out, reverse=True)


def _is_numeric(column: Any) -> bool:
    from pandas.api.types import is_numeric_dtype

    return bool(is_numeric_dtype(column))


def _delta(new: dict[str, Any], old: dict[str, Any], cutoffs: dict[str, float]) -> tuple[dict[str, Any], bool]:
    from axiosphere.analysis.distributions import chi2_sf

    d_chi, d_df = new["chisq"] - old["chisq"], new["df"] - old["df"]
    delta = {"chisq": d_chi, "df": d_df, "p": chi2_sf(d_chi, d_df) if d_df > 0 else None,
             "cfi": new["cfi"] - old["cfi"], "rmsea": new["rmsea"] - old["rmsea"]}
    holds = -delta["cfi"] <= cutoffs["delta_cfi"] + 1e-12 and delta["rmsea"] <= cutoffs["delta_rmsea"] + 1e-12
    return delta, bool(holds)


@one_blas_thread
def measurement_invariance(data: Any, model: str | Model, *, by: str, strict: bool = False, partial: bool = True,
                           delta_cfi: float = 0.010, delta_rmsea: float = 0.015, max_free: int | None = None,
                           groups: Sequence[str] | None = None, reference: str | None = None) -> InvarianceResult:
    """Test configural, metric, scalar (and strict) invariance of ``model`` across the groups in ``by``.

    Parameters
    ----------
    model
        lavaan-style syntax (``"f =~ a + b + c"``, several lines for several factors) or a ``Model``.
    partial
        When a level fails, free the constraints that most hurt fit, one at a time, until it holds.
    delta_cfi, delta_rmsea
        Chen's (2007) cut-offs for the change in CFI and RMSEA between levels.
    max_free
        At most this many constraints freed per level (default: all but one per factor and group).
    groups
        Group order; the first is the reference whose latent means are fixed at 0.
    reference
        The reference group (moved first); e.g. the study's hub.

    Examples
    --------
    One item's intercept drifts in one city: full scalar invariance fails, and the partial search frees it.

    >>> from axiosphere.analysis.example_data import one_factor_groups
    >>> data = one_factor_groups({"orsha": 0.0, "smolensk": 0.3, "tver": 0.5}, n=300, drift={("tver", "t4"): 0.8}, seed=1)
    >>> result = measurement_invariance(data, "trust =~ t1 + t2 + t3 + t4", by="city")
    >>> [level.level for level in result.levels if level.holds]
    ['configural', 'metric', 'partial scalar']
    >>> result.notes[0]
    'full scalar invariance does not hold; partial scalar invariance holds with the intercept of t4 free in tver'
    >>> result.latent_means.round(2)
      factor     group  mean    se
    0  trust     orsha  0.00  0.00
    1  trust  smolensk  0.43  0.08
    2  trust      tver  0.50  0.08
    """
    import pandas as pd

    parsed = parse_model(model) if isinstance(model, str) else model
    absent = [i for i in parsed.items if i not in data.columns]
    if absent:
        raise InputError(f"the model names column(s) {', '.join(absent)}, which the data do not have")
    if by not in data.columns:
        raise InputError(f"no column '{by}' to group by")
    if reference is not None:
        present = sorted(data[by].dropna().astype(str).unique())
        if reference not in present:
            raise InputError(f"reference group '{reference}' is not a value of '{by}' (the data have {', '.join(present)})")
        groups = [reference, *[g for g in (groups or present) if g != reference]]
    text = [i for i in parsed.items if not _is_numeric(data[i])]
    if text:
        raise InputError(f"item column(s) {', '.join(text)} hold non-numeric values; recode them (or load the data "
                         "with its instrument, which turns missing codes into missing values)")
    names, arrays = group_data(data, parsed.items, by, order=groups)
    if len(names) < 2:
        raise InputError(f"'{by}' has {len(names)} group(s) with complete answers; invariance needs at least 2")
    per_group = len(build_slots(parsed, 1).index[0])
    # A group with no more respondents than the model has parameters cannot be fitted: it is left out (said in the
    # notes), unless it is the reference the latent means are relative to, or fewer than two groups would remain.
    small = [(name, len(values)) for name, values in zip(names, arrays) if len(values) <= per_group]
    if small and (reference in dict(small) or len(small) > len(names) - 2):
        name, n = next(((g, n) for g, n in small if g == reference), small[0])
        raise InputError(f"{by} '{name}' has {n} respondents with complete answers, no more than the "
                         f"{per_group} free parameters of the model in each group")
    levels, notes = [], [f"{by} '{name}' left out: {n} respondents with complete answers, no more than the "
                         f"{per_group} free parameters of the model in each group" for name, n in small]
    kept = [k for k, name in enumerate(names) if name not in dict(small)]
    names, arrays = [names[k] for k in kept], [arrays[k] for k in kept]
    search = _Search(parsed, [GroupData(v) for v in arrays], names)
    cutoffs = {"delta_cfi": delta_cfi, "delta_rmsea": delta_rmsea}
    fit, indices = search.fit((), ())
    if not indices["converged"]:
        raise InputError(f"the configural model did not converge ({fit.message}); check the model and the data "
                         "(too few respondents per group for this many items?)")
    levels.append(Level("configural", indices, None, True))
    if levels[0].just_identified:
        notes.append("the configural model is just-identified (df = 0): its fit cannot be tested, and the metric "
                     "level's test is its own chi-square")
    accepted, accepted_indices, accepted_name, free = fit, indices, "configural", []
    for name, equal in LEVELS[1:]:
        if name == "strict" and not strict:
            break
        kind = _ADDED[name]
        fit, indices = search.fit(equal, free, start=accepted)
        delta, holds = _delta(indices, accepted_indices, cutoffs)
        if not indices["converged"]:
            notes.append(f"the {name} model did not converge; its fit is not reliable")
            holds = False
        # The full level is reported with its own fit, whether or not a partial level follows.
        levels.append(Level(name, indices, delta, holds, (), accepted_name))
        if holds:
            accepted, accepted_indices, accepted_name = fit, indices, name
            continue
        freed_here: list[dict[str, Any]] = []
        limit = max_free if max_free is not None else len(parsed.items) * (len(names) - 1) - len(parsed.factors)
        while not holds and partial and len(freed_here) < limit:
            tests = search.score_tests(fit, equal, free, kind)
            if not tests:
                break
            statistic, item, g = tests[0]
            free.append((kind, item, g))
            freed_here.append({"param": kind, "item": item, "group": names[g], "score_test": round(statistic, 3)})
            fit, indices = search.fit(equal, free, start=fit)
            delta, holds = _delta(indices, accepted_indices, cutoffs)
        if freed_here:
            if not indices["converged"]:
                notes.append(f"the partial {name} model did not converge; its fit is not reliable")
                holds = False
            levels.append(Level(f"partial {name}", indices, delta, holds, tuple(freed_here), accepted_name))
        if not holds:
            notes.append(f"{name} invariance does not hold" + (" even after freeing constraints" if freed_here else "")
                         + "; higher levels were not tested")
            break
        notes.append(f"full {name} invariance does not hold; partial {name} invariance holds with "
                     + "; ".join(f"the {f['param']} of {f['item']} free in {f['group']}" for f in freed_here))
        accepted, accepted_indices, accepted_name = fit, indices, f"partial {name}"
    result_levels = tuple(levels)
    comparable = (accepted_name.removeprefix("partial ") in ("scalar", "strict"))
    means = _latent_means(search, accepted, parsed, names) if comparable else None
    if means is None:
        notes.append("scalar invariance does not hold, not even partially: latent means are not comparable across groups")
        means = pd.DataFrame(columns=["factor", "group", "mean", "se"])
    text = model if isinstance(model, str) else "\n".join(f"{f} =~ {' + '.join(i)}" for f, i in parsed.factors.items())
    return InvarianceResult(result_levels, means, tuple(names), text, cutoffs, tuple(notes), names[0])


def _latent_means(search: _Search, fit: Any, model: Model, names: list[str]) -> Any:
    import pandas as pd

    H = expected_information(model, search.data, fit, fit.slots)
    factors = list(model.factors)
    wanted = sorted({slot for g in range(len(names)) for j in range(len(factors))
                     if (slot := fit.slots.index[g].get(("a", j, 0))) is not None})
    variance = dict(zip(wanted, 2 * _inverse_diagonal(H, wanted)))
    rows = []
    for g, name in enumerate(names):
        for j, factor in enumerate(factors):
            slot = fit.slots.index[g].get(("a", j, 0))
            mean = float(fit.matrices[g]["alpha"][j])
            se = float(np.sqrt(variance[slot])) if slot is not None else 0.0
            rows.append({"factor": factor, "group": name, "mean": mean, "se": se})
    return pd.DataFrame(rows)


def _inverse_diagonal(H: np.ndarray, wanted: list[int]) -> np.ndarray:
    """Diagonal entries ``wanted`` of the inverse of the information matrix: by Cholesky and a solve for those
    columns alone (20 cities have some 1,500 parameters: a full pseudo-inverse by SVD took two seconds); the
    pseudo-inverse only when the matrix is singular."""
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    if not wanted:
        return np.zeros(0)
    try:
        columns = cho_solve(cho_factor(H), np.eye(len(H))[:, wanted])
        return columns[wanted, np.arange(len(wanted))]
    except LinAlgError:
        return np.diag(np.linalg.pinv(H))[wanted]


@one_blas_thread
def latent_means(data: Any, model: str | Model, *, by: str, free: Sequence[tuple[str, str, str]] = (),
                 groups: Sequence[str] | None = None) -> Any:
    """Latent means (first group fixed at 0) and SEs under scalar invariance, with ``free``
    (param, item, group) constraints released, e.g. ``[("intercept", "t4", "tver")]``.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import one_factor_groups
    >>> data = one_factor_groups({"orsha": 0.0, "tver": 0.5}, n=300, drift={("tver", "t4"): 0.8}, seed=1)
    >>> latent_means(data, "trust =~ t1 + t2 + t3 + t4", by="city", free=[("intercept", "t4", "tver")]).round(2)
      factor  group  mean    se
    0  trust  orsha  0.00  0.00
    1  trust   tver  0.57  0.08
    """
    parsed = parse_model(model) if isinstance(model, str) else model
    absent = [i for i in parsed.items if i not in data.columns]
    if absent:
        raise InputError(f"the model names column(s) {', '.join(absent)}, which the data do not have")
    if by not in data.columns:
        raise InputError(f"no column '{by}' to group by")
    text = [i for i in parsed.items if not _is_numeric(data[i])]
    if text:
        raise InputError(f"item column(s) {', '.join(text)} hold non-numeric values; recode them (or load the data "
                         "with its instrument, which turns missing codes into missing values)")
    names, arrays = group_data(data, parsed.items, by, order=groups)
    search = _Search(parsed, [GroupData(v) for v in arrays], names)
    released = [(kind, item, names.index(group)) for kind, item, group in free]
    fit, _ = search.fit(("loading", "intercept"), released)
    return _latent_means(search, fit, parsed, names)
