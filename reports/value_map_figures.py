"""Figures of the value maps: the value circle, city value profiles, the twin map and the twin network.

In seaborn's style, each ``plot_*`` function draws on an ``ax`` it is given and returns it, so an
author can place it in a figure of their own; the figure-level functions of the same names lay
them out at journal widths (3.5 in single column, 7.1 in double) and carry no titles (captions
belong to the document). Each takes the result of ``axiosphere.analysis.valuemap.value_map``.

Examples
--------
>>> from axiosphere.analysis.example_data import value_survey
>>> from axiosphere.analysis.valuemap import value_map
>>> data, pvq = value_survey(n=100)
>>> result = value_map(data, pvq, by="city", links=[("orsha", "tver")], n_perm=5, n_boot=50)
>>> with style() as plt:
...     figure, ax = plt.subplots(figsize=(SINGLE, SINGLE))
...     _ = plot_twin_map(result, [("orsha", "tver")], ax=ax)
>>> plt.close(figure)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from axiosphere.reports.figures import (
    DOUBLE, SINGLE, _distance_bar, _distance_scale, abbreviations, city_colours, display_name, save, style,
)


def plot_value_circle(result: Any, group: str = "pooled", *, ax: Any, names: Mapping[str, str] | None = None) -> Any:
    """One group's MDS configuration of the values over the theoretical wedges, with Stress-1 and RTHOR.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(SINGLE, SINGLE))
    ...     plot_value_circle(result, "orsha", ax=ax) is ax
    True
    >>> plt.close(figure)
    """
    from matplotlib.patches import Circle

    from axiosphere.reports.labels import label_points

    order = list(result.order)
    points = result.circle[result.circle.group == group].set_index("value").loc[order, ["x", "y"]].to_numpy()
    centre = points.mean(axis=0)
    radius = np.mean(np.linalg.norm(points - centre, axis=1))
    angles = np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0])
    step = 2 * np.pi / len(order)
    # Rotate (and reflect if needed) the theoretical wedges to the observed configuration.
    direction = np.sign(np.mean(np.sin(np.diff(np.unwrap(angles))))) or 1.0
    offset = np.angle(np.mean(np.exp(1j * (angles - direction * step * np.arange(len(order))))))
    for k in range(len(order)):
        boundary = offset + direction * step * (k + 0.5)
        ax.plot([centre[0], centre[0] + 1.25 * radius * np.cos(boundary)],
                [centre[1], centre[1] + 1.25 * radius * np.sin(boundary)], color="0.85", lw=0.6, zorder=0)
    ax.add_patch(Circle(centre, radius, fill=False, color="0.7", lw=0.6, ls="--", zorder=0))
    ax.scatter(points[:, 0], points[:, 1], s=14, color="0.15", zorder=3)
    # Labels point away from the centre where that spot is free; in a crowded panel a label is abbreviated.
    labels = [result.label(v) for v in order]
    label_points(ax, points, labels, directions=angles, marker=2.5, short=abbreviations(labels))
    fit = result.fit.set_index("group").loc[group]
    label = "Pooled" if group == "pooled" else display_name(names, group)
    detail = f"Stress-1 = {fit.stress1:.3f}".replace("0.", ".") if fit.stress1 == fit.stress1 else ""
    if fit.rthor_ci == fit.rthor_ci:
        detail += f", CI = {fit.rthor_ci:.2f}".replace("0.", ".")
    ax.set_title(f"{label}\n{detail}", fontsize=7)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_xlim(centre[0] - 1.75 * radius, centre[0] + 1.75 * radius)
    ax.set_ylim(centre[1] - 1.5 * radius, centre[1] + 1.5 * radius)
    return ax


def value_circle(result: Any, *, width: float = DOUBLE, names: Mapping[str, str] | None = None) -> Any:
    """The value circle pooled and per city, in panels of up to three a row.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> figure = value_circle(result)
    >>> len([ax for ax in figure.axes if ax.has_data()]), float(figure.get_figwidth())  # pooled and three cities
    (4, 7.1)
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    groups = list(dict.fromkeys(result.circle["group"]))
    columns = min(3 if width >= DOUBLE else 2, len(groups))
    rows = int(np.ceil(len(groups) / columns))
    with style() as plt:
        figure, axes = plt.subplots(rows, columns, figsize=(width, width / columns * rows * 0.95), squeeze=False,
                                    layout="constrained")
        for ax, group in zip(axes.flat, groups):
            plot_value_circle(result, group, ax=ax, names=names)
        for ax in list(axes.flat)[len(groups):]:
            ax.axis("off")
    return figure


