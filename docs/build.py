"""Build the documentation site: ``python docs/build.py [--out site]``.

The repository maps its folders into one package (``app/`` is ``axiosphere``, ``analysis/`` is
``axiosphere.analysis``, ...), which Python's import system follows but a documentation tool reading
the source does not. So the tree is laid out as installed, with links to the files, in a temporary
folder, and mkdocs (strict: any warning, a broken link included, fails the build) reads it there.
The tutorial notebook is run from top to bottom (nbclient) and becomes the tutorial page with its
outputs, so the site never shows a result the code no longer gives.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"instruments": "instruments", "survey": "survey", "analysis": "analysis", "reports": "reports"}


def source_tree(folder: Path) -> Path:
    """``folder``/axiosphere: app/'s modules, and each mapped folder as a subpackage (symbolic links)."""
    package = folder / "axiosphere"
    package.mkdir(parents=True)
    for file in (ROOT / "app").glob("*.py"):
        (package / file.name).symlink_to(file)
    for name, source in PACKAGES.items():
        (package / name).symlink_to(ROOT / source, target_is_directory=True)
    return folder


def tutorial_page(notebook: Path, folder: Path) -> str:
    """The notebook run in ``folder``, as Markdown: its text, its code and what the code printed."""
    import nbformat
    from nbclient import NotebookClient

    book = nbformat.read(notebook, as_version=4)
    NotebookClient(book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    parts = []
    for cell in book.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
            continue
        parts.append(f"```python\n{cell.source}\n```")
        for output in cell.get("outputs", []):
            text = output.get("text") or output.get("data", {}).get("text/plain")
            if text:
                parts.append(f"```text\n{text.rstrip()}\n```")
    return "\n\n".join(parts) + "\n\nThe notebook itself: [tutorial.ipynb](tutorial.ipynb).\n"


def key_card_pdf(page: Path) -> Path:
    """The key card as a one-page printable PDF beside its page (WeasyPrint, as the report's PDF)."""
    import markdown
    from weasyprint import HTML

    text = "\n".join(line for line in page.read_text(encoding="utf-8").splitlines() if ".pdf)" not in line)
    body = markdown.markdown(text, extensions=["tables"])
    style = ("@page { size: A4; margin: 18mm } body { font-family: 'DejaVu Sans', sans-serif; font-size: 12pt } "
             "table { border-collapse: collapse; width: 100% } td, th { border-bottom: 1px solid #999; "
             "padding: 5pt; text-align: left; vertical-align: top } code { font-size: 13pt; font-weight: bold }")
    pdf = page.with_suffix(".pdf")
    HTML(string=f"<html><head><meta charset='utf-8'><style>{style}</style></head><body>{body}</body></html>").write_pdf(pdf)
    return pdf


def build(out: Path) -> None:
    import logging
    import shutil

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    logging.basicConfig(format="%(levelname)s: %(message)s", level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        os.environ["AXIOSPHERE_SOURCE_TREE"] = str(source_tree(work / "source"))
        docs = work / "docs"
        shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("build.py", "__pycache__"))
        for card in ("keycard-en.md", "keycard-ru.md"):
            key_card_pdf(docs / card)
        (work / "run").mkdir()
        (docs / "tutorial.md").write_text(tutorial_page(docs / "tutorial.ipynb", work / "run"), encoding="utf-8")
        config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(out), docs_dir=str(docs), strict=True)
        mkdocs_build(config)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    build(parser.parse_args().out.resolve())
