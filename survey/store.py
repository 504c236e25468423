"""The response store: one SQLite file per device, in the study folder.

Nothing collected may be lost, so every write is its own ``BEGIN IMMEDIATE``
transaction on a WAL journal with ``synchronous=FULL``: when ``Store.answer``
returns, the answer is on disk (only a store of synthetic data, made with
``durable=False``, may batch its writes). Answers are never overwritten; changing one
appends a revision, and an answer that a changed earlier answer made irrelevant
gets a ``not_relevant`` revision instead of being dropped. Two processes (two
terminals on one laptop) can write the same store at once; SQLite's lock and a
busy timeout serialise them. WAL needs a local file system: keep stores off
network shares.

Example
-------
>>> import tempfile, pathlib
>>> store = Store.create(pathlib.Path(tempfile.mkdtemp()) / "responses.sqlite", study_id="demo")
>>> uuid = store.start_interview(city="orsha", interviewer="iv1", language="ru", seed=7,
...                              instruments=[("neighbours", "1.0", "abc")], item_order=["q1"])
>>> store.answer(uuid, "q1", 2, shown_at="2026-01-01T10:00:00+00:00")
1
>>> store.current_answers(uuid)["q1"].value
2
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import uuid as uuidlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError
from axiosphere.survey.records import INTERVIEW_COLUMNS, Answer, InterviewRecord, record
from axiosphere.survey.schema import SCHEMA_VERSION, migrate, register

STORE_FILE = "responses.sqlite"
STATUSES = ("in_progress", "paused", "complete", "abandoned", "refused")


class StoreError(InputError):
    """The store could not be opened or written (full disk, read-only, locked, not a store): one line, exit 2."""


def explain(exc: BaseException, path: Path, doing: str) -> str:
    """What an SQLite or OS failure means for a fieldworker, in one sentence."""
    text = str(exc).lower()
    folder = path.parent
    writable = os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    if "full" in text or getattr(exc, "errno", None) == 28:
        reason = "the disk is full; free some space"
    elif "readonly" in text or "read-only" in text or isinstance(exc, PermissionError) or (folder.exists() and not writable):
        reason = "the store or its folder is read-only; make it writable (or copy the study to a writable folder)"
    elif "locked" in text or "busy" in text:
        reason = "another program holds the store locked for too long; close it and try again"
    elif "unable to open" in text:
        reason = "the folder cannot be written or does not exist"
    elif "not a database" in text or "malformed" in text:
        reason = "the file is not an intact response store"
    else:
        reason = str(exc)
    return f"cannot {doing} {path}: {reason}"


def machine_device() -> str:
    """This machine's device id, kept in the user's data folder: copies of a study on two laptops
    get two ids, and one laptop keeps its id across studies and store files."""
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "axiosphere"
    path = base / "device-id"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        pass
    device = f"{socket.gethostname()}-{uuidlib.uuid4().hex[:8]}"
    try:
        base.mkdir(parents=True, exist_ok=True)
        path.write_text(device + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only home: the id lasts for this process only, still unique to it
    return device


def now() -> str:
    """UTC time stamp with microseconds, as stored."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def _connect(path: Path, durable: bool = True) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    # FULL: each commit reaches the disk before the next question. NORMAL only for synthetic data.
    connection.execute(f"PRAGMA synchronous={'FULL' if durable else 'NORMAL'}")
    connection.execute("PRAGMA foreign_keys=ON")
    register(connection)  # the digest triggers call it on every write
    return connection


