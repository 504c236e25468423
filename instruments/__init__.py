"""Instruments: the questionnaire model, its loader and validation, and the bundled instruments.

>>> from axiosphere.instruments import bundled_names, resolve_instrument
>>> values = next(i for i in map(resolve_instrument, bundled_names()) if i.circumplex is not None)
>>> len(values.circumplex.order), values.centring
(10, 'mrat')
"""

from axiosphere.instruments.conditions import Condition, ConditionError, parse_condition
from axiosphere.instruments.errors import InputError, Problem
from axiosphere.instruments.load import load_instrument, problems_of
from axiosphere.instruments.model import (
    DerivedScale,
    Forms,
    Instrument,
    Item,
    LocalText,
    MissingCode,
    Option,
    Point,
    ResponseScale,
    Section,
)
from axiosphere.instruments.registry import bundled_names, bundled_path, resolve_instrument

__all__ = [
    "Condition", "ConditionError", "DerivedScale", "Forms", "InputError", "Instrument", "Item", "LocalText",
    "MissingCode", "Option", "Point", "Problem", "ResponseScale", "Section", "bundled_names", "bundled_path",
    "load_instrument", "parse_condition", "problems_of", "resolve_instrument",
]