# -- value profiles ---------------------------------------------------------------------------


def plot_value_profiles(result: Any, *, ax: Any, groups: Sequence[str] | None = None,
                        names: Mapping[str, str] | None = None,
                        colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """MRAT-centred value means with 95% CIs per city, values in their circular order.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(DOUBLE, 3))
    ...     [t.get_text() for t in plot_value_profiles(result, ax=ax, groups=["orsha", "tver"]).get_legend().get_texts()]
    ['orsha', 'tver']
    >>> plt.close(figure)
    """
    profiles = result.profiles
    groups = list(groups or dict.fromkeys(profiles["group"]))
    colours = city_colours(colours, groups)
    order = list(result.order)
    step = 0.7 / max(len(groups), 1)
    for n, group in enumerate(groups):
        rows = profiles[profiles.group == group].set_index("value").loc[order]
        x = np.arange(len(order)) + (n - (len(groups) - 1) / 2) * step
        colour, marker = colours[group]
        ax.errorbar(x, rows["mean"], yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]], fmt=marker,
                    color=colour, ms=3.5, lw=0.8, capsize=1.5, label=display_name(names, group))
    ax.axhline(0, color="0.6", lw=0.6)
    # Upright labels where they would crowd at an angle (a narrow column).
    steep = ax.figure.get_figwidth() / len(order) < 0.45
    ax.set_xticks(range(len(order)), [result.label(v) for v in order], rotation=90 if steep else 60,
                  ha="center" if steep else "right")
    ax.set_ylabel("Importance relative to own mean\n(MRAT-centred, 95% CI)")
    ax.legend(frameon=False, ncol=_legend_columns(ax, [display_name(names, g) for g in groups]), loc="upper center",
              bbox_to_anchor=(0.5, -0.45))
    return ax


