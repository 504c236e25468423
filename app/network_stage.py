"""The report's twin-network stage: the study's pairs of cities as dyads and the QAP test of whether twinned
pairs are closer in values (``analyze dyads`` and ``analyze network`` run the same functions).

It runs when the study has six or more cities (or when the plan says ``network: true``), has an instrument
with a value circle, and has both twinned and untwinned pairs. With cities of exactly two countries the
pairs are every country-A x country-B pair and each country's cities are permuted among themselves. With
cities of more countries, the same for the two countries with the most twin links between them (a note says
which, and which cities are left out), when those pairs hold both twinned and untwinned ones; otherwise
every pair, one permutation of all cities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NETWORK_REPS = 1000  # permutations in the report (the command line's default is 2,000)


@dataclass(frozen=True)
class NetworkEntry:
    """The dyad table, the QAP logit of the tie on value distance, and (when every link says how active it is) the
    QAP least squares of activity on value distance."""

    dyads: Any  # analysis.dyads.DyadTable
    fit: Any  # analysis.qap.QapResult
    activity: Any = None  # analysis.qap.QapResult or None


def network_inputs(study: Any) -> tuple[Any, list[str], dict[str, str], Any]:
    """From a study: answers with MRAT-centred values and trust scores, the value columns, {trust scale: column}
    and the cities' table (country, name, coordinates, covariates)."""
    import pandas as pd

    from axiosphere.instruments.errors import InputError
    from axiosphere.pipeline import trust_columns

    mapped = [i for i in study.instruments if i.circumplex is not None]
    if not mapped:
        raise InputError("value distances need an instrument that declares a value circle (circumplex) in the study")
    frame = study.data.copy()
    order = list(mapped[0].circumplex.order)
    centred = study.scores(mapped[0]).centred
    for value in order:
        frame[f"_value_{value}"] = centred[value]
    trust, _ = trust_columns(study, frame)
    rows = {}
    for city_id, city in study.cities.items():
        row: dict[str, Any] = {"country": city.country, "name": study.city_name(city_id)}
        if city.coordinates:
            row["latitude"], row["longitude"] = city.coordinates
        row |= {f"covariate_{k}": v for k, v in city.covariates.items()}
        rows[city_id] = row
    return frame, [f"_value_{v}" for v in order], trust, pd.DataFrame.from_dict(rows, orient="index")


def network_stage(study: Any, *, seed: int = 0) -> NetworkEntry:
    """Dyads of the study's cities and the DSP-QAP logit of twinning on value distance."""
    from dataclasses import replace

    from axiosphere.analysis.dyads import busiest_countries, dyad_table
    from axiosphere.analysis.qap import qap_regression
    from axiosphere.instruments.errors import InputError

    frame, values, trust, cities = network_inputs(study)
    present = sorted(set(frame["city"].astype(str)) & set(cities.index))
    found = cities.loc[present, "country"].nunique()
    countries = busiest_countries(cities.loc[present], study.links) if found > 2 else None
    dyads = None
    if countries:
        dyads = dyad_table(frame, values, cities=cities, links=study.links, trust=trust, pairs="cross-country",
                           countries=countries, seed=seed)
        if dyads.frame["tie"].nunique() < 2:
            dyads = None  # the busiest two countries are all twinned (or none): every pair instead
        else:
            dyads = replace(dyads, notes=(f"the pairs are those of {countries[0]} and {countries[1]} cities, the two "
                                          "countries with the most twin links between them", *dyads.notes))
    if dyads is None:
        dyads = dyad_table(frame, values, cities=cities, links=study.links, trust=trust,
                           pairs="cross-country" if found == 2 else "all", seed=seed)
        if countries:  # said, not silent: the most-linked countries' pairs could not be compared
            dyads = replace(dyads, notes=(f"the pairs of {countries[0]} and {countries[1]} cities are all twinned or "
                                          "none is: every pair of cities instead", *dyads.notes))
    ties = int(dyads.frame["tie"].sum())
    if ties == 0 or ties == len(dyads.frame):
        raise InputError(f"the {len(dyads.frame)} pairs of cities are all {'twinned' if ties else 'untwinned'}: "
                         "nothing to compare")
    two = dyads.pairs == "cross-country"
    scheme = {"method": "dsp", "permute": "rows-columns" if two else "joint", "reps": NETWORK_REPS, "seed": seed}
    fit = qap_regression(dyads.frame, "tie", ["value_distance"], **scheme)
    # Does a tie's activity grow with closeness? Only when every link gives its contacts (or is dormant): a link
    # of unknown activity would otherwise count as none.
    known = dyads.frame.loc[dyads.frame["tie"] == 1, "activity"].notna().all()
    activity = qap_regression(dyads.frame, "activity", ["value_distance"], model="ols", **scheme) if known else None
    return NetworkEntry(dyads, fit, activity)
