"""``axiosphere analyze dyads`` (the twin network as a table of city pairs) and ``axiosphere analyze network``
(dyadic regression with QAP permutation tests on that table)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from axiosphere.analyze_cli import EXCLUDE, JSON, _emit, _note, _open, _split, _stated, _table, analyze_app

PAIRS = typer.Option("linked", "--pairs", help="Which pairs of cities: linked (the twin links), cross-country (every "
                                               "pair from two countries, for QAP), or all (every pair).")


@analyze_app.command("dyads")
def dyads(
    data: Path = typer.Argument(..., help="A study folder (its cities, links and answers)."),
    pairs: str = PAIRS,
    countries: Optional[str] = typer.Option(None, "--countries", help="With --pairs cross-country: the two countries "
                                            "whose cities are paired, e.g. RU,US (needed when the cities are in more "
                                            "than two; the others are left out)."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write the dyad table here (.csv); printed when not given."),
    bootstrap: int = typer.Option(200, "--bootstrap", help="Resamples of respondents within each city for the "
                                                           "standard error of each value distance."),
    seed: int = typer.Option(0, "--seed", help="Seed of the bootstrap (the same seed gives the same table)."),
    exclude_flagged: Optional[bool] = EXCLUDE,
    plan: Optional[Path] = typer.Option(None, "--plan", help="A report plan: its exclusion rules apply; its cities do "
                                        "not (the network pairs every city of the study, as in the report)."),
    json: bool = JSON,
) -> None:
    """One row a pair of cities: the tie and its activity, value distance (with bootstrap SE), trust gaps,
    geographic distance and the cities' covariates."""
    from axiosphere.analysis.dyads import dyad_table
    from axiosphere.network_stage import network_inputs
    from axiosphere.reports.apa import number

    study = _open(data, [], exclude_flagged, plan, every_city=True)
    frame, values, trust, cities = network_inputs(study)
    table = dyad_table(frame, values, cities=cities, links=study.links, trust=trust, pairs=pairs, n_boot=bootstrap,
                       seed=seed, countries=[c.strip() for c in countries.split(",") if c.strip()] if countries else None)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        table.frame.to_csv(out, index=False)
    if json:
        _emit({**table.to_dict(), "file": str(out) if out else None, **_stated(study, "city", list(table.notes))})
        return
    d = table.frame
    gaps = [c for c in d.columns if c.endswith("_gap") and c[:-4] in trust]
    shown = d if out is None else d.head(12)
    _table(f"Dyads of {study.title} ({pairs} pairs: {len(d)}, of which {int(d['tie'].sum())} twin links)",
           ["a", "b", "tie", "activity", "value distance", "SE", *[g[:-4] + " gap" for g in gaps]],
           [[r["a"], r["b"], r["tie"], "—" if r["activity"] != r["activity"] or r["activity"] is None else number(r["activity"], 1),
             number(r["value_distance"]), number(r["value_distance_se"]), *[number(r[g]) for g in gaps]]
            for r in shown.to_dict(orient="records")])
    if out is not None:
        print(f"wrote {len(d)} dyads to {out}" + (" (the first 12 shown)" if len(d) > 12 else ""))
    if d["tie"].nunique() == 2:
        linked, other = d.loc[d["tie"] == 1, "value_distance"], d.loc[d["tie"] == 0, "value_distance"]
        print(f"mean value distance: twinned pairs {linked.mean():.2f} (n = {len(linked)}), other pairs "
              f"{other.mean():.2f} (n = {len(other)}); test it with: axiosphere analyze network DYADS.csv "
              "--outcome tie --predictors value_distance")
    _note(study, "city", list(table.notes))


@analyze_app.command("network")
def network(
    dyads_file: Path = typer.Argument(..., help="A dyad table (.csv) from 'axiosphere analyze dyads'."),
    outcome: str = typer.Option("tie", "--outcome", help="The dyad outcome: tie (0/1: logit) or activity (contacts a "
                                                         "year: least squares), or any column of the table."),
    predictors: list[str] = typer.Option(["value_distance"], "--predictors",
                                         help="Dyad predictors (comma-separate): columns of the dyad table, e.g. value_distance or a <scale>_gap."),
    method: str = typer.Option("dsp", "--method", help="dsp: Dekker et al.'s double semi-partialling (robust to "
                                                       "collinear predictors; sna's default), or y: QAP Y-permutation."),
    permute: str = typer.Option("rows-columns", "--permute", help="rows-columns: each country's cities relabelled "
                                "within their country (two-country rectangle); joint: one relabelling of all cities "
                                "(every pair; as sna)."),
    reps: int = typer.Option(2000, "--reps", help="Permutations (p-values are the share at least as extreme, two-sided)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the permutations."),
    figures: Optional[Path] = typer.Option(None, "--figures", help="Also draw the dyad plot (outcome against the first "
                                           "predictor) and, for two countries, the network, as PDF/SVG/PNG here."),
    json: bool = JSON,
) -> None:
    """Dyadic regression with QAP permutation p-values: are twinned cities closer in values and trust?"""
    import pandas as pd

    from axiosphere.analysis.qap import qap_regression
    from axiosphere.instruments.errors import InputError
    from axiosphere.reports.apa import number, p_value

    if not dyads_file.is_file():
        raise InputError(f"no dyad table at {dyads_file} (make one with: axiosphere analyze dyads STUDY --out dyads.csv)")
    table = pd.read_csv(dyads_file)
    fit = qap_regression(table, outcome, _split(predictors), method=method, permute=permute, reps=reps, seed=seed)
    drawn = []
    if figures is not None:
        from axiosphere.reports.network_figures import network_figures

        drawn = [str(p) for p in network_figures(table, outcome, _split(predictors)[0], figures)]
    if json:
        _emit({**fit.to_dict(), "figures": drawn})
        return
    kind = "logit" if fit.model == "logit" else "least squares"
    statistic = "z" if fit.model == "logit" else "t"
    _table(f"{outcome} on {', '.join(_split(predictors))} ({kind}, {fit.n_dyads} dyads of {fit.n_rows} x {fit.n_columns} cities)",
           ["term", "b", "SE", statistic, "p (QAP)", "p (classical)"],
           [[r.term, number(r.estimate, 3), number(r.se, 3), number(r.statistic), p_value(r.p_permutation),
             p_value(r.p_classical)] for r in fit.table.itertuples()])
    print("  ".join(f"{k.replace('_', ' ')} {v:.3f}" for k, v in fit.fit.items()))
    print("p (QAP): the share of permutations of the cities giving a statistic at least as large in absolute value; "
          "p (classical) treats dyads as independent, which they are not (pairs share cities).")
    for note in fit.notes:
        print(f"note: {note}")
    if drawn:
        print(f"figures: {', '.join(sorted({str(Path(p).with_suffix('')) for p in drawn}))} (.pdf, .svg, .png)")
