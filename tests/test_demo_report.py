"""The demo study and its report, checked as a reader would: sections, tables, figures, links, the PDF pages,
numbers equal to the analyze commands, exports for papers, and clear errors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from axiosphere.pipeline import run_demo
from conftest import run_cli
from axiosphere.reports.apa import bounded, number
from axiosphere.reports.tables import display

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo") / "study"
    outcome = run_demo(folder, seed=3, scale=0.12)
    return folder, outcome


def test_demo_writes_interviews_through_the_store_and_a_report(demo):
    folder, outcome = demo
    assert outcome["interviews"] >= 200
    status = json.loads(run_cli("survey", "status", str(folder), "--json").stdout)
    assert sum(c["complete"] for c in status["cities"]) == outcome["interviews"]
    assert [p.rsplit("/", 1)[1] for p in outcome["report"]] == ["report.html", "report.pdf"]


def test_html_report_has_every_section_table_and_figure(demo):
    folder, _ = demo
    html = (folder / "report" / "report.html").read_text(encoding="utf-8")
    for heading in ("1. The study", "2. Sample and data quality", "3. Reliability", "4. Measurement invariance",
                    "5. Cross-city and twin-link comparisons", "6. Value maps", "7. Methods", "8. Reproducibility"):
        assert heading in html
    for table in ("cities", "instruments", "quality", "reliability_pvq21", "reliability_civic-trust",
                  "reliability_twin-ties", "invariance_institutional_trust", "comparisons", "descriptives", "appendix"):
        assert f'id="table-{table}"' in html, table
    assert html.count("<svg") >= 4, "figures are inline SVG"
    assert not re.search(r'(src|href)="(https?:)?//', html), "no request to any network"
    ids = set(re.findall(r'id="([^"]+)"', html))
    assert all(target in ids for target in re.findall(r'href="#([^"]+)"', html)), "every internal link resolves"
    assert re.search(r"(scalar|metric) invariance (holds|does not hold)", html, re.IGNORECASE), "the level decision is stated"


def test_statements_follow_the_numbers(demo):
    folder, _ = demo
    html = (folder / "report" / "report.html").read_text(encoding="utf-8")
    for sentence in re.findall(r"<p>([^<]*adjusted p[^<]*)</p>", html):
        p = re.search(r"adjusted p (?:=|&lt;) \.?(\d+)", sentence)
        assert "&lt; .001" in sentence or (p and float("0." + p.group(1)) < 0.05), sentence


def test_pdf_pages_look_like_a_report(demo, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    folder, _ = demo
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(folder / "report" / "report.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 5
    import matplotlib.image as mpimg
    import numpy as np

    for page in pages[:4]:
        pixels = mpimg.imread(page)[..., :3]
        assert 0.01 < np.mean(pixels.min(axis=2) < 0.8) < 0.5, f"{page.name} has text and is not blank"
    assert (folder / "report" / "report.pdf").read_bytes()[:4] == b"%PDF"


def test_report_numbers_equal_the_analyze_commands(demo):
    folder, _ = demo
    html = (folder / "report" / "report.html").read_text(encoding="utf-8")
    # The report's plan (the demo's per-city sections cover Orsha and its four twins), as its appendix says.
    reliability = json.loads(run_cli("analyze", "reliability", str(folder), "--instrument", "civic-trust", "--by", "city",
                                     "--exclude-flagged", "--plan", str(folder / "plan.yaml"), "--json").stdout)
    pooled = next(s for s in reliability["scales"] if s["scale"] == "institutional_trust" and s["group"] is None)
    html = re.sub(r'<span class="nb">|</span>', "", html)  # statistics kept on one line in the page
    row = re.search(r"<tr><td[^>]*>Institutional trust</td><td>7</td><td>(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>", html)
    assert row.group(1) == str(pooled["n"]) and row.group(2).startswith(bounded(pooled["alpha"]))
    assert row.group(3) == bounded(pooled["omega_total"])
    assert len(re.findall(r"<tr><td[^>]*>Institutional trust</td>", html)) >= 7, "pooled and one row per city"
    comparison = json.loads(run_cli("analyze", "compare", str(folder), "--instrument", "civic-trust", "--by", "city",
                                    "--links", str(folder), "--exclude-flagged", "--json").stdout)
    pair = next(p for p in comparison["pairs"] if p["scale"] == "institutional_trust" and p["b"] == "smolensk")
    row = re.search(r"<tr><td[^>]*>Institutional trust</td><td[^>]*>Orsha – Smolensk</td><td>([^<]*)</td><td>([^<]*)</td>", html)
    assert row.groups() == (display(number(pair["t"])), number(pair["df"], 1)), "city names, true minus signs"


def test_tables_and_figures_for_papers(demo, tmp_path):
    folder, _ = demo
    done = run_cli("report", str(folder), "--out", str(tmp_path / "r"), "--format", "html", "--tables", "--permutations", "5",
                   "--plan", str(folder / "plan.yaml"))  # the demo's plan: Orsha's cities and the twin network
    assert done.returncode == 0, done.stderr
    tables = tmp_path / "r" / "tables"
    latex = (tables / "comparisons.tex").read_text(encoding="utf-8")
    assert "\\toprule" in latex and "\\textit{t}" in latex and "0." not in "".join(latex.split("\\midrule")[1].split("&")[6:8])
    assert (tables / "reliability_pvq21.csv").read_text(encoding="utf-8").startswith("Scale,k,n,α [95% CI],ω,r̄,S-B,Missing")
    from docx import Document

    document = Document(str(tables / "comparisons.docx"))
    assert len(document.tables) == 1 and document.tables[0].rows[0].cells[2].text == "t"
    assert document.paragraphs[0].text.startswith("Table ") and document.paragraphs[0].runs[0].bold
    xml = document.tables[0]._tbl.xml
    assert "w:tblHeader" in xml and xml.count("<w:top ") == len(document.tables[0].columns), "a rule above the header"
    assert "<w:left " not in xml and "<w:insideV" not in xml, "no vertical rules"
    assert {p.suffix for p in (tables / "figures").iterdir()} == {".pdf", ".svg", ".png"}


@pytest.mark.parametrize("engine", ["pdflatex", "lualatex"])
def test_latex_tables_compile_and_keep_every_symbol(demo, tmp_path, engine):
    needed = ["booktabs.sty"] + (["fontspec.sty", "luaotfload-main.lua"] if engine == "lualatex" else [])
    if shutil.which(engine) is None or any(subprocess.run(["kpsewhich", f], capture_output=True).returncode for f in needed):
        pytest.skip(f"{engine} with {', '.join(needed)} is not installed")
    folder, _ = demo
    done = run_cli("report", str(folder), "--out", str(tmp_path / "r"), "--format", "html", "--tables", "--permutations", "5",
                   "--plan", str(folder / "plan.yaml"))  # the demo's plan: Orsha's cities and the twin network
    assert done.returncode == 0, done.stderr
    tables = sorted((tmp_path / "r" / "tables").glob("*.tex"))
    body = "\n".join(f"\\input{{{t.name}}}\\clearpage" for t in tables)
    # What an author's preamble has: T1 fonts under pdflatex, fontspec (Unicode fonts) under LuaLaTeX.
    fonts = "\\usepackage[T1]{fontenc}\n" if engine == "pdflatex" else "\\usepackage{fontspec}\n"
    (tmp_path / "r" / "tables" / "paper.tex").write_text(
        f"\\documentclass{{article}}\n{fonts}\\usepackage{{booktabs}}\\usepackage{{graphicx}}\n"
        f"\\begin{{document}}\n{body}\n\\end{{document}}\n", encoding="utf-8")
    run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], cwd=tmp_path / "r" / "tables",
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    log = (tmp_path / "r" / "tables" / "paper.log").read_text(encoding="utf-8", errors="replace")
    assert "Missing character" not in log, "every symbol typeset"
    assert "Overfull \\hbox" not in log or "pt too wide" not in log.split("Overfull \\hbox")[1][:40], "tables fit the text"
    assert "\\label{tab:comparisons}" in (tmp_path / "r" / "tables" / "comparisons.tex").read_text(encoding="utf-8")


def test_report_bad_input(tmp_path):
    run_cli("study", "init", str(tmp_path / "empty"))
    none = run_cli("report", str(tmp_path / "empty"))
    assert none.returncode == 2 and "no interviews in" in none.stderr
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    study = load_study(tmp_path / "empty")
    Store.for_study(study.folder, study.id, create=True).close()
    empty = run_cli("report", str(tmp_path / "empty"))
    assert empty.returncode == 2 and "no complete interview" in empty.stderr
    bad = run_cli("report", str(tmp_path / "empty"), "--format", "docx")
    assert bad.returncode == 2 and "unknown report format" in bad.stderr


def test_plan_chooses_scales_cities_adjustment_and_sections(demo, tmp_path):
    folder, _ = demo
    (tmp_path / "plan.yaml").write_text(
        "scales:\n  civic-trust: [institutional_trust]\n  pvq21: [conservation]\ncities: [orsha, smolensk, tver]\n"
        "exclusions: {straightline_min: 21}\nadjust: fdr_bh\nsections: [study, reliability, comparisons, methods]\n")
    done = run_cli("report", str(folder), "--plan", str(tmp_path / "plan.yaml"), "--out", str(tmp_path / "r"),
                   "--format", "html")
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "3. Reliability" in html and "4. Measurement invariance" not in html and "6. Value maps" not in html
    assert "p (fdr_bh)" in html and "bondeno" not in html.split('id="table-comparisons"')[1]
    assert "Generalised (social) trust" not in html and "Conservation" in html


def test_plan_naming_an_unknown_scale_or_city_is_a_clear_error(demo, tmp_path):
    folder, _ = demo
    (tmp_path / "plan.yaml").write_text("scales:\n  civic-trust: [institutional_turst]\ncities: [orsha, paris]\n")
    done = run_cli("report", str(folder), "--plan", str(tmp_path / "plan.yaml"), "--out", str(tmp_path / "r"))
    assert done.returncode == 2
    assert "no scale 'institutional_turst' (did you mean 'institutional_trust'?)" in done.stderr
    assert "no city 'paris'" in done.stderr and "Traceback" not in done.stderr


def test_a_city_without_complete_interviews_is_left_out_with_the_rest_reported(tmp_path):
    from axiosphere.survey.study import init_study, load_study

    folder = tmp_path / "s"
    init_study(folder)
    study = load_study(folder)
    run_demo_without = run_demo(folder, seed=5, scale=0.08, force=True)
    from axiosphere.survey.store import Store

    with Store.for_study(study.folder, study.id) as store:
        store.db.execute("UPDATE interviews SET status = 'paused' WHERE city = 'tver'")
    done = run_cli("report", str(folder), "--out", str(tmp_path / "r"), "--format", "html", "--permutations", "5",
                   "--plan", str(folder / "plan.yaml"))
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "Orsha – Smolensk" in html and "Orsha – Tver" not in html
    assert run_demo_without["interviews"] > 0


def test_html_report_in_headless_chromium(demo, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    folder, _ = demo
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2000", f"--screenshot={shot}",
                    (folder / "report" / "report.html").as_uri()], capture_output=True, timeout=120, check=True)
    import matplotlib.image as mpimg
    import numpy as np

    pixels = mpimg.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1200)
    dark = pixels.min(axis=2) < 0.5
    assert 0.005 < dark.mean() < 0.3, "text and tables are drawn"
    assert dark[:300].mean() > 0.005, "the title and contents are at the top"
    colours = len(np.unique((pixels.reshape(-1, 3) * 10).round(), axis=0))
    assert colours > 10, "the figures are drawn in colour"


def test_the_demo_model_ships_with_the_package():
    """Tests import from the checkout; this guards the installed package too."""
    import tomllib
    from pathlib import Path

    import axiosphere.survey as survey
    from axiosphere.survey.demo import MODEL_FILE

    assert MODEL_FILE.parent == Path(survey.__file__).parent and MODEL_FILE.is_file()
    config = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert MODEL_FILE.name in config["tool"]["setuptools"]["package-data"]["axiosphere.survey"]
    templates = config["tool"]["setuptools"]["package-data"]
    assert "templates/*.j2" in templates["axiosphere.reports"] and "bundled/*.yaml" in templates["axiosphere.instruments"]


def test_demo_never_replaces_a_study_it_did_not_make(tmp_path):
    from axiosphere.survey.study import init_study

    init_study(tmp_path / "mine")
    (tmp_path / "mine" / "responses.sqlite").write_bytes(b"precious")
    done = run_cli("demo", "--out", str(tmp_path / "mine"), "--scale", "0.01")
    assert done.returncode == 2 and "is not an earlier demo" in done.stderr
    assert (tmp_path / "mine" / "responses.sqlite").read_bytes() == b"precious", "nothing changed"


def test_pdf_text_has_no_statistic_split_across_lines_and_is_reproducible(demo, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    folder, _ = demo
    import os

    env = {**os.environ, "SOURCE_DATE_EPOCH": "1790000000"}
    runs = []
    for n in (1, 2):
        done = subprocess.run([sys.executable, "-m", "axiosphere", "report", str(folder), "--out", str(tmp_path / f"r{n}"),
                               "--permutations", "5", "--plan", str(folder / "plan.yaml")], capture_output=True, text=True,
                              env=env, timeout=300)
        assert done.returncode == 0, done.stderr
        runs.append((tmp_path / f"r{n}" / "report.pdf").read_bytes())
    assert runs[0] == runs[1], "the same data and settings give the same PDF bytes"
    text = subprocess.run(["pdftotext", str(tmp_path / "r1" / "report.pdf"), "-"], capture_output=True, text=True).stdout
    assert not re.search(r"[<=>]\s*\n\s*[−\-.\d]", text), "no break after an operator"
    assert not re.search(r"\[[−\-.\d]+,\s*\n", text), "no interval split across lines"
    assert not re.search(r"(^|\s)\.\s*\n\s*\d", text), "no number split after its point"
    assert "Table 1" in text and "Seed" in text and "not set" not in text


def test_the_readmes_invariance_and_map_commands_run_verbatim_on_a_demo_study(tmp_path):
    import shlex
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Measurement invariance and value maps", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in section.splitlines() if line.startswith("axiosphere ") and "my-study" in line]
    assert any(" map " in c for c in commands)
    run_demo(tmp_path / "my-study", seed=2, scale=0.15, formats=("html",))
    for command in commands:
        done = run_cli(*shlex.split(command)[1:], cwd=tmp_path)
        assert done.returncode == 0, (command, done.stderr)
    assert (tmp_path / "figures" / "twin_network.pdf").is_file()


def _report_with_plan(folder, tmp_path, plan_text):
    """The report (with --tables) of ``folder`` under a plan of ``plan_text``, as HTML; folder: tmp_path / "r"."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(plan_text, encoding="utf-8")
    done = run_cli("report", str(folder), "--out", str(tmp_path / "r"), "--format", "html", "--tables", "--plan", str(plan))
    assert done.returncode == 0, done.stderr
    return (tmp_path / "r" / "report.html").read_text(encoding="utf-8")


