"""The rows a response store hands out: an answer's latest revision and an interview's metadata."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Answer:
    """The latest revision of one item's answer."""

    item: str
    value: Any
    missing: str | None
    status: str
    revision: int
    shown_at: str
    answered_at: str


@dataclass(frozen=True)
class InterviewRecord:
    """One interview's metadata row."""

    uuid: str
    study_id: str
    city: str
    interviewer: str
    device: str
    language: str
    second_language: str | None
    seed: int
    status: str
    consent: bool
    started_at: str
    ended_at: str | None
    updated_at: str
    pid: int | None
    host: str | None
    item_order: tuple[str, ...]
    pilot: bool = False
    source_id: str | None = None

    @property
    def crashed(self) -> bool:
        """Left 'in progress' by a process that is gone (killed, crashed, or on another host)."""
        if self.status != "in_progress":
            return False
        if self.host != socket.gethostname() or self.pid is None:
            return True
        return not _alive(self.pid)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` is running (a killed process not yet reaped is a zombie: not running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


INTERVIEW_COLUMNS = ("uuid", "study_id", "city", "interviewer", "device", "language", "second_language", "seed", "status",
                     "consent", "started_at", "ended_at", "updated_at", "pid", "host", "item_order", "pilot",
                     "source_id")


def record(row: tuple[Any, ...]) -> InterviewRecord:
    """An interview's row, its columns in the order of ``INTERVIEW_COLUMNS``, as a record."""
    values = list(row)
    values[9] = bool(values[9])
    values[15] = tuple(json.loads(values[15]))
    values[16] = bool(values[16])
    return InterviewRecord(*values)
