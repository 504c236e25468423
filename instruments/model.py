"""The instrument model: frozen dataclasses built by :mod:`instruments.load`.

An instrument is what a respondent is asked (sections of items on response
scales, with skip logic) and how answers become scores (derived scales,
reverse keys, minimum valid items, composites, centring). The model is
immutable so that a loaded instrument can be shared and hashed safely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from axiosphere.instruments.conditions import Condition
from axiosphere.instruments.errors import InputError

ItemType = Literal["rating", "choice", "multi", "number", "text"]
MissingKind = Literal["dont_know", "refused"]
ROLES = ("sex", "age", "years_in_city", "education")
# What a scale measures, where an analysis depends on it: trust scales give the trust gaps of each twin
# link; a twin_trust scale (trust toward the twin towns) feeds the twin network.
ABOUT = ("trust", "twin_trust")
PLACEHOLDERS = ("city", "twins")


@dataclass(frozen=True)
class LocalText:
    """Text in several languages; a language may hold variants by form (e.g. male/female)."""

    by_language: Mapping[str, str | Mapping[str, str]]

    def get(self, language: str, form: str | None = None) -> str:
        """Text in ``language``; with forms, the variant ``form`` (or the first one)."""
        value = self.by_language[language]
        if isinstance(value, str):
            return value
        if form is not None and form in value:
            return value[form]
        return next(iter(value.values()))

    @property
    def forms(self) -> tuple[str, ...]:
        """Names of the form variants (empty when the text does not vary)."""
        for value in self.by_language.values():
            if not isinstance(value, str):
                return tuple(value)
        return ()

    def to_dict(self) -> dict[str, Any]:
        return {k: (v if isinstance(v, str) else dict(v)) for k, v in self.by_language.items()}


@dataclass(frozen=True)
class Point:
    """One answer option: the stored code and its label (labels may be absent on unanchored scale points)."""

    value: int
    label: LocalText | None
    name: str | None = None


@dataclass(frozen=True)
class MissingCode:
    """A code for a non-answer; never a valid value of the scale."""

    kind: MissingKind
    code: int
    label: LocalText


@dataclass(frozen=True)
class ResponseScale:
    """A set of answer options. Rating scales are ordered and say which end means "more"."""

    id: str
    kind: Literal["rating", "choice"]
    points: tuple[Point, ...]
    more_at: Literal["high", "low"] | None
    missing: tuple[MissingCode, ...] = ()

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(p.value for p in self.points)

    @property
    def low(self) -> int:
        return min(self.values)

    @property
    def high(self) -> int:
        return max(self.values)

    def missing_kind(self, code: Any) -> MissingKind | None:
        """'dont_know' or 'refused' when ``code`` is one of this scale's missing codes."""
        for m in self.missing:
            if m.code == code:
                return m.kind
        return None

    def point(self, value: int) -> Point | None:
        return next((p for p in self.points if p.value == value), None)

    def by_name(self, name: str) -> Point | None:
        return next((p for p in self.points if p.name == name), None)


@dataclass(frozen=True)
class Item:
    """One question."""

    id: str
    type: ItemType
    text: LocalText
    section: str
    scale: str | None = None
    required: bool = True
    relevant: Condition | None = None
    role: str | None = None
    reverse: bool = False
    minimum: float | None = None
    maximum: float | None = None
    options_from: str | None = None
    source: str | None = None
    note: LocalText | None = None
    missing: tuple[MissingCode, ...] = ()


@dataclass(frozen=True)
class Section:
    """A block of items shown together; ``randomise`` shuffles their order per respondent."""

    id: str
    title: LocalText
    items: tuple[str, ...]
    intro: LocalText | None = None
    randomise: bool = False


@dataclass(frozen=True)
class Member:
    """A scale inside a composite, possibly only under an analysis option (e.g. hedonism's placement)."""

    scale: str
    option: str | None = None
    choice: str | None = None

    def applies(self, options: Mapping[str, str]) -> bool:
        return self.option is None or options.get(self.option) == self.choice


@dataclass(frozen=True)
class DerivedScale:
    """A score computed from items (a scale) or from other scales (a composite)."""

    id: str
    label: LocalText
    items: tuple[str, ...] = ()
    reverse: frozenset[str] = frozenset()
    min_valid: int = 1
    members: tuple[Member, ...] = ()
    description: LocalText | None = None
    about: str | None = None

    @property
    def is_composite(self) -> bool:
        return bool(self.members)


@dataclass(frozen=True)
class Option:
    """An analysis choice the instrument allows, recorded with every result that used it."""

    id: str
    choices: tuple[str, ...]
    default: str
    description: str = ""


@dataclass(frozen=True)
class Forms:
    """Item texts that vary with an earlier answer (the PVQ's male and female portraits)."""

    item: str
    variants: tuple[tuple[str, int], ...]
    default: str

    def form_for(self, answer: Any) -> str:
        """The text form to use after ``answer`` to the deciding item (the default when unanswered)."""
        return next((name for name, code in self.variants if code == answer), self.default)


