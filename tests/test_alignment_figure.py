"""The alignment heat map: one × for each flagged parameter, deviations centred on the invariant cities, readable
at a single and a double column, vector colour bars."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from alignment_data import planted  # noqa: E402
from test_figure_layout import _overlaps, _texts  # noqa: E402

from axiosphere.analysis.alignment import alignment  # noqa: E402
from axiosphere.reports import figures  # noqa: E402
from axiosphere.reports.alignment_figure import alignment_drift, drift  # noqa: E402

ITEMS = [f"x{i}" for i in range(6)]


@pytest.fixture(scope="module")
def aligned():
    data = planted(groups=24, n=300, seed=4)[0]
    return alignment(data, ITEMS, by="city")


@pytest.mark.parametrize("width", [figures.SINGLE, figures.DOUBLE])
def test_readable_at_journal_widths(aligned, width, tmp_path):
    names = {g: f"Twin city {g}" for g in aligned.groups}
    figure = alignment_drift(aligned, width=width, names=names)
    texts = _texts(figure)
    assert min(t.get_fontsize() for t, _ in texts) >= 7
    assert not _overlaps(figure), _overlaps(figure)[:3]
    marks = sum(t.get_text() == "×" for t, _ in texts)
    assert marks == int((~aligned.flags["invariant"]).sum()) > 0
    figure.canvas.draw()
    right = max(box.x1 for _, box in texts) / figure.dpi
    assert right <= width + 0.05, "nothing sticks out of the column"
    path = figures.save(figure, tmp_path, "drift", ["svg"])[0]
    assert "<image" not in path.read_text(encoding="utf-8")
    plt.close(figure)


def test_deviations_are_centred_on_the_invariant_cities(aligned):
    deviation, flagged = drift(aligned, "intercept")
    n = aligned.means.set_index("group")["n"].reindex(deviation.columns).to_numpy()
    se = aligned.flags[aligned.flags["parameter"] == "intercept"].pivot(index="item", columns="group", values="se")
    raw = deviation * se.reindex(index=deviation.index, columns=deviation.columns)
    for item in deviation.index:
        keep = ~flagged.loc[item].to_numpy()
        if keep.any():
            assert np.average(raw.loc[item].to_numpy()[keep], weights=n[keep]) == pytest.approx(0, abs=1e-12)
    # A flagged parameter lies further from the centre (in SEs) than the typical invariant one.
    values, marks = np.abs(deviation.to_numpy()), flagged.to_numpy()
    assert np.median(values[marks]) > 2 * np.median(values[~marks])
