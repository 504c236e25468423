"""Figures of the twin network as dyadic data: the two-country network and the dyad plot.

``plot_bipartite`` draws the cities of two countries in two columns, their twin links coloured by
value distance (the colour bar names and defines it) and each city's disc sized by its respondents;
``plot_dyads`` shows an outcome of every pair against a predictor (a tie: jittered 0/1 with the
fitted logistic curve; activity: points with the least-squares line). Both draw on a given ``ax``;
``network_figures`` lays them out at journal widths.

Examples
--------
>>> from axiosphere.analysis.qap import qap_regression  # doctest: +SKIP
>>> figure = bipartite_network(dyads)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from axiosphere.reports.figures import DOUBLE, SINGLE, _distance_bar, _distance_scale, display_name, style

MAX_LABELS = 40  # a side: beyond this, names would overlap at 7 pt, so none are written (said in the caption)


def _order(dyads: Any, left: list[str], right: list[str]) -> tuple[list[str], list[str]]:
    """Cities of each side ordered so that twins face each other (barycentres of the linked partners)."""
    ties = dyads[dyads["tie"] == 1]
    position = {c: k for k, c in enumerate(left)}
    centre = {c: np.mean([position[a] for a in ties.loc[ties["b"] == c, "a"]]) if (ties["b"] == c).any() else np.inf
              for c in right}
    right = sorted(right, key=lambda c: (centre[c], right.index(c)))
    position = {c: k for k, c in enumerate(right)}
    centre = {c: np.mean([position[b] for b in ties.loc[ties["a"] == c, "b"]]) if (ties["a"] == c).any() else np.inf
              for c in left}
    return sorted(left, key=lambda c: (centre[c], left.index(c))), right


def plot_bipartite(dyads: Any, *, ax: Any, names: Mapping[str, str] | None = None) -> Any:
    """Two countries' cities in two columns; twin links coloured by value distance; discs sized by respondents.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from axiosphere.analysis.example_data import twin_dyads
    >>> pairs = twin_dyads()  # one row a pair: a, b, their countries, tie, value_distance, n_a, n_b
    >>> figure, ax = plt.subplots()
    >>> plot_bipartite(pairs, ax=ax, names={"tver": "Tver"}) is ax
    True
    >>> plt.close(figure)
    """
    left, right = _order(dyads, list(dict.fromkeys(dyads["a"])), list(dict.fromkeys(dyads["b"])))
    y = {c: 1 - k / max(len(left) - 1, 1) for k, c in enumerate(left)} | \
        {c: 1 - k / max(len(right) - 1, 1) for k, c in enumerate(right)}
    x = {c: 0.0 for c in left} | {c: 1.0 for c in right}
    ties = dyads[dyads["tie"] == 1]
    norm, cmap = _distance_scale(ties.rename(columns={"value_distance": "distance"}))
    for r in ties.itertuples():
        dormant = getattr(r, "active", None) is False or str(getattr(r, "active", "")).lower() == "false"
        ax.plot([x[r.a], x[r.b]], [y[r.a], y[r.b]], color=cmap(norm(r.value_distance)), lw=1.4,
                ls=":" if dormant else "-", zorder=1)
    n = {**dict(zip(dyads["a"], dyads["n_a"])), **dict(zip(dyads["b"], dyads["n_b"]))}
    largest = max(n.values()) or 1
    crowd = min(1.0, 25 / max(len(left), len(right)))  # discs shrink as the columns fill, so they never touch
    for side in (left, right):
        ax.scatter([x[c] for c in side], [y[c] for c in side], s=[crowd * (12 + 60 * n[c] / largest) for c in side],
                   color="0.25", edgecolor="white", linewidth=0.6, zorder=2)
    countries = (dyads["country_a"].iloc[0], dyads["country_b"].iloc[0])
    for side, country, where, align in ((left, countries[0], -0.06, "right"), (right, countries[1], 1.06, "left")):
        ax.text(0.0 if align == "right" else 1.0, 1.06, country, ha="center", va="bottom", fontsize=8, weight="bold")
        if len(side) <= MAX_LABELS:
            for c in side:
                ax.text(where, y[c], display_name(names, c), ha=align, va="center", fontsize=7)
    ax.set_xlim(-0.9, 1.9)
    ax.set_ylim(-0.05, 1.12)
    ax.axis("off")
    _distance_bar(ax, norm, cmap)
    return ax


def bipartite_network(dyads: Any, *, width: float = SINGLE * 1.45, names: Mapping[str, str] | None = None) -> Any:
    """The two-country network in one panel, as tall as its longer column of cities needs.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import twin_dyads
    >>> pairs = twin_dyads()  # two Russian and two US cities: a, b, tie, value_distance, n_a, n_b, countries
    >>> figure = bipartite_network(pairs, names={"tver": "Tver"})
    >>> round(float(figure.get_figwidth()), 3), float(figure.get_figheight())
    (5.075, 2.6)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    cities = max(dyads["a"].nunique(), dyads["b"].nunique())
    with style() as plt:
        figure, ax = plt.subplots(figsize=(width, max(2.6, 0.16 * min(cities, MAX_LABELS) + 1.4)), layout="constrained")
        plot_bipartite(dyads, ax=ax, names=names)
    return figure


