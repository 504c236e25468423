"""The F and chi-square distribution functions a reliability or invariance run prints, in pure Python.

Feldt's interval for alpha needs F quantiles; a fit's p-value and the RMSEA interval need the
central and noncentral chi-square. ``scipy.special`` has them all, but importing it costs
0.13-0.2 s (it loads numpy's testing, f2py and fft modules through its array-API layer): a
fifth of a whole ``axiosphere analyze reliability`` or ``analyze invariance`` on a small file,
where R answers in 0.6-0.7 s. So they are computed here from the regularized incomplete beta
(continued fraction, DLMF 8.17.22) and gamma functions (series and continued fraction, DLMF
8.7.1 and 8.9.2), with safeguarded root finding; ``tests/test_distributions.py`` holds every
function to scipy's values.

Example
-------
>>> round(f_quantile(0.975, 9, 18), 6)  # scipy.special.fdtri(9, 18, 0.975)
2.929112
>>> round(chi2_sf(30.0, 20), 6)  # scipy.special.chdtrc(20, 30)
0.069854
"""

from __future__ import annotations

import math
from collections.abc import Callable
from statistics import NormalDist

from axiosphere.instruments.errors import InputError


def _continued_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of I_x(a, b) by the modified Lentz method; converges for x < (a+1)/(a+b+2)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    value = d
    for m in range(1, 100_000):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                          -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            value *= c * d
        if abs(c * d - 1.0) < 1e-16:
            break
    return value


def _log_beta(a: float, b: float) -> float:
    return math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = a * math.log(x) + b * math.log1p(-x) - _log_beta(a, b)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(x, a, b) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(1.0 - x, b, a) / b


def _normal_guess(p: float, a: float, b: float) -> float:
    mean, sd = a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))
    return min(max(mean + sd * NormalDist().inv_cdf(p), 1e-300), 1.0 - 1e-16)


def _beta_quantile(p: float, a: float, b: float) -> float:
    """x with I_x(a, b) = p: Newton steps from a normal approximation, kept inside a shrinking bracket."""
    x = _normal_guess(p, a, b)
    low, high = 0.0, 1.0
    log_b = _log_beta(a, b)
    for _ in range(200):
        error = beta_cdf(x, a, b) - p
        if error == 0.0:
            return x
        if error < 0:
            low = x
        else:
            high = x
        density = math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_b)
        step = error / density if density > 0 else math.inf
        candidate = x - step
        if not low < candidate < high:
            candidate = (low + high) / 2
        if abs(candidate - x) <= 1e-15 * x:
            return candidate
        x = candidate
    return x


def f_quantile(p: float, df1: float, df2: float) -> float:
    """The ``p`` quantile of the F distribution with ``df1`` and ``df2`` degrees of freedom.

    Equal to ``scipy.special.fdtri(df1, df2, p)`` to about 1e-12 relative.

    References
    ----------
    NIST Digital Library of Mathematical Functions, 8.17 (incomplete beta function) and 26.5 in
    Abramowitz & Stegun (1964): if X ~ Beta(df1/2, df2/2), df2 X / (df1 (1 - X)) ~ F(df1, df2).
    """
    if not 0.0 < p < 1.0 or df1 <= 0 or df2 <= 0:
        raise InputError(f"an F quantile needs 0 < p < 1 and positive degrees of freedom (got {p}, {df1}, {df2})")
    a, b = df1 / 2.0, df2 / 2.0
    if _normal_guess(p, a, b) > 0.5:
        # Near 1, x cannot hold 1 - x to full precision: find 1 - x, a Beta(b, a) quantile, instead.
        y = _beta_quantile(1.0 - p, b, a)
        return df2 * (1.0 - y) / (df1 * y)
    x = _beta_quantile(p, a, b)
    return df2 * x / (df1 * (1.0 - x))


def _gamma_lower_series(a: float, x: float) -> float:
    """P(a, x) by its power series (DLMF 8.7.1 scaled); used for x < a + 1."""
    term = total = 1.0 / a
    for n in range(1, 100_000):
        term *= x / (a + n)
        total += term
        if term < total * 1e-17:
            break
    return math.exp(a * math.log(x) - x - math.lgamma(a)) * total