class Store:
    """A study's response store. Open it with ``open`` or ``create``."""

    def __init__(self, path: Path, connection: sqlite3.Connection, *, durable: bool = True):
        self.path, self.db, self.durable, self._batched = path, connection, durable, False
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        self.study_id = meta["study_id"]
        # The device that records is this machine, not the one that created the file (a copied folder).
        self.device = machine_device()
        self._ids: dict[str, int] = {}
        # Time stamps come from here; simulations replace it with a clock of their own.
        self.clock = now

    def _id(self, uuid: str) -> int:
        """The local integer id of interview ``uuid`` (child tables are keyed by it)."""
        if uuid not in self._ids:
            row = self.db.execute("SELECT id FROM interviews WHERE uuid = ?", (uuid,)).fetchone()
            if row is None:
                raise InputError(f"no interview '{uuid}' in {self.path}")
            self._ids[uuid] = row[0]
        return self._ids[uuid]

    # -- opening -----------------------------------------------------------------

    @classmethod
    def create(cls, path: str | Path, *, study_id: str, durable: bool = True) -> Store:
        """Create a new store file (or open it if it exists and belongs to ``study_id``).

        ``durable=False`` skips the per-commit flush to disk: only for synthetic data (the demo).
        """
        path = Path(path)
        if path.exists():
            return cls.open(path, study_id=study_id)
        try:
            connection = _connect(path, durable)
            with _transaction(connection):
                migrate(connection)
                device = machine_device()
                connection.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("study_id", study_id), ("device", device), ("created_at", now()), ("store_id", uuidlib.uuid4().hex)],
                )
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(explain(exc, path, "create the response store")) from None
        return cls(path, connection, durable=durable)

    @classmethod
    def open(cls, path: str | Path, *, study_id: str | None = None) -> Store:
        """Open an existing store; a foreign, corrupt or other study's file raises ``InputError``."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"no response store at {path}")
        with open(path, "rb") as handle:
            header = handle.read(16)
        if header != b"SQLite format 3\x00":
            raise InputError(f"{path} is not a response store (not an SQLite file)")
        try:
            connection = _connect(path)
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "meta" not in tables:
                connection.close()
                raise InputError(f"{path} is an SQLite file but not an axiosphere response store")
            version = int(dict(connection.execute("SELECT key, value FROM meta")).get("schema_version", 0))
            if version > SCHEMA_VERSION:
                connection.close()
                raise InputError(f"{path} was written by a newer axiosphere (store schema {version}); upgrade axiosphere")
            if version < SCHEMA_VERSION:
                with _transaction(connection):
                    migrate(connection)
            store = cls(path, connection)
        except sqlite3.OperationalError as exc:
            raise StoreError(explain(exc, path, "open the response store")) from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path} is damaged or not a response store ({exc})") from None
        if study_id is not None and store.study_id != study_id:
            store.close()
            raise InputError(f"{path} belongs to study '{store.study_id}', not '{study_id}'")
        return store

    @classmethod
    def for_study(cls, folder: str | Path, study_id: str, *, create: bool = False) -> Store:
        """The store in a study folder (created on first use when ``create``)."""
        path = Path(folder) / STORE_FILE
        if create:
            return cls.create(path, study_id=study_id)
        return cls.open(path, study_id=study_id)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The writes of the block in one commit instead of one each: only for a store of synthetic data
        (``durable=False``), where a crash may lose the block. The demo commits an interview at a time: its
        2,420 interviews' 120k commits each wrote their pages to the log anew."""
        if self.durable:
            raise ValueError("a durable store commits every answer before the next question; "
                             "batch() is for synthetic data")
        with self.transaction("the interviews"):
            self._batched = True
            try:
                yield
            finally:
                self._batched = False

    @contextmanager
    def transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        if self._batched:  # the batch's own transaction holds the write
            yield self.db
            return
        try:
            with _transaction(self.db):
                yield self.db
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(explain(exc, self.path, f"save {what} in") + "; every answer saved before this is kept: "
                             "fix it, then continue with axiosphere survey resume") from None

    def start_interview(
        self, *, city: str, interviewer: str, language: str, seed: int, instruments: Iterable[tuple[str, str, str]],
        item_order: Iterable[str], second_language: str | None = None, consent: bool = True, interview_id: str | None = None,
        pilot: bool = False,
    ) -> str:
        """Record a new interview (status ``in_progress``, or ``refused`` without consent); returns its UUID."""
        interview = interview_id or str(uuidlib.uuid4())
        stamp = self.clock()
        status = "in_progress" if consent else "refused"
        with self.transaction("the new interview") as db:
            self.insert_interview(db, {
                "uuid": interview, "city": city, "interviewer": interviewer, "device": self.device, "language": language,
                "second_language": second_language, "seed": seed, "status": status, "consent": int(consent),
                "started_at": stamp, "ended_at": None if consent else stamp, "updated_at": stamp,
                "pid": os.getpid() if consent else None, "host": socket.gethostname(),
                "item_order": json.dumps(list(item_order)), "pilot": int(pilot)}, instruments, event=(status, ""))
        return interview

    def insert_interview(self, db: sqlite3.Connection, row: dict[str, Any], instruments: Iterable[tuple[str, str, str]],
                         *, event: tuple[str, str]) -> int:
        """Insert one interview with its instruments and first event, inside a transaction the caller holds."""
        values = {"study_id": self.study_id, "pilot": 0, **row}
        local = db.execute(f"INSERT INTO interviews ({_INTERVIEW_COLUMNS}) VALUES ({', '.join('?' * len(INTERVIEW_COLUMNS))})",
                           [values.get(c) for c in INTERVIEW_COLUMNS]).lastrowid
        db.executemany("INSERT INTO interview_instruments (interview, position, instrument, version, content_hash)"
                       " VALUES (?,?,?,?,?)", [(local, n, *spec) for n, spec in enumerate(instruments)])
        db.execute("INSERT INTO events (interview, at, kind, detail) VALUES (?,?,?,?)", (local, values["updated_at"], *event))
        self._ids[row["uuid"]] = local
        return local

    def answer(self, interview: str, item: str, value: Any, *, missing: str | None = None, status: str = "answered",
               shown_at: str | None = None) -> int:
        """Append a revision of ``item``'s answer and commit it; returns the revision number."""
        stamp = self.clock()
        local = self._id(interview)
        with self.transaction(f"the answer to {item}") as db:
            (revision,) = db.execute(
                "SELECT COALESCE(MAX(revision), 0) + 1 FROM answers WHERE interview = ? AND item = ?", (local, item)
            ).fetchone()
            db.execute(
                "INSERT INTO answers (interview, item, revision, value, missing, status, shown_at, answered_at)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (local, item, revision, json.dumps(value), missing, status, shown_at or stamp, stamp),
            )
            db.execute("UPDATE interviews SET updated_at = ? WHERE id = ?", (stamp, local))
        return revision

    def mark_not_relevant(self, interview: str, items: Iterable[str]) -> None:
        """Record that earlier answers to ``items`` no longer apply (an answer they depended on changed)."""
        stamp = self.clock()
        local = self._id(interview)
        with self.transaction("the skip-logic change") as db:
            for item in items:
                (revision,) = db.execute(
                    "SELECT COALESCE(MAX(revision), 0) + 1 FROM answers WHERE interview = ? AND item = ?", (local, item)
                ).fetchone()
                db.execute(
                    "INSERT INTO answers (interview, item, revision, value, missing, status, shown_at, answered_at)"
                    " VALUES (?,?,?,?,?,?,?,?)", (local, item, revision, "null", None, "not_relevant", stamp, stamp),
                )

    def set_status(self, interview: str, status: str, *, detail: str = "") -> None:
        """Move an interview to ``status`` (paused, complete, abandoned, in_progress) and log the event."""
        if status not in STATUSES:
            raise ValueError(f"unknown interview status '{status}'")
        stamp = self.clock()
        ended = stamp if status in ("complete", "abandoned") else None
        holder = (os.getpid(), socket.gethostname()) if status == "in_progress" else (None, None)
        local = self._id(interview)
        with self.transaction(f"the interview status ({status})") as db:
            db.execute("UPDATE interviews SET status = ?, ended_at = COALESCE(?, ended_at), updated_at = ?, pid = ?, host = ?"
                       " WHERE id = ?", (status, ended, stamp, *holder, local))
            db.execute("INSERT INTO events (interview, at, kind, detail) VALUES (?,?,?,?)", (local, stamp, status, detail))

    def log(self, interview: str, kind: str, detail: str = "") -> None:
        """Paradata: back-steps, pauses, crashes detected."""
        local = self._id(interview)
        with self.transaction("the event log") as db:
            db.execute("INSERT INTO events (interview, at, kind, detail) VALUES (?,?,?,?)", (local, self.clock(), kind, detail))

    # -- reading -----------------------------------------------------------------

    def latest_answers(self) -> Iterator[tuple[str, str, Any, str | None, str, str, str]]:
        """(interview uuid, item, value, missing, status, shown_at, answered_at) of the latest revision of every answer."""
        rows = self.db.execute(
            "SELECT i.uuid, a.item, a.value, a.missing, a.status, a.shown_at, a.answered_at FROM answers a"
            " JOIN interviews i ON i.id = a.interview"
            " WHERE NOT EXISTS (SELECT 1 FROM answers b WHERE b.interview = a.interview AND b.item = a.item"
            " AND b.revision > a.revision)")
        # Answers repeat a few codes thousands of times: each stored text is decoded once (a third of opening a
        # study of 2,600 interviews went to json.loads). Lists (multi-choice answers) are decoded afresh each
        # time, so no caller shares a mutable value.
        decoded: dict[str, Any] = {}
        for uuid, item, value, missing, status, shown, answered in rows:
            if value not in decoded:
                parsed = json.loads(value)
                if isinstance(parsed, (list, dict)):
                    yield uuid, item, parsed, missing, status, shown, answered
                    continue
                decoded[value] = parsed
            yield uuid, item, decoded[value], missing, status, shown, answered

    def paused_seconds(self) -> dict[str, float]:
        """Seconds each interview spent paused: from each pause to the event that ended it."""
        from datetime import datetime as dt

        out: dict[str, float] = {}
        rows = self.db.execute("SELECT i.uuid, e.at, e.kind FROM events e JOIN interviews i ON i.id = e.interview"
                               " ORDER BY e.interview, e.at")
        since: tuple[str, str] | None = None
        for uuid, at, kind in rows:
            if since is not None and since[0] == uuid and kind != "paused":
                out[uuid] = out.get(uuid, 0.0) + (dt.fromisoformat(at) - dt.fromisoformat(since[1])).total_seconds()
                since = None
            if kind == "paused":
                since = (uuid, at)
        return out

    def instruments_used(self) -> dict[str, list[tuple[str, str, str]]]:
        """Instrument id, version and content hash of every interview, in the order asked."""
        out: dict[str, list[tuple[str, str, str]]] = {}
        for uuid, *spec in self.db.execute(
                "SELECT i.uuid, ii.instrument, ii.version, ii.content_hash FROM interview_instruments ii"
                " JOIN interviews i ON i.id = ii.interview ORDER BY ii.interview, ii.position"):
            out.setdefault(uuid, []).append(tuple(spec))
        return out

    def interview(self, uuid: str) -> InterviewRecord:
        row = self.db.execute(f"SELECT {_INTERVIEW_COLUMNS} FROM interviews WHERE uuid = ?", (uuid,)).fetchone()
        if row is None:
            raise InputError(f"no interview '{uuid}' in {self.path}")
        return record(row)

    def interviews(self, *, status: str | None = None) -> list[InterviewRecord]:
        query = f"SELECT {_INTERVIEW_COLUMNS} FROM interviews"
        rows = self.db.execute(query + (" WHERE status = ?" if status else "") + " ORDER BY started_at, uuid",
                               (status,) if status else ())
        return [record(r) for r in rows]

    def current_answers(self, interview: str) -> dict[str, Answer]:
        """The latest revision of every item asked in ``interview``."""
        rows = self.db.execute(
            "SELECT item, value, missing, status, revision, shown_at, answered_at FROM answers a WHERE interview = ?"
            " AND revision = (SELECT MAX(revision) FROM answers b WHERE b.interview = a.interview AND b.item = a.item)",
            (self._id(interview),),
        )
        return {r[0]: Answer(r[0], json.loads(r[1]), r[2], r[3], r[4], r[5], r[6]) for r in rows}

    def resumable(self) -> list[InterviewRecord]:
        """Paused interviews and those a killed process left in progress."""
        return [r for r in self.interviews() if r.status == "paused" or r.crashed]


_INTERVIEW_COLUMNS = ", ".join(INTERVIEW_COLUMNS)


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
