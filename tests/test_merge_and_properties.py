"""Merging stores, and properties of fieldwork over random answer sequences (hypothesis)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from fieldwork_helpers import mini_study, simulate
from axiosphere.instruments.errors import InputError
from axiosphere.survey.export import build_table
from axiosphere.survey.interview import Flow
from axiosphere.survey.merge import merge_stores
from axiosphere.survey.session import BACK, Interrupted, resume, start
from axiosphere.survey.simulate import ScriptedScreen
from axiosphere.survey.store import Store

TABLES = ["interviews", "interview_instruments", "answers", "events"]


def dump(store: Store) -> dict[str, list]:
    """Every row, with interviews named by UUID (local integer ids differ from store to store)."""
    out = {"interviews": sorted(store.db.execute(
        "SELECT uuid, study_id, city, interviewer, device, language, second_language, seed, status, consent, "
        "started_at, ended_at, updated_at, item_order, digest FROM interviews").fetchall(), key=repr)}
    for table in TABLES[1:]:
        rows = store.db.execute(f"SELECT i.uuid, t.* FROM {table} t JOIN interviews i ON i.id = t.interview")
        out[table] = sorted((row[0], *row[2:]) for row in rows)
    return out


def device_store(folder: Path, study, n: int, seed: int) -> Path:
    folder.mkdir(parents=True)
    with Store.create(folder / "responses.sqlite", study_id=study.id) as store:
        simulate(study, store, n, seed=seed)
    return folder / "responses.sqlite"


def test_merge_adds_everything_once_and_reports_it(tmp_path):
    study = mini_study(tmp_path / "study")
    a = device_store(tmp_path / "a", study, 5, seed=1)
    b = device_store(tmp_path / "b", study, 4, seed=2)
    with Store.for_study(study.folder, study.id, create=True) as target:
        first = merge_stores(target, [a, b])
        assert first.added["interviews"] == 9 and first.differences == []
        again = merge_stores(target, [a, b])
        assert again.added == {t: 0 for t in TABLES}, "merging twice changes nothing"
        assert len(target.interviews()) == 9


def _device_and_copy(tmp_path, interviews):
    """A study, one device's store of ``interviews`` interviews, and a second device holding a copy of it."""
    study = mini_study(tmp_path / "study")
    a = device_store(tmp_path / "a", study, interviews, seed=1)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    return study, a, tmp_path / "b" / "responses.sqlite"


def test_merge_reports_an_interview_that_differs_and_keeps_the_later_copy(tmp_path):
    study, a, b = _device_and_copy(tmp_path, 1)
    with Store.open(b) as copy:
        (record,) = copy.interviews()
        copy.set_status(record.uuid, "abandoned")
    with Store.for_study(study.folder, study.id, create=True) as target:
        merge_stores(target, [a])
        report = merge_stores(target, [b])
        assert len(report.differences) == 1 and "differs between stores" in report.differences[0]
        assert target.interviews()[0].status == "abandoned"


def test_bad_sources_leave_the_store_unchanged(tmp_path):
    study = mini_study(tmp_path / "study")
    good = device_store(tmp_path / "a", study, 2, seed=1)
    other = mini_study(tmp_path / "other")
    (tmp_path / "other" / "study.yaml").write_text(
        (tmp_path / "other" / "study.yaml").read_text().replace("id: mini-study", "id: another"))
    with Store.create(tmp_path / "other" / "responses.sqlite", study_id="another") as foreign:
        foreign.start_interview(city="narva", interviewer="x", language="ru", seed=1, instruments=[], item_order=[])
    (tmp_path / "junk.sqlite").write_text("not a database")
    with Store.for_study(study.folder, study.id, create=True) as target:
        before = dump(target)
        for bad in (tmp_path / "other" / "responses.sqlite", tmp_path / "junk.sqlite", tmp_path / "missing.sqlite"):
            with pytest.raises(InputError):
                merge_stores(target, [good, bad])
        assert dump(target) == before
    done = run_cli("data", "merge", str(study.folder), str(tmp_path / "junk.sqlite"))
    assert done.returncode == 2 and "not a response store" in done.stderr


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(1, 6), st.integers(0, 99)), min_size=2, max_size=4), st.permutations(range(4)))
def test_merge_is_idempotent_and_order_independent(devices, order):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        study = mini_study(tmp / "study")
        paths = [device_store(tmp / f"d{k}", study, n, seed) for k, (n, seed) in enumerate(devices)]
        ordered = [paths[i] for i in order if i < len(paths)]
        results = []
        for name, sequence in (("forward", paths), ("shuffled", ordered), ("one-by-one", list(reversed(paths)))):
            with Store.create(tmp / f"{name}.sqlite", study_id=study.id) as target:
                if name == "one-by-one":
                    for path in sequence:
                        merge_stores(target, [path])
                else:
                    merge_stores(target, sequence)
                merge_stores(target, sequence)
                results.append(dump(target))
        assert results[0] == results[1] == results[2]
        assert len(results[0]["interviews"]) == sum(n for n, _ in devices)


