"""Fit indices of a multi-group ML fit as lavaan reports them: chi-square and its p, CFI, TLI, RMSEA with its 90%
interval, SRMR, AIC and BIC.

The chi-square distributions come from :mod:`axiosphere.analysis.distributions` (pure Python: importing
scipy.special costs more than a small fit). Conventions are lavaan's (Rosseel 2012): the baseline model
has free variances and means in every group; RMSEA is multiplied by sqrt(G) for G groups; SRMR includes
the mean residuals.

Example
-------
>>> import numpy as np
>>> from axiosphere.analysis.mgcfa import GroupData, build_slots, fit_model, parse_model
>>> rng = np.random.default_rng(0)
>>> model = parse_model("f =~ a + b + c")
>>> data = [GroupData(rng.normal(size=(300, 1)) + rng.normal(size=(300, 3)))]
>>> fit = fit_model(model, data, build_slots(model, 1))
>>> sorted(fit_indices(fit, data, model))[:4]
['aic', 'bic', 'cfi', 'chisq']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from axiosphere.analysis.mgcfa import BROKEN, Fit, GroupData, Model


def fit_indices(fit: Fit, data: list[GroupData], model: Model) -> dict[str, Any]:
    """chi-square, df, p, CFI, TLI, RMSEA with 90% CI, SRMR, AIC and BIC as lavaan reports them."""
    from axiosphere.analysis.distributions import chi2_sf, find_root, noncentral_chi2_cdf

    p, G = len(model.items), len(data)
    N = sum(g.n for g in data)
    chisq, df = fit.chisq, fit.df
    base = sum(g.n * (np.sum(np.log(np.diag(g.cov))) - g.logdet) for g in data)
    base_df = G * p * (p - 1) // 2
    cfi_den = max(base - base_df, chisq - df, 0.0)
    cfi = 1 - max(chisq - df, 0.0) / cfi_den if cfi_den > 0 else 1.0
    tli = ((base / base_df) - (chisq / df)) / ((base / base_df) - 1) if df > 0 else 1.0
    rmsea = np.sqrt(max((chisq / N) / df - 1 / N, 0.0)) * np.sqrt(G) if df > 0 else 0.0

    def bound(target: float) -> float:
        f = lambda lam: noncentral_chi2_cdf(chisq, df, lam) - target  # noqa: E731
        if f(0.0) < 0:
            return 0.0
        high = max(chisq, 1.0)
        while f(high) > 0:
            high *= 2
        if not np.isfinite(f(high)):
            return float("nan")  # the noncentral chi-square is not computable this far out: no bound
        lam = find_root(f, 0.0, high, xtol=1e-12)
        return float(np.sqrt(lam / (N * df)) * np.sqrt(G))

    if not np.isfinite(chisq) or chisq >= BROKEN:
        ci = (float("nan"), float("nan"))  # a fit that broke down: no interval (the caller reports it)
    else:
        ci = (bound(0.95), bound(0.05)) if df > 0 else (0.0, 0.0)
    srmr = 0.0
    for g, mats in zip(data, fit.matrices):
        sd = np.sqrt(np.diag(g.cov))
        resid = (g.cov - mats["sigma"]) / np.outer(sd, sd)
        lower = resid[np.tril_indices(p)]
        means = (g.mean - mats["mu"]) / sd
        srmr += g.n / N * np.sqrt(np.mean(np.concatenate([lower, means]) ** 2))
    return {"chisq": chisq, "df": df, "p": chi2_sf(chisq, df) if df > 0 else 1.0, "cfi": float(cfi),
            "tli": float(tli), "rmsea": float(rmsea), "rmsea_ci": [ci[0], ci[1]], "srmr": float(srmr),
            "aic": float(-2 * fit.loglik + 2 * fit.npar), "bic": float(-2 * fit.loglik + fit.npar * np.log(N)),
            "npar": fit.npar, "converged": bool(fit.converged and np.isfinite(chisq) and chisq < BROKEN)}
