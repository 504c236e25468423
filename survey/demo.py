"""The demo study: synthetic respondents from ``data/demo_model.yaml``, interviewed through the real
session and response store, with plausible paradata (seconds per question) and careless answering."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from survey.interview import Flow, Question
from survey.session import start
from survey.store import Store
from survey.study import Study

MODEL_FILE = Path(__file__).parent / "demo_model.yaml"  # also linked from data/demo_model.yaml
TRUST_ITEMS = {"institutional": ["trstlcg", "trstprl", "trstlgl", "trstplc", "trstplt", "trstprt", "trstun"],
               "generalised": ["ppltrst", "pplfair", "pplhlp"], "digital": ["dtsvc", "dtinfo", "dtsoc"]}


def load_model(path: str | Path | None = None) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(path or MODEL_FILE).read_text(encoding="utf-8"))


class SimulatedClock:
    """Time stamps for simulated interviews: fieldwork days from 9:00, seconds per question drawn."""

    def __init__(self, rng: random.Random, start: datetime):
        self.rng, self.time, self.pace = rng, start, 7.0

    def __call__(self) -> str:
        self.time += timedelta(seconds=max(0.5, self.rng.gauss(self.pace, self.pace / 3)) / 2)
        return self.time.isoformat(timespec="microseconds")

    def next_interview(self, pace: float) -> None:
        self.pace = pace
        self.time += timedelta(minutes=self.rng.uniform(10, 50))
        if self.time.hour >= 19:
            self.time = (self.time + timedelta(days=1)).replace(hour=9, minute=0)


class Respondent:
    """A screen that answers like one synthetic respondent drawn from the model."""

    def __init__(self, study: Study, model: dict[str, Any], rng: random.Random, clock: SimulatedClock):
        self.study, self.model, self.rng, self.clock = study, model, rng, clock
        self.pvq = next(i for i in study.instruments if i.id == "pvq21")
        self.answers: dict[str, Any] = {}

    def draw(self, city: str) -> None:
        rng, spec, model = self.rng, self.model["cities"][city], self.model
        careless = rng.random() < model["straightliner_rate"]
        speeder = rng.random() < model["speeder_rate"]
        self.clock.next_interview(1.0 if speeder else max(2.0, rng.gauss(model["seconds_per_item"]["mean"],
                                                                          model["seconds_per_item"]["sd"])))
        margin = self.study.cities[city].sex_margin or {"male": 0.46, "female": 0.54}
        answers: dict[str, Any] = {"gndr": 1 if rng.random() < margin.get("male", 0.46) else 2,
                                   "agea": int(min(95, max(18, rng.gauss(47, 17)))), "edulvl": rng.randint(2, 6)}
        answers["yrscity"] = rng.randint(0, answers["agea"])
        order = self.pvq.circumplex
        lean_x, lean_y = rng.gauss(spec["values"][0], 0.8), rng.gauss(spec["values"][1], 0.8)
        level = rng.gauss(4.2, 0.5)
        flat = rng.randint(1, 6)
        for k, value in enumerate(order):
            angle = 2 * math.pi * k / len(order)
            importance = level + lean_x * math.cos(angle) + lean_y * math.sin(angle)
            for item in self.pvq.scale_items(value):
                answer = min(6, max(1, round(importance + rng.gauss(0, model["noise"]["values"]))))
                answers[item] = flat if careless else 7 - answer
        for name, items in TRUST_ITEMS.items():
            eta = rng.gauss(spec[name], 1.6)
            for item in items:
                shift = model["non_invariant"]["shift"] if (item == model["non_invariant"]["item"]
                                                            and city == model["non_invariant"]["city"]) else 0.0
                answers[item] = min(10, max(0, round(eta + shift + rng.gauss(0, model["noise"]["trust"]))))
        answers["ttaware"] = 1 if rng.random() < spec["aware"] else 2
        twin = rng.gauss(spec["twin"], 1.8)
        answers["tttrust"] = min(10, max(0, round(twin + rng.gauss(0, 1))))
        answers["ttclose"] = min(10, max(0, round(twin - 0.5 + rng.gauss(0, 1.3))))
        for item in ("ttvisit", "ttfrnd", "ttonln"):
            answers[item] = 1 if rng.random() < {"ttvisit": 0.3, "ttfrnd": 0.15, "ttonln": 0.2}[item] else 2
        support = rng.gauss(spec["cooperation"], 0.7)
        for item in ("tcclt", "tcedu", "tcyth", "tcecn", "tcsci", "tcdgt", "tcspt"):
            answers[item] = min(5, max(1, round(support + rng.gauss(0, model["noise"]["cooperation"]))))
        self.answers = answers

    def consent(self, text: str) -> bool:
        return True

    def ask(self, question: Question) -> Any:
        codes = {o.missing: o.value for o in question.options if o.missing}
        roll = self.rng.random()
        if question.type == "rating" and "dont_know" in codes and roll < self.model["dont_know_rate"]:
            return codes["dont_know"]
        if question.type == "rating" and "refused" in codes and roll > 1 - self.model["refused_rate"]:
            return codes["refused"]
        if question.type == "multi":
            return sorted(o.value for o in question.options if self.rng.random() < 0.6)
        return self.answers[question.item]

    def interrupted(self) -> str:
        return "pause"

    def say(self, message: str) -> None:
        pass


def generate(study: Study, store: Store, *, model: dict[str, Any] | None = None, seed: int | None = None,
             scale: float = 1.0, progress: Callable[[int, int], None] | None = None) -> int:
    """Interview every synthetic respondent of the model through the session; returns how many."""
    model = model or load_model()
    rng = random.Random(model["seed"] if seed is None else seed)
    clock = SimulatedClock(rng, datetime(2026, 9, 7, 9, 0, tzinfo=timezone.utc))
    store.clock = clock
    screen = Respondent(study, model, rng, clock)
    plan = [(city, max(2, round(spec["n"] * scale))) for city, spec in model["cities"].items() if city in study.cities]
    total, done = sum(n for _, n in plan), 0
    for city, n in plan:
        for _ in range(n):
            screen.draw(city)
            start(store, Flow(study, city, seed=rng.randrange(2**31)), screen, interviewer=f"iv{rng.randint(1, 4):02d}-{city[:3]}")
            done += 1
            if progress:
                progress(done, total)
    return done
