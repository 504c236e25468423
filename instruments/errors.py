"""Errors that name what a researcher must fix: the file, the line, the field.

Every loader in axiosphere collects *all* problems of an input before raising,
so that a researcher fixing an instrument or a study file sees the whole list
at once instead of one fault per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One fault in an input file.

    Parameters
    ----------
    file
        The file the fault is in (``None`` when the input did not come from a file).
    line
        1-based line number where known.
    field
        Dotted path of the field, e.g. ``items.q1.scale``; empty for the whole file.
    message
        What is wrong and what was expected.
    """

    file: str | None
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        parts = [self.file or ""]
        if self.line is not None:
            parts[0] = f"{parts[0] or '<input>'}:{self.line}"
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(p for p in parts if p)

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "field": self.field, "message": self.message}


class InputError(ValueError):
    """Bad input from a user: a file, a column, an option. Carries every problem found.

    The command line prints each problem on its own line and exits with status 2.
    """

    def __init__(self, problems: list[Problem] | str, *, file: str | Path | None = None):
        if isinstance(problems, str):
            problems = [Problem(str(file) if file is not None else None, None, "", problems)]
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
