"""The terminal screens of an interview: one question per screen, redrawn whole, as in ODK Collect.

Each screen has a fixed header (question k of n, instrument and section), the section's stem,
the question wrapped at spaces to the terminal's width (again after a resize) in the interview
language and, where the city has one, the second language, the answers, a message line and a
key-hint line in the interview language (:mod:`axiosphere.survey.ui_text`).

Nothing is stored that was not chosen: no answer is preselected (except the one given before,
when the fieldworker steps back to a question); a key selects and shows the selection, Enter
confirms it; Enter with nothing selected, or a key that means nothing here, shows a message and
stores nothing. Digits build a number (``1`` then ``0`` is 10; a pause of over a second starts a
new number), ``t`` is 10 on 0-10 scales, ``d`` don't know and ``r`` refused where the item has
those codes, ``<`` goes back; keys work in the Latin and the Russian layout alike
(:mod:`axiosphere.survey.keys`). Ctrl-C or Ctrl-D asks whether to pause, continue or abandon.
"""

from __future__ import annotations

import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from axiosphere.survey.interview import Option, Question
from axiosphere.survey.keys import latin
from axiosphere.survey.session import BACK, Interrupted, ReviewEntry
from axiosphere.survey.ui_text import ui

# Yes/no screens: y and n, and in Russian д(а) and т (the n key's place in the Russian layout). н is both the
# y key's place in that layout and the first letter of нет: it chooses nothing, and the screen says why.
AMBIGUOUS = "\0ambiguous"
YES_NO = {"д": "y", "Д": "y", "т": "n", "Т": "n", "н": AMBIGUOUS, "Н": AMBIGUOUS}
MISSING_KEYS = {"dont_know": "d", "refused": "r"}
# Letters for codes that are not single digits; b, d and r are taken by back and the missing codes.
_LETTERS = "tacefghijklmnopqsuvwxyz"
_DIGIT_PAUSE = 1.2  # seconds after which a digit starts a new number
FINISH = "finish"


def shortcut_keys(options: Sequence[Option]) -> list[str]:
    """The key for each option: its own digit where it is one, else the next free letter.

    >>> from axiosphere.survey.interview import Option
    >>> shortcut_keys(tuple(Option(v, str(v)) for v in range(11)))[-3:]
    ['8', '9', 't']
    """
    keys: list[str] = []
    letters = iter(_LETTERS)
    for option in options:
        if option.missing:
            keys.append(MISSING_KEYS[option.missing])
        elif isinstance(option.value, int) and 0 <= option.value <= 9:
            keys.append(str(option.value))
        else:
            keys.append(next(letters))
    return keys


def both(option: Option) -> str:
    """An answer's label, with the second language's after a dot where the interview shows two."""
    return (option.label or str(option.value)) + (f" · {option.label2}" if option.label2 else "")


def fit(header: str, width: int) -> str:
    """A header line within ``width``: the instrument's title (before " · ") is shortened first.

    >>> fit(" [3/51] Portrait Values Questionnaire (PVQ-21) · Human values", 40)
    ' [3/51] Portrait Values… · Human values'
    """
    if len(header) < width:
        return header
    head, sep, section = header.rpartition(" · ")
    if not sep:
        return header[: width - 2] + "…"
    prefix, _, title = head.partition("] ")
    room = width - 1 - len(prefix) - 2 - len(sep) - len(section) - 1
    if room < 6:
        return (header[: width - 2] + "…") if len(header) >= width else header
    return f"{prefix}] {title[:room].rstrip()}…{sep}{section}"


def wrap(text: str, width: int, indent: str = "") -> list[str]:
    """``text`` wrapped at spaces (never inside a word that fits a line), paragraph by paragraph."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, max(20, width - 1), initial_indent=indent, subsequent_indent=indent,
                                   break_on_hyphens=False) or [""])
    return lines


class View:
    """One screen's state and its answers to keys; ``result`` is set when the screen is done."""

    hint_keys: tuple[str, ...] = ()

    def __init__(self, language: str | None):
        self.language = language
        self.message = ""
        self.done = False
        self.result: Any = None

    def finish(self, result: Any) -> None:
        self.done, self.result = True, result

    def key(self, key: str) -> None:
        self.message = ui("no_key", self.language, key=key)

    def enter(self) -> None: ...

    def backspace(self) -> None: ...

    def move(self, step: int) -> None: ...

    def lines(self, width: int) -> list[tuple[str, str]]:
        return []

    def cursor(self) -> int:
        return 0

    def hint(self) -> str:
        return " · ".join(ui(k, self.language) for k in self.hint_keys)


