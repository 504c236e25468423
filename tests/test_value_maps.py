"""Value maps: MDS, RTHOR, Procrustes, distances; every figure drawn, opened as PNG and checked for content."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from axiosphere.analysis.valuemap import mds, procrustes_onto, rthor, value_map
from axiosphere.reports.figures import save
from axiosphere.reports.value_map_figures import draw_value_maps, twin_map
from value_data import PVQ, circumplex_answers

CITIES = {"orsha": (0.0, 0.5), "tver": (0.4, 0.0), "bondeno": (-0.3, -0.3), "smolensk": (0.2, 0.3)}
LINKS = [("orsha", "tver"), ("orsha", "bondeno"), ("orsha", "smolensk")]


@pytest.fixture(scope="module")
def result():
    data = circumplex_answers(CITIES)
    data["gen"] = np.where(data.city == "tver", 6.0, 5.0)
    return value_map(data, PVQ, by="city", links=LINKS, n_perm=20, n_boot=300, trust={"generalised_trust": "gen"})


def test_stress_equals_scikit_learn_smacof():
    from sklearn.manifold import smacof

    from axiosphere.analysis.valuemap import _dissimilarity, _disparities

    def kruskal(x, delta, ordinal):
        upper = np.triu_indices(len(delta), 1)
        d = np.sqrt(((x[:, None] - x[None]) ** 2).sum(-1))[upper]
        fitted = _disparities(d, delta[upper], np.argsort(delta[upper], kind="stable"), ordinal)
        return np.sqrt(np.sum((fitted - d) ** 2) / np.sum(d**2))

    for seed in (3, 4, 5):
        rng = np.random.default_rng(seed)
        corr = np.corrcoef(rng.normal(size=(150, 10)) @ rng.normal(size=(10, 10)), rowvar=False)
        delta = _dissimilarity(corr)
        for kind, metric in (("ordinal", False), ("ratio", True)):
            x, _ = smacof(delta, metric=metric, n_init=10, random_state=0, normalized_stress=True, max_iter=5000, eps=1e-12)
            ours_x, ours = mds(corr, kind=kind)
            assert ours == pytest.approx(kruskal(ours_x, delta, not metric), abs=1e-9), "reported value is Kruskal's Stress-1"
            # Structureless data have several local optima; both programs land within 0.01 of each other.
            assert ours == pytest.approx(kruskal(x, delta, not metric), abs=0.01)


def test_rthor_detects_a_circular_order_and_not_a_shuffled_one():
    k = 8
    angle = 2 * np.pi * np.arange(k) / k
    corr = np.cos(angle[:, None] - angle[None, :]) * 0.6 + np.eye(k) * 0.4
    index, p, predictions = rthor(corr, list(range(k)))
    assert index == pytest.approx(1.0) and p < 0.01 and predictions > 0
    shuffled = [0, 4, 1, 5, 2, 6, 3, 7]
    assert rthor(corr, shuffled)[0] < 0.5
    # Random relabellings count the observed one among them (Phipson & Smyth): never p = 0.
    assert rthor(corr, list(range(k)), n_perm=99)[1] == pytest.approx(1 / 100)
    # Below 8 variables every relabelling is enumerated: the exact p of a perfect order is 1 / k!.
    small = np.cos(angle[:7, None] * 8 / 7 - angle[None, :7] * 8 / 7) * 0.6 + np.eye(7) * 0.4
    index, p, _ = rthor(small, list(range(7)))
    assert index == 1.0 and p * math.factorial(7) == pytest.approx(14)  # the 7 rotations and their 7 reflections


def test_procrustes_recovers_a_rotated_reflected_configuration():
    rng = np.random.default_rng(0)
    target = rng.normal(size=(10, 2))
    turn = np.array([[np.cos(1.1), -np.sin(1.1)], [np.sin(1.1), np.cos(1.1)]]) @ np.diag([1, -1])
    fitted, congruence = procrustes_onto(target, 3 * target @ turn + 5)
    assert np.allclose(fitted, target) and congruence == pytest.approx(1.0)


def test_circle_profiles_positions_and_distances(result):
    fit = result.fit.set_index("group")
    assert set(fit.index) == {"pooled", *CITIES}
    assert (fit["stress1"] < fit["stress_perm_mean"]).all(), "real structure beats permuted data"
    assert (fit["rthor_ci"] > 0.9).all() and (fit["rthor_p"] < 0.05).all()
    assert (fit.loc[list(CITIES), "congruence"] > 0.99).all()
    positions = result.positions.set_index("group")
    assert positions.loc["orsha", "x"] < positions.loc["tver", "x"], "orsha leans to conservation, tver to openness"
    distances = result.distances.set_index("b")
    assert (distances["ci_low"] <= distances["distance"]).all() and (distances["distance"] <= distances["ci_high"]).all()
    assert distances.loc["tver", "generalised_trust_gap"] == pytest.approx(-1.0)
    assert len(result.profiles) == 4 * 10 and set(result.hierarchy["with"]) >= {"baseline", "tver"}


def _png_content(path):
    import matplotlib.image as mpimg

    pixels = mpimg.imread(path)[..., :3]
    ink = np.mean(pixels.min(axis=2) < 0.9)
    colours = len(np.unique((pixels.reshape(-1, 3) * 20).round(), axis=0))
    return pixels.shape, ink, colours


def test_every_figure_is_drawn_with_content(result, tmp_path):
    written = draw_value_maps(result, tmp_path, links=LINKS, hubs=["orsha"])
    assert set(written) == {"value_circle", "value_profiles", "twin_map", "twin_network"}
    for name, paths in written.items():
        assert [p.suffix for p in paths] == [".pdf", ".svg", ".png"]
        shape, ink, colours = _png_content(paths[2])
        assert shape[1] > 900, f"{name}: 300 dpi at journal width"
        assert 0.01 < ink < 0.6, f"{name}: the figure has content and is not a black block"
        assert colours > 8, f"{name}: several colours"
        assert paths[0].read_bytes()[:4] == b"%PDF"
    svg = (tmp_path / "value_circle.svg").read_text()
    assert "Universalism" in svg and "Stress-1" in svg
    assert "orsha" in (tmp_path / "twin_map.svg").read_text()
    pdf = (tmp_path / "twin_map.pdf").read_bytes()
    assert b"/FontFile2" in pdf, "TrueType fonts embedded"


def test_svg_is_deterministic(result, tmp_path):
    first = save(twin_map(result, LINKS), tmp_path / "a", "map", ("svg",))[0].read_bytes()
    second = save(twin_map(result, LINKS), tmp_path / "b", "map", ("svg",))[0].read_bytes()
    assert first == second


def test_map_command(tmp_path):
    from conftest import run_cli

    data = circumplex_answers({"orsha": (0, 0.5), "tver": (0.4, 0)}, n=150)
    data.to_csv(tmp_path / "pvq.csv", index=False)
    (tmp_path / "study.yaml").write_text(
        "id: t\ntitle: t\ninstruments: [pvq21]\ncities:\n  - {id: orsha, name: Orsha, country: BY, language: ru}\n"
        "  - {id: tver, name: Tver, country: RU, language: ru}\nlinks: [[orsha, tver]]\n")
    done = run_cli("map", str(tmp_path / "pvq.csv"), "--links", str(tmp_path), "--out", str(tmp_path / "maps"),
                   "--format", "png,svg", "--permutations", "10", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["distances"][0]["a"] == "orsha" and len(document["figures"]["twin_map"]) == 2
    bad = run_cli("map", str(tmp_path / "pvq.csv"), "--out", str(tmp_path / "m"), "--format", "gif")
    assert bad.returncode == 2 and "unknown figure format" in bad.stderr


def test_axes_level_plots_draw_on_the_given_ax_with_text_of_at_least_7_pt_at_column_width(result):
    import matplotlib
    from matplotlib.text import Text

    from axiosphere.reports.figures import SINGLE, style
    from axiosphere.reports.value_map_figures import plot_twin_map, twin_network, value_circle, value_profiles

    before = dict(matplotlib.rcParams)
    with style() as plt:
        figure, ax = plt.subplots(figsize=(SINGLE, SINGLE))
        assert plot_twin_map(result, LINKS, ax=ax) is ax, "seaborn's style: draw on the ax given, return it"
        plt.close(figure)
    assert matplotlib.rcParams["font.size"] == before["font.size"], "settings changed only inside the context"
    for figure in (value_circle(result, width=SINGLE), value_profiles(result, width=SINGLE),
                   twin_map(result, LINKS, width=SINGLE), twin_network(result, ["orsha"], width=SINGLE)):
        sizes = [t.get_fontsize() for t in figure.findobj(Text) if t.get_text().strip()]
        assert sizes and min(sizes) >= 7, "no text under 7 pt at print size"
        assert not figure._suptitle, "captions live in the document, not in the image"
        figure.clf()
