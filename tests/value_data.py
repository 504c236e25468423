"""PVQ-21 answers with a circumplex structure, for tests of the value maps."""

from __future__ import annotations

from axiosphere.instruments import resolve_instrument
from axiosphere.analysis.example_data import circumplex_answers as _answers

PVQ = resolve_instrument("pvq21")


def circumplex_answers(cities, n=300, seed=1):
    return _answers(PVQ, cities, n=n, seed=seed)
