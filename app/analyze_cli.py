"""``axiosphere analyze``: reliability, comparisons, quality flags and weights from the command line; the
invariance command is in invariance_cli.py.

Every command opens its data with ``axiosphere.open_study``, so the study's one exclusion
policy (``--keep-flagged`` to keep flagged interviews) and options apply as in the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

analyze_app = typer.Typer(help="Reliability, cross-city comparisons, data quality, weights and measurement invariance.",
                          no_args_is_help=True)

DATA = typer.Argument(..., help="A study folder, or a .csv, .parquet, .sav or .dta file.")
INSTRUMENT = typer.Option(None, "--instrument", help="Instrument whose scales are analysed (id or file).")
SCALES = typer.Option(None, "--scale", help="Scale(s) of the instrument (repeat or comma-separate; default: all).")
ITEMS = typer.Option(None, "--items", help="Item columns of a custom scale (repeat or comma-separate).")
REVERSE = typer.Option(None, "--reverse", help="Reverse-keyed columns among --items.")
JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")
RANGE = typer.Option(None, "--range", help="The answer range of --items, e.g. --range 1 5 (default: inferred, with a note).")


def _split(values: Optional[list[str]]) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


EXCLUDE = typer.Option(None, "--exclude-flagged/--keep-flagged",
                       help="Leave out (default) or keep the interviews the study's exclusion policy flags.")
PLAN = typer.Option(None, "--plan", help="A report plan: its cities and exclusion rules apply (as in the report).")
LINKS = typer.Option(None, "--links", help="For a data file: a study folder whose cities, twin links and options apply.")


def _open(data: Path, instruments: list[str], exclude_flagged: Optional[bool], plan: Optional[Path] = None,
          links: Optional[Path] = None, every_city: bool = False) -> Any:
    """The study (or data file) under the one exclusion policy, as the report opens it (``every_city``: the plan's
    exclusions without its cities, as the report's twin network)."""
    from axiosphere.study import open_study

    study = open_study(data, instruments=instruments or None, links=links, keep_flagged=exclude_flagged is False)
    if plan is not None:
        from axiosphere.pipeline import apply_plan
        from axiosphere.plan import read_plan

        study = apply_plan(study, read_plan(plan, study), cities=not every_city)
    return study


def _instrument(study: Any, name: str) -> Any:
    """The study's instrument ``name``, else a bundled instrument or file of that name."""
    from axiosphere.instruments.registry import resolve_instrument

    return next((i for i in study.instruments if i.id == name), None) or resolve_instrument(name)


def _note(study: Any, by: str | None, extra: list[str] | None = None) -> None:
    for note in [study.exclusion.note, *study.notes(by), *(extra or [])]:
        print(f"note: {note}")


def _stated(study: Any, by: str | None, extra: list[str] | None = None) -> dict[str, Any]:
    """What every JSON result says of the data it used: the exclusions and the notes."""
    return {"exclusions": study.exclusion.to_dict(), "notes": [*study.notes(by), *(extra or [])]}


def _emit(document: dict[str, Any]) -> None:
    from axiosphere.instruments.output import print_json

    print_json(document)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # As wide as its title at least: a title wrapped over three lines reads badly and splits what a reader searches.
    table = Table(title=title, box=None, header_style="bold", title_justify="left", min_width=len(title))
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < 2 else "right")
    for row in rows:
        table.add_row(*[Text(str(c)) for c in row])
    Console().print(table)


def _source(data: Path, instrument: Optional[str], items: Optional[list[str]], exclude_flagged: Optional[bool],
            plan: Optional[Path], links: Optional[Path] = None) -> tuple[Any, Any, list[str]]:
    """The study, the instrument (or None) and the custom items: exactly one of --instrument and --items."""
    from axiosphere.instruments.errors import InputError

    item_list = _split(items)
    if (instrument is None) == (not item_list):
        raise InputError("give either --instrument (with optional --scale) or --items")
    study = _open(data, [instrument] if instrument else [], exclude_flagged, plan, links)
    return study, _instrument(study, instrument) if instrument else None, item_list


