"""The study file: instruments, cities, population margins and quotas, and the twin network.

A study lives in a folder whose ``study.yaml`` names the instruments asked, the
cities (each with its interview language), and the twinning links between them.
Twinning is a network, not a list of pairs: a hub town may have many twins.

Example
-------
>>> import tempfile, pathlib
>>> from axiosphere.survey.study import init_study, load_study
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "orsha"
>>> _ = init_study(folder)
>>> study = load_study(folder)
>>> study.twins("orsha")
('smolensk', 'tver', 'minsk-mazowiecki', 'bondeno')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.fields import LANGUAGE, Node, Reader, describe, suggest
from axiosphere.instruments.model import QUALITY_FLAGS, Instrument
from axiosphere.instruments.yamlsource import read_yaml
from axiosphere.survey.links import Link, read_links

STUDY_FILE = "study.yaml"
_BAND = re.compile(r"^(\d+)\s*(?:-\s*(\d+)|\+)$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class AgeBand:
    """An age band such as ``30-44`` or ``60+`` (bounds inclusive)."""

    label: str
    low: int
    high: int | None

    def contains(self, age: float) -> bool:
        return age >= self.low and (self.high is None or age <= self.high)


@dataclass(frozen=True)
class City:
    """One city of the study and how its interviews are run."""

    id: str
    name: Mapping[str, str]
    country: str
    language: str
    second_language: str | None = None
    sex_margin: Mapping[str, float] | None = None
    age_margin: Mapping[str, float] | None = None
    sex_age_cells: Mapping[tuple[str, str], float] | None = None
    quota: Mapping[tuple[str, str], int] | None = None
    coordinates: tuple[float, float] | None = None  # latitude, longitude in degrees
    covariates: Mapping[str, float] = field(default_factory=dict)  # e.g. population, for dyadic analyses

    def display_name(self, language: str | None = None) -> str:
        """The city's name in ``language`` if given, else in its interview language, else any."""
        for key in (language, self.language):
            if key in self.name:
                return self.name[key]
        return next(iter(self.name.values()))


@dataclass(frozen=True)
class StudyDesign:
    """A validated study. Build it with ``load_study``."""

    id: str
    title: str
    folder: Path
    instruments: tuple[Instrument, ...]
    cities: Mapping[str, City]
    links: tuple[Link, ...]
    age_bands: tuple[AgeBand, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)
    file: Path | None = None
    exclusions: Mapping[str, Any] = field(default_factory=dict)

    def twins(self, city: str) -> tuple[str, ...]:
        """Cities twinned with ``city``, in the order the links are written."""
        return tuple(link.b if link.a == city else link.a for link in self.links if city in (link.a, link.b))

    def hubs(self) -> tuple[str, ...]:
        """Cities with more than one twin, most-linked first."""
        degree = {c: len(self.twins(c)) for c in self.cities}
        return tuple(sorted((c for c in degree if degree[c] > 1), key=lambda c: -degree[c]))

    def age_band(self, age: float) -> str | None:
        return next((b.label for b in self.age_bands if b.contains(age)), None)

    def summary(self) -> dict[str, Any]:
        """What ``study validate --json`` prints."""
        return {
            "id": self.id,
            "title": self.title,
            "folder": str(self.folder),
            "file": str(self.file),
            "instruments": [{"id": i.id, "version": i.version, "content_hash": i.content_hash} for i in self.instruments],
            "options": dict(self.options),
            "exclusions": dict(self.exclusions),
            "cities": [
                {"id": c.id, "name": c.display_name(), "country": c.country, "language": c.language,
                 "coordinates": list(c.coordinates) if c.coordinates else None, "covariates": dict(c.covariates),
                 "second_language": c.second_language, "twins": list(self.twins(c.id)),
                 "margins": c.sex_margin is not None or c.sex_age_cells is not None, "quota": c.quota is not None}
                for c in self.cities.values()
            ],
            "links": [link.to_dict() for link in self.links],
            "hubs": list(self.hubs()),
        }