def test_a_plan_asks_for_alignment_and_the_report_shows_it(demo, tmp_path):
    folder, _ = demo
    # Orsha and its twins: the demo's second network has a dozen respondents a city at this scale, too few to resample.
    html = _report_with_plan(folder, tmp_path, "alignment: true\nsections: [study, invariance, methods]\n"
                                               "cities: [orsha, smolensk, tver, minsk-mazowiecki, bondeno]\n")
    assert "alignment across cities" in html and "Aligned means and variances of Institutional trust" in html
    assert "(reference)" in html and "Monte Carlo check of 20 data sets" in html
    assert "Asparouhov, T., &amp; Muthén, B. (2014)" in html
    numbers = [int(n) for n in re.findall(r">Table (\d+)<", html)]
    assert numbers == list(range(1, len(numbers) + 1)), "tables numbered in order, alignment included"
    assert "Institutional trust: each city&#39;s aligned loadings" in html, "the heat map of drifting parameters"
    figures_ = [int(n) for n in re.findall(r"<figcaption>Figure (\d+)\.", html)]
    assert figures_ == list(range(1, len(figures_) + 1)), "figures numbered in order of appearance"
    tables = tmp_path / "r" / "tables"
    assert (tables / "figures" / "alignment_institutional_trust.svg").is_file()
    assert (tables / "alignment_institutional_trust.tex").is_file() and (tables / "alignment_flags_institutional_trust.docx").is_file()
    if shutil.which("pdflatex") and subprocess.run(["kpsewhich", "booktabs.sty"], capture_output=True).returncode == 0:
        body = "\n".join(f"\\input{{{t.name}}}" for t in sorted(tables.glob("alignment*.tex")))
        (tables / "paper.tex").write_text("\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{booktabs}"
                                          f"\\usepackage{{graphicx}}\\begin{{document}}{body}\\end{{document}}", encoding="utf-8")
        run = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], cwd=tables,
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout[-1500:]
        assert "Missing character" not in (tables / "paper.log").read_text(encoding="utf-8", errors="replace")
    bad = tmp_path / "bad.yaml"
    bad.write_text("alignment: sometimes\n", encoding="utf-8")
    refused = run_cli("report", str(folder), "--out", str(tmp_path / "x"), "--plan", str(bad))
    assert refused.returncode == 2 and "alignment" in refused.stderr


