"""The twin-link effects figure: Hedges' g with 95% CI for every scale and link, a forest plot in seaborn's style
(``plot_link_effects`` draws on a given ``ax``; ``link_effects`` lays it out at a journal width)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from axiosphere.reports.figures import DOUBLE, city_colours, display_name, palette, style


def plot_link_effects(comparison: Any, labels: Mapping[str, str] | None = None, *, ax: Any,
                      names: Mapping[str, str] | None = None, colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """Hedges' g with 95% CI for every scale and twin link (a forest plot); filled markers where adjusted p < .05.

    A link takes the colour and marker of its second city (the twin of a hub), as in the other figures; when one
    city is the second of several links, links take colours of their own.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import twin_comparison
    >>> comparison = twin_comparison()  # trust and fairness along Orsha's links to Tver and Smolensk
    >>> from axiosphere.reports.figures import DOUBLE, style
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(DOUBLE, 2.5), layout="constrained")
    ...     plot_link_effects(comparison, {"trust": "Trust"}, ax=ax, names={"orsha": "Orsha"}) is ax
    True
    >>> plt.close(figure)
    """
    labels = labels or {}
    pairs = comparison.pairs
    keys = list(dict.fromkeys(zip(pairs["a"], pairs["b"])))
    twins = [b for _, b in keys]
    if len(set(twins)) == len(twins):
        by_twin = city_colours(colours, twins)
        colours = {f"{a}|{b}": by_twin[b] for a, b in keys}
    else:
        colours = palette([f"{a}|{b}" for a, b in keys])
    scales = list(dict.fromkeys(pairs["scale"]))
    step = 0.8 / max(len(keys), 1)
    for k, (a, b) in enumerate(keys):
        colour, marker = colours[f"{a}|{b}"]
        rows = pairs[(pairs["a"] == a) & (pairs["b"] == b)].set_index("scale").reindex(scales)
        y = np.arange(len(scales)) + (k - (len(keys) - 1) / 2) * step
        ax.errorbar(rows["hedges_g"], y, xerr=[rows["hedges_g"] - rows["g_ci_low"], rows["g_ci_high"] - rows["hedges_g"]],
                    fmt="none", ecolor=colour, lw=0.9, capsize=1.5)
        significant = (rows["p_adj"] < 0.05).to_numpy()
        ax.scatter(rows["hedges_g"][significant], y[significant], color=colour, marker=marker, s=18, zorder=3,
                   label=f"{display_name(names, a)} – {display_name(names, b)}")
        ax.scatter(rows["hedges_g"][~significant], y[~significant], facecolor="white", edgecolor=colour, marker=marker,
                   s=18, zorder=3)
    ax.axvline(0, color="0.5", lw=0.7)
    ax.set_yticks(range(len(scales)), [labels.get(s, s) for s in scales])
    ax.invert_yaxis()
    ax.set_xlabel("Hedges' g (first city minus twin), 95% CI; filled: adjusted p < .05")
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    return ax


def link_effects(comparison: Any, labels: Mapping[str, str] | None = None, *, width: float = DOUBLE,
                 names: Mapping[str, str] | None = None, colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """The forest plot of twin-link effects in one panel.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import twin_comparison
    >>> comparison = twin_comparison()  # trust and fairness along Orsha's links to Tver and Smolensk
    >>> figure = link_effects(comparison, {"trust": "Trust", "fairness": "Fairness"})
    >>> float(figure.get_figwidth())  # a double column
    7.1
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    scales = comparison.pairs["scale"].nunique()
    links = len(comparison.pairs[["a", "b"]].drop_duplicates())
    with style() as plt:
        figure, ax = plt.subplots(figsize=(width, max(2.2, 0.32 * scales * max(1, links) / 2 + 1)), layout="constrained")
        plot_link_effects(comparison, labels, ax=ax, names=names, colours=colours)
    return figure
