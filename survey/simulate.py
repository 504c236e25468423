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
