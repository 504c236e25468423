"""A whole interview driven through questionary's own pipe input, checking every stored row."""

from __future__ import annotations

import io
import shutil

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from conftest import DATA
from axiosphere.survey.interview import Flow
from axiosphere.survey.prompts import TerminalScreen
from axiosphere.survey.session import resume, start
from axiosphere.survey.store import Store
from axiosphere.survey.study import init_study, load_study

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def mini(tmp_path):
    shutil.copy(DATA / "mini.yaml", tmp_path / "mini.yaml")
    text = (DATA / "mini-study.yaml").read_text(encoding="utf-8")
    (tmp_path / "study.yaml").write_text(text, encoding="utf-8")
    return load_study(tmp_path)


def drive(study, city, keys, *, seed=1, language=None):
    """Run one interview with ``keys`` typed, chunk by chunk, as a fieldworker would."""
    with create_pipe_input() as pipe, Store.for_study(study.folder, study.id, create=True) as store:
        screen = TerminalScreen(input=pipe, output=DummyOutput(), echo=io.StringIO())
        for chunk in keys:
            pipe.send_text(chunk)
        outcome = start(store, Flow(study, city, seed=seed, language=language), screen, interviewer="iv7")
        rows = store.db.execute("SELECT item, revision, value, missing, status FROM answers ORDER BY answered_at, revision").fetchall()
        return outcome, rows, store.interview(outcome.interview), [f"[{k}/{n}]" for k, n, _ in screen.shown]


def test_full_interview_with_skip_logic_dont_know_and_back(mini):
    keys = [
        "y\r",        # consent
        "2\r",        # sex: female
        "1\r",        # aware: yes  -> t1 becomes relevant
        "3\r",        # t1: agree
        "<",          # back to t1 ...
        "<",          # ... and back to aware
        "2\r",        # aware: no   -> t1 no longer relevant
        "d\r",        # t2: don't know
        "1\r",        # t3
        "f",          # the review screen: finish
    ]
    outcome, rows, record, progress = drive(mini, "narva", keys)
    assert outcome.status == "complete"
    assert rows == [
        ("sex", 1, "2", None, "answered"),
        ("aware", 1, "1", None, "answered"),
        ("t1", 1, "3", None, "answered"),
        ("aware", 2, "2", None, "answered"),
        ("t1", 2, "null", None, "not_relevant"),
        ("t2", 1, "8", "dont_know", "answered"),
        ("t3", 1, "1", None, "answered"),
    ]
    assert record.status == "complete" and record.consent and record.ended_at is not None
    assert record.interviewer == "iv7" and record.city == "narva" and record.language == "ru"
    assert record.item_order == ("sex", "aware", "t1", "t2", "t3")
    # Progress counts the questions relevant so far: t1 joins when aware = yes and leaves when it is no.
    assert progress == ["[1/4]", "[2/4]", "[3/5]", "[4/5]", "[3/5]", "[2/5]", "[3/4]", "[4/4]"]


def test_refusal_stores_only_a_refusal_record(mini):
    outcome, rows, record, _ = drive(mini, "narva", ["n\r"])
    assert outcome.status == "refused" and rows == []
    assert record.status == "refused" and not record.consent and record.ended_at


def test_ctrl_c_pauses_and_resume_continues_at_first_unanswered(mini):
    outcome, rows, record, _ = drive(mini, "narva", ["y\r", "1\r", "\x03", "p\r"])
    assert outcome.status == "paused"
    assert [r[0] for r in rows] == ["sex"]
    with create_pipe_input() as pipe, Store.for_study(mini.folder, mini.id) as store:
        assert [r.uuid for r in store.resumable()] == [outcome.interview]
        pipe.send_text("1\r")
        pipe.send_text("2\r")
        pipe.send_text("2\r")
        pipe.send_text("d\r")
        pipe.send_text("f")
        screen = TerminalScreen(input=pipe, output=DummyOutput(), echo=io.StringIO())
        done = resume(store, mini, screen, interview=outcome.interview)
        assert done.status == "complete"
        answers = store.current_answers(outcome.interview)
        assert {k: (a.value, a.missing) for k, a in answers.items()} == {
            "sex": (1, None), "aware": (1, None), "t1": (2, None), "t2": (2, None), "t3": (8, "dont_know")
        }
        kinds = [k for (k,) in store.db.execute("SELECT kind FROM events ORDER BY at")]
        assert kinds == ["in_progress", "paused", "resume", "in_progress", "complete"]


def test_ctrl_d_is_handled_like_ctrl_c(mini):
    outcome, rows, record, _ = drive(mini, "narva", ["y\r", "\x04", "a\r", "y\r"])
    assert outcome.status == "abandoned" and record.status == "abandoned"


def test_second_ctrl_c_pauses_safely(mini):
    outcome, _, record, _ = drive(mini, "narva", ["y\r", "\x03", "\x03"])
    assert outcome.status == "paused" and record.status == "paused"


