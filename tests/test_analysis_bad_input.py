"""Bad input to the analysis gives one clear line, never a traceback."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import run_cli
from reference_data import REFERENCE


@pytest.fixture
def data(tmp_path):
    frame = pd.DataFrame({"city": ["a", "a", "a", "b", "b", "c"], "x": [1, 2, 3, 2, 3, 4], "y": [2, 2, 3, 3, 4, 4],
                          "z": [1, 3, 2, 4, 3, 5], "word": ["lo", "hi", "lo", "hi", "lo", "hi"],
                          "empty": [None] * 6})
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path / "d.csv"


@pytest.mark.parametrize(("args", "message"), [
    (["reliability", "{d}", "--items", "x,nope"], "no column 'nope' in the data"),
    (["reliability", "{d}", "--items", "x,word"], "word hold non-numeric values"),
    (["reliability", "{d}", "--items", "x"], "a scale needs at least two items"),
    (["reliability", "{d}", "--items", "x,empty"], "empty have no valid answers"),
    (["compare", "{d}", "--items", "x,y", "--by", "city"], "'c' has 1 respondent"),
    (["compare", "{d}", "--items", "x,y", "--by", "nowhere"], "no column 'nowhere'"),
    (["reliability", "{d}", "--instrument", "pvq21"], "no scale of 'pvq21' can be analysed on these data"),
    (["reliability", "{d}", "--items", "x,y", "--missing", "sometimes"], "missing must be 'listwise' or 'pairwise'"),
    (["compare", "{d}", "--items", "x,y", "--by", "city", "--adjust", "bonferroni"], "adjust must be one of"),
    (["reliability", "{d}"], "give either --instrument"),
])
def test_clear_one_line_errors(data, args, message):
    result = run_cli("analyze", *[a.format(d=data) for a in args])
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_reliability_json_has_the_documented_shape():
    import json

    result = run_cli("analyze", "reliability", str(REFERENCE / "bfi_items.csv"), "--items", "C1,C2,C3,C4,C5",
                     "--reverse", "C4,C5", "--by", "gender", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    first = document["scales"][0]
    assert first["scale"] == "custom" and first["group"] is None
    for key in ("n", "alpha", "alpha_ci", "std_alpha", "omega_total", "mean_inter_item_r", "items"):
        assert key in first
    assert set(first["items"][0]) >= {"item", "item_total_r", "alpha_if_deleted"}
    assert [s["group"] for s in document["scales"]] == [None, "1", "2"]


def test_compare_json_has_the_documented_shape():
    import json

    result = run_cli("analyze", "compare", str(REFERENCE / "cities.csv"), "--items", "gen_trust", "--by", "city", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) >= {"descriptives", "omnibus", "pairs", "posthoc"}
    assert set(document["omnibus"][0]) >= {"scale", "welch_F", "df1", "df2", "p", "omega_sq", "anova_F", "anova_p"}
    assert set(document["pairs"][0]) >= {"scale", "a", "b", "t", "df", "p", "p_adj", "hedges_g", "g_ci", "U", "p_mw",
                                         "rank_biserial"}
    assert len(document["pairs"][0]["g_ci"]) == 2
