"""Importing external data (CSV, XLSX, SPSS .sav, Stata .dta) into a study's store with a column map.

The map (YAML) names the source column of each item, the city (a column with
optional value mapping, or a fixed city), an optional respondent id column, and
recodes such as ``{77: refused, 88: dont_know, 99: missing}``. Every value that
is not an answer of its item is reported with its row and column, and nothing is
imported until the file is clean (or ``skip_invalid`` drops the bad rows and says
which). Re-importing the same file adds nothing: interview ids derive from the
file's content and the row.

Example map for an ESS download::

    city: {column: cntry, values: {BY: orsha, RU: smolensk}}
    id: idno
    items: {ipcrtiv: ipcrtiv, imprich: imprich, ppltrst: ppltrst}
    recode:
      "*": {77: refused, 88: dont_know, 99: missing}
      ipcrtiv: {7: refused, 8: dont_know, 9: missing}
"""

from __future__ import annotations

import hashlib
import math
import uuid as uuidlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError, Problem
from axiosphere.instruments.fields import Reader, describe, suggest
from axiosphere.instruments.yamlsource import read_yaml
from axiosphere.survey.interview import Flow
from axiosphere.survey.store import Store, now
from axiosphere.survey.study import StudyDesign

READERS = {".csv": "csv", ".xlsx": "xlsx", ".sav": "sav", ".dta": "dta"}
RECODE_TARGETS = ("refused", "dont_know", "missing")


@dataclass(frozen=True)
class ColumnMap:
    city_column: str | None
    city_fixed: str | None
    city_values: dict[Any, str]
    id_column: str | None
    interviewer: str
    items: dict[str, str]
    recode: dict[str, dict[Any, Any]]


@dataclass
class ImportReport:
    file: str
    rows: int = 0
    imported: int = 0
    already_there: int = 0
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "rows": self.rows, "imported": self.imported, "already_there": self.already_there,
                "skipped": self.skipped}


def read_map(path: str | Path, study: StudyDesign) -> ColumnMap:
    """Read and check a column map against the study's items and cities."""
    reader, root = Reader.open(read_yaml(path))
    items = {i: inst for inst in study.instruments for i in inst.items}
    city = root.child("city", required=True)
    column = fixed = None
    values: dict[Any, str] = {}
    if city is not None:
        column = city.get("column", str, required=False)
        fixed = city.get("fixed", str, required=False)
        values = city.get("values", dict, required=False, default={})
        city.finish()
        if (column is None) == (fixed is None):
            city.error(None, "give either 'column' (the source column holding the city) or 'fixed' (one city id)")
        for target in ([fixed] if fixed else []) + list(values.values()):
            if target not in study.cities:
                city.error(None, f"unknown city '{target}'{suggest(str(target), study.cities)}")
    mapped = root.get("items", dict, default={})
    for item in mapped:
        if item not in items:
            root.error("items", f"unknown item '{item}'{suggest(str(item), items)}")
        elif items[item].items[item].type == "multi":
            root.error("items", f"'{item}' is a multiple-choice item; importing those is not supported")
    recode = root.get("recode", dict, required=False, default={})
    for target_item, table in recode.items():
        if target_item != "*" and target_item not in mapped:
            root.error("recode", f"recode for '{target_item}', which the map does not import")
        if not isinstance(table, dict):
            root.error("recode", f"expected source value: target pairs under '{target_item}', got {describe(table)}")
            continue
        for source, target in table.items():
            if not (target in RECODE_TARGETS or isinstance(target, (int, float))):
                root.error("recode", f"recode target {describe(target)} must be a number or one of {', '.join(RECODE_TARGETS)}")
    id_column = root.get("id", str, required=False)
    interviewer = root.get("interviewer", str, required=False, default="import")
    root.finish()
    if reader.problems:
        raise InputError(reader.problems)
    return ColumnMap(column, fixed, values, id_column, interviewer, dict(mapped), recode)


def read_table(path: str | Path) -> Any:
    """The source file as a DataFrame; SPSS and Stata user-missing values keep their codes."""
    import pandas as pd

    path = Path(path)
    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"cannot import {path.name}: expected one of {', '.join(READERS)}")
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    try:
        if kind == "csv":
            return pd.read_csv(path)
        if kind == "xlsx":
            return pd.read_excel(path)
        import pyreadstat

        reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
        frame, _ = reader(path, user_missing=True)
        return frame
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    except Exception as exc:  # pyreadstat raises its own error types for damaged files
        raise InputError(f"cannot read {path}: {type(exc).__name__}: {exc}") from None


