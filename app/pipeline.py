"""The end-to-end pipeline that ``axiosphere demo`` and ``axiosphere report`` run.

What each scale gets follows from what its instrument declares, never from its id:
every scale of two or more rating items gets reliability, three or more gets measurement
invariance; comparisons take an instrument's composites (its higher-order level) where it
declares them, else its scales; an instrument with a ``circumplex`` gets the value maps, with
the trust gaps of scales declared ``about: trust`` and ``about: twin_trust``. Interviews are
excluded by the study's one policy (``axiosphere.study.Study``). A stage that cannot be
computed leaves a notice in the report, not a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.model import Instrument

if TYPE_CHECKING:
    import pandas as pd

    from axiosphere.analysis.compare import Comparison
    from axiosphere.analysis.invariance import InvarianceResult
    from axiosphere.analysis.quality import QualityReport
    from axiosphere.analysis.reliability import ReliabilityResult
    from axiosphere.analysis.valuemap import ValueMap
    from axiosphere.plan import Plan
    from axiosphere.study import Exclusion, Study

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class InvarianceEntry:
    """Invariance of one scale, with where it comes from."""

    instrument: str
    scale: str
    label: str
    result: InvarianceResult


@dataclass(frozen=True)
class AlignmentEntry:
    """Alignment of one scale across the cities, with its Monte Carlo check."""

    instrument: str
    scale: str
    label: str
    result: Any
    check: Any


@dataclass
class StudyResults:
    """What the report shows; each part may be missing, with a notice saying why."""

    study: Study
    plan: Plan
    quality: QualityReport
    exclusion: Exclusion
    reliability: dict[str, ReliabilityResult] = field(default_factory=dict)
    invariance: list[InvarianceEntry] = field(default_factory=list)
    alignment: list[AlignmentEntry] = field(default_factory=list)
    comparison: Comparison | None = None
    compared: dict[str, list[str]] = field(default_factory=dict)
    comparison_labels: dict[str, str] = field(default_factory=dict)
    valuemap: ValueMap | None = None
    valuemap_instrument: str | None = None
    network: Any = None  # network_stage.NetworkEntry
    notices: dict[str, str] = field(default_factory=dict)
    seed: int | None = None
    permutations: int = 30

    @property
    def data(self) -> pd.DataFrame:
        """Every complete interview (before exclusions)."""
        return self.study.answers


ALIGNMENT_BOOTSTRAP, ALIGNMENT_REPLICATIONS = 50, 20


def _align(study: Study, analysed: pd.DataFrame, reference: str | None, results: StudyResults) -> None:
    """Alignment of every scale of three or more rating items across the cities, with bootstrap SEs and a Monte Carlo
    check (few resamples and replications, said in the report, to keep the report quick)."""
    from axiosphere.analysis.alignment import alignment
    from axiosphere.analysis.alignment_check import monte_carlo
    from axiosphere.analysis.scoring import keyed_items

    for instrument in study.instruments:
        for scale in results.plan.pick(instrument, list(instrument.rating_scales(min_items=3))):
            label = instrument.scales[scale].label.get(instrument.languages[0])
            options = _options(study, instrument)
            frame = keyed_items(analysed, instrument, scale, options).assign(city=analysed["city"].astype(str))
            try:
                result = alignment(frame, [c for c in frame.columns if c != "city"], by="city", reference=reference,
                                   bootstrap=ALIGNMENT_BOOTSTRAP, seed=results.seed or 0)
                check = monte_carlo(result, replications=ALIGNMENT_REPLICATIONS, seed=results.seed or 0)
                results.alignment.append(AlignmentEntry(instrument.id, scale, label, result, check))
            except InputError as exc:
                results.notices[f"invariance_alignment_{instrument.id}_{scale}"] = f"{label} (alignment): {exc}"


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress display."""


def reliability_scales(instrument: Instrument) -> list[str]:
    """Scales that get reliability: two or more rating items."""
    return list(instrument.rating_scales(min_items=2))


def invariance_scales(instrument: Instrument) -> list[str]:
    """Scales that get measurement invariance, one factor each: three or more rating items, and the declared
    composites (higher-order values), so that every scale compared across cities is tested where it can be."""
    composites = [s for s, v in instrument.scales.items() if v.is_composite and len(instrument.scale_items(s)) >= 3
                  and all(instrument.items[i].type == "rating" for i in instrument.scale_items(s))]
    return [*instrument.rating_scales(min_items=3), *composites]


def comparison_scales(instrument: Instrument) -> list[str]:
    """Scales compared across cities: the declared composites (higher-order level) when there are any."""
    composites = [s for s, v in instrument.scales.items() if v.is_composite]
    return composites or reliability_scales(instrument)


