"""F quantiles without scipy equal scipy.special.fdtri (Feldt's interval for alpha uses them)."""

from __future__ import annotations

import math
import warnings

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.special import fdtri

from axiosphere.analysis.distributions import beta_cdf, chi2_sf, f_quantile, find_root, noncentral_chi2_cdf
from axiosphere.instruments.errors import InputError


@settings(max_examples=300, deadline=None)
@given(n=st.integers(2, 2_000_000), k=st.integers(2, 40), p=st.sampled_from([0.025, 0.975, 0.005, 0.995]))
def test_feldt_degrees_of_freedom(n: int, k: int, p: float) -> None:
    df1, df2 = n - 1, (n - 1) * (k - 1)
    assert f_quantile(p, df1, df2) == pytest.approx(fdtri(df1, df2, p), rel=1e-9)


@settings(max_examples=300, deadline=None)
@given(df1=st.floats(0.5, 1e5), df2=st.floats(0.5, 1e5), p=st.floats(0.001, 0.999))
def test_any_degrees_of_freedom(df1: float, df2: float, p: float) -> None:
    assert f_quantile(p, df1, df2) == pytest.approx(fdtri(df1, df2, p), rel=1e-7)


@given(x=st.floats(0, 1), a=st.floats(0.1, 1e4), b=st.floats(0.1, 1e4))
@settings(deadline=None)
def test_incomplete_beta_is_a_probability(x: float, a: float, b: float) -> None:
    assert 0.0 <= beta_cdf(x, a, b) <= 1.0


@pytest.mark.parametrize("args", [(0.0, 3, 4), (1.0, 3, 4), (0.5, 0, 4), (0.5, 3, -1)])
def test_bad_arguments(args: tuple[float, float, float]) -> None:
    with pytest.raises(InputError):
        f_quantile(*args)


@settings(max_examples=300, deadline=None)
@given(df=st.integers(1, 5000), ratio=st.floats(0.2, 5.0))
def test_chi_square_upper_tail(df: int, ratio: float) -> None:
    from scipy.special import chdtrc

    x = df * ratio
    expected = chdtrc(df, x)
    assert chi2_sf(x, df) == pytest.approx(expected, rel=1e-9, abs=1e-300 if expected < 1e-290 else 1e-14)


@settings(max_examples=200, deadline=None)
@given(df=st.integers(1, 3000), ratio=st.floats(0.3, 4.0), nc=st.floats(0.0, 20_000.0))
def test_noncentral_chi_square(df: int, ratio: float, nc: float) -> None:
    from scipy.special import chndtr

    x = df * ratio
    assert noncentral_chi2_cdf(x, df, nc) == pytest.approx(chndtr(x, df, nc), abs=1e-11)


@pytest.mark.parametrize(("chisq", "df"), [(115.85, 48), (10_000.0, 300), (3.0, 1), (200_000.0, 1500)])
def test_the_rmsea_interval_roots_equal_brent(chisq: float, df: int) -> None:
    from scipy.optimize import brentq
    from scipy.special import chndtr

    for target in (0.95, 0.05):
        if noncentral_chi2_cdf(chisq, df, 0.0) < target:
            continue  # no noncentrality reaches the target: the bound is 0
        high = 4 * chisq
        ours = find_root(lambda nc: noncentral_chi2_cdf(chisq, df, nc) - target, 0.0, high)
        theirs = brentq(lambda nc: chndtr(chisq, df, nc) - target, 0.0, high, xtol=1e-12)
        assert ours == pytest.approx(theirs, rel=1e-9)


def test_small_analyses_do_not_import_scipy(tmp_path) -> None:
    """A reliability or invariance run on a small file starts without scipy (0.25-0.5 s of imports)."""
    import subprocess
    import sys
    from pathlib import Path

    hs = Path(__file__).parent / "reference" / "hs1939.csv"
    script = (
        "import sys, pandas as pd\n"
        "from axiosphere.analysis.invariance import measurement_invariance\n"
        "from axiosphere.analysis.reliability import reliability\n"
        f"d = pd.read_csv({str(hs)!r})\n"
        "measurement_invariance(d, 'visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6', by='school', partial=False)\n"
        "reliability(d, ['x1', 'x2', 'x3'])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@settings(max_examples=60, deadline=None)
@given(k=st.integers(2, 40), df=st.floats(1.0, 5e4), q=st.floats(0.0, 20.0))
@example(k=35, df=4123.0, q=1.25)
def test_studentized_range_tail_equals_scipy(k: float, df: float, q: float) -> None:
    """Games-Howell's p-values: the vectorised Gauss-Legendre tail equals scipy's adaptive quadrature."""
    from scipy.integrate import IntegrationWarning
    from scipy.stats import studentized_range

    from axiosphere.analysis.studentized_range import studentized_range_sf

    with warnings.catch_warnings():
        # scipy's quadrature can doubt itself where the tail is nearly 1 (k=35, df=4123, q=1.25), and is right.
        warnings.simplefilter("ignore", IntegrationWarning)
        reference = studentized_range.sf(q, k, df)
    assert float(studentized_range_sf(q, k, df)) == pytest.approx(reference, abs=1e-8)


@settings(max_examples=60, deadline=None)
@given(df=st.floats(1.0, 1e9), q=st.floats(0.0, 12.0))
def test_the_range_of_two_means_is_a_two_sided_t(df: float, q: float) -> None:
    """For two groups Q / sqrt(2) is |t|: exact at every df (scipy switches to df = infinity from 1e5 on)."""
    from scipy.stats import t

    from axiosphere.analysis.studentized_range import studentized_range_sf

    # 1e-8: scipy's t.sf rounds to 0.5 for arguments near 0 (the exact two-sided tail there is 1 - O(q)).
    assert float(studentized_range_sf(q, 2, df)) == pytest.approx(2 * t.sf(q / 2 ** 0.5, df), abs=1e-8)
    # With one degree of freedom t is Cauchy: the closed form, exact near 0 too.
    assert float(studentized_range_sf(q, 2, 1.0)) == pytest.approx(1 - 2 / math.pi * math.atan(q / 2 ** 0.5), abs=1e-9)


def test_studentized_range_bad_input() -> None:
    from axiosphere.analysis.studentized_range import studentized_range_sf

    with pytest.raises(InputError, match="at least 2 groups"):
        studentized_range_sf(3.0, 1, 10)
    with pytest.raises(InputError, match="positive degrees of freedom"):
        studentized_range_sf(3.0, 3, 0)
