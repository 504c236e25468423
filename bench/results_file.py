"""Writes a benchmark's results, with when and where it ran, to bench/results/NAME.json."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def write_results(name: str, goals: dict[str, bool], results: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Save and print the document; returns it."""
    document = {"benchmark": name, "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
                **extra, "goals_met": goals, "results": results}
    path = Path(__file__).parent / "results" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(document, indent=2))
    return document
