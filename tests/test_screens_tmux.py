"""The interview screens in a real 80x24 terminal, as a fieldworker uses them: nothing is stored
without an explicit choice, keys work in the Latin and the Russian layout, 0-10 takes two digits,
numbers can be refused, every question is shown whole, a review comes before completion, Ctrl-C
gives the menu, and storage faults are one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid

import pytest

from axiosphere.survey.interview import Flow
from axiosphere.survey.store import Store
from axiosphere.survey.study import init_study, load_study
from test_survey_tmux import Terminal

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
    pytest.mark.timeout(240),
]


class SmallTerminal(Terminal):
    def __init__(self, command: str):
        self.name = f"axio-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "80", "-y", "24", command], check=True)


def _run(folder, city: str, seed: int = 5) -> SmallTerminal:
    return SmallTerminal(f"{sys.executable} -m axiosphere survey run {folder} --city {city} --interviewer iv1 "
                         f"--seed {seed}; sleep 60")


def _answers(folder) -> dict[str, tuple[str, str | None]]:
    with Store.open(folder / "responses.sqlite") as store:
        (record,) = store.interviews()
        return {k: (a.value, a.missing) for k, a in store.current_answers(record.uuid).items() if a.status == "answered"}


def test_nothing_is_stored_without_a_choice_and_every_key_layout_works(tmp_path):
    folder = tmp_path / "s"
    study = load_study(init_study(folder))
    steps = Flow(study, "minsk-mazowiecki", seed=5).steps
    term = _run(folder, "minsk-mazowiecki")
    try:
        screen = term.wait_for("agree to take part")
        term.keys("Enter")                               # Enter alone on consent: a message, no consent
        term.wait_for("Choose an answer first")
        term.keys("y", "Enter")
        term.wait_for("[1/")
        term.keys("3")                                   # no answer 3 on sex: a message, nothing selected
        term.wait_for("There is no answer 3 here")
        term.keys("d")                                   # sex has no don't-know code
        term.wait_for("no \"don't know\" answer")
        term.keys("Enter")
        screen = term.wait_for("Choose an answer first")
        assert "[1/" in screen, "still on the first question"
        term.keys("2", "Enter")
        term.wait_for("How old are you?")
        term.keys("к", "Enter")                          # Russian layout: к is the r key -> refused
        screen = term.wait_for("Thinking up new ideas")  # the first portrait, whole, in both languages
        assert "She likes to do" in screen or "He likes to do" in screen
        assert "оригинально." in screen, "the second language is shown in full"
        assert all(len(line) <= 80 for line in screen.splitlines())
        term.keys("в", "Enter")                          # Russian layout: в is the d key -> don't know
        term.wait_for("[4/")
        term.keys("б")                                   # Russian layout: б is < -> back
        term.wait_for("[3/")
        term.keys("Enter")                               # the answer given before is selected: Enter keeps it
        term.wait_for("[4/")
        for step in steps[3:25]:                         # the rest of the portraits and demographics
            term.keys("40" if step.item.type == "number" else "2", "Enter")
        term.wait_for("[26/")                            # ppltrst, 0-10
        term.keys("1", "0", "Enter")                     # 1 then 0 is 10, not 0
        term.wait_for("[27/")
        term.keys("t", "Enter")                          # t is 10 too
        term.wait_for("[28/")
        term.keys("C-c")
        term.wait_for("Interview interrupted")
        term.keys("c", "Enter")                          # continue: back on the same question
        term.wait_for("[28/")
        term.keys("0", "Enter")
        term.wait_for("[29/")
    finally:
        term.close()
    answers = _answers(folder)
    assert answers["gndr"] == (2, None)
    assert answers["agea"] == (777, "refused"), "a number can be refused"
    assert answers["ipcrtiv"] == (8, "dont_know")
    assert answers["ppltrst"] == (10, None) and answers["pplfair"] == (10, None) and answers["pplhlp"] == (0, None)
    assert "trstlcg" not in answers, "the question on screen at the end was never answered"


def test_russian_screens_review_and_jump_before_finishing(tmp_path):
    folder = tmp_path / "s"
    study = load_study(init_study(folder))
    steps = Flow(study, "orsha", seed=2).steps
    term = _run(folder, "orsha", seed=2)
    try:
        term.wait_for("Согласен ли респондент участвовать?")
        term.keys("д", "Enter")                          # д(а)
        for n, step in enumerate(steps, 1):
            term.wait_for(f"[{n}/")
            item = step.item
            keys = {"number": "40", "multi": "1"}.get(item.type, "1" if item.type == "choice" else "2")
            term.keys(keys, "Enter")
        screen = term.wait_for("Проверка")
        assert "завершить" in screen, "the review's keys in Russian"
        term.keys("1", "Enter")                          # jump to question 1 and change it
        term.wait_for("[1/")
        term.keys("2", "Enter")
        term.wait_for("Проверка")
        with Store.open(folder / "responses.sqlite") as store:
            assert store.interviews()[0].status == "in_progress", "not complete before the review is confirmed"
        term.keys("а")                                   # а is the f key in the Russian layout
        term.wait_for("Interview complete")
    finally:
        term.close()
    with Store.open(folder / "responses.sqlite") as store:
        (record,) = store.interviews()
        assert record.status == "complete"
        revisions = store.db.execute("SELECT revision FROM answers WHERE item = 'gndr' ORDER BY revision").fetchall()
    assert revisions == [(1,), (2,)] and _answers(folder)["gndr"] == (2, None)


@pytest.fixture
def read_only_folder(tmp_path):
    mount = tmp_path / "ro"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.mark.parametrize("existing", [False, True], ids=["new store", "existing store"])
def test_a_read_only_store_is_one_clear_line_and_exit_2(read_only_folder, existing):
    folder = read_only_folder / "s"
    design = load_study(init_study(folder))
    if existing:
        Store.create(folder / "responses.sqlite", study_id=design.id).close()
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_folder)], check=True)
    term = SmallTerminal(f"{sys.executable} -m axiosphere survey run {folder} --city orsha --interviewer iv1; "
                         "echo exit=$?; sleep 30")
    try:
        screen = term.wait_for("exit=")
    finally:
        term.close()
    text = "".join(screen.split("\n"))  # the pane breaks long lines at 80 columns
    assert "exit=2" in screen and "read-only" in text and "Traceback" not in screen, screen
    assert "internal failure" not in screen and screen.count("error:") == 1
