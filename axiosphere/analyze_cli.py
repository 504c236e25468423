"""``axiosphere analyze``: reliability, comparisons, quality flags and weights from the command line.

Lives in the axiosphere package because it joins analysis (statistics on DataFrames)
with survey (a study's twin links, population margins and age bands).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

analyze_app = typer.Typer(help="Reliability, cross-city comparisons, data quality and weights.", no_args_is_help=True)

DATA = typer.Argument(..., help="A study folder, or a .csv, .parquet, .sav or .dta file.")
INSTRUMENT = typer.Option(None, "--instrument", help="Instrument whose scales are analysed (id or file).")
SCALES = typer.Option(None, "--scale", help="Scale(s) of the instrument (repeat or comma-separate; default: all).")
ITEMS = typer.Option(None, "--items", help="Item columns of a custom scale (repeat or comma-separate).")
REVERSE = typer.Option(None, "--reverse", help="Reverse-keyed columns among --items.")
JSON = typer.Option(False, "--json", help="Print one JSON document on stdout.")


def _split(values: Optional[list[str]]) -> list[str]:
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def _load(data: Path, instrument: Optional[str], exclude_flagged: bool = False) -> tuple[Any, Any]:
    from analysis.load import load
    from instruments.registry import resolve_instrument

    chosen = resolve_instrument(instrument) if instrument else None
    frame = load(data, chosen)
    if exclude_flagged:
        from analysis.load import matching_instruments
        from analysis.quality import quality_flags

        for reference in [i for i in matching_instruments(frame.columns) if i.quality.straightline_min]:
            frame = frame[quality_flags(frame, reference).keep().to_numpy()]
    return frame, chosen


EXCLUDE = typer.Option(False, "--exclude-flagged", help="Drop interviews flagged by the quality checks (as the report does).")


def _emit(document: dict[str, Any]) -> None:
    from instruments.output import print_json

    print_json(document)


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, box=None, header_style="bold", title_justify="left")
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n < 2 else "right")
    for row in rows:
        table.add_row(*[Text(str(c)) for c in row])
    Console().print(table)


def _source(data: Path, instrument: Optional[str], items: Optional[list[str]], exclude_flagged: bool) -> tuple[Any, Any, list[str]]:
    """The data, the instrument (or None) and the custom items: exactly one of --instrument and --items."""
    from instruments.errors import InputError

    item_list = _split(items)
    if (instrument is None) == (not item_list):
        raise InputError("give either --instrument (with optional --scale) or --items")
    frame, chosen = _load(data, instrument, exclude_flagged)
    return frame, chosen, item_list


@analyze_app.command("reliability")
def reliability(
    data: Path = DATA, instrument: Optional[str] = INSTRUMENT, scale: Optional[list[str]] = SCALES,
    items: Optional[list[str]] = ITEMS, reverse: Optional[list[str]] = REVERSE,
    by: Optional[str] = typer.Option(None, "--by", help="Also per group of this column (e.g. city)."),
    missing: str = typer.Option("listwise", "--missing", help="listwise (default) or pairwise (as R psych)."),
    ci: str = typer.Option("feldt", "--ci", help="feldt (default) or bootstrap."),
    exclude_flagged: bool = EXCLUDE,
    json: bool = JSON,
) -> None:
    """Alpha with 95% CI, standardised alpha, omega total, item statistics: pooled and by group."""
    from analysis.reliability import instrument_reliability, reliability as custom
    from reports.apa import bounded, interval

    frame, chosen, item_list = _source(data, instrument, items, exclude_flagged)
    if chosen is not None:
        result = instrument_reliability(frame, chosen, scales=_split(scale) or None, by=by, missing=missing, ci=ci)
    else:
        result = custom(frame, item_list, reverse=_split(reverse), by=by, missing=missing, ci=ci)
    if json:
        _emit(result.to_dict())
        return
    rows = [[s.scale, s.group or "all", s.n, s.k, bounded(s.alpha), interval(*(s.alpha_ci or (None, None)), bounded_values=True),
             bounded(s.std_alpha), bounded(s.omega_total), bounded(s.mean_inter_item_r), bounded(s.spearman_brown)]
            for s in result.scales]
    _table(f"Reliability ({result.missing} deletion)", ["scale", "group", "n", "k", "α", "95% CI", "std α", "ω", "mean r",
                                                          "S-B"], rows)
    for s in result.scales:
        for warning in s.warnings:
            print(f"note: {s.scale} ({s.group or 'all'}): {warning}")


def _scores(frame: Any, chosen: Any, scale: list[str], items: list[str], reverse: list[str], raw: bool) -> tuple[Any, list[str], str]:
    """Score columns to compare, and whether they are centred."""
    from analysis.scoring import score
    from instruments.errors import InputError

    if chosen is None:
        for column in items:
            if column not in frame.columns:
                raise InputError(f"no column '{column}' in the data")
        block = frame[items].astype("float64")
        if reverse:
            low, high = block.min().min(), block.max().max()
            for column in reverse:
                block[column] = low + high - block[column]
        valid = block.notna().sum(axis=1)
        return frame.assign(custom=block.mean(axis=1).where(valid >= (len(items) + 1) // 2)), ["custom"], "raw"
    try:
        scores = score(frame, chosen)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    chosen_scales = scale or list(chosen.scales)
    unknown = [s for s in chosen_scales if s not in chosen.scales]
    if unknown:
        raise InputError(f"instrument '{chosen.id}' has no scale {', '.join(unknown)}")
    table = scores.raw if raw or scores.centred is None else scores.centred
    kind = "raw" if raw or scores.centred is None else "centred (MRAT)"
    return frame.drop(columns=[c for c in chosen_scales if c in frame.columns]).join(table[chosen_scales]), chosen_scales, kind


@analyze_app.command("compare")
def compare(
    data: Path = DATA, instrument: Optional[str] = INSTRUMENT, scale: Optional[list[str]] = SCALES,
    items: Optional[list[str]] = ITEMS, reverse: Optional[list[str]] = REVERSE,
    by: str = typer.Option(..., "--by", help="Column of the groups (e.g. city)."),
    links: Optional[Path] = typer.Option(None, "--links", help="Study folder whose twin links are the pairs tested."),
    weights: Optional[str] = typer.Option(None, "--weights", help="Weight column for the descriptives."),
    adjust: str = typer.Option("holm", "--adjust", help="holm (default), fdr_bh or none: across the scales tested."),
    raw: bool = typer.Option(False, "--raw", help="Compare raw rather than MRAT-centred value scores."),
    exclude_flagged: bool = EXCLUDE,
    json: bool = JSON,
) -> None:
    """Descriptives, Welch t / Mann-Whitney per twin link, Welch ANOVA and Games-Howell across cities."""
    from analysis.compare import compare as run_compare
    from reports.apa import bounded, interval, number, p_value

    frame, chosen, item_list = _source(data, instrument, items, exclude_flagged)
    frame, columns, kind = _scores(frame, chosen, _split(scale), item_list, _split(reverse), raw)
    pairs = None
    if links is not None:
        from survey.study import load_study

        pairs = [(link.a, link.b) for link in load_study(links).links]
        present = set(frame[by].astype(str)) if by in frame.columns else set()
        pairs = [p for p in pairs if p[0] in present and p[1] in present]
    result = run_compare(frame, columns, by=by, links=pairs, weights=weights, adjust=adjust)
    if json:
        _emit({"scores": kind, **result.to_dict()})
        return
    _table(f"Descriptives ({kind} scores)", ["scale", "group", "n", "M", "SD", "95% CI"],
           [[r.scale, r.group, r.n, number(r["mean"]), number(r.sd), interval(r.ci_low, r.ci_high)]
            for _, r in result.descriptives.iterrows()])
    _table("Pairs (Welch t, Hedges g, Mann-Whitney U)", ["scale", "pair", "t", "df", "p", f"p ({adjust})", "g", "95% CI",
                                                         "U", "r_rb"],
           [[r.scale, f"{r.a} - {r.b}", number(r.t), number(r.df, 1), p_value(r.p), p_value(r.p_adj), number(r.hedges_g),
             interval(r.g_ci_low, r.g_ci_high), number(r.U, 0), bounded(r.rank_biserial)] for _, r in result.pairs.iterrows()])
    _table("Across groups (Welch's ANOVA)", ["scale", "", "F", "df1", "df2", "p", f"p ({adjust})", "ω²"],
           [[r.scale, "", number(r.welch_F), number(r.df1, 0), number(r.df2, 1), p_value(r.p), p_value(r.p_adj),
             bounded(r.omega_sq)] for _, r in result.omnibus.iterrows()])


@analyze_app.command("quality")
def quality(
    data: Path = DATA, instrument: Optional[str] = INSTRUMENT,
    by: Optional[str] = typer.Option(None, "--by", help="Summarise per group of this column."),
    straightline_min: Optional[int] = typer.Option(None, "--straightline-min", help="Identical answers that flag straight-lining."),
    max_missing: Optional[int] = typer.Option(None, "--max-missing", help="More missing answers than this are flagged."),
    min_seconds: Optional[float] = typer.Option(None, "--min-seconds", help="Seconds per item below which is speeding."),
    json: bool = JSON,
) -> None:
    """Straight-lining, speeding, too many missing and attention checks, per interview and by group."""
    from analysis.load import matching_instruments
    from analysis.quality import QualityPolicy, quality_flags
    from instruments.errors import InputError

    frame, chosen = _load(data, instrument)
    instruments = [chosen] if chosen else [i for i in matching_instruments(frame.columns) if i.quality.straightline_min]
    if not instruments:
        raise InputError("no instrument with quality conventions matches the data; name one with --instrument")
    group = by or ("city" if "city" in frame.columns else None)
    reports = [quality_flags(frame, i, by=group, policy=QualityPolicy.for_instrument(
        i, straightline_min=straightline_min, max_missing=max_missing, min_seconds_per_item=min_seconds)) for i in instruments]
    if json:
        _emit({"reports": [r.to_dict() for r in reports]})
        return
    for report in reports:
        rows = [[r.group, r.n, r.straightline, r.too_many_missing, r.speeding, r.attention_failed, r.excluded]
                for r in report.summary.itertuples()]
        _table(f"Data quality: {report.instrument}",
               ["group", "n", "straight-lining", "too many missing", "speeding", "attention", "excluded"], rows)
        policy = report.policy
        print(f"policy: straight-lining = {policy.straightline_min}+ identical answers; too many missing = more than "
              f"{policy.max_missing}; speeding = under {policy.min_seconds_per_item} s per item; "
              f"excluded when flagged for: {', '.join(policy.exclude)}")


@analyze_app.command("weights")
def weights(
    data: Path = DATA,
    study: Path = typer.Option(..., "--study", help="Study folder with each city's population margins."),
    trim: Optional[tuple[float, float]] = typer.Option(None, "--trim", help="Trim to LO..HI times the mean weight, then rake again."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write interview id and weight to this CSV."),
    json: bool = JSON,
) -> None:
    """Rake each city to its population margins (sex x age band) and report the diagnostics."""
    from analysis.weights import rake
    from survey.margins import margin_columns

    frame, _ = _load(data, None)
    study_obj, frame, margins = margin_columns(study, frame)
    result = rake(frame, margins, by="city", trim=trim, unknown="keep")
    if out is not None:
        keep = ["interview"] if "interview" in frame.columns else []
        frame[keep].assign(city=frame["city"], weight=result.weights).to_csv(out, index=False)
    if json:
        _emit({"study": study_obj.id, **result.to_dict()})
        return
    _table("Weights (raking to population margins)", ["city", "raked", "n", "n eff", "deff", "min", "max", "converged"],
           [[r.group, r.raked, r.n, f"{r.n_eff:.1f}", f"{r.deff_kish:.3f}", f"{r.min:.3f}", f"{r.max:.3f}", r.converged]
            for r in result.diagnostics.itertuples()])


@analyze_app.command("invariance")
def invariance(
    data: Path = DATA, instrument: Optional[str] = INSTRUMENT, scale: Optional[list[str]] = SCALES,
    model: Optional[str] = typer.Option(None, "--model", help='lavaan-style model, e.g. "trust =~ t1 + t2 + t3".'),
    model_file: Optional[Path] = typer.Option(None, "--model-file", help="A file with the model, one factor per line."),
    by: str = typer.Option(..., "--by", help="Column of the groups (e.g. city)."),
    strict: bool = typer.Option(False, "--strict", help="Also test equal residual variances."),
    no_partial: bool = typer.Option(False, "--no-partial", help="Do not search for partial invariance."),
    json: bool = JSON,
) -> None:
    """Configural, metric, scalar (and strict) invariance across groups, partial invariance, latent means."""
    from analysis.invariance import measurement_invariance, model_from_instrument
    from analysis.scoring import keyed_items
    from instruments.errors import InputError
    from reports.apa import bounded, interval, number, p_value

    given = [x for x in (instrument, model, model_file) if x]
    if len(given) != 1:
        raise InputError("give exactly one of --instrument, --model or --model-file")
    frame, chosen = _load(data, instrument)
    if chosen is not None:
        spec = model_from_instrument(chosen, _split(scale) or None)
        for factor in spec.factors:
            frame = frame.drop(columns=list(chosen.scale_items(factor))).join(keyed_items(frame, chosen, factor))
    elif model_file is not None:
        try:
            spec = model_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read {model_file}: {exc.strerror}") from None
    else:
        spec = model
    result = measurement_invariance(frame, spec, by=by, strict=strict, partial=not no_partial)
    if json:
        _emit(result.to_dict())
        return
    _table("Measurement invariance across " + by, ["level", "", "χ²", "df", "CFI", "TLI", "RMSEA", "90% CI", "SRMR",
                                                     "ΔCFI", "ΔRMSEA", "holds"],
           [[l.level, "", number(l.fit["chisq"]), l.fit["df"], bounded(l.fit["cfi"], 3), bounded(l.fit["tli"], 3),
             bounded(l.fit["rmsea"], 3), interval(*l.fit["rmsea_ci"], digits=3, bounded_values=True), bounded(l.fit["srmr"], 3),
             number(l.delta["cfi"], 3) if l.delta else "", number(l.delta["rmsea"], 3) if l.delta else "",
             "yes" if l.holds else "no"] for l in result.levels])
    for level in result.levels:
        for freed in level.freed:
            print(f"partial {level.level}: freed the {freed['param']} of {freed['item']} in {freed['group']} "
                  f"(score test {freed['score_test']:.2f})")
    for note in result.notes:
        print(f"note: {note}")
    if len(result.latent_means):
        _table("Latent means (reference group fixed at 0)", ["factor", "group", "mean", "SE"],
               [[r.factor, r.group, number(r.mean), number(r.se)] for r in result.latent_means.itertuples()])
