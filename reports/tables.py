"""APA-style tables of a study's results: plain data (caption, columns, rows, note) for HTML, CSV and LaTeX."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axiosphere.reports.apa import bounded, interval, number, p_value


# Symbols that pdflatex cannot typeset as text and LuaLaTeX's default font silently drops: math mode.
_LATEX = (("χ²", r"$\chi^2$"), ("α", r"$\alpha$"), ("ω", r"$\omega$"), ("ρ", r"$\rho$"), ("Δ", r"$\Delta$"),
          ("λ", r"$\lambda$"), ("ν", r"$\nu$"), ("ε", r"$\varepsilon$"),
          ("≥", r"$\geq$"), ("≤", r"$\leq$"), ("−", r"$-$"), ("r̄", r"$\bar{r}$"), ("–", "--"), ("—", "---"),
          ("…", r"\ldots{}"), ("\u00a0", "~"))
_MINUS = re.compile(r"(?<![\w.])-(?=[\d.])")
_OPERATOR = re.compile(r"( ?)(<|=|>|≤|≥) (?=[\d.−])")
_BRACKET = re.compile(r"\[[^\]]*\]")
# Statistics in running text that must not break across lines: "p < .001", "t(182.3) = 2.45", "[.12, .34]".
# A statistic with its sign ("p < .001"), an interval, or a pair of numbers ("R² .48/.85"): no line break inside.
_STATISTIC = re.compile(r"(?:\w+(?:\([\d.]+\))?\u00a0)?[<=>≤≥]\u00a0[−\d.]+|\[[^\]]*\]|[−\d]*\.\d+/[−\d]*\.\d+")


def display(text: str) -> str:
    """A cell or sentence as a page prints it: a true minus sign, and no break inside "p < .001" or "[.12, .34]".

    >>> display("t = -2.35, p < .001, 95% CI [-0.12, 0.48]").replace("\u00a0", "~")
    't~=~−2.35, p~<~.001, 95% CI [−0.12,~0.48]'
    """
    text = _MINUS.sub("−", str(text))
    text = _OPERATOR.sub(lambda m: "\u00a0" * len(m.group(1)) + m.group(2) + "\u00a0", text)
    return _BRACKET.sub(lambda m: m.group(0).replace(", ", ",\u00a0"), text)


def decimal_split(text: str) -> tuple[str, str, str]:
    """A cell split at its first decimal point, for aligning a column on it: (before, point, after).

    >>> decimal_split("< .001"), decimal_split("[−0.12, 0.48]"), decimal_split("—")
    (('< ', '.', '001'), ('[−0', '.', '12, 0.48]'), ('—', '', ''))
    """
    match = re.search(r"\.(?=\d)", text)
    return (text[:match.start()], ".", text[match.end():]) if match else (text, "", "")


def html_text(text: str) -> Any:
    """``display`` for HTML: escaped, each statistic in a span that does not wrap (WeasyPrint breaks lines inside
    "< .001" despite no-break spaces).

    >>> str(html_text("loadings/intercepts .48/.85"))
    'loadings/intercepts <span class="nb">.48/.85</span>'
    """
    from markupsafe import Markup, escape

    shown = display(text)
    out, last = [], 0
    for match in _STATISTIC.finditer(shown):
        out += [escape(shown[last:match.start()]), Markup('<span class="nb">'), escape(match.group(0)), Markup("</span>")]
        last = match.end()
    out.append(escape(shown[last:]))
    return Markup("").join(out)


@dataclass(frozen=True)
class Table:
    """A table as a paper prints it; ``italic`` columns hold statistic symbols; ``number`` is its place in the report."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    italic: list[str] = field(default_factory=list)
    number: int | None = None

    @property
    def label(self) -> str:
        return f"Table {self.number}" if self.number else "Table"

    @property
    def text_columns(self) -> set[int]:
        """Columns that hold words, not numbers: aligned left (numbers align right, so decimals line up)."""
        numeric = re.compile(r"^[\s<>≤≥=−\-.\d\[\],()%—]*$|^[\d.−\-]+ \(S-B\)$")
        return {n for n in range(len(self.columns))
                if n == 0 or any(row[n] and not numeric.match(str(row[n])) for row in self.rows)}

    def to_csv(self) -> str:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()

    def to_latex(self) -> str:
        """A booktabs table (``\\usepackage{booktabs}``; ``graphicx`` for tables wider than the text, which are
        scaled to it): statistic symbols italic and in math mode, true minus signs, a ``\\label``, the note below,
        flush left. Compiles with pdflatex and LuaLaTeX."""
        def cell(text: str, *, head: bool = False) -> str:
            text = display(str(text)).replace("\\", r"\textbackslash{}")
            for char, escaped in (("&", r"\&"), ("%", r"\%"), ("_", r"\_"), ("#", r"\#"), ("<", r"$<$"), (">", r"$>$")):
                text = text.replace(char, escaped)
            for char, latex in _LATEX:
                text = text.replace(char, latex)
            return text

        # Decimal alignment without siunitx or dcolumn (neither copes with "< .001" or "[.12, .34]", and siunitx
        # is not in every TeX installation): each number column is two, split at the first decimal point.
        words = self.text_columns

        def head(n: int, name: str) -> str:
            text = rf"\textit{{{cell(name)}}}" if name in self.italic else cell(name)
            return text if n in words else rf"\multicolumn{{2}}{{c}}{{{text}}}"

        def body_cell(n: int, value: str) -> str:
            if n in words:
                return cell(value)
            whole, point, fraction = decimal_split(display(value))
            return f"{cell(whole)} & {cell(point + fraction)}"

        header = " & ".join(head(n, c) for n, c in enumerate(self.columns))
        body = "\n".join(" & ".join(body_cell(n, c) for n, c in enumerate(row)) + r" \\" for row in self.rows)
        spec = "".join("l" if n in words else "r@{}l" for n in range(len(self.columns)))
        tabular = (f"\\begin{{tabular}}{{@{{}}{spec}@{{}}}}\n\\toprule\n{header} \\\\\n"
                   f"\\midrule\n{body}\n\\bottomrule\n\\end{{tabular}}")
        note = (f"\\par\\smallskip\n{{\\raggedright\\small\\textit{{Note.}} {cell(self.note)}\\par}}\n" if self.note else "")
        return (f"% {self.label}. Needs \\usepackage{{booktabs}} and \\usepackage{{graphicx}}.\n"
                f"\\begin{{table}}[htbp]\n\\centering\n\\caption{{{cell(self.caption)}}}\n\\label{{tab:{self.name}}}\n"
                f"\\sbox0{{{tabular}}}%\n\\ifdim\\wd0>\\linewidth\\resizebox{{\\linewidth}}{{!}}{{\\usebox0}}"
                f"\\else\\usebox0\\fi\n{note}\\end{{table}}\n")

    def to_docx(self, path: Any, *, dated: Any = None) -> Any:
        """An APA table in Word: "Table N" in bold and the title in italics above, rules above and below the header
        and below the last row only, the header row repeated on every page, numbers aligned on the decimal point by a
        decimal tab stop, column widths from their content."""
        from docx import Document
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
        from docx.shared import Inches
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        document = Document()
        if dated is not None:  # the report's date, not the moment of writing: the same data give the same file
            document.core_properties.created = document.core_properties.modified = dated.replace(tzinfo=None)
            document.core_properties.last_modified_by = document.core_properties.author = "axiosphere"
        document.add_paragraph().add_run(self.label).bold = True
        document.add_paragraph().add_run(self.caption).italic = True
        grid = document.add_table(rows=1, cols=len(self.columns))
        grid.autofit = False

        def rule(cell: Any, side: str, size: int) -> None:
            borders = cell._tc.get_or_add_tcPr().first_child_found_in("w:tcBorders")
            if borders is None:
                borders = OxmlElement("w:tcBorders")
                cell._tc.get_or_add_tcPr().append(borders)
            edge = OxmlElement(f"w:{side}")
            for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
                edge.set(qn(key), value)
            borders.append(edge)

        words = self.text_columns
        header = grid.rows[0]
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header._tr.get_or_add_trPr().append(repeat)
        for n, (cell, name) in enumerate(zip(header.cells, self.columns)):
            run = cell.paragraphs[0].add_run(name)
            run.italic = name in self.italic
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT if n in words else WD_ALIGN_PARAGRAPH.CENTER
            rule(cell, "top", 12)
            rule(cell, "bottom", 6)
        for _ in self.rows:
            grid.add_row()
        shown = [[display(value) for value in row] for row in self.rows]
        # Column widths from content, and for number columns a decimal tab stop, so that points line up: an
        # average character of 10-pt Times is about 0.075 in wide; long words wrap at about two inches.
        char, pad = 0.075, 0.1
        for n, column in enumerate(zip(*shown) if shown else []):
            parts = [decimal_split(value) for value in column]
            before = max([len(b) for b, _, _ in parts] + [0])
            after = max([len(p + a) for _, p, a in parts] + [0])
            width = max(len(self.columns[n]), before + after if n not in words else min(max(map(len, column)), 28))
            for cell in grid.columns[n].cells:
                cell.width = Inches(pad * 2 + char * width)
            decimal = Inches(pad + char * (width - after)) if n not in words else None
            for value, cell in zip(column, grid.columns[n].cells[1:]):
                paragraph = cell.paragraphs[0]
                if decimal is None:
                    paragraph.add_run(value)
                else:
                    paragraph.paragraph_format.tab_stops.add_tab_stop(decimal, WD_TAB_ALIGNMENT.DECIMAL)
                    paragraph.add_run("\t" + value)
        for cell in grid.rows[-1].cells:
            rule(cell, "bottom", 12)
        if self.note:
            paragraph = document.add_paragraph()
            paragraph.add_run("Note. ").italic = True
            paragraph.add_run(display(self.note))
        document.save(path)
        return path