def _legend_columns(ax: Any, labels: Sequence[str]) -> int:
    """As many legend columns as fit the figure's width (7-pt text is about 0.055 in a character)."""
    column = 0.055 * max(map(len, labels), default=1) + 0.4
    return max(1, min(len(labels), int(ax.figure.get_figwidth() // column)))


def value_profiles(result: Any, *, groups: Sequence[str] | None = None, width: float = DOUBLE,
                   names: Mapping[str, str] | None = None, colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """City value profiles in one panel (the circular radar panel is dropped: its radial axis misled).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> figure = value_profiles(result, width=SINGLE, names={"orsha": "Orsha"})
    >>> float(figure.get_figwidth())
    3.5
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    with style() as plt:
        groups = list(groups or dict.fromkeys(result.profiles["group"]))
        long = max((len(display_name(names, g)) for g in groups), default=1)
        rows = np.ceil(len(groups) / max(1, int(width // (0.055 * long + 0.4))))
        figure, ax = plt.subplots(figsize=(width, 2.6 + 0.14 * rows), layout="constrained")
        plot_value_profiles(result, ax=ax, groups=groups, names=names, colours=colours)
    return figure


# -- the twin map -----------------------------------------------------------------------------


def plot_twin_map(result: Any, links: Sequence[tuple[str, str]] = (), *, ax: Any,
                  names: Mapping[str, str] | None = None, colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """Cities on the two higher-order dimensions with 95% ellipses; twin links coloured by value distance
    (the Euclidean distance between two cities' MRAT-centred value profiles).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(SINGLE, SINGLE), layout="constrained")
    ...     plot_twin_map(result, [("orsha", "tver")], ax=ax, names={"orsha": "Orsha", "tver": "Tver"}) is ax
    True
    >>> plt.close(figure)
    """
    import matplotlib as mpl
    from matplotlib.patches import Ellipse

    from axiosphere.reports.labels import label_points

    positions = result.positions.set_index("group")
    colours = city_colours(colours, list(positions.index))
    distances = result.distances
    norm, cmap = _distance_scale(distances)
    for row in distances.itertuples():
        a, b = positions.loc[row.a], positions.loc[row.b]
        ax.plot([a.x, b.x], [a.y, b.y], color=cmap(norm(row.distance)), lw=1.6, zorder=1)
    scale = np.sqrt(5.991)  # 95% quantile of chi-square with 2 df
    for group, row in positions.iterrows():
        colour, marker = colours[group]
        cov = np.array([[row.cov_xx, row.cov_xy], [row.cov_xy, row.cov_yy]])
        values, vectors = np.linalg.eigh(cov)
        angle = np.degrees(np.arctan2(vectors[1, 1], vectors[0, 1]))
        ax.add_patch(Ellipse((row.x, row.y), 2 * scale * np.sqrt(values[1]), 2 * scale * np.sqrt(values[0]), angle=angle,
                             facecolor=(*colour, 0.18), edgecolor=colour, lw=0.8, zorder=2))
        ax.scatter([row.x], [row.y], color=colour, marker=marker, s=28, zorder=3, edgecolor="black", linewidth=0.4)
    label_points(ax, positions[["x", "y"]].to_numpy(), [display_name(names, g) for g in positions.index])
    ax.axhline(0, color="0.75", lw=0.6, zorder=0)
    ax.axvline(0, color="0.75", lw=0.6, zorder=0)
    # No x tick at the lower-left corner, where its label would meet the lowest y tick's.
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=6, prune="lower"))
    (x_plus, x_minus), (y_plus, y_minus) = result.axes
    ax.set_xlabel(f"{result.label(x_minus)}  ←  →  {result.label(x_plus)}")
    ax.set_ylabel(f"{result.label(y_minus)}  ←  →  {result.label(y_plus)}")
    if len(distances):
        _distance_bar(ax, norm, cmap)
    return ax


def twin_map(result: Any, links: Sequence[tuple[str, str]] = (), *, width: float = SINGLE * 1.45,
             names: Mapping[str, str] | None = None, colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """The twin map in one panel.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> figure = twin_map(result, [("orsha", "tver"), ("orsha", "smolensk")])
    >>> round(float(figure.get_figwidth()), 3)  # one and a half columns
    5.075
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    with style() as plt:
        figure, ax = plt.subplots(figsize=(width, width * 0.9), layout="constrained")
        plot_twin_map(result, links, ax=ax, names=names, colours=colours)
    return figure


# -- the twin network -------------------------------------------------------------------------


def plot_twin_network(result: Any, hubs: Sequence[str] = (), *, ax: Any, names: Mapping[str, str] | None = None,
                      colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """The twin network: each link coloured by its value distance (the Euclidean distance between the two cities'
    MRAT-centred value profiles, defined on the colour bar) and labelled with it [95% CI] and the trust gaps.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(DOUBLE, 3), layout="constrained")
    ...     plot_twin_network(result, ["orsha"], ax=ax) is ax
    True
    >>> plt.close(figure)
    """
    from axiosphere.reports.labels import label_points

    distances = result.distances
    cities = list(dict.fromkeys(list(distances["a"]) + list(distances["b"]))) or list(result.positions["group"])
    centre = [c for c in hubs if c in cities][:1] or [max(cities, key=lambda c: int((distances[["a", "b"]] == c).sum().sum()))]
    others = [c for c in cities if c not in centre]
    place = {centre[0]: (0.0, 0.0)}
    for n, city in enumerate(others):
        angle = np.pi / 2 + 2 * np.pi * n / max(len(others), 1)
        place[city] = (1.5 * np.cos(angle), 0.9 * np.sin(angle))  # wider than tall: room for the link labels
    colours = city_colours(colours, cities)
    norm, cmap = _distance_scale(distances)
    gaps = [c for c in distances.columns if c.endswith("_gap")]
    middles, texts, short, directions = [], [], [], []
    for row in distances.itertuples():
        (x1, y1), (x2, y2) = place[row.a], place[row.b]
        ax.plot([x1, x2], [y1, y2], color=cmap(norm(row.distance)), lw=2.0, zorder=1)
        text = f"Distance {row.distance:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]"
        short.append(f"{row.distance:.2f}")
        for gap in gaps:
            name = gap.removesuffix("_gap")
            value = getattr(row, gap)
            text += f"\n{result.label(name) if name in result.labels else name.replace('_', ' ')} gap {value:+.2f}".replace("-", "−")
        middles.append((x1 + 0.5 * (x2 - x1), y1 + 0.5 * (y2 - y1)))
        texts.append(text)
        directions.append(np.arctan2(x1 - x2, y2 - y1))  # across the link
    ax.set_xlim(-2.4, 2.4)
    ax.set_ylim(-1.3, 1.35)
    for city, (x, y) in place.items():
        colour, marker = colours[city]
        ax.scatter([x], [y], s=120, color=colour, marker=marker, edgecolor="black", linewidth=0.5, zorder=3)
    outward = [np.pi / 2] + [np.arctan2(y, x) for x, y in list(place.values())[1:]]
    label_points(ax, list(place.values()), [display_name(names, c) for c in place], directions=outward, marker=6.5,
                 weight="bold")
    label_points(ax, middles, texts, directions=directions, gap=3.0, marker=0.0, short=short,
                 bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.8", "lw": 0.5})
    ax.axis("off")
    if len(distances):
        _distance_bar(ax, norm, cmap)
    return ax


def twin_network(result: Any, hubs: Sequence[str] = (), *, width: float = DOUBLE,
                 names: Mapping[str, str] | None = None, colours: Mapping[str, tuple[Any, str]] | None = None) -> Any:
    """The twin network in one panel (d: Euclidean distance between MRAT-centred value profiles).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> figure = twin_network(result, ["orsha"], width=SINGLE)
    >>> float(figure.get_figwidth())
    3.5
    >>> import matplotlib.pyplot as plt
    >>> plt.close(figure)
    """
    with style() as plt:
        figure, ax = plt.subplots(figsize=(width, width * 0.8), layout="constrained")
        plot_twin_network(result, hubs, ax=ax, names=names, colours=colours)
    return figure


def draw_value_maps(result: Any, folder: str | Path, *, links: Sequence[tuple[str, str]] = (), hubs: Sequence[str] = (),
                    formats: Sequence[str] = ("pdf", "svg", "png"), names: Mapping[str, str] | None = None,
                    colours: Mapping[str, tuple[Any, str]] | None = None) -> dict[str, list[Path]]:
    """Every value-map figure, saved in ``folder``: {figure: [paths]}.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_map_result
    >>> result = value_map_result()  # Orsha, Tver and Smolensk; Orsha twinned with the other two
    >>> import pathlib, tempfile
    >>> saved = draw_value_maps(result, pathlib.Path(tempfile.mkdtemp()), links=[("orsha", "tver")], hubs=["orsha"],
    ...                         formats=["svg"])
    >>> sorted(saved)
    ['twin_map', 'twin_network', 'value_circle', 'value_profiles']
    """
    out = {"value_circle": save(value_circle(result, names=names), folder, "value_circle", formats),
           "value_profiles": save(value_profiles(result, names=names, colours=colours), folder, "value_profiles", formats)}
    if len(result.positions) and result.axes:
        out["twin_map"] = save(twin_map(result, links, names=names, colours=colours), folder, "twin_map", formats)
    if len(result.distances):
        out["twin_network"] = save(twin_network(result, hubs, names=names, colours=colours), folder, "twin_network",
                                   formats)
    return out
