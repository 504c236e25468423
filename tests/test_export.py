"""Exports: SPSS and Stata keep labels and missing codes; every codebook lists every column."""

from __future__ import annotations

import json

import pandas as pd
import pyreadstat
import pytest

from conftest import run_cli
from fieldwork_helpers import bundled_study, simulate
from axiosphere.survey.export import build_table, write_export
from axiosphere.survey.store import Store


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("study")
    study = bundled_study(folder)
    with Store.for_study(folder, study.id, create=True) as store:
        simulate(study, store, 12, seed=5)
        table = build_table(study, store)
    return study, table, folder


def test_one_row_per_complete_interview_and_one_column_per_item(exported):
    study, table, _ = exported
    frame = table.frame
    assert len(frame) == 12 and frame["interview"].is_unique
    items = [i for inst in study.instruments for i in inst.item_order() if inst.items[i].type != "multi"]
    for item in items:
        assert item in frame.columns
    assert list(frame.columns[:3]) == ["interview", "city", "interviewer"]
    assert frame["duration_min"].notna().all()
    assert str(frame["ipcrtiv"].dtype) == "Int64"


def test_spss_round_trip_keeps_labels_and_missing_codes(exported, tmp_path):
    _, table, _ = exported
    path = tmp_path / "answers.sav"
    write_export(table, path)
    back, meta = pyreadstat.read_sav(path, user_missing=True)
    assert len(back) == len(table.frame)
    assert meta.column_names_to_labels["ipcrtiv"].startswith("Thinking up new ideas")
    assert meta.variable_value_labels["ipcrtiv"][1] == "Very much like me"
    assert meta.variable_value_labels["ipcrtiv"][8] == "Don't know"
    assert {r["lo"] for r in meta.missing_ranges["ipcrtiv"]} == {7.0, 8.0}
    assert {r["lo"] for r in meta.missing_ranges["trstprl"]} == {77.0, 88.0}
    assert meta.variable_measure["ipcrtiv"] == "ordinal"
    original = table.frame["ipcrtiv"].astype("float64")
    assert back["ipcrtiv"].tolist() == pytest.approx(original.tolist(), nan_ok=True)
    plain, _ = pyreadstat.read_sav(path)
    assert not plain["ipcrtiv"].isin([7, 8]).any(), "without user_missing, the codes read as missing"


def test_stata_round_trip_uses_extended_missing_values(exported, tmp_path):
    _, table, _ = exported
    path = tmp_path / "answers.dta"
    write_export(table, path)
    back, meta = pyreadstat.read_dta(path, user_missing=True)
    plain, _ = pyreadstat.read_dta(path)
    assert meta.column_names_to_labels["trstprl"] == "The national parliament"
    assert meta.variable_value_labels["trstprl"][0] == "No trust at all"
    codes = table.frame["trstprl"]
    for n, code in enumerate(codes):
        if pd.isna(code):
            assert pd.isna(plain["trstprl"][n])
        elif code == 88:
            assert back["trstprl"][n] == "d" and pd.isna(plain["trstprl"][n])
        elif code == 77:
            assert back["trstprl"][n] == "r"
        else:
            assert plain["trstprl"][n] == code


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx", "sav", "dta"])
def test_every_format_writes_a_codebook_listing_every_column(exported, tmp_path, fmt):
    _, table, _ = exported
    files = write_export(table, tmp_path / f"answers.{fmt}")
    markdown = (tmp_path / f"answers.{fmt}.codebook.md").read_text(encoding="utf-8")
    package = json.loads((tmp_path / f"answers.{fmt}.datapackage.json").read_text(encoding="utf-8"))
    names = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    for column in table.columns:
        assert f"| `{column.name}` |" in markdown
    assert names == [c.name for c in table.columns]
    assert (tmp_path / f"answers.{fmt}.ddi.xml").read_text(encoding="utf-8").count("<var ") == len(table.columns)
    assert len(files) == 5, "data, three codebooks and the per-answer timings"
    timings = pd.read_csv(tmp_path / f"answers.{fmt}.paradata.csv")
    assert list(timings.columns) == ["interview", "item", "shown_at", "answered_at", "seconds"]
    assert set(timings["interview"]) == set(table.frame["interview"]) and (timings["seconds"] >= 0).all()


