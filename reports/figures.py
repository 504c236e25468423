"""Figures fit for a paper: the value circle, city value profiles, the twin map, the twin network.

Every figure is saved as vector PDF (TrueType fonts embedded) and SVG plus a 300-dpi PNG.
SVG output is deterministic (a fixed hash salt, no date), so the same data give identical
bytes. Colours come from seaborn's colour-blind palette and every group also has its own
marker, so figures survive greyscale printing. Widths follow journal columns (3.5 / 7.2 in).

Example
-------
>>> paths = save(value_circle(result), "figures", "value_circle")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from axiosphere.instruments.errors import InputError

SINGLE, DOUBLE = 3.5, 7.2
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "h"]


def _setup() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.hashsalt": "axiosphere", "pdf.fonttype": 42, "ps.fonttype": 42, "font.family": "DejaVu Sans",
        "font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8, "legend.fontsize": 7, "axes.spines.top": False,
        "axes.spines.right": False, "figure.dpi": 100, "savefig.bbox": "tight",
    })
    return plt


def palette(groups: Sequence[str]) -> dict[str, tuple[Any, str]]:
    """A colour and a marker per group; groups in alphabetical order, so every figure agrees."""
    import seaborn as sns

    ordered = sorted(set(groups))
    colours = sns.color_palette("colorblind", max(len(ordered), 1))
    return {g: (colours[n % len(colours)], MARKERS[n % len(MARKERS)]) for n, g in enumerate(ordered)}


def save(figure: Any, folder: str | Path, name: str, formats: Sequence[str] = ("pdf", "svg", "png")) -> list[Path]:
    """Save ``figure`` as ``folder/name.<format>`` for each format; returns the paths."""
    plt = _setup()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        if fmt not in ("pdf", "svg", "png"):
            raise InputError(f"unknown figure format '{fmt}' (choose from pdf, svg, png)")
        path = folder / f"{name}.{fmt}"
        metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}[fmt]
        figure.savefig(path, format=fmt, dpi=300 if fmt == "png" else None, metadata=metadata)
        paths.append(path)
    plt.close(figure)
    return paths


def value_circle(result: Any) -> Any:
    """MDS configurations of the values, pooled and per city, over Schwartz's theoretical wedges."""
    plt = _setup()
    groups = list(dict.fromkeys(result.circle["group"]))
    columns = min(3, len(groups))
    rows = int(np.ceil(len(groups) / columns))
    figure, axes = plt.subplots(rows, columns, figsize=(DOUBLE, DOUBLE / columns * rows * 1.05), squeeze=False,
                                layout="constrained")
    order = list(result.order)
    fits = result.fit.set_index("group")
    for ax, group in zip(axes.flat, groups):
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
        circle = plt.Circle(centre, radius, fill=False, color="0.7", lw=0.6, ls="--", zorder=0)
        ax.add_patch(circle)
        ax.scatter(points[:, 0], points[:, 1], s=14, color="0.15", zorder=3)
        for value, (x, y) in zip(order, points):
            ax.annotate(result.label(value), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=6.5)
        fit = fits.loc[group]
        subtitle = f"Stress-1 = {fit.stress1:.3f}" if fit.stress1 == fit.stress1 else ""
        if fit.rthor_ci == fit.rthor_ci:
            subtitle += f", RTHOR CI = {fit.rthor_ci:.2f}"
        ax.set_title(f"{group}\n{subtitle}", fontsize=8)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        limit = 1.3 * radius
        ax.set_xlim(centre[0] - limit, centre[0] + 1.75 * radius)
        ax.set_ylim(centre[1] - limit, centre[1] + limit)
    for ax in list(axes.flat)[len(groups):]:
        ax.axis("off")
    figure.suptitle("Value circle: MDS of value intercorrelations (dimensions arbitrary) with Schwartz's wedges",
                    fontsize=9)
    return figure


