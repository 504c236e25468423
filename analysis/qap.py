"""Dyadic regression with QAP permutation tests: do twinned cities share values and trust?

One row a pair of cities (a dyad); an outcome (a tie, or its activity) regressed on dyad
predictors (value distance, trust gaps, geographic distance). Dyads that share a city are not
independent, so p-values come from permutations that keep the network's structure: the cities
are relabelled, carrying all their dyads with them (Krackhardt, 1988). Two tests:

- ``method="y"``: the outcome matrix permuted (QAP, Hubert's Y-permutation);
- ``method="dsp"``: Dekker, Krackhardt & Snijders' (2007) double semi-partialling: each predictor
  is residualised on the others, the residual matrix permuted, and the model refitted; robust to
  collinear predictors and skewed matrices. The default, as in sna.

Permutation scheme. With two countries the dyads form a country-A x country-B rectangle (every
cell a real pair, no diagonal to leave out): rows and columns are permuted independently, each
within its country (``permute="rows-columns"``). ``permute="joint"`` permutes one set of cities
(every pair of them, a symmetric matrix) with a single permutation of rows and columns, as sna's
``netlm``/``netlogit`` do with ``mode = "graph"``; coefficients, standard errors and statistics then
equal sna's (``tests/reference/make_qap_reference.R``) and p-values agree within Monte Carlo error.

The observed model is fitted with statsmodels (OLS; logit as a binomial GLM). The replicates are
fitted here, all at once: least squares through the Frisch-Waugh-Lovell theorem, logit by batched
Newton steps; two thousand statsmodels fits a predictor would take minutes on a 70 x 73 network.

Example
-------
>>> import pandas as pd
>>> d = pd.read_csv("tests/reference/qap_dyads.csv").rename(columns={"i": "a", "j": "b"})
>>> fit = qap_regression(d, "activity", ["value_distance", "trust_gap"], permute="joint", reps=200)
>>> round(float(fit.table.set_index("term").loc["value_distance", "estimate"]), 4)
-0.2298
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from axiosphere.analysis.threads import one_blas_thread
from axiosphere.instruments.errors import InputError

METHODS = ("dsp", "y")
SCHEMES = ("rows-columns", "joint")
_CHUNK = 250  # replicates fitted together: a few tens of MB at 5,000 dyads
# A permutation that maps the network onto itself gives the observed statistic again, up to how far each
# fit converged (statsmodels' and ours differ near 1e-8): equal within this counts as "at least as large".
_TIE = 1e-6


@dataclass(frozen=True)
class QapResult:
    """Coefficients of a dyadic regression with permutation p-values (two-sided, as sna's ``pgreqabs``)."""

    outcome: str
    model: str  # "ols" or "logit"
    method: str
    permute: str
    reps: int
    seed: int
    n_dyads: int
    n_rows: int
    n_columns: int
    table: Any  # term, estimate, se, statistic, p_permutation, p_classical
    fit: dict[str, float]  # r2 and adjusted r2, or deviance and null deviance
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> Any:
        return self.table.assign(outcome=self.outcome, model=self.model, method=self.method, permute=self.permute,
                                 reps=self.reps, n_dyads=self.n_dyads)

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "model": self.model, "method": self.method, "permute": self.permute,
                "reps": self.reps, "seed": self.seed, "n_dyads": self.n_dyads, "n_rows": self.n_rows,
                "n_columns": self.n_columns, "coefficients": self.table.to_dict(orient="records"),
                "fit": dict(self.fit), "notes": list(self.notes)}


