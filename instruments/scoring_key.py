"""Reading how answers become scores: derived scales, reverse keys, composites, options."""

from __future__ import annotations

from typing import Any

from axiosphere.instruments.fields import Node, as_list, read_local_text, suggest
from axiosphere.instruments.model import ABOUT, DerivedScale, Item, LocalText, Member, Option, ResponseScale
from axiosphere.instruments.yamlsource import PathKey


def read_options(root: Node) -> dict[str, Option]:
    options: dict[str, Option] = {}
    for option_id, node in root.named_children("options"):
        choices = node.get("choices", list)
        default = node.get("default", str)
        description = node.get("description", str, required=False, default="")
        node.finish()
        if choices is None or default is None:
            continue
        if len(choices) < 2 or not all(isinstance(c, str) for c in choices):
            node.error("choices", "expected a list of at least two named choices")
            continue
        if default not in choices:
            node.error("default", f"default '{default}' is not one of the choices ({', '.join(choices)})")
            continue
        options[option_id] = Option(option_id, tuple(choices), default, description.strip())
    return options


def read_scales(
    root: Node, languages: tuple[str, ...], items: dict[str, Item], item_scales: dict[str, ResponseScale],
    options: dict[str, Option], item_where: dict[str, PathKey],
) -> dict[str, DerivedScale]:
    """Derived scales and composites, checked against the items and each other."""
    scales: dict[str, DerivedScale] = {}
    where: dict[str, PathKey] = {}
    pending: list[tuple[Node, str, list[Any]]] = []
    for path, entry in root.children("scales"):
        node = root.node_at(path, entry, "a derived scale with 'id', 'label' and 'items' or 'composite'")
        if node is None:
            continue
        scale_id = node.slug("id")
        label = read_local_text(root.reader, path + ("label",), node.get("label", (dict, str)), languages)
        description_raw = node.get("description", (dict, str), required=False)
        description = read_local_text(root.reader, path + ("description",), description_raw, languages) if description_raw else None
        member_items = node.get("items", list, required=False)
        composite = node.get("composite", list, required=False)
        reverse = node.get("reverse", list, required=False, default=[])
        min_valid = node.get("min_valid", int, required=False)
        about = node.get("about", str, required=False,
                         check=lambda v: None if v in ABOUT else f"unknown value '{v}' (known: {', '.join(ABOUT)})")
        node.finish()
        if scale_id is None or label is None:
            continue
        if scale_id in scales or scale_id in where:
            node.error("id", f"scale id '{scale_id}' is used twice")
            continue
        if scale_id in items:
            node.error("id", f"scale id '{scale_id}' is also an item id; scores and answers would share a column")
            continue
        where[scale_id] = path
        if (member_items is None) == (composite is None):
            node.error(None, f"scale '{scale_id}' needs either 'items' or 'composite' (a list of scales), not both or neither")
            continue
        if composite is not None:
            pending.append((node, scale_id, composite))
            scales[scale_id] = DerivedScale(scale_id, LocalText(label), min_valid=min_valid or 1,
                                            description=LocalText(description) if description else None, about=about)
            continue
        checked = _check_items(node, scale_id, member_items, reverse, items, item_scales)
        if checked is None:
            root.reader.failed.add(scale_id)
            continue
        n = len(checked[0])
        if min_valid is None:
            min_valid = 1
        if not 1 <= min_valid <= n:
            node.error("min_valid", f"min_valid must be between 1 and the number of items ({n}), got {min_valid}")
            root.reader.failed.add(scale_id)
            continue
        scales[scale_id] = DerivedScale(scale_id, LocalText(label), checked[0], frozenset(checked[1]), min_valid,
                                        description=LocalText(description) if description else None, about=about)
    for node, scale_id, composite in pending:
        members = _check_members(node, scale_id, composite, scales, options)
        if members is None:
            del scales[scale_id]
            root.reader.failed.add(scale_id)
            continue
        old = scales[scale_id]
        scales[scale_id] = DerivedScale(old.id, old.label, members=members, min_valid=old.min_valid,
                                        description=old.description, about=old.about)
    _check_cycles(root, scales, where)
    _check_item_reverse_flags(root, items, scales, item_where)
    return scales


