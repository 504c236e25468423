"""The documentation: the site builds offline with every warning an error (broken links included), the tutorial
notebook runs from top to bottom into its page, every docstring example runs, and the key cards name the keys the
interview screens read."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.timeout(900)
def test_the_site_builds_offline_with_the_tutorial_run(tmp_path):
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from build import build
    finally:
        sys.path.remove(str(ROOT / "docs"))
    build(tmp_path / "site")
    pages = {p.parent.name for p in (tmp_path / "site").glob("*/index.html")}
    assert {"fieldwork", "keycard-en", "keycard-ru", "tutorial", "methods", "authors", "api", "cite"} <= pages
    for card in ("keycard-en.pdf", "keycard-ru.pdf"):
        assert (tmp_path / "site" / card).read_bytes().startswith(b"%PDF"), "a printable key card"
    tutorial = (tmp_path / "site" / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert "highest level:" in tutorial and "value_distance_se" in tutorial, "the tutorial's outputs are on its page"
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("open_study", "instrument_reliability", "measurement_invariance", "alignment", "qap_regression"):
        assert re.search(rf'id="axiosphere\.[\w.]*\b{name}"', api), name


def _modules():
    import axiosphere.analysis
    import axiosphere.instruments
    import axiosphere.reports
    import axiosphere.survey

    for package in (axiosphere.analysis, axiosphere.reports, axiosphere.survey, axiosphere.instruments):
        for info in pkgutil.iter_modules(package.__path__):
            yield f"{package.__name__}.{info.name}"
    yield from ("axiosphere.study", "axiosphere.pipeline", "axiosphere.plan")


@pytest.mark.parametrize("name", sorted(_modules()))
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples read the reference files by their repository paths
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True)
    assert result.failed == 0


def test_every_public_function_of_the_api_reference_has_an_example_of_its_own():
    """Each function and class on the API page, and each public one of the modules it shows whole, has an example in
    its own docstring (the module's example does not count), and the doctests above run them."""
    targets = re.findall(r"^::: (axiosphere\.\S*)", (ROOT / "docs" / "api.md").read_text(), re.M)
    lacking, seen = [], 0
    for target in targets:
        try:
            module = importlib.import_module(target)
            members = [obj for name, obj in vars(module).items() if not name.startswith("_")
                       and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == target]
        except ModuleNotFoundError:
            module_name, _, name = target.rpartition(".")
            members = [getattr(importlib.import_module(module_name), name)]
        for obj in members:
            seen += 1
            doc = inspect.getdoc(obj) or ""
            if ">>>" not in doc or "doctest: +SKIP" in doc:
                lacking.append(f"{obj.__module__}.{obj.__qualname__}")
    assert seen >= 40 and not lacking, lacking


def test_the_key_cards_name_the_keys_in_both_layouts():
    from axiosphere.survey.keys import latin
    from axiosphere.survey.ui_text import UI

    english = (ROOT / "docs" / "keycard-en.md").read_text(encoding="utf-8")
    russian = (ROOT / "docs" / "keycard-ru.md").read_text(encoding="utf-8")
    for key in ("key_back", "key_dont_know", "key_refused", "key_tab_missing", "key_pause"):
        shortcut = UI[key]["en"].split()[0]
        assert f"`{shortcut}`" in english or shortcut in english, key
        assert f"`{shortcut}`" in russian or shortcut in russian, key
    for cyrillic, key in (("в", "d"), ("к", "r"), ("б", "<")):
        assert latin(cyrillic) == key
        assert f"`{key}` (`{cyrillic}`)" in russian, "the Russian card shows where the key sits in the Russian layout"
        assert f"{cyrillic} is {key}" in english
