"""The analysis plan of a report: which scales, cities, exclusions, adjustment and sections.

A plan is a small YAML file; without one, every scale, city and section is used with the
instruments' conventions. Example::

    scales:
      my-instrument: [scale_a, scale_b]
    cities: [city_a, city_b]
    exclusions: {straightline_min: 18, max_missing: 5, min_seconds_per_item: 1.5}
    adjust: fdr_bh
    family: all            # one adjustment over every twin-link test (or: link, scale)
    sections: [study, quality, reliability, invariance, comparisons, maps, methods, appendix]
    network: true          # the twin network as pairs of cities (default: with six or more cities)

``cities`` restricts the per-city sections; the twin-network section (and ``analyze dyads --plan``) pairs
every city of the study, since the network of a subset of cities is another network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.fields import Reader, suggest
from axiosphere.instruments.model import Instrument
from axiosphere.instruments.yamlsource import read_yaml

SECTIONS = ("study", "quality", "reliability", "invariance", "comparisons", "maps", "methods", "appendix")
ADJUST = ("holm", "fdr_bh", "none")
FAMILIES = ("all", "link", "scale")


@dataclass(frozen=True)
class Plan:
    """What a report analyses; ``None`` means everything (see the module's text for the YAML form).

    Examples
    --------
    >>> plan = Plan(cities=["orsha", "tver"], adjust="fdr_bh")
    >>> plan.networks(15), plan.aligns(2)  # the twin network with six or more cities, alignment likewise
    (True, False)
    """

    scales: dict[str, list[str]] | None = None
    cities: list[str] | None = None
    exclusions: dict[str, Any] = field(default_factory=dict)
    adjust: str = "holm"
    sections: tuple[str, ...] = SECTIONS
    family: str = "all"
    file: str | None = None
    # Alignment of each scale across cities: None = when the study has six or more cities.
    alignment: bool | None = None

    # The twin network as dyadic data: None = when the study has six or more cities.
    network: bool | None = None

    def aligns(self, cities: int) -> bool:
        return self.alignment if self.alignment is not None else cities >= 6

    def networks(self, cities: int) -> bool:
        return self.network if self.network is not None else cities >= 6

    def pick(self, instrument: Instrument, default: list[str]) -> list[str]:
        """The scales of ``instrument`` the plan keeps among ``default`` (all of them without a plan)."""
        if self.scales is None:
            return default
        names = self.scales.get(instrument.id)
        return [s for s in default if names is not None and s in names]

    def to_dict(self) -> dict[str, Any]:
        return {"scales": self.scales, "cities": self.cities, "exclusions": self.exclusions, "adjust": self.adjust,
                "family": self.family, "sections": list(self.sections), "file": self.file, "alignment": self.alignment,
                "network": self.network}


def read_plan(path: str | Path, study: Any) -> Plan:
    """Read and check a plan against the study: unknown instruments, scales, cities or sections are errors.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from axiosphere.analysis.example_data import value_survey
    >>> from axiosphere.study import open_study
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> value_survey(n=30)[0].to_csv(folder / "answers.csv", index=False)
    >>> _ = (folder / "plan.yaml").write_text("cities: [orsha, tver]\\nadjust: fdr_bh\\n", encoding="utf-8")
    >>> plan = read_plan(folder / "plan.yaml", open_study(folder / "answers.csv"))
    >>> plan.cities, plan.adjust
    (['orsha', 'tver'], 'fdr_bh')
    >>> _ = (folder / "bad.yaml").write_text("cities: [orsha, paris]\\n", encoding="utf-8")
    >>> read_plan(folder / "bad.yaml", open_study(folder / "answers.csv"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    axiosphere.instruments.errors.InputError: ...the study has no city 'paris'...
    """
    reader, root = Reader.open(read_yaml(path))
    instruments = {i.id: i for i in study.instruments}
    scales = root.get("scales", dict, required=False)
    if scales is not None:
        for instrument, names in scales.items():
            if instrument not in instruments:
                root.error("scales", f"the study asks no instrument '{instrument}'{suggest(str(instrument), instruments)}")
                continue
            for name in names if isinstance(names, list) else [names]:
                if name not in instruments[instrument].scales:
                    root.error("scales", f"instrument '{instrument}' has no scale '{name}'"
                                         f"{suggest(str(name), instruments[instrument].scales)}")
    cities = root.get("cities", list, required=False)
    for city in cities or []:
        if city not in study.cities:
            root.error("cities", f"the study has no city '{city}'{suggest(str(city), study.cities)}")
    exclusions = root.get("exclusions", dict, required=False, default={})
    allowed = ("straightline_min", "max_missing", "min_seconds_per_item", "exclude", "attention")
    for key in exclusions:
        if key not in allowed:
            root.error("exclusions", f"unknown exclusion rule '{key}'{suggest(str(key), allowed)}")
    adjust = root.get("adjust", str, required=False, default="holm",
                      check=lambda v: None if v in ADJUST else f"expected one of {', '.join(ADJUST)}, got '{v}'")
    family = root.get("family", str, required=False, default="all",
                      check=lambda v: None if v in FAMILIES else f"expected one of {', '.join(FAMILIES)}, got '{v}'")
    sections = root.get("sections", list, required=False, default=list(SECTIONS))
    for section in sections:
        if section not in SECTIONS:
            root.error("sections", f"unknown section '{section}'{suggest(str(section), SECTIONS)}")
    alignment = root.get("alignment", bool, required=False)
    network = root.get("network", bool, required=False)
    root.finish()
    if reader.problems:
        raise InputError(reader.problems)
    return Plan({k: list(v) if isinstance(v, list) else [v] for k, v in scales.items()} if scales else None,
                list(cities) if cities else None, dict(exclusions), adjust, tuple(sections), family, str(path), alignment,
                network)
