"""Approximate measurement invariance across many groups by the alignment method (Asparouhov & Muthén, 2014).

With ten or more cities exact scalar invariance nearly always fails and a step-by-step partial search becomes
arbitrary. Alignment fits the configural model (in every group a one-factor model with factor mean 0 and variance
1), then chooses each group's factor mean and variance so that the aligned loadings and intercepts differ as little
as possible across groups, under a simplicity loss that tolerates a few large differences (non-invariant
parameters) rather than many small ones.

Written here because no Python library has it (R has it in sirt, which is not in Debian, and Mplus). Checked by
recovery of known means and variances in simulated groups with planted non-invariance (tests/test_alignment.py).

Example
-------
>>> result = alignment(data, ["t1", "t2", "t3", "t4"], by="city")  # doctest: +SKIP
>>> result.means[["group", "mean", "variance"]]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from axiosphere.analysis.threads import one_blas_thread
from axiosphere.instruments.errors import InputError

METHODS = ("fixed", "free")


@dataclass(frozen=True)
class AlignmentResult:
    """Aligned factor means and variances per group, aligned loadings and intercepts, and how invariant each
    parameter is (R², Asparouhov & Muthén's invariance index)."""

    groups: tuple[str, ...]
    items: tuple[str, ...]
    reference: str
    method: str
    epsilon: float
    means: Any  # group, n, mean, variance
    loadings: Any  # group x item, aligned
    intercepts: Any  # group x item, aligned
    r2: Any  # item, loading_r2, intercept_r2
    flags: Any  # group, item, parameter, value, se, invariant
    residuals: Any  # group x item, the configural residual variances (alignment leaves them as they are)
    loss: float
    starts: int
    starts_agree: bool
    notes: tuple[str, ...] = field(default=())
    bootstrap: int = 0

    def to_frame(self) -> Any:
        return self.means

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "reference": self.reference, "epsilon": self.epsilon, "bootstrap": self.bootstrap,
                "loss": self.loss,
                "starts": self.starts, "starts_agree": self.starts_agree, "groups": list(self.groups),
                "items": list(self.items), "means": self.means.to_dict(orient="records"),
                "loadings": self.loadings.reset_index(names="group").to_dict(orient="records"),
                "intercepts": self.intercepts.reset_index(names="group").to_dict(orient="records"),
                "r2": self.r2.to_dict(orient="records"), "flags": self.flags.to_dict(orient="records"),
                "notes": list(self.notes)}

    @property
    def non_invariant(self) -> Any:
        """The parameters found approximately non-invariant: group, item, parameter."""
        return self.flags.loc[~self.flags["invariant"], ["group", "item", "parameter"]].reset_index(drop=True)


@dataclass(frozen=True)
class Configural:
    """Each group's one-factor ML solution with factor mean 0 and variance 1, as groups x items."""

    groups: list[str]
    n: np.ndarray
    loadings: np.ndarray
    intercepts: np.ndarray
    residuals: np.ndarray
    loading_se: np.ndarray
    intercept_se: np.ndarray
    left_out: tuple[str, ...] = ()  # why a group could not be fitted, one sentence each


def configural(data: Any, items: Sequence[str], *, by: str, leave_out: bool = False) -> Configural:
    """Each group's one-factor ML solution with factor mean 0 and variance 1. With the factor mean at 0 the ML
    intercepts are the item means; the loadings' SEs come from the expected information, as lavaan's default.
    A group that cannot be fitted (too few answers, a singular covariance matrix, no convergence) is an error, or
    with ``leave_out`` is left out and said in ``left_out``."""
    from axiosphere.analysis.cfa import fit_one_factor

    groups, n, loadings, intercepts, residuals, loading_se, intercept_se = [], [], [], [], [], [], []
    left_out = []
    for group, part in data[[by, *items]].dropna().groupby(by, sort=True):
        values = part[list(items)].to_numpy(dtype="float64")
        centred = values - values.mean(axis=0)
        try:
            if len(values) <= len(items):
                raise InputError(f"{by} '{group}' has {len(values)} complete answers to {len(items)} items: too few to fit")
            fit = fit_one_factor(centred.T @ centred / len(values), n=len(values))
            if not fit.converged:
                raise InputError(f"the one-factor model did not converge in {by} '{group}'")
        except InputError as exc:
            if not leave_out:
                raise
            reason = str(exc).replace(f"{by} '{group}' has ", "")
            left_out.append(f"{by} '{group}' left out: {reason}")
            continue
        groups.append(str(group))
        n.append(len(values))
        loadings.append(fit.loadings)
        intercepts.append(values.mean(axis=0))
        residuals.append(fit.residuals)
        loading_se.append(_loading_se(fit.loadings, fit.residuals, len(values)))
        intercept_se.append(np.sqrt(np.diag(centred.T @ centred / len(values)) / len(values)))
    return Configural(groups, np.array(n, dtype=float), *(np.array(a) for a in (loadings, intercepts, residuals,
                                                                              loading_se, intercept_se)), tuple(left_out))


