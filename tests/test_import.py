"""Importing external files through a column map: clean files in, dirty files reported cell by cell."""

from __future__ import annotations

import json

import pandas as pd
import pyreadstat
import pytest

from conftest import run_cli
from fieldwork_helpers import bundled_study
from axiosphere.instruments.errors import InputError
from axiosphere.survey.importer import import_file, read_map
from axiosphere.survey.store import Store

ESS_MAP = """
city: {column: cntry, values: {BY: orsha, RU: smolensk}}
id: idno
items: {gndr: gndr, ipcrtiv: ipcrtiv, imprich: imprich, ppltrst: ppltrst, agea: agea}
recode:
  "*": {77: refused, 88: dont_know, 99: missing}
  ipcrtiv: {7: refused, 8: dont_know, 9: missing}
  imprich: {7: refused, 8: dont_know, 9: missing}
  gndr: {9: missing}
"""


@pytest.fixture
def study(tmp_path):
    s = bundled_study(tmp_path / "study")
    (tmp_path / "ess.yaml").write_text(ESS_MAP)
    return s


def ess_frame(**changes):
    frame = pd.DataFrame({
        "idno": [101, 102, 103, 104],
        "cntry": ["BY", "BY", "RU", "RU"],
        "gndr": [1, 2, 2, 9],
        "agea": [34, 51, 999 if changes.get("bad_age") else 67, 22],
        "ipcrtiv": [1, 8, 6, 9],
        "imprich": [7, 2, 12 if changes.get("bad_value") else 3, 4],
        "ppltrst": [5, 88, 10, 77],
    })
    return frame


def test_clean_ess_file_imports_with_missing_codes(study, tmp_path):
    ess_frame().to_csv(tmp_path / "ess.csv", index=False)
    with Store.for_study(study.folder, study.id, create=True) as store:
        report = import_file(study, store, tmp_path / "ess.csv", read_map(tmp_path / "ess.yaml", study))
        assert report.imported == 4
        by_city = sorted(r.city for r in store.interviews())
        assert by_city == ["orsha", "orsha", "smolensk", "smolensk"]
        first = next(r for r in store.interviews() if store.current_answers(r.uuid)["agea"].value == 51)
        answers = store.current_answers(first.uuid)
        assert (answers["ipcrtiv"].value, answers["ipcrtiv"].missing) == (8, "dont_know")
        assert (answers["ppltrst"].value, answers["ppltrst"].missing) == (88, "dont_know")
        fourth = next(r for r in store.interviews() if store.current_answers(r.uuid)["agea"].value == 22)
        assert "gndr" not in store.current_answers(fourth.uuid), "9 = no answer becomes system-missing"
        again = import_file(study, store, tmp_path / "ess.csv", read_map(tmp_path / "ess.yaml", study))
        assert again.imported == 0 and again.already_there == 4


def test_values_outside_the_scale_are_reported_and_nothing_imported(study, tmp_path):
    ess_frame(bad_value=True, bad_age=True).to_csv(tmp_path / "ess.csv", index=False)
    with Store.for_study(study.folder, study.id, create=True) as store:
        with pytest.raises(InputError) as info:
            import_file(study, store, tmp_path / "ess.csv", read_map(tmp_path / "ess.yaml", study))
        fields = [p.field for p in info.value.problems]
        assert fields == ["row 3, column imprich (item imprich)", "row 3, column agea (item agea)"]
        assert "12 is not an answer of item imprich" in str(info.value)
        assert store.interviews() == []
        report = import_file(study, store, tmp_path / "ess.csv", read_map(tmp_path / "ess.yaml", study), skip_invalid=True)
        assert report.imported == 3 and len(report.skipped) == 2


def test_cli_import_reports_each_bad_cell(study, tmp_path):
    ess_frame(bad_value=True).to_csv(tmp_path / "ess.csv", index=False)
    done = run_cli("data", "import", str(study.folder), str(tmp_path / "ess.csv"), "--map", str(tmp_path / "ess.yaml"))
    assert done.returncode == 2
    assert "row 3, column imprich (item imprich): 12 is not an answer" in done.stderr
    assert not (study.folder / "responses.sqlite").exists() or "0" in run_cli(
        "survey", "status", str(study.folder), "--json").stdout


def test_map_naming_a_missing_column(study, tmp_path):
    ess_frame().drop(columns=["ppltrst"]).to_csv(tmp_path / "ess.csv", index=False)
    done = run_cli("data", "import", str(study.folder), str(tmp_path / "ess.csv"), "--map", str(tmp_path / "ess.yaml"))
    assert done.returncode == 2 and "names column 'ppltrst', which the file does not have" in done.stderr


def test_map_with_unknown_item_and_city(study, tmp_path):
    (tmp_path / "bad.yaml").write_text("city: {fixed: minsk}\nitems: {ipcrtvi: x}\n")
    with pytest.raises(InputError) as info:
        read_map(tmp_path / "bad.yaml", study)
    text = str(info.value)
    assert "unknown city 'minsk'" in text and "unknown item 'ipcrtvi' (did you mean 'ipcrtiv'?)" in text


def test_spss_file_with_user_missing_codes(study, tmp_path):
    frame = ess_frame().drop(columns=["cntry"]).astype(float)
    frame["cntry"] = ["BY", "BY", "RU", "RU"]
    pyreadstat.write_sav(frame, tmp_path / "ess.sav", missing_ranges={"ppltrst": [77, 88, 99]})
    with Store.for_study(study.folder, study.id, create=True) as store:
        report = import_file(study, store, tmp_path / "ess.sav", read_map(tmp_path / "ess.yaml", study))
        assert report.imported == 4
        values = sorted(json.dumps(a.value) for r in store.interviews() for k, a in store.current_answers(r.uuid).items()
                        if k == "ppltrst")
        assert values == ["10", "5", "77", "88"]


def test_unsupported_file_type(study, tmp_path):
    (tmp_path / "x.json").write_text("{}")
    done = run_cli("data", "import", str(study.folder), str(tmp_path / "x.json"), "--map", str(tmp_path / "ess.yaml"))
    assert done.returncode == 2 and "expected one of .csv" in done.stderr


def test_importing_a_corrected_file_adds_only_the_corrected_rows_and_keeps_the_source_id(study, tmp_path):
    from axiosphere.survey.export import build_table

    ess_frame(bad_value=True).to_csv(tmp_path / "ess.csv", index=False)
    mapping = read_map(tmp_path / "ess.yaml", study)
    with Store.for_study(study.folder, study.id, create=True) as store:
        first = import_file(study, store, tmp_path / "ess.csv", mapping, skip_invalid=True)
        assert first.imported == 3 and len(first.skipped) == 1
        ess_frame().to_csv(tmp_path / "ess.csv", index=False)  # the bad cell corrected
        again = import_file(study, store, tmp_path / "ess.csv", mapping)
        assert again.imported == 1 and again.already_there == 3
        assert len(store.interviews()) == 4
        table = build_table(study, store)
    assert sorted(table.frame["source_id"]) == ["101", "102", "103", "104"]


def test_a_duplicated_or_empty_id_is_named(study, tmp_path):
    frame = ess_frame()
    frame.loc[1, "idno"] = 101
    frame.to_csv(tmp_path / "ess.csv", index=False)
    with Store.for_study(study.folder, study.id, create=True) as store, pytest.raises(InputError, match="id 101 is also the id of row 1"):
        import_file(study, store, tmp_path / "ess.csv", read_map(tmp_path / "ess.yaml", study))
