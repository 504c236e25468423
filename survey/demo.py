"""The demo study: respondents drawn from ``data/demo_model.yaml`` (see
``axiosphere.survey.simulate.ModelRespondents``), interviewed through the real session and
response store, with plausible paradata (seconds per question) and careless answering."""

from __future__ import annotations

import math
import os
import queue
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
FIRST_DAY = datetime(2026, 9, 7, 9, 0, tzinfo=timezone.utc)


def load_model(path: str | Path | None = None) -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(path or MODEL_FILE).read_text(encoding="utf-8"))


def add_network(folder: str | Path, model: dict[str, Any]) -> None:
    """Write the model's second network (its ``network:`` cities and links) into the study file in ``folder``:
    the cities after the study's own, the links after its links (the file keeps its comments)."""
    import yaml

    network = model.get("network")
    if not network:
        return
    path = Path(folder) / "study.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "\n# Twinning links."
    if marker not in text or not text.rstrip().splitlines()[-1].lstrip().startswith("- {a:"):
        raise RuntimeError(f"{path} no longer ends with its cities and then its list of links")

    def entries(items: list[dict[str, Any]]) -> str:
        return "".join("  - " + yaml.safe_dump(item, default_flow_style=True, allow_unicode=True, sort_keys=False,
                                               width=1000).strip() + "\n" for item in items)

    cities = ("\n  # A second network: Russian and US cities, written by axiosphere demo from data/demo_model.yaml.\n"
              + entries(network["cities"]))
    text = text.replace(marker, cities + marker, 1).rstrip("\n") + "\n" + entries(network["links"])
    path.write_text(text, encoding="utf-8")


class SimulatedClock:
    """Time stamps for simulated interviews: fieldwork days from 9:00, seconds per question drawn."""

    def __init__(self, rng: random.Random, start: datetime):
        self.rng, self.time, self.pace, self.words = rng, start, 7.0, 15

    def __call__(self) -> str:
        # Seconds on a question are log-normal (a long right tail) around the respondent's pace, longer for a
        # longer text: a 15-word question takes the pace, a 45-word one about twice as long.
        median = self.pace * (0.5 + self.words / 30)
        self.time += timedelta(seconds=max(0.5, self.rng.lognormvariate(math.log(median), 0.45)))
        return self.time.isoformat(timespec="microseconds")

    def next_interview(self, pace: float) -> None:
        self.pace = pace
        self.time += timedelta(minutes=self.rng.uniform(10, 50))
        if self.time.hour >= 19:
            self.time = (self.time + timedelta(days=1)).replace(hour=9, minute=0)


INTERVIEWERS = 4  # a city's interviewers, each with a device and a clock of their own


def _devices(plan: list[tuple[str, int]]) -> list[tuple[str, str, int]]:
    """(city, interviewer, interviews) for every interviewer: a city's interviews shared out among its team."""
    units = []
    for city, n in plan:
        for k in range(INTERVIEWERS):
            count = n // INTERVIEWERS + (k < n % INTERVIEWERS)
            if count:
                units.append((city, f"iv{k + 1:02d}-{city[:3]}", count))
    return units


def _interview(study: StudyDesign, store: Store, model: dict[str, Any], seed: int, unit: tuple[str, str, int],
               done: Callable[[str, list[str]], None]) -> None:
    """One interviewer's interviews. Their answers and clock come from a generator seeded by the
    interviewer alone, so the data are the same however the interviewers are spread over processes."""
    city, interviewer, count = unit
    rng = random.Random(f"{seed}:{interviewer}")
    clock = SimulatedClock(rng, FIRST_DAY)  # every team starts on the same first day
    store.clock = clock
    respondents = ModelRespondents(study, model, rng)

    def answer(question: Any) -> Any:
        clock.words = len(question.text.split())  # the time on this question follows its length
        return respondents.policy(question)

    screen = ScriptedScreen(answer)
    pace = model.get("seconds_per_item", {"mean": 7.0, "sd": 2.5})
    shared: dict[Any, Any] = {}  # the interviewer's city: its question texts and options built once
    for _ in range(count):
        respondents.draw(city)
        clock.next_interview(1.0 if respondents.speeder else max(2.0, rng.gauss(pace["mean"], pace["sd"])))
        with store.batch():
            outcome = start(store, Flow(study, city, seed=rng.randrange(2**31), shared=shared), screen,
                            interviewer=interviewer)
        screen.asked.clear()
        done(outcome.interview, [kind for kind, planted in (("speeding", respondents.speeder),
                                                           ("straightline", respondents.careless)) if planted])


