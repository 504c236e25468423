"""Small studies with simulated interviews, written through the real session and store."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from conftest import DATA
from axiosphere.survey.interview import Flow
from axiosphere.survey.session import start
from axiosphere.survey.simulate import ScriptedScreen, random_policy
from axiosphere.survey.store import Store
from axiosphere.survey.study import StudyDesign, init_study, load_study


def mini_study(folder: Path, *, scales: str = "", items: str = "") -> StudyDesign:
    """The mini study; ``scales`` (response scales, YAML) and ``items`` (items asked before t2) are added."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (DATA / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("  sex:\n    kind: choice", scales + "  sex:\n    kind: choice")
    text = text.replace("      - {id: t2,", items + "      - {id: t2,")
    (folder / "mini.yaml").write_text(text, encoding="utf-8")
    shutil.copy(DATA / "mini-study.yaml", folder / "study.yaml")
    return load_study(folder)


def bundled_study(folder: Path) -> StudyDesign:
    return load_study(init_study(folder))


def simulate(study: StudyDesign, store: Store, n: int, *, seed: int = 0, interviewer: str = "sim") -> list[str]:
    rng = random.Random(seed)
    cities = list(study.cities)
    done = []
    for k in range(n):
        flow = Flow(study, cities[k % len(cities)], seed=rng.randrange(2**31))
        done.append(start(store, flow, ScriptedScreen(random_policy(rng)), interviewer=interviewer).interview)
    return done
