"""Turning model objects into plain JSON-ready data, and printing it for ``--json``."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from axiosphere.instruments.conditions import Condition
from axiosphere.instruments.model import LocalText


def to_plain(obj: Any) -> Any:
    """Frozen dataclasses, texts and conditions as dicts, lists and strings; NaN and infinity as None (strict JSON)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if hasattr(obj, "item") and hasattr(obj, "dtype") and getattr(obj, "ndim", 1) == 0:  # a numpy scalar
        return to_plain(obj.item())
    if obj.__class__.__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if isinstance(obj, LocalText):
        return obj.to_dict()
    if isinstance(obj, Condition):
        return obj.text
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Mapping):
        return {("|".join(k) if isinstance(k, tuple) else str(k)): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (frozenset, set)):
        return sorted(to_plain(v) for v in obj)
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj


def print_json(document: Any) -> None:
    """Print exactly one JSON document on stdout (the ``--json`` contract)."""
    sys.stdout.write(json.dumps(to_plain(document), ensure_ascii=False, indent=2, allow_nan=False) + "\n")