ACTIONS = st.lists(st.one_of(st.tuples(st.just("answer"), st.integers(0, 9)), st.just(("back",)), st.just(("pause",))),
                   max_size=25)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ACTIONS)
def test_export_equals_the_answers_last_given(actions):
    with tempfile.TemporaryDirectory() as tmp:
        study = mini_study(Path(tmp))
        given_last: dict[str, object] = {}
        queue = list(actions)

        def policy(question):
            while queue:
                action = queue.pop(0)
                if action[0] == "back":
                    return BACK
                if action[0] == "pause":
                    raise Interrupted
                options = [o.value for o in question.options]
                value = options[action[1] % len(options)]
                given_last[question.item] = value
                return value
            value = question.options[0].value
            given_last[question.item] = value
            return value

        with Store.for_study(study.folder, study.id, create=True) as store:
            flow = Flow(study, "narva", seed=1)
            outcome = start(store, flow, ScriptedScreen(policy), interviewer="h")
            while outcome.status == "paused":
                outcome = resume(store, study, ScriptedScreen(policy), interview=outcome.interview)
            assert outcome.status == "complete"
            row = build_table(study, store).frame.iloc[0]
        expected = dict(given_last)
        if expected.get("aware") != 1:
            expected.pop("t1", None)  # t1 is asked only of those who know their neighbours
        for item in ("sex", "aware", "t1", "t2", "t3"):
            cell = row[item]
            if item in expected:
                assert cell == expected[item], (item, actions)
            else:
                assert pd.isna(cell), (item, cell)


def _digests(store: Store) -> dict[str, int]:
    return dict(store.db.execute("SELECT uuid, digest FROM interviews"))


def test_each_interview_keeps_a_digest_of_its_rows_whoever_writes(tmp_path):
    from axiosphere.survey.schema import recompute_digests

    study = mini_study(tmp_path / "study")
    path = device_store(tmp_path / "a", study, 3, seed=4)
    with Store.open(path) as store:
        record = store.interviews()[0]
        store.answer(record.uuid, "extra", 5)
        store.mark_not_relevant(record.uuid, ["extra"])
        store.log(record.uuid, "back", "extra")
        kept = _digests(store)
        assert len(set(kept.values())) == 3 and all(kept.values())
        with store.transaction("a recomputation") as db:
            recompute_digests(db)
        assert _digests(store) == kept, "triggers keep what the rows give"


def test_a_merge_skips_identical_interviews_and_still_takes_a_new_answer_to_a_shared_one(tmp_path):
    study, a, b = _device_and_copy(tmp_path, 4)
    with Store.open(b) as copy:
        record = copy.interviews()[0]
        copy.db.execute("UPDATE interviews SET updated_at = ? WHERE uuid = ?", (record.updated_at, record.uuid))
        copy.log(record.uuid, "note", "written on the second device only")
    with Store.for_study(study.folder, study.id, create=True) as target:
        merge_stores(target, [a])
        report = merge_stores(target, [b])
        assert report.added["events"] >= 1, "an interview whose row matches but whose rows do not is still merged"
        with Store.open(b) as copy:
            assert dump(target)["events"] == dump(copy)["events"] and _digests(target) == _digests(copy)
        assert merge_stores(target, [b]).added == {t: 0 for t in TABLES}


def test_a_store_of_schema_2_gets_its_digests_on_opening(tmp_path):
    import sqlite3

    study = mini_study(tmp_path / "study")
    path = device_store(tmp_path / "a", study, 3, seed=6)
    with Store.open(path) as store:
        expected = _digests(store)
    old = sqlite3.connect(path)
    for (name,) in old.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        old.execute(f"DROP TRIGGER {name}")
    old.execute("ALTER TABLE interviews DROP COLUMN digest")
    old.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    old.commit()
    old.close()
    with Store.open(path) as store:
        assert _digests(store) == expected


def test_after_a_merge_new_answers_still_update_the_digest(tmp_path):
    from axiosphere.survey.schema import recompute_digests

    study = mini_study(tmp_path / "study")
    a = device_store(tmp_path / "a", study, 2, seed=8)
    with Store.for_study(study.folder, study.id, create=True) as target:
        merge_stores(target, [a])
        record = target.interviews()[0]
        target.answer(record.uuid, "late", 3)
        kept = _digests(target)
        with target.transaction("a recomputation") as db:
            recompute_digests(db)
        assert _digests(target) == kept
