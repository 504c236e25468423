"""Loading an instrument from YAML: every problem in the file reported at once.

Example
-------
>>> from axiosphere.instruments import bundled_names, bundled_path, load_instrument
>>> instrument = load_instrument(bundled_path(bundled_names()[0]))
>>> instrument.id == bundled_names()[0] and len(instrument.items) > 0
True
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError, Problem
from axiosphere.instruments.fields import LANGUAGE, Node, Reader, as_list, describe, read_local_text, slug_check, suggest
from axiosphere.instruments.model import Circumplex, DerivedScale, Forms, Instrument, Item, LocalText, QualityDefaults, ResponseScale
from axiosphere.instruments.questions import check_relevance, read_response_scales, read_sections
from axiosphere.instruments.scoring_key import read_options, read_scales
from axiosphere.instruments.yamlsource import PathKey, YamlSource, read_yaml

TextEntry = tuple[Any, PathKey, Reader]


def load_instrument(path: str | Path) -> Instrument:
    """Load and validate an instrument YAML file.

    Parameters
    ----------
    path
        The instrument file. Item texts may live in a separate file named by its
        ``texts:`` field, relative to the instrument.

    Returns
    -------
    Instrument
        The validated, immutable instrument.

    Raises
    ------
    InputError
        With every problem found, each naming the file, line and field.
    """
    path = Path(path)
    source = read_yaml(path)
    return parse_instrument(source, base_dir=path.parent)


def parse_instrument(source: YamlSource, *, base_dir: Path) -> Instrument:
    """Build an ``Instrument`` from parsed YAML (see ``load_instrument``)."""
    reader, root = Reader.open(source)
    instrument_id = root.slug("id")
    version = root.text("version")
    citation = root.text("citation")
    licence = root.text("licence")
    languages = _read_languages(root)
    title = read_local_text(reader, ("title",), root.get("title", (dict, str)), languages) if languages else None
    translations = root.get("translations", dict, required=False, default={})
    for language in translations:
        if language not in languages:
            root.error("translations", f"translation note for '{language}', which is not among the languages")
    texts, notice, texts_raw = _read_texts(root, base_dir, languages)
    forms_node = root.child("forms")
    centring = root.get("centring", str, required=False, default="none",
                        check=lambda v: None if v in ("none", "mrat") else f"expected 'none' or 'mrat', got '{v}'")
    response_scales = read_response_scales(root, languages)
    form_names = tuple(forms_node.data.get("variants") or {}) if forms_node is not None else ()
    sections, items, where = read_sections(root, languages, response_scales, texts, form_names)
    asked = {entry.get("id") for section in as_list(root.data.get("sections")) if isinstance(section, dict)
             for entry in as_list(section.get("items")) if isinstance(entry, dict)}
    for item_id, (_, path, text_reader) in texts.items():
        if item_id not in asked:
            text_reader.error(path, f"text for unknown item '{item_id}'{suggest(item_id, items)}")
    check_relevance(reader, sections, items, where, response_scales)
    _check_roles(root, items, where)
    forms = _read_forms(forms_node, items, where, response_scales) if forms_node is not None else None
    options = read_options(root)
    scales = read_scales(root, languages, items, response_scales, options, where)
    quality = _read_quality(root, items)
    circumplex = _read_circumplex(root, scales)
    root.finish()
    if reader.problems:
        raise InputError(sorted(reader.problems, key=lambda p: (p.file or "", p.line or 0)))
    digest = hashlib.sha256(json.dumps([source.data, texts_raw], sort_keys=True, default=str).encode()).hexdigest()
    return Instrument(
        id=instrument_id, title=LocalText(title), version=version, citation=citation.strip(), licence=licence.strip(),
        languages=languages, response_scales=response_scales, sections=tuple(sections), items=items, scales=scales,
        options=options, forms=forms, translations={k: str(v) for k, v in translations.items()}, quality=quality,
        circumplex=circumplex, centring=centring, notice=notice, path=source.file, content_hash=digest,
    )


def _read_languages(root: Node) -> tuple[str, ...]:
    languages = root.get("languages", list, default=[])
    good = []
    for language in languages:
        if not isinstance(language, str) or not LANGUAGE.match(language):
            root.error("languages", f"'{describe(language)}' is not a language code (two or three lower-case letters, e.g. en, ru)")
        elif language in good:
            root.error("languages", f"language '{language}' is listed twice")
        else:
            good.append(language)
    if not good and root.has("languages"):
        root.error("languages", "list at least one language")
    return tuple(good)


def _read_texts(root: Node, base_dir: Path, languages: tuple[str, ...]) -> tuple[dict[str, TextEntry], str, Any]:
    """Item texts kept in their own attributed file (``texts:``), keyed by item id."""
    name = root.get("texts", str, required=False)
    if name is None:
        return {}, "", None
    try:
        source = read_yaml(base_dir / name)
    except InputError as exc:
        root.error("texts", f"cannot read the texts file: {exc}")
        return {}, "", None
    reader = Reader(source)
    node = reader.root()
    if node is None:
        root.reader.problems.extend(reader.problems)
        return {}, "", None
    notice = node.text("notice")
    node.text("source", required=False)
    items = node.child("items", required=True)
    node.finish()
    entries = {str(k): (v, ("items", k), reader) for k, v in (items.data if items else {}).items()}
    root.reader.problems.extend(reader.problems)
    return entries, (notice or "").strip(), source.data


def _check_roles(root: Node, items: dict[str, Item], where: dict[str, PathKey]) -> None:
    seen: dict[str, str] = {}
    for item in items.values():
        if item.role is None:
            continue
        if item.role in seen:
            root.reader.error(where[item.id] + ("role",), f"role '{item.role}' is already taken by item '{seen[item.role]}'")
        seen[item.role] = item.id
        if item.role in ("age", "years_in_city") and item.type != "number":
            root.reader.error(where[item.id] + ("type",), f"the {item.role} item must be a number item")
        if item.role in ("sex", "education") and item.type != "choice":
            root.reader.error(where[item.id] + ("type",), f"the {item.role} item must be a choice item")


def _read_forms(node: Node, items: dict[str, Item], where: dict[str, PathKey], scales: dict[str, ResponseScale]) -> Forms | None:
    item_id = node.get("item", str)
    variants = node.get("variants", dict)
    default = node.get("default", str)
    node.finish()
    if item_id is None or variants is None or default is None:
        return None
    if item_id not in items:
        node.error("item", f"unknown item '{item_id}'{suggest(item_id, items)}")
        return None
    item = items[item_id]
    scale = scales.get(item.scale) if item.scale else None
    if item.type != "choice" or scale is None:
        node.error("item", f"texts can only vary with a choice item; '{item_id}' is a {item.type} item")
        return None
    for form, code in variants.items():
        if slug_check(str(form)) or code not in scale.values:
            node.error("variants", f"form '{form}' must map to an answer of '{item_id}' ({', '.join(map(str, scale.values))}), got {describe(code)}")
            return None
    if default not in variants:
        node.error("default", f"default form '{default}' is not one of {', '.join(variants)}")
        return None
    if item.text.forms:
        node.error("item", f"'{item_id}' decides the form, so its own text cannot vary by form")
    order = [i for i in items]
    for other in order[: order.index(item_id)]:
        if items[other].text.forms:
            node.reader.error(where[other], f"text of '{other}' varies by form but is asked before '{item_id}', which decides the form")
    return Forms(item=item_id, variants=tuple((str(f), v) for f, v in variants.items()), default=default)


def _read_circumplex(root: Node, scales: dict[str, DerivedScale]) -> Circumplex | None:
    """``circumplex:`` as a list (the circular order only) or as a mapping with ``order``, ``axes``, ``baseline``."""
    raw = root.get("circumplex", (list, dict), required=False)
    if raw is None:
        return None
    node = Node(root.reader, ("circumplex",), raw if isinstance(raw, dict) else {"order": raw})
    order = node.get("order", list, default=[])

    def known(names: list[Any], where: str) -> list[str]:
        unknown = [str(n) for n in names if n not in scales]
        for name in unknown:
            root.error("circumplex", f"unknown scale '{name}' in {where}{suggest(name, scales)}")
        return [] if unknown else [str(n) for n in names]

    order = known(order, "the circular order")
    if len(order) < 4:
        root.error("circumplex", f"a circular order needs at least 4 values, got {len(order)}")
    axes_node = node.child("axes") if isinstance(raw, dict) else None
    axes = None
    if axes_node is not None:
        pairs = [axes_node.get(k, list, check=lambda v: None if len(v) == 2 else "expected [positive pole, negative pole]")
                 for k in ("x", "y")]
        axes_node.finish()
        if all(pairs) and all(known(p, "the axes") for p in pairs):
            axes = (tuple(pairs[0]), tuple(pairs[1]))
    baseline_node = node.child("baseline") if isinstance(raw, dict) else None
    baseline, source = [], ""
    if baseline_node is not None:
        baseline = known(baseline_node.get("ranks", list, default=[]), "the baseline ranks")
        source = baseline_node.text("source") or ""
        baseline_node.finish()
        if baseline and sorted(baseline) != sorted(order):
            root.error("circumplex", "the baseline ranks must list each value of the circular order once")
            baseline = []
    node.finish()
    return Circumplex(tuple(order), axes, tuple(baseline), source) if len(order) >= 4 else None


def _read_quality(root: Node, items: dict[str, Item]) -> QualityDefaults:
    node = root.child("quality")
    if node is None:
        return QualityDefaults()
    n = sum(1 for i in items.values() if i.type == "rating")
    def within(v: int) -> str | None:
        return None if 1 <= v <= n else f"expected a number of rating items between 1 and {n}, got {v}"
    straightline = node.get("straightline_min", int, required=False, check=within)
    max_missing = node.get("max_missing", int, required=False, check=within)
    node.finish()
    return QualityDefaults(straightline_min=straightline, max_missing=max_missing)


def problems_of(path: str | Path) -> list[Problem]:
    """Every problem of an instrument file (empty when it is valid)."""
    try:
        load_instrument(path)
    except InputError as exc:
        return list(exc.problems)
    return []