class ChoiceView(View):
    """One answer out of a list: rating and choice items, consent and the pause menu."""

    def __init__(self, language: str | None, options: Sequence[Option], keys: Sequence[str], *,
                 current: Any = None, back: bool = True, aliases: dict[str, str] | None = None,
                 compact: bool = False, hint_keys: tuple[str, ...] = ("keys_choice",)):
        super().__init__(language)
        self.options, self.keys, self.back = list(options), list(keys), back
        self.aliases = aliases or {}
        self.selected = next((n for n, o in enumerate(self.options) if current is not None and o.value == current), None)
        self.current = self.selected
        self.digits, self.last_digit = "", 0.0
        self.compact = compact
        self.hint_keys = hint_keys

    def _valid(self) -> dict[int, int]:
        return {o.value: n for n, o in enumerate(self.options) if isinstance(o.value, int) and not o.missing}

    def key(self, key: str) -> None:
        raw, key = key, self.aliases.get(key, latin(key))
        self.message = ""
        if key == AMBIGUOUS:
            self.message = ui("ambiguous_key", self.language, key=raw)
        elif key.isdigit():
            self._digit(key)
        elif key == "<" and self.back:
            self.finish(BACK)
        elif key in self.keys:
            self.selected, self.digits = self.keys.index(key), ""
        elif key in ("d", "r") and self.back:
            self.message = ui("no_dont_know" if key == "d" else "no_refused", self.language)
        else:
            self.message = ui("no_key", self.language, key=raw)

    def _digit(self, digit: str) -> None:
        valid, now = self._valid(), time.monotonic()
        typed = self.digits + digit if now - self.last_digit < _DIGIT_PAUSE else digit
        if int(typed) not in valid and not any(str(v).startswith(typed) for v in valid):
            typed = digit
        self.digits, self.last_digit = typed, now
        if int(typed) in valid:
            self.selected = valid[int(typed)]
        elif not any(str(v).startswith(typed) for v in valid):
            self.selected, self.digits = None, ""
            self.message = ui("no_code", self.language, code=typed)

    def enter(self) -> None:
        if self.selected is None:
            self.message = ui("need_choice", self.language)
        else:
            self.finish(self.options[self.selected].value)

    def move(self, step: int) -> None:
        start = self.selected if self.selected is not None else (-1 if step > 0 else len(self.options))
        self.selected = min(len(self.options) - 1, max(0, start + step))

    def cursor(self) -> int:
        if self.compact:
            return len(self.lines(80)) - 1 if self.selected is not None and self.options[self.selected].missing else 0
        return self.selected or 0

    def lines(self, width: int) -> list[tuple[str, str]]:
        if self.compact:
            return self._compact(width)
        out = []
        for n, (option, key) in enumerate(zip(self.options, self.keys)):
            label = both(option)
            mark = "▶" if n == self.selected else " "
            note = f"   ({ui('current', self.language)})" if n == self.current and n != self.selected else ""
            text = wrap(f"{key:>2}  {label}{note}", width - 3)
            style = "reverse bold" if n == self.selected else ""
            out.append((style, f" {mark} {text[0]}"))
            out.extend((style, f"     {more.lstrip()}") for more in text[1:])
        return out

    def _compact(self, width: int) -> list[tuple[str, str]]:
        # A long rating scale with labels at its ends only: the points on one row, the anchors below.
        points = "".join(f"[{o.value}] " if n == self.selected else f" {o.value}  "
                         for n, o in enumerate(self.options) if not o.missing)
        out: list[tuple[str, str]] = [("", "  " + points.rstrip())]
        for option in self.options:
            if option.label and not option.missing:
                out.extend(("", line) for line in wrap(f"{option.value} = {both(option)}", width, "     "))
        for n, (option, key) in enumerate(zip(self.options, self.keys)):
            if option.missing:
                mark = "▶" if n == self.selected else " "
                out.append(("reverse bold" if n == self.selected else "", f" {mark} {key:>2}  {both(option)}"))
        return out


