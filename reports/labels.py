"""Point labels that never overlap: each is moved, when the figure is drawn, to the first free spot around its point.

Placement happens at draw time, after matplotlib's layout engine has sized the axes, so it holds in the saved file
whatever the figure's width; a label that cannot be placed without overlap anywhere goes where it overlaps least.
(adjustText and textalloc do this too, but move labels once, before the final layout, and add a dependency.)

Example
-------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> figure, ax = plt.subplots()
>>> _ = ax.set(xlim=(-1, 1), ylim=(-1, 1))
>>> labels = label_points(ax, [(0, 0), (0.01, 0)], ["Benevolence", "Tradition"])
>>> figure.canvas.draw()
>>> boxes = [t.get_window_extent() for t in labels]
>>> Bbox.intersection(*boxes) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.transforms import Bbox

_DIRECTIONS = np.radians(np.arange(0, 360, 22.5))


def _overlap(a: Any, b: Any) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def _outside(box: Any, frame: Any) -> float:
    return box.width * box.height - _overlap(box, frame)


def label_points(ax: Any, points: Sequence[Sequence[float]], texts: Sequence[str], *,
                 directions: Sequence[float] | None = None, gap: float = 4.0, marker: float = 3.5,
                 keep_clear: Sequence[Sequence[float]] = (), short: Sequence[str] | None = None,
                 **text: Any) -> list[Any]:
    """Label ``points`` (data coordinates) with ``texts``, each placed where it overlaps no other label, no point
    and nothing outside the axes.

    Parameters
    ----------
    ax : matplotlib Axes to draw on.
    points, texts : one anchor and one label each.
    directions : preferred direction of each label from its point, in radians (default: up and to the right);
        sixteen directions are tried nearest first, at ``gap``, then 2.5 and 4 times ``gap`` points away.
    marker : radius (points) of the marker drawn at each point, kept clear of labels.
    keep_clear : further points (data coordinates) that labels must not cover.
    short : a shorter text for each label, shown instead where the full one finds no free spot (the full text
        should then be in a table of the same document).
    **text : passed to ``matplotlib.axes.Axes.annotate`` (``fontsize``, ``weight``, ``bbox``...).

    Returns
    -------
    The annotations, in the order of ``points``.
    """
    text.setdefault("fontsize", 7)
    labels = [ax.annotate(t, tuple(p), xytext=(0, 0), textcoords="offset points", annotation_clip=False, **text)
              for p, t in zip(points, texts)]
    for label in labels:
        label.set_in_layout(False)
    preferred = list(directions) if directions is not None else [np.pi / 4] * len(labels)
    # One placer an axes, so labels added by separate calls (city names, link labels) avoid each other too.
    placer = next((a for a in ax.artists if isinstance(a, _Placer)), None)
    if placer is None:
        placer = ax.add_artist(_Placer())
    placer.add(labels, preferred, gap, [(tuple(p), marker) for p in (*points, *keep_clear)],
               list(short) if short is not None else list(texts))
    return labels


class _Placer(Artist):
    """Not a drawing: an artist in the axes' draw order just before the labels, so it can move them there."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[tuple[Any, float, float, str, str]] = []
        self.anchors: list[tuple[tuple[float, float], float]] = []
        self.set_in_layout(False)

    def add(self, labels: list[Any], preferred: list[float], gap: float,
            anchors: list[tuple[tuple[float, float], float]], short: list[str]) -> None:
        self.labels += [(label, angle, gap, label.get_text(), brief) for label, angle, brief in zip(labels, preferred, short)]
        self.anchors += anchors
        self.set_zorder(min(entry[0].get_zorder() for entry in self.labels) - 0.01)

    def _try(self, label: Any, direction: float, distance: float, renderer: Any) -> Any:
        dx, dy = np.cos(direction), np.sin(direction)
        label.set_position((dx * distance, dy * distance))
        label.set_horizontalalignment("left" if dx > 0.3 else "right" if dx < -0.3 else "center")
        label.set_verticalalignment("bottom" if dy > 0.3 else "top" if dy < -0.3 else "center")
        return label.get_window_extent(renderer)

    def _place(self, renderer: Any, brief: bool) -> bool:
        """Place every label, the short texts if ``brief``; whether all found a free spot."""
        ax = self.axes
        taken = []
        for (x, y), radius in self.anchors:
            (px, py), pixels = ax.transData.transform((x, y)), renderer.points_to_pixels(radius)
            taken.append(Bbox.from_extents(px - pixels, py - pixels, px + pixels, py + pixels))
        frame = ax.get_window_extent(renderer)
        free = True
        for label, angle, gap, full, short in self.labels:
            label.set_text(short if brief else full)
            order = sorted(_DIRECTIONS, key=lambda d: abs(np.angle(np.exp(1j * (d - angle)))))
            best = None
            for direction, distance in [(d, distance) for distance in (gap, 2.5 * gap, 4 * gap) for d in order]:
                box = self._try(label, direction, distance, renderer)
                cost = sum(_overlap(box, other) for other in taken) + _outside(box, frame)
                if best is None or cost < best[0]:
                    best = (cost, direction, distance)
                if cost == 0:
                    break
            free = free and best[0] == 0
            taken.append(self._try(label, best[1], best[2], renderer))
        return free

    def draw(self, renderer: Any) -> None:
        # All labels full or all short (where a short text is given), so that the figure reads consistently.
        if not self._place(renderer, brief=False) and any(full != short for _, _, _, full, short in self.labels):
            self._place(renderer, brief=True)
        self.stale = False
