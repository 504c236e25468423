"""Reading typed fields out of parsed YAML while collecting every problem.

A hand-written reader instead of pydantic: its messages speak a researcher's
language ("expected a whole number, got 'six'"), it points at YAML lines, and it
keeps the survey prompt fast (pydantic alone costs ~0.12 s to import here).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from typing import Any

from axiosphere.instruments.errors import Problem
from axiosphere.instruments.yamlsource import PathKey, YamlSource, dotted

SLUG = re.compile(r"^[a-z][a-z0-9_-]*$")
VARIABLE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")

_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping (key: value lines)",
}


def describe(value: Any) -> str:
    """Short description of a value for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        return _KIND_NAMES[type(value)]
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


class Reader:
    """Collects problems for one source file."""

    def __init__(self, source: YamlSource):
        self.source = source
        self.problems: list[Problem] = source.problems
        # Ids of things whose own fault is already reported: references to them are
        # not reported again, so one mistake gives one message.
        self.failed: set[str] = set()

    def error(self, path: PathKey, message: str) -> None:
        self.problems.append(Problem(self.source.file, self.source.line_of(path), dotted(path), message))

    def root(self) -> Node | None:
        data = self.source.data
        if not isinstance(data, dict):
            self.error((), f"expected a mapping of fields at the top of the file, got {describe(data)}")
            return None
        return Node(self, (), data)

    @classmethod
    def open(cls, source: YamlSource) -> tuple[Reader, Node]:
        """A reader and the file's top mapping; a file that is not a mapping raises at once."""
        from axiosphere.instruments.errors import InputError

        reader = cls(source)
        root = reader.root()
        if root is None:
            raise InputError(reader.problems)
        return reader, root


class Node:
    """A mapping being read: every key must be read once, unknown keys are reported."""

    def __init__(self, reader: Reader, path: PathKey, data: dict[Any, Any]):
        self.reader = reader
        self.path = path
        self.data = data
        self._seen: set[Any] = set()

    def error(self, key: Any, message: str) -> None:
        self.reader.error(self.path + ((key,) if key is not None else ()), message)

    def has(self, key: str) -> bool:
        return key in self.data

    def get(
        self,
        key: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = True,
        default: Any = None,
        check: Callable[[Any], str | None] | None = None,
    ) -> Any:
        """Value of ``key`` if it has the right kind (and passes ``check``), else ``default``."""
        self._seen.add(key)
        if key not in self.data or self.data[key] is None:
            if required:
                self.error(None, f"missing required field '{key}'")
            return default
        value = self.data[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not _is_kind(value, kinds):
            expected = " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)
            self.error(key, f"expected {expected}, got {describe(value)}")
            return default
        if check is not None:
            message = check(value)
            if message:
                self.error(key, message)
                return default
        return value

    def text(self, key: str, **kw: Any) -> str | None:
        return self.get(key, str, **kw)

    def slug(self, key: str, **kw: Any) -> str | None:
        return self.get(key, str, check=slug_check, **kw)

    def child(self, key: str, *, required: bool = False) -> Node | None:
        value = self.get(key, dict, required=required)
        return Node(self.reader, self.path + (key,), value) if value is not None else None

    def named_children(self, key: str) -> Iterator[tuple[str, Node]]:
        """The mappings of a field that maps names to blocks (``response_scales``, ``options``)."""
        block = self.child(key)
        if block is None:
            return
        for name in block.data:
            node = block.child(name)
            if node is not None:
                yield str(name), node
        block.finish()

    def children(self, key: str, *, required: bool = False) -> Iterator[tuple[PathKey, Any]]:
        """Entries of a list field, each with its path."""
        value = self.get(key, list, required=required, default=[])
        for i, entry in enumerate(value):
            yield self.path + (key, i), entry

    def node_at(self, path: PathKey, value: Any, what: str) -> Node | None:
        if not isinstance(value, dict):
            self.reader.error(path, f"expected {what} (a mapping of fields), got {describe(value)}")
            return None
        return Node(self.reader, path, value)

    def finish(self) -> None:
        """Report keys nobody asked for, with the nearest known key as a hint."""
        for key in self.data:
            if key in self._seen:
                continue
            close = difflib.get_close_matches(str(key), [str(k) for k in self._seen], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            known = ", ".join(sorted(str(k) for k in self._seen))
            self.error(key, f"unknown field '{key}'{hint}; known fields here: {known}")


def _is_kind(value: Any, kinds: tuple[type, ...]) -> bool:
    for kind in kinds:
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if kind not in (int, float) and isinstance(value, kind):
            return True
    return False


def slug_check(value: str) -> str | None:
    if not SLUG.match(value):
        return f"'{value}' is not a valid id (lower-case letters, digits, '_' or '-', starting with a letter)"
    return None


def variable_check(value: Any) -> str | None:
    if not isinstance(value, str) or not VARIABLE.match(value):
        return (
            f"'{value}' is not a valid item id (a letter, then letters, digits or '_', "
            "at most 32 characters, so that SPSS and Stata accept it)"
        )
    return None


def as_list(value: Any) -> list[Any]:
    """A raw YAML value as a list (a wrong type is reported where the field itself is read)."""
    return value if isinstance(value, list) else []


def suggest(name: str, known: Any) -> str:
    """' (did you mean X?)' or a list of what is known."""
    known = [str(k) for k in known]
    close = difflib.get_close_matches(str(name), known, n=1)
    if close:
        return f" (did you mean '{close[0]}'?)"
    if known and len(known) <= 12:
        return f" (known: {', '.join(known)})"
    return ""


PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def read_local_text(
    reader: Reader,
    path: PathKey,
    value: Any,
    languages: tuple[str, ...],
    *,
    allow_forms: bool = False,
    placeholders: tuple[str, ...] = (),
) -> dict[str, Any] | None:
    """Check a text given per language (optionally per form); return it as a plain dict.

    Every declared language must be present and no other; ``{name}`` placeholders
    must be among ``placeholders``.
    """
    if isinstance(value, str) and len(languages) == 1:
        value = {languages[0]: value}
    if not isinstance(value, dict):
        reader.error(path, f"expected a text for each language ({', '.join(languages)}), got {describe(value)}")
        return None
    ok = True
    for language in languages:
        if language not in value or value[language] in (None, ""):
            reader.error(path, f"no text in language '{language}' (the instrument declares {', '.join(languages)})")
            ok = False
    for language, text in value.items():
        where = path + (language,)
        if language not in languages:
            reader.error(where, f"language '{language}' is not among the instrument's languages ({', '.join(languages)})")
            ok = False
        elif isinstance(text, dict) and allow_forms:
            for form, variant in text.items():
                ok &= _check_text(reader, where + (form,), variant, placeholders)
        elif text is not None and text != "":
            ok &= _check_text(reader, where, text, placeholders)
    return value if ok else None


def _check_text(reader: Reader, path: PathKey, text: Any, placeholders: tuple[str, ...]) -> bool:
    if isinstance(text, dict):
        reader.error(path, f"text varies by form ({', '.join(map(str, text))}) but the instrument declares no 'forms'")
        return False
    if not isinstance(text, str) or not text.strip():
        reader.error(path, f"expected a non-empty text, got {describe(text)}")
        return False
    for name in PLACEHOLDER.findall(text):
        if name not in placeholders:
            allowed = ", ".join("{" + p + "}" for p in placeholders) or "none"
            reader.error(path, f"unknown placeholder '{{{name}}}' (allowed here: {allowed})")
            return False
    return True
