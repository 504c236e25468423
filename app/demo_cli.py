"""``axiosphere demo`` and ``axiosphere report``: the whole pipeline, with progress for each stage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer


class _Progress:
    """A rich progress bar per stage in a terminal; plain lines on stderr otherwise."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.bars: dict[str, Any] = {}
        self.last: dict[str, int] = {}
        self.progress: Any = None
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), transient=False)

    def __enter__(self) -> _Progress:
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress:
            self.progress.stop()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress:
            if stage not in self.bars:
                self.bars[stage] = self.progress.add_task(stage, total=total)
            self.progress.update(self.bars[stage], completed=done, total=total)
            return
        step = max(1, total // 5)
        if done == total or done - self.last.get(stage, -step) >= step:
            self.last[stage] = done
            print(f"{stage}: {done}/{total}", file=sys.stderr, flush=True)


def _formats(text: str) -> tuple[str, ...]:
    from axiosphere.instruments.errors import InputError

    chosen = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in chosen if f not in ("html", "pdf")]
    if bad or not chosen:
        raise InputError(f"unknown report format(s) {', '.join(bad) or '(none)'} (choose from html, pdf)")
    return chosen


def demo(
    out: Path = typer.Option(Path("axiosphere-demo"), "--out", help="Folder of the demo study."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Seed of the synthetic respondents (default: the model's)."),
    scale: float = typer.Option(1.0, "--scale", help="Share of the model's interviews to simulate (e.g. 0.2 for a quick run)."),
    format: str = typer.Option("html,pdf", "--format", help="Report formats: html, pdf."),
    force: bool = typer.Option(False, "--force", help="Overwrite a folder that is not an earlier demo."),
) -> None:
    """Create a realistic twin-city study (Orsha and four twins, and a Russian-US network of twelve cities), interview
    it, analyse it, write the report."""
    from axiosphere.pipeline import run_demo

    formats = _formats(format)
    with _Progress() as progress:
        outcome = run_demo(out, seed=seed, scale=scale, formats=formats, progress=progress, force=force)
    print(f"demo study: {outcome['study']} ({outcome['interviews']} interviews in {out / 'responses.sqlite'})")
    for path in outcome["report"]:
        print(f"report: {path}")
    print(f"next: axiosphere survey status {out}   |   axiosphere report {out} --plan {out / 'plan.yaml'}   |   "
          "the commands in the report's appendix reproduce each table")


def report(
    study_dir: Path = typer.Argument(..., help="The study folder."),
    out: Optional[Path] = typer.Option(None, "--out", help="Folder for the report (default: STUDY_DIR/report)."),
    format: str = typer.Option("html,pdf", "--format", help="html, pdf."),
    permutations: int = typer.Option(30, "--permutations", help="Data sets with each value's answers shuffled (no structure left), whose MDS Stress-1 is the baseline for the observed one."),
    tables: bool = typer.Option(False, "--tables", help="Also every table as CSV, LaTeX and Word, every figure as PDF/SVG/PNG."),
    plan: Optional[Path] = typer.Option(None, "--plan", help="YAML plan: scales, cities, exclusions, adjustment, sections."),
) -> None:
    """The study report: study, data quality, reliability, invariance, comparisons, value maps, methods."""
    from axiosphere.pipeline import analyse_study
    from axiosphere.reports.paper_files import export_tables
    from axiosphere.reports.render import render_report

    formats = _formats(format)
    folder = out or Path(study_dir) / "report"
    with _Progress() as progress:
        results = analyse_study(study_dir, progress=progress, permutations=permutations, plan=plan)
        files = render_report(results, folder, formats=formats)
        if tables:
            files += export_tables(results, folder / "tables")
    for path in files[:2]:
        print(f"report: {path}")
    if tables:
        print(f"tables and figures for papers: {folder / 'tables'} ({len(files) - 2} files)")