def _loading_se(lam: np.ndarray, theta: np.ndarray, n: int) -> np.ndarray:
    """Standard errors of one-factor ML loadings from the expected information (n/2) tr(S⁻¹ dS S⁻¹ dS)."""
    k = len(lam)
    inv = np.linalg.inv(np.outer(lam, lam) + np.diag(theta))
    derivatives = []
    for i in range(k):
        d = np.zeros((k, k))
        d[i] += lam
        d[:, i] += lam
        derivatives.append(d)
    for i in range(k):
        d = np.zeros((k, k))
        d[i, i] = 1.0
        derivatives.append(d)
    products = [inv @ d for d in derivatives]
    info = np.array([[n / 2 * np.sum(a * b.T) for b in products] for a in products])
    return np.sqrt(np.diag(np.linalg.pinv(info))[:k])


def _component(x: np.ndarray, epsilon: float) -> tuple[np.ndarray, np.ndarray]:
    """The simplicity loss sqrt(sqrt(x² + ε)) and its derivative."""
    root = (x * x + epsilon) ** 0.25
    return root, x / (2 * root**3)


def _loss(params: np.ndarray, lam0: np.ndarray, nu0: np.ndarray, weights: np.ndarray, free_means: np.ndarray,
          epsilon: float) -> tuple[float, np.ndarray]:
    """Total loss over all pairs of groups and its gradient in (means of the free groups, log SDs)."""
    free = int(free_means.sum())
    alpha = np.zeros(len(lam0))
    alpha[free_means] = params[:free]
    # Log SDs centred: the product of the variances is fixed while optimising (without it the loss can keep falling
    # as all variances grow together); the solution is re-expressed against the reference afterwards.
    t = params[free:] - params[free:].mean()
    lam = lam0 / np.exp(t)[:, None]
    nu = nu0 - alpha[:, None] * lam
    total, d_lam, d_nu = 0.0, np.zeros_like(lam), np.zeros_like(nu)
    for values, grad in ((lam, d_lam), (nu, d_nu)):
        diff = values[:, None, :] - values[None, :, :]  # g x h x item
        f, df = _component(diff, epsilon)
        total += 0.5 * float(np.sum(weights[:, :, None] * f))  # each pair once
        grad += np.sum(weights[:, :, None] * df, axis=1)
    g_alpha = -np.sum(d_nu * lam, axis=1)
    g_t = np.sum(-d_lam * lam + d_nu * alpha[:, None] * lam, axis=1)
    return total, np.concatenate([g_alpha[free_means], g_t - g_t.mean()])