def load_study(folder: str | Path) -> StudyDesign:
    """Load and validate ``folder/study.yaml`` (or a study file given directly).

    Raises
    ------
    InputError
        With every problem found: unknown instruments or cities, links to unknown
        cities, languages an instrument lacks, margins that do not add up, ...
    """
    from axiosphere.instruments.registry import resolve_instrument

    path = Path(folder)
    if path.is_dir():
        path = path / STUDY_FILE
    elif not path.exists() and path.suffix not in (".yaml", ".yml"):
        raise InputError(f"no study folder at {path} (create one with: axiosphere study init {path})")
    if not path.exists():
        raise InputError(f"no {STUDY_FILE} in {path.parent} (create one with: axiosphere study init {path.parent})")
    reader, root = Reader.open(read_yaml(path))
    study_id = root.slug("id")
    title = root.text("title")
    instruments: list[Instrument] = []
    for item_path, name in root.children("instruments", required=True):
        if not isinstance(name, str):
            reader.error(item_path, f"expected an instrument name or file, got {describe(name)}")
            continue
        try:
            instruments.append(resolve_instrument(name, base_dir=path.parent))
        except InputError as exc:
            detail = exc.problems[0].message if len(exc.problems) == 1 else f"{len(exc.problems)} problems, first: {exc.problems[0]}"
            reader.error(item_path, f"instrument '{name}': {detail}")
    _check_shared_items(root, instruments)
    options = _read_options(root, instruments)
    bands = _read_age_bands(root)
    sex_names = _sex_categories(instruments)
    cities: dict[str, City] = {}
    for city_path, entry in root.children("cities", required=True):
        node = root.node_at(city_path, entry, "a city")
        if node is None:
            continue
        city = _read_city(node, instruments, bands, sex_names)
        if city is None:
            if isinstance(entry.get("id"), str):
                reader.failed.add(entry["id"])
            continue
        if city.id in cities:
            node.error("id", f"city id '{city.id}' is used twice")
            continue
        cities[city.id] = city
    links = read_links(root, cities, path.parent)
    exclusions = _read_exclusions(root)
    root.finish()
    if reader.problems:
        raise InputError(sorted(reader.problems, key=lambda p: p.line or 0))
    return StudyDesign(study_id, title, path.parent, tuple(instruments), cities, tuple(links), tuple(bands), options, path,
                       exclusions)


def _read_exclusions(root: Node) -> dict[str, Any]:
    """The study's exclusion policy: thresholds of the quality flags and which flags exclude an interview."""
    node = root.child("exclusions")
    if node is None:
        return {}
    rules: dict[str, Any] = {}
    for key, kind in (("straightline_min", int), ("max_missing", int), ("min_seconds_per_item", (int, float))):
        value = node.get(key, kind, required=False, check=lambda v: None if v >= 0 else f"expected 0 or more, got {v}")
        if value is not None:
            rules[key] = value
    flags = node.get("exclude", list, required=False)
    if flags is not None:
        unknown = [str(f) for f in flags if f not in QUALITY_FLAGS]
        if unknown:
            node.error("exclude", f"unknown quality flag(s) {', '.join(unknown)} (known: {', '.join(QUALITY_FLAGS)})")
        else:
            rules["exclude"] = list(flags)
    node.finish()
    return rules


def _check_shared_items(root: Node, instruments: list[Instrument]) -> None:
    seen: dict[str, str] = {}
    ids = [i.id for i in instruments]
    if len(set(ids)) != len(ids):
        root.error("instruments", "an instrument is listed twice")
    for instrument in instruments:
        for item in instrument.items:
            if item in seen and seen[item] != instrument.id:
                root.error("instruments", f"item '{item}' is in both '{seen[item]}' and '{instrument.id}'; answers would share a column")
            seen.setdefault(item, instrument.id)


