"""Small synthetic data sets for examples and tutorials (as seaborn's and pingouin's example data, but drawn, so
that nothing is downloaded and every number in an example can be reproduced from its seed).

Examples
--------
>>> data = one_factor_groups({"orsha": 0.0, "tver": 0.5}, n=100, seed=1)
>>> data.groupby("city").size().to_dict(), list(data.columns)
({'orsha': 100, 'tver': 100}, ['city', 't1', 't2', 't3', 't4'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from axiosphere.instruments.errors import InputError


def one_factor_groups(groups: Mapping[str, float], *, n: int = 200, loadings: Sequence[float] = (0.8, 0.7, 0.6, 0.5),
                      drift: Mapping[tuple[str, str], float] | None = None, seed: int = 0) -> Any:
    """Answers of ``n`` respondents a group to items ``t1``, ``t2``, ... driven by one factor.

    Each group's factor has the mean given in ``groups`` and variance 1; item k is
    ``4 + loadings[k] * factor + noise`` (noise SD 0.6), plus ``drift[(group, item)]`` where given: an intercept
    that differs in one group, as a non-invariant item.

    Parameters
    ----------
    groups
        {group: factor mean}.
    n
        Respondents a group.
    loadings
        One loading an item (the number of items).
    drift
        {(group, item): shift of that item's intercept in that group}.
    seed
        Seed of the draws.

    Returns
    -------
    pandas.DataFrame
        ``city`` and one column an item.

    Examples
    --------
    >>> data = one_factor_groups({"orsha": 0.0, "tver": 0.5}, n=2000, drift={("tver", "t4"): 1.0}, seed=2)
    >>> means = data.groupby("city")[["t1", "t4"]].mean().round(1)
    >>> means.loc["tver"].tolist()  # t1 moves with the factor (0.8 x 0.5); t4 by 0.5 x 0.5 and its drift
    [4.4, 5.2]
    """
    import pandas as pd

    if not groups or n < 1 or not loadings:
        raise InputError("example data need at least one group, one respondent and one item")
    items = [f"t{k + 1}" for k in range(len(loadings))]
    unknown = [key for key in (drift or {}) if key[0] not in groups or key[1] not in items]
    if unknown:
        raise InputError(f"drift names a group or item the data do not have: {unknown[0]}")
    rng = np.random.default_rng(seed)
    frames = []
    for group, mean in groups.items():
        factor = mean + rng.normal(size=(n, 1))
        values = 4.0 + factor * np.asarray(loadings) + rng.normal(0, 0.6, size=(n, len(items)))
        frame = pd.DataFrame(values, columns=items)
        for (where, item), shift in (drift or {}).items():
            if where == group:
                frame[item] += shift
        frames.append(frame.assign(city=group)[["city", *items]])
    return pd.concat(frames, ignore_index=True)


def value_survey(cities: Mapping[str, tuple[float, float]] | None = None, *, n: int = 150,
                 seed: int = 1) -> tuple[Any, Any]:
    """Answers of ``n`` respondents a city to the bundled PVQ-21, with its circular value structure, and the
    instrument: each city leans towards a point ``(x, y)`` of the value circle's plane (x > 0: towards its first
    value, universalism; y > 0: a quarter turn on). Default: Orsha towards universalism, Tver away from it,
    Smolensk a quarter turn on.

    Examples
    --------
    >>> data, values = value_survey(n=50)
    >>> data.groupby("city").size().to_dict(), values.circumplex is not None
    ({'orsha': 50, 'smolensk': 50, 'tver': 50}, True)
    """
    from axiosphere.instruments import bundled_names, resolve_instrument

    values = next(i for i in map(resolve_instrument, bundled_names()) if i.circumplex is not None)
    leans = dict(cities or {"orsha": (0.3, 0.0), "tver": (-0.3, 0.0), "smolensk": (0.0, 0.3)})
    return circumplex_answers(values, leans, n=n, seed=seed), values


def value_map_result(*, n: int = 100, seed: int = 1) -> Any:
    """The value maps of ``value_survey``'s three cities, Orsha twinned with Tver and Smolensk (few permutations
    and resamples: for examples of the figures, not for inference).

    Examples
    --------
    >>> value_map_result().distances[["a", "b"]].values.tolist()
    [['orsha', 'tver'], ['orsha', 'smolensk']]
    """
    from axiosphere.analysis.valuemap import value_map

    data, pvq = value_survey(n=n, seed=seed)
    return value_map(data, pvq, by="city", links=[("orsha", "tver"), ("orsha", "smolensk")], n_perm=5, n_boot=50,
                     seed=seed)


def alignment_result() -> Any:
    """The alignment of ``one_factor_groups``' four items in Orsha, Smolensk and Tver, item t4's intercept drifting
    by 0.8 in Tver: for examples of the alignment figures.

    Examples
    --------
    >>> alignment_result().means["group"].tolist()
    ['orsha', 'smolensk', 'tver']
    """
    from axiosphere.analysis.alignment import alignment

    data = one_factor_groups({"orsha": 0.0, "smolensk": 0.3, "tver": 0.5}, n=300, drift={("tver", "t4"): 0.8}, seed=1)
    return alignment(data, ["t1", "t2", "t3", "t4"], by="city")


def twin_comparison() -> Any:
    """Two scales (trust, fairness: means of ``one_factor_groups``' item pairs) compared along Orsha's links to
    Tver and Smolensk: for examples of the link-effect figures.

    Examples
    --------
    >>> twin_comparison().pairs[["scale", "a", "b"]].drop_duplicates().values.tolist()[:2]
    [['trust', 'orsha', 'tver'], ['trust', 'orsha', 'smolensk']]
    """
    from axiosphere.analysis.compare import compare

    data = one_factor_groups({"orsha": 0.0, "tver": 0.5, "smolensk": 0.2}, n=200, seed=1)
    data["trust"], data["fairness"] = data[["t1", "t2"]].mean(axis=1), data[["t3", "t4"]].mean(axis=1)
    return compare(data, ["trust", "fairness"], by="city", links=[("orsha", "tver"), ("orsha", "smolensk")])


def twin_dyads() -> Any:
    """Four pairs of two Russian and two US cities, two of them twinned, as ``axiosphere.analysis.dyads.dyad_table``
    makes them (the columns the network figures read).

    Examples
    --------
    >>> twin_dyads()[["a", "b", "tie"]].values.tolist()
    [['tver', 'buffalo', 1], ['tver', 'lawrence', 0], ['kaluga', 'buffalo', 0], ['kaluga', 'lawrence', 1]]
    """
    import pandas as pd

    return pd.DataFrame({"a": ["tver", "tver", "kaluga", "kaluga"], "b": ["buffalo", "lawrence"] * 2,
                         "country_a": "RU", "country_b": "US", "tie": [1, 0, 0, 1],
                         "value_distance": [0.5, 1.2, 0.6, 1.4], "n_a": [200, 200, 150, 150], "n_b": 180})


def circumplex_answers(instrument: Any, cities: dict[str, tuple[float, float]], *, n: int = 300, seed: int = 1,
                       noise: float = 0.7) -> Any:
    """Synthetic value-instrument answers with a circumplex structure, coded as the instrument codes them.

    Each respondent has a general level and a point in the two-dimensional value space, drawn
    around the city's lean ``(x, y)``; a value's importance falls with its angular distance on
    Schwartz's circle (the instrument's ``circumplex`` order); answers add item noise and are
    turned to the instrument's direction (for the PVQ, 1 = very much like me).

    Examples
    --------
    >>> values = value_survey(n=1)[1]  # the bundled instrument that declares a value circle
    >>> data = circumplex_answers(values, {"orsha": (0.3, 0.0)}, n=10, seed=2)
    >>> data.shape, int(data[list(values.scale_items("universalism"))].min().min()) >= 1
    ((10, 22), True)
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    order = instrument.circumplex.order
    angle = {v: 2 * np.pi * k / len(order) for k, v in enumerate(order)}
    frames = []
    for city, (dx, dy) in cities.items():
        lean = rng.normal(size=(n, 2)) * 0.8 + np.array([dx, dy])
        level = rng.normal(4.2, 0.5, size=n)
        data = {}
        for value in order:
            importance = level + lean @ np.array([np.cos(angle[value]), np.sin(angle[value])])
            for item in instrument.scale_items(value):
                scale = instrument.item_scale(item)
                answer = np.clip(np.round(importance + rng.normal(0, noise, n)), scale.low, scale.high)
                data[item] = scale.low + scale.high - answer if scale.more_at == "low" else answer
        frame = pd.DataFrame(data)
        frame.insert(0, "city", city)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
