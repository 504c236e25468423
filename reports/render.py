"""The study report: one self-contained HTML file (inline CSS and SVG, no network request) and its PDF.

Every sentence about a result is built from the numbers: a difference is called reliable
only when its adjusted p is below .05, and means are called comparable only where scalar
(or partial scalar) invariance holds.
"""

from __future__ import annotations

from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from axiosphere.reports.alignment_tables import alignment_entry
from axiosphere.reports.apa import bounded, number, p_value
from axiosphere.reports.embed import embed
from axiosphere.reports.reproduce import reproduce_commands
from axiosphere.reports.references import REFERENCES
from axiosphere.reports.tables import (
    Table, comparison_table, descriptives_table, html_text, invariance_table, latent_means_table, omnibus_table,
    reliability_by_city_table, reliability_table,
)

if TYPE_CHECKING:
    from axiosphere.pipeline import InvarianceEntry, StudyResults



def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _hubs(hubs: list[str]) -> str:
    if not hubs:
        return "."
    if len(hubs) == 1:
        return f"; {hubs[0]} is the hub."
    return f"; the hubs (cities with more than one twin) are {', '.join(hubs[:-1])} and {hubs[-1]}."


def build_context(results: StudyResults, *, draw: bool = True) -> dict[str, Any]:
    """Everything the template shows, with the sentences that interpret the numbers (figures only with ``draw``)."""
    from axiosphere.reports import figures
    from axiosphere.reports import value_map_figures as value_maps
    from axiosphere.reports.link_effects import link_effects

    study, data = results.study, results.data
    notices = dict(results.notices)
    names = {c: study.city_name(c) for c in study.cities}
    colours = figures.palette(list(study.cities))  # one colour and marker a city, in every figure
    cities = [[c.display_name("en"), c.country, c.language, str(int((data["city"] == c.id).sum())),
               ", ".join(study.city_name(t) for t in study.twins(c.id))] for c in study.cities.values()
              if (data["city"] == c.id).any()]
    dated = report_date(data)
    context: dict[str, Any] = {
        "title": study.title, "version": _version("axiosphere"), "generated": dated.strftime("%Y-%m-%d"),
        "dated_iso": dated.isoformat(timespec="seconds"),
        "summary": _summary(data),
        "sections": [("study", "The study"), ("quality", "Sample and data quality"), ("reliability", "Reliability"),
                     ("invariance", "Measurement invariance"), ("comparisons", "Comparisons"), ("maps", "Value maps"),
                     ("methods", "Methods"), ("appendix", "Reproducibility")],
        "study_text": f"The study '{study.id}' asks {', '.join(i.id for i in study.instruments)} in {len(study.cities)} cities "
                      f"linked by {len(study.links)} twinning ties"
                      + _hubs([study.city_name(h) for h in study.hubs()])
                      + (f" This report's plan ({Path(results.plan.file or 'plan').name}) analyses {len(results.plan.cities)} of them "
                         "city by city" + ("; the twin-network section pairs the cities of the whole study."
                                           if results.network is not None else ".") if results.plan.cities else ""),
        "cities_table": Table("cities", "Cities, interview languages and interviews", ["City", "Country", "Language", "n", "Twinned with"], cities),
        "instruments_table": Table("instruments", "Instruments", ["Instrument", "Version", "Citation"],
                                   [[i.id, i.version, i.citation[:160] + ("…" if len(i.citation) > 160 else "")] for i in study.instruments]),
        "notices": notices, "figures": {}, "references": REFERENCES,
        "shown": results.plan.sections,
    }
    context["sections"] = [(k, v) for k, v in context["sections"] if k in context["shown"]]
    summary, exclusion = results.quality.summary, results.exclusion
    context["quality_table"] = Table("quality", "Interviews flagged by data-quality checks",
                                     ["City", "n", "Straight-lining", "Too many missing", "Speeding", "Excluded"],
                                     [[study.city_name(r.group), str(r.n), str(r.straightline), str(r.too_many_missing),
                                       str(r.speeding), str(r.excluded if exclusion.applied else 0)]
                                      for r in summary.itertuples()])
    screened = [i for i in study.instruments if i.id in exclusion.screened]
    context["sample_table"] = sample_table(study)
    context["weights_table"], weights_notice = weights_table(study)
    if weights_notice:
        notices["weights"] = weights_notice
    context["quality_text"] = (f"{exclusion.note[0].upper()}{exclusion.note[1:]}. "
                               f"Policy: {results.quality.policy.describe(screened)}; speed was judged from "
                               f"{results.quality.speed_source}.")
    instruments = {i.id: i for i in study.instruments}
    context["reliability_tables"] = [table for k, r in results.reliability.items()
                                     for table in (reliability_table(r, instruments[k], study.city_name, study.data),
                                                   reliability_by_city_table(r, instruments[k], study.city_name))]
    context["reliability_notices"] = [*(n for r in results.reliability.values() for n in r.notes)]
    context["reliability_notices"] += [v for k, v in notices.items() if k.startswith("reliability_")]
    context["invariance"] = [_invariance_entry(entry, study.city_name) for entry in results.invariance]
    context["invariance_notices"] = [v for k, v in notices.items() if k.startswith("invariance_")]
    context["alignment"] = [alignment_entry(entry, study.city_name) for entry in results.alignment]
    if draw:
        from axiosphere.reports.alignment_figure import alignment_drift

        for item, entry in zip(context["alignment"], results.alignment):
            item["figure"] = embed(alignment_drift(entry.result, names=names))
    if results.comparison is not None:
        context["comparison_table"] = comparison_table(results.comparison, results.comparison_labels, study.city_name)
        context["descriptives_table"] = descriptives_table(results.comparison, results.comparison_labels, study.city_name)
        context["omnibus_table"] = omnibus_table(results.comparison, results.comparison_labels)
        context["comparison_texts"] = _comparison_texts(results)
        if draw and len(results.comparison.pairs):  # a data file without twin links has no pairs to draw
            context["figures"]["link_effects"] = embed(link_effects(results.comparison, results.comparison_labels,
                                                                           names=names, colours=colours))
    else:
        notices.setdefault("comparisons", "Comparisons could not be computed.")
    if results.valuemap is not None:
        vm = results.valuemap
        links = [(r.a, r.b) for r in vm.distances.itertuples()]
        if draw:
            context["figures"].update({"value_circle": embed(value_maps.value_circle(vm, names=names)), "value_profiles":
                                       embed(value_maps.value_profiles(vm, names=names, colours=colours))})
            if len(vm.positions) and vm.axes:
                context["figures"]["twin_map"] = embed(value_maps.twin_map(vm, links, names=names, colours=colours))
        if draw and len(vm.distances):
            context["figures"]["twin_network"] = embed(value_maps.twin_network(vm, study.hubs(), names=names,
                                                                                     colours=colours))
        mapped = study.instrument(results.valuemap_instrument)
        source = mapped.circumplex.baseline_source if mapped.circumplex and mapped.circumplex.baseline_source else "none declared"
        context["hierarchy_table"] = Table(
            "hierarchies", "Value hierarchies: rank correlation (Spearman's ρ) of each city's MRAT-centred means",
            ["City", "With", "ρ"],
            [[study.city_name(r.group), "the published baseline" if r.with_ == "baseline" else study.city_name(r.with_),
              number(r.rho)] for r in vm.hierarchy.rename(columns={"with": "with_"}).itertuples()],
            f"The baseline is the instrument's declared importance order ({source}).", ["ρ"])
        pooled = vm.fit.set_index("group").loc["pooled"]
        context["map_text"] = (f"The ordinal MDS of the {len(vm.order)} values' intercorrelations ({results.valuemap_instrument}) "
                               f"has Stress-1 = {bounded(pooled.stress1, 3)} "
                               f"(permuted data: {bounded(pooled.stress_perm_mean, 3)}); the circular order holds with "
                               f"RTHOR CI = {bounded(pooled.rthor_ci)}, p {'< .001' if pooled.rthor_p < 0.001 else '= ' + p_value(pooled.rthor_p)}."
                               + "".join(f" Note: {n}." for n in vm.notes))
    else:
        notices.setdefault("value_maps", "No instrument of the study declares a circular value structure (circumplex), "
                                         "so there are no value maps.")
    if results.network is not None:
        from axiosphere.reports.network_section import network_entry

        context["network"] = network_entry(results.network)
        context["network_table"] = context["network"]["table"]
        if draw:
            from axiosphere.reports.network_figures import bipartite_network, dyad_plot

            context["figures"]["dyads"] = embed(dyad_plot(results.network.dyads.frame))
            if results.network.dyads.pairs == "cross-country":
                context["figures"]["network"] = embed(bipartite_network(results.network.dyads.frame, names=names))
    context["methods"] = _methods(results)
    context["commands"] = reproduce_commands(results)
    context["appendix_table"] = Table("appendix", "Reproducibility", ["Item", "Value"], [
        ["Response store (SHA-256)", study.store_hash() or "none (a data file)"],
        ["Study file", str(study.design.file) if study.design else str(study.source)],
        ["Exclusions", f"{exclusion.note} — {results.quality.policy.describe(screened)}"],
        ["Seed", f"{results.seed if results.seed is not None else 0} (permutations and bootstrap)"],
        ["Plan", results.plan.file if results.plan.file else "none (defaults)"],
        ["axiosphere", _version("axiosphere")],
        *[[name, _version(name)] for name in ("numpy", "pandas", "scipy", "statsmodels", "pingouin", "matplotlib")],
        *[[f"instrument {i.id}", f"{i.version} ({i.content_hash[:12]})"] for i in study.instruments],
    ])
    _number_tables(context)
    return context


