"""The studentized range distribution's upper tail, vectorised, for Games-Howell p-values.

scipy's ``studentized_range.sf`` (which pingouin calls too) integrates each value on its own with adaptive
quadrature: 10 ms a p-value, so Games-Howell across 15 cities and 9 scales (945 p-values) took 7 s, and the
five-city demo 0.9 s. Here every pair's p-value comes from one pass of fixed Gauss-Legendre rules, as R's
``ptukey`` computes it (Copenhaver & Holland, 1988): the probability that the range of k standard normal
variables stays below w,

    W(w; k) = k ∫ φ(z) [Φ(z) − Φ(z − w)]^(k−1) dz,

averaged over the distribution of the studentizing scale s = sqrt(χ²_ν / ν):

    P(Q > q) = 1 − ∫ f_ν(s) W(q s; k) ds.

The inner integral runs over z in [−8.5, 8.5] (φ is below 1e-16 outside), once for a grid of w, interpolated by a
cubic spline; the outer over log s between the 1e-15 and 1 − 1e-15 quantiles of s; both in panels of 16-point
Gauss-Legendre rules;
``tests/test_distributions.py`` holds the result to scipy's within 1e-8.

Examples
--------
>>> round(float(studentized_range_sf(3.5, 3, 20)), 6)  # scipy.stats.studentized_range.sf(3.5, 3, 20)
0.055892
"""

from __future__ import annotations

from typing import Any

import numpy as np

from axiosphere.instruments.errors import InputError

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
_PANELS_Z, _PANELS_S = 12, 32
_TAIL = 1e-15
_W_MAX = 30.0  # the range of k <= 1000 standard normals exceeds 30 with probability below 1e-100


def _panel_rule(low: Any, high: Any, panels: int) -> tuple[Any, Any]:
    """Nodes and weights of a composite 16-point Gauss-Legendre rule on [low, high] (arrays: one rule each)."""
    low, high = np.asarray(low, dtype=float)[..., None], np.asarray(high, dtype=float)[..., None]
    edges = low + (high - low) * np.linspace(0.0, 1.0, panels + 1)
    half, mid = (edges[..., 1:] - edges[..., :-1]) / 2, (edges[..., 1:] + edges[..., :-1]) / 2
    nodes = mid[..., None] + half[..., None] * _NODES
    weights = half[..., None] * _WEIGHTS
    shape = nodes.shape[:-2] + (panels * len(_NODES),)
    return nodes.reshape(shape), weights.reshape(shape)


def _range_cdf(k: int) -> Any:
    """W(w; k) as a cubic spline in w on [0, 30] (1 beyond): computed once on a grid of 3,001 points, since every
    pair's outer integral needs it at a hundred points."""
    from scipy.interpolate import CubicSpline
    from scipy.special import ndtr

    z, dz = _panel_rule(-8.5, 8.5, _PANELS_Z)
    grid = np.linspace(0.0, _W_MAX, 3001)
    density = dz * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)
    inside = np.clip(ndtr(z) - ndtr(z - grid[:, None]), 0.0, 1.0)
    return CubicSpline(grid, np.clip(k * (inside ** (k - 1)) @ density, 0.0, 1.0))


def studentized_range_sf(q: Any, k: int, df: Any) -> Any:
    """P(Q > q) of the studentized range of ``k`` means with ``df`` degrees of freedom (arrays broadcast).

    Examples
    --------
    >>> studentized_range_sf([0.0, 3.0, 40.0], 4, 12).round(4).tolist()  # scipy: 1.0, 0.2013, 0.0
    [1.0, 0.2013, 0.0]
    """
    from scipy.special import chdtri

    if k < 2:
        raise InputError(f"the studentized range needs at least 2 groups, not {k}")
    q, df = np.broadcast_arrays(np.asarray(q, dtype=float), np.asarray(df, dtype=float))
    if np.any(df <= 0) or np.any(np.isnan(df)):
        raise InputError("the studentized range needs positive degrees of freedom")
    q = np.maximum(q, 0.0)
    # Log s between its extreme quantiles: the scale's density in log s is smooth and single-peaked at any df.
    low = 0.5 * np.log(np.maximum(chdtri(df, 1 - _TAIL), 1e-300) / df)
    high = 0.5 * np.log(chdtri(df, _TAIL) / df)
    t, dt = _panel_rule(low, high, _PANELS_S)
    # The density of log s up to a constant, as -ν/2 (e^{2t} - 1 - 2t) (expm1 keeps it exact near t = 0, where a
    # large ν concentrates it), normalised by its own quadrature: no cancellation of terms of order ν.
    log_density = -df[..., None] / 2 * (np.expm1(2 * t) - 2 * t)
    density = np.exp(log_density - log_density.max(axis=-1, keepdims=True))
    density /= np.sum(dt * density, axis=-1, keepdims=True)
    w = q[..., None] * np.exp(t)
    inner = np.where(w >= _W_MAX, 1.0, np.clip(_range_cdf(k)(np.minimum(w, _W_MAX)), 0.0, 1.0))
    probability = np.sum(dt * density * inner, axis=-1)
    return np.clip(1.0 - probability, 0.0, 1.0)
