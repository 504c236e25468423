"""The demo's interviewers work on devices of their own: the same rows whether their devices run in one process
or in parallel processes merged afterwards, and every interview is in the study's store once."""

from __future__ import annotations

import sqlite3

import pytest

from axiosphere.survey.demo import generate, load_model
from axiosphere.survey.store import STORE_FILE, Store
from axiosphere.survey.study import init_study, load_study


def _rows(path):
    with sqlite3.connect(path) as db:
        interviews = db.execute("SELECT COUNT(*), COUNT(DISTINCT uuid) FROM interviews").fetchone()
        answers = sorted(db.execute(
            "SELECT i.city, i.interviewer, a.item, a.value, a.shown_at FROM answers a JOIN interviews i ON i.id = a.interview"
        ).fetchall(), key=repr)
    return interviews, answers


@pytest.mark.timeout(300)
def test_parallel_devices_give_the_rows_of_one_process(tmp_path):
    found = {}
    for workers in (1, 2):
        folder = tmp_path / f"w{workers}"
        init_study(folder, force=True)
        design = load_study(folder)
        with Store.create(folder / STORE_FILE, study_id=design.id, durable=False) as store:
            count = generate(design, store, model=load_model(), scale=0.15, workers=workers)
        found[workers] = (count, *_rows(folder / STORE_FILE))
        assert not list(folder.glob(".devices-*")), "the devices' stores are removed after the merge"
    (count1, interviews1, answers1), (count2, interviews2, answers2) = found[1], found[2]
    assert count1 == count2 == interviews1[0] == interviews2[0] == interviews2[1] > 200
    assert answers1 == answers2
