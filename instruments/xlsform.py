"""Turning an XLSForm (the ODK / KoboToolbox form standard) into an axiosphere instrument.

pyxform parses the workbook (survey, choices and settings sheets); this module maps
its questions onto the instrument model and says what it could not carry over.

========================  =============================================================
XLSForm                   instrument
========================  =============================================================
select_one LIST           choice item on a choice scale built from LIST
select_multiple LIST      multi item on that scale
range (step 1)            rating item on a 0..n scale (assumed: higher = more)
integer, decimal          number item; ``. >= a and . <= b`` constraints become min/max
text                      text item
begin_group / end_group   sections (nested groups are flattened)
label::Language (xx)      texts per language ``xx``
relevant                  condition: ``${x} = 'yes'``, ``selected(${x}, 'v')``, and/or/not
required, hint            required, note
========================  =============================================================

Other question types (geopoint, image, date, calculate, repeats, ...) stop the
conversion with their rows named, unless ``skip_unsupported`` drops them.

Example
-------
>>> result = convert_xlsform("household.xlsx")  # doctest: +SKIP
>>> print(result.yaml_text)  # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Mapping
from typing import Any

from axiosphere.instruments.conditions import ConditionError, parse_condition
from axiosphere.instruments.errors import InputError, Problem

_LANG = re.compile(r"\(([A-Za-z]{2,3})\)\s*$")
_IGNORED = {"calculate", "start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber",
            "audit", "hidden"}
_NUMBER = {"integer", "decimal"}
_RANGE = re.compile(r"^\s*\.\s*>=?\s*(-?[\d.]+)\s+and\s+\.\s*<=?\s*(-?[\d.]+)\s*$")
# Don't-know and refusal entries of choice lists, by the common conventions (names, codes, labels).
_MISSING_NAMES = {"dont_know": "dont_know", "dk": "dont_know", "don_t_know": "dont_know", "do_not_know": "dont_know",
                  "refused": "refused", "refuse": "refused", "refusal": "refused", "no_answer": "refused", "na": "refused",
                  "prefer_not_to_say": "refused"}
_MISSING_CODES = {88: "dont_know", 98: "dont_know", -8: "dont_know", 8888: "dont_know",
                  77: "refused", 99: "refused", 97: "refused", -9: "refused", -7: "refused", 9999: "refused"}
_MISSING_LABELS = (("don't know", "dont_know"), ("dont know", "dont_know"), ("затрудняюсь", "dont_know"),
                   ("не знаю", "dont_know"), ("refus", "refused"), ("no answer", "refused"), ("отказ", "refused"),
                   ("нет ответа", "refused"), ("prefer not", "refused"))
_ROLES = {"age": ("age", "number"), "age_years": ("age", "number"), "sex": ("sex", "choice"),
          "gender": ("sex", "choice"), "education": ("education", "choice"), "edu": ("education", "choice")}
_TOKEN = re.compile(r"\$\{([^}]+)\}|'([^']*)'|\"([^\"]*)\"|(!=|<=|>=|=|<|>)|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w-]*\(?)|([(),])|(\S)")


@dataclass
class Conversion:
    """The instrument as a YAML text, and what was not carried over."""

    instrument: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def yaml_text(self) -> str:
        import yaml

        header = "# Converted from an XLSForm by axiosphere. Check the direction of rating scales and the licence.\n"
        return header + yaml.safe_dump(self.instrument, allow_unicode=True, sort_keys=False, width=110)


def _language(key: str) -> str:
    match = _LANG.search(key)
    return match.group(1).lower() if match else key.strip().lower()[:2]


def _texts(label: Any, default: str) -> dict[str, str]:
    if isinstance(label, dict):
        # pyxform names an untranslated column "default": the form's default language, not German ("de").
        return {(default if k == "default" else _language(k)): str(v) for k, v in label.items() if str(v).strip()}
    return {default: str(label)} if label else {}


def _missing_kind(name: str, code: int | None, label: dict[str, str]) -> str | None:
    """'dont_know' or 'refused' when a choice is a non-answer by its name, code or label."""
    key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
    if key in _MISSING_NAMES:
        return _MISSING_NAMES[key]
    if code is not None and code in _MISSING_CODES:
        return _MISSING_CODES[code]
    text = " ".join(label.values()).lower().replace("’", "'")
    return next((kind for fragment, kind in _MISSING_LABELS if fragment in text), None)


def _rows(path: Path) -> dict[str, int]:
    """Row of each question name on the survey sheet, for messages."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = book["survey"].iter_rows(values_only=True)
        header = [str(h).strip().lower() if h else "" for h in next(rows)]
        if "name" not in header:
            return {}
        column = header.index("name")
        return {str(r[column]): n for n, r in enumerate(rows, start=2) if len(r) > column and r[column]}
    finally:
        book.close()


