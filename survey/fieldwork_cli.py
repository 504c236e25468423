"""``axiosphere survey``: run, resume and follow interviews in the terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer

survey_app = typer.Typer(help="Run interviews in the terminal, resume them, and follow fieldwork.", no_args_is_help=True)


def _need_terminal(command: str) -> None:
    from axiosphere.instruments.errors import InputError

    if not sys.stdin.isatty():
        raise InputError(f"survey {command} needs an interactive terminal (stdin is not a terminal); "
                         "to load answers from a file use: axiosphere data import")


@survey_app.command("run")
def run(
    study_dir: Path = typer.Argument(..., help="The study folder."),
    city: str = typer.Option(..., "--city", help="The city of this interview (an id from study.yaml)."),
    interviewer: str = typer.Option(..., "--interviewer", help="The interviewer's id."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Interview language (default: the city's)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed for randomised blocks (default: random; always stored)."),
) -> None:
    """Interview one respondent: consent, then every instrument of the study; each answer saved at once."""
    from axiosphere.instruments.errors import InputError

    if not interviewer.strip():
        raise InputError("--interviewer must name the interviewer (an id such as iv01), not be empty")
    _need_terminal("run")
    import secrets

    from axiosphere.instruments.errors import InputError
    from axiosphere.survey.interview import Flow
    from axiosphere.survey.prompts import TerminalScreen
    from axiosphere.survey.session import start
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    study = load_study(study_dir)
    if city not in study.cities:
        raise InputError(f"unknown city '{city}' (the study has: {', '.join(study.cities)})")
    try:
        flow = Flow(study, city, seed=seed if seed is not None else secrets.randbelow(2**31), language=lang)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    with Store.for_study(study.folder, study.id, create=True) as store:
        _finish(start(store, flow, TerminalScreen(language=flow.language), interviewer=interviewer.strip()), store)


@survey_app.command("resume")
def resume(
    study_dir: Path = typer.Argument(..., help="The study folder."),
    interview: Optional[str] = typer.Option(None, "--interview", help="The interview's id (default: choose from a list)."),
) -> None:
    """Continue a paused interview, or one a crash or a killed process left in progress."""
    _need_terminal("resume")
    from axiosphere.instruments.errors import InputError
    from axiosphere.survey.prompts import TerminalScreen
    from axiosphere.survey.session import resume as resume_interview
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    study = load_study(study_dir)
    with Store.for_study(study.folder, study.id) as store:
        waiting = store.resumable()
        if interview is None:
            if not waiting:
                print("No paused or interrupted interview to resume.")
                return
            interview = waiting[0].uuid if len(waiting) == 1 else _choose(waiting, store)
        elif interview not in {r.uuid for r in waiting}:
            status = store.interview(interview).status
            raise InputError(f"interview {interview} is {status}, not paused or interrupted; it cannot be resumed")
        language = store.interview(interview).language
        _finish(resume_interview(store, study, TerminalScreen(language=language), interview=interview), store)


def _choose(waiting: list, store: Any) -> str:
    from datetime import datetime

    import questionary

    def local(stamp: str) -> str:
        return datetime.fromisoformat(stamp).astimezone().strftime("%d %b %H:%M")

    def answered(uuid: str) -> int:
        return sum(1 for a in store.current_answers(uuid).values() if a.status == "answered")

    choices = [questionary.Choice(f"{r.city} · {r.interviewer} · started {local(r.started_at)} (local time) · "
                                  f"{answered(r.uuid)} answers · {'interrupted' if r.crashed else 'paused'}", r.uuid)
               for r in waiting]
    try:
        return questionary.select("Which interview?", choices=choices).unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        print("Nothing resumed.")
        raise typer.Exit(1) from None


def _finish(outcome, store) -> None:
    if outcome.status == "not_started":
        print("\nInterview not started; nothing was stored.")
        return
    messages = {
        "complete": "Interview complete",
        "paused": "Interview paused",
        "abandoned": "Interview abandoned",
        "refused": "Refusal recorded (nothing else was stored)",
    }
    print(f"\n{messages[outcome.status]}: {outcome.answered} answers saved in {store.path}")
    print(f"interview id {outcome.interview}")
    if outcome.status == "paused":
        print(f"resume with: axiosphere survey resume {store.path.parent} --interview {outcome.interview}")


@survey_app.command("pilot")
def pilot(
    study_dir: Path = typer.Argument(..., help="The study folder."),
    n: int = typer.Option(..., "--n", help="How many simulated interviews."),
    city: Optional[str] = typer.Option(None, "--city", help="Only this city (default: every city in turn)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the simulated answers."),
    seconds: float = typer.Option(7.0, "--seconds", help="Seconds per question, for the length estimate."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
) -> None:
    """Test an instrument's skip logic and length: simulated respondents through the real flow and store,
    marked as pilot (left out of exports and analysis); how many were asked each question."""
    from axiosphere.survey.pilot import run_pilot
    from axiosphere.survey.store import Store
    from axiosphere.survey.study import load_study

    study = load_study(study_dir)
    with Store.for_study(study.folder, study.id, create=True) as store:
        report = run_pilot(study, store, n=n, city=city, seed=seed, seconds_per_question=seconds)
    if json:
        from axiosphere.instruments.output import print_json

        print_json(report.to_dict())
        return
    print(f"{'instrument':<14} {'item':<10} {'asked':>6} {'share':>6}  condition")
    for row in report.reach.itertuples():
        print(f"{row.instrument:<14} {row.item:<10} {row.asked:>6} {row.share:>6.0%}  {row.condition}")
    never = [r.item for r in report.reach.itertuples() if r.asked == 0]
    print(f"\n{report.n} pilot interviews: median {report.median_questions:g} questions, about "
          f"{report.median_minutes:.0f} min at {seconds:g} s per question. They are marked as pilot in "
          f"{study.folder / 'responses.sqlite'} and left out of exports and analysis.")
    if never:
        print(f"note: never asked: {', '.join(never)} (check their conditions)")


@survey_app.command("status")
def status(
    study_dir: Path = typer.Argument(..., help="The study folder."),
    json: bool = typer.Option(False, "--json", help="Print one JSON document on stdout."),
) -> None:
    """Interviews per city (complete, paused, interrupted, abandoned, refusals) and quota progress."""
    from axiosphere.survey.status import fieldwork_status
    from axiosphere.survey.store import STORE_FILE, Store
    from axiosphere.survey.study import load_study

    study = load_study(study_dir)
    if not (study.folder / STORE_FILE).exists():
        print(f"No interviews yet in {study.folder} (start one with: axiosphere survey run {study_dir} --city ... --interviewer ...)")
        return
    with Store.for_study(study.folder, study.id) as store:
        report = fieldwork_status(study, store)
    if json:
        from axiosphere.instruments.output import print_json

        print_json(report)
        return
    print(f"{'city':<20} {'complete':>8} {'in prog.':>8} {'paused':>7} {'crashed':>7} {'abandon.':>8} {'refused':>7}")
    for c in report["cities"]:
        print(f"{c['name']:<20} {c['complete']:>8} {c['in_progress']:>8} {c['paused']:>7} {c['crashed']:>7} "
              f"{c['abandoned']:>8} {c['refused']:>7}")
        for cell in c.get("quota", []):
            print(f"    quota {cell['sex']:<7} {cell['age']:<6} {cell['complete']:>4} of {cell['target']}")
