"""Every deliberately broken file gives exit status 2 and a message naming its fault, never a traceback."""

from __future__ import annotations

import pytest
import yaml

from conftest import FAULTS, run_cli

EXPECTED = yaml.safe_load((FAULTS / "expected.yaml").read_text(encoding="utf-8"))


def test_the_fault_collection_is_complete():
    files = {p.name for p in FAULTS.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED), "every broken file needs an expected message, and every entry a file"
    assert len({entry["fault"] for entry in EXPECTED.values()}) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_file_is_reported_clearly(name):
    command = ["study", "validate"] if name.startswith("study-") else ["instruments", "validate"]
    result = run_cli(*command, str(FAULTS / name))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert EXPECTED[name]["message"] in result.stderr
    for line in result.stderr.strip().splitlines():
        assert line.startswith(f"error: {FAULTS / name}"), "each problem names its file"


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if not n.startswith("study-")))
def test_broken_instrument_reports_the_line(name):
    result = run_cli("instruments", "validate", str(FAULTS / name), "--json")
    assert result.returncode == 2
    import json

    document = json.loads(result.stdout)
    assert document["valid"] is False
    assert all(p["line"] is not None and p["line"] > 0 for p in document["problems"])
