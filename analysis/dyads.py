"""The twin network as dyadic data: one row a pair of cities, with the tie and what separates the two cities.

For every pair chosen (``linked``: the twin links; ``cross-country``: every pair of cities from two
countries, the rectangle a QAP regression permutes; ``all``: every pair), the table holds:

- the tie (1 for a twin link, 0 otherwise) and its attributes (``since``, ``active``, ``areas``,
  ``contacts_per_year``), with ``activity``: contacts a year, 0 for a dormant tie and for no tie;
- ``value_distance``: the Euclidean distance between the two cities' mean MRAT-centred value
  profiles (as in the value maps) and ``value_distance_se``, its bootstrap standard error
  (respondents resampled within each city);
- for each trust scale, ``<scale>_gap``: the absolute difference of the cities' mean scores;
- ``distance_km`` (great-circle, from the cities' coordinates) and, for each covariate the cities
  give (population, ...), its values ``<name>_a``, ``<name>_b`` and ``<name>_gap`` = |a - b|.

Example
-------
>>> import pandas as pd
>>> data = pd.DataFrame({"city": ["x", "x", "y", "y"], "v1": [1.0, 0.0, -1.0, 0.0], "v2": [0.0, 1.0, 0.0, -1.0]})
>>> cities = pd.DataFrame({"country": ["RU", "US"]}, index=["x", "y"])
>>> table = dyad_table(data, ["v1", "v2"], cities=cities, links=[("x", "y")], n_boot=20)
>>> round(float(table.frame.loc[0, "value_distance"]), 3)
1.414
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from axiosphere.instruments.errors import InputError

PAIRS = ("linked", "cross-country", "all")
EARTH_KM = 6371.0088  # mean Earth radius (IUGG)


@dataclass(frozen=True)
class DyadTable:
    """The dyads of a twin network and how they were made."""

    frame: Any
    pairs: str
    n_boot: int
    seed: int
    notes: tuple[str, ...] = field(default=())
    countries: tuple[str, ...] = ()  # the two countries paired, when they were named

    def to_frame(self) -> Any:
        return self.frame

    def to_dict(self) -> dict[str, Any]:
        return {"pairs": self.pairs, "countries": list(self.countries), "n_boot": self.n_boot, "seed": self.seed,
                "notes": list(self.notes),
                "dyads": self.frame.to_dict(orient="records")}


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between two (latitude, longitude) points in degrees."""
    lat1, lon1, lat2, lon2 = map(np.radians, (*a, *b))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return float(2 * EARTH_KM * np.arcsin(np.sqrt(h)))


def busiest_countries(cities: Any, links: Sequence[Any]) -> tuple[str, str] | None:
    """The two countries with the most twin links between them (ties broken by name), or None without any."""
    country = cities["country"].astype(str).to_dict()
    counts: dict[tuple[str, str], int] = {}
    for link in links:
        a, b = (link[0], link[1]) if isinstance(link, tuple) else (link.a, link.b)
        pair = tuple(sorted((country.get(a, ""), country.get(b, ""))))
        if pair[0] and pair[1] and pair[0] != pair[1]:
            counts[pair] = counts.get(pair, 0) + 1  # type: ignore[index]
    return max(sorted(counts), key=lambda p: counts[p]) if counts else None  # type: ignore[return-value]


def _pairs(kind: str, cities: Any, present: list[str], links: Sequence[tuple[str, str]],
           countries: Sequence[str] | None) -> list[tuple[str, str]]:
    if kind == "linked":
        return [(a, b) for a, b in links if a in present and b in present]
    if kind == "all":
        return [(a, b) for k, a in enumerate(present) for b in present[k + 1:]]
    found = list(dict.fromkeys(cities.loc[present, "country"]))
    chosen = list(countries) if countries else found
    if len(chosen) != 2:
        busiest = busiest_countries(cities.loc[present], links)
        hint = f" (the most twinned pair: --countries {','.join(busiest)})" if busiest else ""
        raise InputError(f"cross-country pairs need cities of exactly two countries; these are in {len(found)} "
                         f"({', '.join(found)}): name two with --countries{hint}, or use --pairs all or --pairs linked")
    absent = [c for c in chosen if c not in found]
    if absent:
        raise InputError(f"no city with answers is in country {', '.join(absent)} (the cities' countries: {', '.join(found)})")
    first = [c for c in present if cities.loc[c, "country"] == chosen[0]]
    second = [c for c in present if cities.loc[c, "country"] == chosen[1]]
    return [(a, b) for a in first for b in second]


