"""The demo study: respondents drawn from ``data/demo_model.yaml`` (see
:class:`~axiosphere.survey.simulate.ModelRespondents`), interviewed through the real session and
response store, with plausible paradata (seconds per question) and careless answering."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from axiosphere.survey.interview import Flow
from axiosphere.survey.session import start
from axiosphere.survey.simulate import ModelRespondents, ScriptedScreen
from axiosphere.survey.store import Store
from axiosphere.survey.study import StudyDesign

MODEL_FILE = Path(__file__).parent / "demo_model.yaml"  # also linked from data/demo_model.yaml


def load_model(path: str | Path | None = None) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(path or MODEL_FILE).read_text(encoding="utf-8"))


class SimulatedClock:
    """Time stamps for simulated interviews: fieldwork days from 9:00, seconds per question drawn."""

    def __init__(self, rng: random.Random, start: datetime):
        self.rng, self.time, self.pace = rng, start, 7.0

    def __call__(self) -> str:
        self.time += timedelta(seconds=max(0.5, self.rng.gauss(self.pace, self.pace / 3)))
        return self.time.isoformat(timespec="microseconds")

    def next_interview(self, pace: float) -> None:
        self.pace = pace
        self.time += timedelta(minutes=self.rng.uniform(10, 50))
        if self.time.hour >= 19:
            self.time = (self.time + timedelta(days=1)).replace(hour=9, minute=0)


def generate(study: StudyDesign, store: Store, *, model: dict[str, Any] | None = None, seed: int | None = None,
             scale: float = 1.0, progress: Callable[[int, int], None] | None = None) -> int:
    """Interview every synthetic respondent of the model through the session; returns how many."""
    model = model or load_model()
    rng = random.Random(model["seed"] if seed is None else seed)
    first_day = datetime(2026, 9, 7, 9, 0, tzinfo=timezone.utc)
    clock = SimulatedClock(rng, first_day)
    store.clock = clock
    respondents = ModelRespondents(study, model, rng)
    screen = ScriptedScreen(respondents.policy)
    pace = model.get("seconds_per_item", {"mean": 7.0, "sd": 2.5})
    plan = [(city, max(2, round(spec["n"] * scale))) for city, spec in model["cities"].items() if city in study.cities]
    total, done = sum(n for _, n in plan), 0
    for city, n in plan:
        clock.time = first_day  # each city's team interviews in parallel, from the same first day
        for _ in range(n):
            respondents.draw(city)
            clock.next_interview(1.0 if respondents.speeder else max(2.0, rng.gauss(pace["mean"], pace["sd"])))
            start(store, Flow(study, city, seed=rng.randrange(2**31)), screen, interviewer=f"iv{rng.randint(1, 4):02d}-{city[:3]}")
            screen.asked.clear()
            done += 1
            if progress:
                progress(done, total)
    return done