def _gamma_upper_fraction(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (DLMF 8.9.2, modified Lentz); used for x >= a + 1."""
    tiny = 1e-300
    b = x + 1.0 - a
    c, d = 1.0 / tiny, 1.0 / b
    value = d
    for n in range(1, 100_000):
        an = -n * (n - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        value *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return math.exp(a * math.log(x) - x - math.lgamma(a)) * value


def gamma_p(a: float, x: float) -> float:
    """The regularized lower incomplete gamma function P(a, x)."""
    if x <= 0.0:
        return 0.0
    return _gamma_lower_series(a, x) if x < a + 1.0 else 1.0 - _gamma_upper_fraction(a, x)


def chi2_sf(x: float, df: float) -> float:
    """P(X > x) for X ~ chi-square(df): a fit's p-value. Equal to ``scipy.special.chdtrc(df, x)``."""
    if x <= 0.0:
        return 1.0
    a, half = df / 2.0, x / 2.0
    return 1.0 - _gamma_lower_series(a, half) if half < a + 1.0 else _gamma_upper_fraction(a, half)


def noncentral_chi2_cdf(x: float, df: float, nc: float) -> float:
    """P(X <= x) for a noncentral chi-square; equal to ``scipy.special.chndtr(x, df, nc)``.

    The Poisson(nc/2) mixture of central chi-squares with df + 2j degrees of freedom, summed
    outwards from the Poisson mode with the recurrences of both factors, so a sum of thousands
    of terms costs thousands of multiplications (Johnson, Kotz & Balakrishnan, 1995, ch. 29).
    """
    if x <= 0.0:
        return 0.0
    if nc <= 0.0:
        return 1.0 - chi2_sf(x, df)
    if nc > 1e9:
        # Beyond any chi-square a fit produces, the sum would take millions of terms; the
        # distribution is normal there to far better than the printed digits.
        return NormalDist(df + nc, math.sqrt(2.0 * (df + 2.0 * nc))).cdf(x)
    lam, half = nc / 2.0, x / 2.0
    mode = int(lam)
    weight0 = math.exp(-lam + mode * math.log(lam) - math.lgamma(mode + 1.0)) if mode > 0 else math.exp(-lam)
    a0 = df / 2.0 + mode
    p0 = gamma_p(a0, half)
    # The term x^a e^-x / Gamma(a + 1) links P(a, x) and P(a + 1, x).
    link0 = math.exp(a0 * math.log(half) - half - math.lgamma(a0 + 1.0))
    total = weight0 * p0
    weight, p, link, a = weight0, p0, link0, a0
    for j in range(mode + 1, mode + 100_000):  # upwards: P(a + 1) = P(a) - link(a)
        weight *= lam / j
        p -= link
        link *= half / (a + 1.0)
        a += 1.0
        total += weight * max(p, 0.0)
        if weight < 1e-300 or (weight * max(p, 0.0) < 1e-17 * total and weight < 1e-17):
            break
    weight, p, link, a = weight0, p0, link0, a0
    for j in range(mode, 0, -1):  # downwards: P(a - 1) = P(a) + link(a - 1)
        weight *= j / lam
        link *= a / half
        a -= 1.0
        p += link
        total += weight * min(p, 1.0)
        if weight < 1e-17 * total or weight < 1e-300:  # what is left is below weight (p <= 1)
            break
    return min(total, 1.0)


def find_root(function: Callable[[float], float], low: float, high: float, *, xtol: float = 1e-12) -> float:
    """A root of ``function`` between ``low`` and ``high`` (of opposite signs): the Illinois method
    (regula falsi that halves the weight of an end kept twice), with bisection when it stalls."""
    f_low, f_high = function(low), function(high)
    if f_low == 0.0:
        return low
    if f_high == 0.0:
        return high
    if (f_low > 0) == (f_high > 0):
        raise InputError("the function does not change sign between the bounds")
    side = 0
    for _ in range(500):
        width = abs(high - low)
        x = (low * f_high - high * f_low) / (f_high - f_low)
        if not min(low, high) < x < max(low, high):
            x = (low + high) / 2
        f_x = function(x)
        if f_x == 0.0:
            return x
        if (f_x > 0) == (f_low > 0):
            low, f_low = x, f_x
            if side == -1:
                f_high /= 2
            side = -1
        else:
            high, f_high = x, f_x
            if side == 1:
                f_low /= 2
            side = 1
        if abs(high - low) < xtol * max(1.0, abs(x)):
            return x
        if abs(high - low) > 0.75 * width:  # stalled: bisect once
            x = (low + high) / 2
            f_x = function(x)
            if (f_x > 0) == (f_low > 0):
                low, f_low = x, f_x
            else:
                high, f_high = x, f_x
            side = 0
    return (low + high) / 2
