"""Twin links of a study: who is twinned with whom, since when, and how active the tie is.

Written in ``study.yaml`` under ``links`` (a list), or kept in a CSV file that ``links`` names (for
networks of dozens of cities: 67 Russian cities twinned with 73 US ones). A link has two cities
(``a``, ``b``) and may say ``since`` (year founded), ``active`` (true, or false for a dormant tie),
``areas`` (cooperation areas: a list, or ``;``-separated in the CSV), ``contacts_per_year`` and a
``note``. Every problem is reported with its line, all at once.

Example
-------
>>> link = Link("orsha", "smolensk", since=1966, active=True, areas=("culture", "education"), contacts_per_year=4)
>>> link.activity
4.0
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import Problem
from axiosphere.instruments.fields import Node, describe, suggest

FIELDS = ("a", "b", "since", "active", "areas", "contacts_per_year", "note")


@dataclass(frozen=True)
class Link:
    """A twinning between two cities, with what the study knows of it."""

    a: str
    b: str
    since: int | None = None
    note: str = ""
    active: bool | None = None
    areas: tuple[str, ...] = ()
    contacts_per_year: float | None = None

    @property
    def activity(self) -> float | None:
        """Contacts a year where given; a dormant tie counts 0."""
        if self.active is False:
            return 0.0
        return None if self.contacts_per_year is None else float(self.contacts_per_year)

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "since": self.since, "active": self.active, "areas": list(self.areas),
                "contacts_per_year": self.contacts_per_year, "note": self.note}


def _year(value: Any) -> str | None:
    return None if 1900 <= value <= 2100 else f"expected a year, got {value}"


def read_links(root: Node, cities: dict[str, Any], folder: Path) -> list[Link]:
    """The study's links from its ``links`` list or CSV file, checked against its cities."""
    if isinstance(root.data.get("links"), str):
        entries = _csv_entries(root, folder / root.get("links", str))
    else:
        entries = []
        for path, entry in root.children("links", required=True):
            if isinstance(entry, list) and len(entry) == 2:
                entry = {"a": entry[0], "b": entry[1]}
            node = root.node_at(path, entry, "a link {a: CITY, b: CITY} or [CITY, CITY]")
            if node is not None:
                entries.append((node, _from_node(node)))
    links: list[Link] = []
    pairs: set[frozenset[str]] = set()
    for node, link in entries:
        if link is None:
            continue
        bad = [c for c in (link.a, link.b) if c not in cities]
        for c in bad:
            if c not in root.reader.failed:
                node.error("a" if c == link.a else "b", f"link to unknown city '{c}'{suggest(c, cities)}")
        if bad:
            continue
        if link.a == link.b:
            node.error("b", f"a city cannot be twinned with itself ('{link.a}')")
        elif frozenset((link.a, link.b)) in pairs:
            node.error(None, f"the link {link.a} - {link.b} is listed twice")
        else:
            pairs.add(frozenset((link.a, link.b)))
            links.append(link)
    if not links and not root.reader.problems:
        root.error("links", "a study needs at least one twin link between two of its cities")
    return links


def _from_node(node: Node) -> Link | None:
    a, b = node.get("a", str), node.get("b", str)
    since = node.get("since", int, required=False, check=_year)
    note = node.get("note", str, required=False, default="")
    active = node.get("active", bool, required=False)
    areas = node.get("areas", list, required=False, default=[])
    if not all(isinstance(area, str) for area in areas):
        node.error("areas", f"expected a list of cooperation areas (words), got {describe(areas)}")
        areas = []
    contacts = node.get("contacts_per_year", (int, float), required=False,
                        check=lambda v: None if v >= 0 else f"expected a number of contacts (0 or more), got {v}")
    node.finish()
    if a is None or b is None:
        return None
    return Link(a, b, since, note, active, tuple(areas), None if contacts is None else float(contacts))


class _CsvRow(Node):
    """A row of the links file read like a mapping, its problems reported at its line of that file."""

    def __init__(self, root: Node, path: Path, line: int, data: dict[str, Any]):
        super().__init__(root.reader, ("links", line), data)
        self.file, self.line = path, line

    def error(self, key: Any, message: str) -> None:
        self.reader.problems.append(Problem(str(self.file), self.line, f"{key}" if key else "", message))


def _csv_entries(root: Node, path: Path) -> list[tuple[Node, Link | None]]:
    if not path.is_file():
        root.error("links", f"the links file {path} does not exist (give a list of links, or a CSV file next to study.yaml)")
        return []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        unknown = [f for f in reader.fieldnames or [] if f not in FIELDS]
        if unknown or not {"a", "b"} <= set(reader.fieldnames or []):
            root.error("links", f"{path.name} needs columns a and b (and may have {', '.join(FIELDS[2:])}); "
                                f"unknown: {', '.join(unknown) or 'none'}")
            return []
        entries = []
        for line, row in enumerate(reader, start=2):
            data: dict[str, Any] = {k: v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""}
            node = _CsvRow(root, path, line, {})
            node.data = _typed(node, data)
            entries.append((node, _from_node(node)))
    return entries


def _typed(node: Node, data: dict[str, Any]) -> dict[str, Any]:
    """CSV text to the kinds the study file would hold."""
    out: dict[str, Any] = dict(data)
    for key, kind in (("since", int), ("contacts_per_year", float)):
        if key in out:
            try:
                out[key] = kind(out[key])
            except ValueError:
                node.error(key, f"expected a number, got '{out[key]}'")
                del out[key]
    if "active" in out:
        flag = out["active"].lower()
        if flag in ("true", "yes", "1", "active"):
            out["active"] = True
        elif flag in ("false", "no", "0", "dormant"):
            out["active"] = False
        else:
            node.error("active", f"expected true or false, got '{out['active']}'")
            del out["active"]
    if "areas" in out:
        out["areas"] = [a.strip() for a in out["areas"].split(";") if a.strip()]
    return out
