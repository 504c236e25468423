"""The terminal screens of an interview, built on questionary.

Keys a fieldworker uses:

- the number shown beside an answer points at it (``t`` for 10 on 0-10 scales),
  Enter confirms; arrow keys work too;
- ``d`` "don't know" and ``r`` "refused", where the instrument has those codes;
- ``<`` goes back one question (Ctrl-B in free-text questions);
- Ctrl-C or Ctrl-D asks whether to pause (resume later) or abandon.

questionary's automatic shortcuts number choices 1..9, 0, a... in order, so on
a 0-10 scale the key "0" would pick 9; every choice here gets its key explicitly.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

from axiosphere.survey.interview import Option, Question
from axiosphere.survey.session import BACK, Interrupted

MISSING_KEYS = {"dont_know": "d", "refused": "r"}
# Letters for codes that are not single digits; b, d and r are taken by back and the missing codes.
_LETTERS = "tacefghijklmnopqsuvwxyz"


def shortcut_keys(options: tuple[Option, ...]) -> list[str]:
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


class TerminalScreen:
    """Interview screens in a terminal; ``input``/``output`` let tests drive them through a pipe."""

    def __init__(self, *, input: Any = None, output: Any = None, echo: TextIO | None = None):
        self.input = input
        self.output = output
        self.echo = echo or sys.stdout
        self._last_section: str | None = None

    def _io(self) -> dict[str, Any]:
        return {k: v for k, v in (("input", self.input), ("output", self.output)) if v is not None}

    def say(self, message: str) -> None:
        print(message, file=self.echo, flush=True)

    def _ask(self, question: Any) -> Any:
        try:
            return question.unsafe_ask()
        except (KeyboardInterrupt, EOFError):
            raise Interrupted from None

    def consent(self, text: str) -> bool:
        import questionary

        self.say(text)
        choices = [questionary.Choice("Yes: the respondent agrees, start the interview", True, shortcut_key="y"),
                   questionary.Choice("No: record a refusal", False, shortcut_key="n")]
        prompt = questionary.select("Does the respondent agree to take part?", choices=choices, use_shortcuts=True,
                                    use_jk_keys=False, instruction="(y / n, Enter)", **self._io())
        return bool(self._ask(self._with_back(prompt)))

    def interrupted(self) -> str:
        import questionary

        choices = [questionary.Choice("Pause: keep all answers and resume later", "pause", shortcut_key="p"),
                   questionary.Choice("Continue the interview", "continue", shortcut_key="c"),
                   questionary.Choice("Abandon: the respondent stopped (answers so far are kept)", "abandon", shortcut_key="a")]
        prompt = questionary.select("Interview interrupted. What now?", choices=choices, use_shortcuts=True,
                                    use_jk_keys=False, instruction="(p / c / a, Enter)", **self._io())
        return self._ask(self._with_back(prompt))

    def ask(self, question: Question) -> Any:
        self._header(question)
        message = question.text + (f"\n  {question.text2}" if question.text2 else "")
        if question.type in ("rating", "choice"):
            return self._select(message, question)
        if question.type == "multi":
            return self._checkbox(message, question)
        return self._text(message, question)

    def _header(self, question: Question) -> None:
        self.say(f"\n[{question.position}/{question.total}] {question.section}")
        if question.intro and question.section != self._last_section:
            self.say(question.intro)
        self._last_section = question.section
        if question.note:
            self.say(f"({question.note})")

    def _with_back(self, prompt: Any, *keys: str) -> Any:
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        extra = KeyBindings()
        for key in keys:
            extra.add(key, eager=True)(lambda event: event.app.exit(result=BACK))
        # questionary's lists ignore Ctrl-D; make it interrupt as in its text prompts.
        extra.add("c-d", eager=True)(lambda event: event.app.exit(exception=EOFError))
        prompt.application.key_bindings = merge_key_bindings([prompt.application.key_bindings, extra])
        return prompt

    def _select(self, message: str, question: Question) -> Any:
        import questionary

        keys = shortcut_keys(question.options)
        choices = []
        for option, key in zip(question.options, keys):
            # The key already shows the code, except where a letter stands for it (t = 10).
            shown_code = not option.missing and key != str(option.value)
            title = f"{option.value} {option.label}".strip() if shown_code else option.label or str(option.value)
            if option.label2:
                title += f" · {option.label2}"
            choices.append(questionary.Choice(title, value=option.value, shortcut_key=key))
        default = next((c for c in choices if c.value == question.default), None)
        hint = ["number + Enter"] + [f"{MISSING_KEYS[o.missing]} {o.label}" for o in question.options if o.missing]
        hint += ["< back", "Ctrl-C pause"]
        prompt = questionary.select(message, choices=choices, use_shortcuts=True, use_jk_keys=False,
                                    use_emacs_keys=False, default=default, instruction=f"({' · '.join(hint)})", **self._io())
        return self._ask(self._with_back(prompt, "<", "c-b"))

    def _checkbox(self, message: str, question: Question) -> Any:
        import questionary

        chosen = set(question.default or [])
        choices = [questionary.Choice(o.label + (f" · {o.label2}" if o.label2 else ""), value=o.value,
                                      checked=o.value in chosen) for o in question.options]

        def valid(selected: list[Any]) -> bool | str:
            return bool(selected) or not question.required or "choose at least one"

        prompt = questionary.checkbox(message, choices=choices, validate=valid, use_jk_keys=False,
                                      instruction="(Space selects, Enter confirms, < back)", **self._io())
        return self._ask(self._with_back(prompt, "<", "c-b"))

    def _text(self, message: str, question: Question) -> Any:
        import questionary
        from prompt_toolkit.key_binding import KeyBindings

        number = question.type == "number"

        def parse(text: str) -> Any:
            text = text.strip()
            if not text:
                return None
            return float(text.replace(",", ".")) if number else text

        def valid(text: str) -> bool | str:
            if not text.strip():
                return not question.required or "an answer is required"
            if not number:
                return True
            try:
                value = parse(text)
            except ValueError:
                return "type a number"
            if not question.minimum <= value <= question.maximum:
                return f"a number from {question.minimum:g} to {question.maximum:g}"
            return True

        back = KeyBindings()
        for key in ("<", "c-b") if number else ("c-b",):
            back.add(key, eager=True)(lambda event: event.app.exit(result=BACK))
        default = "" if question.default is None else _format(question.default)
        hint = "number, Enter · < back · Ctrl-C pause" if number else "Enter · Ctrl-B back · Ctrl-C pause"
        prompt = questionary.text(f"{message} ({hint})", default=default, validate=valid, key_bindings=back, **self._io())
        answer = self._ask(prompt)
        if answer is BACK:
            return BACK
        value = parse(answer)
        return int(value) if number and value is not None and float(value).is_integer() else value


def _format(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