def convert_xlsform(path: str | Path, *, skip_unsupported: bool = False, default_language: str = "en",
                    roles: Mapping[str, str] | None = None, missing: Mapping[str, str | None] | None = None) -> Conversion:
    """Convert an XLSForm workbook; raises ``InputError`` for unsupported questions unless skipped.

    ``roles`` maps question names to demographic roles (``{"q12": "age"}``), overriding the guess by
    name; ``missing`` maps choice names to ``"dont_know"``, ``"refused"`` or ``None`` (an answer after
    all), overriding the conventions by which non-answers are recognised.
    """
    known_roles = ("sex", "age", "years_in_city", "education")
    bad = [f"{k}={v}" for k, v in (roles or {}).items() if v not in known_roles]
    bad += [f"{k}={v}" for k, v in (missing or {}).items() if v not in ("dont_know", "refused", None)]
    if bad:
        raise InputError(f"cannot use {', '.join(bad)}: roles are {', '.join(known_roles)}; missing kinds are "
                         "dont_know, refused or answer")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    try:
        from pyxform.xls2json import parse_file_to_json

        form = parse_file_to_json(str(path))
    except Exception as exc:  # pyxform reports bad workbooks with its own exception types
        raise InputError(f"{path}: not a valid XLSForm ({type(exc).__name__}: {exc})") from None
    rows = _rows(path)
    converter = _Converter(form, path, rows, default_language)
    converter.role_overrides, converter.missing_overrides = dict(roles or {}), dict(missing or {})
    converter.walk(form.get("children", []), None)
    if converter.unsupported and not skip_unsupported:
        raise InputError(converter.unsupported)
    converter.notes.extend(f"dropped: {p.field}: {p.message}" for p in converter.unsupported)
    return Conversion(converter.instrument(), converter.notes)


