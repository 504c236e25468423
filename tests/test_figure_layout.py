"""Figures placed at a journal's column width: no text under 7 pt, no two labels overlapping, one look per city,
greys that differ, vector colour bars; on a four-city study and on a crowded twelve-city one."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from axiosphere.analysis.valuemap import value_map  # noqa: E402
from axiosphere.reports import figures  # noqa: E402
from axiosphere.reports import value_map_figures as value_maps  # noqa: E402
from value_data import PVQ, circumplex_answers  # noqa: E402

NAMES = ["Orsha", "Smolensk", "Tver", "Mińsk Mazowiecki", "Bondeno", "Kėdainiai", "Nowy Dwór Gdański",
         "Castel San Pietro Terme", "Villeneuve-sur-Lot", "Kamianets-Podilskyi", "Saint-Jean-de-Luz", "Novopolotsk"]


@pytest.fixture(scope="module")
def crowded():
    """Twelve cities, several close together on the map, one hub linked to all others."""
    rng = np.random.default_rng(4)
    ids = [name.lower().replace(" ", "-") for name in NAMES]
    leans = {city: tuple(rng.normal(0, 0.12, 2)) for city in ids}
    data = circumplex_answers(leans, n=120, seed=4)
    data["gen"] = rng.normal(5, 1, len(data))
    links = [(ids[0], other) for other in ids[1:]]
    result = value_map(data, PVQ, by="city", links=links, n_perm=5, n_boot=50, trust={"generalised_trust": "gen"})
    return result, links, dict(zip(ids, NAMES))


def _texts(figure):
    from matplotlib.text import Text

    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    return [(t, t.get_window_extent(renderer)) for t in figure.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.axes is not None or t.get_figure() is figure and
            t.get_visible() and t.get_text().strip()]


def _overlaps(figure):
    found = []
    for (a, box_a), (b, box_b) in itertools.combinations(_texts(figure), 2):
        width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if width > 0.5 and height > 0.5:
            found.append((a.get_text(), b.get_text()))
    return found


def _figures(result, links, names, width):
    colours = figures.palette(names)
    return {"value_circle": value_maps.value_circle(result, width=width, names=names),
            "value_profiles": value_maps.value_profiles(result, width=width, names=names, colours=colours),
            "twin_map": value_maps.twin_map(result, links, width=width, names=names, colours=colours),
            "twin_network": value_maps.twin_network(result, [links[0][0]], width=width, names=names, colours=colours)}


@pytest.mark.parametrize("width", [figures.SINGLE, figures.DOUBLE])
def test_crowded_figures_have_no_overlapping_labels_and_no_text_under_7_pt(crowded, width):
    result, links, names = crowded
    for name, figure in _figures(result, links, names, width).items():
        sizes = [t.get_fontsize() for t, _ in _texts(figure)]
        assert min(sizes) >= 7, name
        assert not _overlaps(figure), (name, _overlaps(figure)[:3])
        plt.close(figure)



def test_demo_sized_figures_have_no_overlapping_labels_at_either_width():
    cities = {"orsha": (-0.3, 0.4), "smolensk": (-0.15, 0.3), "tver": (0.05, 0.2), "minsk-mazowiecki": (0.25, 0.05),
              "bondeno": (0.45, -0.1)}
    data = circumplex_answers(cities, n=150, seed=2)
    data["gen"] = np.where(data.city == "tver", 6.0, 5.0)
    links = [("orsha", other) for other in list(cities)[1:]]
    result = value_map(data, PVQ, by="city", links=links, n_perm=5, n_boot=50, trust={"generalised_trust": "gen"})
    names = {c: c.replace("-", " ").title() for c in cities}
    for width in (figures.SINGLE, figures.DOUBLE):
        for name, figure in _figures(result, links, names, width).items():
            assert not _overlaps(figure), (width, name, _overlaps(figure)[:3])
            plt.close(figure)


def test_a_city_looks_the_same_in_every_figure_whatever_cities_it_shows():
    study = figures.palette(["orsha", "tver", "bondeno", "smolensk"])
    assert figures.city_colours(study, ["tver", "bondeno"]) is study, "a subset keeps the study's colours"
    assert len(set(study.values())) == 4


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_palette_greys_differ_by_at_least_9_lightness_units(n):
    def lightness(rgb):  # CIE L* of an sRGB colour, what greyscale printing keeps
        linear = np.where(np.asarray(rgb) <= 0.04045, np.asarray(rgb) / 12.92, ((np.asarray(rgb) + 0.055) / 1.055) ** 2.4)
        y = float(linear @ [0.2126, 0.7152, 0.0722])
        return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y

    greys = sorted(lightness(colour) for colour, _ in figures.palette([f"c{k}" for k in range(n)]).values())
    assert min(np.diff(greys)) >= 9, greys


def test_no_two_cities_share_colour_and_marker_among_twenty():
    looks = figures.palette([f"c{k:02d}" for k in range(20)]).values()
    assert len({(tuple(c), m) for c, m in looks}) == 20


def test_colour_bars_are_vectors(crowded, tmp_path):
    result, links, names = crowded
    figure = value_maps.twin_map(result, links, names=names)
    path = figures.save(figure, tmp_path, "map", ["svg"])[0]
    assert "<image" not in path.read_text(encoding="utf-8"), "no raster inside the SVG"
