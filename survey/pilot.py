"""Piloting an instrument before fieldwork: simulated respondents through the real interview flow
and store, to see how often skip logic asks each question and how long an interview is.

Pilot interviews are marked in the store and left out of exports and analysis.

Example
-------
>>> report = run_pilot(study, store, n=50, seed=1)  # doctest: +SKIP
>>> report.reach.head()  # doctest: +SKIP
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from axiosphere.instruments.errors import InputError
from axiosphere.survey.interview import Flow
from axiosphere.survey.session import start
from axiosphere.survey.simulate import ScriptedScreen, random_policy
from axiosphere.survey.store import Store
from axiosphere.survey.study import StudyDesign

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class PilotReport:
    """How many pilot interviews asked each question, and how many questions an interview had."""

    n: int
    reach: pd.DataFrame
    questions_asked: tuple[int, ...]
    seconds_per_question: float

    @property
    def median_questions(self) -> float:
        return float(statistics.median(self.questions_asked))

    @property
    def median_minutes(self) -> float:
        """The median interview length at ``seconds_per_question``."""
        return self.median_questions * self.seconds_per_question / 60

    def to_frame(self) -> pd.DataFrame:
        return self.reach

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "median_questions": self.median_questions, "median_minutes": self.median_minutes,
                "seconds_per_question": self.seconds_per_question, "reach": self.reach.to_dict(orient="records")}


def run_pilot(study: StudyDesign, store: Store, *, n: int, city: str | None = None, seed: int = 0,
              seconds_per_question: float = 7.0, missing_rate: float = 0.03) -> PilotReport:
    """Interview ``n`` simulated respondents (random valid answers, some don't know/refused) in ``city``
    (default: the study's cities in turn), stored as pilot interviews; report each question's reach."""
    import pandas as pd

    if n < 1:
        raise InputError(f"--n must be at least 1, got {n}")
    if city is not None and city not in study.cities:
        raise InputError(f"unknown city '{city}' (the study has: {', '.join(study.cities)})")
    rng = random.Random(seed)
    cities = [city] if city else list(study.cities)
    screen = ScriptedScreen(random_policy(rng, missing_rate=missing_rate))
    asked: dict[str, int] = {}
    lengths = []
    order: list[str] = []
    for k in range(n):
        where = cities[k % len(cities)]
        flow = Flow(study, where, seed=rng.randrange(2**31))
        order = order or [s.item.id for s in Flow(study, where, seed=0).steps]
        screen.asked.clear()
        start(store, flow, screen, interviewer="pilot", pilot=True)
        for item in screen.asked:
            asked[item] = asked.get(item, 0) + 1
        lengths.append(len(screen.asked))
    items = {i: (instrument.id, item) for instrument in study.instruments for i, item in instrument.items.items()}
    reach = pd.DataFrame([{"instrument": items[i][0], "item": i, "asked": asked.get(i, 0),
                           "share": asked.get(i, 0) / n, "condition": items[i][1].relevant.text if items[i][1].relevant else ""}
                          for i in order])
    return PilotReport(n, reach, tuple(lengths), seconds_per_question)