def reliability_table(result: Any, instrument: Any, city_name: Callable[[str], str] = str, data: Any = None) -> Table:
    """Each scale pooled: n used (and left out by listwise deletion), alpha with its 95% CI, omega, the mean
    inter-item r, for two-item scales Spearman-Brown, and (given ``data``) the share of its answers missing."""
    rows = []
    excluded = 0
    for s in (s for s in result.scales if s.group is None):
        label = instrument.scales[s.scale].label.get(instrument.languages[0])
        excluded += s.n_excluded or 0
        ci = interval(*s.alpha_ci, bounded_values=True) if s.alpha_ci else ""
        items = [i for i in instrument.scale_items(s.scale, result.options) if data is not None and i in data.columns]
        missing = data[items].isna().to_numpy() if items else None
        worst = f" (max {missing.mean(axis=0).max():.1%})" if missing is not None and len(items) > 1 else ""
        rows.append([label, str(s.k), str(s.n), f"{bounded(s.alpha)} {ci}".strip() if s.alpha is not None else "—",
                     "—" if s.k < 3 else bounded(s.omega_total), bounded(s.mean_inter_item_r),
                     bounded(s.spearman_brown) if s.k == 2 else "—",
                     f"{missing.mean():.1%}{worst}" if missing is not None else ""])
    note = ("Cronbach's α with Feldt's 95% CI; McDonald's ω total from a one-factor ML CFA (not identified with two "
            "items); r̄ the mean inter-item correlation; S-B the Spearman-Brown reliability of a two-item scale, "
            f"the recommended figure for it. {result.missing.capitalize()} deletion"
            + (f": {excluded} respondent-scale(s) with some answers were left out." if result.missing == "listwise" else "."))
    note += " Missing: the share of the scale's answers left unanswered (don't know, refused, skipped), and its worst item."
    return Table(f"reliability_{instrument.id}", f"Reliability of the {instrument.id} scales", ["Scale", "k", "n", "α [95% CI]",
                 "ω", "r̄", "S-B", "Missing"], rows, note, ["k", "n"])


