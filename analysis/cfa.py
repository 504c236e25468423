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


def _objective(params: np.ndarray, S: np.ndarray, logdet_s: float) -> tuple[float, np.ndarray]:
    k = S.shape[0]
    lam, theta = params[:k], params[k:]
    sigma = np.outer(lam, lam) + np.diag(theta)
    sign, logdet = np.linalg.slogdet(sigma)
    if sign <= 0:
        return 1e10, np.zeros_like(params)
    inv = np.linalg.inv(sigma)
    value = logdet + np.trace(S @ inv) - logdet_s - k
    # dF/dSigma = Sigma^-1 - Sigma^-1 S Sigma^-1; chain rule through Sigma = lam lam' + Theta.
    g = inv - inv @ S @ inv
    return float(value), np.concatenate([2 * g @ lam, np.diag(g)])


@one_blas_thread
def fit_one_factor(S: np.ndarray, *, n: int) -> OneFactorFit:
    """Fit ``x = lambda * f + e`` by ML to the biased covariance ``S`` of ``n`` respondents.

    References
    ----------
    Jöreskog, K. G. (1969). A general approach to confirmatory maximum likelihood factor
    analysis. Psychometrika, 34, 183-202. Rosseel, Y. (2012). lavaan. J. Stat. Softw., 48(2).
    """
    from scipy.optimize import minimize

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
    bounds = [(None, None)] * k + [(1e-8 * float(np.diag(S).max()), None)] * k
    result = minimize(_objective, np.concatenate([start_lam, start_theta]), args=(S, logdet_s), jac=True,
                      method="L-BFGS-B", bounds=bounds, options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
    lam, theta = result.x[:k], result.x[k:]
    if lam.sum() < 0:
        lam = -lam
    # L-BFGS-B can stop "abnormally" in its line search exactly at the optimum (a three-item model
    # fits perfectly, df = 0): a vanishing gradient is convergence too.
    converged = bool(result.success or np.max(np.abs(result.jac)) < 1e-6 * max(1.0, float(np.abs(S).max())))
    return OneFactorFit(lam, theta, float(result.fun * n), k * (k + 1) // 2 - 2 * k, converged)
