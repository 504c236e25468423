"""How well the quality screen finds planted careless respondents: speeders (about 1 s per question)
and straight-liners, drawn by the demo model and interviewed through the real session and store.

Writes recall and false-positive rate per flag to bench/results/quality.json.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from results_file import write_results  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.5, help="Share of the demo model's interviews.")
    parser.add_argument("--seed", type=int, default=11)
    options = parser.parse_args()
    from axiosphere import open_study
    from axiosphere.survey.demo import SimulatedClock, load_model
    from axiosphere.survey.interview import Flow
    from axiosphere.survey.session import start
    from axiosphere.survey.simulate import ModelRespondents, ScriptedScreen
    from axiosphere.survey.store import STORE_FILE, Store
    from axiosphere.survey.study import init_study, load_study

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "study"
        design = load_study(init_study(folder))
        model = load_model()
        rng = random.Random(options.seed)
        truth: dict[str, tuple[bool, bool]] = {}
        with Store.create(folder / STORE_FILE, study_id=design.id, durable=False) as store:
            clock = SimulatedClock(rng, datetime(2026, 9, 7, 9, tzinfo=timezone.utc))
            store.clock = clock
            respondents = ModelRespondents(design, model, rng)
            screen = ScriptedScreen(respondents.policy)
            pace = model["seconds_per_item"]
            for city, spec in model["cities"].items():
                for _ in range(max(2, round(spec["n"] * options.scale))):
                    respondents.draw(city)
                    clock.next_interview(1.0 if respondents.speeder else max(2.0, rng.gauss(pace["mean"], pace["sd"])))
                    outcome = start(store, Flow(design, city, seed=rng.randrange(2**31)), screen, interviewer="bench")
                    truth[outcome.interview] = (respondents.careless, respondents.speeder)
        study = open_study(folder)
        flags = study.quality.flags.set_index(study.answers["interview"])
        results = {"interviews": len(flags), "speed_source": study.quality.speed_source,
                   "policy": study.quality.policy.to_dict()}
        for flag, index in (("straightline", 0), ("speeding", 1)):
            planted = {k for k, v in truth.items() if v[index]}
            found = set(flags.index[flags[flag]])
            results[flag] = {"planted": len(planted), "found": len(found),
                             "recall": round(len(found & planted) / max(1, len(planted)), 3),
                             "false_positive_rate": round(len(found - planted) / max(1, len(flags) - len(planted)), 4)}
    goals = {"speeders found (recall >= .95)": results["speeding"]["recall"] >= 0.95,
             "straight-liners found (recall >= .95)": results["straightline"]["recall"] >= 0.95,
             "false positives under 2%": max(results[f]["false_positive_rate"] for f in ("speeding", "straightline")) < 0.02}
    write_results("quality", goals, results)


if __name__ == "__main__":
    main()