class _Layout:
    """Where each dyad sits in the matrix the permutations act on, and how a permutation moves it."""

    def __init__(self, a: np.ndarray, b: np.ndarray, permute: str):
        if permute == "joint":
            nodes = np.unique(np.concatenate([a, b]))
            index = {v: k for k, v in enumerate(nodes)}
            self.rows = self.columns = len(nodes)
            self.ia, self.ib = np.array([index[v] for v in a]), np.array([index[v] for v in b])
            expected = len(nodes) * (len(nodes) - 1) // 2
            pairs = {frozenset(p) for p in zip(a, b)}
            if len(pairs) != len(a) or expected != len(a) or any(len(p) < 2 for p in pairs):
                raise InputError(f"a joint permutation needs every pair of the {len(nodes)} cities once "
                                 f"({expected} dyads), got {len(a)}: use --pairs all, or rows-columns for two countries")
        else:
            rows, columns = np.unique(a), np.unique(b)
            if set(rows) & set(columns):
                raise InputError("rows-columns permutation needs two disjoint sets of cities (column a from one "
                                 "country, column b from the other); use --permute joint for one set of cities")
            self.rows, self.columns = len(rows), len(columns)
            self.ia, self.ib = np.searchsorted(rows, a), np.searchsorted(columns, b)
            if len({(i, j) for i, j in zip(self.ia, self.ib)}) != len(a) or len(a) != self.rows * self.columns:
                raise InputError(f"the dyads must fill the {self.rows} x {self.columns} rectangle of the two countries' "
                                 f"cities once each ({self.rows * self.columns} dyads), got {len(a)}: use --pairs cross-country")
        self.joint = permute == "joint"

    def matrix(self, values: np.ndarray) -> np.ndarray:
        m = np.zeros((self.rows, self.columns))
        m[self.ia, self.ib] = values
        if self.joint:
            m[self.ib, self.ia] = values
        return m

    def permuted(self, values: np.ndarray, rng: np.random.Generator, reps: int) -> np.ndarray:
        """``reps`` x dyads: the dyads' values after relabelling the cities."""
        m = self.matrix(values)
        rows = rng.permuted(np.tile(np.arange(self.rows), (reps, 1)), axis=1)
        columns = rows if self.joint else rng.permuted(np.tile(np.arange(self.columns), (reps, 1)), axis=1)
        return m[rows[:, self.ia], columns[:, self.ib]]


