"""``axiosphere instruments``: list, show and validate instruments."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="List, show and validate questionnaires (instruments).", no_args_is_help=True)

JSON = typer.Option(False, "--json", help="Print one JSON document on stdout instead of tables.")


@app.command("list")
def list_instruments(json: bool = JSON) -> None:
    """List the instruments bundled with axiosphere."""
    from axiosphere.instruments.output import print_json
    from axiosphere.instruments.registry import bundled_names, resolve_instrument

    found = [resolve_instrument(name) for name in bundled_names()]
    if json:
        print_json({"instruments": [i.summary() for i in found]})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("id", "version", "languages", "items", "scales", "title"):
        table.add_column(column)
    for i in found:
        s = i.summary()
        table.add_row(i.id, i.version, ", ".join(i.languages), str(s["items"]), str(len(s["scales"]) + len(s["composites"])), s["title"])
    Console().print(table)


@app.command("show")
def show(
    name: str = typer.Argument(..., help="A bundled instrument's id, or the path of an instrument file."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Language of the texts (default: the instrument's first)."),
    form: Optional[str] = typer.Option(None, "--form", help="Text form where texts vary, e.g. male or female."),
    json: bool = JSON,
) -> None:
    """Show an instrument: its sections, items, response scales and scoring key."""
    from axiosphere.instruments.errors import InputError
    from axiosphere.instruments.output import print_json, to_plain
    from axiosphere.instruments.registry import resolve_instrument

    instrument = resolve_instrument(name)
    language = lang or instrument.languages[0]
    if language not in instrument.languages:
        raise InputError(f"instrument '{instrument.id}' has no '{language}' texts (it has {', '.join(instrument.languages)})")
    variants = [v for v, _ in instrument.forms.variants] if instrument.forms else []
    if form is not None and form not in variants:
        raise InputError(f"instrument '{instrument.id}' has no text form '{form}' (forms: {', '.join(variants) or 'none'})")
    if json:
        print_json(to_plain(instrument))
        return
    from axiosphere.instruments.render import render_instrument

    render_instrument(instrument, language=language, form=form)


@app.command("validate")
def validate(
    paths: list[Path] = typer.Argument(..., help="Instrument YAML files to check."),
    json: bool = JSON,
) -> None:
    """Check instrument files and report every problem, each with file, line and field."""
    from axiosphere.instruments.errors import InputError
    from axiosphere.instruments.load import load_instrument
    from axiosphere.instruments.output import print_json

    results, problems = [], []
    for path in paths:
        try:
            results.append(load_instrument(path).summary())
        except InputError as exc:
            problems.extend(exc.problems)
    if json:
        print_json({"valid": not problems, "instruments": results, "problems": [p.to_dict() for p in problems]})
    else:
        for summary in results:
            print(f"ok: {summary['path']}: {summary['id']} {summary['version']} ({summary['items']} items, "
                  f"{len(summary['scales'])} scales, languages {', '.join(summary['languages'])})")
    if problems:
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        raise typer.Exit(2)


@app.command("import-xlsform")
def import_xlsform(
    form: Path = typer.Argument(..., help="The XLSForm workbook (.xlsx) from ODK or KoboToolbox."),
    out: Optional[Path] = typer.Option(None, "--out", help="Instrument YAML to write (default: FORM_ID.yaml in the current folder)."),
    skip_unsupported: bool = typer.Option(False, "--skip-unsupported", help="Drop unsupported questions instead of stopping."),
    roles: Optional[str] = typer.Option(None, "--roles", help="Demographic roles by question name, e.g. q12=age,q13=sex."),
    missing: Optional[str] = typer.Option(None, "--missing", help="Non-answer choices by name, e.g. dk=dont_know,na=refused,99=answer."),
    json: bool = JSON,
) -> None:
    """Turn an XLSForm into an instrument YAML, and say which features it does not carry over."""
    from axiosphere.instruments.errors import InputError
    from axiosphere.instruments.load import load_instrument
    from axiosphere.instruments.xlsform import convert_xlsform

    def pairs(text: Optional[str], option: str) -> dict[str, str]:
        out = {}
        for part in (text or "").split(","):
            if part.strip():
                if "=" not in part:
                    raise InputError(f"{option} takes name=value pairs separated by commas, got '{part.strip()}'")
                key, value = part.split("=", 1)
                out[key.strip()] = value.strip()
        return out

    overrides = {k: (None if v == "answer" else v) for k, v in pairs(missing, "--missing").items()}
    conversion = convert_xlsform(form, skip_unsupported=skip_unsupported, roles=pairs(roles, "--roles"), missing=overrides)
    target = out or Path.cwd() / f"{conversion.instrument['id']}.yaml"
    draft = target.with_name(target.name + ".draft")
    try:
        draft.write_text(conversion.yaml_text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    try:
        load_instrument(draft)
    except InputError:
        # What was changed or left out is said even when the result is not a valid instrument; nothing is kept.
        draft.unlink(missing_ok=True)
        for note in conversion.notes:
            print(f"note: {note}", file=sys.stderr)
        raise
    draft.replace(target)
    instrument = load_instrument(target)
    if json:
        from axiosphere.instruments.output import print_json

        print_json({"instrument": instrument.summary(), "file": str(target), "not_carried_over": conversion.notes})
        return
    print(f"wrote {target}: {instrument.id} ({len(instrument.items)} items, languages {', '.join(instrument.languages)})")
    for note in conversion.notes:
        print(f"  note: {note}")
