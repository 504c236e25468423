"""The response store: revisions, concurrent writers, bad files, and a full disk."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import uuid

import pytest

from conftest import run_cli
from axiosphere.instruments.errors import InputError
from axiosphere.survey.store import Store, StoreError


def new_store(tmp_path, study_id="s1"):
    return Store.create(tmp_path / "responses.sqlite", study_id=study_id)


def start(store, **kw):
    return store.start_interview(city="narva", interviewer="iv", language="ru", seed=1,
                                 instruments=[("mini", "0.1", "h")], item_order=["a", "b"], **kw)


def test_changing_an_answer_appends_a_revision(tmp_path):
    with new_store(tmp_path) as store:
        interview = start(store)
        assert store.answer(interview, "a", 1) == 1
        assert store.answer(interview, "a", 3) == 2
        store.mark_not_relevant(interview, ["a"])
        rows = store.db.execute("SELECT revision, value, status FROM answers ORDER BY revision").fetchall()
        assert rows == [(1, "1", "answered"), (2, "3", "answered"), (3, "null", "not_relevant")]
        assert store.current_answers(interview)["a"].status == "not_relevant"


def test_settings_that_keep_answers_safe(tmp_path):
    with new_store(tmp_path) as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_batch_of_synthetic_writes_is_one_commit_and_real_fieldwork_cannot_batch(tmp_path):
    with new_store(tmp_path) as store, pytest.raises(ValueError, match="before the next question"):
        with store.batch():
            pass
    with Store.create(tmp_path / "synthetic.sqlite", study_id="s1", durable=False) as store:
        with store.batch():
            interview = start(store)
            store.answer(interview, "a", 1)
            assert store.answer(interview, "a", 2) == 2
            assert store.db.in_transaction  # nothing committed yet
        assert not store.db.in_transaction
        with pytest.raises(RuntimeError), store.batch():
            store.answer(interview, "b", 1)
            raise RuntimeError("the simulation failed")
        rows = store.db.execute("SELECT item, revision FROM answers ORDER BY item, revision").fetchall()
        assert rows == [("a", 1), ("a", 2)]  # the failed batch left nothing behind
        store.answer(interview, "b", 5)  # and single commits work again afterwards
        assert not store.db.in_transaction


def test_reopening_keeps_device_and_study(tmp_path):
    with new_store(tmp_path) as store:
        device = store.device
        start(store)
    with Store.open(tmp_path / "responses.sqlite", study_id="s1") as again:
        assert again.device == device and len(again.interviews()) == 1


WRITER = textwrap.dedent("""
    import sys
    from axiosphere.survey.store import Store
    store = Store.open(sys.argv[1])
    interview = store.start_interview(city="narva", interviewer=sys.argv[2], language="ru", seed=1,
                                      instruments=[("mini", "0.1", "h")], item_order=["a"])
    for n in range(int(sys.argv[3])):
        store.answer(interview, f"q{n}", n)
    print(interview)
""")


def test_two_processes_writing_one_store_both_succeed(tmp_path):
    new_store(tmp_path).close()
    path = str(tmp_path / "responses.sqlite")
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, path, f"iv{k}", "300"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for k in range(2)]
    results = [w.communicate(timeout=120) for w in writers]
    assert all(w.returncode == 0 for w in writers), [r[1] for r in results]
    with Store.open(path) as store:
        counts = store.db.execute("SELECT interview, COUNT(*) FROM answers GROUP BY interview").fetchall()
    assert sorted(c for _, c in counts) == [300, 300]


def test_a_text_file_is_not_a_store(tmp_path):
    (tmp_path / "responses.sqlite").write_text("name,age\nx,1\n")
    with pytest.raises(InputError, match="not an SQLite file"):
        Store.open(tmp_path / "responses.sqlite")


def test_a_foreign_sqlite_file_is_not_a_store(tmp_path):
    db = sqlite3.connect(tmp_path / "other.sqlite")
    db.execute("CREATE TABLE people (name TEXT)")
    db.commit()
    db.close()
    with pytest.raises(InputError, match="not an axiosphere response store"):
        Store.open(tmp_path / "other.sqlite")


def test_a_damaged_store_is_reported(tmp_path):
    with new_store(tmp_path) as store:
        start(store)
    path = tmp_path / "responses.sqlite"
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged or not a response store"):
        Store.open(path)


def test_another_studys_store_is_refused(tmp_path):
    new_store(tmp_path, study_id="other-study").close()
    with pytest.raises(InputError, match="belongs to study 'other-study', not 's1'"):
        Store.open(tmp_path / "responses.sqlite", study_id="s1")


def test_a_store_from_a_newer_axiosphere_is_refused(tmp_path):
    with new_store(tmp_path) as store:
        store.db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(InputError, match="newer axiosphere"):
        Store.open(tmp_path / "responses.sqlite")


def test_cli_reports_a_damaged_store_in_one_line(tmp_path):
    run_cli("study", "init", str(tmp_path))
    (tmp_path / "responses.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = run_cli("survey", "status", str(tmp_path))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.fixture
def tiny_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_loses_nothing_already_saved(tiny_disk):
    store = Store.create(tiny_disk / "responses.sqlite", study_id="s1")
    interview = start(store)
    saved = 0
    with pytest.raises(StoreError, match="disk is full"):
        for n in range(100_000):
            store.answer(interview, f"q{n}", "x" * 200)
            saved += 1
    assert saved > 10
    store.close()
    (tiny_disk / "filler").unlink(missing_ok=True)
    with Store.open(tiny_disk / "responses.sqlite") as again:
        answers = again.current_answers(interview)
        assert len(answers) == saved, "every answer reported saved is there, and the failed one is not"


def test_a_failing_write_raises_store_error_and_leaves_the_store_unchanged(tmp_path, monkeypatch):
    store = new_store(tmp_path)
    interview = start(store)
    store.answer(interview, "a", 1)
    real = store.db

    class Failing:
        def __getattr__(self, name):
            return getattr(real, name)

        def execute(self, sql, *args):
            if sql.startswith("INSERT INTO answers"):
                raise sqlite3.OperationalError("disk I/O error")
            return real.execute(sql, *args)

    monkeypatch.setattr(store, "db", Failing())
    with pytest.raises(StoreError, match="cannot save the answer to b in "):
        store.answer(interview, "b", 2)
    monkeypatch.undo()
    assert set(store.current_answers(interview)) == {"a"}
    assert store.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
    store.close()


def test_the_device_is_the_machine_not_the_folder(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "laptop-a"))
    (tmp_path / "a").mkdir()
    with new_store(tmp_path / "a") as store:
        first = store.interview(start(store)).device
    shutil.copytree(tmp_path / "a", tmp_path / "b")        # the study folder copied to a second laptop
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "laptop-b"))
    with Store.open(tmp_path / "b" / "responses.sqlite") as store:
        second = store.interview(start(store)).device
    assert first != second, "two laptops label their interviews apart"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "laptop-a"))
    with Store.open(tmp_path / "a" / "responses.sqlite") as store:
        assert store.interview(start(store)).device == first, "one laptop keeps its id"
