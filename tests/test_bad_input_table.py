"""Issue 11's table of bad and unusual input: each gives one clear line and exit 2 with nothing
changed on disk, or the right result with a note saying what was done."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(3)
    base = pd.DataFrame({"city": ["a"] * 30 + ["b"] * 30, "w": 1.0,
                         **{f"x{k}": rng.integers(1, 6, 60) for k in range(1, 5)}})
    base.to_csv(tmp_path / "ok.csv", index=False)
    stray = base.copy()
    stray.loc[4, "x3"] = 9
    stray.to_csv(tmp_path / "stray.csv", index=False)
    base.to_csv(tmp_path / "semi.csv", index=False, sep=";")
    (tmp_path / "dup.csv").write_text("city,x1,x1\na,1,2\nb,2,3\n", encoding="utf-8")
    bad_w = base.copy()
    bad_w.loc[3, "w"] = -1
    bad_w.to_csv(tmp_path / "badw.csv", index=False)
    text = base.copy()
    text["x2"] = text["x2"].astype(str)
    text.loc[0, "x2"] = "lots"
    text.to_csv(tmp_path / "text.csv", index=False)
    nan_by = base.copy().astype({"city": object})
    nan_by.loc[:2, "city"] = None
    nan_by.to_csv(tmp_path / "nanby.csv", index=False)
    return tmp_path


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize(("args", "message"), [
    (["analyze", "reliability", "{d}/stray.csv", "--items", "x1,x2,x3", "--reverse", "x3", "--range", "1", "5"],
     "values outside --range 1 5"),
    (["analyze", "compare", "{d}/stray.csv", "--items", "x1,x2,x3", "--reverse", "x3", "--range", "1", "5", "--by", "city"],
     "row 6, column x3: 9"),
    (["analyze", "reliability", "{d}/dup.csv", "--items", "x1,x2"], "column 'x1' appears twice in dup.csv"),
    (["analyze", "compare", "{d}/badw.csv", "--items", "x1,x2", "--by", "city", "--weights", "w"],
     "weight column 'w' has 1 missing, negative or non-numeric value"),
    (["analyze", "invariance", "{d}/text.csv", "--model", "f =~ x1 + x2 + x3", "--by", "city"],
     "item column(s) x2 hold non-numeric values"),
    (["map", "{d}/ok.csv", "--out", "{d}/figures"], "declares a circular value structure"),
    (["demo", "--out", "{d}", "--scale", "0.01"], "is not an earlier demo"),
])
def test_bad_input_is_one_line_exit_2_and_changes_nothing(files, args, message):
    before = _snapshot(files)
    done = run_cli(*[a.format(d=files) for a in args])
    assert done.returncode == 2, done.stdout + done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert _snapshot(files) == before, "nothing written or changed"


def test_unusual_input_gives_the_result_with_a_note(files):
    semi = run_cli("analyze", "reliability", str(files / "semi.csv"), "--items", "x1,x2,x3", "--json")
    assert semi.returncode == 0, semi.stderr
    assert any("separates its columns with ';'" in n for n in json.loads(semi.stdout)["notes"])
    inferred = run_cli("analyze", "reliability", str(files / "stray.csv"), "--items", "x1,x2,x3", "--reverse", "x3", "--json")
    assert any("range was taken from the data as 1 to 9" in n for n in json.loads(inferred.stdout)["notes"])
    nan_by = run_cli("analyze", "compare", str(files / "nanby.csv"), "--items", "x1,x2", "--by", "city", "--json")
    notes = json.loads(nan_by.stdout)["notes"]
    assert any("3 interview(s) have no value in 'city'" in n for n in notes)
    tiny = pd.read_csv(files / "ok.csv").iloc[:33]
    tiny.to_csv(files / "tiny.csv", index=False)
    small = run_cli("analyze", "compare", str(files / "tiny.csv"), "--items", "x1,x2", "--by", "city")
    assert small.returncode == 0 and "city 'b' has only 3 interview(s)" in small.stdout
    boot = run_cli("analyze", "reliability", str(files / "ok.csv"), "--items", "x1,x2,x3", "--ci", "bootstrap",
                   "--seed", "7", "--json")
    again = run_cli("analyze", "reliability", str(files / "ok.csv"), "--items", "x1,x2,x3", "--ci", "bootstrap",
                    "--seed", "7", "--json")
    assert json.loads(boot.stdout)["scales"][0]["alpha_ci"] == json.loads(again.stdout)["scales"][0]["alpha_ci"]


def test_a_read_only_output_folder_is_one_line(files):
    import subprocess

    from value_data import circumplex_answers

    circumplex_answers({"a": (0.2, 0.1), "b": (-0.2, 0.3)}, n=60).to_csv(files / "values.csv", index=False)
    out = files / "ro"
    out.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(out)], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here (needs root)")
    try:
        done = run_cli("map", str(files / "values.csv"), "--out", str(out / "figures"), "--permutations", "5")
    finally:
        subprocess.run(["umount", "-l", str(out)], capture_output=True)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: cannot use") and "Read-only file system" in done.stderr
    assert "Traceback" not in done.stderr and "internal failure" not in done.stderr


def test_cities_that_do_not_match_the_study_and_negative_margins_are_errors(files):
    from axiosphere.analysis.weights import rake
    from axiosphere.instruments.errors import InputError
    from axiosphere.survey.study import init_study

    init_study(files / "study")
    done = run_cli("analyze", "weights", str(files / "ok.csv"), "--study", str(files / "study"))
    assert done.returncode == 2 and "no city of the data (a, b) is a city id of" in done.stderr
    frame = pd.DataFrame({"sex": ["m", "f", "f", "m"]})
    with pytest.raises(InputError, match="must be shares or counts of zero or more"):
        rake(frame, {"sex": {"m": -0.2, "f": 1.2}})


def test_a_files_missing_codes_are_recoded_with_a_note(tmp_path):
    from axiosphere import open_study

    pd.DataFrame({"ppltrst": [5, 88, 77, 3], "pplfair": [4, 5, 88, 2], "city": ["a", "a", "b", "b"]}).to_csv(
        tmp_path / "ess.csv", index=False)
    study = open_study(tmp_path / "ess.csv")
    assert any("3 answer(s) recoded as don't know or refused" in n for n in study.notes("city"))
