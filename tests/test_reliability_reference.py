"""Reliability equals R: psych::alpha (listwise and pairwise) and semTools::compRelSEM omega."""

from __future__ import annotations

import pytest

from axiosphere.analysis.reliability import reliability
from reference_data import VALUES, bfi

SCALES = ["A", "C", "E", "N", "O"]


def _result(scale: str, missing: str, by: str | None = None):
    keys = VALUES["bfi"]["keys"][scale]
    items = [k.lstrip("-") for k in keys]
    reverse = [k.lstrip("-") for k in keys if k.startswith("-")]
    return reliability(bfi(), items, scale=scale, reverse=reverse, missing=missing, by=by, bounds=(1, 6))


@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
@pytest.mark.parametrize("scale", SCALES)
def test_alpha_and_item_statistics_equal_psych(scale, missing):
    ours = _result(scale, missing).scales[0]
    ref = VALUES["bfi"][scale][missing]
    assert ours.n == ref["n"]
    assert ours.alpha == pytest.approx(ref["alpha"], abs=1e-6)
    assert ours.std_alpha == pytest.approx(ref["std_alpha"], abs=1e-6)
    assert ours.mean_inter_item_r == pytest.approx(ref["average_r"], abs=1e-6)
    assert list(ours.alpha_ci) == pytest.approx(ref["feldt"], abs=1e-6)
    assert ours.items["item_total_r"].tolist() == pytest.approx(ref["item_total_r"], abs=1e-6)
    assert ours.items["alpha_if_deleted"].tolist() == pytest.approx(ref["alpha_if_deleted"], abs=1e-6)


@pytest.mark.parametrize("scale", SCALES)
def test_omega_total_equals_semtools(scale):
    ours = _result(scale, "listwise").scales[0]
    assert ours.omega_total == pytest.approx(VALUES["bfi"][scale]["omega_listwise"]["omega"], abs=1e-3)


def test_one_factor_fit_equals_lavaan():
    import numpy as np

    from axiosphere.analysis.cfa import fit_one_factor

    keys = VALUES["bfi"]["keys"]["N"]
    data = bfi()[[k.lstrip("-") for k in keys]].dropna()
    n = len(data)
    fit = fit_one_factor(np.cov(data.to_numpy().T) * (n - 1) / n, n=n)
    ref = VALUES["bfi"]["N"]["omega_listwise"]
    assert fit.loadings.tolist() == pytest.approx(ref["loadings"], abs=1e-4)
    assert fit.chisq == pytest.approx(ref["chisq"], rel=1e-4)


def test_reliability_by_group_equals_psych_per_group():
    result = _result("C", "listwise", by="gender")
    groups = {s.group: s for s in result.scales if s.group is not None}
    for gender, ref in VALUES["bfi"]["C_by_gender"].items():
        assert groups[gender].n == ref["n"]
        assert groups[gender].alpha == pytest.approx(ref["alpha"], abs=1e-6)
        assert list(groups[gender].alpha_ci) == pytest.approx(ref["feldt"], abs=1e-6)