class MultiView(View):
    """Several answers out of a list: digits (or letters after 9) tick and untick, Enter confirms."""

    hint_keys = ("keys_multi",)

    def __init__(self, language: str | None, options: Sequence[Option], *, current: Sequence[Any] | None, required: bool):
        super().__init__(language)
        self.options = list(options)
        self.keys = [str(n + 1) if n < 9 else _LETTERS[n - 9] for n in range(len(self.options))]
        self.ticked = {n for n, o in enumerate(self.options) if current and o.value in current}
        self.required, self.confirm_none = required, False

    def key(self, key: str) -> None:
        raw, key = key, latin(key)
        self.message, self.confirm_none = "", False
        if key == "<":
            self.finish(BACK)
        elif key in self.keys:
            self.ticked ^= {self.keys.index(key)}
        else:
            self.message = ui("no_key", self.language, key=raw)

    def enter(self) -> None:
        if self.ticked or (not self.required and self.confirm_none):
            self.finish(sorted(self.options[n].value for n in self.ticked))
        elif self.required:
            self.message = ui("need_choice", self.language)
        else:
            self.confirm_none, self.message = True, ui("multi_none", self.language)

    def lines(self, width: int) -> list[tuple[str, str]]:
        out = []
        for n, (option, key) in enumerate(zip(self.options, self.keys)):
            box = "[x]" if n in self.ticked else "[ ]"
            out.append(("bold" if n in self.ticked else "", f" {box} {key:>2}  {both(option)}"))
        return out


class EntryView(View):
    """A typed answer: numbers (with their don't-know/refused codes as d and r) and texts."""

    def __init__(self, language: str | None, question: Question):
        super().__init__(language)
        self.question = question
        self.number = question.type == "number"
        self.missing = {MISSING_KEYS[o.missing]: o for o in question.options if o.missing}
        default = question.default
        by_code = {o.value: o for o in question.options if o.missing}
        self.chosen_missing: Option | None = by_code.get(default) if default is not None else None
        self.buffer = "" if default is None or self.chosen_missing else _format(default)
        self.hint_keys = ("keys_number",) if self.number else ("keys_text",)

    def key(self, key: str) -> None:
        self.message = ""
        plain = latin(key)
        if self.number:
            if key.isdigit() or (key in ".," and self.buffer and not any(c in self.buffer for c in ".,")):
                self.buffer, self.chosen_missing = self.buffer + key, None
            elif plain == "<":
                self.finish(BACK)
            elif plain in self.missing and not self.buffer:
                self.chosen_missing = self.missing[plain]
            elif plain in ("d", "r") and not self.buffer:
                self.message = ui("no_dont_know" if plain == "d" else "no_refused", self.language)
            else:
                self.message = ui("no_key", self.language, key=key)
        else:
            self.buffer, self.chosen_missing = self.buffer + key, None

    def tab(self) -> None:
        """In a text answer, letters are text: Tab steps through the don't-know/refused answers instead."""
        choices = list(self.missing.values())
        if not choices:
            self.message = ui("no_key", self.language, key="Tab")
            return
        at = choices.index(self.chosen_missing) + 1 if self.chosen_missing in choices else 0
        self.chosen_missing = choices[at] if at < len(choices) else None
        self.buffer = ""

    def backspace(self) -> None:
        self.buffer, self.chosen_missing = self.buffer[:-1], None

    def enter(self) -> None:
        q = self.question
        if self.chosen_missing is not None:
            self.finish(self.chosen_missing.value)
            return
        text = self.buffer.strip()
        if not text:
            if q.required:
                self.message = ui("need_number" if self.number else "need_text", self.language,
                                  low=_format(q.minimum), high=_format(q.maximum))
            else:
                self.finish(None)
            return
        if not self.number:
            self.finish(text)
            return
        value = float(text.replace(",", "."))
        if not q.minimum <= value <= q.maximum:
            self.message = ui("need_number", self.language, low=_format(q.minimum), high=_format(q.maximum))
            return
        self.finish(int(value) if value.is_integer() else value)

    def lines(self, width: int) -> list[tuple[str, str]]:
        shown = self.chosen_missing.label if self.chosen_missing else self.buffer
        out: list[tuple[str, str]] = [("bold", f" ▶ {shown}▏")]
        for key, option in self.missing.items():
            out.append(("", f"   {key:>2}  {both(option)}"))
        return out

    def hint(self) -> str:
        keys = [ui(k, self.language) for k in self.hint_keys]
        if self.number:
            keys += [ui("key_dont_know" if k == "d" else "key_refused", self.language) for k in self.missing]
        elif self.missing:
            keys.append(ui("key_tab_missing", self.language))
        return " · ".join(keys)


