"""``axiosphere study``: create and check study files."""

from __future__ import annotations

from pathlib import Path

import typer

study_app = typer.Typer(help="Create and check study files (cities, instruments, twin network).", no_args_is_help=True)


@study_app.command("init")
def init(
    folder: Path = typer.Argument(..., help="Folder for the new study; created if missing."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing study.yaml."),
) -> None:
    """Write an example study.yaml: a hub town with four twins in three countries."""
    from axiosphere.survey.study import init_study

    path = init_study(folder, force=force)
    print(f"wrote {path}")
    print(f"edit it, then check it with: axiosphere study validate {folder}")


@study_app.command("validate")
def validate(
    folder: Path = typer.Argument(..., help="The study folder (or its study.yaml)."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
) -> None:
    """Check a study file: instruments, cities, languages, margins, quotas and twin links."""
    from axiosphere.survey.study import load_study
    from axiosphere.survey.ui_text import LANGUAGES

    study = load_study(folder)
    untranslated = sorted({c.language for c in study.cities.values()} - set(LANGUAGES))
    notes = [f"the interview screens have no '{lang}' translation: keys, hints and menus will be in English "
             f"(add it in axiosphere/survey/ui_text.py)" for lang in untranslated]
    if json:
        from axiosphere.instruments.output import print_json

        print_json({"valid": True, **study.summary(), "notes": notes})
        return
    print(f"ok: {study.file}: {study.title}")
    print(f"  instruments: {', '.join(f'{i.id} {i.version}' for i in study.instruments)}")
    for city in study.cities.values():
        twins = ", ".join(study.cities[t].display_name("en") for t in study.twins(city.id)) or "no twins"
        language = city.language + (f" + {city.second_language}" if city.second_language else "")
        print(f"  {city.display_name('en')} ({city.country}, {language}): twinned with {twins}")
    if study.hubs():
        print(f"  hub: {', '.join(study.cities[h].display_name('en') for h in study.hubs())}")
    for note in notes:
        print(f"note: {note}")
