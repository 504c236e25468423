"""APA tables as an author places them: numbers aligned on the decimal point in LaTeX and in Word."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from axiosphere.reports.tables import Table, decimal_split

TABLE = Table("demo", "Scores by city", ["City", "t", "p", "95% CI"],
              [["Orsha", "-12.35", "< .001", "[-0.12, 0.48]"], ["Tver", "0.8", ".253", "[.10, 1.20]"],
               ["Bondeno", "—", ".040", "—"]], "A note.", ["t", "p"])


def test_latex_number_columns_split_at_the_decimal_point():
    latex = TABLE.to_latex()
    assert "{@{}lr@{}lr@{}lr@{}l@{}}" in latex, "every number column is two: before and after the point"
    rows = latex.split("\\midrule")[1].split("\\bottomrule")[0].strip().splitlines()
    cells = [row.removesuffix(r" \\").split(" & ") for row in rows]
    assert all(len(row) == 7 for row in cells)
    assert cells[0][1:3] == ["$-$12", ".35"] and cells[0][3:5] == ["$<$~", ".001"]
    assert cells[1][5:7] == ["[", ".10,~1.20]"], "an interval aligns on its first point"
    assert cells[2][1:3] == ["---", ""], "a cell without a point sits before it"
    assert r"\multicolumn{2}{c}{\textit{t}}" in latex


def test_decimal_split_keeps_every_character():
    for text in ("< .001", "[−0.12, 0.48]", "—", "12", ".71 (S-B)"):
        assert "".join(decimal_split(text)) == text


def test_latex_points_line_up_in_the_pdf(tmp_path):
    if shutil.which("pdflatex") is None or shutil.which("pdftotext") is None:
        pytest.skip("pdflatex or pdftotext (poppler-utils) is not installed")
    numbers = Table("n", "Numbers", ["Name", "Value"], [["a", "1.5"], ["b", "−123.25"], ["c", ".001"]])
    (tmp_path / "t.tex").write_text("\\documentclass{article}\\usepackage{booktabs}\\usepackage{graphicx}"
                                    f"\\begin{{document}}{numbers.to_latex()}\\end{{document}}", encoding="utf-8")
    subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    subprocess.run(["pdftotext", "-bbox", "t.pdf", "t.html"], cwd=tmp_path, check=True)
    import re

    words = re.findall(r'xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<', (tmp_path / "t.html").read_text())
    # Computer Modern at 10 pt: every digit is 0.5 em (4.981 pt), the point 2.767 pt; so each point's position is
    # the word's right edge less its fraction.
    points = [float(x_max) - 4.981 * len(text.split(".")[1]) - 2.767 for x_max, text in words
              if text in ("1.5", "−123.25", ".001")]
    assert len(points) == 3 and max(points) - min(points) < 0.1, points


def test_word_numbers_sit_on_a_decimal_tab_and_columns_fit_their_content(tmp_path):
    from docx import Document
    from docx.enum.text import WD_TAB_ALIGNMENT

    grid = Document(str(TABLE.to_docx(tmp_path / "t.docx"))).tables[0]
    for n in (1, 2, 3):
        cells = grid.columns[n].cells[1:]
        stops = [[(s.alignment, s.position) for s in c.paragraphs[0].paragraph_format.tab_stops] for c in cells]
        assert all(s == stops[0] and s[0][0] == WD_TAB_ALIGNMENT.DECIMAL for s in stops), "one decimal stop a column"
        assert all(c.text.startswith("\t") for c in cells)
    assert not grid.columns[0].cells[1].paragraphs[0].paragraph_format.tab_stops, "words need no stop"
    widths = [grid.columns[n].cells[0].width for n in range(4)]
    assert widths[3] > widths[1] > 0, "an interval column is wider than a t column"