class ReviewView(View):
    """Every question asked, with its answer: jump to one by its number, or finish."""

    hint_keys = ("keys_review",)

    def __init__(self, language: str | None, entries: Sequence[ReviewEntry]):
        super().__init__(language)
        self.entries = list(entries)
        self.digits = ""
        self.top = 0

    def key(self, key: str) -> None:
        plain = latin(key)
        self.message = ""
        if key.isdigit():
            self.digits += key
            self.top = min(max(0, int(self.digits) - 1), max(0, len(self.entries) - 1))
        elif plain == "f":
            self.finish(FINISH)
        else:
            self.message = ui("no_key", self.language, key=key)

    def backspace(self) -> None:
        self.digits = self.digits[:-1]

    def enter(self) -> None:
        if not self.digits:
            self.message = ui("review_enter", self.language)
            return
        k, self.digits = int(self.digits), ""
        if 1 <= k <= len(self.entries):
            self.finish(self.entries[k - 1].index)
        else:
            self.message = ui("no_question", self.language, k=k)

    def move(self, step: int) -> None:
        self.top = min(max(0, self.top + step), max(0, len(self.entries) - 1))

    def cursor(self) -> int:
        return self.top

    def lines(self, width: int) -> list[tuple[str, str]]:
        out = []
        for n, entry in enumerate(self.entries, 1):
            text = " ".join(entry.text.split())
            room = max(10, width - 8 - min(30, len(entry.answer)) - 3)
            short = text if len(text) <= room else text[: room - 1] + "…"
            out.append(("", f"{n:>4}. {short} — {entry.answer[:30]}"))
        if self.digits:
            out.append(("bold", f"  → {self.digits}"))
        return out


