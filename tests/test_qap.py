"""Dyadic regression with QAP: coefficients equal sna's netlm/netlogit, permutation p-values agree within Monte Carlo
error (tests/reference/make_qap_reference.R), and the two-country scheme holds its level where classical p does not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from axiosphere.analysis.qap import qap_regression
from axiosphere.instruments.errors import InputError

REFERENCE = Path(__file__).parent / "reference"
PREDICTORS = ["value_distance", "trust_gap"]


@pytest.fixture(scope="module")
def dyads():
    return pd.read_csv(REFERENCE / "qap_dyads.csv").rename(columns={"i": "a", "j": "b"})


@pytest.fixture(scope="module")
def sna():
    return pd.read_csv(REFERENCE / "qap_reference.csv")


@pytest.mark.parametrize(("outcome", "model"), [("activity", "netlm"), ("tie", "netlogit")])
@pytest.mark.parametrize(("method", "nullhyp"), [("y", "qapy"), ("dsp", "qapspp")])
def test_equal_to_sna(dyads, sna, outcome, model, method, nullhyp):
    reps = 4000
    ours = qap_regression(dyads, outcome, PREDICTORS, method=method, permute="joint", reps=reps, seed=7)
    theirs = sna[(sna["model"] == model) & (sna["nullhyp"] == nullhyp)].set_index("term")
    table = ours.table.set_index("term").loc[theirs.index]
    tolerance = 1e-9 if model == "netlm" else 1e-6  # glm.fit stops at a relative deviance change of 1e-8
    for column in ("estimate", "se", "statistic"):
        np.testing.assert_allclose(table[column], theirs[column], rtol=tolerance)
    # p-values: ours from 4,000 permutations, sna's from 20,000; four standard errors of the difference.
    p = theirs["p"].to_numpy()
    error = 4 * np.sqrt(np.maximum(p * (1 - p), 1e-4) * (1 / reps + 1 / 20000))
    assert (np.abs(table["p_permutation"].to_numpy() - p) <= error).all(), (table["p_permutation"].tolist(), p.tolist())
    assert ours.model == ("ols" if model == "netlm" else "logit") and ours.n_dyads == 120 and ours.n_rows == 16


def _two_countries(rng, rows=8, columns=9, effect=0.0):
    # City effects make dyads sharing a city alike (the dependence QAP respects and classical tests ignore).
    row_effect, column_effect = rng.normal(0, 1, rows), rng.normal(0, 1, columns)
    x_row, x_column = rng.normal(0, 1, rows), rng.normal(0, 1, columns)
    a, b = np.repeat(np.arange(rows), columns), np.tile(np.arange(columns), rows)
    x = x_row[a] + x_column[b] + rng.normal(0, 0.3, len(a))
    y = effect * x + row_effect[a] + column_effect[b] + rng.normal(0, 0.3, len(a))
    return pd.DataFrame({"a": [f"ru{i}" for i in a], "b": [f"us{j}" for j in b], "y": y, "x": x})


def test_two_countries_keep_the_level_where_classical_tests_do_not():
    rng = np.random.default_rng(3)
    qap, classical = [], []
    for k in range(60):
        fit = qap_regression(_two_countries(rng), "y", ["x"], reps=199, seed=k).table.set_index("term").loc["x"]
        qap.append(fit["p_permutation"])
        classical.append(fit["p_classical"])
    assert np.mean(np.array(qap) < 0.05) <= 0.12, "QAP: about 5% false positives"
    assert np.mean(np.array(classical) < 0.05) >= 0.25, "the dependence misleads a classical test"


def test_two_countries_find_a_real_effect_and_say_the_scheme():
    fit = qap_regression(_two_countries(np.random.default_rng(4), effect=1.0), "y", ["x"], reps=500, seed=1)
    assert fit.table.set_index("term").loc["x", "p_permutation"] < 0.05
    assert (fit.n_rows, fit.n_columns, fit.n_dyads) == (8, 9, 72) and fit.permute == "rows-columns"
    assert "rows and columns permuted within their country" in fit.notes[0]
    again = qap_regression(_two_countries(np.random.default_rng(4), effect=1.0), "y", ["x"], reps=500, seed=1)
    assert again.table.equals(fit.table), "seeded"
    assert set(fit.to_frame().columns) >= {"term", "estimate", "p_permutation", "outcome", "reps"}
    assert fit.to_dict()["coefficients"][1]["term"] == "x"


@pytest.mark.parametrize(("change", "options", "message"), [
    (lambda d: d.drop(columns="x"), {}, "no column 'x'"),
    (lambda d: d.iloc[1:], {}, "fill the 8 x 9 rectangle"),
    (lambda d: d.assign(x=d["x"].mask(d.index == 3)), {}, "1 dyad(s) lack a value"),
    (lambda d: d, {"permute": "joint"}, "a joint permutation needs every pair"),
    (lambda d: d, {"method": "mrqap"}, "--method must be one of dsp, y"),
    (lambda d: d, {"reps": 0}, "--reps must be a positive"),
    (lambda d: d.assign(z=d["x"] * 2), {"predictors": ["x", "z"]}, "collinear"),
    (lambda d: d, {"model": "logit"}, "needs a 0/1 outcome"),
])
def test_bad_input_is_one_clear_error(change, options, message):
    data = change(_two_countries(np.random.default_rng(5)))
    predictors = options.pop("predictors", ["x"])
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        qap_regression(data, "y", predictors, **{"reps": 10, **options})
