"""Measurement invariance equals lavaan 0.6 on HolzingerSwineford1939 and a simulated twin-city set."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from axiosphere.analysis.invariance import latent_means, measurement_invariance
from conftest import run_cli

REFERENCE = Path(__file__).parent / "reference"
VALUES = json.loads((REFERENCE / "invariance.json").read_text(encoding="utf-8"))
HS = pd.read_csv(REFERENCE / "hs1939.csv")
TWIN = pd.read_csv(REFERENCE / "twin_cities_invariance.csv")


def close(ours: dict, ref: dict) -> None:
    assert ours["chisq"] == pytest.approx(ref["chisq"], rel=1e-3)
    assert ours["df"] == ref["df"]
    for key, ref_key in (("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("srmr", "srmr")):
        assert ours[key] == pytest.approx(ref[ref_key], abs=0.002)
    assert ours["rmsea_ci"] == pytest.approx([ref["rmsea.ci.lower"], ref["rmsea.ci.upper"]], abs=0.002)
    assert ours["aic"] == pytest.approx(ref["aic"], rel=1e-5) and ours["bic"] == pytest.approx(ref["bic"], rel=1e-5)
    assert ours["p"] == pytest.approx(ref["pvalue"], abs=1e-6)


@pytest.fixture(scope="module")
def hs():
    return measurement_invariance(HS, VALUES["hs1939"]["model"], by="school", groups=VALUES["hs1939"]["groups"],
                                  strict=True, partial=False)


def test_hs1939_configural_metric_scalar_equal_lavaan(hs):
    for level in hs.levels:
        close(level.fit, VALUES["hs1939"]["levels"][level.level]["fit"])
    assert [l.level for l in hs.levels] == ["configural", "metric", "scalar"]


def test_hs1939_decisions_follow_chens_cutoffs(hs):
    metric, scalar = hs.levels[1], hs.levels[2]
    assert metric.holds and metric.delta["cfi"] == pytest.approx(-0.0025, abs=1e-4)
    assert not scalar.holds and scalar.delta["cfi"] < -0.010, "intercepts differ between the schools"
    assert scalar.delta["chisq"] == pytest.approx(164.1028 - 124.0435, abs=1e-3) and scalar.delta["df"] == 6
    assert len(hs.latent_means) == 0 and any("latent means are not comparable" in n for n in hs.notes)


def test_hs1939_strict_level_equals_lavaan():
    result = measurement_invariance(HS, VALUES["hs1939"]["model"], by="school", groups=VALUES["hs1939"]["groups"],
                                    strict=True, partial=False, delta_cfi=0.05, delta_rmsea=0.05)
    assert [l.level for l in result.levels] == ["configural", "metric", "scalar", "strict"]
    close(result.levels[3].fit, VALUES["hs1939"]["levels"]["strict"]["fit"])


def test_hs1939_latent_means_under_scalar_equal_lavaan():
    means = latent_means(HS, VALUES["hs1939"]["model"], by="school", groups=VALUES["hs1939"]["groups"])
    ref = {(r["lhs"], r["group"]): r for r in VALUES["hs1939"]["levels"]["scalar"]["latent_means"]}
    for row in means.itertuples():
        expected = ref[(row.factor, VALUES["hs1939"]["groups"].index(row.group) + 1)]
        assert row.mean == pytest.approx(expected["est"], abs=1e-3)
        assert row.se == pytest.approx(expected["se"], abs=1e-3)


def test_partial_search_finds_the_simulated_intercept():
    result = measurement_invariance(TWIN, VALUES["twin"]["model"], by="city", groups=VALUES["twin"]["groups"])
    for level in result.levels[:2]:
        close(level.fit, VALUES["twin"]["levels"][level.level]["fit"])
    full, scalar = result.levels[2], result.levels[3]
    assert full.level == "scalar" and not full.holds and not full.freed, "the failed full level keeps its own row"
    close(full.fit, VALUES["twin"]["levels"]["scalar"]["fit"])
    assert scalar.level == "partial scalar" and scalar.holds and result.highest == "partial scalar"
    assert [(f["param"], f["item"], f["group"]) for f in scalar.freed] == [("intercept", "t4", "tver")]
    top = VALUES["twin"]["score_test"][0]
    assert "t4 ~1" in top["rhs_label"] and "group 3" in top["rhs_label"]
    assert scalar.freed[0]["score_test"] == pytest.approx(top["X2"], rel=1e-3), "the statistic of lavTestScore"
    close(scalar.fit, VALUES["twin"]["partial_tver_t4"]["fit"])
    ref = {r["group"]: r for r in VALUES["twin"]["partial_tver_t4"]["latent_means"]}
    for row in result.latent_means.itertuples():
        expected = ref[VALUES["twin"]["groups"].index(row.group) + 1]
        assert row.mean == pytest.approx(expected["est"], abs=1e-3) and row.se == pytest.approx(expected["se"], abs=1e-3)


def test_invariance_cli_json_and_bad_input(tmp_path):
    path = REFERENCE / "twin_cities_invariance.csv"
    done = run_cli("analyze", "invariance", str(path), "--model", VALUES["twin"]["model"], "--by", "city", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [l["level"] for l in document["levels"]] == ["configural", "metric", "scalar"]
    assert set(document["levels"][0]) >= {"level", "chisq", "df", "p", "cfi", "tli", "rmsea", "rmsea_ci", "srmr", "aic",
                                          "bic", "delta", "holds"}
    assert document["partial"][0]["level"] == "partial scalar" and document["partial"][0]["holds"]
    assert document["partial"][0]["freed"][0] | {"score_test": 0} == {"param": "intercept", "item": "t4",
                                                                          "group": "tver", "score_test": 0}
    assert document["levels"][2]["holds"] is False and document["reference"] == "orsha"
    assert {m["group"] for m in document["latent_means"]} == {"orsha", "smolensk", "tver"}
    cases = [
        (["--model", "trust =~ t1 + t2 + t9"], "column(s) t9, which the data do not have"),
        (["--model", "trust =~ t1"], "factor 'trust' has 1 item(s)"),
        (["--model", "trust =~ t1 t2"], "cannot read"),
    ]
    for args, message in cases:
        bad = run_cli("analyze", "invariance", str(path), *args, "--by", "city")
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr
    TWIN.groupby("city").head(5).to_csv(tmp_path / "small.csv", index=False)
    small = run_cli("analyze", "invariance", str(tmp_path / "small.csv"), "--model", VALUES["twin"]["model"], "--by", "city")
    assert small.returncode == 2 and "no more than the 18 free parameters" in small.stderr
    one_small = pd.concat([TWIN[TWIN["city"] != "tver"], TWIN[TWIN["city"] == "tver"].head(5)])
    one_small.to_csv(tmp_path / "one_small.csv", index=False)
    left_out = run_cli("analyze", "invariance", str(tmp_path / "one_small.csv"), "--model", VALUES["twin"]["model"],
                       "--by", "city", "--json")
    assert left_out.returncode == 0, left_out.stderr
    document = json.loads(left_out.stdout)
    assert "tver" not in document["groups"] and any("'tver' left out: 5 respondents" in n for n in document["notes"])


def test_hs1939_full_scalar_fails_with_its_own_fit_and_a_partial_row_follows():
    result = measurement_invariance(HS, VALUES["hs1939"]["model"], by="school", groups=VALUES["hs1939"]["groups"])
    names = [l.level for l in result.levels]
    assert names[:3] == ["configural", "metric", "scalar"] and names[3] == "partial scalar"
    scalar = result.levels[2]
    close(scalar.fit, VALUES["hs1939"]["levels"]["scalar"]["fit"])
    assert scalar.fit["chisq"] == pytest.approx(164.10, abs=0.01) and scalar.fit["df"] == 60 and not scalar.holds
    assert result.levels[3].holds and result.levels[3].compared_with == "metric" and result.levels[3].freed
    assert result.means_comparable and len(result.latent_means)


def test_the_reference_group_is_chosen_and_just_identified_levels_are_labelled():
    result = measurement_invariance(TWIN, VALUES["twin"]["model"], by="city", reference="tver")
    assert result.reference == "tver" and result.groups[0] == "tver"
    tver = result.latent_means[result.latent_means["group"] == "tver"]
    assert (tver["mean"] == 0).all() and (tver["se"] == 0).all()
    three = measurement_invariance(TWIN, "trust =~ t1 + t2 + t3", by="city")
    assert three.levels[0].just_identified and three.levels[0].to_dict()["just_identified"]
    assert any("just-identified" in n for n in three.notes)
    with pytest.raises(Exception, match="reference group 'paris' is not a value of 'city'"):
        measurement_invariance(TWIN, VALUES["twin"]["model"], by="city", reference="paris")
