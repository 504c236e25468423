"""``axiosphere data``: merge stores from other devices, export answers, import external data."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

data_app = typer.Typer(help="Merge stores from other devices, export answers, import external data.", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")


@data_app.command("merge")
def merge(
    study_dir: Path = typer.Argument(..., help="The study folder whose store receives the rows."),
    others: list[Path] = typer.Argument(..., help="Stores (responses.sqlite files or study folders) from other devices."),
    json: bool = JSON,
) -> None:
    """Bring other devices' stores in: idempotent, never drops a row, reports interviews that differ."""
    from axiosphere.survey.merge import merge_stores
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    study = load_study(study_dir)
    with Store.for_study(study.folder, study.id, create=True) as store:
        report = merge_stores(store, list(others))
    if json:
        from axiosphere.instruments.output import print_json

        print_json(report.to_dict())
        return
    added = report.added
    print(f"merged {len(report.sources)} store(s): {added['interviews']} interviews, {added['answers']} answers, "
          f"{added['events']} events added")
    for line in report.differences:
        print(f"  note: {line}")


@data_app.command("export")
def export(
    study_dir: Path = typer.Argument(..., help="The study folder."),
    format: str = typer.Option(..., "--format", help="csv, parquet, sav (SPSS), dta (Stata) or xlsx."),
    out: Path = typer.Option(..., "--out", help="The file to write; the codebook is written beside it."),
    include_incomplete: bool = typer.Option(False, "--include-incomplete", help="Also paused, abandoned and refused interviews."),
    json: bool = JSON,
) -> None:
    """One row per interview, one column per item, with a codebook (Markdown, datapackage.json, DDI XML)."""
    from axiosphere.survey.export import build_table, write_export
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    study = load_study(study_dir)
    with Store.for_study(study.folder, study.id) as store:
        table = build_table(study, store, include_incomplete=include_incomplete)
    written = write_export(table, out, format=format.lower())
    if json:
        from axiosphere.instruments.output import print_json

        print_json({"rows": len(table.frame), "columns": len(table.columns), "files": [str(p) for p in written]})
        return
    print(f"wrote {len(table.frame)} interviews x {len(table.columns)} columns to {written[0]}")
    for path in written[1:]:
        print(f"  codebook: {path}")


@data_app.command("import")
def import_data(
    study_dir: Path = typer.Argument(..., help="The study folder."),
    file: Path = typer.Argument(..., help="CSV, XLSX, SPSS .sav or Stata .dta file."),
    map: Path = typer.Option(..., "--map", help="YAML map: source column of each item, the city, recodes."),
    skip_invalid: bool = typer.Option(False, "--skip-invalid", help="Import the clean rows and report the rest."),
    json: bool = JSON,
) -> None:
    """Import external data (an ESS or WVS download, a KoboToolbox export) through a column map."""
    from axiosphere.survey.importer import import_file, read_map
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    study = load_study(study_dir)
    mapping = read_map(map, study)
    with Store.for_study(study.folder, study.id, create=True) as store:
        report = import_file(study, store, file, mapping, skip_invalid=skip_invalid)
    if json:
        from axiosphere.instruments.output import print_json

        print_json(report.to_dict())
        return
    print(f"imported {report.imported} of {report.rows} rows from {file}"
          + (f" ({report.already_there} were already imported)" if report.already_there else ""))
    for line in report.skipped:
        print(f"  skipped {line}")
