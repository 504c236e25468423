"""The end-to-end pipeline that ``axiosphere demo`` and ``axiosphere report`` run.

Stages: load the study's answers; flag data quality (pvq21's ESS conventions); reliability
per instrument and city; measurement invariance of the trust scales across cities; twin-link
comparisons; value maps; then the report. A stage that cannot be computed (too few
interviews, a level that does not converge) leaves a notice in the report, not a traceback.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from instruments.errors import InputError

Progress = Callable[[str, int, int], None]


@dataclass
class StudyResults:
    """What the report shows; each part may be missing, with a notice saying why."""

    study: Any
    data: Any
    kept: Any = None
    quality: Any = None
    reliability: dict[str, Any] = field(default_factory=dict)
    invariance: dict[str, Any] = field(default_factory=dict)
    comparison: Any = None
    comparison_labels: dict[str, str] = field(default_factory=dict)
    valuemap: Any = None
    notices: dict[str, str] = field(default_factory=dict)
    store_hash: str = ""
    seed: int | None = None
    plan: Any = None


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress display."""


def analyse_study(folder: str | Path, *, progress: Progress = _quiet, seed: int | None = None,
                  permutations: int = 30, plan: Any = None) -> StudyResults:
    """Run every analysis of the report on the study in ``folder``, as ``plan`` (an :class:`~axiosphere.plan.Plan`) says."""
    from axiosphere.plan import Plan, read_plan
    from analysis.compare import compare
    from analysis.invariance import measurement_invariance, model_from_instrument
    from analysis.load import load
    from analysis.quality import quality_flags
    from analysis.reliability import instrument_reliability
    from analysis.scoring import keyed_items, score
    from analysis.valuemap import value_map
    from survey.store import STORE_FILE
    from survey.study import load_study

    study = load_study(folder)
    store = study.folder / STORE_FILE
    if not store.exists():
        raise InputError(f"no interviews in {study.folder} yet (run a survey, import data, or try: axiosphere demo)")
    if isinstance(plan, (str, Path)):
        plan = read_plan(plan, study)
    plan = plan or Plan()
    data = load(study.folder)
    if plan.cities:
        data = data[data["city"].isin(plan.cities)]
    results = StudyResults(study, data, store_hash=hashlib.sha256(store.read_bytes()).hexdigest(), seed=seed, plan=plan)
    if len(data) == 0:
        raise InputError(f"{store} has no complete interview to analyse" + (" in the plan's cities" if plan.cities else ""))

    def chosen(instrument: Any, composites: bool | None = False) -> list[str]:
        names = (plan.scales or {}).get(instrument.id) if plan.scales is not None else None
        if plan.scales is not None and names is None:
            return []
        pool = [s for s, v in instrument.scales.items() if composites is None or v.is_composite == composites]
        return [s for s in pool if names is None or s in names]

    instruments = {i.id: i for i in study.instruments}
    stages = ["quality", "reliability", "invariance", "comparisons", "value maps"]
    progress("analysis", 0, len(stages))
    kept = data.index == data.index
    if "pvq21" in instruments:
        from analysis.quality import QualityPolicy

        rules = dict(plan.exclusions)
        if "exclude" in rules:
            rules["exclude"] = tuple(rules["exclude"])
        policy = QualityPolicy.for_instrument(instruments["pvq21"], **rules)
        results.quality = quality_flags(data, instruments["pvq21"], by="city", policy=policy)
        kept = results.quality.keep().to_numpy()
    results.kept = kept
    analysed = data[kept]
    progress("analysis", 1, len(stages))
    for instrument in study.instruments:
        scales = chosen(instrument)
        if not scales:
            continue
        try:
            results.reliability[instrument.id] = instrument_reliability(analysed, instrument, scales=scales, by="city")
        except InputError as exc:
            results.notices[f"reliability_{instrument.id}"] = str(exc)
    progress("analysis", 2, len(stages))
    if "civic-trust" in instruments:
        civic = instruments["civic-trust"]
        for scale in [s for s in chosen(civic) if s in ("institutional_trust", "generalised_trust", "digital_trust")][:2]:
            frame = analysed.drop(columns=list(civic.scale_items(scale))).join(keyed_items(analysed, civic, scale))
            try:
                results.invariance[scale] = measurement_invariance(frame, model_from_instrument(civic, [scale]), by="city")
            except InputError as exc:
                results.notices[f"invariance_{scale}"] = str(exc)
    progress("analysis", 3, len(stages))
    columns, frame = [], analysed.copy()
    for instrument in study.instruments:
        scores = score(analysed, instrument)
        picked = chosen(instrument, False if instrument.centring == "none" else True)
        table = scores.centred if scores.centred is not None else scores.raw
        for scale in picked:
            frame[scale] = table[scale]
            columns.append(scale)
            results.comparison_labels[scale] = instrument.scales[scale].label.get(instrument.languages[0])
    links = [(link.a, link.b) for link in study.links if {link.a, link.b} <= set(frame["city"])]
    try:
        results.comparison = compare(frame, columns, by="city", links=links, adjust=plan.adjust)
    except InputError as exc:
        results.notices["comparisons"] = str(exc)
    progress("analysis", 4, len(stages))
    if "pvq21" in instruments:
        trust = {}
        for name in ("generalised_trust", "institutional_trust"):
            if name in frame:
                trust[name] = name
        if "tttrust" in frame:
            trust["twin_town_trust"] = "tttrust"
        try:
            results.valuemap = value_map(frame, instruments["pvq21"], by="city", links=links, n_perm=permutations,
                                         trust=trust, seed=seed or 0)
        except (InputError, ValueError) as exc:
            results.notices["value_maps"] = str(exc)
    progress("analysis", 5, len(stages))
    return results


def run_demo(out: str | Path, *, seed: int | None = None, scale: float = 1.0, formats: tuple[str, ...] = ("html", "pdf"),
             progress: Progress = _quiet) -> dict[str, Any]:
    """Create the demo study in ``out``, interview its synthetic respondents, analyse it and render the report."""
    import shutil

    from reports.render import render_report
    from survey.demo import generate, load_model
    from survey.store import STORE_FILE, Store
    from survey.study import init_study, load_study

    out = Path(out)
    if (out / STORE_FILE).exists():
        for name in (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm"):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / "report", ignore_errors=True)
    init_study(out, force=True)
    study = load_study(out)
    model = load_model()
    with Store.create(out / STORE_FILE, study_id=study.id, durable=False) as store:
        count = generate(study, store, model=model, seed=seed, scale=scale,
                         progress=lambda done, total: progress("interviews", done, total))
    results = analyse_study(out, progress=progress, seed=seed if seed is not None else model["seed"])
    progress("report", 0, 1)
    files = render_report(results, out / "report", formats=formats)
    progress("report", 1, 1)
    return {"study": str(out), "interviews": count, "report": [str(p) for p in files]}
