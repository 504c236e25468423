"""Exporting a study's answers: one row per interview, one column per item, metadata first.

Answers keep their codes (as the ESS does: a "don't know" on a 0-10 scale is 88);
the codebook written beside every export says which codes mean what, and SPSS and
Stata files carry them as user-missing values (SPSS) or extended missing values
``.d``/``.r`` (Stata). Items dropped by skip logic, skipped or never asked are
system-missing. Multiple-choice items become one 0/1 column per option.

Example
-------
>>> table = build_table(study, store)  # doctest: +SKIP
>>> write_export(table, "answers.sav")  # doctest: +SKIP
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.model import Instrument
from axiosphere.survey.codebook import write_codebook
from axiosphere.survey.store import Store
from axiosphere.survey.study import StudyDesign
from axiosphere.survey.table import FORMATS, STATA_MISSING, Column, ExportTable

_META = [
    Column("interview", "Interview id (UUID)", "meta", "string"),
    Column("city", "City (id in study.yaml)", "meta", "string"),
    Column("interviewer", "Interviewer id", "meta", "string"),
    Column("device", "Device that recorded the interview", "meta", "string"),
    Column("language", "Interview language", "meta", "string"),
    Column("second_language", "Second language shown under the first (empty: none)", "meta", "string"),
    Column("status", "Interview status", "meta", "string"),
    Column("started", "Start of the interview (UTC)", "meta", "datetime"),
    Column("ended", "End of the interview (UTC)", "meta", "datetime"),
    Column("duration_min", "Duration in minutes, without the time the interview was paused", "meta", "number"),
    Column("paused_min", "Minutes the interview was paused", "meta", "number"),
    Column("seed", "Seed of the randomised order", "meta", "integer"),
    Column("source_id", "The respondent's id in the imported file (empty: interviewed here)", "meta", "string"),
    Column("instruments", "Instruments used (id@version#hash)", "meta", "string"),
]


def build_table(study: StudyDesign, store: Store, *, include_incomplete: bool = False,
                include_pilot: bool = False) -> ExportTable:
    """The study's answers as a wide table: complete fieldwork interviews, unless ``include_incomplete``
    (every status) or ``include_pilot`` (the simulated interviews of ``survey pilot`` too)."""
    import pandas as pd

    statuses = ("complete", "paused", "in_progress", "abandoned", "refused") if include_incomplete else ("complete",)
    records = [r for r in store.interviews() if r.status in statuses and (include_pilot or not r.pilot)]
    wanted = {r.uuid for r in records}
    answers: dict[str, dict[str, tuple[Any, str | None]]] = defaultdict(dict)
    timings: list[tuple[str, str, str, str]] = []
    for uuid, item, value, missing, status, shown, answered_at in store.latest_answers():
        if uuid in wanted and status == "answered":
            answers[uuid][item] = (value, missing)
            timings.append((uuid, item, shown, answered_at))
    used = {uuid: [f"{i}@{v}#{h[:8]}" for i, v, h in specs] for uuid, specs in store.instruments_used().items()}
    paused = store.paused_seconds()
    columns = list(_META) + _item_columns(study, {item for a in answers.values() for item in a})
    # Options filled with the city's twin towns: an option that is not one of this city's twins was never offered.
    twin_items = {i for instrument in study.instruments for i, item in instrument.items.items() if item.options_from == "twins"}
    twin_codes = {city: {n + 1 for n, c in enumerate(study.cities) if c in study.twins(city)} for city in study.cities}
    rows = []
    for r in records:
        row: dict[str, Any] = {
            "interview": r.uuid, "city": r.city, "interviewer": r.interviewer, "device": r.device, "language": r.language,
            "second_language": r.second_language or "", "paused_min": paused.get(r.uuid, 0.0) / 60, "status": r.status,
            "source_id": r.source_id or "", "started": r.started_at, "ended": r.ended_at, "seed": r.seed,
            "instruments": ";".join(used.get(r.uuid, [])),
        }
        mine = answers.get(r.uuid, {})
        for column in columns[len(_META):]:
            row[column.name] = _cell(column, mine, twin_items, twin_codes.get(r.city, set()))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[c.name for c in columns])
    # Number items whose answers are all whole (ages, years) are integers: 45, not 45.0 (F8.0 in SPSS).
    columns = [replace(c, type="integer") if c.type == "number" and c.kind == "item" and _whole(frame[c.name]) else c
               for c in columns]
    for name in ("started", "ended"):
        frame[name] = pd.to_datetime(frame[name], utc=True, format="ISO8601")
    frame["duration_min"] = ((frame["ended"] - frame["started"]).dt.total_seconds() / 60 - frame["paused_min"]).astype("Float64")
    frame["paused_min"] = frame["paused_min"].astype("Float64")
    for column in columns:
        if column.type == "integer":
            frame[column.name] = frame[column.name].astype("Int64")
        elif column.type == "number" and column.kind != "meta":
            frame[column.name] = frame[column.name].astype("Float64")
        elif column.type == "string" and column.kind != "meta":
            frame[column.name] = frame[column.name].astype("string")
    kinds = pd.DataFrame([{item: kind for item, (_, kind) in answers.get(r.uuid, {}).items() if kind} for r in records],
                         index=frame.index, dtype="object")
    paradata = pd.DataFrame(timings, columns=["interview", "item", "shown_at", "answered_at"])
    for name in ("shown_at", "answered_at"):
        paradata[name] = pd.to_datetime(paradata[name], utc=True, format="ISO8601")
    paradata["seconds"] = (paradata["answered_at"] - paradata["shown_at"]).dt.total_seconds()
    return ExportTable(frame, tuple(columns), study.id, statuses, kinds, paradata)


def _item_columns(study: StudyDesign, answered: set[str]) -> list[Column]:
    columns: list[Column] = []
    known: set[str] = set()
    codes = {c: n + 1 for n, c in enumerate(study.cities)}
    offered = [c for c in study.cities if study.twins(c)]
    for instrument in study.instruments:
        for item_id in instrument.item_order():
            item = instrument.items[item_id]
            known.add(item_id)
            # One label for every city: the placeholders are named, not filled with one city's name.
            text = item.text.get(instrument.languages[0]).replace("{city}", "[city]").replace("{twins}", "[twin towns]")
            if item.type == "multi":
                if item.options_from == "twins":
                    options = [(codes[c], study.cities[c].display_name(instrument.languages[0])) for c in offered]
                else:
                    scale = instrument.item_scale(item_id)
                    options = [(p.value, p.label.get(instrument.languages[0]) if p.label else str(p.value))
                               for p in scale.points]
                for code, name in options:
                    columns.append(Column(f"{item_id}_{code}", f"{item_id}: {name}", "option", "integer",
                                          {0: "not selected", 1: "selected"}, instrument=instrument.id, item=item_id,
                                          note=text))
                continue
            columns.append(_item_column(instrument, item_id, text))
    for extra in sorted(answered - known):
        columns.append(Column(extra, extra, "item", "string", item=extra,
                              note="answered with an instrument version that no longer has this item"))
    return columns


def _item_column(instrument: Instrument, item_id: str, text: str) -> Column:
    item = instrument.items[item_id]
    scale = instrument.item_scale(item_id)
    language = instrument.languages[0]
    if scale is None:
        kind = "number" if item.type == "number" else "string"
        codes = instrument.missing_codes(item_id)
        return Column(item_id, _short(text), "item", kind, {m.code: m.label.get(language) for m in codes},
                      {m.code: m.kind for m in codes}, instrument=instrument.id, item=item_id,
                      measure="scale" if kind == "number" else "nominal", note=text)
    values = {p.value: (p.label.get(language) if p.label else str(p.value)) for p in scale.points}
    missing = {m.code: m.kind for m in scale.missing}
    values.update({m.code: m.label.get(language) for m in scale.missing})
    measure = "ordinal" if scale.kind == "rating" else "nominal"
    return Column(item_id, _short(text), "item", "integer", values, missing, instrument.id, item_id, measure, text)


def _cell(column: Column, answers: dict[str, tuple[Any, str | None]], twin_items: set[str], offered: set[int]) -> Any:
    if column.kind == "option":
        if column.item not in answers:
            return None
        code = int(column.name.rsplit("_", 1)[1])
        if column.item in twin_items and code not in offered:
            return None
        return int(code in (answers[column.item][0] or []))
    value = answers.get(column.name, (None, None))[0]
    return value


def _whole(values: Any) -> bool:
    numbers = [v for v in values if v is not None and v == v]
    return all(float(v).is_integer() for v in numbers)


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def write_export(table: ExportTable, path: str | Path, *, format: str | None = None) -> list[Path]:
    """Write the table in ``format`` (from the file name when not given) and its codebook beside it."""
    path = Path(path)
    format = format or path.suffix.lstrip(".").lower()
    if format not in FORMATS:
        raise InputError(f"unknown export format '{format}' (choose from {', '.join(FORMATS)})")
    if not path.parent.exists():
        raise InputError(f"the folder {path.parent} does not exist")
    frame = table.frame
    try:
        if format == "csv":
            frame.to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%S%z")
        elif format == "parquet":
            frame.to_parquet(path, index=False)
        elif format == "xlsx":
            frame.assign(started=frame["started"].dt.tz_localize(None), ended=frame["ended"].dt.tz_localize(None)).to_excel(path, index=False)
        elif format == "sav":
            _write_sav(table, path)
        else:
            _write_dta(table, path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    written = [path, *write_codebook(table, path, format)]
    if table.paradata is not None:
        timings = path.with_name(path.name + ".paradata.csv")
        table.paradata[table.paradata["interview"].isin(table.frame["interview"])].to_csv(
            timings, index=False, date_format="%Y-%m-%dT%H:%M:%S.%f%z")
        written.append(timings)
    return written


def _numeric_frame(table: ExportTable) -> Any:
    import numpy as np

    frame = table.frame.copy()
    for column in table.columns:
        if column.type in ("integer", "number"):
            frame[column.name] = frame[column.name].astype("float64")
        elif column.type == "datetime":
            frame[column.name] = frame[column.name].dt.tz_localize(None)
        else:
            frame[column.name] = frame[column.name].astype(object).where(frame[column.name].notna(), np.nan)
    return frame


def _write_sav(table: ExportTable, path: Path) -> None:
    import pyreadstat

    frame = _numeric_frame(table)
    for column in table.columns:
        if column.type == "string":
            frame[column.name] = frame[column.name].fillna("")
    pyreadstat.write_sav(
        frame, path, file_label=f"axiosphere export of study {table.study}",
        column_labels={c.name: c.label for c in table.columns},
        variable_value_labels={c.name: c.values for c in table.columns if c.values},
        missing_ranges={c.name: sorted(c.missing)[:3] for c in table.columns if c.missing},
        variable_measure={c.name: c.measure for c in table.columns if c.kind != "meta"},
        variable_format={c.name: "F8.0" for c in table.columns if c.type == "integer"},
    )


def _write_dta(table: ExportTable, path: Path) -> None:
    import numpy as np
    import pandas as pd
    import pyreadstat

    frame = _numeric_frame(table)
    user_missing = {}
    for column in table.columns:
        if not column.missing:
            continue
        cells = frame[column.name].astype(object)
        for code, kind in column.missing.items():
            cells = cells.where(cells != code, STATA_MISSING[kind])
        frame[column.name] = cells.where(pd.notna(cells), np.nan)
        user_missing[column.name] = sorted({STATA_MISSING[k] for k in column.missing.values()})
    for column in table.columns:
        if column.type == "string":
            frame[column.name] = frame[column.name].fillna("")
    pyreadstat.write_dta(
        frame, path, file_label=f"axiosphere export of study {table.study}"[:80],
        column_labels={c.name: c.label[:80] for c in table.columns},
        variable_value_labels={c.name: {v: l[:32000] for v, l in c.values.items() if v not in c.missing}
                               for c in table.columns if c.values},
        missing_user_values=user_missing,
    )
