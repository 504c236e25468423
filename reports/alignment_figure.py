"""The alignment heat map: how far each city's aligned loading and intercept of each item lie from the
approximately invariant cities' average, items x cities, with the non-invariant parameters marked.

A reader sees at a glance which items drift in which cities, and in which direction: the colour is the
deviation in standard errors of the city's configural estimate (one scale for both panels, saturated
beyond ±5, so a drift reads the same in loadings and intercepts and noise stays pale), the × marks the
parameters the paper's procedure flags (Asparouhov & Muthén, 2014), so the figure survives greyscale printing.
``plot_alignment_drift`` draws one parameter on a given ``ax``; ``alignment_drift`` lays out both.

Examples
--------
>>> from axiosphere.analysis.alignment import alignment
>>> from axiosphere.analysis.example_data import one_factor_groups
>>> data = one_factor_groups({"orsha": 0.0, "tver": 0.5, "smolensk": 0.3}, n=300, drift={("tver", "t4"): 0.8}, seed=1)
>>> figure = alignment_drift(alignment(data, ["t1", "t2", "t3", "t4"], by="city"))
>>> import matplotlib.pyplot as plt
>>> plt.close(figure)
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np

from axiosphere.reports.figures import DOUBLE, display_name, style, vector_colourbar

TITLES = {"loading": "Loadings (λ)", "intercept": "Intercepts (ν)"}
LIMIT = 5.0  # standard errors at which the colour saturates (|z| = 3.29 is the procedure's p < .001)


def drift(result: Any, parameter: str) -> tuple[Any, Any]:
    """Items x cities: each aligned parameter minus the n-weighted average of the cities where it is invariant
    (all cities if it is invariant nowhere), in standard errors of the parameter, and whether it is flagged
    non-invariant.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import alignment_result
    >>> result = alignment_result()  # t4's intercept drifts in Tver
    >>> deviation, flagged = drift(result, "intercept")
    >>> bool(flagged.loc["t4", "tver"]), round(float(deviation.loc["t4", "tver"]))  # t4 drifts in Tver, by 14 SEs
    (True, 14)
    """
    flags = result.flags[result.flags["parameter"] == parameter].merge(result.means[["group", "n"]], on="group")

    def centre(part: Any) -> float:
        base = part[part["invariant"]] if part["invariant"].any() else part
        return float(np.average(base["value"], weights=base["n"]))

    centres = {item: centre(part) for item, part in flags.groupby("item", sort=False)}
    flags = flags.assign(deviation=(flags["value"] - flags["item"].map(centres)) / flags["se"])
    order = {"index": list(result.items), "columns": list(result.groups)}
    deviation = flags.pivot(index="item", columns="group", values="deviation").reindex(**order)
    flagged = flags.pivot(index="item", columns="group", values="invariant").reindex(**order).eq(False)
    return deviation, flagged


def plot_alignment_drift(result: Any, parameter: str = "intercept", *, ax: Any, names: Mapping[str, str] | None = None,
                         colourbar: bool = True) -> Any:
    """One parameter's heat map (items x cities) on ``ax``: deviation from the invariant cities' average, × where
    the parameter is approximately non-invariant.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import alignment_result
    >>> result = alignment_result()  # t4's intercept drifts in Tver
    >>> from axiosphere.reports.figures import SINGLE, style
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(SINGLE, 2.5), layout="constrained")
    ...     plot_alignment_drift(result, "intercept", ax=ax, names={"tver": "Tver"}) is ax
    True
    >>> plt.close(figure)
    """
    import matplotlib as mpl
    import seaborn as sns

    deviation, flagged = drift(result, parameter)
    norm, cmap = mpl.colors.Normalize(vmin=-LIMIT, vmax=LIMIT, clip=True), sns.color_palette("vlag", as_cmap=True)
    sns.heatmap(deviation, ax=ax, cmap=cmap, norm=norm, cbar=False, linewidths=0.5, linecolor="white",
                xticklabels=[display_name(names, g) for g in deviation.columns], yticklabels=list(deviation.index))
    for i, j in zip(*np.nonzero(flagged.to_numpy())):
        ax.text(j + 0.5, i + 0.5, "×", ha="center", va="center", fontsize=8, color="black")
    ax.set_title(TITLES.get(parameter, parameter))
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="x", rotation=90, length=0)
    ax.tick_params(axis="y", rotation=0, length=0)
    if colourbar:
        vector_colourbar(ax, norm, cmap, "Deviation (SE)", shrink=0.9, aspect=25, extend="both")
    return ax


def alignment_drift(result: Any, *, width: float = DOUBLE, names: Mapping[str, str] | None = None) -> Any:
    """Loadings and intercepts side by side, or one above the other when the cities' labels would not fit
    side by side at this width; × marks an approximately non-invariant parameter.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from axiosphere.analysis.alignment import alignment
    >>> rng = np.random.default_rng(0)
    >>> answers = pd.DataFrame(rng.normal(size=(600, 1)) + rng.normal(size=(600, 4)), columns=list("abcd"))
    >>> answers["city"] = np.repeat(["x", "y", "z"], 200)
    >>> figure = alignment_drift(alignment(answers, list("abcd"), by="city"), width=3.5)
    >>> len(figure.axes)  # two panels and their colour bar
    3
    """
    rows, columns = len(result.items), len(result.groups)
    # A city's column needs about 0.16 in for its 7-pt label turned on its side.
    stacked = (width - 1.0) / 2 / columns < 0.16
    with style() as plt:
        if stacked:
            figure, axes = plt.subplots(2, 1, figsize=(width, 2.6 + 0.44 * rows), layout="constrained", sharex=True)
        else:
            figure, axes = plt.subplots(1, 2, figsize=(width, 1.8 + 0.22 * rows), layout="constrained", sharey=True)
        for ax, parameter in zip(axes, ("loading", "intercept")):
            plot_alignment_drift(result, parameter, ax=ax, names=names, colourbar=False)
        if stacked:
            axes[0].tick_params(axis="x", labelbottom=False)
        # One bar for both panels: the scale is the same.
        import matplotlib as mpl
        import seaborn as sns

        label = ("Deviation from the average of the cities where the parameter is invariant, in SE of the city's "
                 "estimate", "× approximately non-invariant (Asparouhov & Muthén, 2014)")
        # About 15 characters of 8-pt text to an inch: the label wraps to the figure's width.
        label = "\n".join(line for part in label for line in textwrap.wrap(part, int(width * 15)))
        vector_colourbar(axes, mpl.colors.Normalize(vmin=-LIMIT, vmax=LIMIT), sns.color_palette("vlag", as_cmap=True),
                         label,
                         shrink=0.6 if not stacked else 0.9, aspect=40, extend="both")
    return figure
