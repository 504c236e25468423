"""Bringing in the stores of other devices: idempotent, order-independent, never dropping a row.

Every row has a natural key (interview UUID; interview, item and revision; ...),
so merging copies rows the target lacks and leaves equal rows alone: merging twice
changes nothing. When the same key holds different content in two stores (an
interview copied to a second laptop mid-way and continued there, say), the copy
updated last wins, ties broken by content, so the result does not depend on the
order of merging; every such difference is reported.

Example
-------
>>> report = merge_stores(target, [Path("tablet2/responses.sqlite")])  # doctest: +SKIP
>>> report.added["answers"]  # doctest: +SKIP
1520
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey.store import Store

_STATUS_RANK = "CASE {t}.status WHEN 'complete' THEN 4 WHEN 'abandoned' THEN 3 WHEN 'refused' THEN 3 WHEN 'paused' THEN 2 ELSE 1 END"
_INTERVIEW_KEY = f"{{t}}.updated_at || '|' || {_STATUS_RANK} || '|' || {{t}}.status || '|' || {{t}}.uuid"
_ANSWER_KEY = "{t}.answered_at || '|' || {t}.status || '|' || {t}.value || '|' || COALESCE({t}.missing, '')"
_TABLES = {
    "interviews": ("uuid", "uuid, study_id, city, interviewer, device, language, second_language, seed, status, consent,"
                   " started_at, ended_at, updated_at, pid, host, item_order"),
    "interview_instruments": ("interview, position", "interview, position, instrument, version, content_hash"),
    "answers": ("interview, item, revision", "interview, item, revision, value, missing, status, shown_at, answered_at"),
    "events": ("interview, at, kind", "interview, at, kind, detail"),
}


@dataclass
class MergeReport:
    """What a merge added and which interviews differed between stores."""

    sources: list[str] = field(default_factory=list)
    added: dict[str, int] = field(default_factory=lambda: {t: 0 for t in _TABLES})
    differences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"sources": self.sources, "added": dict(self.added), "differences": list(self.differences)}


def merge_stores(target: Store, sources: list[str | Path]) -> MergeReport:
    """Merge ``sources`` into ``target``. All sources are checked before anything is written."""
    checked: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            path = path / "responses.sqlite"
        if path.resolve() == target.path.resolve():
            continue
        Store.open(path, study_id=target.study_id).close()
        checked.append(path)
    report = MergeReport()
    for path in checked:
        _merge_one(target, path, report)
        report.sources.append(str(path))
    return report


def _merge_one(target: Store, path: Path, report: MergeReport) -> None:
    db = target.db
    db.execute("ATTACH DATABASE ? AS src", (str(path),))
    try:
        with target.transaction(f"the merge of {path}"):
            for table, (key, columns) in _TABLES.items():
                if table in ("interviews", "answers"):
                    _reconcile(db, table, key, columns, report, path)
                before = db.total_changes
                db.execute(f"INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}")
                report.added[table] += db.total_changes - before
    finally:
        db.execute("DETACH DATABASE src")


def _reconcile(db: Any, table: str, key: str, columns: str, report: MergeReport, path: Path) -> None:
    """Rows with the same key but other content: keep the later one, and say so."""
    keys = [k.strip() for k in key.split(",")]
    others = [c.strip() for c in columns.split(",") if c.strip() not in keys]
    join = " AND ".join(f"m.{k} = s.{k}" for k in keys)
    differs = " OR ".join(f"m.{c} IS NOT s.{c}" for c in others)
    order = _INTERVIEW_KEY if table == "interviews" else _ANSWER_KEY
    rows = db.execute(
        f"SELECT {', '.join('m.' + k for k in keys)}, {order.format(t='m')}, {order.format(t='s')}"
        f" FROM main.{table} m JOIN src.{table} s ON {join} WHERE {differs}"
    ).fetchall()
    match_source = " AND ".join(f"s.{k} = ?" for k in keys)
    match_target = " AND ".join(f"main.{table}.{k} = ?" for k in keys)
    for *ident, mine, theirs in rows:
        what = (f"interview {ident[0]}" if table == "interviews"
                else f"answer to {ident[1]} (revision {ident[2]}) in interview {ident[0]}")
        if theirs > mine:
            db.execute(f"UPDATE main.{table} SET ({', '.join(others)}) = (SELECT {', '.join('s.' + c for c in others)}"
                       f" FROM src.{table} s WHERE {match_source}) WHERE {match_target}", (*ident, *ident))
            report.differences.append(f"{what} differs between stores: took the copy updated last, from {path}")
        else:
            report.differences.append(f"{what} differs between stores: kept the copy updated last, already here")