def test_csv_data_package_validates_with_frictionless(exported, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    _, table, _ = exported
    write_export(table, tmp_path / "answers.csv")
    report = frictionless.validate(str(tmp_path / "answers.csv.datapackage.json"))
    assert report.valid, [e.message for task in report.tasks for e in task.errors][:5]
    frame = pd.read_csv(tmp_path / "answers.csv")
    assert len(frame) == len(table.frame)


def test_export_cli_and_bad_format(exported, tmp_path):
    _, _, folder = exported
    done = run_cli("data", "export", str(folder), "--format", "sav", "--out", str(tmp_path / "a.sav"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["rows"] == 12
    bad = run_cli("data", "export", str(folder), "--format", "rtf", "--out", str(tmp_path / "a.rtf"))
    assert bad.returncode == 2 and "unknown export format 'rtf'" in bad.stderr


def test_exports_of_one_name_keep_their_own_codebooks_and_labels_name_placeholders(exported, tmp_path):
    _, table, _ = exported
    write_export(table, tmp_path / "answers.csv")
    write_export(table, tmp_path / "answers.sav")
    assert "answers.csv" in (tmp_path / "answers.csv.codebook.md").read_text(encoding="utf-8")
    assert "answers.sav" in (tmp_path / "answers.sav.codebook.md").read_text(encoding="utf-8")
    labels = [c.label for c in table.columns]
    assert not any("{city}" in label or "{twins}" in label for label in labels)
    assert "second_language" in table.frame.columns and "paused_min" in table.frame.columns
    ages = table.frame["agea"].dropna()
    assert str(table.frame["agea"].dtype) == "Int64" and len(ages), "whole ages are integers"
    import pyreadstat

    _, meta = pyreadstat.read_sav(tmp_path / "answers.sav")
    assert meta.original_variable_types["agea"] == "F8.0"


def test_multi_items_export_their_own_options_and_duration_leaves_out_pauses(tmp_path):
    from fieldwork_helpers import mini_study
    from axiosphere.survey.interview import Flow
    from axiosphere.survey.session import resume, start
    from axiosphere.survey.simulate import ScriptedScreen

    study = mini_study(tmp_path, scales="  helps:\n    kind: choice\n    points:\n"
                                        "      - {value: 1, label: {en: Shopping, ru: Покупки}}\n"
                                        "      - {value: 2, label: {en: Repairs, ru: Ремонт}}\n"
                                        "      - {value: 3, label: {en: Children, ru: Дети}}\n",
                       items="      - {id: helped, type: multi, scale: helps, text: {en: \"Help given\", ru: \"Помощь\"}}\n")
    ticks = {"helped": [1, 3]}
    calls = []

    def policy(question):
        calls.append(question.item)
        if question.item == "t2" and calls.count("t2") == 1:
            from axiosphere.survey.session import Interrupted
            raise Interrupted
        return ticks.get(question.item, 1)

    with Store.for_study(tmp_path, study.id, create=True) as store:
        times = iter(f"2026-01-01T10:{m:02d}:00.000000+00:00" for m in range(60))
        store.clock = lambda: next(times)
        outcome = start(store, Flow(study, "narva", seed=1), ScriptedScreen(policy, on_interrupt="pause"), interviewer="iv")
        assert outcome.status == "paused"
        for _ in range(10):
            next(times)  # ten minutes pass while the interview is paused
        resume(store, study, ScriptedScreen(policy), interview=outcome.interview)
        table = build_table(study, store)
    frame = table.frame
    assert [c for c in frame.columns if c.startswith("helped_")] == ["helped_1", "helped_2", "helped_3"]
    assert frame.loc[0, ["helped_1", "helped_2", "helped_3"]].tolist() == [1, 0, 1]
    assert frame.loc[0, "paused_min"] >= 10
    total = (frame.loc[0, "ended"] - frame.loc[0, "started"]).total_seconds() / 60
    assert frame.loc[0, "duration_min"] == pytest.approx(total - frame.loc[0, "paused_min"])


def test_pilot_interviews_show_reach_and_stay_out_of_exports_and_analysis(tmp_path):
    import json as jsonlib

    from conftest import run_cli
    from axiosphere.survey.study import init_study

    init_study(tmp_path / "s")
    done = run_cli("survey", "pilot", str(tmp_path / "s"), "--n", "12", "--seed", "4", "--json")
    assert done.returncode == 0, done.stderr
    report = jsonlib.loads(done.stdout)
    reach = {r["item"]: r for r in report["reach"]}
    assert report["n"] == 12 and reach["gndr"]["asked"] == 12
    assert 0 < reach["ttwhich"]["asked"] < 12 and reach["ttwhich"]["condition"] == "ttaware == 1"
    status = jsonlib.loads(run_cli("survey", "status", str(tmp_path / "s"), "--json").stdout)
    assert status["pilot"] == 12 and sum(c["complete"] for c in status["cities"]) == 0
    analysed = run_cli("analyze", "quality", str(tmp_path / "s"))
    assert analysed.returncode == 2 and "no complete interview" in analysed.stderr
