"""Quality flags: ESS thresholds by default, policy recorded, summaries by city; weights from a study."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from axiosphere.analysis.quality import QualityPolicy, quality_flags
from conftest import run_cli
from axiosphere.instruments import resolve_instrument
from axiosphere.instruments.errors import InputError

PVQ = resolve_instrument("pvq21")
ITEMS = [i for i in PVQ.item_order() if PVQ.items[i].type == "rating"]


def frame(rows, **extra):
    data = pd.DataFrame(rows, columns=ITEMS, dtype="float64")
    for key, value in extra.items():
        data[key] = value
    return data


def test_ess_conventions_are_the_defaults():
    varied = list(range(1, 7)) * 3 + [1, 2, 3]
    rows = [
        [3] * 16 + [1, 2, 4, 5, 6],          # 16 identical: straight-lining
        [3] * 15 + [1, 2, 4, 5, 6, 1],       # 15 identical: not
        [np.nan] * 6 + varied[6:],           # 6 missing: too many
        [np.nan] * 5 + varied[5:],           # 5 missing: fine
    ]
    report = quality_flags(frame(rows, city=["a", "a", "b", "b"], duration_min=[20, 20, 20, 0.2]), PVQ, by="city")
    flags = report.flags
    assert flags["straightline"].tolist() == [True, False, False, False]
    assert flags["too_many_missing"].tolist() == [False, False, True, False]
    assert flags["speeding"].tolist() == [False, False, False, True], "0.2 min for 16 answers is under 2 s each"
    assert flags["exclude"].tolist() == [True, False, True, True]
    summary = report.summary.set_index("group")
    assert summary.loc["a", "excluded"] == 1 and summary.loc["b", "excluded"] == 2 and summary.loc["a", "n"] == 2
    policy = report.to_dict()["policy"]
    assert policy["straightline_min"] == 16 and policy["max_missing"] == 5


def test_thresholds_attention_checks_and_paradata_are_parameters():
    rows = [[2] * 21, [1, 2] * 10 + [1]]
    data = frame(rows, interview=["i1", "i2"])
    paradata = pd.DataFrame({"interview": ["i1"] * 3 + ["i2"] * 3, "seconds": [0.5, 0.8, 9, 5, 6, 7]})
    policy = QualityPolicy.for_instrument(PVQ, straightline_min=21, attention={"ipcrtiv": 1}, exclude=("attention_failed",))
    report = quality_flags(data, PVQ, policy=policy, paradata=paradata)
    assert report.flags["straightline"].tolist() == [True, False]
    assert report.flags["speeding"].tolist() == [True, False], "median 0.8 s per item"
    assert report.flags["attention_failed"].tolist() == [True, False]
    assert report.keep().tolist() == [False, True], "only the attention check excludes under this policy"
    with pytest.raises(InputError, match="unknown quality flag"):
        QualityPolicy.for_instrument(PVQ, exclude=("laziness",))


def test_quality_and_weights_commands_on_a_study(tmp_path):
    from fieldwork_helpers import bundled_study, simulate
    from axiosphere.survey.store import Store

    study = bundled_study(tmp_path / "s")
    with Store.for_study(study.folder, study.id, create=True) as store:
        simulate(study, store, 25, seed=4)
    quality = run_cli("analyze", "quality", str(study.folder), "--json")
    assert quality.returncode == 0, quality.stderr
    report = json.loads(quality.stdout)["reports"][0]
    assert report["instrument"] == "pvq21" and report["n"] == 25
    assert {row["group"] for row in report["summary"]} == set(study.cities)
    empty_cell = run_cli("analyze", "weights", str(study.folder), "--study", str(study.folder), "--keep-flagged")
    assert empty_cell.returncode == 2
    assert empty_cell.stderr.strip() == ("error: city orsha: no respondent in age_band = 18-29: "
                                         "the sample cannot be raked to that margin")
    with Store.for_study(study.folder, study.id) as store:
        simulate(study, store, 100, seed=11)
    out = tmp_path / "w.csv"
    weights = run_cli("analyze", "weights", str(study.folder), "--study", str(study.folder), "--out", str(out), "--json",
                      "--keep-flagged")
    assert weights.returncode == 0, weights.stderr
    diagnostics = {d["group"]: d for d in json.loads(weights.stdout)["diagnostics"]}
    assert diagnostics["orsha"]["raked"] and diagnostics["smolensk"]["raked"] and not diagnostics["tver"]["raked"]
    written = pd.read_csv(out)
    assert len(written) == 125 and written["weight"].notna().all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, np.nan]), min_size=len(ITEMS), max_size=len(ITEMS)),
                min_size=1, max_size=12))
def test_screen_statistics_equal_a_row_by_row_count(rows):
    flags = quality_flags(frame(rows), PVQ).flags
    for row, (_, got) in zip(rows, flags.iterrows()):
        answers = [x for x in row if not np.isnan(x)]
        runs, run, previous = [0], 0, None
        for x in row:  # questionnaire order; a missing answer ends a run
            run = 0 if np.isnan(x) else run + 1 if x == previous else 1
            previous = x
            runs.append(run)
        assert got["n_missing"] == len(row) - len(answers)
        assert got["longest_same"] == max((answers.count(x) for x in answers), default=0)
        assert got["longest_run"] == max(runs)
        if len(answers) > 1:
            assert got["sd_within"] == pytest.approx(np.std(answers, ddof=1), abs=1e-9)
        else:
            assert np.isnan(got["sd_within"])