def value_profiles(result: Any, *, groups: Sequence[str] | None = None) -> Any:
    """MRAT-centred value means with 95% CIs per city, in circular order: a dot plot and a circular profile."""
    plt = _setup()
    profiles = result.profiles
    groups = list(groups or dict.fromkeys(profiles["group"]))
    colours = palette(groups)
    order = list(result.order)
    figure = plt.figure(figsize=(DOUBLE, 3.9), layout="constrained")
    dots = figure.add_subplot(1, 2, 1)
    polar = figure.add_subplot(1, 2, 2, projection="polar")
    width = 0.7 / max(len(groups), 1)
    for n, group in enumerate(groups):
        rows = profiles[profiles.group == group].set_index("value").loc[order]
        x = np.arange(len(order)) + (n - (len(groups) - 1) / 2) * width
        colour, marker = colours[group]
        dots.errorbar(x, rows["mean"], yerr=[rows["mean"] - rows["ci_low"], rows["ci_high"] - rows["mean"]], fmt=marker,
                      color=colour, ms=3.5, lw=0.8, capsize=1.5, label=group)
        theta = np.linspace(0, 2 * np.pi, len(order), endpoint=False)
        polar.plot(np.append(theta, theta[0]), np.append(rows["mean"], rows["mean"].iloc[0]), color=colour, lw=1,
                   marker=marker, ms=3)
    dots.axhline(0, color="0.6", lw=0.6)
    dots.set_xticks(range(len(order)), [result.label(v) for v in order], rotation=60, ha="right")
    dots.set_ylabel("Importance relative to own mean (MRAT-centred)")
    figure.legend(*dots.get_legend_handles_labels(), loc="outside lower center", ncol=min(len(groups), 6), frameon=False)
    polar.set_xticks(np.linspace(0, 2 * np.pi, len(order), endpoint=False), [result.label(v) for v in order], fontsize=6.5)
    low, high = float(profiles["mean"].min()), float(profiles["mean"].max())
    polar.set_rlim(low - 0.1 * (high - low), high + 0.05 * (high - low))
    polar.set_rticks([t for t in np.linspace(low, high, 3)], [f"{t:.1f}" for t in np.linspace(low, high, 3)], fontsize=5.5)
    polar.set_rlabel_position(100)
    polar.set_title("Circular profile (MRAT-centred means)", fontsize=8)
    figure.suptitle("City value profiles (95% CI)", fontsize=9)
    return figure


def twin_map(result: Any, links: Sequence[tuple[str, str]] = ()) -> Any:
    """Cities on the two higher-order dimensions with 95% ellipses; twin links coloured by value distance."""
    import matplotlib as mpl
    from matplotlib.patches import Ellipse

    plt = _setup()
    positions = result.positions.set_index("group")
    colours = palette(list(positions.index))
    figure, ax = plt.subplots(figsize=(SINGLE * 1.45, SINGLE * 1.3))
    distances = result.distances
    norm = mpl.colors.Normalize(vmin=0, vmax=max(float(distances["distance"].max()) if len(distances) else 1.0, 1e-9))
    cmap = mpl.colormaps["cividis"]
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
        ax.annotate(group, (row.x, row.y), xytext=(5, 4), textcoords="offset points", fontsize=7)
    ax.axhline(0, color="0.75", lw=0.6, zorder=0)
    ax.axvline(0, color="0.75", lw=0.6, zorder=0)
    (x_plus, x_minus), (y_plus, y_minus) = result.axes
    ax.set_xlabel(f"{result.label(x_minus)}  ←  (MRAT-centred difference)  →  {result.label(x_plus)}")
    ax.set_ylabel(f"{result.label(y_minus)}  ←  →  {result.label(y_plus)}")
    if len(distances):
        figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, label="Value distance along twin link", shrink=0.8)
    ax.set_title("Twin map: cities on the higher-order value dimensions (95% ellipses)")
    return figure


