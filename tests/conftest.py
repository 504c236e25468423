"""Shared helpers: run the real command line in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
DATA = TESTS / "data"
FAULTS = TESTS / "faults"


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``axiosphere ARGS`` with the interpreter running the tests; never raises on exit status."""
    env = {**os.environ, "COLUMNS": "100", "PYTHONIOENCODING": "utf-8"}
    env.pop("AXIOSPHERE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "axiosphere", *args],
        capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env,
    )


@pytest.fixture
def cli():
    return run_cli
