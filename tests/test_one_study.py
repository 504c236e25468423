"""Issue 9's contracts: one namespace, one Study, analyses that follow declarations (never ids),
and the same numbers from the CLI, the Python API and the report."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import DATA, run_cli

ROOT = Path(__file__).parent.parent
CODE = ("app", "analysis", "survey", "reports", "instruments")


def strict_json(text: str):
    """Parse as a strict JSON parser would: NaN and Infinity are not JSON."""
    def refuse(constant: str):
        raise AssertionError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_a_users_own_module_names_do_not_shadow_ours(tmp_path):
    for name in ("analysis", "survey", "reports", "instruments"):
        (tmp_path / f"{name}.py").write_text("raise SystemExit('the user module was imported')\n", encoding="utf-8")
    script = tmp_path / "script.py"
    script.write_text("import axiosphere\nfrom axiosphere.analysis import score\nfrom axiosphere.survey.store import Store\n"
                      "print(axiosphere.open_study.__name__)\n", encoding="utf-8")
    ran = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0 and ran.stdout.strip() == "open_study", ran.stderr
    listed = run_cli("instruments", "list", "--json", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert strict_json(listed.stdout)["instruments"]


def _bundled_ids() -> set[str]:
    from axiosphere.instruments import bundled_names, resolve_instrument

    ids: set[str] = set()
    for name in bundled_names():
        instrument = resolve_instrument(name)
        ids |= {instrument.id, *instrument.scales, *instrument.items}
    return ids


def test_no_bundled_instrument_scale_or_item_id_in_code():
    ids = _bundled_ids()
    found = []
    for folder in CODE:
        for path in (ROOT / folder).rglob("*.py"):
            if "examples" in path.parts:
                continue  # scripts that draw the README's example figures from the bundled instruments
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                          and node.body and isinstance(node.body[0], ast.Expr)
                          and isinstance(node.body[0].value, ast.Constant)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                    words = set(node.value.replace(",", " ").replace("'", " ").split())
                    hits = {w for w in words & ids if "_" in w or "-" in w or w == node.value}
                    if hits:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {sorted(hits)}")
    assert not found, "bundled ids in code:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def custom_study(tmp_path_factory):
    from axiosphere.survey.demo import generate
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    folder = tmp_path_factory.mktemp("custom") / "study"
    shutil.copytree(DATA / "custom", folder)
    design = load_study(folder)
    model = yaml.safe_load((folder / "model.yaml").read_text(encoding="utf-8"))
    with Store.create(folder / "responses.sqlite", study_id=design.id, durable=False) as store:
        generate(design, store, model=model)
    return folder


@pytest.mark.timeout(600)
def test_a_new_instrument_gets_every_section_its_declarations_call_for(custom_study):
    from axiosphere.pipeline import analyse_study
    from axiosphere.reports.render import render_report

    results = analyse_study(custom_study, seed=1, permutations=10)
    assert results.quality.instruments == ("town-aims",), "it declares quality conventions"
    assert results.exclusion.flagged > 0
    assert set(results.reliability) == {"town-aims"}
    assert [e.scale for e in results.invariance] == ["reliance_index", "change", "keeping", "others", "self"], \
        "the only scale of 3+ rating items, then the declared composites"
    assert results.compared == {"town-aims": ["change", "keeping", "others", "self"]}, "declared composites"
    assert results.valuemap is not None and results.valuemap_instrument == "town-aims"
    assert {"reliance_index_gap", "twin_reliance_gap"} <= set(results.valuemap.distances.columns)
    assert results.valuemap.labels["change"] == "Change"
    html = render_report(results, custom_study / "report", formats=("html",))[0].read_text(encoding="utf-8")
    assert 'id="commands"' in html
    for table in ("quality", "reliability_town-aims", "invariance_reliance_index", "comparisons", "descriptives"):
        assert f'id="table-{table}"' in html, table
    for heading in ("3. Reliability", "4. Measurement invariance", "5. Cross-city and twin-link comparisons",
                    "6. Value maps"):
        assert heading in html
    assert "Keeping  ←" in html or "Keeping" in html, "axis labels come from the instrument"
    assert "Alphaville" in html and "Made up for the test." in html


def test_one_policy_gives_the_same_numbers_in_cli_api_and_report(custom_study, tmp_path):
    from axiosphere import open_study
    from axiosphere.analysis.reliability import instrument_reliability
    from axiosphere.pipeline import analyse_study
    from axiosphere.instruments.output import to_plain
    from axiosphere.reports.reproduce import reproduce_commands

    results = analyse_study(custom_study, seed=1, permutations=10)
    study = open_study(custom_study)
    instrument = study.instrument("town-aims")
    api = instrument_reliability(study.data, instrument, scales=[s.scale for s in results.reliability["town-aims"].scales
                                                                 if s.group is None], by="city")
    assert to_plain(api.to_dict()) == to_plain(results.reliability["town-aims"].to_dict())
    for name, command in reproduce_commands(results):
        args = command.split()[1:]
        if args[0] == "map":
            args[args.index("--out") + 1] = str(tmp_path / "figures")
        done = run_cli(*args, "--json")
        assert done.returncode == 0, (command, done.stderr)
        document = strict_json(done.stdout)
        assert document["exclusions"]["kept"] == results.exclusion.kept, name
        if name.startswith("reliability_"):
            assert document["scales"] == to_plain(results.reliability["town-aims"].to_dict())["scales"]
        elif name.startswith("invariance_"):
            entry = next(e for e in results.invariance if name == f"invariance_{e.scale}")
            assert [l["chisq"] for l in document["levels"] + document["partial"]] == pytest.approx(
                [l.fit["chisq"] for l in entry.result.levels if not l.partial]
                + [l.fit["chisq"] for l in entry.result.levels if l.partial])
        elif name == "comparisons":
            pairs = results.comparison.pairs
            assert [p["t"] for p in document["pairs"]] == pytest.approx(pairs["t"].tolist())
            assert [p["p_adj"] for p in document["pairs"]] == pytest.approx(pairs["p_adj"].tolist())
        elif name == "value maps":
            assert [d["distance"] for d in document["distances"]] == pytest.approx(
                results.valuemap.distances["distance"].tolist())
    kept = run_cli("analyze", "reliability", str(custom_study), "--instrument", "town-aims", "--keep-flagged", "--json")
    assert strict_json(kept.stdout)["exclusions"]["kept"] == results.exclusion.n


def test_the_exclusion_policy_is_read_from_the_study_file(custom_study, tmp_path):
    from axiosphere import open_study

    folder = tmp_path / "s"
    shutil.copytree(custom_study, folder, ignore=shutil.ignore_patterns("report"))
    text = (folder / "study.yaml").read_text(encoding="utf-8")
    (folder / "study.yaml").write_text(text + "exclusions: {exclude: [straightline]}\n", encoding="utf-8")
    study = open_study(folder)
    assert study.policy.exclude == ("straightline",) and study.exclusion.source == "study.yaml"
    assert study.exclusion.n - study.exclusion.kept == int(study.quality.flags["straightline"].sum())
    bad = folder / "study.yaml"
    bad.write_text(text + "exclusions: {exclude: [laziness]}\n", encoding="utf-8")
    done = run_cli("analyze", "quality", str(folder))
    assert done.returncode == 2 and "unknown quality flag(s) laziness" in done.stderr and "Traceback" not in done.stderr


def _module_imports() -> dict[str, set[str]]:
    """Module-level imports between axiosphere's modules (imports inside functions are lazy by design)."""
    folders = {"app": "axiosphere", **{f: f"axiosphere.{f}" for f in CODE if f != "app"}}
    graph: dict[str, set[str]] = {}
    for folder, package in folders.items():
        for path in (ROOT / folder).glob("*.py"):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            tree = ast.parse(path.read_text(encoding="utf-8"))
            graph[name] = {node.module for node in tree.body
                           if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("axiosphere")}
    return graph