def twin_network(result: Any, hubs: Sequence[str] = ()) -> Any:
    """The twin network: links labelled with value distance [95% CI] and trust gaps."""
    plt = _setup()
    distances = result.distances
    cities = list(dict.fromkeys(list(distances["a"]) + list(distances["b"]))) or list(result.positions["group"])
    centre = [c for c in hubs if c in cities][:1] or [max(cities, key=lambda c: int((distances[["a", "b"]] == c).sum().sum()))]
    others = [c for c in cities if c not in centre]
    place = {centre[0]: (0.0, 0.0)}
    for n, city in enumerate(others):
        angle = np.pi / 2 + 2 * np.pi * n / max(len(others), 1)
        place[city] = (1.9 * np.cos(angle), np.sin(angle))  # wider than tall: room for the link labels
    colours = palette(cities)
    figure, ax = plt.subplots(figsize=(DOUBLE * 0.85, DOUBLE * 0.75))
    gaps = [c for c in distances.columns if c.endswith("_gap")]
    for row in distances.itertuples():
        (x1, y1), (x2, y2) = place[row.a], place[row.b]
        ax.plot([x1, x2], [y1, y2], color="0.4", lw=1.2, zorder=1)
        text = f"d = {row.distance:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]"
        for gap in gaps:
            name = gap.removesuffix("_gap")
            text += f"\n{result.label(name) if name in result.labels else name.replace('_', ' ')} gap {getattr(row, gap):+.2f}"
        ax.annotate(text, (x1 + 0.5 * (x2 - x1), y1 + 0.5 * (y2 - y1)), fontsize=6.5, ha="center", va="center",
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "0.8", "lw": 0.5})
    for city, (x, y) in place.items():
        colour, marker = colours[city]
        ax.scatter([x], [y], s=160, color=colour, marker=marker, edgecolor="black", linewidth=0.5, zorder=3)
        ax.annotate(city, (x, y), xytext=(0, 11), textcoords="offset points", ha="center", fontsize=8, weight="bold")
    ax.set_xlim(-2.4, 2.4)
    ax.set_ylim(-1.3, 1.35)
    ax.axis("off")
    ax.set_title("Twin network: value distance and trust gaps along each link")
    return figure


def draw_value_maps(result: Any, folder: str | Path, *, links: Sequence[tuple[str, str]] = (), hubs: Sequence[str] = (),
                    formats: Sequence[str] = ("pdf", "svg", "png")) -> dict[str, list[Path]]:
    """Every value-map figure, saved in ``folder``."""
    out = {"value_circle": save(value_circle(result), folder, "value_circle", formats),
           "value_profiles": save(value_profiles(result), folder, "value_profiles", formats)}
    if len(result.positions):
        out["twin_map"] = save(twin_map(result, links), folder, "twin_map", formats)
    if len(result.distances):
        out["twin_network"] = save(twin_network(result, hubs), folder, "twin_network", formats)
    return out


def link_effects(comparison: Any, labels: dict[str, str] | None = None) -> Any:
    """Hedges' g with 95% CI for every scale and twin link (a forest plot); filled markers where adjusted p < .05."""
    plt = _setup()
    labels = labels or {}
    pairs = comparison.pairs
    links = list(dict.fromkeys(f"{a} – {b}" for a, b in zip(pairs["a"], pairs["b"])))
    colours = palette(links)
    scales = list(dict.fromkeys(pairs["scale"]))
    figure, ax = plt.subplots(figsize=(DOUBLE, max(2.2, 0.32 * len(scales) * max(1, len(links)) / 2 + 1)), layout="constrained")
    step = 0.8 / max(len(links), 1)
    for k, link in enumerate(links):
        colour, marker = colours[link]
        rows = pairs[[f"{a} – {b}" == link for a, b in zip(pairs["a"], pairs["b"])]].set_index("scale").reindex(scales)
        y = np.arange(len(scales)) + (k - (len(links) - 1) / 2) * step
        ax.errorbar(rows["hedges_g"], y, xerr=[rows["hedges_g"] - rows["g_ci_low"], rows["g_ci_high"] - rows["hedges_g"]],
                    fmt="none", ecolor=colour, lw=0.9, capsize=1.5)
        significant = (rows["p_adj"] < 0.05).to_numpy()
        ax.scatter(rows["hedges_g"][significant], y[significant], color=colour, marker=marker, s=18, zorder=3, label=link)
        ax.scatter(rows["hedges_g"][~significant], y[~significant], facecolor="white", edgecolor=colour, marker=marker,
                   s=18, zorder=3)
    ax.axvline(0, color="0.5", lw=0.7)
    ax.set_yticks(range(len(scales)), [labels.get(s, s) for s in scales])
    ax.invert_yaxis()
    ax.set_xlabel("Hedges' g (first city minus twin), 95% CI; filled: adjusted p < .05")
    figure.legend(frameon=False, fontsize=6.5, loc="outside right upper")
    ax.set_title("Twin-link differences by scale")
    return figure
