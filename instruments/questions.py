"""Reading what an instrument asks: response scales, sections, items, skip logic."""

from __future__ import annotations

from typing import Any

from axiosphere.instruments.conditions import Condition, ConditionError, parse_condition
from axiosphere.instruments.fields import Node, Reader, describe, read_local_text, slug_check, suggest, variable_check
from axiosphere.instruments.model import PLACEHOLDERS, ROLES, Item, LocalText, MissingCode, Point, ResponseScale, Section
from axiosphere.instruments.yamlsource import PathKey

ITEM_TYPES = ("rating", "choice", "multi", "number", "text")
OPTION_SOURCES = ("twins",)
MISSING_KINDS = ("dont_know", "refused")


def read_response_scales(root: Node, languages: tuple[str, ...]) -> dict[str, ResponseScale]:
    scales: dict[str, ResponseScale] = {}
    for scale_id, node in root.named_children("response_scales"):
        if slug_check(scale_id):
            node.error(None, slug_check(scale_id))
            continue
        scale = _read_response_scale(node, scale_id, languages)
        node.finish()
        if scale is not None:
            scales[scale_id] = scale
        else:
            node.reader.failed.add(scale_id)
    return scales


def _read_response_scale(node: Node, scale_id: str, languages: tuple[str, ...]) -> ResponseScale | None:
    reader = node.reader
    kind = node.get("kind", str, check=lambda v: None if v in ("rating", "choice") else
                    f"expected 'rating' (ordered, scored) or 'choice' (categories), got '{v}'")
    more_at = node.get("more_at", str, required=kind == "rating",
                       check=lambda v: None if v in ("high", "low") else f"expected 'high' or 'low', got '{v}'")
    if kind == "choice" and more_at is not None:
        node.error("more_at", "a choice scale has no direction; 'more_at' belongs to rating scales")
    points: list[Point] = []
    if node.has("range"):
        points = _read_range(node, languages)
        if node.has("points"):
            node.error("points", "give either 'points' or 'range' with 'anchors', not both")
    else:
        for path, entry in node.children("points", required=True):
            point = _read_point(node, path, entry, languages)
            if point is not None:
                points.append(point)
    seen: dict[int, PathKey] = {}
    for i, point in enumerate(points):
        if point.value in seen:
            reader.error(node.path + ("points", i), f"value {point.value} is used twice in scale '{scale_id}'")
        seen[point.value] = node.path + ("points", i)
    names = [p.name for p in points if p.name]
    if len(set(names)) != len(names):
        node.error("points", "point names must be unique")
    if points and len(points) < 2:
        node.error("points", "a response scale needs at least two answer options")
    missing = _read_missing(node, languages, set(seen))
    if kind is None or (kind == "rating" and more_at is None) or len(points) < 2:
        return None
    return ResponseScale(id=scale_id, kind=kind, points=tuple(points), more_at=more_at, missing=tuple(missing))


def _read_point(node: Node, path: PathKey, entry: Any, languages: tuple[str, ...]) -> Point | None:
    point = node.node_at(path, entry, "an answer option with 'value' and 'label'")
    if point is None:
        return None
    value = point.get("value", int)
    label = point.get("label", (dict, str))
    name = point.slug("name", required=False)
    point.finish()
    text = read_local_text(node.reader, path + ("label",), label, languages) if label is not None else None
    if value is None or text is None:
        return None
    return Point(value=value, label=LocalText(text), name=name)


def _read_range(node: Node, languages: tuple[str, ...]) -> list[Point]:
    bounds = node.get("range", list)
    anchors = node.get("anchors", dict, required=False, default={})
    if bounds is None:
        return []
    if len(bounds) != 2 or not all(isinstance(b, int) and not isinstance(b, bool) for b in bounds) or bounds[0] >= bounds[1]:
        node.error("range", f"expected [lowest, highest] as two whole numbers, lowest first, got {bounds}")
        return []
    labels: dict[int, LocalText] = {}
    for key, label in anchors.items():
        if not isinstance(key, int) or not bounds[0] <= key <= bounds[1]:
            node.error("anchors", f"anchor {describe(key)} is not a point of the range {bounds[0]}..{bounds[1]}")
            continue
        text = read_local_text(node.reader, node.path + ("anchors", key), label, languages)
        if text is not None:
            labels[key] = LocalText(text)
    return [Point(value=v, label=labels.get(v)) for v in range(bounds[0], bounds[1] + 1)]