def sample_table(study: Any) -> Table:
    """Who was interviewed in each city: n analysed, share of women, age (mean and SD), as the sex and age roles say."""
    data = study.data
    sex = next((i.role_item("sex") for i in study.instruments if i.role_item("sex")), None)
    age = next((i.role_item("age") for i in study.instruments if i.role_item("age")), None)
    female = None
    if sex is not None and sex.id in data.columns:
        owner = next(i for i in study.instruments if sex.id in i.items)
        female = next((p.value for p in owner.response_scales[sex.scale].points if p.name == "female"), None)
    rows = []
    for city, part in data.groupby("city", sort=True):
        row = [study.city_name(str(city)), str(len(part))]
        row.append(f"{(part[sex.id] == female).mean():.0%}" if female is not None else "")
        ages = part[age.id].dropna() if age is not None and age.id in part.columns else None
        row.append(f"{ages.mean():.1f} ({ages.std():.1f})" if ages is not None and len(ages) > 1 else "")
        rows.append(row)
    return Table("sample", "Interviews analysed per city", ["City", "n", "Women", "Age M (SD)"], rows,
                 "After the exclusions described below; women as recorded by the instrument's sex item.", ["n"])


def weights_table(study: Any) -> tuple[Table | None, str]:
    """Raking to each city's population margins (targets from study.yaml): design effect and effective n."""
    from axiosphere.analysis.weights import rake
    from axiosphere.instruments.errors import InputError

    if study.design is None or not any(c.sex_margin or c.age_margin for c in study.cities.values()):
        return None, "The study gives no population margins, so no weights were computed (the analyses are unweighted)."
    try:
        from axiosphere.survey.margins import margin_columns

        _, frame, margins = margin_columns(study.source, study.data)
        result = rake(frame, margins, by="city", unknown="keep")
    except InputError as exc:
        return None, f"Weights could not be computed: {exc}"
    rows = [[study.city_name(str(r.group)), "yes" if r.raked else "no", str(r.n), f"{r.n_eff:.1f}", f"{r.deff_kish:.2f}",
             f"{r.min:.2f}–{r.max:.2f}"] for r in result.diagnostics.itertuples()]
    return Table("weights", "Weights raked to population margins (sex and age band)",
                 ["City", "Raked", "n", "n eff", "deff", "Range"], rows,
                 "Kish's design effect and effective n; cities without margins keep weight 1. The analyses in this "
                 "report are unweighted; the weights are for descriptive estimates (analyze compare --weights).",
                 ["n"]), ""