def trust_columns(study: Study, frame: pd.DataFrame, plan: Plan | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """Raw scores of the scales declared ``about: trust`` or ``twin_trust`` (those the plan keeps) added to ``frame``.

    Returns {name: column} and {name: label}.
    """
    from axiosphere.analysis.scoring import score

    columns, labels = {}, {}
    for instrument in study.instruments:
        named = [*instrument.scales_about("trust"), *instrument.scales_about("twin_trust")]
        if plan is not None:
            named = plan.pick(instrument, named)
        named = [s for s in named if all(i in frame.columns for i in instrument.scale_items(s))]
        if not named:
            continue
        raw = score(frame, instrument, options=_options(study, instrument), centre="none").raw
        for name in named:
            frame[f"_{name}"] = raw[name]
            columns[name] = f"_{name}"
            labels[name] = instrument.scales[name].label.get(instrument.languages[0])
    return columns, labels


def analyse_study(study: Study | str | Path, *, progress: Progress = _quiet, seed: int | None = None,
                  permutations: int = 30, plan: Plan | str | Path | None = None) -> StudyResults:
    """Run every analysis of the report on ``study`` (a ``Study`` or a study folder), as ``plan`` says.

    ``permutations``: data sets with each value's answers shuffled for the value maps' Stress-1 baseline; ``seed``:
    of every permutation and resample (recorded in the report); ``progress(stage, done, total)`` is called as the
    stages run. What could not be computed is a notice in ``results.notices``, not an exception.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from axiosphere.analysis.example_data import value_survey
    >>> from axiosphere.study import open_study
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.csv"
    >>> answers, values = value_survey(n=60)
    >>> answers.to_csv(path, index=False)
    >>> results = analyse_study(open_study(path), permutations=5)
    >>> list(results.reliability) == [values.id], [entry.scale for entry in results.invariance][:2]
    (True, ['universalism', 'conservation'])
    """
    from axiosphere.analysis.compare import compare
    from axiosphere.analysis.invariance import measurement_invariance, model_from_instrument
    from axiosphere.analysis.reliability import instrument_reliability
    from axiosphere.analysis.scoring import keyed_items
    from axiosphere.analysis.valuemap import value_map
    from axiosphere.plan import Plan, read_plan
    from axiosphere.study import Study, open_study

    if not isinstance(study, Study):
        study = open_study(study)
    if isinstance(plan, (str, Path)):
        plan = read_plan(plan, study)
    plan = plan or Plan()
    whole = apply_plan(study, plan, cities=False)  # the twin network pairs every city of the study
    study = whole.only_cities(plan.cities) if plan.cities else whole
    if not len(study.answers):
        raise InputError(f"{study.source} has no complete interview to analyse in the plan's cities")
    stages = ["quality", "reliability", "invariance", "comparisons", "value maps"]
    progress("analysis", 0, len(stages))
    results = StudyResults(study, plan, study.quality, study.exclusion, seed=seed, permutations=permutations)
    analysed = study.data
    progress("analysis", 1, len(stages))
    for instrument in study.instruments:
        scales = plan.pick(instrument, reliability_scales(instrument))
        if not scales:
            continue
        try:
            results.reliability[instrument.id] = instrument_reliability(analysed, instrument, scales=scales, by="city",
                                                                        options=_options(study, instrument))
        except InputError as exc:
            results.notices[f"reliability_{instrument.id}"] = str(exc)
    progress("analysis", 2, len(stages))
    present = set(analysed["city"].astype(str))
    reference = next((h for h in study.hubs() if h in present), None)  # latent means relative to the hub
    for instrument in study.instruments:
        for scale in plan.pick(instrument, invariance_scales(instrument)):
            label = instrument.scales[scale].label.get(instrument.languages[0])
            options = _options(study, instrument)
            frame = analysed.drop(columns=list(instrument.scale_items(scale, options))).join(
                keyed_items(analysed, instrument, scale, options))
            try:
                result = measurement_invariance(frame, model_from_instrument(instrument, [scale], _options(study, instrument)),
                                                by="city", reference=reference)
                results.invariance.append(InvarianceEntry(instrument.id, scale, label, result))
            except InputError as exc:
                results.notices[f"invariance_{instrument.id}_{scale}"] = f"{label}: {exc}"
    if plan.aligns(len(present)):
        _align(study, analysed, reference, results)
    progress("analysis", 3, len(stages))
    columns, frame = [], analysed.copy()
    for instrument in study.instruments:
        picked = plan.pick(instrument, comparison_scales(instrument))
        if not picked:
            continue
        scores = study.scores(instrument)
        table = scores.centred if scores.centred is not None else scores.raw
        results.compared[instrument.id] = picked
        for scale in picked:
            frame[scale] = table[scale]
            columns.append(scale)
            results.comparison_labels[scale] = instrument.scales[scale].label.get(instrument.languages[0])
    links = study.link_pairs(sorted(set(frame["city"].astype(str))))
    try:
        results.comparison = compare(frame, columns, by="city", links=links, adjust=plan.adjust, family=plan.family)
    except InputError as exc:
        results.notices["comparisons"] = str(exc)
    progress("analysis", 4, len(stages))
    mapped = [i for i in study.instruments if i.circumplex is not None]
    if mapped:
        trust, labels = trust_columns(study, frame, plan)
        try:
            results.valuemap = value_map(frame, mapped[0], by="city", links=links, n_perm=permutations, trust=trust,
                                         trust_labels=labels, seed=seed or 0, options=_options(study, mapped[0]))
            results.valuemap_instrument = mapped[0].id
        except InputError as exc:
            results.notices["value_maps"] = str(exc)
    every_city = set(whole.answers["city"].astype(str))
    if mapped and plan.networks(len(every_city)):
        from axiosphere.network_stage import network_stage

        try:
            results.network = network_stage(whole, seed=seed or 0)
        except InputError as exc:
            results.notices["network"] = f"Twin network: {exc}"
        if results.network is not None and plan.cities and every_city != set(study.answers["city"].astype(str)):
            dyads = results.network.dyads
            note = (f"the pairs are drawn from all {len(every_city)} cities of the study: the plan's {len(plan.cities)} "
                    "cities are those of the other sections (a network of fewer cities is another network)")
            results.network = replace(results.network, dyads=replace(dyads, notes=(note, *dyads.notes)))
    progress("analysis", 5, len(stages))
    return results


def apply_plan(study: Study, plan: Plan, *, cities: bool = True) -> Study:
    """The study under the plan's exclusion rules and restricted to its cities (as the CLI's --plan); with
    ``cities=False`` every city is kept (the twin network's pairs are those of the whole study)."""
    if plan.exclusions:
        study = study.with_policy(rules=plan.exclusions, source=f"the plan {Path(plan.file or 'plan').name}")
    if cities and plan.cities:
        study = study.only_cities(plan.cities)
    return study


def _options(study: Study, instrument: Instrument) -> dict[str, str]:
    return {k: v for k, v in study.options.items() if k in instrument.options}


def run_demo(out: str | Path, *, seed: int | None = None, scale: float = 1.0, formats: tuple[str, ...] = ("html", "pdf"),
             progress: Progress = _quiet, force: bool = False) -> dict[str, Any]:
    """Create the demo study in ``out``, interview its synthetic respondents, analyse it and render the report;
    ``out/planted.json`` lists the interviews drawn as speeders and straight-liners."""
    import json
    import shutil

    from axiosphere.reports.render import render_report
    from axiosphere.survey.demo import add_network, generate, load_model
    from axiosphere.survey.store import STORE_FILE, Store
    from axiosphere.survey.study import init_study, load_study

    out = Path(out)
    marker = out / ".axiosphere-demo"
    if out.exists() and any(out.iterdir()) and not marker.exists() and not force:
        raise InputError(f"{out} is not empty and is not an earlier demo: the demo would replace its study.yaml and "
                         "response store; choose another --out (or --force to overwrite it)")
    if (out / STORE_FILE).exists():
        for name in (STORE_FILE, STORE_FILE + "-wal", STORE_FILE + "-shm"):
            (out / name).unlink(missing_ok=True)
        shutil.rmtree(out / "report", ignore_errors=True)
    init_study(out, force=True)
    model = load_model()
    add_network(out, model)
    marker.write_text("made by axiosphere demo; running it again here replaces this study\n", encoding="utf-8")
    design = load_study(out)
    planted: dict[str, list[str]] = {}
    with Store.create(out / STORE_FILE, study_id=design.id, durable=False) as store:
        count = generate(design, store, model=model, seed=seed, scale=scale, planted=planted,
                         progress=lambda done, total: progress("interviews", done, total))
    # The interviews drawn as careless: the truth a quality screen can be checked against.
    (out / "planted.json").write_text(json.dumps({k: sorted(v) for k, v in sorted(planted.items())}, indent=1),
                                      encoding="utf-8")
    plan = None
    if model.get("plan"):
        import yaml

        plan = out / "plan.yaml"
        plan.write_text("# The demo report's plan (axiosphere report STUDY --plan plan.yaml): the per-city sections "
                        "cover\n# Orsha and its twins; the twin-network section pairs the cities of the whole study.\n"
                        + yaml.safe_dump(model["plan"], default_flow_style=None, sort_keys=False), encoding="utf-8")
    results = analyse_study(out, progress=progress, seed=seed if seed is not None else model["seed"], plan=plan)
    progress("report", 0, 1)
    files = render_report(results, out / "report", formats=formats)
    progress("report", 1, 1)
    return {"study": str(out), "interviews": count, "report": [str(p) for p in files]}