@dataclass(frozen=True)
class Circumplex:
    """A circular structure of values (Schwartz's circle): the order around the circle, the two
    bipolar higher-order dimensions of the twin map, and a published importance baseline."""

    order: tuple[str, ...]
    axes: tuple[tuple[str, str], tuple[str, str]] | None = None
    baseline: tuple[str, ...] = ()
    baseline_source: str = ""

    def baseline_rank(self, value: str) -> int | None:
        """1 for the value the baseline finds most important; ``None`` when it has no rank."""
        return self.baseline.index(value) + 1 if value in self.baseline else None


# The data-quality flags an exclusion policy may name (analysis.quality computes them).
QUALITY_FLAGS = ("straightline", "too_many_missing", "speeding", "attention_failed")


@dataclass(frozen=True)
class QualityDefaults:
    """The instrument's conventions for data-quality flags."""

    straightline_min: int | None = None
    max_missing: int | None = None


@dataclass(frozen=True)
class Instrument:
    """A validated questionnaire with its scoring key. Build it with ``instruments.load_instrument``."""

    id: str
    title: LocalText
    version: str
    citation: str
    licence: str
    languages: tuple[str, ...]
    response_scales: Mapping[str, ResponseScale]
    sections: tuple[Section, ...]
    items: Mapping[str, Item]
    scales: Mapping[str, DerivedScale]
    options: Mapping[str, Option] = field(default_factory=dict)
    forms: Forms | None = None
    translations: Mapping[str, str] = field(default_factory=dict)
    quality: QualityDefaults = QualityDefaults()
    circumplex: Circumplex | None = None
    centring: Literal["none", "mrat"] = "none"
    notice: str = ""
    path: str | None = None
    content_hash: str = ""

    def item_scale(self, item_id: str) -> ResponseScale | None:
        """The response scale of an item (``None`` for number, text and study-filled items)."""
        scale = self.items[item_id].scale
        return self.response_scales[scale] if scale else None

    def default_options(self) -> dict[str, str]:
        return {o.id: o.default for o in self.options.values()}

    def resolve_options(self, options: Mapping[str, str] | None = None) -> dict[str, str]:
        """Defaults overridden by ``options``; unknown options or choices raise ``ValueError``."""
        resolved = self.default_options()
        for key, value in (options or {}).items():
            if key not in self.options:
                raise InputError(f"instrument {self.id} has no option '{key}' (known: {', '.join(self.options) or 'none'})")
            if value not in self.options[key].choices:
                choices = ", ".join(self.options[key].choices)
                raise InputError(f"option '{key}' of {self.id} must be one of {choices}, not '{value}'")
            resolved[key] = value
        return resolved

    def scale_items(self, scale_id: str, options: Mapping[str, str] | None = None) -> tuple[str, ...]:
        """All items of a scale or composite, composites expanded under ``options``."""
        resolved = self.resolve_options(options)
        scale = self.scales[scale_id]
        if not scale.is_composite:
            return scale.items
        out: list[str] = []
        for member in scale.members:
            if member.applies(resolved):
                out.extend(i for i in self.scale_items(member.scale, resolved) if i not in out)
        return tuple(out)

    def scale_members(self, scale_id: str, options: Mapping[str, str] | None = None) -> tuple[str, ...]:
        """The scales that make up a composite under ``options``."""
        resolved = self.resolve_options(options)
        return tuple(m.scale for m in self.scales[scale_id].members if m.applies(resolved))

    def is_reversed(self, scale_id: str, item_id: str) -> bool:
        """Whether ``item_id`` is reverse-keyed within ``scale_id`` (or within the member scale holding it)."""
        scale = self.scales[scale_id]
        if not scale.is_composite:
            return item_id in scale.reverse
        return any(item_id in self.scales[m.scale].items and self.is_reversed(m.scale, item_id) for m in scale.members)

    def item_order(self) -> tuple[str, ...]:
        """Items in questionnaire order (before any per-respondent randomisation)."""
        return tuple(i for s in self.sections for i in s.items)

    def scales_about(self, about: str) -> tuple[str, ...]:
        """Scales declared (``about:``) to measure ``about``, e.g. ``trust``."""
        return tuple(s.id for s in self.scales.values() if s.about == about)

    def rating_scales(self, *, min_items: int = 2) -> tuple[str, ...]:
        """Non-composite scales of at least ``min_items`` rating items: the ones reliability and invariance apply to."""
        return tuple(s.id for s in self.scales.values() if not s.is_composite and len(s.items) >= min_items
                     and all(self.items[i].type == "rating" for i in s.items))

    def missing_codes(self, item_id: str) -> tuple[MissingCode, ...]:
        """The don't-know/refused codes of an item: its response scale's, or its own (number and text items)."""
        scale = self.item_scale(item_id)
        return scale.missing if scale is not None else self.items[item_id].missing

    def role_item(self, role: str) -> Item | None:
        return next((i for i in self.items.values() if i.role == role), None)

    def summary(self) -> dict[str, Any]:
        """A short description, as ``instruments list`` prints it."""
        return {
            "id": self.id,
            "title": self.title.get(self.languages[0]),
            "version": self.version,
            "languages": list(self.languages),
            "items": len(self.items),
            "scales": [s for s in self.scales if not self.scales[s].is_composite],
            "composites": [s for s in self.scales if self.scales[s].is_composite],
            "path": self.path,
            "content_hash": self.content_hash,
        }
