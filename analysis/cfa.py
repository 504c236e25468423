"""Confirmatory factor analysis by maximum likelihood: the one-factor model behind omega.

Fitted on the covariance matrix alone (k x k), so it costs the same for a thousand
or a million respondents. The fit function is lavaan's ML discrepancy,
``F = log|Sigma| + tr(S Sigma^-1) - log|S| - k``, with ``S`` the biased (divide
by N) covariance; loadings and residual variances are free, the factor variance
is 1 (``std.lv = TRUE``). Written here rather than through semopy because the
same machinery is extended to multi-group models with equality constraints, which
semopy cannot express, and because importing and fitting semopy for a k x k
problem costs more than the rest of a reliability analysis.

Example
-------
>>> import numpy as np
>>> S = np.array([[1.0, .5, .4], [.5, 1.0, .45], [.4, .45, 1.0]])
>>> fit = fit_one_factor(S, n=500)
>>> round(float(fit.loadings[0]), 3)
0.667
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from axiosphere.analysis.threads import one_blas_thread
from axiosphere.instruments.errors import InputError


@dataclass(frozen=True)
class OneFactorFit:
    """ML estimates of a one-factor model with standardised latent variable."""

    loadings: np.ndarray
    residuals: np.ndarray
    chisq: float
    df: int
    converged: bool

    def to_dict(self) -> dict[str, object]:
        return {"loadings": self.loadings.tolist(), "residuals": self.residuals.tolist(), "chisq": self.chisq,
                "df": self.df, "converged": self.converged}


def _discrepancy(lam: np.ndarray, theta: np.ndarray, S: np.ndarray, logdet_s: float) -> tuple[float, np.ndarray]:
    """The ML discrepancy and Sigma^-1 at (lam, theta); inf outside the positive-definite region."""
    sigma = np.outer(lam, lam) + np.diag(theta)
    try:
        chol = np.linalg.cholesky(sigma)
    except np.linalg.LinAlgError:
        return np.inf, np.empty_like(sigma)
    inv_chol = np.linalg.inv(chol)
    inv = inv_chol.T @ inv_chol
    value = 2 * np.log(np.diag(chol)).sum() + float((S * inv).sum()) - logdet_s - len(lam)
    return float(value), inv


def _scoring(S: np.ndarray, logdet_s: float, lam: np.ndarray, theta: np.ndarray,
             floor: float) -> tuple[np.ndarray, np.ndarray, float, float] | None:
    """Fisher scoring with step halving; residual variances held at ``floor`` when they press on it.

    Written with numpy rather than scipy.optimize because importing scipy.optimize costs more
    (0.25 s) than the whole of a 10k-row reliability analysis, and the one-factor model's
    expected information has a closed form. Returns None if it does not converge.
    """
    k = len(lam)
    value, inv = _discrepancy(lam, theta, S, logdet_s)
    if not np.isfinite(value):
        return None
    # F is a difference of O(k + |log|S||) terms: changes below this are rounding, not progress.
    noise = 1e-12 * (k + abs(logdet_s))
    for _ in range(200):
        # dF/dSigma = W - W S W with W = Sigma^-1; chain rule through Sigma = lam lam' + Theta.
        g_sigma = inv - inv @ S @ inv
        grad = np.concatenate([2 * g_sigma @ lam, np.diag(g_sigma)])
        # Expected information tr(W dSigma_a W dSigma_b) of the one-factor model, in closed form.
        u, c = inv @ lam, float(lam @ inv @ lam)
        info = np.empty((2 * k, 2 * k))
        info[:k, :k] = 2 * (np.outer(u, u) + c * inv)
        info[:k, k:] = 2 * inv * u[None, :]
        info[k:, :k] = info[:k, k:].T
        info[k:, k:] = inv**2
        held = np.concatenate([np.zeros(k, bool), (theta <= floor) & (grad[k:] > 0)])
        free = ~held
        if np.max(np.abs(grad[free])) < 1e-10 * max(1.0, float(np.abs(S).max())):
            return lam, theta, value, float(np.max(np.abs(grad[free])))
        step = np.zeros(2 * k)
        try:
            step[free] = -np.linalg.solve(info[np.ix_(free, free)], grad[free])
        except np.linalg.LinAlgError:
            return None
        for _ in range(40):
            new_lam, new_theta = lam + step[:k], np.maximum(theta + step[k:], floor)
            new_value, new_inv = _discrepancy(new_lam, new_theta, S, logdet_s)
            if new_value <= value + noise:
                break
            step /= 2
        else:
            return lam, theta, value, float(np.max(np.abs(grad[free])))
        lam, theta, value, inv = new_lam, new_theta, new_value, new_inv
    return None


def _objective(params: np.ndarray, S: np.ndarray, logdet_s: float) -> tuple[float, np.ndarray]:
    k = S.shape[0]
    lam, theta = params[:k], params[k:]
    value, inv = _discrepancy(lam, theta, S, logdet_s)
    if not np.isfinite(value):
        return 1e10, np.zeros_like(params)
    g = inv - inv @ S @ inv
    return value, np.concatenate([2 * g @ lam, np.diag(g)])


@one_blas_thread
def fit_one_factor(S: np.ndarray, *, n: int) -> OneFactorFit:
    """Fit ``x = lambda * f + e`` by ML to the biased covariance ``S`` of ``n`` respondents.

    Examples
    --------
    >>> loadings = np.array([0.8, 0.7, 0.6, 0.5])
    >>> fit = fit_one_factor(np.outer(loadings, loadings) + np.diag(1 - loadings**2), n=500)
    >>> fit.loadings.round(3).tolist(), fit.converged
    ([0.8, 0.7, 0.6, 0.5], True)

    References
    ----------
    Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor
    analysis. Psychometrika, 34, 183-202. Rosseel, Y. (2012). lavaan. J. Stat. Softw., 48(2).
    """
    S = np.asarray(S, dtype=float)
    k = S.shape[0]
    if k < 3:
        raise InputError("a one-factor model needs at least three items to be identified")
    sign, logdet_s = np.linalg.slogdet(S)
    if sign <= 0:
        raise InputError("the items' covariance matrix is singular (an item is constant or a copy of others)")
    values, vectors = np.linalg.eigh(S)
    start_lam = vectors[:, -1] * np.sqrt(values[-1])
    start_lam *= np.sign(start_lam.sum()) or 1.0
    start_theta = np.clip(np.diag(S) - start_lam**2, 0.05 * np.diag(S), None)
    floor = 1e-8 * float(np.diag(S).max())
    scored = _scoring(S, logdet_s, start_lam, start_theta, floor)
    # A residual variance on its floor (a Heywood case) can be one of several boundary optima, and
    # L-BFGS-B's path to it is the one checked against lavaan: it takes over there, and wherever
    # scoring stopped short of a vanishing gradient.
    tolerance = 1e-6 * max(1.0, float(np.abs(S).max()))
    if scored is not None and (scored[1] > floor).all() and scored[3] < tolerance:
        lam, theta, value, _ = scored
        converged = True
    else:
        from scipy.optimize import minimize

        bounds = [(None, None)] * k + [(floor, None)] * k
        result = minimize(_objective, np.concatenate([start_lam, start_theta]), args=(S, logdet_s), jac=True,
                          method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
        lam, theta, value = result.x[:k], result.x[k:], float(result.fun)
        # L-BFGS-B can stop "abnormally" in its line search exactly at the optimum (a three-item model
        # fits perfectly, df = 0): a vanishing gradient is convergence too.
        # At the floor a residual variance's gradient may stay positive (it would go lower): convergence is a
        # vanishing projected gradient (the Karush-Kuhn-Tucker condition), not a vanishing gradient.
        projected = np.where((np.arange(2 * k) >= k) & (result.x <= floor * (1 + 1e-9)),
                             np.minimum(result.jac, 0.0), result.jac)
        converged = bool(result.success or np.max(np.abs(projected)) < tolerance)
    if lam.sum() < 0:
        lam = -lam
    return OneFactorFit(lam, theta, value * n, k * (k + 1) // 2 - 2 * k, converged)