def _device(study: StudyDesign, model: dict[str, Any], seed: int, units: list[tuple[str, str, int]], path: Path,
            counts: Any) -> None:
    """A worker process: some interviewers' interviews into a store of its own (merged afterwards, as a
    field device's would be)."""
    with Store.create(path, study_id=study.id, durable=False) as store:
        for unit in units:
            _interview(study, store, model, seed, unit, lambda interview, kinds: counts.put((interview, kinds)))


def generate(study: StudyDesign, store: Store, *, model: dict[str, Any] | None = None, seed: int | None = None,
             scale: float = 1.0, progress: Callable[[int, int], None] | None = None, workers: int | None = None,
             planted: dict[str, list[str]] | None = None) -> int:
    """Interview every synthetic respondent of the model through the session; returns how many.

    ``planted``, when given, receives the ids of the interviews whose respondents were drawn as speeders
    and as straight-liners (``{"speeding": [...], "straightline": [...]}``): the truth the quality screen
    is checked against.

    With ``workers`` > 1 (by default, one per CPU up to two) the interviewers' devices run in parallel
    processes, each into its own store, and are merged into ``store`` with ``merge_stores``: the
    same rows as one process writes, in half the time on two cores.
    """
    model = model or load_model()
    seed = model["seed"] if seed is None else seed
    plan = [(city, max(2, round(spec["n"] * scale))) for city, spec in model["cities"].items() if city in study.cities]
    units = _devices(plan)
    total, done = sum(n for _, n in plan), 0

    def tick(interview: str, kinds: list[str]) -> None:
        nonlocal done
        done += 1
        for kind in kinds:
            if planted is not None:
                planted.setdefault(kind, []).append(interview)
        if progress:
            progress(done, total)

    workers = min(workers if workers is not None else min(os.cpu_count() or 1, 2), len(units))
    if workers <= 1 or total < 200:  # a process costs more than a few interviews
        for unit in units:
            _interview(study, store, model, seed, unit, tick)
        return done
    _in_parallel(study, store, model, seed, units, workers, tick)
    return done


def _in_parallel(study: StudyDesign, store: Store, model: dict[str, Any], seed: int, units: list[tuple[str, str, int]],
                 workers: int, tick: Callable[[str, list[str]], None]) -> None:
    import multiprocessing
    import tempfile

    from axiosphere.survey.merge import merge_stores

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    shares: list[list[tuple[str, str, int]]] = [[] for _ in range(workers)]
    for unit in sorted(units, key=lambda u: -u[2]):  # the largest first, each to the least loaded worker
        min(shares, key=lambda share: sum(u[2] for u in share)).append(unit)
    counts = context.Queue()
    with tempfile.TemporaryDirectory(dir=store.path.parent, prefix=".devices-") as folder:
        paths = [Path(folder) / f"device{k}.sqlite" for k in range(workers)]
        processes = [context.Process(target=_device, args=(study, model, seed, share, path, counts))
                     for share, path in zip(shares, paths)]
        for process in processes:
            process.start()
        expected = sum(u[2] for u in units)
        while expected:
            try:
                tick(*counts.get(timeout=0.5))
                expected -= 1
            except queue.Empty:
                if not any(p.is_alive() for p in processes):
                    break  # a process died: its exit code says so below
        for process in processes:
            process.join()
        failed = [p.exitcode for p in processes if p.exitcode != 0]
        if failed:
            raise RuntimeError(f"a demo interview process failed (exit code {failed[0]})")
        merge_stores(store, paths)
