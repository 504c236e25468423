"""Synthetic respondents that go through the real interview session and response store.

Used by tests and benchmarks (and the demo study): a ``ScriptedScreen``
answers each question by a policy instead of a person, so simulated data takes
exactly the path of fieldwork data, skip logic and revisions included.

Example
-------
>>> import random
>>> screen = ScriptedScreen(random_policy(random.Random(1)))
>>> from axiosphere.survey.session import start
>>> outcome = start(store, Flow(study, "orsha", seed=4), screen, interviewer="sim")  # doctest: +SKIP
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from typing import Any

from axiosphere.survey.interview import Question

Policy = Callable[[Question], Any]


class ScriptedScreen:
    """A screen whose answers come from ``policy``; it may return ``BACK`` or raise ``Interrupted``."""

    def __init__(self, policy: Policy, *, consent: bool = True, on_interrupt: str = "pause"):
        self.policy = policy
        self._consent = consent
        self.on_interrupt = on_interrupt
        self.asked: list[str] = []
        self.messages: list[str] = []

    def consent(self, text: str) -> bool:
        return self._consent

    def ask(self, question: Question) -> Any:
        self.asked.append(question.item)
        return self.policy(question)

    def interrupted(self) -> str:
        return self.on_interrupt

    def review(self, entries: Any) -> Any:
        return "finish"

    def say(self, message: str) -> None:
        self.messages.append(message)


def random_answer(question: Question, rng: random.Random, *, missing_rate: float = 0.03) -> Any:
    """A valid answer to ``question``: any option, a number in range, a short text."""
    if question.type in ("rating", "choice"):
        missing = [o.value for o in question.options if o.missing]
        if missing and rng.random() < missing_rate:
            return rng.choice(missing)
        return rng.choice([o.value for o in question.options if not o.missing])
    if question.type == "multi":
        return sorted(rng.sample([o.value for o in question.options], rng.randint(0, len(question.options))))
    if question.type == "number":
        return rng.randint(int(question.minimum), int(question.maximum))
    return rng.choice(["", "ok", "no comment"]) or (None if not question.required else "ok")


def random_policy(rng: random.Random, *, missing_rate: float = 0.03) -> Policy:
    return lambda question: random_answer(question, rng, missing_rate=missing_rate)


class ModelRespondents:
    """Respondents drawn from a study model (``data/demo_model.yaml``): answers follow what the instruments declare.

    For an instrument with a ``circumplex``, each respondent has a general level and a point in the
    plane of the value circle, drawn around the city's ``lean``; every other scale named under
    ``scales`` has a latent value per respondent around the city's mean. Rating items get the latent
    plus item noise, reverse keys and the scale's direction applied; choice items named under
    ``choices`` follow the given probabilities; demographic items follow their roles and the city's
    margins; everything else is a random valid answer. Straight-liners give one code to every rating
    item of the instruments that declare quality conventions.
    """

    def __init__(self, study: Any, model: dict[str, Any], rng: random.Random):
        self.study, self.model, self.rng = study, model, rng
        self.answers: dict[str, Any] = {}
        self.speeder = False
        self.instrument_of = {item: i for i in study.instruments for item in i.items}
        self.latent_scale: dict[str, tuple[Any, str]] = {}
        self.angle: dict[str, float] = {}
        for instrument in study.instruments:
            for name in model.get("scales", {}):
                if name in instrument.scales:
                    for item in instrument.scale_items(name):
                        self.latent_scale.setdefault(item, (instrument, name))
            if instrument.circumplex is not None:
                order = instrument.circumplex.order
                for k, value in enumerate(order):
                    for item in instrument.scale_items(value):
                        self.latent_scale.setdefault(item, (instrument, f"circle:{value}"))
                self.angle = {value: 2 * math.pi * k / len(order) for k, value in enumerate(order)}

    def draw(self, city: str) -> None:
        """A new respondent in ``city``: latent values and careless-answering traits."""
        rng, model = self.rng, self.model
        values = model.get("values", {})
        lean = values.get("lean", {}).get(city, [0.0, 0.0])
        spread = values.get("spread", 0.8)
        self.lean = (rng.gauss(lean[0], spread), rng.gauss(lean[1], spread))
        self.level = rng.gauss(values.get("level", {}).get("mean", 0.0), values.get("level", {}).get("sd", 0.5))
        self.latent = {name: rng.gauss(spec["means"].get(city, 0.0), spec.get("sd", 1.0))
                       for name, spec in model.get("scales", {}).items()}
        # Each value's own part: what the circle does not carry (without it every value lies on the circle
        # and MDS fits with Stress 0, which real value data never do).
        self.own = {value: rng.gauss(0.0, values.get("unique", 0.0)) for value in self.angle}
        # A higher wave around the circle (cos of k times the angle): structure no two-dimensional map can show,
        # as real value data have beyond the circle.
        wave = values.get("wave", {"k": 0, "sd": 0.0})
        self.wave = (int(wave.get("k", 0)), rng.gauss(0.0, wave.get("sd", 0.0)))
        self.careless = rng.random() < model.get("straightliner_rate", 0.0)
        self.speeder = rng.random() < model.get("speeder_rate", 0.0)
        self.flat: int | None = None
        self.city = city
        self.answers = {}

    def policy(self, question: Question) -> Any:
        """The answer of the current respondent to ``question``."""
        rng, model = self.rng, self.model
        codes = {o.missing: o.value for o in question.options if o.missing}
        if question.type == "rating":
            roll = rng.random()
            if "dont_know" in codes and roll < model.get("dont_know_rate", 0.0):
                return codes["dont_know"]
            if "refused" in codes and roll > 1 - model.get("refused_rate", 0.0):
                return codes["refused"]
        instrument = self.instrument_of.get(question.item)
        item = instrument.items[question.item] if instrument else None
        answer = self._answer(question, instrument, item)
        self.answers[question.item] = answer
        return answer

    def _answer(self, question: Question, instrument: Any, item: Any) -> Any:
        rng, model = self.rng, self.model
        if item is not None and item.role in ("age", "years_in_city"):
            low, high = int(question.minimum), int(question.maximum)
            if item.role == "age":
                return int(min(high, max(low, rng.gauss(47, 17))))
            age = next((v for k, v in self.answers.items() if self.instrument_of[k].items[k].role == "age"), high)
            return rng.randint(low, max(low, min(high, int(age))))
        if item is not None and item.role == "sex":
            margin = self.study.cities[self.city].sex_margin or {}
            scale = instrument.item_scale(item.id)
            named = [(p.value, margin.get(p.name or "", 1.0)) for p in scale.points]
            return rng.choices([v for v, _ in named], weights=[w for _, w in named])[0]
        choices = model.get("choices", {}).get(question.item)
        if choices:
            table = choices.get(self.city) or choices.get("all")
            return rng.choices(list(table), weights=list(table.values()))[0]
        if question.item in self.latent_scale and question.type == "rating":
            return self._rated(instrument, item, *self.latent_scale[question.item])
        return random_answer(question, rng, missing_rate=0.0)

    def _rated(self, instrument: Any, item: Any, owner: Any, source: str) -> int:
        rng, model = self.rng, self.model
        scale = instrument.item_scale(item.id)
        screened = owner.quality.straightline_min is not None
        if self.careless and screened:
            self.flat = self.flat or rng.randint(scale.low, scale.high)
            return self.flat
        if source.startswith("circle:"):
            value = source.split(":", 1)[1]
            values = model.get("values", {})
            angle = self.angle[value]
            eta = (self.level + values.get("importance", {}).get(value, 0.0) + self.own[value]
                   + self.lean[0] * math.cos(angle) + self.lean[1] * math.sin(angle)
                   + self.wave[1] * math.cos(self.wave[0] * angle))
            noise = values.get("noise", 0.75)
        else:
            spec = model["scales"][source]
            eta = self.latent[source]
            shift = model.get("non_invariant", {})
            if shift.get("item") == item.id and shift.get("city") == self.city:
                eta += shift["shift"]
            noise = spec.get("noise", 1.0)
        # Latents live on the "more" end's orientation: a reverse-keyed item or a scale whose
        # "more" is at its low end turns the answer round, as scoring will turn it back.
        answer = min(scale.high, max(scale.low, round(eta + rng.gauss(0, noise))))
        flips = (scale.more_at == "low") + (owner.is_reversed(source, item.id) if not source.startswith("circle:") else 0)
        return scale.low + scale.high - answer if flips % 2 else answer