def _read_missing(node: Node, languages: tuple[str, ...], valid: set[int]) -> list[MissingCode]:
    block = node.child("missing")
    out: list[MissingCode] = []
    if block is None:
        return out
    codes: set[int] = set()
    for kind in MISSING_KINDS:
        entry = block.child(kind)
        if entry is None:
            continue
        code = entry.get("code", int)
        label = entry.get("label", (dict, str))
        entry.finish()
        text = read_local_text(node.reader, entry.path + ("label",), label, languages) if label is not None else None
        if code is None or text is None:
            continue
        if code in valid:
            entry.error("code", f"missing code {code} is also a valid answer of this scale; choose a code outside its values")
            continue
        if code in codes:
            entry.error("code", f"code {code} is used for both 'don't know' and 'refused'")
            continue
        codes.add(code)
        out.append(MissingCode(kind=kind, code=code, label=LocalText(text)))
    block.finish()
    return sorted(out, key=lambda m: m.code)


def read_sections(
    root: Node, languages: tuple[str, ...], scales: dict[str, ResponseScale], texts: dict[str, Any], forms: tuple[str, ...],
) -> tuple[list[Section], dict[str, Item], dict[str, PathKey]]:
    """Sections and their items, in order; also where each item was written."""
    sections: list[Section] = []
    items: dict[str, Item] = {}
    where: dict[str, PathKey] = {}
    section_ids: set[str] = set()
    for path, entry in root.children("sections", required=True):
        node = root.node_at(path, entry, "a section")
        if node is None:
            continue
        section_id = node.slug("id")
        if section_id in section_ids:
            node.error("id", f"section id '{section_id}' is used twice")
        section_ids.add(section_id)
        title = read_local_text(root.reader, path + ("title",), node.get("title", (dict, str)), languages)
        intro_raw = node.get("intro", (dict, str), required=False)
        intro = read_local_text(root.reader, path + ("intro",), intro_raw, languages, placeholders=PLACEHOLDERS) if intro_raw else None
        randomise = node.get("randomise", bool, required=False, default=False)
        ids: list[str] = []
        for item_path, item_entry in node.children("items", required=True):
            item = _read_item(node, item_path, item_entry, section_id or "", languages, scales, texts, forms)
            if item is None:
                if isinstance(item_entry, dict) and isinstance(item_entry.get("id"), str):
                    root.reader.failed.add(item_entry["id"])
                continue
            if item.id in items:
                root.reader.error(item_path + ("id",), f"item id '{item.id}' is used twice (first at line {root.reader.source.line_of(where[item.id])})")
                continue
            items[item.id] = item
            where[item.id] = item_path
            ids.append(item.id)
        node.finish()
        if section_id and title is not None:
            sections.append(Section(section_id, LocalText(title), tuple(ids), LocalText(intro) if intro else None, randomise))
    if not sections and not root.reader.problems:
        root.error("sections", "an instrument needs at least one section with items")
    return sections, items, where


