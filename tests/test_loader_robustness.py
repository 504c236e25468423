"""Whatever a researcher does to an instrument file, loading gives an instrument or an InputError."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA
from axiosphere.instruments.errors import InputError
from axiosphere.instruments.load import parse_instrument
from axiosphere.instruments.yamlsource import parse_yaml

LINES = (DATA / "mini.yaml").read_text(encoding="utf-8").splitlines()
TOKENS = ["", "1", "-1", "x", "true", "null", "[]", "{}", "'a'", "rating", "choice", "t1", "agree", "{city}", "ru"]


@st.composite
def mutated(draw):
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap-value", "swap-word"]))
        if action == "delete":
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap-value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(TOKENS))}"
        else:
            words = lines[i].split(" ")
            j = draw(st.integers(0, len(words) - 1))
            words[j] = draw(st.sampled_from(TOKENS))
            lines[i] = " ".join(words)
        if not lines:
            break
    return "\n".join(lines) + "\n"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(mutated())
def test_mutated_instrument_loads_or_raises_input_error(text):
    try:
        instrument = parse_instrument(parse_yaml(text, file="mutated.yaml"), base_dir=Path(DATA))
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    assert instrument.items