def import_file(study: StudyDesign, store: Store, path: str | Path, mapping: ColumnMap, *, skip_invalid: bool = False) -> ImportReport:
    """Check every row and cell, then import all rows in one transaction (or none)."""
    path = Path(path)
    frame = read_table(path)
    wanted = [c for c in [mapping.city_column, mapping.id_column, *mapping.items.values()] if c]
    absent = [c for c in wanted if c not in frame.columns]
    if absent:
        raise InputError([Problem(str(path), None, "", f"the map names column '{c}', which the file does not have"
                                  f"{suggest(c, frame.columns)}") for c in absent])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    problems: list[Problem] = []
    rows: list[tuple[str, str, dict[str, tuple[Any, str | None]], str | None]] = []
    bad_rows: set[int] = set()
    seen_ids: dict[str, int] = {}
    flows: dict[str, Flow] = {}
    for n, record in enumerate(frame.to_dict("records"), start=1):
        city = _city(record, mapping)
        if city not in study.cities:
            problems.append(Problem(str(path), None, f"row {n}, column {mapping.city_column}",
                                    f"{describe(record.get(mapping.city_column))} is not a city of the study (map it under city.values)"))
            bad_rows.add(n)
            continue
        flow = flows.setdefault(city, Flow(study, city, seed=0))
        answers = {}
        for item, column in mapping.items.items():
            value, missing, message = _convert(record[column], item, flow, mapping)
            if message:
                problems.append(Problem(str(path), None, f"row {n}, column {column} (item {item})", message))
                bad_rows.add(n)
            elif value is not None:
                answers[item] = (value, missing)
        if mapping.id_column:
            # The respondent's own id makes the interview id: a corrected file re-imports to the same ids.
            ident = _plain(record.get(mapping.id_column))
            if ident is None:
                problems.append(Problem(str(path), None, f"row {n}, column {mapping.id_column}", "the id is empty"))
                bad_rows.add(n)
            elif ident in seen_ids:
                problems.append(Problem(str(path), None, f"row {n}, column {mapping.id_column}",
                                        f"id {ident} is also the id of row {seen_ids[ident]}"))
                bad_rows.add(n)
            seen_ids.setdefault(ident, n)
            uid = str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"axiosphere:{study.id}:id:{ident}"))
        else:
            ident = None
            uid = str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"axiosphere:{study.id}:{digest}:{n}"))
        rows.append((uid, city, answers, ident))
    report = ImportReport(str(path), rows=len(frame))
    if problems and not skip_invalid:
        raise InputError(problems)
    report.skipped = [f"{p.field}: {p.message}" for p in problems]
    keep = [r for k, r in enumerate(rows) if k + 1 not in bad_rows] if problems else rows
    existing = {r.uuid for r in store.interviews()}
    fresh = [r for r in keep if r[0] not in existing]
    report.already_there = len(keep) - len(fresh)
    _write(store, study, fresh, mapping, path)
    report.imported = len(fresh)
    return report


def _plain(value: Any) -> str | None:
    """An id cell as text: 12.0 read from SPSS is "12"; empty cells are None."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _city(record: dict[str, Any], mapping: ColumnMap) -> Any:
    if mapping.city_fixed:
        return mapping.city_fixed
    value = record.get(mapping.city_column)
    return mapping.city_values.get(value, value)


def _convert(raw: Any, item: str, flow: Flow, mapping: ColumnMap) -> tuple[Any, str | None, str | None]:
    """(value, missing kind, problem) for one cell after recoding."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or (isinstance(raw, str) and not raw.strip()):
        return None, None, None
    value = raw
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    table = {**mapping.recode.get("*", {}), **mapping.recode.get(item, {})}
    target = table.get(value, table.get(str(value), value))
    i = flow.index[item]
    scale = flow.steps[i].instrument.item_scale(item)
    if target == "missing":
        return None, None, None
    if target in ("refused", "dont_know"):
        code = next((m.code for m in scale.missing if m.kind == target), None) if scale else None
        if code is None:
            return None, None, f"{describe(raw)} recodes to '{target}', but item {item} has no such code"
        return code, target, None
    if isinstance(target, str):
        try:
            target = float(target.replace(",", "."))
            target = int(target) if target.is_integer() else target
        except ValueError:
            if flow.steps[i].item.type != "text":
                return None, None, f"{describe(raw)} is not a number"
    problem = flow.check(i, target)
    if problem:
        return None, None, f"{describe(raw)} is not an answer of item {item}: {problem}"
    return target, flow.missing_kind(i, target), None


def _write(store: Store, study: StudyDesign, rows: list, mapping: ColumnMap, path: Path) -> None:
    import json

    stamp = now()
    specs = [(i.id, i.version, i.content_hash) for i in study.instruments]
    orders = {city: json.dumps(Flow(study, city, seed=0).order) for city in {r[1] for r in rows}}
    with store.transaction(f"the import of {path.name}") as db:
        for uid, city, answers, ident in rows:
            flow_order = orders[city]
            language = study.cities[city].language
            local = store.insert_interview(db, {
                "uuid": uid, "city": city, "interviewer": mapping.interviewer, "device": f"import:{path.name}",
                "language": language, "seed": 0, "status": "complete", "consent": 1, "started_at": stamp,
                "ended_at": stamp, "updated_at": stamp, "item_order": flow_order, "source_id": ident}, specs,
                event=("imported", path.name))
            db.executemany("INSERT INTO answers (interview, item, revision, value, missing, status, shown_at, answered_at)"
                           " VALUES (?,?,1,?,?,'answered',?,?)",
                           [(local, item, json.dumps(v), m, stamp, stamp) for item, (v, m) in answers.items()])
