"""Reading YAML with lines kept and duplicate keys caught."""

from __future__ import annotations

import pytest

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.yamlsource import parse_yaml, read_yaml


def test_lines_are_kept_for_keys_and_list_entries():
    source = parse_yaml("a: 1\nb:\n  - x: 2\n  - x: 3\n")
    assert source.data == {"a": 1, "b": [{"x": 2}, {"x": 3}]}
    assert source.line_of(("a",)) == 1
    assert source.line_of(("b", 1, "x")) == 4
    assert source.line_of(("b", 1, "nothing")) == 4


def test_duplicate_keys_are_problems_not_silently_overwritten():
    source = parse_yaml("a: 1\nb: 2\na: 3\n")
    assert len(source.problems) == 1
    assert "key 'a' appears twice (first on line 1)" in str(source.problems[0])


def test_malformed_yaml_names_the_line():
    with pytest.raises(InputError) as info:
        parse_yaml("a: [1, 2\nb: 3\n", file="x.yaml")
    assert str(info.value).startswith("x.yaml:")


def test_unreadable_files_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_yaml(tmp_path / "missing.yaml")
    with pytest.raises(InputError, match="directory"):
        read_yaml(tmp_path)
    (tmp_path / "latin1.yaml").write_bytes("a: caf\xe9".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_yaml(tmp_path / "latin1.yaml")


def test_empty_file_is_none_data():
    assert parse_yaml("").data is None
