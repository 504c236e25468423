"""Raking equals R's survey::rake; trimming keeps its bounds; bad margins are clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axiosphere.analysis.weights import rake
from axiosphere.instruments.errors import InputError
from reference_data import VALUES, cities

REF = VALUES["cities"]["rake"]


def test_raked_weights_equal_survey_rake():
    data = cities()
    margins = {city: REF["margins"] for city in ("orsha", "smolensk", "tver", "bondeno")}
    result = rake(data, margins, by="city")
    for city in margins:
        ref = REF[city]
        ours = result.weights.loc[data.index[data["id"].isin(ref["id"])]]
        assert ours.tolist() == pytest.approx(ref["weight"], abs=1e-6)
        diag = result.diagnostics.set_index("group").loc[city]
        assert diag["deff_kish"] == pytest.approx(ref["deff_kish"], abs=1e-9)
        assert diag["converged"]
    achieved = result.margins
    assert np.allclose(achieved["achieved"], achieved["target"], atol=1e-9)


def test_trimming_keeps_weights_within_bounds_and_margins_close():
    data = cities()
    margins = {"sex": {"female": 0.7, "male": 0.3}, "age_band": {"18-34": 0.5, "35-54": 0.3, "55+": 0.2}}
    untrimmed = rake(data, margins)
    trimmed = rake(data, margins, trim=(0.5, 2.0))
    w = trimmed.weights
    assert untrimmed.weights.max() > 2.0 * untrimmed.weights.mean(), "the test needs weights to trim"
    assert w.max() <= 2.0 * w.mean() + 1e-9 and w.min() >= 0.5 * w.mean() - 1e-9
    assert w.sum() == pytest.approx(len(data))
    assert trimmed.diagnostics["trimmed"].iloc[0] > 0
    assert trimmed.diagnostics["deff_kish"].iloc[0] < untrimmed.diagnostics["deff_kish"].iloc[0]
    impossible = rake(data, {"sex": {"female": 0.95, "male": 0.05}}, trim=(0.8, 1.25), max_iter=200)
    assert not impossible.diagnostics["converged"].iloc[0], "margins the bounds cannot reach are reported"


def test_groups_without_margins_keep_their_weights():
    data = cities()
    result = rake(data, {"orsha": REF["margins"]}, by="city")
    diag = result.diagnostics.set_index("group")
    assert diag.loc["orsha", "raked"] and not diag.loc["tver", "raked"]
    assert result.weights[data.city == "tver"].tolist() == pytest.approx([1.0] * int((data.city == "tver").sum()))


def test_clear_errors_for_bad_margins():
    data = cities()
    with pytest.raises(InputError, match="without a population margin: other"):
        rake(data.assign(sex=data["sex"].where(data.index > 0, "other")), {"sex": {"female": 0.5, "male": 0.5}})
    with pytest.raises(InputError, match="no respondent in sex = diverse"):
        rake(data, {"sex": {"female": 0.5, "male": 0.4, "diverse": 0.1}})
    with pytest.raises(InputError, match="no column 'gender'"):
        rake(data, {"gender": {"f": 1.0}})
    with pytest.raises(InputError, match="trim bounds"):
        rake(data, {"sex": {"female": 0.5, "male": 0.5}}, trim=(2, 3))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ab"), st.sampled_from("xyz")), min_size=6, max_size=60),
       st.floats(0.1, 0.9), st.floats(0.1, 0.8))
def test_raked_weights_hit_each_margin(rows, share_a, share_x):
    import pandas as pd

    data = pd.DataFrame(rows, columns=["s", "t"])
    if data["s"].nunique() < 2 or data["t"].nunique() < 3:
        return
    share_y = (1 - share_x) / 2
    margins = {"s": {"a": share_a, "b": 1 - share_a}, "t": {"x": share_x, "y": share_y, "z": share_y}}
    result = rake(data, margins, max_iter=5000)
    if not result.diagnostics["converged"].iloc[0]:
        return  # some tiny samples have no exact solution: IPF then does not converge, and says so
    w = result.weights
    assert w.sum() == pytest.approx(len(data))
    assert w[data.s == "a"].sum() / w.sum() == pytest.approx(share_a, abs=1e-8)
    assert w[data.t == "x"].sum() / w.sum() == pytest.approx(share_x, abs=1e-8)
