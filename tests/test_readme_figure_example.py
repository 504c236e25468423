"""The README's figure example runs as written on a demo study."""

from __future__ import annotations

import os
from pathlib import Path

from axiosphere.pipeline import run_demo


def test_the_readmes_figure_example_runs(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    code = next(block.split("```", 1)[0] for block in readme.split("```python")[1:] if "plot_twin_map" in block)
    run_demo(tmp_path / "my-study", seed=2, scale=0.08, formats=("html",))
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(here)
    assert {p.suffix for p in (tmp_path / "figures").iterdir()} == {".pdf", ".svg", ".png"}
