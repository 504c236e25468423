"""APA-style tables of a study's results: plain data (caption, columns, rows, note) for HTML, CSV and LaTeX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from axiosphere.reports.apa import bounded, interval, number, p_value


@dataclass(frozen=True)
class Table:
    """A table as a paper prints it; ``italic`` columns hold statistic symbols."""

    name: str
    caption: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    italic: list[str] = field(default_factory=list)

    def to_csv(self) -> str:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return buffer.getvalue()

    def to_latex(self) -> str:
        """A booktabs table; statistic symbols in italics."""
        def cell(text: str) -> str:
            return str(text).replace("&", r"\&").replace("%", r"\%").replace("_", r"\_").replace("<", r"$<$")

        header = " & ".join(rf"\textit{{{cell(c)}}}" if c in self.italic else cell(c) for c in self.columns)
        body = "\n".join(" & ".join(cell(c) for c in row) + r" \\" for row in self.rows)
        return (f"\\begin{{table}}[ht]\n\\centering\n\\caption{{{cell(self.caption)}}}\n"
                f"\\begin{{tabular}}{{l{'r' * (len(self.columns) - 1)}}}\n\\toprule\n{header} \\\\\n\\midrule\n{body}\n"
                f"\\bottomrule\n\\end{{tabular}}\n" + (f"\\par\\small\\textit{{Note.}} {cell(self.note)}\n" if self.note else "")
                + "\\end{table}\n")


def reliability_table(result: Any, instrument: Any, city_name: Callable[[str], str] = str) -> Table:
    """Each scale pooled: n used (and left out by listwise deletion), alpha with its 95% CI, omega, the mean
    inter-item r and, for two-item scales, Spearman-Brown."""
    rows = []
    excluded = 0
    for s in (s for s in result.scales if s.group is None):
        label = instrument.scales[s.scale].label.get(instrument.languages[0])
        excluded += s.n_excluded or 0
        ci = interval(*s.alpha_ci, bounded_values=True) if s.alpha_ci else ""
        rows.append([label, str(s.k), str(s.n), f"{bounded(s.alpha)} {ci}".strip() if s.alpha is not None else "—",
                     "—" if s.k < 3 else bounded(s.omega_total), bounded(s.mean_inter_item_r),
                     bounded(s.spearman_brown) if s.k == 2 else "—"])
    note = ("Cronbach's α with Feldt's 95% CI; McDonald's ω total from a one-factor ML CFA (not identified with two "
            "items); r̄ the mean inter-item correlation; S-B the Spearman-Brown reliability of a two-item scale, "
            f"the recommended figure for it. {result.missing.capitalize()} deletion"
            + (f": {excluded} respondent-scale(s) with some answers were left out." if result.missing == "listwise" else "."))
    return Table(f"reliability_{instrument.id}", f"Reliability of the {instrument.id} scales", ["Scale", "k", "n", "α [95% CI]",
                 "ω", "r̄", "S-B"], rows, note, ["k", "n"])


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


def invariance_table(result: Any, title: str, *, name: str | None = None) -> Table:
    rows = []
    for level in result.levels:
        fit, delta = level.fit, level.delta or {}
        rows.append([level.level.capitalize(), number(max(fit["chisq"], 0.0)), str(fit["df"]),
                     bounded(fit["cfi"], 3), bounded(fit["tli"], 3), bounded(fit["rmsea"], 3),
                     interval(*fit["rmsea_ci"], digits=3, bounded_values=True), bounded(fit["srmr"], 3),
                     number(delta.get("cfi"), 3) if delta else "", number(delta.get("rmsea"), 3) if delta else "",
                     "just-identified" if level.just_identified else "yes" if level.holds else "no"])
    freed = "; ".join(f"{f['param']} of {f['item']} in {f['group']}" for level in result.levels for f in level.freed)
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


def comparison_table(comparison: Any, labels: dict[str, str]) -> Table:
    rows = []
    for r in comparison.pairs.itertuples():
        rows.append([labels.get(r.scale, r.scale), f"{r.a} – {r.b}", number(r.t), number(r.df, 1), p_value(r.p),
                     p_value(r.p_adj), number(r.hedges_g), interval(r.g_ci_low, r.g_ci_high)])
    return Table("comparisons", "Twin-link comparisons (Welch's t test, Hedges' g)",
                 ["Scale", "Link", "t", "df", "p", f"p ({comparison.adjust})", "g", "95% CI"], rows,
                 f"p adjusted ({comparison.adjust}) across {comparison.family_text}. Positive t and g: the first city "
                 "scores higher.",
                 ["t", "df", "p", "g"])


def descriptives_table(comparison: Any, labels: dict[str, str]) -> Table:
    rows = [[labels.get(r.scale, r.scale), r.group, str(r.n), number(r.mean), number(r.sd), interval(r.ci_low, r.ci_high)]
            for r in comparison.descriptives.itertuples()]
    return Table("descriptives", "Scale scores by city", ["Scale", "City", "n", "M", "SD", "95% CI"], rows, "",
                 ["n", "M", "SD"])
