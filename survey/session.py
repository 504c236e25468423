"""Running one interview: ask, commit, move on; back-steps, pauses and resumes.

The loop commits every answer before the next question is built, so an
interview killed at any moment loses at most the question on screen. The screen
is anything with the ``Screen`` methods: the terminal one in
:mod:`survey.prompts`, or a scripted one in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from axiosphere.instruments.errors import InputError
from axiosphere.survey.interview import Flow, Question
from axiosphere.survey.records import Answer
from axiosphere.survey.store import Store


class _Back:
    def __repr__(self) -> str:
        return "BACK"


BACK: Any = _Back()


class Interrupted(Exception):
    """The fieldworker pressed Ctrl-C or Ctrl-D."""


@dataclass(frozen=True)
class ReviewEntry:
    """One question on the review screen: where it is in the flow, its text and the answer given."""

    index: int
    item: str
    text: str
    answer: str


class Screen(Protocol):
    def consent(self, text: str) -> bool: ...
    def ask(self, question: Question) -> Any: ...
    def interrupted(self) -> str: ...
    def review(self, entries: list[ReviewEntry]) -> Any: ...
    def say(self, message: str) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """How an interview run ended."""

    interview: str
    status: str
    answered: int


CONSENT = {
    "en": ("Introduce yourself and the study, explain that taking part is voluntary, that any question may be "
           "left unanswered and that answers are kept confidential and analysed only in aggregate."),
    "ru": ("Представьтесь и расскажите об исследовании. Объясните, что участие добровольное, на любой вопрос "
           "можно не отвечать, а ответы конфиденциальны и анализируются только в обобщённом виде."),
}


def start(store: Store, flow: Flow, screen: Screen, *, interviewer: str, pilot: bool = False) -> Outcome:
    """Ask for consent, record the interview (or the refusal), and run it."""
    try:
        agreed = screen.consent(CONSENT.get(flow.language, CONSENT["en"]))
    except (Interrupted, KeyboardInterrupt):
        return Outcome("", "not_started", 0)  # consent was never given or refused: nothing to record
    interview = store.start_interview(
        city=flow.city.id, interviewer=interviewer, language=flow.language, second_language=flow.second_language,
        seed=flow.seed, instruments=flow.instrument_specs(), item_order=flow.order, consent=agreed, pilot=pilot,
    )
    if not agreed:
        return Outcome(interview, "refused", 0)
    return run(store, flow, screen, interview=interview)


def resume(store: Store, study: Any, screen: Screen, *, interview: str) -> Outcome:
    """Continue an interview at its first unanswered question."""
    record = store.interview(interview)
    if record.status in ("complete", "abandoned", "refused"):
        raise InputError(f"interview {interview} is {record.status} and cannot be resumed")
    flow = Flow(study, record.city, seed=record.seed, language=record.language,
                second_language=record.second_language, order=record.item_order)
    store.log(interview, "resume", "after a crash" if record.crashed else "")
    store.set_status(interview, "in_progress")
    return run(store, flow, screen, interview=interview)


def run(store: Store, flow: Flow, screen: Screen, *, interview: str, at: int | None = None) -> Outcome:
    """Ask from ``at`` (default: the first unanswered question) to the end, committing each answer,
    then show the review screen; the interview is complete only when the review is confirmed."""
    answers = store.current_answers(interview)
    i = flow.resume_at(answers) if at is None else at
    reviewing = False
    while True:
        try:
            if i is None:
                choice = screen.review(review_entries(flow, answers))
                if choice == "finish":
                    break
                i, reviewing = choice, True
                continue
            question = flow.question(i, answers)
            shown = store.clock()
            result = screen.ask(question)
            if result is BACK:
                previous = flow.previous(i, answers)
                store.log(interview, "back", question.item)
                i = previous if previous is not None else i
                continue
            problem = flow.check(i, result)
            if problem:
                screen.say(problem)
                continue
            current = answers.get(question.item)
            unchanged = current is not None and current.status == "answered" and current.value == result
            if not unchanged:
                missing, status = flow.missing_kind(i, result), "skipped" if result is None else "answered"
                revision = store.answer(interview, question.item, result, missing=missing, status=status, shown_at=shown)
                answers = {**answers, question.item: Answer(question.item, result, missing, status, revision, shown, shown)}
                stale = flow.no_longer_relevant(answers)
                if stale:
                    store.mark_not_relevant(interview, stale)
                    answers = store.current_answers(interview)
            # From the review, a changed answer leads back to it (or to a question it made relevant).
            i = flow.resume_at(answers) if reviewing else flow.next(i, answers)
        except (Interrupted, KeyboardInterrupt):
            # Ctrl-C at any moment, on a screen or between two: the same menu, every answer so far kept.
            choice = _after_interrupt(screen)
            if choice == "continue":
                continue
            where = flow.steps[i].item.id if i is not None else "review"
            store.set_status(interview, "paused" if choice == "pause" else "abandoned", detail=where)
            return Outcome(interview, "paused" if choice == "pause" else "abandoned", _count(answers))
    store.set_status(interview, "complete")
    return Outcome(interview, "complete", _count(answers))


def review_entries(flow: Flow, answers: dict[str, Answer]) -> list[ReviewEntry]:
    """The questions skip logic asks, in order, with the answer given to each (as its label)."""
    entries = []
    hidden = flow.hidden(answers)
    for i in flow.relevant_steps(answers, hidden=hidden):
        question = flow.question(i, answers, hidden=hidden)
        given = answers.get(question.item)
        if given is None or given.status != "answered":
            label = "—"
        elif isinstance(given.value, list):
            label = ", ".join(o.label for o in question.options if o.value in given.value) or "—"
        else:
            label = next((o.label for o in question.options if o.value == given.value), None) or str(given.value)
        entries.append(ReviewEntry(i, question.item, question.text or question.item, label))
    return entries


def _after_interrupt(screen: Screen) -> str:
    try:
        return screen.interrupted()
    except (Interrupted, KeyboardInterrupt):
        return "pause"  # a second Ctrl-C: the safe choice keeps everything for later


def _count(answers: dict[str, Any]) -> int:
    return sum(1 for a in answers.values() if a.status == "answered")