def test_a_plan_asks_for_the_twin_network_and_the_report_answers_with_numbers(demo, tmp_path):
    import html as html_lib
    import json
    import shlex

    folder, _ = demo
    raw = _report_with_plan(folder, tmp_path, "network: true\ncities: [orsha, smolensk, tver, minsk-mazowiecki, bondeno]\n")
    page = html_lib.unescape(re.sub(r"<[^>]+>", "", raw))
    assert "The twin network as pairs of cities" in page and "twinned pairs' value profiles were on average" in page
    # The demo's cities are in five countries: the pairs are those of the two with the most links between them.
    match = re.search(r"\(b\s=\s(−?[\d.]+), QAP p\s[=<]\s([\d.]+), 1000 permutations, each country's cities permuted "
                      r"among themselves", page)
    assert "The pairs are those of RU and US cities" in page
    assert "The pairs are drawn from all 15 cities of the study: the plan's 5 cities are those of the other sections" in page
    assert match, "the finding in a sentence with its numbers"
    assert "Logit of twinning on value distance" in page and "Value distance of every pair of cities" in page
    assert "Dekker, D., Krackhardt, D., &amp; Snijders" in raw
    tables = tmp_path / "r" / "tables"
    assert (tables / "network_qap.tex").is_file() and (tables / "figures" / "dyads.pdf").is_file()
    line = re.search(r"axiosphere analyze dyads [^\n<]*?&& axiosphere analyze network [^\n<]*?--seed \d+", page).group(0)
    make, test = (shlex.split(part.replace("dyads.csv", str(tmp_path / "dyads.csv")))[1:] for part in line.split(" && "))
    assert run_cli(*make).returncode == 0
    rerun = run_cli(*test, "--json")
    assert rerun.returncode == 0, rerun.stderr
    b = json.loads(rerun.stdout)["coefficients"][1]["estimate"]
    assert f"{b:.2f}".replace("-", "−") == match.group(1), "the appendix command gives the report's number"