def _check_items(
    node: Node, scale_id: str, member_items: list[Any], reverse: list[Any], items: dict[str, Item],
    item_scales: dict[str, ResponseScale],
) -> tuple[tuple[str, ...], set[str]] | None:
    ok = True
    for item_id in member_items:
        if item_id in node.reader.failed:
            ok = False
        elif item_id not in items:
            node.error("items", f"scale '{scale_id}' lists unknown item '{item_id}'{suggest(item_id, items)}")
            ok = False
        elif items[item_id].type != "rating":
            node.error("items", f"item '{item_id}' is a {items[item_id].type} item; only rating items can be scored")
            ok = False
    if len(set(member_items)) != len(member_items):
        node.error("items", f"scale '{scale_id}' lists an item twice")
        ok = False
    if not member_items:
        node.error("items", f"scale '{scale_id}' has no items")
        ok = False
    for item_id in reverse:
        if item_id not in member_items:
            node.error("reverse", f"reverse key on '{item_id}', which is not an item of scale '{scale_id}'")
            ok = False
    if not ok:
        return None
    ranges = {(item_scales[items[i].scale].low, item_scales[items[i].scale].high, item_scales[items[i].scale].more_at)
              for i in member_items if items[i].scale}
    if len(ranges) > 1:
        node.error("items", f"scale '{scale_id}' mixes items on response scales of different ranges or directions")
        return None
    keyed = set(reverse) | {i for i in member_items if items[i].reverse}
    return tuple(member_items), keyed


def _check_members(
    node: Node, scale_id: str, composite: list[Any], scales: dict[str, DerivedScale], options: dict[str, Option]
) -> tuple[Member, ...] | None:
    members: list[Member] = []
    for i, entry in enumerate(composite):
        option = choice = None
        if isinstance(entry, dict):
            sub = node.node_at(node.path + ("composite", i), entry, "a member scale")
            if sub is None:
                return None
            name = sub.get("scale", str)
            when = sub.get("when", dict)
            sub.finish()
            if name is None or when is None:
                return None
            if len(when) != 1:
                sub.error("when", "expected exactly one 'option: choice' pair")
                return None
            option, choice = next(iter(when.items()))
            if option not in options:
                sub.error("when", f"unknown option '{option}'{suggest(option, options)}")
                return None
            if choice not in options[option].choices:
                sub.error("when", f"'{choice}' is not a choice of option '{option}' ({', '.join(options[option].choices)})")
                return None
        else:
            name = entry
        if name in node.reader.failed:
            return None
        if name not in scales:
            node.error("composite", f"composite '{scale_id}' lists unknown scale '{name}'{suggest(str(name), scales)}")
            return None
        members.append(Member(str(name), option, choice))
    if len(members) < 2:
        node.error("composite", f"composite '{scale_id}' needs at least two scales")
        return None
    return tuple(members)


def _check_cycles(root: Node, scales: dict[str, DerivedScale], where: dict[str, PathKey]) -> None:
    def visit(scale_id: str, trail: tuple[str, ...]) -> bool:
        if scale_id in trail:
            root.reader.error(where[trail[0]] + ("composite",), f"composites refer to each other in a circle: {' → '.join(trail + (scale_id,))}")
            return False
        return all(visit(m.scale, trail + (scale_id,)) for m in scales[scale_id].members if m.scale in scales)

    for scale_id in list(scales):
        if scales[scale_id].is_composite and not visit(scale_id, ()):
            return


def _check_item_reverse_flags(
    root: Node, items: dict[str, Item], scales: dict[str, DerivedScale], item_where: dict[str, PathKey]
) -> None:
    # Count scales rejected for other faults too: their items do belong to a scale.
    in_scales = {i for s in as_list(root.data.get("scales")) if isinstance(s, dict) for i in as_list(s.get("items"))
                 if isinstance(i, str)}
    for item in items.values():
        if item.reverse and item.id not in in_scales:
            root.reader.error(item_where[item.id] + ("reverse",), f"item '{item.id}' is marked reverse-keyed but belongs to no scale")
