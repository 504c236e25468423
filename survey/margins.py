"""A study's population margins as raking input: sex names and age bands per respondent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError
from axiosphere.survey.study import StudyDesign, load_study

SEX, AGE = "sex", "age_band"


def margin_columns(study_dir: str | Path, frame: Any) -> tuple[StudyDesign, Any, dict[str, dict[str, dict[str, float]]]]:
    """The study, ``frame`` with ``sex`` and ``age_band`` columns (names, bands) added, and each city's margins."""
    study = load_study(study_dir)
    if "city" not in frame.columns:
        raise InputError("the data have no 'city' column to weight city by city")
    present = set(frame["city"].dropna().astype(str))
    if present and not present & set(study.cities):
        raise InputError(f"no city of the data ({', '.join(sorted(present)[:5])}) is a city id of {study.file} "
                         f"({', '.join(study.cities)}); map the data's city names to the study's ids first")
    sex_item = next((i.role_item("sex") for i in study.instruments if i.role_item("sex")), None)
    age_item = next((i.role_item("age") for i in study.instruments if i.role_item("age")), None)
    frame = frame.copy()
    if sex_item is not None and sex_item.id in frame.columns:
        owner = next(i for i in study.instruments if sex_item.id in i.items)
        names = {p.value: p.name or str(p.value) for p in owner.response_scales[sex_item.scale].points}
        frame[SEX] = frame[sex_item.id].map(names)
    if age_item is not None and age_item.id in frame.columns and study.age_bands:
        frame[AGE] = frame[age_item.id].map(lambda a: study.age_band(a) if a == a else None)
    margins: dict[str, dict[str, dict[str, float]]] = {}
    for city in study.cities.values():
        chosen: dict[str, dict[str, float]] = {}
        if city.sex_margin and SEX in frame.columns:
            chosen[SEX] = dict(city.sex_margin)
        if city.age_margin and AGE in frame.columns:
            chosen[AGE] = dict(city.age_margin)
        if chosen:
            margins[city.id] = chosen
    if not margins:
        raise InputError(f"no city of {study.file} has population margins that the data can be raked to "
                         "(margins by sex and age need the sex and age items in the data)")
    return study, frame, margins
