"""``axiosphere analyze invariance``: the level sequence (exact invariance) or alignment across many cities."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from axiosphere.analyze_cli import (
    DATA, EXCLUDE, INSTRUMENT, JSON, PLAN, SCALES, _emit, _instrument, _note, _open, _split, _stated, _table, analyze_app,
)


def _aligned(study: Any, frame: Any, spec: Any, by: str, reference: Optional[str], method: str, epsilon: float,
             simulate: int, bootstrap: int, json: bool) -> None:
    """Alignment, one factor at a time, printed as tables or one JSON document."""
    from axiosphere.analysis.alignment import alignment
    from axiosphere.analysis.alignment_check import monte_carlo
    from axiosphere.analysis.mgcfa import parse_model
    from axiosphere.reports.apa import bounded, number

    model = parse_model(spec) if isinstance(spec, str) else spec
    results = {factor: alignment(frame, list(items), by=by, reference=reference, method=method, epsilon=epsilon,
                                 bootstrap=bootstrap) for factor, items in model.factors.items()}
    checks = {factor: monte_carlo(result, replications=simulate) for factor, result in results.items()} if simulate else {}
    if json:
        _emit({"method": "alignment", "factors": {f: {**r.to_dict(), "monte_carlo": checks[f].to_dict() if f in checks
                                                      else None} for f, r in results.items()}, **_stated(study, by)})
        return
    for factor, result in results.items():
        _table(f"Alignment of {factor} ({result.method.upper()}, ε = {result.epsilon}; reference {result.reference}: "
               "mean 0, variance 1)", ["group", "n", "mean", "SE", "variance", "SE"],
               [[r.group, r.n, number(r.mean), number(r.mean_se) if r.mean_se == r.mean_se else "—", number(r.variance),
                 number(r.variance_se) if r.variance_se == r.variance_se else "—"] for r in result.means.itertuples()])
        _table(f"Invariance R² of {factor}",
               ["item", "loadings R²", "intercepts R²"],
               [[r.item, bounded(r.loading_r2), bounded(r.intercept_r2)] for r in result.r2.itertuples()])
        drifting = result.non_invariant
        if len(drifting):
            _table(f"Non-invariant parameters of {factor}", ["group", "item", "parameter"],
                   [[r.group, r.item, r.parameter] for r in drifting.itertuples()])
        print("R²: the share of the configural loadings' and intercepts' variation across groups that the aligned "
              "means and variances explain. Non-invariant: pairwise tests at p < .01 start an invariant set; each "
              "group is tested against its average at p < .001 until it is stable.")
        print(f"loss at the optimum {result.loss:.3f}; {result.starts} starts "
              f"{'agreed' if result.starts_agree else 'did not all agree'}")
        if factor in checks:
            check = checks[factor]
            print(f"Monte Carlo ({check.replications} replications from the aligned estimates): true and estimated "
                  f"means correlate {check.r_means:.3f}, variances {check.r_variances:.3f}; "
                  f"{'trustworthy' if check.trustworthy else 'below the .98 the paper asks for'}")
        for note in result.notes:
            print(f"note: {factor}: {note}")
    _note(study, by)


@analyze_app.command("invariance")
def invariance(
    data: Path = DATA, instrument: Optional[str] = INSTRUMENT, scale: Optional[list[str]] = SCALES,
    model: Optional[str] = typer.Option(None, "--model", help='lavaan-style model, e.g. "trust =~ t1 + t2 + t3".'),
    model_file: Optional[Path] = typer.Option(None, "--model-file", help="A file with the model, one factor per line."),
    by: str = typer.Option(..., "--by", help="Column of the groups (e.g. city)."),
    strict: bool = typer.Option(False, "--strict", help="Also test strict invariance: equal residual variances (after configural, metric: equal loadings, scalar: equal intercepts; each judged by Chen's cut-offs, delta CFI >= -.010 and delta RMSEA <= .015, ML estimation as lavaan)."),
    no_partial: bool = typer.Option(False, "--no-partial", help="Do not search for partial invariance (freeing, one at a time, the constraint with the largest score test until the level holds)."),
    reference: Optional[str] = typer.Option(None, "--reference", help="Reference group of the latent means (default: the study's hub, else the first)."),
    method: str = typer.Option("exact", "--method", help="exact (the level sequence) or alignment (many groups: "
                               "approximate invariance, Asparouhov & Muthén 2014)."),
    free: bool = typer.Option(False, "--free", help="Alignment: estimate every group's mean (FREE), not FIXED."),
    epsilon: float = typer.Option(0.01, "--epsilon", help="Alignment: the ε of the simplicity loss (Mplus: 0.01)."),
    simulate: int = typer.Option(0, "--simulate", help="Alignment: a Monte Carlo check with this many replications "
                                 "from the aligned estimates (.98 or more: trustworthy)."),
    bootstrap: int = typer.Option(0, "--bootstrap", help="Alignment: resamples for the standard errors of the means "
                                  "and variances (e.g. 200; default none)."),
    exclude_flagged: Optional[bool] = EXCLUDE, plan: Optional[Path] = PLAN,
    json: bool = JSON,
) -> None:
    """Configural, metric, scalar (and strict) invariance across groups, partial invariance, latent means; or
    alignment of the configural solutions across many groups (--method alignment)."""
    from axiosphere.analysis.invariance import measurement_invariance, model_from_instrument
    from axiosphere.analysis.scoring import keyed_items
    from axiosphere.instruments.errors import InputError
    from axiosphere.reports.apa import bounded, interval, number

    given = [x for x in (instrument, model, model_file) if x]
    if len(given) != 1:
        raise InputError("give exactly one of --instrument, --model or --model-file")
    study = _open(data, [instrument] if instrument else [], exclude_flagged, plan)
    frame = study.data
    chosen = _instrument(study, instrument) if instrument else None
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
    if reference is None and by == "city":
        present = set(frame[by].dropna().astype(str)) if by in frame.columns else set()
        reference = next((h for h in study.hubs() if h in present), None)
    if method not in ("exact", "alignment"):
        raise InputError(f"--method must be exact or alignment, not '{method}'")
    if method == "alignment":
        _aligned(study, frame, spec, by, reference, "free" if free else "fixed", epsilon, simulate, bootstrap, json)
        return
    result = measurement_invariance(frame, spec, by=by, strict=strict, partial=not no_partial, reference=reference)
    if json:
        _emit({**result.to_dict(), **_stated(study, by, list(result.notes))})
        return
    _table("Measurement invariance across " + by, ["level", "", "χ²", "df", "CFI", "TLI", "RMSEA", "90% CI", "SRMR",
                                                     "ΔCFI", "ΔRMSEA", "holds"],
           [[l.level, "", number(max(l.fit["chisq"], 0.0)), l.fit["df"], bounded(l.fit["cfi"], 3), bounded(l.fit["tli"], 3),
             bounded(l.fit["rmsea"], 3), interval(*l.fit["rmsea_ci"], digits=3, bounded_values=True), bounded(l.fit["srmr"], 3),
             number(l.delta["cfi"], 3) if l.delta else "", number(l.delta["rmsea"], 3) if l.delta else "",
             "just-identified" if l.just_identified else "yes" if l.holds else "no"] for l in result.levels])
    for level in result.levels:
        for freed in level.freed:
            print(f"partial {level.level}: freed the {freed['param']} of {freed['item']} in {freed['group']} "
                  f"(score test {freed['score_test']:.2f})")
    for note in result.notes:
        print(f"note: {note}")
    if len(result.latent_means):
        _table(f"Latent means (reference {result.reference} fixed at 0)", ["factor", "group", "mean", "SE"],
               [[r.factor, r.group, number(r.mean), number(r.se)] for r in result.latent_means.itertuples()])
    _note(study, by)
