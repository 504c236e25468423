"""Skip-logic conditions (``relevant:``): a small, safe expression language.

Instruments are shared between research teams, so a condition must never run
code: the text is tokenised and parsed here into a tree that can only compare
answers. Grammar::

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := value (("==" | "!=" | "<" | "<=" | ">" | ">=") value
                      | "in" "[" literal ("," literal)* "]")?
    value   := NUMBER | STRING | "true" | "false" | ITEM | FUNC "(" ITEM ["," literal] ")"
               | "(" expr ")"
    FUNC    := answered | selected | count

An item that is unanswered, or answered "don't know"/"refused", has no value:
every comparison with it is false (so ``x != 1`` is false too); test it with
``answered(x)``. ``selected(x, v)`` is true when the multiple-choice item ``x``
has ``v`` among its answers; ``count(x)`` is how many options were selected.

Example
-------
>>> c = parse_condition("aware == 1 and (visited == 1 or count(contacts) >= 2)")
>>> sorted(c.refs)
['aware', 'contacts', 'visited']
>>> c.evaluate({"aware": 1, "visited": 2, "contacts": [1, 3]})
True
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op>==|!=|<=|>=|<|>|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
_FUNCTIONS = {"answered": 1, "selected": 2, "count": 1}
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}

Literal = int | float | str | bool


class ConditionError(ValueError):
    """A condition that cannot be parsed; ``position`` is the 0-based character offset."""

    def __init__(self, message: str, text: str, position: int):
        self.position = position
        self.text = text
        super().__init__(f"{message} at character {position + 1} of '{text}'")


@dataclass(frozen=True)
class Condition:
    """A parsed condition; evaluate it on a mapping of item id → answer."""

    text: str
    tree: tuple[Any, ...]
    refs: frozenset[str]

    def evaluate(self, answers: Mapping[str, Any]) -> bool:
        """True when the condition holds for ``answers`` (missing answers are ``None``/absent)."""
        return bool(_eval(self.tree, answers))

    def comparisons(self) -> Iterator[tuple[str, str, Literal]]:
        """Every ``item op literal`` (and ``selected(item, literal)``) in the condition, for checks."""
        yield from _comparisons(self.tree)

    def __str__(self) -> str:
        return self.text


def parse_condition(text: str) -> Condition:
    """Parse a condition; raises ``ConditionError`` naming the position of the fault."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("empty condition", str(text), 0)
    parser = _Parser(text)
    tree = parser.expr()
    if parser.peek() is not None:
        kind, value, pos = parser.peek()
        raise ConditionError(f"unexpected '{value}'", text, pos)
    return Condition(text=text, tree=tree, refs=frozenset(parser.refs))


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = list(self._tokenise(text))
        self.i = 0
        self.refs: set[str] = set()

    def _tokenise(self, text: str) -> Iterator[tuple[str, str, int]]:
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                return
            match = _TOKEN.match(text, pos)
            if not match or match.end() == pos:
                start = len(text) - len(text[pos:].lstrip())
                raise ConditionError(f"unexpected character '{text[start]}'", text, start)
            kind = match.lastgroup
            yield kind, match.group(kind), match.start(kind)
            pos = match.end()

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ConditionError(f"expected '{value}' but the condition ended" if value else "condition ends too early", self.text, len(self.text))
        if value is not None and token[1] != value:
            raise ConditionError(f"expected '{value}', found '{token[1]}'", self.text, token[2])
        self.i += 1
        return token

    def at(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[1] == value and token[0] in ("op", "name")

    def expr(self) -> tuple[Any, ...]:
        node = self.conj()
        while self.at("or"):
            self.take()
            node = ("or", node, self.conj())
        return node

    def conj(self) -> tuple[Any, ...]:
        node = self.neg()
        while self.at("and"):
            self.take()
            node = ("and", node, self.neg())
        return node

    def neg(self) -> tuple[Any, ...]:
        if self.at("not"):
            self.take()
            return ("not", self.neg())
        return self.compare()

    def compare(self) -> tuple[Any, ...]:
        left = self.value()
        token = self.peek()
        if token is not None and token[0] == "op" and token[1] in _COMPARE:
            self.take()
            return ("cmp", token[1], left, self.value())
        if self.at("in"):
            self.take()
            self.take("[")
            options = [self.literal()]
            while self.at(","):
                self.take()
                options.append(self.literal())
            self.take("]")
            return ("in", left, tuple(options))
        return left

    def literal(self) -> Literal:
        kind, value, pos = self.take()
        if kind == "number":
            return float(value) if "." in value else int(value)
        if kind == "string":
            return value[1:-1]
        if value in ("true", "false"):
            return value == "true"
        raise ConditionError(f"expected a number or a quoted text, found '{value}'", self.text, pos)

    def value(self) -> tuple[Any, ...]:
        token = self.peek()
        if token is None:
            raise ConditionError("condition ends too early", self.text, len(self.text))
        kind, value, pos = token
        if kind in ("number", "string") or value in ("true", "false"):
            return ("lit", self.literal())
        if value == "(":
            self.take()
            node = self.expr()
            self.take(")")
            return node
        if kind == "name" and value not in _KEYWORDS:
            self.take()
            if self.at("("):
                return self.call(value, pos)
            self.refs.add(value)
            return ("ref", value)
        raise ConditionError(f"unexpected '{value}'", self.text, pos)

    def call(self, name: str, pos: int) -> tuple[Any, ...]:
        if name not in _FUNCTIONS:
            known = ", ".join(sorted(_FUNCTIONS))
            raise ConditionError(f"unknown function '{name}' (known: {known})", self.text, pos)
        self.take("(")
        kind, item, item_pos = self.take()
        if kind != "name" or item in _KEYWORDS:
            raise ConditionError(f"{name}() takes an item id first, found '{item}'", self.text, item_pos)
        self.refs.add(item)
        args: tuple[Any, ...] = (item,)
        if _FUNCTIONS[name] == 2:
            self.take(",")
            args += (self.literal(),)
        self.take(")")
        return ("call", name, args)


def _value(node: tuple[Any, ...], answers: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "ref":
        return answers.get(node[1])
    if kind == "call":
        name, args = node[1], node[2]
        answer = answers.get(args[0])
        if name == "answered":
            return answer is not None
        chosen = answer if isinstance(answer, (list, tuple, set, frozenset)) else ([] if answer is None else [answer])
        if name == "count":
            return len(chosen)
        return args[1] in chosen
    return _eval(node, answers)


def _eval(node: tuple[Any, ...], answers: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "or":
        return bool(_eval(node[1], answers)) or bool(_eval(node[2], answers))
    if kind == "and":
        return bool(_eval(node[1], answers)) and bool(_eval(node[2], answers))
    if kind == "not":
        return not _eval(node[1], answers)
    if kind == "cmp":
        left, right = _value(node[2], answers), _value(node[3], answers)
        if left is None or right is None:
            return False
        try:
            return _COMPARE[node[1]](left, right)
        except TypeError:
            return False
    if kind == "in":
        left = _value(node[1], answers)
        return left is not None and left in node[2]
    return _value(node, answers)


def _comparisons(node: tuple[Any, ...]) -> Iterator[tuple[str, str, Literal]]:
    kind = node[0]
    if kind in ("or", "and"):
        yield from _comparisons(node[1])
        yield from _comparisons(node[2])
    elif kind == "not":
        yield from _comparisons(node[1])
    elif kind == "cmp":
        left, right = node[2], node[3]
        if left[0] == "ref" and right[0] == "lit":
            yield left[1], node[1], right[1]
        elif right[0] == "ref" and left[0] == "lit":
            yield right[1], node[1], left[1]
    elif kind == "in" and node[1][0] == "ref":
        for option in node[2]:
            yield node[1][1], "==", option
    elif kind == "call" and node[1] == "selected":
        yield node[2][0], "selected", node[2][1]
