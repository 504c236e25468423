"""Numbers as APA 7 prints them: no leading zero where a value cannot exceed 1, p < .001.

>>> p_value(0.0004), p_value(0.0312), bounded(0.8123), number(-2.3456)
('< .001', '.031', '.81', '-2.35')
"""

from __future__ import annotations

import math
from typing import Any


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _rounded(value: Any, digits: int) -> str:
    # A value that rounds to zero prints without a sign: "-0.000" would claim a direction the digits do not show.
    text = f"{value:.{digits}f}"
    return text.lstrip("-") if float(text) == 0 else text


def number(value: Any, digits: int = 2) -> str:
    """A statistic such as M, SD, t or F: ``digits`` decimals, a true minus sign kept as '-'.

    >>> number(-0.0004, 3), number(-1.25)
    ('0.000', '-1.25')
    """
    return "" if _missing(value) else _rounded(value, digits)


def bounded(value: Any, digits: int = 2) -> str:
    """A value that cannot exceed 1 in absolute size (alpha, r, omega): no leading zero."""
    if _missing(value):
        return ""
    text = _rounded(value, digits)
    return text.replace("0.", ".", 1) if abs(value) < 1 else text


def p_value(value: Any) -> str:
    """p with three decimals and no leading zero; below .001 as '< .001', never '.000'."""
    if _missing(value):
        return ""
    return "< .001" if value < 0.001 else bounded(value, 3)


def interval(low: Any, high: Any, digits: int = 2, *, bounded_values: bool = False) -> str:
    """A confidence interval in brackets: [0.12, 0.48]."""
    if _missing(low) or _missing(high):
        return ""
    shown = bounded if bounded_values else number
    return f"[{shown(low, digits)}, {shown(high, digits)}]"
