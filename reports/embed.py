"""A report figure as it goes into the page (inline SVG) and into the PDF (an SVG image with text as text)."""

from __future__ import annotations

import io
from typing import Any


class Drawn(str):
    """A figure as inline SVG for the page, glyphs drawn as paths (it looks the same in every browser), with
    ``printed``: the same figure for the PDF, its text as text in an ``<img>``. WeasyPrint draws a figure's
    thousand glyph paths several times slower than its text, and styles every node of an inline SVG with the
    page's CSS: the demo's PDF took 5.2 s this way and 2.9 s the other."""

    printed: str


def embed(figure: Any) -> Drawn:
    """``figure`` drawn for the report page and for its PDF (then closed)."""
    import base64

    import matplotlib

    from axiosphere.reports.figures import style

    drawn = []
    with style() as plt:
        for fonts in ("path", "none"):
            buffer = io.StringIO()
            with matplotlib.rc_context({"svg.fonttype": fonts}):
                figure.savefig(buffer, format="svg", metadata={"Date": None})
            drawn.append(buffer.getvalue())
        plt.close(figure)
    page = Drawn(drawn[0][drawn[0].index("<svg"):])
    page.printed = f'<img alt="" src="data:image/svg+xml;base64,{base64.b64encode(drawn[1].encode()).decode()}">'
    return page
