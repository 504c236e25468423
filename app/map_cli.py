"""``axiosphere map``: the value maps of a twin network, computed and drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from axiosphere.analyze_cli import EXCLUDE, PLAN


def map_command(
    data: Path = typer.Argument(..., help="A study folder, or a .csv, .parquet, .sav or .dta file."),
    instrument: Optional[str] = typer.Option(None, "--instrument",
                                             help="The value instrument (default: the study's instrument with a circumplex)."),
    by: str = typer.Option("city", "--by", help="Column of the groups."),
    links: Optional[Path] = typer.Option(None, "--links", help="Study folder whose twin links are mapped."),
    out: Path = typer.Option(..., "--out", help="Folder for the figures."),
    format: str = typer.Option("pdf,svg,png", "--format", help="Comma-separated: pdf, svg, png."),
    kind: str = typer.Option("ordinal", "--mds", help="MDS kind: ordinal (default; distances need only follow the order of the values' dissimilarities, Kruskal's Stress-1) or ratio (distances proportional to them)."),
    permutations: int = typer.Option(100, "--permutations", help="Data sets with each value's answers shuffled across respondents (no structure left): their Stress-1 is the baseline the observed Stress-1 is judged against."),
    seed: int = typer.Option(0, "--seed", help="Seed of the permutations (the Stress-1 baseline) and of the bootstrap (1,000 resamples of respondents for each link distance's 95% CI)."),
    exclude_flagged: Optional[bool] = EXCLUDE, plan: Optional[Path] = PLAN,
    json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
) -> None:
    """Value circle (MDS + RTHOR), city value profiles, twin map and twin network with value distances."""
    from axiosphere.analysis.valuemap import value_map
    from axiosphere.analyze_cli import _instrument, _open
    from axiosphere.instruments.errors import InputError
    from axiosphere.pipeline import trust_columns
    from axiosphere.reports.figures import palette
    from axiosphere.reports.value_map_figures import draw_value_maps

    formats = [f.strip() for f in format.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("pdf", "svg", "png")]
    if bad:
        raise InputError(f"unknown figure format(s) {', '.join(bad)} (choose from pdf, svg, png)")
    study = _open(data, [instrument] if instrument else [], exclude_flagged, plan,
                  links if links is not None and not data.is_dir() else None)
    if instrument:
        chosen = _instrument(study, instrument)
    else:
        mapped = [i for i in study.instruments if i.circumplex is not None]
        if not mapped:
            raise InputError("no instrument of the data declares a circular value structure (circumplex); name one with --instrument")
        chosen = mapped[0]
    frame = study.data.copy()
    pairs, hubs, trust, labels = [], [], {}, {}
    if links is not None:
        from axiosphere.survey.study import load_study

        design = load_study(links)
        present = set(frame[by].astype(str)) if by in frame.columns else set()
        pairs = [(link.a, link.b) for link in design.links if link.a in present and link.b in present]
        hubs = list(design.hubs())
        trust, labels = trust_columns(study, frame)
    options = {k: v for k, v in study.options.items() if k in chosen.options}
    result = value_map(frame, chosen, by=by, links=pairs, kind=kind, n_perm=permutations, trust=trust, trust_labels=labels,
                       seed=seed, options=options)
    # The study's display names and its one colour and marker a city, as in the report.
    written = draw_value_maps(result, out, links=pairs, hubs=hubs, formats=formats,
                              names={c: study.city_name(c) for c in study.cities},
                              colours=palette(list(study.cities)) if study.cities else None)
    if json:
        from axiosphere.instruments.output import print_json

        print_json({**result.to_dict(), "figures": {k: [str(p) for p in v] for k, v in written.items()},
                    "exclusions": study.exclusion.to_dict()})
        return
    for name, paths in written.items():
        print(f"{name}: {', '.join(str(p) for p in paths)}")
    for note in result.notes:
        print(f"note: {note}")
    print(f"note: {study.exclusion.note}")