@one_blas_thread
def alignment(data: Any, items: Sequence[str], *, by: str, reference: str | None = None, method: str = "fixed",
              epsilon: float = 0.01, starts: int = 10, seed: int = 0, bootstrap: int = 0) -> AlignmentResult:
    """Align one factor's configural solutions across the groups in ``by``.

    Parameters
    ----------
    data
        One row per respondent; the factor's item columns and ``by``.
    items
        The factor's items (three or more).
    reference
        The group whose factor mean is 0 and variance 1 (default: the first in sorted order).
    method
        ``"fixed"`` (the reference group's mean is fixed at 0 during the optimisation; Mplus' default) or ``"free"``
        (every group's mean is estimated, then expressed relative to the reference).
    epsilon
        The ε of the component loss sqrt(sqrt(x² + ε)) (0.01, as Mplus).
    starts
        Optimisations from the configural solution and from random starts; the best is kept and the others are
        compared with it.
    bootstrap
        Resamples of respondents within each group for the standard errors of the aligned means and variances (each
        configural model refitted and aligned again from the solution); 0: none.

    Returns
    -------
    AlignmentResult

    Examples
    --------
    >>> from axiosphere.analysis.example_data import one_factor_groups
    >>> data = one_factor_groups({"orsha": 0.0, "smolensk": 0.3, "tver": 0.5}, n=300, drift={("tver", "t4"): 0.8}, seed=1)
    >>> result = alignment(data, ["t1", "t2", "t3", "t4"], by="city")
    >>> result.means[["group", "mean", "variance"]].round(2)
          group  mean  variance
    0     orsha  0.00      1.00
    1  smolensk  0.53      1.17
    2      tver  0.66      1.13
    >>> result.non_invariant
      group item  parameter
    0  tver   t4  intercept

    References
    ----------
    Asparouhov, T., & Muthén, B. (2014). Multiple-group factor analysis alignment. Structural Equation Modeling,
    21(4), 495-508. https://doi.org/10.1080/10705511.2014.919210
    """
    import pandas as pd

    if method not in METHODS:
        raise InputError(f"method must be 'fixed' or 'free', not '{method}'")
    if epsilon <= 0:
        raise InputError(f"epsilon must be positive, not {epsilon}")
    items = list(items)
    missing = [c for c in [*items, by] if c not in data.columns]
    if missing:
        raise InputError(f"no column {', '.join(repr(m) for m in missing)} in the data")
    if len(items) < 3:
        raise InputError(f"alignment needs a factor with at least three items; got {len(items)}")
    fitted = configural(data, items, by=by, leave_out=True)
    if fitted.left_out:  # the bootstrap resamples the groups fitted, and only those
        data = data[data[by].astype(str).isin(fitted.groups)]
    groups, n, lam0, nu0 = fitted.groups, fitted.n, fitted.loadings, fitted.intercepts
    lam0_se, nu0_se = fitted.loading_se, fitted.intercept_se
    if len(groups) < 2:
        raise InputError(f"'{by}' has {len(groups)} group(s) that can be fitted: nothing to align"
                         + "".join(f"; {why}" for why in fitted.left_out))
    reference = reference if reference is not None else groups[0]
    if reference not in groups:
        raise InputError(f"reference '{reference}' is not a group of '{by}' that can be fitted ({', '.join(groups)})"
                         + "".join(f"; {why}" for why in fitted.left_out if f"'{reference}'" in why))
    ref = groups.index(reference)
    free_means = np.ones(len(groups), dtype=bool)
    if method == "fixed":
        free_means[ref] = False
    free = int(free_means.sum())
    rng = np.random.default_rng(seed)
    candidates = [np.zeros(free + len(groups))] + [np.concatenate([rng.normal(0, 0.5, free), rng.normal(0, 0.3, len(groups))])
                                                   for _ in range(starts - 1)]
    fits = [_optimise(lam0, nu0, n, free_means, epsilon, start) for start in candidates]
    best = min(fits, key=lambda f: f.fun)
    mean, variance = _solution(best.x, free_means, ref)
    lam = lam0 / np.sqrt(variance)[:, None]
    nu = nu0 - mean[:, None] * lam
    agree = [f for f in fits if f.fun <= best.fun * (1 + 1e-6) + 1e-9]
    notes = list(fitted.left_out)
    if len(agree) < len(fits):
        notes.append(f"{len(fits) - len(agree)} of {len(fits)} starts ended at a higher loss (local optima); "
                     "the lowest is reported")
    r2 = _invariance_r2(lam0, nu0, lam, nu, mean, variance, n)
    # Standard errors of the aligned parameters from the configural ones, the aligned means and variances taken
    # as known (the intercept and loading estimates of a group are independent under normality).
    lam_se = lam0_se / np.sqrt(variance)[:, None]
    nu_se = np.sqrt(nu0_se**2 + (mean[:, None] / np.sqrt(variance)[:, None]) ** 2 * lam0_se**2)
    flags = pd.concat([_flags(lam, lam_se, n, groups, items, "loading"),
                       _flags(nu, nu_se, n, groups, items, "intercept")], ignore_index=True)
    share = float((~flags["invariant"]).mean())
    if share > 0.25:
        notes.append(f"{share:.0%} of the parameters are approximately non-invariant: above the 25% up to which "
                     "Asparouhov and Muthén (2014) found alignment trustworthy")
    means = pd.DataFrame({"group": groups, "n": n.astype(int), "mean": mean, "variance": variance,
                          "mean_se": np.nan, "variance_se": np.nan})
    if bootstrap:
        draws, failed = _bootstrap(data, items, by, groups, free_means, ref, epsilon, best.x, bootstrap, rng)
        means["mean_se"], means["variance_se"] = draws[:, 0].std(axis=0, ddof=1), draws[:, 1].std(axis=0, ddof=1)
        notes.append(f"standard errors of the means and variances from {bootstrap} bootstrap resamples of respondents "
                     "within each group" + (f" ({failed} resamples that could not be fitted were drawn again)"
                                            if failed else ""))
    else:
        notes.append("no standard errors of the means and variances (bootstrap=0)")
    frame = lambda values: pd.DataFrame(values, index=groups, columns=items)  # noqa: E731
    return AlignmentResult(
        tuple(groups), tuple(items), reference, method, epsilon, means,
        frame(lam), frame(nu), pd.DataFrame({"item": items, "loading_r2": r2[0], "intercept_r2": r2[1]}), flags,
        frame(fitted.residuals), float(best.fun), len(fits), len(agree) == len(fits), tuple(notes), bootstrap)