def _custom_range(frame: Any, items: list[str], value_range: Optional[tuple[float, float]]) -> tuple[tuple[float, float], list[str]]:
    """The declared range of custom items (every value outside it named), or the observed one with a note."""
    import numpy as np
    import pandas as pd

    from axiosphere.instruments.errors import InputError

    unknown = [c for c in items if c not in frame.columns]
    if unknown:
        raise InputError(f"no column {', '.join(repr(u) for u in unknown)} in the data")
    text = [c for c in items if not pd.api.types.is_numeric_dtype(frame[c])]
    if text:
        raise InputError(f"column(s) {', '.join(text)} hold non-numeric values")
    values = frame[items].to_numpy(dtype="float64")
    if value_range is None:
        low, high = float(np.nanmin(values)), float(np.nanmax(values))
        return (low, high), [f"the items' range was taken from the data as {low:g} to {high:g}; declare it with --range "
                             "so that a stray code cannot stretch it"]
    low, high = value_range
    if low >= high:
        raise InputError(f"--range needs a low value below the high one, got {low:g} {high:g}")
    outside = np.argwhere((values < low) | (values > high))
    if len(outside):
        cells = [f"row {frame.index[r] + 2 if isinstance(frame.index[r], (int, np.integer)) else frame.index[r]}, "
                 f"column {items[c]}: {values[r, c]:g}" for r, c in outside[:5]]
        more = f" and {len(outside) - 5} more" if len(outside) > 5 else ""
        raise InputError(f"values outside --range {low:g} {high:g} (recode them as missing first): "
                         f"{'; '.join(cells)}{more}")
    return (low, high), []


@analyze_app.command("reliability")
def reliability(
    data: Path = DATA, instrument: Optional[str] = INSTRUMENT, scale: Optional[list[str]] = SCALES,
    items: Optional[list[str]] = ITEMS, reverse: Optional[list[str]] = REVERSE,
    by: Optional[str] = typer.Option(None, "--by", help="Also per group of this column (e.g. city)."),
    missing: str = typer.Option("listwise", "--missing", help="listwise (default): only respondents who answered every item of the scale; pairwise: each covariance on the respondents who answered both items (as R psych's use = \"pairwise\")."),
    ci: str = typer.Option("feldt", "--ci", help="The 95% CI of alpha: feldt (default; from the F distribution, Feldt et al. 1987) or bootstrap (percentile interval over 1,000 resamples of respondents, seeded by --seed)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap (recorded with the result)."),
    value_range: Optional[tuple[float, float]] = RANGE,
    exclude_flagged: Optional[bool] = EXCLUDE, plan: Optional[Path] = PLAN,
    json: bool = JSON,
) -> None:
    """Alpha with 95% CI, standardised alpha, omega total, item statistics: pooled and by group."""
    from axiosphere.analysis.reliability import instrument_reliability, reliability as custom
    from axiosphere.reports.apa import bounded, interval

    study, chosen, item_list = _source(data, instrument, items, exclude_flagged, plan)
    notes: list[str] = []
    extra = [by] if by else []
    if chosen is not None:
        result = instrument_reliability(study.data_of([*chosen.items, *extra]), chosen, scales=_split(scale) or None,
                                        by=by, missing=missing, ci=ci, seed=seed,
                                        options={k: v for k, v in study.options.items() if k in chosen.options})
    else:
        bounds, notes = _custom_range(study.data_of(item_list), item_list, value_range)
        result = custom(study.data_of([*item_list, *extra]), item_list, reverse=_split(reverse), by=by, missing=missing,
                        ci=ci, seed=seed, bounds=bounds)
    notes = [*notes, *result.notes]
    if ci == "bootstrap":
        notes.append(f"bootstrap confidence intervals with seed {seed}")
    if json:
        _emit({**result.to_dict(), **_stated(study, by, notes)})
        return
    rows = [[s.scale, s.group or "all", s.n, s.k, bounded(s.alpha), interval(*(s.alpha_ci or (None, None)), bounded_values=True),
             bounded(s.std_alpha), bounded(s.omega_total), bounded(s.mean_inter_item_r), bounded(s.spearman_brown)]
            for s in result.scales]
    _table(f"Reliability ({result.missing} deletion)", ["scale", "group", "n", "k", "α", "95% CI", "std α", "ω", "mean r",
                                                          "S-B"], rows)
    for s in result.scales:
        for warning in s.warnings:
            print(f"note: {s.scale} ({s.group or 'all'}): {warning}")
    _note(study, by, notes)