def reliability_by_city_table(result: Any, instrument: Any, city_name: Callable[[str], str] = str) -> Table:
    """Alpha (or Spearman-Brown for two items) and omega per scale and city, with the n each is computed on."""
    rows = []
    for s in (s for s in result.scales if s.group is not None):
        label = instrument.scales[s.scale].label.get(instrument.languages[0])
        first = bounded(s.spearman_brown) + " (S-B)" if s.k == 2 else bounded(s.alpha)
        rows.append([label, city_name(s.group), str(s.n), first, "—" if s.k < 3 else bounded(s.omega_total)])
    return Table(f"reliability_by_city_{instrument.id}", f"Reliability of the {instrument.id} scales by city",
                 ["Scale", "City", "n", "α", "ω"], rows,
                 "α is Cronbach's alpha; for two-item scales the Spearman-Brown coefficient (S-B) is shown instead.",
                 ["n"])


def invariance_table(result: Any, title: str, *, name: str | None = None, city_name: Callable[[str], str] = str) -> Table:
    rows = []
    for level in result.levels:
        fit, delta = level.fit, level.delta or {}
        rows.append([level.level.capitalize(), number(max(fit["chisq"], 0.0)), str(fit["df"]),
                     bounded(fit["cfi"], 3), bounded(fit["tli"], 3), bounded(fit["rmsea"], 3),
                     interval(*fit["rmsea_ci"], digits=3, bounded_values=True), bounded(fit["srmr"], 3),
                     number(delta.get("cfi"), 3) if delta else "", number(delta.get("rmsea"), 3) if delta else "",
                     "just-identified" if level.just_identified else "yes" if level.holds else "no"])
    freed = "; ".join(f"{f['param']} of {f['item']} in {city_name(f['group'])}" for level in result.levels
                      for f in level.freed)
    note = (f"Decisions by Chen's (2007) cut-offs: ΔCFI ≥ −{result.cutoffs['delta_cfi']:.3f} and "
            f"ΔRMSEA ≤ {result.cutoffs['delta_rmsea']:.3f}, each level against the last one that held."
            + (f" Partial levels free: {freed}." if freed else "")
            + (" A just-identified model (df = 0) fits exactly by construction: its fit is not a test."
               if any(level.just_identified for level in result.levels) else ""))
    return Table(name or f"invariance_{title.replace(' ', '_')}", f"Measurement invariance of {title} across cities",
                 ["Model", "χ²", "df", "CFI", "TLI", "RMSEA", "90% CI", "SRMR", "ΔCFI", "ΔRMSEA", "Holds"], rows, note,
                 ["df"])