def test_no_import_cycles_and_analysis_never_imports_survey_or_reports():
    graph = _module_imports()

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = [m for m in graph if m in reach(m) and not m.endswith("__init__")]
    assert not [m for m in cycles if m.count(".") > 1], f"import cycles through {cycles}"
    for path in (ROOT / "analysis").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "axiosphere.survey" not in text and "axiosphere.reports" not in text, path.name


def test_methods_text_follows_the_settings_and_the_results(custom_study, tmp_path):
    from axiosphere import open_study
    from axiosphere.pipeline import analyse_study
    from axiosphere.plan import read_plan
    from axiosphere.reports.render import build_context

    plan = tmp_path / "plan.yaml"
    plan.write_text("adjust: fdr_bh\nfamily: link\n", encoding="utf-8")
    results = analyse_study(custom_study, seed=1, permutations=5, plan=read_plan(plan, open_study(custom_study)))
    context = build_context(results, draw=False)
    methods = context["methods"]
    assert "Benjamini and Hochberg" in methods and "Holm" not in methods
    assert "the scales tested within each link" in methods
    assert "Made up for the test." in methods, "the baseline named is the instrument's own"
    assert "MRAT" in methods and "town-aims" in methods
    assert context["hierarchy_table"].rows, "the hierarchy correlations announced are shown"
    assert "p adjusted (fdr_bh) across the scales tested within each link" in context["comparison_table"].note


def test_the_report_of_a_plain_data_file_without_links_or_paradata(tmp_path):
    """A data file records no fieldwork dates, interviewers or twin links: the report says what it has."""
    from axiosphere.analysis.example_data import value_survey

    value_survey(n=60)[0].to_csv(tmp_path / "answers.csv", index=False)
    done = run_cli("report", str(tmp_path / "answers.csv"), "--out", str(tmp_path / "report"), "--format", "html",
                   "--tables", "--permutations", "5")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "180 complete interviews in 3 cities." in html and "Twin-link differences" not in html
