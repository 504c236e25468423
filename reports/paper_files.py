"""The report's tables and figures as files for a paper: every table as CSV, LaTeX (booktabs) and Word (.docx),
every figure as PDF, SVG and 300-dpi PNG (``axiosphere report --tables``).

Example
-------
>>> from axiosphere.pipeline import analyse_study  # doctest: +SKIP
>>> paths = export_tables(analyse_study("my-study"), "my-study/report/tables")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from axiosphere.reports.render import build_context, report_date
from axiosphere.reports.tables import Table

if TYPE_CHECKING:
    from axiosphere.pipeline import StudyResults


def export_tables(results: StudyResults, folder: str | Path) -> list[Path]:
    """Every report table as CSV, LaTeX (booktabs) and Word (.docx), and every figure as PDF, SVG and PNG.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from axiosphere.analysis.example_data import value_survey
    >>> from axiosphere.pipeline import analyse_study
    >>> from axiosphere.study import open_study
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> answers, values = value_survey(n=60)
    >>> answers.to_csv(folder / "answers.csv", index=False)
    >>> results = analyse_study(open_study(folder / "answers.csv"), permutations=5)
    >>> written = export_tables(results, folder / "tables")
    >>> sorted({p.suffix for p in written})
    ['.csv', '.docx', '.pdf', '.png', '.svg', '.tex']
    >>> (folder / "tables" / f"reliability_{values.id}.tex").is_file()
    True
    """
    from axiosphere.reports import figures
    from axiosphere.reports import value_map_figures as value_maps
    from axiosphere.reports.alignment_figure import alignment_drift
    from axiosphere.reports.link_effects import link_effects

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    context = build_context(results, draw=False)  # the figures are saved as files below, not inlined
    tables: list[Table] = [context["cities_table"], context["quality_table"], *context["reliability_tables"],
                           *[item["table"] for item in context["invariance"]],
                           *[item["means"] for item in context["invariance"] if "means" in item],
                           *[table for item in context["alignment"] for table in (item["means"], item["flags"])]]
    for key in ("sample_table", "weights_table", "comparison_table", "omnibus_table", "descriptives_table",
                "hierarchy_table", "network_table"):
        if context.get(key) is not None:
            tables.append(context[key])
    written: list[Path] = []
    for table in tables:
        for suffix, text in ((".csv", table.to_csv()), (".tex", table.to_latex())):
            path = folder / f"{table.name}{suffix}"
            path.write_text(text, encoding="utf-8")
            written.append(path)
        written.append(table.to_docx(folder / f"{table.name}.docx", dated=report_date(results.data)))
    names = {c: results.study.city_name(c) for c in results.study.cities}
    colours = figures.palette(list(results.study.cities))
    if results.comparison is not None and len(results.comparison.pairs):
        written.extend(figures.save(link_effects(results.comparison, results.comparison_labels, names=names,
                                                         colours=colours), folder / "figures", "link_effects"))
    for entry in results.alignment:
        written.extend(figures.save(alignment_drift(entry.result, names=names), folder / "figures",
                                    f"alignment_{entry.scale}"))
    if results.network is not None:
        from axiosphere.reports.network_figures import network_figures

        written.extend(network_figures(results.network.dyads.frame, "tie", "value_distance", folder / "figures",
                                       names=names))
    if results.valuemap is not None:
        links = [(r.a, r.b) for r in results.valuemap.distances.itertuples()]
        for paths in value_maps.draw_value_maps(results.valuemap, folder / "figures", links=links,
                                             hubs=results.study.hubs(), names=names, colours=colours).values():
            written.extend(paths)
    return written
