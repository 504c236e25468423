"""The interview's flow, with no UI: question order, randomisation, skip logic, back and resume.

A ``Flow`` is the plan of one respondent's interview: every item of the
study's instruments in order, randomised sections shuffled by the interview's
seed (so the order shown can always be rebuilt and is also stored). Given the
answers so far it says which items are relevant, where "next" and "back" lead,
where a resumed interview continues, and how each question reads in the
respondent's language and text form.

Example
-------
>>> from axiosphere.survey.study import load_study, init_study
>>> import tempfile, pathlib
>>> study = load_study(init_study(pathlib.Path(tempfile.mkdtemp()) / "s"))
>>> flow = Flow(study, "orsha", seed=3)
>>> flow.steps[0].item.id, len(flow.steps)
('gndr', 52)
>>> flow.question(0, {}).text
'Пол респондента (отметьте по наблюдению, при необходимости уточните).'
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.model import Instrument, Item, Section
from axiosphere.survey.study import StudyDesign

DONT_KNOW, REFUSED = "dont_know", "refused"


@dataclass(frozen=True)
class Step:
    """One item in the plan, with the instrument and section it belongs to."""

    instrument: Instrument
    section: Section
    item: Item


@dataclass(frozen=True)
class Option:
    """An answer the respondent can give, with the key that selects it."""

    value: Any
    label: str
    label2: str | None = None
    missing: str | None = None


@dataclass(frozen=True)
class Question:
    """Everything a screen needs to ask one item."""

    item: str
    type: str
    text: str
    text2: str | None
    section: str
    intro: str | None
    position: int
    total: int
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = True
    default: Any = None
    note: str | None = None


class Flow:
    """One respondent's interview plan and its navigation rules."""

    def __init__(self, study: StudyDesign, city: str, *, seed: int, language: str | None = None,
                 second_language: str | None = None, order: Sequence[str] | None = None,
                 shared: dict[Any, Any] | None = None):
        if city not in study.cities:
            raise InputError(f"unknown city '{city}' (the study has {', '.join(study.cities)})")
        self.study = study
        self.city = study.cities[city]
        self.language = language or self.city.language
        self.second_language = second_language if second_language is not None else self.city.second_language
        for instrument in study.instruments:
            for lang in filter(None, (self.language, self.second_language)):
                if lang not in instrument.languages:
                    raise InputError(f"instrument '{instrument.id}' has no '{lang}' texts (it has {', '.join(instrument.languages)})")
        self.seed = seed
        planned = self._plan(seed)
        if order is not None:
            by_id = {s.item.id: s for s in planned}
            unknown = [i for i in order if i not in by_id]
            if unknown or len(order) != len(planned):
                raise InputError(f"the stored question order does not match the study's instruments (unknown: {unknown})")
            planned = [by_id[i] for i in order]
        self.steps: list[Step] = planned
        self.index = {s.item.id: n for n, s in enumerate(self.steps)}
        # Only these questions can be skipped: whole-interview checks look at them alone, and at the answers their
        # conditions name; texts and options depend on the step alone and are built once.
        self._conditional = [n for n, s in enumerate(self.steps) if s.item.relevant is not None]
        self._referenced = frozenset(r for n in self._conditional for r in self.steps[n].item.relevant.refs)
        # Texts and options depend on the city, its languages and the question alone: a device that asks many
        # interviews of one city (a simulation, a pilot) may pass one ``shared`` dict to all their flows.
        bucket = (shared if shared is not None else {}).setdefault((self.city.id, self.language, self.second_language), ({}, {}))
        self._options: dict[tuple[str, str], tuple[Option, ...]] = bucket[0]
        self._filled: dict[tuple[str, str], str] = bucket[1]
        self._twin_codes = {c: n + 1 for n, c in enumerate(study.cities)}

    def _plan(self, seed: int) -> list[Step]:
        steps: list[Step] = []
        for instrument in self.study.instruments:
            for section in instrument.sections:
                items = list(section.items)
                if section.randomise:
                    # A string seed hashes the same in every process, so the order can be rebuilt.
                    random.Random(f"{seed}:{instrument.id}:{section.id}").shuffle(items)
                steps.extend(Step(instrument, section, instrument.items[i]) for i in items)
        return steps

    @property
    def order(self) -> list[str]:
        return [s.item.id for s in self.steps]

    # -- skip logic --------------------------------------------------------------

    @staticmethod
    def values(answers: Mapping[str, Any]) -> dict[str, Any]:
        """Answers as conditions see them: missing codes, skips and irrelevant items have no value."""
        out = {}
        for item, answer in answers.items():
            usable = answer.status == "answered" and answer.missing is None
            out[item] = answer.value if usable else None
        return out

    def relevant(self, i: int, answers: Mapping[str, Any], *, values: Mapping[str, Any] | None = None) -> bool:
        """Whether skip logic asks question ``i``; pass ``values`` when checking many questions at once."""
        condition = self.steps[i].item.relevant
        return condition is None or condition.evaluate(self.values(answers) if values is None else values)

    def _condition_values(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The values of the answers that some condition names (the only ones skip logic reads)."""
        return self.values({k: answers[k] for k in self._referenced if k in answers})

    def _relevant_steps(self, answers: Mapping[str, Any], indices: Any) -> Any:
        values = self._condition_values(answers)
        return (j for j in indices if self.relevant(j, answers, values=values))

    def hidden(self, answers: Mapping[str, Any]) -> set[int]:
        """Indices of the questions skip logic leaves out, given ``answers``."""
        values = self._condition_values(answers)
        return {j for j in self._conditional if not self.relevant(j, answers, values=values)}

    def relevant_steps(self, answers: Mapping[str, Any], *, hidden: set[int] | None = None) -> list[int]:
        """Indices of every question skip logic asks, given ``answers``."""
        hidden = self.hidden(answers) if hidden is None else hidden
        return [j for j in range(len(self.steps)) if j not in hidden]

    def next(self, i: int, answers: Mapping[str, Any]) -> int | None:
        """The next relevant question after ``i`` (``None`` at the end)."""
        return next(self._relevant_steps(answers, range(i + 1, len(self.steps))), None)

    def previous(self, i: int, answers: Mapping[str, Any]) -> int | None:
        """The relevant question before ``i`` (``None`` at the start)."""
        return next(self._relevant_steps(answers, range(i - 1, -1, -1)), None)

    def first(self, answers: Mapping[str, Any]) -> int | None:
        return self.next(-1, answers)

    def resume_at(self, answers: Mapping[str, Any]) -> int | None:
        """Where an interrupted interview goes on: the first relevant question without an answer."""
        for j in self.relevant_steps(answers):
            current = answers.get(self.steps[j].item.id)
            if current is None or current.status == "not_relevant":
                return j
        return None

    def no_longer_relevant(self, answers: Mapping[str, Any]) -> list[str]:
        """Items holding an answer that skip logic now excludes (after an earlier answer changed)."""
        hidden = self.hidden(answers)
        return [self.steps[j].item.id for j in sorted(hidden)
                if self.steps[j].item.id in answers and answers[self.steps[j].item.id].status != "not_relevant"]

    # -- presenting --------------------------------------------------------------

    def _form(self, instrument: Instrument, answers: Mapping[str, Any]) -> str | None:
        if instrument.forms is None:
            return None
        item = instrument.forms.item
        return instrument.forms.form_for(self.values({item: answers[item]}).get(item) if item in answers else None)

    def _fill(self, text: str, language: str) -> str:
        if (text, language) not in self._filled:
            twins = [self.study.cities[t].display_name(language) for t in self.study.twins(self.city.id)]
            self._filled[text, language] = (text.replace("{city}", self.city.display_name(language))
                                            .replace("{twins}", ", ".join(twins)))
        return self._filled[text, language]

    def _text(self, local: Any, step: Step, answers: Mapping[str, Any], language: str | None) -> str | None:
        if local is None or language is None:
            return None
        return self._fill(local.get(language, self._form(step.instrument, answers)), language)

    def options(self, step: Step) -> tuple[Option, ...]:
        """Answer options in scale order, then the instrument's don't-know and refusal codes."""
        key = (step.instrument.id, step.item.id)
        if key not in self._options:
            self._options[key] = self._build_options(step)
        return self._options[key]

    def _build_options(self, step: Step) -> tuple[Option, ...]:
        item, langs = step.item, (self.language, self.second_language)
        if item.options_from == "twins":
            return tuple(Option(self._twin_codes[t], self.study.cities[t].display_name(langs[0]),
                                self.study.cities[t].display_name(langs[1]) if langs[1] else None)
                         for t in self.study.twins(self.city.id))
        scale = step.instrument.item_scale(item.id)
        out = []
        for point in scale.points if scale is not None else ():
            label = point.label.get(langs[0]) if point.label else ""
            label2 = point.label.get(langs[1]) if point.label and langs[1] else None
            out.append(Option(point.value, label, label2))
        for code in step.instrument.missing_codes(item.id):
            out.append(Option(code.code, code.label.get(langs[0]), code.label.get(langs[1]) if langs[1] else None, code.kind))
        return tuple(out)

    def question(self, i: int, answers: Mapping[str, Any], *, hidden: set[int] | None = None) -> Question:
        """The screen for question ``i`` given the answers so far (with the current answer as default); ``hidden``
        (from the same answers) saves working out skip logic again when many questions are built at once."""
        step = self.steps[i]
        item = step.item
        hidden = self.hidden(answers) if hidden is None else hidden
        current = answers.get(item.id)
        default = current.value if current is not None and current.status == "answered" else None
        return Question(
            item=item.id, type=item.type,
            text=self._text(item.text, step, answers, self.language),
            text2=self._text(item.text, step, answers, self.second_language),
            section=f"{step.instrument.title.get(self.language)} · {step.section.title.get(self.language)}",
            intro=self._text(step.section.intro, step, answers, self.language),
            position=0 if i in hidden else i + 1 - sum(1 for j in hidden if j < i), total=len(self.steps) - len(hidden),
            options=self.options(step), minimum=item.minimum, maximum=item.maximum, required=item.required,
            default=default, note=self._text(item.note, step, answers, self.language),
        )

    def check(self, i: int, value: Any) -> str | None:
        """Why ``value`` cannot be stored for question ``i`` (``None`` when it can)."""
        step = self.steps[i]
        item = step.item
        if value is None:
            return "an answer is required" if item.required else None
        if not isinstance(value, list) and value in {m.code for m in step.instrument.missing_codes(item.id)}:
            return None
        if item.type == "number":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                return "expected a number"
            if not item.minimum <= value <= item.maximum:
                return f"expected a number from {item.minimum:g} to {item.maximum:g}"
            return None
        if item.type == "text":
            return None if isinstance(value, str) else "expected a text"
        allowed = {o.value for o in self.options(step)}
        if item.type == "multi":
            if not isinstance(value, list) or any(v not in allowed for v in value):
                return "expected a selection of the listed options"
            return None if value or not item.required else "choose at least one option"
        return None if value in allowed else f"expected one of {', '.join(map(str, sorted(allowed)))}"

    def missing_kind(self, i: int, value: Any) -> str | None:
        """'dont_know' or 'refused' when ``value`` is such a code of question ``i``'s scale."""
        codes = self.steps[i].instrument.missing_codes(self.steps[i].item.id)
        return next((m.kind for m in codes if m.code == value), None)

    def instrument_specs(self) -> list[tuple[str, str, str]]:
        return [(i.id, i.version, i.content_hash) for i in self.study.instruments]