def _read_options(root: Node, instruments: list[Instrument]) -> dict[str, str]:
    raw = root.get("options", dict, required=False, default={})
    declared = {name: option for i in instruments for name, option in i.options.items()}
    options = {name: option.default for name, option in declared.items()}
    for key, value in raw.items():
        if key not in declared:
            root.error("options", f"no instrument of the study has an option '{key}'{suggest(str(key), declared)}")
        elif value not in declared[key].choices:
            root.error("options", f"option '{key}' must be one of {', '.join(declared[key].choices)}, got {describe(value)}")
        else:
            options[key] = value
    return options


def _read_age_bands(root: Node) -> list[AgeBand]:
    bands: list[AgeBand] = []
    for path, label in root.children("age_bands"):
        match = _BAND.match(str(label))
        if not isinstance(label, str) or match is None:
            root.reader.error(path, f"expected an age band like '18-29' or '60+', got {describe(label)}")
            continue
        low, high = int(match.group(1)), (int(match.group(2)) if match.group(2) else None)
        if high is not None and high < low:
            root.reader.error(path, f"age band '{label}' ends before it starts")
            continue
        if bands and (bands[-1].high is None or low <= bands[-1].high):
            root.reader.error(path, f"age band '{label}' overlaps '{bands[-1].label}' or is out of order (list bands from youngest)")
            continue
        bands.append(AgeBand(label, low, high))
    return bands


def _sex_categories(instruments: list[Instrument]) -> tuple[str, ...]:
    for instrument in instruments:
        item = instrument.role_item("sex")
        if item is not None and item.scale:
            return tuple(p.name or str(p.value) for p in instrument.response_scales[item.scale].points)
    return ()


def _read_city(node: Node, instruments: list[Instrument], bands: list[AgeBand], sexes: tuple[str, ...]) -> City | None:
    city_id = node.slug("id")
    name = node.get("name", (str, dict))
    country = node.get("country", str, check=lambda v: None if _COUNTRY.match(v) else f"expected a two-letter ISO 3166 country code such as BY or PL, got '{v}'")
    language = node.get("language", str)
    second = node.get("second_language", str, required=False)
    for key, value in (("language", language), ("second_language", second)):
        if value is None:
            continue
        if not LANGUAGE.match(value):
            node.error(key, f"'{value}' is not a language code (two or three lower-case letters)")
            continue
        for instrument in instruments:
            if value not in instrument.languages:
                node.error(key, f"city '{city_id}' is interviewed in '{value}', but instrument '{instrument.id}' has no '{value}' texts (it has {', '.join(instrument.languages)})")
    if second is not None and second == language:
        node.error("second_language", "the second language is the same as the interview language")
    names = {language or "": name} if isinstance(name, str) else name
    margins = _read_population(node, bands, sexes)
    quota = _read_quota(node, bands, sexes)
    coordinates = node.get("coordinates", list, required=False, check=_coordinates)
    covariates = node.get("covariates", dict, required=False, default={}, check=lambda v: None if all(
        isinstance(k, str) and isinstance(x, (int, float)) and not isinstance(x, bool) for k, x in v.items())
        else "expected named numbers, such as {population: 52000}")
    node.finish()
    if city_id is None or names is None or country is None or language is None or margins is None:
        return None
    return City(city_id, names, country, language, second, *margins, quota=quota,
                coordinates=tuple(float(c) for c in coordinates) if coordinates else None,  # type: ignore[arg-type]
                covariates={k: float(v) for k, v in covariates.items()})


def _coordinates(value: list[Any]) -> str | None:
    if len(value) == 2 and all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in value) \
            and -90 <= value[0] <= 90 and -180 <= value[1] <= 180:
        return None
    return f"expected [latitude, longitude] in degrees, got {describe(value)}"


