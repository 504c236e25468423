"""The skip-logic language: parsing, evaluation, and that it never runs code."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from axiosphere.instruments.conditions import ConditionError, parse_condition


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("a == 1", {"a": 1}, True),
        ("a == 1", {"a": 2}, False),
        ("a != 1", {"a": 2}, True),
        ("a != 1", {}, False),  # unanswered: every comparison is false
        ("not answered(a)", {}, True),
        ("answered(a)", {"a": 0}, True),
        ("a >= 3 and b < 2", {"a": 3, "b": 1}, True),
        ("a >= 3 and b < 2", {"a": 3, "b": 2}, False),
        ("a == 1 or b == 1", {"a": 2, "b": 1}, True),
        ("not (a == 1 or b == 1)", {"a": 2, "b": 2}, True),
        ("a in [1, 2, 5]", {"a": 5}, True),
        ("a in [1, 2, 5]", {"a": 3}, False),
        ("selected(m, 2)", {"m": [1, 2]}, True),
        ("selected(m, 3)", {"m": [1, 2]}, False),
        ("count(m) >= 2", {"m": [1, 2]}, True),
        ("count(m) == 0", {}, True),
        ("name == 'Orsha'", {"name": "Orsha"}, True),
        ("a == 1 and b == 1 or c == 1", {"a": 2, "c": 1}, True),  # and binds tighter than or
        ("x > -1", {"x": 0}, True),
        ("a == 'x'", {"a": 1}, False),
        ("a < 'x'", {"a": 1}, False),  # incomparable types are simply false
    ],
)
def test_evaluates_like_a_researcher_expects(text, answers, expected):
    assert parse_condition(text).evaluate(answers) is expected


def test_refs_are_every_item_named():
    condition = parse_condition("a == 1 and (selected(m, 2) or not answered(z))")
    assert condition.refs == {"a", "m", "z"}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("a === 1", "unexpected character '='"),
        ("a == ", "ends too early"),
        ("(a == 1", "expected ')'"),
        ("a == 1)", "unexpected ')'"),
        ("__import__('os').system('rm -rf /')", "unexpected character '.'"),
        ("__import__('os')", "unknown function '__import__'"),
        ("eval(a)", "unknown function 'eval'"),
        ("a.b == 1", "unexpected character '.'"),
        ("selected(m)", "expected ','"),
        ("a in [b]", "expected a number or a quoted text"),
        ("", "empty condition"),
        ("a == 1 and", "ends too early"),
    ],
)
def test_rejects_bad_conditions_with_position(text, fragment):
    with pytest.raises(ConditionError, match=None) as info:
        parse_condition(text)
    assert fragment in str(info.value)


def test_comparisons_lists_literal_tests_for_validation():
    condition = parse_condition("a == 1 and 2 < b or c in [3, 4] or selected(m, 9)")
    assert sorted(condition.comparisons(), key=str) == sorted(
        [("a", "==", 1), ("b", "<", 2), ("c", "==", 3), ("c", "==", 4), ("m", "selected", 9)], key=str
    )


names = st.sampled_from(["a", "b", "c"])
ops = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
atoms = st.builds(lambda n, o, v: f"{n} {o} {v}", names, ops, st.integers(-3, 3))


@st.composite
def expressions(draw, depth=0):
    if depth > 2 or draw(st.booleans()):
        return draw(atoms)
    kind = draw(st.sampled_from(["and", "or", "not", "paren"]))
    if kind == "not":
        return f"not {draw(expressions(depth + 1))}"
    if kind == "paren":
        return f"({draw(expressions(depth + 1))})"
    return f"{draw(expressions(depth + 1))} {kind} {draw(expressions(depth + 1))}"


def _python_semantics(text: str, answers: dict) -> bool:
    """The same condition in Python, with None answers making every comparison false."""
    import re

    def compare(match):
        name, op, value = match.group(1), match.group(2), match.group(3)
        return f"(answers.get('{name}') is not None and answers.get('{name}') {op} {value})"

    python = re.sub(r"\b([abc]) (==|!=|<=|>=|<|>) (-?\d+)", compare, text)
    return bool(eval(python, {"answers": answers}))  # the test's own oracle, on generated text only


@given(expressions(), st.dictionaries(names, st.one_of(st.none(), st.integers(-3, 3))))
def test_matches_python_boolean_semantics(text, answers):
    assert parse_condition(text).evaluate(answers) == _python_semantics(text, answers)


@given(st.text(max_size=40))
def test_arbitrary_text_either_parses_or_raises_condition_error(text):
    try:
        condition = parse_condition(text)
    except ConditionError:
        return
    condition.evaluate({})