def _summary(data: Any) -> str:
    """How many interviews in how many cities, and (from a response store) when and by how many interviewers: a
    data file may record neither."""
    text = f"{len(data)} complete interviews in {data['city'].nunique()} cities"
    if {"started", "ended"} <= set(data.columns) and data["started"].notna().any():
        text += f", {data['started'].min():%d %B %Y} to {data['ended'].max():%d %B %Y}"
    if "interviewer" in data.columns and data["interviewer"].notna().any():
        text += f", by {data['interviewer'].nunique()} interviewers"
    return text + "."


def report_date(data: Any) -> datetime:
    """The report's date: SOURCE_DATE_EPOCH when set (reproducible builds), else the later of today and the end
    of fieldwork, so a report is never dated before the interviews it reports."""
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    today = datetime.now(timezone.utc).replace(microsecond=0)
    end = data["ended"].max() if "ended" in data and len(data) else None
    return max(today, end.to_pydatetime()) if end is not None and end == end else today


def _number_tables(context: dict[str, Any]) -> None:
    """Number the tables shown, in the order the report shows them (Table 1, Table 2, ...)."""
    from dataclasses import replace

    shown = context["shown"]
    order: list[tuple[str, str | tuple[str, ...]]] = [
        ("study", "cities_table"), ("study", "instruments_table"), ("quality", "sample_table"),
        ("quality", "weights_table"), ("quality", "quality_table"),
        ("reliability", "reliability_tables"), ("invariance", "invariance"), ("invariance", "alignment"),
        ("comparisons", "comparison_table"),
        ("comparisons", "omnibus_table"), ("comparisons", "descriptives_table"), ("maps", "hierarchy_table"),
        ("maps", "network_table"), ("appendix", "appendix_table")]
    n = 0

    def numbered(table: Table) -> Table:
        nonlocal n
        n += 1
        return replace(table, number=n)

    for section, key in order:
        if context.get(key) is None or section not in shown:
            continue
        if key == "reliability_tables":
            context[key] = [numbered(t) for t in context[key]]
        elif key == "invariance":
            for item in context[key]:
                item["table"] = numbered(item["table"])
                if "means" in item:
                    item["means"] = numbered(item["means"])
        elif key == "alignment":
            for item in context[key]:
                item["means"], item["flags"] = numbered(item["means"]), numbered(item["flags"])
        else:
            context[key] = numbered(context[key])


