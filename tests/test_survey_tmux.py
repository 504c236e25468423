"""`axiosphere survey run` in a real terminal (tmux), killed with SIGKILL mid-interview and resumed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from conftest import DATA
from axiosphere.survey.store import Store

pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
    pytest.mark.timeout(120),
]


class Terminal:
    """A tmux session running one command, read and typed into as a fieldworker would."""

    def __init__(self, command: str, env: dict[str, str]):
        self.name = f"axio-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "120", "-y", "40", command], check=True, env=env)

    def screen(self) -> str:
        done = subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True)
        return done.stdout

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"'{text}' never appeared; the screen shows:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def study_dir(tmp_path):
    shutil.copy(DATA / "mini.yaml", tmp_path / "mini.yaml")
    shutil.copy(DATA / "mini-study.yaml", tmp_path / "study.yaml")
    return tmp_path


def _wait_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process {pid} survived SIGKILL")


def _axiosphere(study_dir, *args: str) -> str:
    # `; sleep` keeps the pane open so the last screen can still be read.
    return f"{sys.executable} -m axiosphere {' '.join(args)} ; sleep 30"


def test_sigkill_mid_interview_then_resume_keeps_every_answer_once(study_dir):
    env = dict(os.environ)
    run = Terminal(_axiosphere(study_dir, "survey", "run", str(study_dir), "--city", "narva", "--interviewer", "iv1", "--seed", "3"), env)
    try:
        run.wait_for("Согласен ли респондент участвовать?")
        run.keys("y", "Enter")
        run.wait_for("[1/4]")
        run.keys("2", "Enter")          # sex: female
        run.wait_for("[2/4]")
        run.keys("1", "Enter")          # aware: yes
        run.wait_for("[3/5]")
        run.keys("3", "Enter")          # t1: agree
        run.wait_for("[4/5]")           # t2 on screen: everything before it is committed
        pids = subprocess.run(["pgrep", "-f", f"survey run {study_dir}"], capture_output=True, text=True).stdout.split()
        assert pids, "the interview process is running"
        for pid in pids:
            os.kill(int(pid), signal.SIGKILL)
        for pid in pids:
            _wait_gone(int(pid))
    finally:
        run.close()

    with Store.open(study_dir / "responses.sqlite") as store:
        (record,) = store.interviews()
        assert record.status == "in_progress" and record.crashed, "a killed interview is detected"

    status = subprocess.run([sys.executable, "-m", "axiosphere", "survey", "status", str(study_dir), "--json"],
                            capture_output=True, text=True)
    assert '"crashed": 1' in status.stdout

    resume = Terminal(_axiosphere(study_dir, "survey", "resume", str(study_dir)), env)
    try:
        resume.wait_for("[4/5]")        # straight back to t2, the first unanswered question
        resume.keys("d", "Enter")       # t2: don't know
        resume.wait_for("[5/5]")
        resume.keys("1", "Enter")       # t3
        resume.wait_for("Проверка: 5")  # the review screen, in the interview's language
        resume.keys("f")
        screen = resume.wait_for("Interview complete")
        assert "Traceback" not in screen
    finally:
        resume.close()

    with Store.open(study_dir / "responses.sqlite") as store:
        (record,) = store.interviews()
        assert record.status == "complete"
        rows = store.db.execute("SELECT item, revision, value, missing FROM answers ORDER BY answered_at, revision").fetchall()
    assert rows == [
        ("sex", 1, "2", None), ("aware", 1, "1", None), ("t1", 1, "3", None),
        ("t2", 1, "8", "dont_know"), ("t3", 1, "1", None),
    ], "every answer given before the kill is there exactly once"


def test_survey_run_refuses_without_a_terminal(study_dir):
    done = subprocess.run([sys.executable, "-m", "axiosphere", "survey", "run", str(study_dir), "--city", "narva",
                           "--interviewer", "iv1"], stdin=subprocess.DEVNULL, capture_output=True, text=True)
    assert done.returncode == 2
    assert "needs an interactive terminal" in done.stderr and "Traceback" not in done.stderr