def latent_means_table(result: Any, title: str, city_name: Callable[[str], str] = str, *, name: str) -> Table:
    """Latent means (reference group fixed at 0) with standard errors."""
    rows = [[city_name(r.group), number(r.mean), number(r.se) if r.se else "—"] for r in result.latent_means.itertuples()]
    return Table(name, f"Latent means of {title} (reference: {city_name(result.reference)} = 0)", ["City", "Mean", "SE"],
                 rows, "Estimated under the highest level with equal intercepts "
                       f"({result.highest}); unlike observed means, they are free of the non-invariant items' bias.",
                 ["SE"])


def comparison_table(comparison: Any, labels: dict[str, str], city_name: Callable[[str], str] = str) -> Table:
    rows = []
    for r in comparison.pairs.itertuples():
        rows.append([labels.get(r.scale, r.scale), f"{city_name(r.a)} – {city_name(r.b)}", number(r.t), number(r.df, 1), p_value(r.p),
                     p_value(r.p_adj), number(r.hedges_g), interval(r.g_ci_low, r.g_ci_high)])
    return Table("comparisons", "Twin-link comparisons (Welch's t test, Hedges' g)",
                 ["Scale", "Link", "t", "df", "p", f"p ({comparison.adjust})", "g", "95% CI"], rows,
                 f"p adjusted ({comparison.adjust}) across {comparison.family_text}. Positive t and g: the first city "
                 "scores higher.",
                 ["t", "df", "p", "g"])


def omnibus_table(comparison: Any, labels: dict[str, str]) -> Table:
    """Welch's ANOVA across all cities with omega squared, p adjusted across scales."""
    rows = [[labels.get(r.scale, r.scale), number(r.welch_F), number(r.df1, 0), number(r.df2, 1), p_value(r.p),
             p_value(r.p_adj), bounded(r.omega_sq, 3)] for r in comparison.omnibus.itertuples()]
    return Table("omnibus", "Differences across all cities (Welch's ANOVA)",
                 ["Scale", "F", "df1", "df2", "p", f"p ({comparison.adjust})", "ω²"], rows,
                 f"Welch's F for unequal variances; ω² from the classic one-way ANOVA; p adjusted ({comparison.adjust}) "
                 "across the scales.", ["F", "df1", "df2", "p"])


def descriptives_table(comparison: Any, labels: dict[str, str], city_name: Callable[[str], str] = str) -> Table:
    rows = [[labels.get(r.scale, r.scale), city_name(r.group), str(r.n), number(r.mean), number(r.sd), interval(r.ci_low, r.ci_high)]
            for r in comparison.descriptives.itertuples()]
    return Table("descriptives", "Scale scores by city", ["Scale", "City", "n", "M", "SD", "95% CI"], rows, "",
                 ["n", "M", "SD"])
