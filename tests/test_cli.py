"""The command line as a new user tries it: help, listing, showing, validating, JSON output."""

from __future__ import annotations

import json

from conftest import DATA, run_cli


def test_help_lists_the_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    assert "instruments" in result.stdout and "study" in result.stdout


def test_instruments_list_json_is_one_document():
    result = run_cli("instruments", "list", "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [i["id"] for i in document["instruments"]] == ["civic-trust", "pvq21", "twin-ties"]
    assert result.stderr == ""


def test_instruments_list_human_table():
    result = run_cli("instruments", "list")
    assert result.returncode == 0
    for name in ("pvq21", "civic-trust", "twin-ties"):
        assert name in result.stdout


def test_show_prints_russian_items():
    result = run_cli("instruments", "show", "pvq21", "--lang", "ru")
    assert result.returncode == 0, result.stderr
    assert "Ему важно придумывать новое" in result.stdout
    assert "Очень похож на меня" in result.stdout
    assert "[more = low end]" in result.stdout, "markup-like text must be shown, not swallowed"
    assert "working translation" in result.stdout


def test_show_female_form_and_json():
    female = run_cli("instruments", "show", "pvq21", "--form", "female")
    assert "important to her" in female.stdout and "important to him" not in female.stdout
    document = json.loads(run_cli("instruments", "show", "civic-trust", "--json").stdout)
    assert document["id"] == "civic-trust"
    assert document["scales"]["generalised_trust"]["items"] == ["ppltrst", "pplfair", "pplhlp"]


def test_show_rejects_unknown_language_and_form():
    result = run_cli("instruments", "show", "pvq21", "--lang", "de")
    assert result.returncode == 2 and "has no 'de' texts" in result.stderr
    result = run_cli("instruments", "show", "pvq21", "--form", "other")
    assert result.returncode == 2 and "no text form 'other'" in result.stderr


def test_validate_accepts_a_good_instrument():
    result = run_cli("instruments", "validate", str(DATA / "mini.yaml"))
    assert result.returncode == 0
    assert result.stdout.startswith("ok:")
    document = json.loads(run_cli("instruments", "validate", str(DATA / "mini.yaml"), "--json").stdout)
    assert document["valid"] is True and document["problems"] == []


def test_study_init_and_validate(tmp_path):
    result = run_cli("study", "init", str(tmp_path / "s"))
    assert result.returncode == 0 and "wrote" in result.stdout
    result = run_cli("study", "validate", str(tmp_path / "s"))
    assert result.returncode == 0, result.stderr
    assert "twinned with Smolensk, Tver" in result.stdout
    document = json.loads(run_cli("study", "validate", str(tmp_path / "s"), "--json").stdout)
    assert document["valid"] is True and document["hubs"] == ["orsha"]
    again = run_cli("study", "init", str(tmp_path / "s"))
    assert again.returncode == 2 and "already exists" in again.stderr


def test_usage_errors_exit_2_without_traceback():
    for args in (["no-such-command"], ["instruments", "show"], ["study", "validate", "/no/such/place"]):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("axiosphere ")
