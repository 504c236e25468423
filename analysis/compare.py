"""Comparing cities: descriptives, twin-link tests, omnibus tests and post hoc pairs.

For every scale:

- descriptives by group: n, mean, SD, SE and 95% CI (t-based), or with a weight
  column the weighted mean with its linearisation SE and normal CI, as R's
  ``survey::svymean`` gives for a design with weights only;
- for every twin link (or every pair of groups): Welch's t-test (t, df, p), Hedges'
  g with a 95% CI from the noncentral t distribution (as R's ``effectsize::hedges_g``),
  the Mann-Whitney U test with continuity correction (R's ``wilcox.test``) and the
  rank-biserial correlation;
- across all groups: Welch's ANOVA (R's ``oneway.test``), the classic one-way ANOVA
  and omega squared, and Games-Howell post hoc pairs (pingouin);
- p-values of the pair and omnibus tests adjusted across the scales tested (Holm by
  default, Benjamini-Hochberg on request); raw and adjusted are both reported.

Example
-------
>>> import pandas as pd
>>> data = pd.DataFrame({"city": ["a"] * 4 + ["b"] * 4, "trust": [5, 6, 7, 6, 3, 4, 4, 2]})
>>> result = compare(data, ["trust"], by="city")
>>> round(float(result.pairs["t"].iloc[0]), 4)
4.371
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from axiosphere.instruments.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

ADJUST = {"holm": "holm", "fdr_bh": "fdr_bh", "none": None}
# Which tests share one adjustment: every pair test of the table, the scales of one link, or the links of one scale.
FAMILIES = {"all": [], "link": ["a", "b"], "scale": ["scale"]}


@dataclass(frozen=True)
class Comparison:
    """Tidy tables of a cross-city comparison."""

    descriptives: pd.DataFrame
    omnibus: pd.DataFrame
    pairs: pd.DataFrame
    posthoc: pd.DataFrame
    adjust: str
    weights: str | None = None
    family: str = "all"

    @property
    def family_text(self) -> str:
        """The family of the adjustment, as a table note and the methods text say it."""
        n = len(self.pairs)
        return {"all": f"all {n} twin-link tests of the table", "link": "the scales tested within each link",
                "scale": "the links tested within each scale"}[self.family]

    def to_frame(self) -> Any:
        return self.pairs

    def to_dict(self) -> dict[str, Any]:
        pairs = self.pairs.copy()
        pairs["g_ci"] = [[lo, hi] for lo, hi in zip(pairs.pop("g_ci_low"), pairs.pop("g_ci_high"))]
        descriptives = self.descriptives.copy()
        descriptives["ci"] = [[lo, hi] for lo, hi in zip(descriptives.pop("ci_low"), descriptives.pop("ci_high"))]
        return {"adjust": self.adjust, "family": self.family, "weights": self.weights,
                "descriptives": _records(descriptives), "omnibus": _records(self.omnibus),
                "pairs": _records(pairs), "posthoc": _records(self.posthoc)}


def _records(frame: Any) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def _check(data: Any, scales: Sequence[str], by: str, weights: str | None) -> None:
    import pandas as pd

    for column in [*scales, by] + ([weights] if weights else []):
        if column not in data.columns:
            raise InputError(f"no column '{column}' in the data")
    text = [s for s in scales if not pd.api.types.is_numeric_dtype(data[s])]
    if text:
        raise InputError(f"column(s) {', '.join(text)} hold non-numeric values")
    if weights:
        w = pd.to_numeric(data[weights], errors="coerce")
        bad = w.isna() | (w < 0) | ~np.isfinite(w)
        if bad.any():
            raise InputError(f"weight column '{weights}' has {int(bad.sum())} missing, negative or non-numeric value(s) "
                             f"(first at row {data.index[bad.to_numpy()][0]}); weights must be numbers of zero or more")
    valid = data.groupby(by)[list(scales)].count()  # one grouped pass for every scale
    for scale in scales:
        counts = valid[scale]
        small = counts[(counts < 2) & (counts > 0)]
        if len(small):
            raise InputError(f"{by} '{small.index[0]}' has {int(small.iloc[0])} respondent with a valid {scale} score; "
                             "comparisons need at least 2 per group")
        if counts.sum() == 0:
            raise InputError(f"'{scale}' has no valid values")


def descriptives(data: Any, scales: Sequence[str], *, by: str, weights: str | None = None) -> Any:
    """n, mean, SD, SE and 95% CI per group and scale (weighted when ``weights`` names a column).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import one_factor_groups
    >>> data = one_factor_groups({"orsha": 0.0, "tver": 0.5}, n=300, seed=1)
    >>> data["trust"] = data[["t1", "t2", "t3", "t4"]].mean(axis=1)
    >>> descriptives(data, ["trust"], by="city").round(2)
       scale  group    n  mean    sd    se  ci_low  ci_high
    0  trust  orsha  300  3.91  0.69  0.04    3.84     3.99
    1  trust   tver  300  4.39  0.73  0.04    4.30     4.47
    """
    import pandas as pd
    from scipy import stats

    if weights is None:  # one grouped pass for every scale
        summary = data.groupby(by, sort=True)[list(scales)].agg(["count", "mean", "std"])
        rows = []
        for scale in scales:
            part = summary[scale].rename(columns={"count": "n", "std": "sd"})
            part = part[part["n"] > 0]
            se = part["sd"] / np.sqrt(part["n"])
            half = stats.t.ppf(0.975, part["n"] - 1) * se
            rows.append(pd.DataFrame({"scale": scale, "group": part.index.astype(str), "n": part["n"].astype(int).to_numpy(),
                                      "mean": part["mean"].to_numpy(), "sd": part["sd"].to_numpy(), "se": se.to_numpy(),
                                      "ci_low": (part["mean"] - half).to_numpy(), "ci_high": (part["mean"] + half).to_numpy()}))
        return pd.concat(rows, ignore_index=True)
    rows = []
    samples = _Samples(data, by, sorted(str(g) for g in data[by].dropna().unique()))
    for scale in scales:
        for group, (x, w) in samples.of(scale, weights).items():
            n = len(x)
            if n == 0:
                continue
            mean = np.sum(w * x) / w.sum()
            sd = np.sqrt(np.sum(w * (x - mean) ** 2) / w.sum() * n / (n - 1))
            # Linearisation SE of a ratio mean, as survey::svymean with weights only.
            se = np.sqrt(n / (n - 1) * np.sum((w * (x - mean) / w.sum()) ** 2))
            half = stats.norm.ppf(0.975) * se
            rows.append({"scale": scale, "group": group, "n": n, "mean": mean, "sd": sd, "se": se,
                         "ci_low": mean - half, "ci_high": mean + half})
    return pd.DataFrame(rows)


class _Samples:
    """Each group's answers to a scale, without NaN: the rows are ordered by group once, so a scale's groups are
    slices of one gathered column, not a filter of the whole frame per group and pair."""

    def __init__(self, data: Any, by: str, groups: Sequence[str]) -> None:
        import pandas as pd

        codes = pd.Categorical(data[by].astype(str).where(data[by].notna()), categories=list(groups)).codes
        self.order = np.argsort(codes, kind="stable")
        self.bounds = np.searchsorted(codes[self.order], np.arange(len(groups) + 1))
        self.groups, self.data = list(groups), data

    def of(self, scale: str, weights: str | None = None) -> dict[str, Any]:
        """Group -> answers (and, with ``weights``, group -> (answers, weights))."""
        column = self.data[scale].to_numpy(dtype="float64", na_value=np.nan)[self.order]
        w = self.data[weights].to_numpy(dtype="float64")[self.order] if weights else None
        out = {}
        for k, group in enumerate(self.groups):
            x = column[self.bounds[k]:self.bounds[k + 1]]
            keep = ~np.isnan(x)
            out[group] = (x[keep], w[self.bounds[k]:self.bounds[k + 1]][keep]) if w is not None else x[keep]
        return out


def mann_whitney_u(a: Any, b: Any) -> tuple[float, float]:
    """Mann-Whitney U of ``a`` (sorted) against ``b`` (sorted) and its two-sided asymptotic p with continuity and tie
    corrections, equal to ``scipy.stats.mannwhitneyu(a, b, method="asymptotic")``.

    Each group is sorted once per scale and every pair is counted by binary search, instead of ranking the two
    groups' pooled answers again for each pair (scipy's way, 4x slower over a study's links).

    >>> from scipy.stats import mannwhitneyu
    >>> a, b = np.array([1., 2, 2, 3, 5]), np.array([2., 3, 4, 4, 6, 7])
    >>> u, p = mann_whitney_u(a, b)
    >>> reference = mannwhitneyu(a, b, method="asymptotic")
    >>> bool(np.isclose(u, reference.statistic) and np.isclose(p, reference.pvalue))
    True
    """
    from scipy.special import ndtr

    n1, n2 = len(a), len(b)
    # Each distinct answer of a once: Likert-based scores have few, so the search is short.
    values_a, counts_a = _runs(a)
    values_b, counts_b = _runs(b)
    below = np.searchsorted(b, values_a, side="left")
    ties = np.searchsorted(b, values_a, side="right") - below
    u1 = float(np.sum(counts_a * (below + 0.5 * ties)))
    # Tie counts of the pooled sample from each group's own counts of its distinct values.
    _, where = np.unique(np.concatenate([values_a, values_b]), return_inverse=True)
    counts = np.bincount(where, weights=np.concatenate([counts_a, counts_b]))
    n = n1 + n2
    tie_term = float(np.sum(counts.astype(float) ** 3 - counts))
    sd = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    z = (max(u1, n1 * n2 - u1) - n1 * n2 / 2 - 0.5) / sd
    return u1, float(np.clip(2 * ndtr(-z), 0, 1))


def _runs(x: Any) -> tuple[Any, Any]:
    """Distinct values of a sorted array and how often each occurs."""
    if len(x) == 0:
        return x, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], x[1:] != x[:-1]]))
    return x[starts], np.diff(np.append(starts, len(x)))


def hedges_g(m1: Any, m2: Any, v1: Any, v2: Any, n1: Any, n2: Any) -> tuple[Any, Any, Any]:
    """Hedges' g and its 95% CI by inverting the noncentral t (as ``effectsize::hedges_g``), vectorised.

    The CI bounds are the noncentrality parameters at which the observed t is the
    97.5th and 2.5th percentile, found by bisection on all pairs at once.

    Examples
    --------
    Means 5.2 and 4.6, variances 1.44 and 1.69, of 120 and 110 respondents:

    >>> g, low, high = hedges_g([5.2], [4.6], [1.44], [1.69], [120], [110])
    >>> round(float(g[0]), 3), round(float(low[0]), 3), round(float(high[0]), 3)
    (0.479, 0.217, 0.74)
    """
    from scipy import special, stats

    m1, m2, v1, v2, n1, n2 = (np.asarray(a, dtype=float) for a in (m1, m2, v1, v2, n1, n2))
    df = n1 + n2 - 2
    d = (m1 - m2) / np.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / df)
    scale = np.sqrt(1 / n1 + 1 / n2)
    t = d / scale
    # Exact small-sample correction J(df) = Gamma(df/2) / (sqrt(df/2) Gamma((df-1)/2)).
    j = np.exp(special.gammaln(df / 2) - np.log(np.sqrt(df / 2)) - special.gammaln((df - 1) / 2))

    def ncp_for(target: float) -> Any:
        # Widen the bracket step by step (far from t scipy's noncentral t CDF turns NaN), then bisect.
        low, high = t - 1.0, t + 1.0
        while np.any(stats.nct.cdf(t, df, low) < target):
            low = np.where(stats.nct.cdf(t, df, low) < target, low - 1.0, low)
        while np.any(stats.nct.cdf(t, df, high) > target):
            high = np.where(stats.nct.cdf(t, df, high) > target, high + 1.0, high)
        for _ in range(60):
            middle = (low + high) / 2
            above = stats.nct.cdf(t, df, middle) > target
            low, high = np.where(above, middle, low), np.where(above, high, middle)
        return (low + high) / 2

    return d * j, ncp_for(0.975) * scale * j, ncp_for(0.025) * scale * j


def _adjust(p: Any, method: str) -> Any:
    p = np.asarray(p, dtype=float)
    if ADJUST[method] is None or len(p) == 0:
        return p
    ok = ~np.isnan(p)
    out = np.full_like(p, np.nan)
    if method == "holm":
        # Holm's step-down, written out: statsmodels' holm branch runs gc.collect() on every
        # call (~60 ms on a large heap), which dominated comparisons of many twin links.
        order = np.argsort(p[ok])
        m = ok.sum()
        stepped = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[ok][order]))
        adjusted = np.empty(m)
        adjusted[order] = stepped
        out[ok] = adjusted
    else:
        from statsmodels.stats.multitest import multipletests

        out[ok] = multipletests(p[ok], method=ADJUST[method])[1]
    return out


def compare(data: Any, scales: Sequence[str], *, by: str, links: Sequence[tuple[str, str]] | None = None,
            weights: str | None = None, adjust: str = "holm", family: str = "all", posthoc: bool = True,
            mann_whitney: bool = True) -> Comparison:
    """Compare ``scales`` (columns of scores) between the groups in column ``by``.

    Parameters
    ----------
    links
        Pairs of groups to test (a study's twin links); default: every pair of groups.
    weights
        Column of weights for the descriptives.
    adjust
        ``"holm"``, ``"fdr_bh"`` or ``"none"``.
    family
        The tests one adjustment spans: ``"all"`` pair tests of the table (default), each ``"link"``'s
        scales, or each ``"scale"``'s links. Welch's ANOVAs are adjusted across the scales.

    References
    ----------
    Welch (1947, 1951); Hedges & Olkin (1985); Mann & Whitney (1947); Kerby (2014) for the
    rank-biserial r; Games & Howell (1976); Holm (1979); Benjamini & Hochberg (1995).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import one_factor_groups
    >>> data = one_factor_groups({"orsha": 0.0, "tver": 0.5}, n=300, seed=1)
    >>> data["trust"] = data[["t1", "t2", "t3", "t4"]].mean(axis=1)
    >>> result = compare(data, ["trust"], by="city", links=[("orsha", "tver")])
    >>> result.pairs[["a", "b", "t", "df", "hedges_g", "p_adj"]].round(3)
           a     b      t       df  hedges_g  p_adj
    0  orsha  tver -8.091  596.053     -0.66    0.0
    """
    import pandas as pd
    from scipy import stats
    from statsmodels.stats.oneway import anova_generic

    if adjust not in ADJUST:
        raise InputError(f"adjust must be one of {', '.join(ADJUST)}, not '{adjust}'")
    if family not in FAMILIES:
        raise InputError(f"family must be one of {', '.join(FAMILIES)}, not '{family}'")
    scales = list(scales)
    _check(data, scales, by, weights)
    groups = sorted(str(g) for g in data[by].dropna().unique())
    if len(groups) < 2:
        raise InputError(f"'{by}' has only one group ({', '.join(groups)}): nothing to compare")
    keyed = data.assign(**{by: data[by].astype(str)})
    pairs_wanted = [tuple(map(str, p)) for p in links] if links is not None else list(combinations(groups, 2))
    unknown = sorted({g for p in pairs_wanted for g in p} - set(groups))
    if unknown:
        raise InputError(f"link(s) name group(s) not in '{by}': {', '.join(unknown)}")
    summary = keyed.groupby(by)[scales].agg(["count", "mean", "var"])
    grouped = _Samples(keyed, by, groups)
    pair_rows, omnibus_rows, posthoc_rows = [], [], []
    firsts, seconds = [a for a, _ in pairs_wanted], [b for _, b in pairs_wanted]
    for scale in scales:
        n, m, v = (summary[(scale, s)] for s in ("count", "mean", "var"))
        na, nb, ma, mb, va, vb = (s.reindex(k).to_numpy(float) for s in (n, m, v) for k in (firsts, seconds))
        ts, ps = stats.ttest_ind_from_stats(ma, np.sqrt(va), na, mb, np.sqrt(vb), nb, equal_var=False)
        # scipy's from-stats test does not return the Welch-Satterthwaite df; the formula is standard.
        qa, qb = va / na, vb / nb
        dfs = (qa + qb) ** 2 / (qa**2 / (na - 1) + qb**2 / (nb - 1))
        gs, g_lows, g_highs = hedges_g(ma, mb, va, vb, na, nb)
        samples_of = grouped.of(scale)
        ordered = {g: np.sort(x) for g, x in samples_of.items()} if mann_whitney else {}
        for k, (a, b) in enumerate(pairs_wanted):
            row = {"scale": scale, "a": a, "b": b, "t": float(ts[k]), "df": float(dfs[k]), "p": float(ps[k]),
                   "hedges_g": float(gs[k]), "g_ci_low": float(g_lows[k]), "g_ci_high": float(g_highs[k]),
                   "U": np.nan, "p_mw": np.nan, "rank_biserial": np.nan}
            if mann_whitney and len(ordered[a]) and len(ordered[b]):
                u, p_mw = mann_whitney_u(ordered[a], ordered[b])
                row.update(U=u, p_mw=p_mw, rank_biserial=2 * u / (len(ordered[a]) * len(ordered[b])) - 1)
            pair_rows.append(row)
        present = [g for g in groups if n.get(g, 0) >= 2]
        welch = anova_generic(m[present].to_numpy(), v[present].to_numpy(), n[present].to_numpy(), use_var="unequal")
        samples = [samples_of[g] for g in present]
        classic = stats.f_oneway(*samples)
        total = np.concatenate(samples)
        ss_between = sum(len(s) * (s.mean() - total.mean()) ** 2 for s in samples)
        ss_within = sum(((s - s.mean()) ** 2).sum() for s in samples)
        df_b, df_w = len(samples) - 1, len(total) - len(samples)
        ms_within = ss_within / df_w
        # Omega squared (Hays 1963); neither scipy, statsmodels nor pingouin reports it for a one-way design.
        omega_sq = (ss_between - df_b * ms_within) / (ss_between + ss_within + ms_within)
        omnibus_rows.append({"scale": scale, "welch_F": float(welch.statistic), "df1": float(welch.df[0]),
                             "df2": float(welch.df[1]), "p": float(welch.pvalue), "omega_sq": float(omega_sq),
                             "anova_F": float(classic.statistic), "anova_df1": df_b, "anova_df2": df_w,
                             "anova_p": float(classic.pvalue)})
        if posthoc and len(present) > 2:
            posthoc_rows.append(games_howell(scale, present, m[present].to_numpy(), v[present].to_numpy(),
                                             n[present].to_numpy()))
    pairs = pd.DataFrame(pair_rows)
    if len(pairs):
        keys = FAMILIES[family]
        for column in ("p", "p_mw"):
            if keys:
                pairs[f"{column}_adj"] = pairs.groupby(keys)[column].transform(lambda p: _adjust(p, adjust))
            else:
                pairs[f"{column}_adj"] = _adjust(pairs[column], adjust)
    omnibus = pd.DataFrame(omnibus_rows)
    omnibus["p_adj"] = _adjust(omnibus["p"], adjust)
    post = pd.concat(posthoc_rows, ignore_index=True) if posthoc_rows else pd.DataFrame(
        columns=["scale", "a", "b", "diff", "se", "t", "df", "p"])
    return Comparison(descriptives(keyed, scales, by=by, weights=weights), omnibus, pairs, post, adjust, weights, family)


def games_howell(scale: str, groups: Sequence[str], means: Any, variances: Any, counts: Any) -> Any:
    """Games-Howell comparisons of every pair of ``groups`` from their means, variances and counts, equal to
    ``pingouin.pairwise_gameshowell`` (Games & Howell, 1976), without its pass over the raw data per scale, and with
    every pair's p-value from one vectorised integration (``studentized_range.py``) instead of one adaptive
    quadrature each."""
    import pandas as pd

    from axiosphere.analysis.studentized_range import studentized_range_sf

    first, second = np.triu_indices(len(groups), k=1)
    q = variances / counts
    se = np.sqrt(q[first] + q[second])
    diff = means[first] - means[second]
    df = (q[first] + q[second]) ** 2 / (q[first] ** 2 / (counts[first] - 1) + q[second] ** 2 / (counts[second] - 1))
    p = np.full(len(diff), np.nan)  # a pair without variance or with a one-person group has no p-value
    valid = np.isfinite(df) & (df > 0) & np.isfinite(diff / se)
    if valid.any():
        p[valid] = studentized_range_sf(np.sqrt(2) * np.abs(diff / se)[valid], len(groups), df[valid])
    return pd.DataFrame({"scale": scale, "a": np.asarray(groups)[first], "b": np.asarray(groups)[second], "diff": diff,
                         "se": se, "t": diff / se, "df": df, "p": p})
