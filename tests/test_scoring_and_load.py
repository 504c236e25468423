"""Scoring rules and loading: direction from the instrument, minimum valid items, composites, missing codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from axiosphere.analysis.load import load, recode_missing
from axiosphere.analysis.scoring import keyed_items, score
from axiosphere.instruments import resolve_instrument
from axiosphere.instruments.load import load_instrument
from conftest import DATA

PVQ = resolve_instrument("pvq21")
ITEMS = [i for i in PVQ.item_order() if PVQ.items[i].type == "rating"]


def test_pvq_direction_turned_round_from_the_instrument():
    data = pd.DataFrame([[1] * 21, [6] * 21], columns=ITEMS)
    raw = score(data, PVQ, centre="none").raw
    assert raw.loc[0, "security"] == 6 and raw.loc[1, "security"] == 1, "1 = very much like me = most important"


def test_min_valid_rule_and_composites_follow_the_option():
    row = {i: np.nan for i in ITEMS}
    row.update(ipeqopt=1, ipudrst=2)  # universalism: 2 of 3 valid (min_valid 2)
    row.update(ipgdtim=1, impfun=1, ipcrtiv=2, impfree=2, impdiff=3, ipadvnt=3)
    scores = score(pd.DataFrame([row]), PVQ, centre="none").raw.iloc[0]
    assert scores["universalism"] == pytest.approx(np.mean([6, 5]))
    assert np.isnan(scores["power"]), "no valid item: missing"
    assert scores["openness_to_change"] == pytest.approx(np.mean([6, 6, 5, 5, 4, 4]))
    moved = score(pd.DataFrame([row]), PVQ, centre="none", options={"hedonism": "self_enhancement"}).raw.iloc[0]
    assert moved["openness_to_change"] == pytest.approx(np.mean([5, 5, 4, 4]))
    assert np.isnan(moved["self_enhancement"]), "only 2 valid items, min_valid is 3"


def test_reverse_keys_apply_within_their_scale():
    mini = load_instrument(DATA / "mini.yaml")
    data = pd.DataFrame({"t1": [3.0], "t2": [3.0], "t3": [1.0]})
    assert keyed_items(data, mini, "neighbour_trust")["t3"].tolist() == [3.0]
    assert score(data, mini).raw["neighbour_trust"].tolist() == [3.0]


def test_codes_outside_the_scale_are_refused():
    data = pd.DataFrame([[8] + [1] * 20], columns=ITEMS)
    with pytest.raises(ValueError, match="ipcrtiv has values outside its scale 1..6: 8 "):
        score(data, PVQ)


def test_recode_missing_counts_dont_know_and_refused_apart():
    data = pd.DataFrame({"ipcrtiv": [1, 7, 8, 8, np.nan], "ppltrst": [88, 77, 5, 10, 0]})
    civic = resolve_instrument("civic-trust")
    frame, counts = recode_missing(data, [PVQ, civic])
    assert counts["ipcrtiv"] == {"dont_know": 2, "refused": 1}
    assert counts["ppltrst"] == {"dont_know": 1, "refused": 1}
    assert frame["ipcrtiv"].isna().sum() == 4 and frame["ppltrst"].tolist()[2:] == [5, 10, 0]


def test_files_and_study_folders_give_the_same_answers(tmp_path):
    from fieldwork_helpers import bundled_study, simulate
    from axiosphere.survey.export import build_table, write_export
    from axiosphere.survey.store import Store

    study = bundled_study(tmp_path / "s")
    with Store.for_study(study.folder, study.id, create=True) as store:
        simulate(study, store, 6, seed=3)
        write_export(build_table(study, store), tmp_path / "a.sav")
        write_export(build_table(study, store), tmp_path / "a.dta")
        write_export(build_table(study, store), tmp_path / "a.csv")
    from axiosphere import open_study

    opened = open_study(study.folder)
    for name in ("a.sav", "a.dta", "a.csv"):
        frame = load(tmp_path / name)
        assert len(frame) == 6
        assert frame["trstprl"].max() <= 10, f"missing codes are NaN after loading {name}"
        assert frame.attrs["nonresponse"]["trstprl"] == opened.nonresponse["trstprl"]
        from_file = open_study(tmp_path / name)
        assert from_file.nonresponse["trstprl"] == opened.nonresponse["trstprl"], "a file's kinds equal the store's"
    from_study = opened.answers
    assert from_study["ipcrtiv"].isin([1, 2, 3, 4, 5, 6]).all() or from_study["ipcrtiv"].isna().any()


def test_a_file_with_some_of_a_scales_items_is_analysed_on_them_with_a_note(tmp_path):
    from axiosphere.analysis.reliability import instrument_reliability

    civic = resolve_instrument("civic-trust")
    rng = np.random.default_rng(2)
    items = [i for i in civic.scale_items("institutional_trust") if i != "trstlcg"]   # ESS data: no project item
    frame = pd.DataFrame(rng.integers(0, 11, (80, len(items))), columns=items)
    frame.loc[0, items[0]] = 88                                                       # a don't-know code
    frame.to_csv(tmp_path / "ess.csv", index=False)
    from axiosphere import open_study

    study = open_study(tmp_path / "ess.csv")
    assert [i.id for i in study.instruments] == ["civic-trust"], "matched on the items present"
    assert study.answers[items[0]].isna().sum() == 1 and study.missing.loc[0, items[0]] == "dont_know"
    result = instrument_reliability(study.data, civic, scales=None)
    assert [s.scale for s in result.scales] == ["institutional_trust"] and result.scales[0].k == 6
    assert any("analysed on 6 of its 7 items (absent: trstlcg)" in n for n in result.notes)
    assert score(study.data, civic).raw["institutional_trust"].notna().sum() == 80
