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

from axiosphere.survey.records import INTERVIEW_COLUMNS
from axiosphere.survey.schema import digest_triggers, recompute_digests
from axiosphere.survey.store import Store

_STATUS_RANK = "CASE {t}.status WHEN 'complete' THEN 4 WHEN 'abandoned' THEN 3 WHEN 'refused' THEN 3 WHEN 'paused' THEN 2 ELSE 1 END"
_INTERVIEW_ORDER = f"{{t}}.updated_at || '|' || {_STATUS_RANK} || '|' || {{t}}.status || '|' || {{t}}.uuid"
_ANSWER_ORDER = "{t}.answered_at || '|' || {t}.status || '|' || {t}.value || '|' || COALESCE({t}.missing, '')"
# Child tables: their key after the interview, and their other columns.
_CHILDREN = {
    "interview_instruments": (["position"], ["instrument", "version", "content_hash"]),
    "answers": (["item", "revision"], ["value", "missing", "status", "shown_at", "answered_at"]),
    "events": (["at", "kind"], ["detail"]),
}
_TABLES = ["interviews", *_CHILDREN]


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
            digest_triggers(db, on=False)  # digests are set below, not by a trigger call for each of millions of rows
            db.execute("DROP TABLE IF EXISTS temp.idmap")
            # Source interview id -> target id; 'shared' marks interviews the target already had: 1 with other
            # content, 2 with the same row and the same digest of their rows, whose rows need no reading at all.
            db.execute("CREATE TEMP TABLE idmap (src INTEGER PRIMARY KEY, dst INTEGER NOT NULL, shared INTEGER NOT NULL)")
            same = " AND ".join(f"m.{c} IS s.{c}" for c in (*INTERVIEW_COLUMNS, "digest"))
            db.execute(f"INSERT INTO temp.idmap SELECT s.id, m.id, CASE WHEN {same} THEN 2 ELSE 1 END"
                       " FROM src.interviews s CROSS JOIN main.interviews m ON m.uuid = s.uuid")
            _reconcile_interviews(db, report, path)
            columns = ", ".join(INTERVIEW_COLUMNS)
            # New interviews get new local ids in source order, so their rows append to the child tables; all their
            # rows come from the source, so their digest is the source's.
            report.added["interviews"] += db.execute(
                f"INSERT INTO main.interviews ({columns}, digest) SELECT {columns}, digest FROM src.interviews s"
                " WHERE s.id NOT IN (SELECT src FROM temp.idmap) ORDER BY s.id").rowcount
            db.execute("INSERT INTO temp.idmap SELECT s.id, m.id, 0 FROM src.interviews s CROSS JOIN main.interviews m"
                       " ON m.uuid = s.uuid WHERE s.id NOT IN (SELECT src FROM temp.idmap)")
            _reconcile_answers(db, report, path)
            for table, (key, rest) in _CHILDREN.items():
                names = ", ".join(["interview", *key, *rest])
                picked = ", ".join(["t.dst", *(f"s.{c}" for c in key + rest)])
                added = db.execute(f"INSERT OR IGNORE INTO main.{table} ({names}) SELECT {picked} FROM src.{table} s"
                                   f" JOIN temp.idmap t ON t.src = s.interview WHERE t.shared < 2"
                                   f" ORDER BY t.dst, {', '.join('s.' + c for c in key)}").rowcount
                report.added[table] += added
            # Shared interviews whose content differed (answers replaced or rows added): their digest from the rows
            # they now hold.
            recompute_digests(db, [r[0] for r in db.execute("SELECT dst FROM temp.idmap WHERE shared = 1 ORDER BY dst")])
            digest_triggers(db)
    finally:
        db.execute("DETACH DATABASE src")


def _reconcile_interviews(db: Any, report: MergeReport, path: Path) -> None:
    """An interview in both stores with other content: keep the copy updated last, and say so."""
    others = [c for c in INTERVIEW_COLUMNS if c != "uuid"]
    differs = " OR ".join(f"m.{c} IS NOT s.{c}" for c in others)
    rows = db.execute(
        f"SELECT s.uuid, t.dst, {_INTERVIEW_ORDER.format(t='m')}, {_INTERVIEW_ORDER.format(t='s')}"
        f" FROM temp.idmap t JOIN src.interviews s ON s.id = t.src JOIN main.interviews m ON m.id = t.dst WHERE {differs}"
    ).fetchall()
    for uuid, local, mine, theirs in rows:
        if theirs > mine:
            db.execute(f"UPDATE main.interviews SET ({', '.join(others)}) = (SELECT {', '.join(others)}"
                       " FROM src.interviews WHERE uuid = ?) WHERE id = ?", (uuid, local))
        where = f"from {path}" if theirs > mine else "already here"
        report.differences.append(f"interview {uuid} differs between stores: kept the copy updated last, {where}")


def _reconcile_answers(db: Any, report: MergeReport, path: Path) -> None:
    """The same answer revision with other content in both stores (only interviews both had can differ)."""
    key, rest = _CHILDREN["answers"]
    differs = " OR ".join(f"m.{c} IS NOT s.{c}" for c in rest)
    rows = db.execute(
        f"SELECT i.uuid, t.dst, s.item, s.revision, {_ANSWER_ORDER.format(t='m')}, {_ANSWER_ORDER.format(t='s')}"
        " FROM temp.idmap t CROSS JOIN src.answers s CROSS JOIN main.answers m CROSS JOIN main.interviews i"
        " WHERE t.shared = 1 AND s.interview = t.src AND m.interview = t.dst AND m.item = s.item"
        f" AND m.revision = s.revision AND i.id = t.dst AND ({differs})"
    ).fetchall()
    for uuid, local, item, revision, mine, theirs in rows:
        if theirs > mine:
            db.execute(f"UPDATE main.answers SET ({', '.join(rest)}) = (SELECT {', '.join('s.' + c for c in rest)}"
                       " FROM src.answers s JOIN src.interviews si ON si.id = s.interview"
                       " WHERE si.uuid = ? AND s.item = ? AND s.revision = ?)"
                       " WHERE interview = ? AND item = ? AND revision = ?", (uuid, item, revision, local, item, revision))
        where = f"from {path}" if theirs > mine else "already here"
        report.differences.append(f"answer to {item} (revision {revision}) in interview {uuid} differs between stores: "
                                  f"kept the copy updated last, {where}")