def dyad_table(data: Any, values: Sequence[str], *, cities: Any, links: Sequence[Any], by: str = "city",
               trust: Mapping[str, str] | None = None, pairs: str = "linked", countries: Sequence[str] | None = None,
               n_boot: int = 200, seed: int = 0) -> DyadTable:
    """One row a pair of cities (see the module's text).

    ``data``: one row a respondent, with ``by``, the MRAT-centred ``values`` and the ``trust`` columns
    ({scale: column}); ``cities``: indexed by city id, with ``country`` and optionally ``name`` (for the
    notes), ``latitude``, ``longitude`` and numeric covariates (``covariate_<name>``); ``links``: (a, b) pairs or
    link objects with ``a``, ``b``, ``since``, ``active``, ``areas``, ``contacts_per_year``. ``countries``: for
    ``cross-country`` pairs, the two countries whose cities are paired (needed when the cities are in more than
    two; the cities of other countries are left out, and a note says so).

    Examples
    --------
    >>> import pandas as pd
    >>> from axiosphere.analysis.scoring import score
    >>> from axiosphere.analysis.example_data import value_survey
    >>> data, pvq = value_survey({"tver": (0.3, 0.0), "kaluga": (0.0, 0.3), "buffalo": (0.3, 0.1),
    ...                           "lawrence": (-0.3, 0.3)}, n=100, seed=1)
    >>> values = score(data, pvq).centred[list(pvq.circumplex.order)]
    >>> cities = pd.DataFrame({"country": ["RU", "RU", "US", "US"]}, index=["tver", "kaluga", "buffalo", "lawrence"])
    >>> table = dyad_table(data[["city"]].join(values), list(values.columns), cities=cities,
    ...                    links=[("tver", "buffalo")], pairs="cross-country", n_boot=50)
    >>> table.frame[["a", "b", "tie", "value_distance"]].round(2)
            a         b  tie  value_distance
    0    tver   buffalo    1            0.11
    1    tver  lawrence    0            1.56
    2  kaluga   buffalo    0            1.02
    3  kaluga  lawrence    0            0.84

    References
    ----------
    Schwartz, S. H. (2012). An overview of the Schwartz theory of basic values. Online Readings in Psychology and
    Culture, 2(1) (MRAT centring). Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap.
    """
    import pandas as pd

    if pairs not in PAIRS:
        raise InputError(f"--pairs must be one of {', '.join(PAIRS)}, not '{pairs}'")
    if n_boot < 2:
        raise InputError(f"the bootstrap needs at least 2 resamples, not {n_boot}")
    values, trust = list(values), dict(trust or {})
    absent = [c for c in [by, *values, *trust.values()] if c not in data.columns]
    if absent:
        raise InputError(f"the data have no column {', '.join(repr(c) for c in absent)}")
    unknown = sorted(set(data[by].dropna().astype(str)) - set(map(str, cities.index)))
    if unknown:
        raise InputError(f"city '{unknown[0]}' of the data is not among the study's cities ({', '.join(map(str, cities.index))})")
    group = data[by].astype(str)
    complete = data[values].notna().all(axis=1)
    present = [c for c in map(str, cities.index) if (complete & (group == c)).sum() >= 2]

    def named(city: str) -> str:
        return str(cities.loc[city, "name"]) if "name" in cities.columns else city

    notes = [f"city {named(c)} has fewer than two respondents with every value answered: left out"
             for c in map(str, cities.index) if c not in present]
    by_pair = {frozenset((link[0], link[1]) if isinstance(link, tuple) else (link.a, link.b)): link for link in links}
    link_pairs = [tuple(p) if isinstance(p, tuple) else (p.a, p.b) for p in links]
    if countries is not None and (pairs != "cross-country" or len(countries) != 2):
        raise InputError("--countries names two countries, for --pairs cross-country")
    chosen = _pairs(pairs, cities, present, link_pairs, countries)
    if countries is not None:
        others = [c for c in present if cities.loc[c, "country"] not in countries]
        if others:
            notes.append(f"{len(others)} {'city' if len(others) == 1 else 'cities'} outside {' and '.join(countries)} "
                         f"left out of the pairs: {', '.join(map(named, others))}")
    rng = np.random.default_rng(seed)
    profile, boot = {}, {}
    for city in present:
        x = data.loc[complete & (group == city), values].to_numpy(dtype=float)
        profile[city] = x.mean(axis=0)
        boot[city] = x[rng.integers(0, len(x), (n_boot, len(x)))].mean(axis=1)
    means = {name: data.loc[data[column].notna()].groupby(group)[column].mean() for name, column in trust.items()}
    counts = complete.groupby(group).sum()
    covariates = [c for c in cities.columns if c.startswith("covariate_")]
    rows = []
    for a, b in chosen:
        link = by_pair.get(frozenset((a, b)))
        info = {} if link is None or isinstance(link, tuple) else {
            "since": link.since, "active": link.active, "areas": ";".join(link.areas), "contacts_per_year": link.contacts_per_year}
        tie = int(link is not None)
        activity = 0.0 if not tie or info.get("active") is False else info.get("contacts_per_year")
        row = {"a": a, "b": b, "country_a": cities.loc[a, "country"], "country_b": cities.loc[b, "country"], "tie": tie,
               "since": info.get("since"), "active": info.get("active"), "areas": info.get("areas", ""),
               "contacts_per_year": info.get("contacts_per_year"), "activity": activity,
               "n_a": int(counts.get(a, 0)), "n_b": int(counts.get(b, 0)),
               "value_distance": float(np.linalg.norm(profile[a] - profile[b])),
               "value_distance_se": float(np.linalg.norm(boot[a] - boot[b], axis=1).std(ddof=1))}
        for name, table in means.items():
            row[f"{name}_gap"] = abs(float(table.get(a, np.nan)) - float(table.get(b, np.nan)))
        if {"latitude", "longitude"} <= set(cities.columns):
            where = [cities.loc[c, ["latitude", "longitude"]].to_numpy(dtype=float) for c in (a, b)]
            row["distance_km"] = great_circle_km(tuple(where[0]), tuple(where[1])) if not np.isnan(where).any() else np.nan
        for column in covariates:
            name, x, y = column[len("covariate_"):], float(cities.loc[a, column]), float(cities.loc[b, column])
            row |= {f"{name}_a": x, f"{name}_b": y, f"{name}_gap": abs(x - y)}
        rows.append(row)
    if not rows:
        raise InputError(f"no {pairs} pair of cities has respondents in the data")
    frame = pd.DataFrame(rows)
    if pairs != "linked" and frame["tie"].sum() < len(link_pairs):
        notes.append(f"{len(link_pairs) - int(frame['tie'].sum())} twin link(s) fall outside the {pairs} pairs")
    notes.append(f"value distances' standard errors from {n_boot} bootstrap resamples of respondents within each city "
                 f"(seed {seed})")
    return DyadTable(frame, pairs, n_boot, seed, tuple(notes), tuple(countries or ()))