def plot_dyads(dyads: Any, outcome: str = "tie", predictor: str = "value_distance", *, ax: Any, label: str | None = None,
               seed: int = 0) -> Any:
    """``outcome`` of every pair against ``predictor``: a 0/1 tie jittered with the fitted logistic curve, anything
    else as points with the least-squares line.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> pairs = pd.DataFrame({"tie": [1, 0, 1, 0, 0, 1, 0, 0], "value_distance": [0.4, 0.5, 1.3, 0.9, 1.5, 0.8, 1.2, 1.1]})
    >>> figure, ax = plt.subplots()
    >>> plot_dyads(pairs, ax=ax) is ax
    True
    >>> plt.close(figure)
    """
    import statsmodels.api as sm

    x, y = dyads[predictor].to_numpy(dtype=float), dyads[outcome].to_numpy(dtype=float)
    grid = np.linspace(np.nanmin(x), np.nanmax(x), 100)
    binary = set(np.unique(y[~np.isnan(y)])) <= {0.0, 1.0}
    jitter = np.random.default_rng(seed).uniform(-0.06, 0.06, len(y)) if binary else 0.0
    ax.scatter(x, y + jitter, s=8, color=np.where(y == 1, "#0072B2", "0.55") if binary else "#0072B2", alpha=0.6,
               linewidth=0, zorder=2)
    keep = ~(np.isnan(x) | np.isnan(y))
    design = sm.add_constant(x[keep])
    if binary:
        fit = sm.GLM(y[keep], design, family=sm.families.Binomial()).fit()
        ax.plot(grid, fit.predict(sm.add_constant(grid)), color="black", lw=1.2, zorder=3)
        ax.set_yticks([0, 1], ["no tie", "twinned"])
        ax.set_ylabel("Tie (jittered); line: fitted P(tie)")
    else:
        fit = sm.OLS(y[keep], design).fit()
        ax.plot(grid, fit.params[0] + fit.params[1] * grid, color="black", lw=1.2, zorder=3)
        ax.set_ylabel(label or outcome.replace("_", " ").capitalize())
    ax.set_xlabel("Value distance (Euclidean, MRAT-centred profiles)" if predictor == "value_distance"
                  else predictor.replace("_", " ").capitalize())
    return ax


def dyad_plot(dyads: Any, outcome: str = "tie", predictor: str = "value_distance", *, width: float = SINGLE) -> Any:
    """The dyad plot in one panel.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import twin_dyads
    >>> pairs = twin_dyads()  # two Russian and two US cities: a, b, tie, value_distance, n_a, n_b, countries
    >>> figure = dyad_plot(pairs)
    >>> figure.axes[0].get_xlabel()
    'Value distance (Euclidean, MRAT-centred profiles)'
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    with style() as plt:
        figure, ax = plt.subplots(figsize=(width, width * 0.75), layout="constrained")
        plot_dyads(dyads, outcome, predictor, ax=ax)
    return figure


def network_figures(dyads: Any, outcome: str, predictor: str, folder: Any, *,
                    names: Mapping[str, str] | None = None) -> list[Any]:
    """Both figures saved as PDF, SVG and PNG into ``folder``; the network only for a two-country rectangle.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import twin_dyads
    >>> pairs = twin_dyads()  # two Russian and two US cities: a, b, tie, value_distance, n_a, n_b, countries
    >>> import pathlib, tempfile
    >>> sorted(p.name for p in network_figures(pairs, "tie", "value_distance", pathlib.Path(tempfile.mkdtemp())))
    ['dyads.pdf', 'dyads.png', 'dyads.svg', 'network.pdf', 'network.png', 'network.svg']
    """
    from axiosphere.reports.figures import save

    written = save(dyad_plot(dyads, outcome, predictor), folder, "dyads")
    if (dyads["country_a"] != dyads["country_b"]).all() and dyads["country_a"].nunique() == 1:
        written += save(bipartite_network(dyads, width=DOUBLE if len(dyads) > 400 else SINGLE * 1.45, names=names),
                        folder, "network")
    return written
