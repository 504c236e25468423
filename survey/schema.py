"""The response store's schema and its migrations, one function per version step.

Interviews get a local integer id besides their UUID, and the child tables are
``WITHOUT ROWID``, clustered on (interview id, ...): rows of newly merged or
recorded interviews append at the end of each tree instead of landing at random
UUID positions, which keeps merging 50 devices' stores fast.

A store records its schema version in ``meta``; opening an older store runs the
missing steps inside one transaction, so a store is never half-migrated.
"""

from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 2

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


_STEPS = {1: _to_v1, 2: _to_v2}


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
