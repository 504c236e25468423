"""``axiosphere map``: the value maps of a twin network, computed and drawn."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def map_command(
    data: Path = typer.Argument(..., help="A study folder, or a .csv, .parquet, .sav or .dta file."),
    instrument: str = typer.Option("pvq21", "--instrument", help="The value instrument (with a circular order)."),
    by: str = typer.Option("city", "--by", help="Column of the groups."),
    links: Optional[Path] = typer.Option(None, "--links", help="Study folder whose twin links are mapped."),
    out: Path = typer.Option(..., "--out", help="Folder for the figures."),
    format: str = typer.Option("pdf,svg,png", "--format", help="Comma-separated: pdf, svg, png."),
    kind: str = typer.Option("ordinal", "--mds", help="MDS kind: ordinal (default) or ratio."),
    permutations: int = typer.Option(100, "--permutations", help="Permuted data sets for judging Stress-1."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
) -> None:
    """Value circle (MDS + RTHOR), city value profiles, twin map and twin network with value distances."""
    from analysis.load import load
    from analysis.valuemap import value_map
    from instruments.errors import InputError
    from instruments.registry import resolve_instrument
    from reports.figures import draw_value_maps

    chosen = resolve_instrument(instrument)
    frame = load(data, chosen)
    pairs, hubs, trust = [], [], {}
    if links is not None:
        from survey.study import load_study

        study = load_study(links)
        present = set(frame[by].astype(str)) if by in frame.columns else set()
        pairs = [(link.a, link.b) for link in study.links if link.a in present and link.b in present]
        hubs = list(study.hubs())
        from analysis.scoring import score

        for other in study.instruments:
            names = [n for n in ("generalised_trust", "institutional_trust")
                     if n in other.scales and all(i in frame.columns for i in other.scale_items(n))]
            if names:
                scores = score(frame, other, centre="none").raw  # once per instrument
                for name in names:
                    frame[f"_{name}"] = scores[name]
                    trust[name] = f"_{name}"
            if "tttrust" in other.items and "tttrust" in frame.columns:
                trust["twin_town_trust"] = "tttrust"
    formats = [f.strip() for f in format.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("pdf", "svg", "png")]
    if bad:
        raise InputError(f"unknown figure format(s) {', '.join(bad)} (choose from pdf, svg, png)")
    try:
        result = value_map(frame, chosen, by=by, links=pairs, kind=kind, n_perm=permutations, trust=trust)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    written = draw_value_maps(result, out, links=pairs, hubs=hubs, formats=formats)
    if json:
        from instruments.output import print_json

        print_json({**result.to_dict(), "figures": {k: [str(p) for p in v] for k, v in written.items()}})
        return
    for name, paths in written.items():
        print(f"{name}: {', '.join(str(p) for p in paths)}")