def _read_item(
    section: Node, path: PathKey, entry: Any, section_id: str, languages: tuple[str, ...],
    scales: dict[str, ResponseScale], texts: dict[str, Any], forms: tuple[str, ...],
) -> Item | None:
    node = section.node_at(path, entry, "an item with at least 'id' and 'type'")
    if node is None:
        return None
    reader = node.reader
    item_id = node.get("id", str, check=variable_check)
    item_type = node.get("type", str, check=lambda v: None if v in ITEM_TYPES else f"unknown item type '{v}'{suggest(v, ITEM_TYPES)}")
    scale = node.get("scale", str, required=False)
    options_from = node.get("options_from", str, required=False,
                            check=lambda v: None if v in OPTION_SOURCES else f"expected one of {', '.join(OPTION_SOURCES)}, got '{v}'")
    if scale is not None and scale not in scales:
        if scale not in reader.failed:
            node.error("scale", f"unknown response scale '{scale}'{suggest(scale, scales)}")
        return None
    elif item_type in ("rating", "choice", "multi") and scale is None and options_from is None and not node.has("scale"):
        node.error(None, f"a {item_type} item needs a response 'scale'")
    elif scale is not None and item_type in ("number", "text"):
        node.error("scale", f"a {item_type} item takes no response scale")
    elif scale is not None and item_type == "rating" and scales[scale].kind != "rating":
        node.error("scale", f"rating item on '{scale}', which is a choice scale; use type: choice or a rating scale")
    if options_from is not None and item_type != "multi" and item_type != "choice":
        node.error("options_from", "only choice and multi items take their options from the study")
    raw_text = node.get("text", (dict, str), required=False)
    text_reader = reader
    if raw_text is None and item_id in texts:
        raw_text, text_path, text_reader = texts[item_id]
    else:
        text_path = path + ("text",)
        if raw_text is None and item_id is not None:
            node.error(None, f"item '{item_id}' has no text (give 'text' here or in the instrument's texts file)")
    text = read_local_text(text_reader, text_path, raw_text, languages, allow_forms=bool(forms), placeholders=PLACEHOLDERS) if raw_text else None
    if text is not None and forms:
        for language, value in text.items():
            if isinstance(value, dict) and set(value) != set(forms):
                text_reader.error(text_path + (language,), f"text forms {sorted(value)} differ from the instrument's forms {sorted(forms)}")
    note_raw = node.get("note", (dict, str), required=False)
    note = read_local_text(reader, path + ("note",), note_raw, languages, placeholders=PLACEHOLDERS) if note_raw else None
    relevant_text = node.get("relevant", str, required=False)
    relevant: Condition | None = None
    if relevant_text is not None:
        try:
            relevant = parse_condition(relevant_text)
        except ConditionError as exc:
            node.error("relevant", f"cannot parse condition: {exc}")
    role = node.get("role", str, required=False, check=lambda v: None if v in ROLES else f"unknown role '{v}' (known: {', '.join(ROLES)})")
    bounds = [node.get(k, (int, float), required=item_type == "number") for k in ("min", "max")]
    if item_type != "number" and any(b is not None for b in bounds):
        node.error("min", "only number items take 'min' and 'max'")
    elif item_type == "number" and None not in bounds and bounds[0] >= bounds[1]:
        node.error("max", f"'max' ({bounds[1]}) must be greater than 'min' ({bounds[0]})")
    required = node.get("required", bool, required=False, default=True)
    reverse = node.get("reverse", bool, required=False, default=False)
    source = node.get("source", str, required=False)
    missing: list[MissingCode] = []
    if node.has("missing"):
        if item_type not in ("number", "text"):
            node.get("missing", dict, required=False)
            node.error("missing", "only number and text items declare their own missing codes (others take their scale's)")
        else:
            in_range = set(range(int(bounds[0]), int(bounds[1]) + 1)) if item_type == "number" and None not in bounds else set()
            missing = _read_missing(node, languages, in_range)
    node.finish()
    if item_id is None or item_type is None or text is None:
        return None
    return Item(
        id=item_id, type=item_type, text=LocalText(text), section=section_id, scale=scale, required=required,
        relevant=relevant, role=role, reverse=reverse, minimum=bounds[0], maximum=bounds[1],
        options_from=options_from, source=source, note=LocalText(note) if note else None, missing=tuple(missing),
    )


def check_relevance(reader: Reader, sections: list[Section], items: dict[str, Item],
                    where: dict[str, PathKey], scales: dict[str, ResponseScale]) -> None:
    """Skip logic may only look back: at items asked earlier, outside its own shuffled block."""
    # Items are kept in questionnaire order even when their section itself was rejected.
    position = {item_id: n for n, item_id in enumerate(items)}
    shuffled = {i: s.id for s in sections if s.randomise for i in s.items}
    for item in items.values():
        if item.relevant is None:
            continue
        path = where[item.id] + ("relevant",)
        for ref in sorted(item.relevant.refs):
            if ref in reader.failed:
                continue
            if ref not in items:
                reader.error(path, f"condition refers to unknown item '{ref}'{suggest(ref, items)}")
            elif ref == item.id:
                reader.error(path, f"condition of '{item.id}' refers to the item itself")
            elif position[ref] > position[item.id]:
                reader.error(path, f"condition refers to '{ref}', which is asked later than '{item.id}'; conditions may only use earlier answers")
            elif shuffled.get(ref) is not None and shuffled.get(ref) == shuffled.get(item.id):
                reader.error(path, f"condition refers to '{ref}' in the same randomised section, whose order differs per respondent")
        for ref, op, value in item.relevant.comparisons():
            target = items.get(ref)
            if target is None:
                continue
            if op == "selected" and target.type != "multi":
                reader.error(path, f"selected() needs a multiple-choice item, but '{ref}' is a {target.type} item")
            scale = scales.get(target.scale) if target.scale else None
            if scale is None or op not in ("==", "!=", "selected") or value in scale.values:
                continue
            if scale.missing_kind(value) is not None:
                reader.error(path, f"{value} is the '{scale.missing_kind(value)}' code of '{ref}'; such answers have no value "
                             f"in conditions, test them with 'not answered({ref})'")
            else:
                reader.error(path, f"'{ref}' is never {describe(value)}: its answers are {', '.join(map(str, scale.values))}")
