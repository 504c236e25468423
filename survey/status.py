"""Fieldwork progress: interviews by city and status, and quota cells filled by sex x age band."""

from __future__ import annotations

from typing import Any

from axiosphere.survey.store import Store
from axiosphere.survey.study import StudyDesign


def fieldwork_status(study: StudyDesign, store: Store) -> dict[str, Any]:
    """Counts per city (complete, in progress, paused, crashed, abandoned, refused) and quota progress.

    Example
    -------
    >>> status = fieldwork_status(study, store)  # doctest: +SKIP
    >>> status["cities"][0]["complete"]  # doctest: +SKIP
    12
    """
    everything = store.interviews()
    records = [r for r in everything if not r.pilot]  # pilot interviews are not fieldwork
    sex_item = next((i.role_item("sex") for i in study.instruments if i.role_item("sex")), None)
    age_item = next((i.role_item("age") for i in study.instruments if i.role_item("age")), None)
    sex_names: dict[Any, str] = {}
    if sex_item is not None:
        owner = next(i for i in study.instruments if sex_item.id in i.items)
        sex_names = {p.value: p.name or str(p.value) for p in owner.response_scales[sex_item.scale].points}
    wanted = {i.id for i in (sex_item, age_item) if i is not None}
    roles: dict[str, dict[str, Any]] = {}
    for uuid, item, value, missing, status, *_ in store.latest_answers():
        if item in wanted and status == "answered" and missing is None:
            roles.setdefault(uuid, {})[item] = value
    cities = []
    for city in study.cities.values():
        mine = [r for r in records if r.city == city.id]
        states = ["crashed" if r.crashed else r.status for r in mine]  # crash detection asks the OS: once per record
        counts = {s: states.count(s) for s in ("complete", "in_progress", "paused", "abandoned", "refused", "crashed")}
        entry: dict[str, Any] = {"city": city.id, "name": city.display_name("en"), **counts}
        if city.quota and sex_item is not None and age_item is not None:
            filled = {cell: 0 for cell in city.quota}
            for record in mine:
                if record.status != "complete":
                    continue
                answers = roles.get(record.uuid, {})
                sex = sex_names.get(answers.get(sex_item.id))
                age = answers.get(age_item.id)
                band = study.age_band(age) if isinstance(age, (int, float)) else None
                if (sex, band) in filled:
                    filled[(sex, band)] += 1
            entry["quota"] = [{"sex": s, "age": a, "target": t, "complete": filled[(s, a)]} for (s, a), t in city.quota.items()]
        cities.append(entry)
    unknown = sorted({r.city for r in records} - set(study.cities))
    return {"study": study.id, "store": str(store.path), "cities": cities, "other_cities": unknown,
            "pilot": sum(1 for r in everything if r.pilot)}

