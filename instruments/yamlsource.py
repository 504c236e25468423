"""YAML files read with the line of every key kept, so errors can point at them.

PyYAML's ``safe_load`` forgets where things were and silently keeps the last of
two equal keys; both hide mistakes in hand-written instruments. Here the file is
composed into nodes and built by hand, recording each key's line and reporting
duplicate keys as problems.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError, Problem

PathKey = tuple[Any, ...]


@dataclass
class YamlSource:
    """Parsed YAML data plus where each part of it was written."""

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: PathKey) -> int | None:
        """Line of ``path`` or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def read_yaml(path: str | Path) -> YamlSource:
    """Read a YAML file; unreadable or malformed files raise ``InputError``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"expected a YAML file, found a directory: {path}") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return parse_yaml(text, file=str(path))


def parse_yaml(text: str, *, file: str = "<input>") -> YamlSource:
    """Parse YAML text, keeping the line of every mapping key and list entry."""
    import yaml

    # libyaml's loader (when PyYAML was built with it) parses about ten times faster,
    # which keeps the survey prompt quick; both keep the marks we need for lines.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(file, line, "", f"not valid YAML: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(file, None, "", f"not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    source = YamlSource(file=file, data=None)
    if node is None:
        source.lines[()] = 1
        return source
    source.data = _build(node, (), source, loader)
    return source


def _build(node: Any, path: PathKey, source: YamlSource, loader: Any) -> Any:
    import yaml

    source.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                source.problems.append(
                    Problem(source.file, key_node.start_mark.line + 1, dotted(path), "a key must be a plain value")
                )
                continue
            if key in out:
                source.problems.append(
                    Problem(
                        source.file,
                        key_node.start_mark.line + 1,
                        dotted(path + (key,)),
                        f"key '{key}' appears twice (first on line {source.lines[path + (key,)]})",
                    )
                )
                continue
            source.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, path + (key,), source, loader)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(child, path + (i,), source, loader) for i, child in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out

