"""The reference values computed by tests/reference/make_reference.R, and the data they came from."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

REFERENCE = Path(__file__).parent / "reference"
VALUES = json.loads((REFERENCE / "reference.json").read_text(encoding="utf-8"))


def bfi() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "bfi_items.csv")


def cities() -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "cities.csv")
