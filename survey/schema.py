"""The response store's schema and its migrations, one function per version step.

Interviews get a local integer id besides their UUID, and the child tables are
``WITHOUT ROWID``, clustered on (interview id, ...): rows of newly merged or
recorded interviews append at the end of each tree instead of landing at random
UUID positions, which keeps merging 50 devices' stores fast.

Each interview carries a digest of its rows (answers, events, instruments): the sum, modulo a prime,
of a 48-bit hash of each row, kept by triggers on every insert and update whoever writes. Two
stores holding the same interview row and digest hold the same rows (a different set matches by
chance with odds of about 2^-48), so a merge skips them without reading their answers.

A store records its schema version in ``meta``; opening an older store runs the
missing steps inside one transaction, so a store is never half-migrated.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

SCHEMA_VERSION = 3

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE interviews (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL UNIQUE,
    study_id TEXT NOT NULL,
    city TEXT NOT NULL,
    interviewer TEXT NOT NULL,
    device TEXT NOT NULL,
    language TEXT NOT NULL,
    second_language TEXT,
    seed INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'paused', 'complete', 'abandoned', 'refused')),
    consent INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    updated_at TEXT NOT NULL,
    pid INTEGER,
    host TEXT,
    item_order TEXT NOT NULL
);
CREATE TABLE interview_instruments (
    interview INTEGER NOT NULL REFERENCES interviews(id),
    position INTEGER NOT NULL,
    instrument TEXT NOT NULL,
    version TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    PRIMARY KEY (interview, position)
) WITHOUT ROWID;
CREATE TABLE answers (
    interview INTEGER NOT NULL REFERENCES interviews(id),
    item TEXT NOT NULL,
    revision INTEGER NOT NULL,
    value TEXT NOT NULL,
    missing TEXT CHECK (missing IN ('dont_know', 'refused')),
    status TEXT NOT NULL CHECK (status IN ('answered', 'skipped', 'not_relevant')),
    shown_at TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (interview, item, revision)
) WITHOUT ROWID;
CREATE TABLE events (
    interview INTEGER NOT NULL REFERENCES interviews(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (interview, at, kind)
) WITHOUT ROWID;
CREATE INDEX interviews_city ON interviews (city, status);
"""


def _to_v1(connection: sqlite3.Connection) -> None:
    for statement in _V1.split(";"):
        if statement.strip():
            connection.execute(statement)


def _to_v2(connection: sqlite3.Connection) -> None:
    # Pilot interviews (axiosphere survey pilot) live in the store but stay out of analysis.
    connection.execute("ALTER TABLE interviews ADD COLUMN pilot INTEGER NOT NULL DEFAULT 0")
    # The respondent's id in an imported file (the map's id column), kept for linking back.
    connection.execute("ALTER TABLE interviews ADD COLUMN source_id TEXT")


DIGEST_PRIME = 2305843009213693951  # 2^61 - 1: a sum of it and a 48-bit hash never overflows SQLite's integers
# The rows each child table adds to its interview's digest; the table name keeps equal tuples of two tables apart.
DIGESTED = {
    "answers": ["item", "revision", "value", "missing", "status", "shown_at", "answered_at"],
    "events": ["at", "kind", "detail"],
    "interview_instruments": ["position", "instrument", "version", "content_hash"],
}


def row_hash(table: str, *values: object) -> int:
    """The 48-bit hash of one child row (registered in SQLite as ``axiosphere_row_hash``)."""
    data = json.dumps([table, *values], ensure_ascii=False, separators=(",", ":")).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=6).digest(), "big")


def register(connection: sqlite3.Connection) -> None:
    """Make the digest's hash function known to a connection (every connection that writes needs it)."""
    connection.create_function("axiosphere_row_hash", -1, row_hash, deterministic=True)


def _hash_sql(table: str, row: str) -> str:
    return f"axiosphere_row_hash('{table}', {', '.join(f'{row}.{c}' for c in DIGESTED[table])})"


def digest_triggers(connection: sqlite3.Connection, *, on: bool = True) -> None:
    """Create (or drop) the triggers that keep digests. A merge drops them inside its transaction and sets the
    digests itself, which for millions of rows is much faster than a call a row; no other writer sees the gap."""
    for table in DIGESTED:
        if not on:
            connection.execute(f"DROP TRIGGER IF EXISTS {table}_digest_insert")
            connection.execute(f"DROP TRIGGER IF EXISTS {table}_digest_update")
            continue
        connection.execute(
            f"CREATE TRIGGER IF NOT EXISTS {table}_digest_insert AFTER INSERT ON {table} BEGIN UPDATE interviews SET digest = "
            f"(digest + {_hash_sql(table, 'NEW')}) % {DIGEST_PRIME} WHERE id = NEW.interview; END")
        connection.execute(
            f"CREATE TRIGGER IF NOT EXISTS {table}_digest_update AFTER UPDATE ON {table} BEGIN UPDATE interviews SET digest = "
            f"(digest - {_hash_sql(table, 'OLD')} + {DIGEST_PRIME}) % {DIGEST_PRIME} WHERE id = OLD.interview; "
            f"UPDATE interviews SET digest = (digest + {_hash_sql(table, 'NEW')}) % {DIGEST_PRIME} WHERE id = NEW.interview; END")


def _to_v3(connection: sqlite3.Connection) -> None:
    connection.execute("ALTER TABLE interviews ADD COLUMN digest INTEGER NOT NULL DEFAULT 0")
    digest_triggers(connection)
    recompute_digests(connection)


def recompute_digests(connection: sqlite3.Connection, interviews: list[int] | None = None) -> None:
    """Set the digest of ``interviews`` (default: all) from their rows."""
    if interviews is None:
        ids = [r[0] for r in connection.execute("SELECT id FROM interviews")]
        batches = [("", [])]
    else:
        ids = list(interviews)
        batches = [(f" WHERE interview IN ({', '.join('?' * len(ids[k:k + 500]))})", ids[k:k + 500])
                   for k in range(0, len(ids), 500)]
    digests: dict[int, int] = {}
    for where, batch in batches:
        for table, columns in DIGESTED.items():
            for interview, *values in connection.execute(f"SELECT interview, {', '.join(columns)} FROM {table}{where}", batch):
                digests[interview] = (digests.get(interview, 0) + row_hash(table, *values)) % DIGEST_PRIME
    connection.executemany("UPDATE interviews SET digest = ? WHERE id = ?", [(digests.get(i, 0), i) for i in ids])


_STEPS = {1: _to_v1, 2: _to_v2, 3: _to_v3}


def migrate(connection: sqlite3.Connection) -> None:
    """Bring a store to :data:`SCHEMA_VERSION`; call inside a transaction."""
    tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    current = 0
    if "meta" in tables:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        current = int(row[0]) if row else 0
    for version in range(current + 1, SCHEMA_VERSION + 1):
        _STEPS[version](connection)
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
