"""The ``axiosphere`` command: mounts each package's own typer app.

Only typer is imported at start-up; every command imports what it needs when it
runs, so ``axiosphere --help`` and the survey prompt appear at once.
"""

from __future__ import annotations

import os
import sys

# One BLAS thread unless the user sets more: OpenBLAS starts a pool of one thread per core when numpy loads, and
# the pool's spinning cost a 10k-row reliability command 0.12 s of CPU (wall 0.55 -> 0.53 s without it). Every
# product the commands make is small or already limited to one thread (analysis/threads.py), so the pool only
# takes CPU from a laptop's other work.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import typer

from axiosphere import __version__
from axiosphere.analyze_cli import analyze_app
from axiosphere.invariance_cli import invariance as _invariance  # noqa: F401  (registers analyze invariance)
from axiosphere.network_cli import network as _network  # noqa: F401  (registers analyze dyads and network)
from axiosphere.demo_cli import demo, report
from axiosphere.map_cli import map_command
from axiosphere.instruments.cli import app as instruments_app
from axiosphere.survey.cli import study_app
from axiosphere.survey.data_cli import data_app
from axiosphere.survey.fieldwork_cli import survey_app

app = typer.Typer(
    name="axiosphere",
    help="Survey research on human values and civic trust across twin cities.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(instruments_app, name="instruments")
app.add_typer(study_app, name="study")
app.add_typer(survey_app, name="survey")
app.add_typer(data_app, name="data")
app.add_typer(analyze_app, name="analyze")
app.command("map")(map_command)
app.command("demo")(demo)
app.command("report")(report)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"axiosphere {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", callback=_version, is_eager=True),
) -> None:
    """Survey research on human values and civic trust across twin cities."""


def main() -> None:
    """Run the command line; bad input becomes one line per problem and exit status 2."""
    from axiosphere.instruments.errors import InputError

    try:
        app()
    except InputError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: never show a traceback to a user
        if os.environ.get("AXIOSPHERE_DEBUG"):
            raise
        if isinstance(exc, OSError) and exc.filename is not None:
            # A folder or file the command cannot write or read (read-only, missing, full): the user's to fix.
            print(f"error: cannot use {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
            sys.exit(2)
        print(f"error: internal failure: {type(exc).__name__}: {exc} (set AXIOSPHERE_DEBUG=1 for details)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