def _shares(node: Node, key: str, values: Any, expected: tuple[str, ...]) -> dict[str, float] | None:
    if not isinstance(values, dict):
        node.error(key, f"expected a mapping of category: share, got {describe(values)}")
        return None
    unknown = [str(k) for k in values if k not in expected]
    absent = [k for k in expected if k not in values]
    if unknown or absent:
        node.error(key, f"categories must be exactly {', '.join(expected)}" + (f"; unknown: {', '.join(unknown)}" if unknown else "") + (f"; missing: {', '.join(absent)}" if absent else ""))
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in values.values()):
        node.error(key, "every share must be a positive number")
        return None
    total = float(sum(values.values()))
    if all(v <= 1 for v in values.values()) and abs(total - 1) > 0.01:
        node.error(key, f"shares add up to {total:.3f}, not 1 (give shares that sum to 1, or population counts)")
        return None
    return {str(k): v / total for k, v in values.items()}


def _read_population(node: Node, bands: list[AgeBand], sexes: tuple[str, ...]) -> tuple[Any, Any, Any] | None:
    block = node.child("population")
    if block is None:
        return None, None, None
    labels = tuple(b.label for b in bands)
    if not sexes and (block.has("sex") or block.has("sex_age")):
        block.error(None, "population margins by sex need an instrument that asks sex (an item with role: sex)")
        return None
    if not labels and (block.has("age") or block.has("sex_age")):
        block.error(None, "population margins by age need 'age_bands' at the top of the study file")
        return None
    sex = block.get("sex", dict, required=False)
    age = block.get("age", dict, required=False)
    joint = block.get("sex_age", dict, required=False)
    block.finish()
    sex_margin = _shares(block, "sex", sex, sexes) if sex is not None else None
    age_margin = _shares(block, "age", age, labels) if age is not None else None
    cells = None
    if joint is not None:
        if sex is not None or age is not None:
            block.error("sex_age", "give either joint 'sex_age' cells or separate 'sex' and 'age' margins, not both")
            return None
        flat = {f"{s}|{a}": v for s, row in joint.items() if isinstance(row, dict) for a, v in row.items()}
        shares = _shares(block, "sex_age", flat, tuple(f"{s}|{a}" for s in sexes for a in labels))
        if shares is None:
            return None
        cells = {tuple(k.split("|")): v for k, v in shares.items()}
        sex_margin = {s: sum(v for (si, _), v in cells.items() if si == s) for s in sexes}
        age_margin = {a: sum(v for (_, ai), v in cells.items() if ai == a) for a in labels}
    if (sex is not None and sex_margin is None) or (age is not None and age_margin is None):
        return None
    return sex_margin, age_margin, cells


def _read_quota(node: Node, bands: list[AgeBand], sexes: tuple[str, ...]) -> dict[tuple[str, str], int] | None:
    raw = node.get("quota", dict, required=False)
    if raw is None:
        return None
    labels = tuple(b.label for b in bands)
    if not sexes or not labels:
        node.error("quota", "quota targets by sex x age band need an instrument that asks sex and 'age_bands' in the study file")
        return None
    quota: dict[tuple[str, str], int] = {}
    for sex, row in raw.items():
        if sex not in sexes:
            node.error("quota", f"unknown sex category '{sex}' (expected {', '.join(sexes)})")
            continue
        if not isinstance(row, dict):
            node.error("quota", f"expected age band: number of interviews under '{sex}', got {describe(row)}")
            continue
        for band, target in row.items():
            if band not in labels:
                node.error("quota", f"unknown age band '{band}' under '{sex}'{suggest(str(band), labels)}")
            elif not isinstance(target, int) or isinstance(target, bool) or target < 0:
                node.error("quota", f"quota for {sex} {band} must be a whole number of interviews, got {describe(target)}")
            else:
                quota[(sex, band)] = target
    return quota


def init_study(folder: str | Path, *, force: bool = False) -> Path:
    """Write an example ``study.yaml`` (a hub town with four twins) into ``folder``.

    Raises ``InputError`` when the folder already holds a study and ``force`` is false.
    """
    folder = Path(folder)
    target = folder / STUDY_FILE
    if target.exists() and not force:
        raise InputError(f"{target} already exists (use --force to overwrite it)")
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{folder} exists and is not a folder")
    template = Path(__file__).parent / "templates" / STUDY_FILE
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror}") from None
    return target
