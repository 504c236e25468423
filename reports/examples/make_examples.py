"""Renders the example figures in this folder from synthetic data (a hub with four twins).

    python reports/examples/make_examples.py
"""

from pathlib import Path

from axiosphere.analysis.valuemap import value_map
from axiosphere.instruments import bundled_names, resolve_instrument
from axiosphere.reports.figures import draw_value_maps
from axiosphere.survey.simulate import circumplex_answers

# The bundled instrument that declares a circular value structure.
pvq = next(i for i in map(resolve_instrument, bundled_names()) if i.circumplex is not None)
cities = {"orsha": (-0.2, 0.5), "smolensk": (0.0, 0.35), "tver": (0.35, 0.1), "minsk-mazowiecki": (0.2, -0.2),
          "bondeno": (0.5, -0.35)}
data = circumplex_answers(pvq, cities, n=350, seed=7)
links = [("orsha", c) for c in cities if c != "orsha"]
result = value_map(data, pvq, by="city", links=links, n_perm=100)
draw_value_maps(result, Path(__file__).parent, links=links, hubs=["orsha"], formats=("png", "svg"))
