"""Renders the example figures and report pages in this folder from the demo study at its default seed (the data
calibrated to look like ESS human-values data), as a newcomer's `axiosphere demo` makes them.

    python reports/examples/make_examples.py

Needs pdftoppm (poppler-utils) for the report pages and Chromium for the screenshot of the HTML report; without
them those images are left as they are.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from axiosphere.pipeline import analyse_study, run_demo
from axiosphere.reports.figures import palette, save
from axiosphere.reports.value_map_figures import draw_value_maps
from axiosphere.reports.link_effects import link_effects

HERE = Path(__file__).parent

with tempfile.TemporaryDirectory() as tmp:
    folder = Path(tmp) / "demo"
    run_demo(folder)
    results = analyse_study(folder, seed=2026)
    study = results.study
    names = {c: study.city_name(c) for c in study.cities}
    colours = palette(list(study.cities))
    links = [(r.a, r.b) for r in results.valuemap.distances.itertuples()]
    draw_value_maps(results.valuemap, HERE, links=links, hubs=study.hubs(), names=names, colours=colours,
                    formats=("png", "svg"))
    save(link_effects(results.comparison, results.comparison_labels, names=names, colours=colours), HERE,
         "link_effects", ("png",))
    report = folder / "report"
    if shutil.which("pdftoppm"):
        for page in (1, 10):
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                            str(report / "report.pdf"), str(HERE / f"report-page-{page}")], check=True)
    if shutil.which("chromium"):
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--window-size=1100,1600", f"--screenshot={HERE / 'report-html-chromium.png'}",
                        (report / "report.html").as_uri()], check=True, capture_output=True)