def _ols_t(y: np.ndarray, X: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """t-values of OLS fits, many at once. ``y``: reps x n outcomes with fixed ``X`` (all coefficients' t),
    or one outcome with ``X`` plus each row of ``extra`` as a last column (that column's t; Frisch-Waugh)."""
    n, p = X.shape
    inverse = np.linalg.inv(X.T @ X)
    if extra is None:
        beta = y @ (X @ inverse)
        rss = np.einsum("rn,rn->r", y, y) - np.einsum("rp,rp->r", beta, y @ X)
        return beta / np.sqrt(np.outer(rss / (n - p), np.diag(inverse)))
    residual = extra - (extra @ X) @ inverse @ X.T
    spread = np.einsum("rn,rn->r", residual, residual)
    beta = residual @ y / spread
    y_res = y - X @ (inverse @ (X.T @ y))
    rss = y_res @ y_res - beta**2 * spread
    return beta / np.sqrt(rss / (n - p - 1) / spread)


def _logit_z(y: np.ndarray, shared: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """z-values of logit fits by Newton steps, many at once: outcomes ``y`` (reps x n) on the ``shared`` columns
    (n x q) plus, when given, one column a replicate (``extra``, reps x n) entering last.

    Every product is a matrix product over the dyads (the information's entries are weighted sums of column
    products), so a thousand fits cost a few BLAS calls an iteration. From zero, as R's glm starts near it:
    Newton's method on the logit likelihood then converges without a line search (from the observed estimates
    it can overshoot for a permuted outcome)."""
    reps, q = len(y), shared.shape[1]
    p = q + (extra is not None)
    upper = np.triu_indices(q)
    pairs = shared[:, upper[0]] * shared[:, upper[1]]  # n x q(q+1)/2

    def information(weight: np.ndarray) -> np.ndarray:
        out = np.empty((reps, p, p))
        block = weight @ pairs
        out[:, upper[0], upper[1]] = block
        out[:, upper[1], upper[0]] = block
        if extra is not None:
            cross = (weight * extra) @ shared
            out[:, :q, q] = out[:, q, :q] = cross
            out[:, q, q] = np.einsum("rn,rn->r", weight * extra, extra)
        return out

    def linear(beta: np.ndarray) -> np.ndarray:
        eta = beta[:, :q] @ shared.T
        return eta + beta[:, q:] * extra if extra is not None else eta

    beta = np.zeros((reps, p))
    for _ in range(50):
        mu = 1 / (1 + np.exp(-np.clip(linear(beta), -30, 30)))
        residual = y - mu
        gradient = residual @ shared
        if extra is not None:
            gradient = np.column_stack([gradient, np.einsum("rn,rn->r", residual, extra)])
        step = np.linalg.solve(information(mu * (1 - mu)) + 1e-12 * np.eye(p), gradient[..., None])[..., 0]
        beta = beta + step
        if np.max(np.abs(step)) < 1e-9:
            break
    mu = 1 / (1 + np.exp(-np.clip(linear(beta), -30, 30)))
    return beta / np.sqrt(np.diagonal(np.linalg.inv(information(mu * (1 - mu))), axis1=1, axis2=2))


@one_blas_thread  # 2,000 batched fits of small matrices: as fast idle on one thread, twice as fast when busy
def qap_regression(dyads: Any, outcome: str, predictors: Sequence[str], *, method: str = "dsp",
                   permute: str = "rows-columns", reps: int = 2000, seed: int = 0, model: str | None = None) -> QapResult:
    """Regress a dyad ``outcome`` on ``predictors`` with QAP permutation p-values.

    ``dyads`` has one row a pair of cities, columns ``a`` and ``b`` naming them (with two countries:
    ``a`` from one, ``b`` from the other), the outcome and the predictors. ``model`` is "ols" or "logit"
    (by default logit for a 0/1 outcome). See the module's text for ``method`` and ``permute``.

    Examples
    --------
    Six Russian and six US cities; a pair is more often twinned the closer its values:

    >>> import numpy as np
    >>> import pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> ru, us = [f"ru{k}" for k in range(6)], [f"us{k}" for k in range(6)]
    >>> position = {city: rng.normal() for city in ru + us}
    >>> dyads = pd.DataFrame([(a, b) for a in ru for b in us], columns=["a", "b"])
    >>> dyads["value_distance"] = [abs(position[a] - position[b]) for a, b in zip(dyads.a, dyads.b)]
    >>> dyads["tie"] = (rng.random(36) < 1 / (1 + np.exp(3 * dyads["value_distance"] - 1))).astype(int)
    >>> qap_regression(dyads, "tie", ["value_distance"], reps=500, seed=1).table.round(3)
                 term  estimate     se  statistic  p_permutation  p_classical
    0       intercept     1.195  0.714      1.675          0.152        0.094
    1  value_distance    -4.634  1.959     -2.366          0.014        0.018

    References
    ----------
    Krackhardt, D. (1988). Predicting with networks: Nonparametric multiple regression analysis of dyadic
    data. Social Networks, 10, 359-381. Dekker, D., Krackhardt, D., & Snijders, T. A. B. (2007). Sensitivity
    of MRQAP tests to collinearity and autocorrelation conditions. Psychometrika, 72, 563-581.
    Butts, C. T. (2008). Social network analysis with sna. Journal of Statistical Software, 24(6).
    """
    if method not in METHODS:
        raise InputError(f"--method must be one of {', '.join(METHODS)} (dsp: double semi-partialling; y: QAP), not '{method}'")
    if permute not in SCHEMES:
        raise InputError(f"--permute must be one of {', '.join(SCHEMES)}, not '{permute}'")
    if reps < 1:
        raise InputError(f"--reps must be a positive number of permutations, not {reps}")
    predictors = list(predictors)
    needed = ["a", "b", outcome, *predictors]
    absent = [c for c in needed if c not in dyads.columns]
    if absent:
        raise InputError(f"the dyad table has no column {', '.join(repr(c) for c in absent)} "
                         f"(it has {', '.join(map(str, dyads.columns))})")
    if not predictors:
        raise InputError("name at least one predictor (--predictors value_distance,trust_gap,...)")
    incomplete = dyads[[outcome, *predictors]].isna().any(axis=1)
    if incomplete.any():
        raise InputError(f"{int(incomplete.sum())} dyad(s) lack a value of {', '.join([outcome, *predictors])}: a "
                         "permutation moves whole rows and columns of cities, so every dyad needs every value; "
                         "leave out the cities without them")
    y = dyads[outcome].to_numpy(dtype=float)
    binary = set(np.unique(y)) <= {0.0, 1.0}
    model = model or ("logit" if binary else "ols")
    if model == "logit" and not binary:
        raise InputError(f"a logit model needs a 0/1 outcome; '{outcome}' has other values")
    layout = _Layout(dyads["a"].astype(str).to_numpy(), dyads["b"].astype(str).to_numpy(), permute)
    X = np.column_stack([np.ones(len(y)), dyads[predictors].to_numpy(dtype=float)])
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise InputError(f"the predictors {', '.join(predictors)} are collinear (or one is constant): drop one")
    table, fit, observed = _observed(y, X, ["intercept", *predictors], model)
    rng = np.random.default_rng(seed)
    exceed = np.zeros(X.shape[1])
    for done in range(0, reps, _CHUNK):
        count = min(_CHUNK, reps - done)
        exceed += _replicates(y, X, layout, model, method, observed, rng, count)
    table["p_permutation"] = exceed / reps
    notes = [f"{reps} permutations ({'double semi-partialling' if method == 'dsp' else 'Y-permutation (QAP)'}, "
             f"{'one permutation of all cities' if permute == 'joint' else 'rows and columns permuted within their country'}), seed {seed}"]
    return QapResult(outcome, model, method, permute, reps, seed, len(y), layout.rows, layout.columns, table, fit,
                     tuple(notes))


def _observed(y: np.ndarray, X: np.ndarray, terms: list[str], model: str) -> tuple[Any, dict[str, float], np.ndarray]:
    import warnings

    import pandas as pd
    # The two model classes, not statsmodels.api (which imports every model statsmodels has: 0.6 s).
    from statsmodels.genmod.families import Binomial
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.regression.linear_model import OLS
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    if model == "ols":
        result = OLS(y, X).fit()
        fit = {"r2": float(result.rsquared), "r2_adjusted": float(result.rsquared_adj)}
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PerfectSeparationWarning)
            try:
                result = GLM(y, X, family=Binomial()).fit()
            except PerfectSeparationWarning:
                raise InputError("the predictors separate tied from untied pairs perfectly: the logit estimates do not "
                                 "exist (too few dyads or too many predictors); use fewer predictors or more cities") from None
        fit = {"deviance": float(result.deviance), "null_deviance": float(result.null_deviance)}
    statistic = np.asarray(result.tvalues, dtype=float)
    table = pd.DataFrame({"term": terms, "estimate": np.asarray(result.params), "se": np.asarray(result.bse),
                          "statistic": statistic, "p_permutation": np.nan, "p_classical": np.asarray(result.pvalues)})
    return table, fit, statistic


def _replicates(y: np.ndarray, X: np.ndarray, layout: _Layout, model: str, method: str, observed: np.ndarray,
                rng: np.random.Generator, count: int) -> np.ndarray:
    """How many of ``count`` replicates give a statistic at least as large (absolute) as observed, per term."""
    p = X.shape[1]
    if method == "y":
        permuted = layout.permuted(y, rng, count)
        stats = _ols_t(permuted, X) if model == "ols" else _logit_z(permuted, X)
        return (np.abs(stats) >= np.abs(observed) * (1 - _TIE)).sum(axis=0)
    out = np.zeros(p)
    for i in range(p):
        # sna's qapspp partials every column, the intercept included: x_i's residual on the others, permuted,
        # enters last, and its statistic is the replicate's.
        others = np.delete(X, i, axis=1)
        residual = X[:, i] - others @ np.linalg.lstsq(others, X[:, i], rcond=None)[0]
        permuted = layout.permuted(residual, rng, count)
        if model == "ols":
            stats = _ols_t(y, others, permuted)
        else:
            stats = _logit_z(np.broadcast_to(y, (count, len(y))), others, permuted)[:, -1]
        out[i] = (np.abs(stats) >= abs(observed[i]) * (1 - _TIE)).sum()
    return out