def _optimise(lam0: np.ndarray, nu0: np.ndarray, n: np.ndarray, free_means: np.ndarray, epsilon: float,
              start: np.ndarray) -> Any:
    from scipy.optimize import minimize

    weights = np.sqrt(np.outer(n, n))
    np.fill_diagonal(weights, 0.0)
    free = int(free_means.sum())
    # Bounded: a factor mean beyond 20 SDs or an SD ratio beyond e^5 is no solution, and exp() stays finite.
    bounds = [(-20.0, 20.0)] * free + [(-5.0, 5.0)] * len(n)
    return minimize(_loss, start, args=(lam0, nu0, weights, free_means, epsilon), jac=True, method="L-BFGS-B",
                    bounds=bounds, options={"maxiter": 5000, "ftol": 1e-14, "gtol": 1e-9})


def _solution(x: np.ndarray, free_means: np.ndarray, ref: int) -> tuple[np.ndarray, np.ndarray]:
    """Means and variances from the optimiser's parameters, in the reference group's metric (mean 0, variance 1)."""
    free = int(free_means.sum())
    alpha = np.zeros(len(free_means))
    alpha[free_means] = x[:free]
    variance = np.exp(2 * (x[free:] - x[free:].mean()))
    return (alpha - alpha[ref]) / np.sqrt(variance[ref]), variance / variance[ref]


def _bootstrap(data: Any, items: list[str], by: str, groups: list[str], free_means: np.ndarray, ref: int,
               epsilon: float, start: np.ndarray, resamples: int, rng: Any) -> tuple[np.ndarray, int]:
    """Means and variances (resamples x 2 x groups) of alignments of respondents resampled within each group."""
    import pandas as pd

    parts = [part for _, part in data[[by, *items]].dropna().groupby(by, sort=True)]
    out, failed = [], 0
    while len(out) < resamples:
        sample = pd.concat([part.iloc[rng.integers(0, len(part), len(part))] for part in parts], ignore_index=True)
        try:
            fitted = configural(sample, items, by=by)
        except InputError:
            # A small group's resample can repeat respondents until an item is constant or the one-factor model
            # fails: that resample is drawn again, and the count is said.
            failed += 1
            if failed > 4 * resamples:
                raise InputError(f"{failed} bootstrap resamples could not be fitted (a group is too small to "
                                 "resample): use fewer groups or no bootstrap") from None
            continue
        fit = _optimise(fitted.loadings, fitted.intercepts, fitted.n, free_means, epsilon, start)
        out.append(_solution(fit.x, free_means, ref))
    return np.array(out), failed


def _invariance_r2(lam0: np.ndarray, nu0: np.ndarray, lam: np.ndarray, nu: np.ndarray, mean: np.ndarray,
                   variance: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Share of the configural loadings' and intercepts' variation across groups that the aligned group means and
    variances explain, with common (weighted average) aligned parameters (Asparouhov & Muthén, 2014, eq. 13-14)."""
    w = n / n.sum()
    common_lam = w @ lam
    common_nu = w @ nu
    sd = np.sqrt(variance)[:, None]

    def share(observed: np.ndarray, explained: np.ndarray) -> np.ndarray:
        total = np.var(observed, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, 1 - np.var(observed - explained, axis=0) / total, np.nan)

    return share(lam0, common_lam * sd), share(nu0, common_nu + mean[:, None] * common_lam)


def _flags(values: np.ndarray, se: np.ndarray, n: np.ndarray, groups: list[str], items: list[str], parameter: str) -> Any:
    """Approximately invariant or not, each group's ``parameter`` of each item, by the paper's procedure: pairwise
    tests at p < .01 give a starting invariant set (the group with the most equal partners, and those partners); each
    group is then tested against the set's sample-size-weighted average at p < .001 until the set no longer changes.
    """
    import pandas as pd
    from scipy.special import ndtr

    rows = []
    for i, item in enumerate(items):
        v, s = values[:, i], se[:, i]
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.abs(v[:, None] - v[None, :]) / np.sqrt(s[:, None] ** 2 + s[None, :] ** 2)
        equal = 2 * ndtr(-z) >= 0.01
        np.fill_diagonal(equal, True)
        members = equal[int(np.argmax(equal.sum(axis=1)))].copy()
        for _ in range(100):
            w = n * members / (n * members).sum()
            average, average_se = w @ v, np.sqrt(np.sum(w**2 * s**2))
            p = 2 * ndtr(-np.abs(v - average) / np.sqrt(s**2 + average_se**2))
            updated = p >= 0.001
            if (updated == members).all() or not updated.any():
                break
            members = updated
        rows += [{"group": g, "item": item, "parameter": parameter, "value": float(v[k]), "se": float(s[k]),
                  "invariant": bool(members[k])} for k, g in enumerate(groups)]
    return pd.DataFrame(rows)
