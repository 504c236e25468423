"""Properties of the statistics (hypothesis): invariances that any correct implementation keeps."""

from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from axiosphere.analysis.compare import compare
from axiosphere.analysis.reliability import reliability
from axiosphere.analysis.scoring import rating_items, score
from axiosphere.instruments import resolve_instrument

PVQ = resolve_instrument("pvq21")
ITEMS = rating_items(PVQ)

likert = arrays(np.float64, st.tuples(st.integers(8, 40), st.just(4)), elements=st.integers(1, 5).map(float))


def _alpha(frame, **kw):
    return reliability(frame, list(frame.columns), **kw).scales[0].alpha


@settings(max_examples=60, deadline=None)
@given(likert, st.integers(0, 3), st.floats(-50, 50))
def test_alpha_ignores_a_constant_added_to_an_item(values, item, constant):
    frame = pd.DataFrame(values, columns=list("abcd"))
    assume(frame.var().min() > 0)
    moved = frame.copy()
    moved[moved.columns[item]] += constant
    assert _alpha(moved) == pytest.approx(_alpha(frame), abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(likert, st.integers(0, 3))
def test_alpha_unchanged_by_reversing_an_item_together_with_its_key(values, item):
    frame = pd.DataFrame(values, columns=list("abcd"))
    assume(frame.var().min() > 0)
    column = frame.columns[item]
    flipped = frame.assign(**{column: 6 - frame[column]})
    assert _alpha(flipped, reverse=[column], bounds=(1, 5)) == pytest.approx(_alpha(frame), abs=1e-9)


answers = arrays(np.float64, st.tuples(st.integers(1, 15), st.just(len(ITEMS))),
                 elements=st.one_of(st.integers(1, 6).map(float), st.just(np.nan)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers)
def test_scores_lie_within_the_scale_bounds(values):
    scores = score(pd.DataFrame(values, columns=ITEMS), PVQ).raw
    present = scores.stack().dropna()
    assert ((present >= 1) & (present <= 6)).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(arrays(np.float64, st.tuples(st.integers(1, 15), st.just(len(ITEMS))), elements=st.integers(1, 6).map(float)))
def test_mrat_centred_scores_sum_to_zero_over_the_items(values):
    scores = score(pd.DataFrame(values, columns=ITEMS), PVQ)
    basic = [s for s, v in PVQ.scales.items() if not v.is_composite]
    weights = np.array([len(PVQ.scale_items(s)) for s in basic])
    # The 21 items split into the ten values, so item-weighted centred scores sum to zero.
    assert np.allclose(scores.centred[basic].to_numpy() @ weights, 0, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.integers(3, 30), elements=st.floats(-100, 100, allow_nan=False)))
def test_a_city_compared_with_itself_gives_t_zero(values):
    assume(np.std(values) > 1e-6)
    data = pd.DataFrame({"city": ["a"] * len(values) + ["b"] * len(values), "x": np.concatenate([values, values])})
    result = compare(data, ["x"], by="city", posthoc=False)
    row = result.pairs.iloc[0]
    assert row["t"] == pytest.approx(0, abs=1e-9) and row["hedges_g"] == pytest.approx(0, abs=1e-9)
    assert row["p"] == pytest.approx(1) and row["rank_biserial"] == pytest.approx(0, abs=1e-12)


@given(st.integers(2, 6), st.integers(3, 60), st.floats(0, 0.5), st.integers(0, 2**31), st.booleans())
@settings(max_examples=60, deadline=None)
def test_blockwise_covariance_equals_pandas_listwise_and_pairwise(k, rows, share, seed, by_columns):
    import pandas as pd

    rel = importlib.import_module("axiosphere.analysis.covariance")

    rng = np.random.default_rng(seed)
    values = rng.integers(1, 7, size=(rows, k)).astype(float)
    values[rng.random(values.shape) < share] = np.nan
    frame = pd.DataFrame(values)
    if by_columns:  # the layout pandas hands over
        values = np.asfortranarray(values)
    pairwise, _, answered = rel.covariance(values, "pairwise")
    np.testing.assert_allclose(pairwise, frame.cov().to_numpy(), rtol=1e-9, atol=1e-9)
    assert answered == int((~frame.isna().all(axis=1)).sum())
    listwise, n, _ = rel.covariance(values, "listwise")
    complete = frame.dropna()
    assert n == len(complete)
    if n >= 2:
        np.testing.assert_allclose(listwise, complete.cov().to_numpy(), rtol=1e-9, atol=1e-9)


def test_blockwise_covariance_spans_blocks(monkeypatch):
    import pandas as pd

    rel = importlib.import_module("axiosphere.analysis.covariance")

    monkeypatch.setattr(rel, "_CHUNK", 7)
    rng = np.random.default_rng(3)
    values = rng.normal(size=(100, 4))
    values[rng.random(values.shape) < 0.2] = np.nan
    np.testing.assert_allclose(rel.covariance(values, "pairwise")[0], pd.DataFrame(values).cov().to_numpy(), atol=1e-12)


@pytest.mark.parametrize("chunk", [50, 1 << 14])
def test_covariance_of_values_far_from_zero(monkeypatch, chunk):
    import pandas as pd

    cov = importlib.import_module("axiosphere.analysis.covariance")

    monkeypatch.setattr(cov, "_CHUNK", chunk)
    rng = np.random.default_rng(11)
    values = 1e7 + rng.normal(size=(500, 4))  # sums of squares around 1e14 would cancel away the variance
    values[rng.random(values.shape) < 0.1] = np.nan
    frame = pd.DataFrame(values - 1e7)  # exact, and pandas' means of values this large would round at 1e-9
    np.testing.assert_allclose(cov.covariance(values, "pairwise")[0], frame.cov().to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(cov.covariance(values, "listwise")[0], frame.dropna().cov().to_numpy(), rtol=1e-9)


def test_covariance_of_wide_data_with_many_gaps():
    import pandas as pd

    cov = importlib.import_module("axiosphere.analysis.covariance")

    rng = np.random.default_rng(9)
    values = rng.normal(size=(60, 300))  # item numbers beyond one byte
    values[rng.random(values.shape) < 0.05] = np.nan
    values[:, 299][:30] = np.nan
    np.testing.assert_allclose(cov.covariance(values, "pairwise")[0], pd.DataFrame(values).cov().to_numpy(),
                               rtol=1e-9, atol=1e-9)


@given(st.lists(st.integers(1, 7), min_size=1, max_size=150), st.lists(st.integers(1, 7), min_size=1, max_size=150),
       st.booleans())
@settings(max_examples=80, deadline=None)
def test_mann_whitney_by_binary_search_equals_scipy(a, b, continuous):
    from scipy.stats import mannwhitneyu

    from axiosphere.analysis.compare import mann_whitney_u

    x, y = np.array(a, float), np.array(b, float)
    if continuous:  # no ties
        x, y = x + np.arange(len(x)) * 1e-3, y + 0.5 + np.arange(len(y)) * 1e-3
    assume(len(np.unique(np.concatenate([x, y]))) > 1)
    u, p = mann_whitney_u(np.sort(x), np.sort(y))
    reference = mannwhitneyu(x, y, alternative="two-sided", method="asymptotic")
    assert u == pytest.approx(reference.statistic) and p == pytest.approx(reference.pvalue, abs=1e-12)


def test_games_howell_from_summaries_equals_pingouin():
    import pingouin

    from axiosphere.analysis.compare import games_howell

    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"g": rng.choice(["a", "b", "c", "d"], 400), "x": rng.normal(size=400)})
    frame.loc[frame.g == "c", "x"] += 0.5
    stats_ = frame.groupby("g")["x"].agg(["mean", "var", "count"])
    ours = games_howell("x", list(stats_.index), *(stats_[c].to_numpy() for c in ("mean", "var", "count")))
    theirs = pingouin.pairwise_gameshowell(data=frame, dv="x", between="g")
    p = theirs["p_val"] if "p_val" in theirs.columns else theirs["pval"]
    np.testing.assert_allclose(ours[["diff", "se", "t", "df"]].to_numpy(),
                               theirs[["diff", "se", "T", "df"]].to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours["p"], p, atol=1e-6)
