"""Fieldwork speed, as a fieldworker and a data manager feel it; results to bench/results/fieldwork.json.

1. Start-up: from launching ``axiosphere survey run`` in a pseudo-terminal to the
   consent screen, and to the first question after consent (goal: under 0.3 s).
2. Commit latency of one answer (``Store.answer``: a WAL transaction with
   synchronous=FULL), p50 and p99 over 2,000 answers (goal: p99 under 10 ms).
3. Merge of 50 device stores x 1,000 interviews (52 answers each) into one (goal: under 10 s).

    python bench/fieldwork.py [--stores 50] [--interviews 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from results_file import write_results



def _read_until(fd: int, text: bytes, seen: bytearray, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while text not in seen:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise TimeoutError(f"{text!r} did not appear; got {bytes(seen)[-300:]!r}")
        chunk = os.read(fd, 65536)
        # Answer cursor-position requests as a terminal emulator does, or prompt_toolkit waits for them.
        for _ in range(chunk.count(b"\x1b[6n")):
            os.write(fd, b"\x1b[1;1R")
        seen.extend(chunk)


def startup(study_dir: Path, runs: int) -> dict[str, float]:
    script = Path(sys.executable).parent / "axiosphere"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "axiosphere"]
    to_consent, to_question = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(command[0], command + ["survey", "run", str(study_dir), "--city", "orsha", "--interviewer", "bench", "--seed", "1"])
        seen = bytearray()
        try:
            _read_until(fd, b"Enter", seen)  # the consent screen's key line, in any interview language
            to_consent.append(time.perf_counter() - start)
            os.write(fd, b"y\r")
            mark = time.perf_counter()
            _read_until(fd, b"[1/", seen)
            del seen[: seen.index(b"[1/")]
            _read_until(fd, b"Enter", seen)
            # Start-up to the first question, leaving out the time a person takes to answer consent.
            to_question.append(to_consent[-1] + time.perf_counter() - mark)
        finally:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            os.close(fd)
    return {"to_consent_screen_median_s": round(statistics.median(to_consent), 4),
            "to_first_question_median_s": round(statistics.median(to_question), 4),
            "to_consent_screen_max_s": round(max(to_consent), 4), "runs": runs}


def commit_latency(folder: Path, n: int = 2000) -> dict[str, float]:
    from axiosphere.survey.store import Store

    with Store.create(folder / "latency.sqlite", study_id="bench") as store:
        interview = store.start_interview(city="orsha", interviewer="b", language="ru", seed=1, instruments=[], item_order=[])
        times = []
        for k in range(n):
            start = time.perf_counter()
            store.answer(interview, f"q{k % 60}", k % 7)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"answers": n, "p50_ms": round(times[n // 2], 3), "p99_ms": round(times[int(n * 0.99)], 3),
            "max_ms": round(times[-1], 3)}


def _device_store(path: Path, n: int, items: list[str]) -> None:
    """A device's store filled in one transaction (generation speed is not what is measured)."""
    from axiosphere.survey.store import Store, now

    with Store.create(path, study_id="bench") as store, store.transaction("bench data") as db:
        stamp = now()
        for _ in range(n):
            local = db.execute(
                "INSERT INTO interviews (uuid, study_id, city, interviewer, device, language, seed, status, consent,"
                " started_at, ended_at, updated_at, item_order) VALUES (?, 'bench', 'orsha', 'iv', ?, 'ru', 1, 'complete',"
                " 1, ?, ?, ?, ?)", (str(uuid.uuid4()), store.device, stamp, stamp, stamp, json.dumps(items))).lastrowid
            db.execute("INSERT INTO interview_instruments VALUES (?, 0, 'pvq21', '1.0.0', 'h')", (local,))
            db.executemany("INSERT INTO answers VALUES (?, ?, 1, ?, NULL, 'answered', ?, ?)",
                           [(local, item, str(k % 6 + 1), stamp, stamp) for k, item in enumerate(items)])


def merge_speed(folder: Path, stores: int, interviews: int) -> dict[str, float]:
    from axiosphere.survey.merge import merge_stores
    from axiosphere.survey.store import Store

    items = [f"q{k}" for k in range(52)]
    paths = []
    for k in range(stores):
        path = folder / f"device{k}.sqlite"
        _device_store(path, interviews, items)
        paths.append(path)
    with Store.create(folder / "merged.sqlite", study_id="bench") as target:
        start = time.perf_counter()
        report = merge_stores(target, paths)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = merge_stores(target, paths)
        second = time.perf_counter() - start
    assert report.added["interviews"] == stores * interviews and again.added["answers"] == 0
    return {"stores": stores, "interviews_per_store": interviews, "answers_merged": report.added["answers"],
            "merge_s": round(first, 3), "merge_again_s": round(second, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--interviews", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    from axiosphere.survey.study import init_study

    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        folder = Path(tmp)
        init_study(folder / "study")
        results = {
            "startup": startup(folder / "study", options.runs),
            "commit_latency": commit_latency(folder),
            "merge": merge_speed(folder, options.stores, options.interviews),
        }
    goals = {"startup to first question under 0.3 s": results["startup"]["to_first_question_median_s"] < 0.3,
             "commit p99 under 10 ms": results["commit_latency"]["p99_ms"] < 10,
             "merge 50 x 1000 under 10 s": results["merge"]["merge_s"] < 10}
    write_results("fieldwork", goals, results)


if __name__ == "__main__":
    main()