def _invariance_entry(entry: InvarianceEntry, city_name: Callable[[str], str] = str) -> dict[str, Any]:
    result, label = entry.result, entry.label
    highest = result.highest or ""
    freed = [f for level in result.levels if level.partial and level.holds for f in level.freed]
    listed = "; ".join(f"the {f['param']} of {f['item']} in {city_name(f['group'])}" for f in freed)
    if highest in ("scalar", "strict"):
        text = f"Scalar invariance holds for {label}: latent and observed scale means may be compared across cities."
    elif highest in ("partial scalar", "partial strict"):
        text = (f"Full scalar invariance does not hold for {label}; partial scalar invariance holds with {listed} free. "
                "Latent means (below) may be compared; observed means still carry the non-invariant item(s), so "
                "differences in observed means are not interpreted as differences in the trait.")
    elif highest.removeprefix("partial ") == "metric":
        text = (f"Only {highest} invariance holds for {label}: relationships (correlations, regressions) may "
                "be compared across cities, but differences in means may reflect item bias and are not interpreted as such.")
    else:
        text = f"Not even metric invariance holds for {label}: cross-city comparisons are not defensible."
    entry_dict: dict[str, Any] = {"title": label, "table": invariance_table(result, label, name=f"invariance_{entry.scale}",
                                                                  city_name=city_name),
                                  "text": text}
    if result.means_comparable and len(result.latent_means):
        entry_dict["means"] = latent_means_table(result, label, city_name, name=f"latent_means_{entry.scale}")
    return entry_dict


def _comparison_texts(results: Any) -> list[str]:
    texts = []
    tested = {e.scale for e in results.invariance}
    full = {e.scale for e in results.invariance if e.result.highest in ("scalar", "strict")}
    partial = {e.scale for e in results.invariance if e.result.means_comparable} - full
    for r in results.comparison.pairs.itertuples():
        label = results.comparison_labels.get(r.scale, r.scale)
        if r.scale in full:
            caveat = ""
        elif r.scale in partial:
            caveat = (" (only partial scalar invariance holds: the observed means carry a non-invariant item; "
                      "see the latent means in section 4)")
        elif r.scale in tested:
            caveat = " (scalar invariance does not hold for this scale, so this difference is not interpreted as one in means)"
        else:
            caveat = " (measurement invariance was not tested for this scale)"
        if r.p_adj < 0.05:
            name = results.study.city_name
            higher = name(r.a if r.t > 0 else r.b)
            texts.append(f"{label}: {higher} scores higher ({name(r.a)} vs {name(r.b)}: t({number(r.df, 1)}) = {number(r.t)}, "
                         f"adjusted p {'< .001' if r.p_adj < 0.001 else '= ' + p_value(r.p_adj)}, g = {number(r.hedges_g)}){caveat}.")
    if not texts:
        texts.append("No twin-link difference is statistically reliable after adjustment for the number of scales tested.")
    return texts