def _scores(study: Any, chosen: list[Any], scale: list[str], items: list[str], reverse: list[str], raw: bool,
            value_range: Optional[tuple[float, float]] = None) -> tuple[Any, list[str], str, list[str]]:
    """Score columns to compare, whether they are centred, and notes."""
    from axiosphere.instruments.errors import InputError

    frame = study.data
    if not chosen:
        (low, high), notes = _custom_range(frame, items, value_range)
        block = frame[items].astype("float64")
        for column in reverse:
            if column not in items:
                raise InputError(f"reverse-keyed item {column} is not among --items")
            block[column] = low + high - block[column]
        valid = block.notna().sum(axis=1)
        score = block.mean(axis=1).where(valid >= (len(items) + 1) // 2)
        return frame.assign(custom=score), ["custom"], "raw", notes if reverse else []
    known = {s: i for i in chosen for s in i.scales}
    unknown = [s for s in scale if s not in known]
    if unknown:
        raise InputError(f"no scale {', '.join(unknown)} in {', '.join(i.id for i in chosen)}")
    columns, kinds, tables = [], set(), {}
    for instrument in chosen:
        picked = [s for s in scale if known[s] is instrument] if scale else list(instrument.scales)
        if not picked:
            continue
        scores = study.scores(instrument, centre="none" if raw else None)
        table = scores.centred if scores.centred is not None else scores.raw
        kinds.add("centred (MRAT)" if scores.centred is not None else "raw")
        for name in picked:
            tables[name] = table[name]
            columns.append(name)
    import pandas as pd

    frame = frame.drop(columns=[c for c in columns if c in frame.columns]).join(pd.DataFrame(tables))
    return frame, columns, " and ".join(sorted(kinds)), []


@analyze_app.command("compare")
def compare(
    data: Path = DATA,
    instrument: Optional[list[str]] = typer.Option(None, "--instrument", help="Instrument(s) whose scales are compared (repeat for several: one family for the p adjustment)."),
    scale: Optional[list[str]] = SCALES,
    items: Optional[list[str]] = ITEMS, reverse: Optional[list[str]] = REVERSE,
    by: str = typer.Option(..., "--by", help="Column of the groups (e.g. city)."),
    links: Optional[Path] = typer.Option(None, "--links", help="Study folder whose twin links are the pairs tested."),
    weights: Optional[str] = typer.Option(None, "--weights", help="Weight column (e.g. from analyze weights): weighted means, SDs and tests."),
    adjust: str = typer.Option("holm", "--adjust", help="p adjustment across the family (--family): holm (default; controls the familywise error), fdr_bh (Benjamini-Hochberg; controls the false discovery rate) or none."),
    family: str = typer.Option("all", "--family", help="Tests one adjustment spans: all (default: every pair test), link (a link's scales) or scale (a scale's links)."),
    raw: bool = typer.Option(False, "--raw", help="Compare raw rather than MRAT-centred value scores."),
    value_range: Optional[tuple[float, float]] = RANGE,
    exclude_flagged: Optional[bool] = EXCLUDE, plan: Optional[Path] = PLAN,
    json: bool = JSON,
) -> None:
    """Descriptives, Welch t / Mann-Whitney per twin link, Welch ANOVA and Games-Howell across cities."""
    from axiosphere.analysis.compare import compare as run_compare
    from axiosphere.instruments.errors import InputError
    from axiosphere.reports.apa import bounded, interval, number, p_value

    names, item_list = list(instrument or []), _split(items)
    if bool(names) == bool(item_list):
        raise InputError("give either --instrument (with optional --scale) or --items")
    study = _open(data, names, exclude_flagged, plan, links if links is not None and not data.is_dir() else None)
    chosen = [_instrument(study, name) for name in names]
    frame, columns, kind, notes = _scores(study, chosen, _split(scale), item_list, _split(reverse), raw, value_range)
    pairs = None
    if links is not None:
        from axiosphere.survey.study import load_study

        present = set(frame[by].astype(str)) if by in frame.columns else set()
        pairs = [(link.a, link.b) for link in load_study(links).links if link.a in present and link.b in present]
    result = run_compare(frame, columns, by=by, links=pairs, weights=weights, adjust=adjust, family=family)
    if json:
        _emit({"scores": kind, **result.to_dict(), **_stated(study, by, notes)})
        return
    _table(f"Descriptives ({kind} scores)", ["scale", "group", "n", "M", "SD", "95% CI"],
           [[r.scale, r.group, r.n, number(r["mean"]), number(r.sd), interval(r.ci_low, r.ci_high)]
            for _, r in result.descriptives.iterrows()])
    _table(f"Pairs (Welch t, Hedges g, Mann-Whitney U); p adjusted ({adjust}) across {result.family_text}",
           ["scale", "pair", "t", "df", "p", f"p ({adjust})", "g", "95% CI",
                                                         "U", "r_rb"],
           [[r.scale, f"{r.a} - {r.b}", number(r.t), number(r.df, 1), p_value(r.p), p_value(r.p_adj), number(r.hedges_g),
             interval(r.g_ci_low, r.g_ci_high), number(r.U, 0), bounded(r.rank_biserial)] for _, r in result.pairs.iterrows()])
    _table("Across groups (Welch's ANOVA)", ["scale", "", "F", "df1", "df2", "p", f"p ({adjust})", "ω²"],
           [[r.scale, "", number(r.welch_F), number(r.df1, 0), number(r.df2, 1), p_value(r.p), p_value(r.p_adj),
             bounded(r.omega_sq)] for _, r in result.omnibus.iterrows()])
    _note(study, by, notes)


@analyze_app.command("quality")
def quality(
    data: Path = DATA, instrument: Optional[str] = INSTRUMENT,
    by: Optional[str] = typer.Option(None, "--by", help="Summarise per group of this column."),
    straightline_min: Optional[int] = typer.Option(None, "--straightline-min", help="This many identical answers to "
                                                   "the rating items flag straight-lining (default: the instrument's "
                                                   "convention, e.g. the ESS's 16 of the PVQ's 21)."),
    max_missing: Optional[int] = typer.Option(None, "--max-missing", help="More missing answers than this flag an "
                                              "interview (default: the instrument's convention, e.g. the ESS's 5)."),
    min_seconds: Optional[float] = typer.Option(None, "--min-seconds", help="A median under this many seconds a "
                                                "question is speeding (from the per-answer timings; default 2)."),
    plan: Optional[Path] = PLAN,
    json: bool = JSON,
) -> None:
    """Straight-lining, speeding, too many missing and attention checks, per interview and by group."""
    from dataclasses import replace

    from axiosphere.analysis.quality import quality_flags

    study = _open(data, [instrument] if instrument else [], None, plan)
    rules = {"straightline_min": straightline_min, "max_missing": max_missing, "min_seconds_per_item": min_seconds}
    if any(v is not None for v in rules.values()):
        study = study.with_policy(rules={k: v for k, v in rules.items() if v is not None}, source="the command line")
    screened = study.screened
    if instrument:
        screened = (_instrument(study, instrument),)
        study = replace(study, instruments=screened)
    group = by or ("city" if "city" in study.answers.columns else None)
    report = study.quality if group == "city" or group is None else quality_flags(
        study.answers, screened, by=group, policy=study.policy, paradata=study.paradata)
    if json:
        _emit({"reports": [report.to_dict()], **_stated(study, group)})
        return
    rows = [[r.group, r.n, r.straightline, r.too_many_missing, r.speeding, r.attention_failed, r.excluded]
            for r in report.summary.itertuples()]
    _table(f"Data quality: {report.instrument or 'no instrument declares quality conventions'}",
           ["group", "n", "straight-lining", "too many missing", "speeding", "attention", "flagged"], rows)
    print(f"policy: {report.policy.describe(screened)}")
    _note(study, group)


@analyze_app.command("weights")
def weights(
    data: Path = DATA,
    study: Path = typer.Option(..., "--study", help="Study folder with each city's population margins."),
    trim: Optional[tuple[float, float]] = typer.Option(None, "--trim", help="Trim weights to LO..HI times the mean weight, then rake again (e.g. --trim 0.3 3); the design effect is reported either way."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write interview id and weight to this CSV."),
    exclude_flagged: Optional[bool] = EXCLUDE, plan: Optional[Path] = PLAN,
    json: bool = JSON,
) -> None:
    """Rake each city to its population margins (sex x age band) and report the diagnostics."""
    from axiosphere.analysis.weights import rake
    from axiosphere.survey.margins import margin_columns

    opened = _open(data, [], exclude_flagged, plan)
    study_obj, frame, margins = margin_columns(study, opened.data)
    result = rake(frame, margins, by="city", trim=trim, unknown="keep")
    if out is not None:
        keep = ["interview"] if "interview" in frame.columns else []
        frame[keep].assign(city=frame["city"], weight=result.weights).to_csv(out, index=False)
    if json:
        _emit({"study": study_obj.id, **result.to_dict(), **_stated(opened, "city")})
        return
    _table("Weights (raking to population margins)", ["city", "raked", "n", "n eff", "deff", "min", "max", "converged"],
           [[r.group, r.raked, r.n, f"{r.n_eff:.1f}", f"{r.deff_kish:.3f}", f"{r.min:.3f}", f"{r.max:.3f}", r.converged]
            for r in result.diagnostics.itertuples()])
    _note(opened, "city")
