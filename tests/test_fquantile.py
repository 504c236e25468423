"""F quantiles without scipy equal scipy.special.fdtri (Feldt's interval for alpha uses them)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import fdtri

from axiosphere.analysis.fquantile import beta_cdf, f_quantile
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