def _methods(results: StudyResults) -> str:
    n_links = len(results.study.links)
    mapped = next((i for i in results.study.instruments if i.id == results.valuemap_instrument), None)
    centred = [i.id for i in results.study.instruments if i.centring == "mrat"]
    return (f"Answers were collected with axiosphere {_version('axiosphere')} (Python; numpy {_version('numpy')}, pandas "
            f"{_version('pandas')}, scipy {_version('scipy')}, statsmodels {_version('statsmodels')}, pingouin "
            f"{_version('pingouin')}). Scale scores follow each instrument's scoring key (direction, reverse keys, minimum "
            "valid items)" + (f"; scores of {', '.join(centred)} are centred on each respondent's mean rating (MRAT; "
                              "Schwartz, 2003)" if centred else "") + ". Reliability is Cronbach's alpha with Feldt's confidence interval (Feldt et al., "
            "1987) and McDonald's omega total from a one-factor maximum-likelihood CFA (McDonald, 1999). Measurement invariance "
            "across cities was tested with multi-group CFA (configural, metric, scalar; Rosseel, 2012, conventions) and judged "
            f"by Chen's (2007) cut-offs, freeing non-invariant parameters by score tests. The {n_links} twin links were compared "
            "with Welch's t tests and Hedges' g; "
            + (f"p values were adjusted across {results.comparison.family_text} "
               + {"holm": "by Holm's (1979) method.", "fdr_bh": "by Benjamini and Hochberg's (1995) method.",
                  "none": "(no adjustment was made)."}[results.plan.adjust]
               if results.comparison is not None else "no comparison could be computed.")
            + (" Value structure was examined by ordinal MDS with Stress-1 judged against permuted data and by the randomisation "
               "test of hypothesised order (Hubert & Arabie, 1987)" if mapped else "")
            + (f"; city hierarchies were related to the published baseline ({mapped.circumplex.baseline_source})"
               if mapped and mapped.circumplex.baseline else "") + ("." if mapped else ""))


def command_html(command: str) -> Any:
    """A command line for the page: an option (``--permute``) never breaks after its dashes, where a reader copying
    from the PDF would get ``-- permute``; paths and values still wrap where they must.

    >>> str(command_html("axiosphere map s --seed 1"))
    'axiosphere map s <span class="nb">--seed</span> 1'
    """
    from markupsafe import Markup, escape

    return Markup(" ").join(Markup(f'<span class="nb">{escape(token)}</span>') if token.startswith("-") else escape(token)
                            for token in command.split(" "))


def render_report(results: StudyResults, folder: str | Path, *, formats: tuple[str, ...] = ("html", "pdf")) -> list[Path]:
    """Write ``report.html`` (one self-contained file) and, with ``"pdf"`` among ``formats``, ``report.pdf`` into
    ``folder``; returns their paths.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from axiosphere.analysis.example_data import value_survey
    >>> from axiosphere.pipeline import analyse_study
    >>> from axiosphere.study import open_study
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> value_survey(n=60)[0].to_csv(folder / "answers.csv", index=False)
    >>> written = render_report(analyse_study(open_study(folder / "answers.csv"), permutations=5), folder / "report",
    ...                         formats=("html",))
    >>> [path.name for path in written], "Reliability" in written[0].read_text(encoding="utf-8")
    (['report.html'], True)
    """
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    environment = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                              autoescape=select_autoescape(["html", "j2"]))
    environment.filters["stat"] = html_text
    environment.filters["command"] = command_html
    template, context = environment.get_template("report.html.j2"), build_context(results)
    html = template.render(**context)
    written = []
    if "html" in formats or "pdf" in formats:
        path = folder / "report.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        from weasyprint import HTML

        pdf = folder / "report.pdf"
        HTML(string=template.render(**context, printed=True), base_url=str(folder)).write_pdf(pdf)
        written.append(pdf)
    return written