def test_full_bundled_study_in_russian_with_randomised_block(tmp_path):
    study = load_study(init_study(tmp_path / "s"))
    flow = Flow(study, "orsha", seed=11)
    keys = ["y\r"]
    for step in flow.steps:
        item = step.item
        if item.type == "number":
            keys.append("40\r")
        elif item.type == "multi":
            keys.append("1\r")  # tick the first twin town
        elif item.id == "ttaware":
            keys.append("1\r")
        elif item.type == "choice":
            keys.append("1\r")
        else:
            keys.append("2\r")
    keys.append("f")
    outcome, rows, record, _ = drive(study, "orsha", keys, seed=11)
    assert outcome.status == "complete"
    stored = {r[0]: r for r in rows}
    assert len(stored) == len(flow.steps) == 52
    cooperation = [i for i in record.item_order if i.startswith("tc")]
    assert cooperation == [s.item.id for s in flow.steps if s.section.id == "cooperation"]
    assert cooperation != sorted(cooperation, key=["tcclt", "tcedu", "tcyth", "tcecn", "tcsci", "tcdgt", "tcspt"].index), \
        "seed 11 shuffles the block"
    assert stored["ttwhich"][2] == "[2]", "the first twin of Orsha is Smolensk, city code 2"
    assert stored["agea"][2] == "40"
    assert Flow(study, "orsha", seed=11).order == list(record.item_order), "the order is rebuilt from the seed"


def test_ctrl_c_at_consent_stores_nothing(mini):
    with create_pipe_input() as pipe, Store.for_study(mini.folder, mini.id, create=True) as store:
        pipe.send_text("\x03")
        screen = TerminalScreen(input=pipe, output=DummyOutput(), echo=io.StringIO())
        outcome = start(store, Flow(mini, "narva", seed=1), screen, interviewer="iv7")
        assert outcome.status == "not_started"
        assert store.interviews() == []


def test_ctrl_c_between_screens_gives_the_menu_and_keeps_every_answer(mini):
    from axiosphere.survey.simulate import ScriptedScreen

    with Store.for_study(mini.folder, mini.id, create=True) as store:
        real, calls = store.answer, []

        def answer_then_signal(*args, **kwargs):
            revision = real(*args, **kwargs)
            calls.append(args[1])
            if len(calls) == 2:
                raise KeyboardInterrupt  # Ctrl-C after the commit, before the next screen is drawn
            return revision

        store.answer = answer_then_signal
        screen = ScriptedScreen(lambda q: 1, on_interrupt="pause")
        outcome = start(store, Flow(mini, "narva", seed=1), screen, interviewer="iv7")
        assert outcome.status == "paused"
        assert set(store.current_answers(outcome.interview)) == {"sex", "aware"}, "both committed answers kept"
        assert store.interview(outcome.interview).status == "paused"


def test_enter_without_a_selection_stores_nothing(mini):
    outcome, rows, record, progress = drive(mini, "narva", ["\r", "y\r", "\r", "x", "\r", "2\r", "\x03", "p\r"])
    assert outcome.status == "paused" and record.consent
    assert rows == [("sex", 1, "2", None, "answered")], "Enter alone and an unknown key stored nothing"
    assert progress[:2] == ["[1/4]", "[2/4]"], "the messages came on the same screen; nothing moved on"


def test_a_text_answer_can_be_refused_with_tab_and_numbers_with_r(tmp_path):
    from fieldwork_helpers import mini_study

    study = mini_study(tmp_path, items="      - id: note\n        type: text\n"
                                        "        text: {en: \"Anything else?\", ru: \"Что-то ещё?\"}\n"
                                        "        missing:\n          refused: {code: 99, label: {en: Refused, ru: Отказ}}\n"
                                        "      - {id: yrs, type: number, min: 0, max: 90, text: {en: \"Years?\", ru: \"Лет?\"},"
                                        " missing: {dont_know: {code: 98, label: {en: \"Don't know\", ru: Не знаю}}}}\n")
    outcome, rows, _, _ = drive(study, "narva", ["y\r", "1\r", "2\r", "\t\r", "в\r", "2\r", "1\r", "f"])
    assert outcome.status == "complete"
    stored = {r[0]: (r[2], r[3]) for r in rows}
    assert stored["note"] == ("99", "refused") and stored["yrs"] == ("98", "dont_know")


def test_the_ambiguous_cyrillic_key_at_consent_chooses_nothing(mini):
    """н is the y key's place in the Russian layout and the first letter of нет: it must not record a refusal."""
    with create_pipe_input() as pipe, Store.for_study(mini.folder, mini.id, create=True) as store:
        pipe.send_text("н\r\x03")
        screen = TerminalScreen(input=pipe, output=DummyOutput(), echo=io.StringIO())
        outcome = start(store, Flow(mini, "narva", seed=1), screen, interviewer="iv7")
        assert outcome.status == "not_started" and store.interviews() == [], "neither consent nor a refusal"
    outcome, rows, record, _ = drive(mini, "narva", ["т\r"])
    assert outcome.status == "refused" and rows == []
