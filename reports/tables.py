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
    """Cronbach's alpha per scale (rows) and city (columns, named by ``city_name``), omega beside the pooled alpha."""
    groups = [g for g in dict.fromkeys(s.group for s in result.scales) if g is not None]
    rows = []
    for scale in dict.fromkeys(s.scale for s in result.scales):
        pooled = next(s for s in result.scales if s.scale == scale and s.group is None)
        label = instrument.scales[scale].label.get(instrument.languages[0])
        if pooled.k == 2:
            row = [label, str(pooled.k), f"{bounded(pooled.mean_inter_item_r)} (r)", ""]
        else:
            row = [label, str(pooled.k), bounded(pooled.alpha), bounded(pooled.omega_total)]
        for group in groups:
            cell = next((s for s in result.scales if s.scale == scale and s.group == group), None)
            row.append("" if cell is None else bounded(cell.mean_inter_item_r if cell.k == 2 else cell.alpha))
        rows.append(row)
    return Table(f"reliability_{instrument.id}", f"Reliability of the {instrument.id} scales, pooled and by city",
                 ["Scale", "k", "α", "ω", *map(city_name, groups)], rows,
                 "Cronbach's α (Feldt 95% CIs in the JSON output) and McDonald's ω total from a one-factor ML CFA; "
                 "two-item scales show the inter-item r instead (ω is not identified with two items). "
                 "Listwise deletion.", ["k"])


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
