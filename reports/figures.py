"""What every figure of axiosphere shares: journal widths, the style, one colour and marker a city, colour bars
drawn as vectors, and saving as PDF, SVG and PNG (the figures: value_map_figures.py, link_effects.py,
alignment_figure.py, network_figures.py).

In seaborn's style, each ``plot_*`` function draws on an ``ax`` it is given and returns it, so an
author can place it in a figure of their own; the figure-level functions of the same names lay
them out at journal widths (3.5 in single column, 7.1 in double) and carry no titles (captions
belong to the document). Matplotlib settings are changed only inside ``style``, never globally.

Every figure is saved as vector PDF (TrueType fonts embedded) and SVG plus a 300-dpi PNG.
SVG output is deterministic (a fixed hash salt, no date), so the same data give identical
bytes. Each city keeps one colour (seaborn's colour-blind palette) and one marker in every figure
(``palette``), so figures survive greyscale printing.

Examples
--------
>>> import pathlib, tempfile
>>> with style() as plt:
...     figure, ax = plt.subplots(figsize=(SINGLE, SINGLE * 0.6))
...     _ = ax.plot([1, 2, 3], [2, 1, 3])
>>> [path.suffix for path in save(figure, pathlib.Path(tempfile.mkdtemp()), "example")]
['.pdf', '.svg', '.png']
>>> plt.close(figure)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from axiosphere.instruments.errors import InputError

SINGLE, DOUBLE = 3.5, 7.1
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "<", ">", "h"]
STYLE = {
    "svg.hashsalt": "axiosphere", "pdf.fonttype": 42, "ps.fonttype": 42, "font.family": "DejaVu Sans",
    "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7, "xtick.labelsize": 7,
    "ytick.labelsize": 7, "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
    "savefig.bbox": "tight",
}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@contextmanager
def style() -> Iterator[Any]:
    """The figures' settings (fonts embedded, 7-8 pt text, deterministic SVG), for the ``with`` block only.

    Examples
    --------
    >>> import matplotlib
    >>> with style() as plt:
    ...     matplotlib.rcParams["font.size"]
    8.0
    >>> matplotlib.rcParams["svg.hashsalt"] is None  # outside the block, nothing changed
    True
    """
    plt = _pyplot()
    with plt.rc_context(STYLE):
        yield plt


def palette(groups: Sequence[str]) -> dict[str, tuple[Any, str]]:
    """A colour and a marker per group, for every figure of a study: call it once with all the study's cities and
    pass the result as ``colours=`` to each plot, so a city looks the same everywhere.

    Hues come from seaborn's colour-blind palette; their lightness is then spread evenly (CIELUV L* 32 to 80, in the
    hues' own order of lightness), so that in greyscale neighbouring greys differ by 48 / (n - 1) L*: at least 9 for
    up to six cities. Beyond that the markers carry the distinction.

    Examples
    --------
    >>> colours = palette(["tver", "orsha"])
    >>> colours["orsha"][1], colours["tver"][1]
    ('o', 's')
    """
    import seaborn as sns
    from seaborn.external import husl

    ordered = sorted(set(groups))
    hues = [husl.rgb_to_husl(*colour) for colour in sns.color_palette("colorblind", min(max(len(ordered), 1), 10))]
    by_lightness = sorted(range(len(hues)), key=lambda k: hues[k][2])
    lightness = np.linspace(32, 80, len(hues)) if len(hues) > 1 else [50.0]
    colours = [None] * len(hues)
    for rank, k in enumerate(by_lightness):
        hue, saturation, _ = hues[k]
        colours[k] = tuple(float(np.clip(c, 0, 1)) for c in husl.husl_to_rgb(hue, saturation, lightness[rank]))
    # Colours repeat after ten; the marker sequence then shifts by one, so no two cities share both.
    return {g: (colours[n % 10], MARKERS[(n + n // 10) % len(MARKERS)]) for n, g in enumerate(ordered)}


def city_colours(colours: Mapping[str, tuple[Any, str]] | None, groups: Sequence[str]) -> Mapping[str, tuple[Any, str]]:
    """The study's colours when given and covering ``groups``, else a palette of ``groups`` alone.

    Examples
    --------
    >>> study_colours = palette(["orsha", "tver", "smolensk"])
    >>> city_colours(study_colours, ["tver"])["tver"] == study_colours["tver"]
    True
    >>> sorted(city_colours(study_colours, ["paris"]))  # not the study's: a palette of its own
    ['paris']
    """
    return colours if colours is not None and all(g in colours for g in groups) else palette(groups)


def abbreviations(labels: Sequence[str]) -> list[str]:
    """Each label cut to its shortest prefix of three or more letters that no other label shares, with a point.

    Examples
    --------
    >>> abbreviations(["Security", "Self-direction", "Stimulation", "Power"])
    ['Sec.', 'Sel.', 'Sti.', 'Pow.']
    """
    out = []
    for label in labels:
        size = 3
        while size < len(label) and any(o != label and o.startswith(label[:size]) for o in labels):
            size += 1
        out.append(label if size >= len(label) - 1 else label[:size] + ".")
    return out


def display_name(names: Mapping[str, str] | None, group: str) -> str:
    """A group's display name where ``names`` gives one, else its id.

    Examples
    --------
    >>> display_name({"minsk-mazowiecki": "Mińsk Mazowiecki"}, "minsk-mazowiecki"), display_name(None, "tver")
    ('Mińsk Mazowiecki', 'tver')
    """
    return (names or {}).get(group, group)


def save(figure: Any, folder: str | Path, name: str, formats: Sequence[str] = ("pdf", "svg", "png")) -> list[Path]:
    """Save ``figure`` as ``folder/name.<format>`` for each format (PDF with TrueType fonts, deterministic SVG,
    300-dpi PNG); returns the paths.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(SINGLE, 2))
    >>> [p.name for p in save(figure, pathlib.Path(tempfile.mkdtemp()), "empty", formats=["svg", "png"])]
    ['empty.svg', 'empty.png']
    >>> plt.close(figure)
    """
    folder = Path(folder)
    paths = []
    with style() as plt:
        for fmt in formats:
            if fmt not in ("pdf", "svg", "png"):
                raise InputError(f"unknown figure format '{fmt}' (choose from pdf, svg, png)")
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{name}.{fmt}"
            metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None, "ModDate": None}, "png": {}}[fmt]
            figure.savefig(path, format=fmt, dpi=300 if fmt == "png" else None, metadata=metadata)
            paths.append(path)
        plt.close(figure)
    return paths


# -- the value circle -------------------------------------------------------------------------


def _distance_scale(distances: Any) -> tuple[Any, Any]:
    import matplotlib as mpl

    top = max(float(distances["distance"].max()) if len(distances) else 1.0, 1e-9)
    return mpl.colors.Normalize(vmin=0, vmax=top), mpl.colormaps["cividis"]


def vector_colourbar(ax: Any, norm: Any, cmap: Any, label: str, **options: Any) -> Any:
    """A colour bar under ``ax`` drawn as vectors (matplotlib rasterises a bar of 50 or more colours).

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with style() as plt:
    ...     figure, ax = plt.subplots(figsize=(SINGLE, 2), layout="constrained")
    ...     bar = vector_colourbar(ax, mpl.colors.Normalize(0, 1), mpl.colormaps["cividis"], "Value distance")
    >>> bar.solids.get_rasterized()
    False
    >>> plt.close(figure)
    """
    import matplotlib as mpl

    figure = ax.figure if hasattr(ax, "figure") else ax[0].figure  # one axes, or several sharing the bar
    bar = figure.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, location="bottom",
                             **{"shrink": 0.8, "aspect": 30, "label": label, **options})
    bar.solids.set_rasterized(False)
    bar.solids.set_edgecolor("face")  # no hairline seams between the bar's quads in PDF and SVG viewers
    return bar


def _distance_bar(ax: Any, norm: Any, cmap: Any) -> Any:
    """The colour bar of value distance, which names and defines it."""
    return vector_colourbar(ax, norm, cmap, "Value distance (Euclidean distance\nbetween MRAT-centred value profiles)")