class TerminalScreen:
    """Interview screens in a terminal; ``input``/``output`` let tests drive them through a pipe."""

    def __init__(self, *, input: Any = None, output: Any = None, echo: TextIO | None = None, language: str | None = None):
        self.input = input
        self.output = output
        self.echo = echo or sys.stdout
        self.language = language
        self.pending = ""
        self.shown: list[tuple[int, int, str]] = []  # (k, n, item) of every question screen drawn

    def _io(self) -> dict[str, Any]:
        io: dict[str, Any] = {}
        if self.input is not None:
            io["input"] = self.input
        if self.output is not None:
            io["output"] = self.output
        elif not sys.stdout.isatty() and sys.stderr.isatty():
            from prompt_toolkit.output import create_output

            io["output"] = create_output(stdout=sys.stderr)  # stdout redirected: draw where the fieldworker looks
        return io

    def say(self, message: str) -> None:
        self.pending = message  # shown on the next screen's message line
        print(message, file=self.echo, flush=True)

    def _run(self, view: View, header: str, text: Callable[[int], list[tuple[str, str]]]) -> Any:
        from prompt_toolkit.application import Application, get_app
        from prompt_toolkit.data_structures import Point
        from prompt_toolkit.key_binding import KeyBindings
        from prompt_toolkit.keys import Keys
        from prompt_toolkit.layout import HSplit, Layout, Window
        from prompt_toolkit.layout.controls import FormattedTextControl
        from prompt_toolkit.layout.dimension import Dimension

        view.message, self.pending = self.pending, ""
        bindings = KeyBindings()

        def after(event: Any) -> None:
            if view.done:
                event.app.exit(result=view.result)

        @bindings.add(Keys.Any)
        def _any(event: Any) -> None:
            if event.data and event.data.isprintable():
                view.key(event.data)
            after(event)

        for name, action in (("enter", view.enter), ("c-j", view.enter), ("backspace", view.backspace),
                             ("c-h", view.backspace)):
            bindings.add(name)(lambda event, action=action: (action(), after(event)))
        if isinstance(view, EntryView):
            bindings.add("tab")(lambda event: view.tab())
        for name, step in (("up", -1), ("down", 1), ("pageup", -10), ("pagedown", 10)):
            bindings.add(name)(lambda event, step=step: view.move(step))
        bindings.add("c-c")(lambda event: event.app.exit(exception=KeyboardInterrupt()))
        bindings.add("c-d")(lambda event: event.app.exit(exception=EOFError()))
        bindings.add("c-b")(lambda event: event.app.exit(result=BACK) if getattr(view, "back", True) else None)

        def width() -> int:
            return get_app().output.get_size().columns

        def body() -> list[tuple[str, str]]:
            return [(style, line + "\n") for style, line in text(width())]

        def answers() -> list[tuple[str, str]]:
            return [(style, line + "\n") for style, line in view.lines(width())]

        def footer() -> list[tuple[str, str]]:
            lines = [("fg:ansired bold", line + "\n") for line in wrap(view.message, width())] if view.message else []
            return lines + [("reverse", line + "\n") for line in wrap(view.hint(), width())]

        def cursor() -> Point:
            # The line to keep in sight when the answers do not fit: the selection (clamped to the lines drawn).
            return Point(0, max(0, min(view.cursor(), len(view.lines(width())) - 1)))

        answers_control = FormattedTextControl(answers, get_cursor_position=cursor, show_cursor=False)
        def top() -> list[tuple[str, str]]:
            return [("reverse bold", fit(header, width()))]

        layout = Layout(HSplit([
            Window(FormattedTextControl(top), height=1),
            Window(FormattedTextControl(body), dont_extend_height=True, wrap_lines=True),
            Window(answers_control, wrap_lines=False, height=Dimension(min=1)),
            Window(FormattedTextControl(footer), dont_extend_height=True, wrap_lines=True),
        ]))
        app: Any = Application(layout=layout, key_bindings=bindings, full_screen=True, mouse_support=False, **self._io())
        try:
            return app.run()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted from None

    # -- the screens the session asks for ------------------------------------------------

    def consent(self, text: str) -> bool:
        options = [Option(True, ui("consent_yes", self.language)), Option(False, ui("consent_no", self.language))]
        view = ChoiceView(self.language, options, ["y", "n"], back=False, aliases=YES_NO, hint_keys=("keys_menu",))
        question = ui("consent_question", self.language)
        return bool(self._run(view, " axiosphere", lambda w: [*map(lambda l: ("", l), wrap(text, w)), ("", ""),
                                                               *[("bold", l) for l in wrap(question, w)]]))

    def interrupted(self) -> str:
        options = [Option("pause", ui("pause", self.language)), Option("continue", ui("continue", self.language)),
                   Option("abandon", ui("abandon", self.language))]
        view = ChoiceView(self.language, options, ["p", "c", "a"], back=False, hint_keys=("keys_menu",))
        choice = self._run(view, " axiosphere", lambda w: [("bold", l) for l in wrap(ui("interrupted", self.language), w)])
        if choice == "abandon":
            sure = ChoiceView(self.language, [Option(True, ui("yes", self.language)), Option(False, ui("no", self.language))],
                              ["y", "n"], back=False, aliases=YES_NO, hint_keys=("keys_menu",))
            if not self._run(sure, " axiosphere", lambda w: [("bold", l) for l in wrap(ui("abandon_confirm", self.language), w)]):
                return self.interrupted()
        return choice

    def review(self, entries: Sequence[ReviewEntry]) -> Any:
        view = ReviewView(self.language, entries)
        title = ui("review_title", self.language, n=len(entries))
        return self._run(view, f" [{len(entries)}/{len(entries)}]", lambda w: [("bold", l) for l in wrap(title, w)])

    def ask(self, question: Question) -> Any:
        self.shown.append((question.position, question.total, question.item))
        if question.type in ("rating", "choice"):
            keys = shortcut_keys(question.options)
            points = [o for o in question.options if not o.missing]
            compact = question.type == "rating" and len(points) > 7 and sum(bool(o.label) for o in points) <= 3
            view: View = ChoiceView(self.language, question.options, keys, current=question.default, compact=compact)
            hint = ["keys_choice"] + (["keys_ten"] if "t" in keys and compact else [])
            hint += [f"key_{o.missing}" for o in question.options if o.missing]
            view.hint_keys = (*hint, "key_back", "key_pause")
        elif question.type == "multi":
            view = MultiView(self.language, question.options, current=question.default, required=question.required)
            view.hint_keys = (*view.hint_keys, "key_back", "key_pause")
        else:
            view = EntryView(self.language, question)
            view.hint_keys = (*view.hint_keys, "key_back", "key_pause") if question.type == "number" else \
                (*view.hint_keys, "key_pause")
        header = f" [{question.position}/{question.total}] {question.section}"

        def text(width: int) -> list[tuple[str, str]]:
            out: list[tuple[str, str]] = []
            if question.intro:
                out += [("italic", line) for line in wrap(question.intro, width)]
                out.append(("", ""))
            if question.note:
                out += [("", line) for line in wrap(f"({question.note})", width)]
            out += [("bold", line) for line in wrap(question.text, width)]
            if question.text2:
                out += [("fg:ansibrightblack", line) for line in wrap(question.text2, width)]
            out.append(("", ""))
            return out

        return self._run(view, header, text)


def _format(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
