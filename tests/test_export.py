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
    markdown = (tmp_path / "answers.codebook.md").read_text(encoding="utf-8")
    package = json.loads((tmp_path / "answers.datapackage.json").read_text(encoding="utf-8"))
    names = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    for column in table.columns:
        assert f"| `{column.name}` |" in markdown
    assert names == [c.name for c in table.columns]
    assert (tmp_path / "answers.ddi.xml").read_text(encoding="utf-8").count("<var ") == len(table.columns)
    assert len(files) == 4


def test_csv_data_package_validates_with_frictionless(exported, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    _, table, _ = exported
    write_export(table, tmp_path / "answers.csv")
    report = frictionless.validate(str(tmp_path / "answers.datapackage.json"))
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
