"""Synthetic respondents that go through the real interview session and response store.

Used by tests and benchmarks (and the demo study): a :class:`ScriptedScreen`
answers each question by a policy instead of a person, so simulated data takes
exactly the path of fieldwork data, skip logic and revisions included.

Example
-------
>>> import random
>>> screen = ScriptedScreen(random_policy(random.Random(1)))
>>> from survey.session import start
>>> outcome = start(store, Flow(study, "orsha", seed=4), screen, interviewer="sim")  # doctest: +SKIP
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from survey.interview import Question

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


def circumplex_answers(instrument: Any, cities: dict[str, tuple[float, float]], *, n: int = 300, seed: int = 1,
                       noise: float = 0.7) -> Any:
    """Synthetic value-instrument answers with a circumplex structure, coded as the instrument codes them.

    Each respondent has a general level and a point in the two-dimensional value space, drawn
    around the city's lean ``(x, y)``; a value's importance falls with its angular distance on
    Schwartz's circle (the instrument's ``circumplex`` order); answers add item noise and are
    turned to the instrument's direction (for the PVQ, 1 = very much like me).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    order = instrument.circumplex
    angle = {v: 2 * np.pi * k / len(order) for k, v in enumerate(order)}
    frames = []
    for city, (dx, dy) in cities.items():
        lean = rng.normal(size=(n, 2)) * 0.8 + np.array([dx, dy])
        level = rng.normal(4.2, 0.5, size=n)
        data = {}
        for value in order:
            importance = level + lean @ np.array([np.cos(angle[value]), np.sin(angle[value])])
            for item in instrument.scale_items(value):
                scale = instrument.item_scale(item)
                answer = np.clip(np.round(importance + rng.normal(0, noise, n)), scale.low, scale.high)
                data[item] = scale.low + scale.high - answer if scale.more_at == "low" else answer
        frame = pd.DataFrame(data)
        frame.insert(0, "city", city)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
