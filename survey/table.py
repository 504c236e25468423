"""The wide table of a study's answers, as exports and analysis read it: columns described for codebooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "parquet", "sav", "dta", "xlsx")
STATA_MISSING = {"dont_know": "d", "refused": "r"}


@dataclass(frozen=True)
class Column:
    """What one exported column holds."""

    name: str
    label: str
    kind: str  # "meta", "item", "option"
    type: str  # "integer", "number", "string", "datetime"
    values: dict[int, str] = field(default_factory=dict)
    missing: dict[int, str] = field(default_factory=dict)
    instrument: str | None = None
    item: str | None = None
    measure: str = "nominal"
    note: str = ""


@dataclass(frozen=True)
class ExportTable:
    """The wide table and the description of each of its columns.

    ``missing`` has the table's index and one column per answered item: the kind of non-answer
    the interview recorded ("dont_know", "refused"), never re-guessed from codes; ``paradata``
    has one row per interview and answered item with the seconds it was on screen.
    """

    frame: pd.DataFrame
    columns: tuple[Column, ...]
    study: str
    statuses: tuple[str, ...]
    missing: pd.DataFrame | None = None
    paradata: pd.DataFrame | None = None