class _Converter:
    def __init__(self, form: dict[str, Any], path: Path, rows: dict[str, int], default_language: str):
        self.form, self.path, self.rows, self.default = form, path, rows, default_language
        self.sections: list[dict[str, Any]] = []
        self.scales: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, dict[str, int]] = {}
        self.kinds: dict[str, str] = {}
        self.ids: dict[str, str] = {}
        self.languages: list[str] = []
        self.notes: list[str] = []
        self.unsupported: list[Problem] = []
        self.roles: set[str] = set()
        self.role_overrides: dict[str, str] = {}
        self.missing_overrides: dict[str, str | None] = {}

    def _problem(self, name: str, message: str) -> None:
        self.unsupported.append(Problem(str(self.path), self.rows.get(name), f"survey sheet, question '{name}'", message))

    def _section(self, group: dict[str, Any] | None) -> dict[str, Any]:
        # Each run of questions gets its own section: a group, or the ungrouped questions between groups.
        if self.sections and self.sections[-1]["group"] is group:
            return self.sections[-1]
        base = re.sub(r"[^a-z0-9_]", "_", (group or {}).get("name", "main").lower()) or "main"
        if not base[0].isalpha():
            base = f"s_{base}"
        used = {s["id"] for s in self.sections}
        section_id, n = base, 2
        while section_id in used:
            section_id, n = f"{base}_{n}", n + 1
        title = _texts((group or {}).get("label"), self.default) or {self.default: section_id.replace("_", " ")}
        self.sections.append({"id": section_id, "title": title, "items": [], "group": group})
        return self.sections[-1]

    def walk(self, children: list[dict[str, Any]], group: dict[str, Any] | None, conditions: tuple[str, ...] = ()) -> None:
        for child in children:
            kind, name = child.get("type", ""), child.get("name", "")
            if kind == "group":
                if name == "meta" and child.get("control", {}).get("bodyless"):
                    continue
                if group is not None:
                    self.notes.append(f"nested group '{name}' flattened into the sections")
                inherited = conditions
                relevant = child.get("bind", {}).get("relevant")
                if relevant:
                    condition = self._condition(relevant, name)
                    if condition:
                        inherited = (*conditions, condition)
                        self.notes.append(f"group '{name}': its condition '{relevant}' is added to each of its questions")
                    else:
                        self.notes.append(f"group '{name}': its condition '{relevant}' could not be carried over, so its "
                                          "questions are asked of everyone")
                self.walk(child.get("children", []), child, inherited)
            elif kind == "repeat":
                self._problem(name, "repeat groups are not supported (an interview asks each item once)")
            elif kind in _IGNORED:
                self.notes.append(f"'{name}' ({kind}) is computed by the form, not asked: not carried over")
            elif kind == "note":
                self.notes.append(f"note '{name}' is not a question: not carried over")
            else:
                self._question(child, group, conditions)

    def _question(self, q: dict[str, Any], group: dict[str, Any] | None, conditions: tuple[str, ...] = ()) -> None:
        kind, name = q["type"], q["name"]
        item_id = re.sub(r"[^A-Za-z0-9_]", "_", name)
        if item_id != name:
            self.notes.append(f"question '{name}' renamed to '{item_id}' (item ids are SPSS/Stata variable names)")
        item: dict[str, Any] = {"id": item_id}
        bind = q.get("bind", {})
        if kind in ("select one", "select all that apply"):
            item["type"] = "choice" if kind == "select one" else "multi"
            item["scale"] = self._choice_scale(q)
        elif kind == "range":
            params = q.get("parameters", {})
            if str(params.get("step", "1")) not in ("1", "1.0"):
                return self._problem(name, f"range with step {params.get('step')} is not supported (step 1 only)")
            low, high = int(float(params.get("start", 1))), int(float(params.get("end", 10)))
            scale_id = f"range_{low}_{high}".replace("-", "m")
            self.scales.setdefault(scale_id, {"kind": "rating", "more_at": "high", "range": [low, high]})
            self.notes.append(f"'{name}': range {low}..{high} assumed to mean more at the high end; check 'more_at'")
            item.update(type="rating", scale=scale_id)
        elif kind in _NUMBER:
            item["type"] = "number"
            match = _RANGE.match(bind.get("constraint", "") or "")
            if match:
                item["min"], item["max"] = (float(v) if "." in v else int(v) for v in match.groups())
            else:
                item["min"], item["max"] = 0, 999999
                self.notes.append(f"'{name}': no simple range constraint; set min/max (now 0..999999)")
        elif kind == "text":
            item["type"] = "text"
        else:
            return self._problem(name, f"question type '{kind}' is not supported in a terminal interview")
        if bind.get("constraint") and kind not in _NUMBER:
            self.notes.append(f"'{name}': constraint '{bind['constraint']}' not carried over")
        item["text"] = _texts(q.get("label"), self.default)
        if q.get("hint"):
            item["note"] = _texts(q.get("hint"), self.default)
        item["required"] = str(bind.get("required", "")).lower() in ("yes", "true", "true()")
        own = self._condition(bind["relevant"], name) if bind.get("relevant") else None
        # XLSForm asks a question when its group's condition and its own both hold.
        parts = [*conditions, *([own] if own else [])]
        if parts:
            item["relevant"] = " and ".join(f"({c})" if len(parts) > 1 else c for c in parts)
        role = self._role(name, item["type"])
        if role:
            item["role"] = role
        for language in item["text"]:
            if language not in self.languages:
                self.languages.append(language)
        self.ids[name] = item_id
        self.kinds[item_id] = item["type"]
        self._section(group)["items"].append(item)

    def _choice_scale(self, q: dict[str, Any]) -> str:
        list_name = re.sub(r"[^a-z0-9_]", "_", q.get("list_name", q["name"]).lower())
        if list_name not in self.scales:
            choices = q.get("choices", [])
            numeric = all(re.fullmatch(r"-?\d+", str(c["name"])) for c in choices)
            points, codes, missing, missing_names = [], {}, {}, {}
            for n, choice in enumerate(choices, start=1):
                value = int(choice["name"]) if numeric else n
                codes[str(choice["name"])] = value
                label = _texts(choice.get("label"), self.default)
                name = str(choice["name"])
                kind = (self.missing_overrides[name] if name in self.missing_overrides
                        else _missing_kind(name, value if numeric else None, label))
                if kind and kind not in missing:
                    missing[kind] = {"code": value, "label": label}
                    missing_names[kind] = str(choice["name"])
                    continue
                point = {"value": value, "label": label}
                if not numeric:
                    point["name"] = re.sub(r"[^a-z0-9_]", "_", str(choice["name"]).lower())
                points.append(point)
            valid = {p["value"] for p in points}
            for kind, spare in (("dont_know", 98), ("refused", 99)):
                if kind not in missing:
                    continue
                if not numeric or missing[kind]["code"] in valid:
                    # Position codes of a list of names are no codes anyone uses: give the ESS-like 98/99.
                    taken = valid | {m["code"] for k, m in missing.items() if k != kind}
                    while spare in taken:
                        spare += 100
                    missing[kind]["code"] = spare
                codes[missing_names[kind]] = missing[kind]["code"]
                self.notes.append(f"list '{list_name}': choice '{missing_names[kind]}' becomes the missing code "
                                  f"{missing[kind]['code']} for {kind.replace('_', ' ')}, not an answer value")
            self.scales[list_name] = {"kind": "choice", "points": points, **({"missing": missing} if missing else {})}
            self.codes[list_name] = codes
        self.codes.setdefault(q["name"], self.codes[list_name])
        return list_name

    def _condition(self, text: str, name: str) -> str | None:
        """XLSForm relevance (XPath) into the instrument's condition language."""
        out: list[str] = []
        last: str | None = None
        for match in _TOKEN.finditer(text):
            ref, s1, s2, op, number, word, punct, other = match.groups()
            if ref is not None:
                last = ref
                out.append(self.ids.get(ref, ref))
            elif s1 is not None or s2 is not None:
                literal = s1 if s1 is not None else s2
                codes = self.codes.get(last or "", {})
                out.append(str(codes[literal]) if literal in codes else repr(literal))
            elif op is not None:
                out.append("==" if op == "=" else op)
            elif number is not None:
                out.append(number)
            elif word is not None:
                translated = {"and": "and", "or": "or", "not(": "not (", "selected(": "selected("}.get(word)
                if translated is None:
                    self.notes.append(f"'{name}': relevance '{text}' uses '{word}', which is not carried over; no condition set")
                    return None
                out.append(translated)
            elif punct is not None:
                out.append(punct)
            else:
                self.notes.append(f"'{name}': relevance '{text}' not understood; no condition set")
                return None
        condition = " ".join(out).replace("( ", "(").replace(" )", ")").replace(" ,", ",")
        condition = re.sub(r"selected\((\w+), (\S+)\)", lambda m: self._selected(m.group(1), m.group(2)), condition)
        try:
            parse_condition(condition)
        except ConditionError as exc:
            self.notes.append(f"'{name}': relevance '{text}' could not be translated ({exc}); no condition set")
            return None
        return condition

    def _role(self, name: str, kind: str) -> str | None:
        """The demographic role a question plays, by its name (age, sex, education), once per form."""
        if name in self.role_overrides:
            role = self.role_overrides[name]
            self.roles.add(role)
            self.notes.append(f"'{name}' is the respondent's {role}, as given with --roles")
            return role
        role, needed = _ROLES.get(name.lower(), (None, None))
        if role is None or kind != needed or role in self.roles or role in self.role_overrides.values():
            return None
        self.roles.add(role)
        self.notes.append(f"'{name}' is taken as the respondent's {role} (role: {role}); weighting and quotas use it")
        return role

    def _selected(self, item: str, value: str) -> str:
        return f"selected({item}, {value})" if self.kinds.get(item) == "multi" else f"{item} == {value}"

    def instrument(self) -> dict[str, Any]:
        settings = self.form
        languages = self.languages or [self.default]
        form_id = re.sub(r"[^a-z0-9_-]", "-", str(settings.get("id_string", self.path.stem)).lower()).strip("-") or "form"
        if not form_id[0].isalpha():
            form_id = f"form-{form_id}"
        raw_title = settings.get("title") or form_id
        # A title per language where the settings sheet gives one (form_title::Russian (ru)), else the default.
        titles = _texts(raw_title, self.default) if isinstance(raw_title, dict) else {}
        fallback = titles.get(self.default) or (raw_title.get("default") if isinstance(raw_title, dict) else str(raw_title))
        title = {lang: titles.get(lang) or fallback or form_id for lang in languages}
        untranslated = [lang for lang in languages if lang not in titles and len(languages) > 1]
        if untranslated:
            self.notes.append(f"the form's title has no {', '.join(untranslated)} version (add form_title::<Language> "
                              f"({untranslated[0]}) on the settings sheet); the default title is used")
        for section in self.sections:
            section["title"] = {lang: section["title"].get(lang) or next(iter(section["title"].values())) for lang in languages}
        return {
            "id": form_id,
            "title": title,
            "version": str(settings.get("version") or "1"),
            "citation": f"Converted from the XLSForm {self.path.name} (form_id {settings.get('id_string')}).",
            "licence": "Unknown: state the licence of the source form.",
            "languages": languages,
            "response_scales": self.scales,
            "sections": [{k: v for k, v in s.items() if k != "group"} for s in self.sections if s["items"]],
        }
