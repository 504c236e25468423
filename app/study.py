"""The study as analysis sees it: answers, non-answer kinds, paradata, instruments, cities, links,
options and the one exclusion policy. The CLI, the Python API and the report all start here, so
one setting gives one number everywhere.

Example
-------
>>> import tempfile, pathlib
>>> from axiosphere import open_study
>>> from axiosphere.survey.study import init_study
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "s"
>>> _ = init_study(folder)
>>> open_study(folder)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
axiosphere.instruments.errors.InputError: no interviews in ... yet (run a survey, import data, or try: axiosphere demo)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from axiosphere.analysis.quality import QualityPolicy, QualityReport
from axiosphere.instruments.errors import InputError
from axiosphere.instruments.model import Instrument
from axiosphere.survey.study import City, Link, StudyDesign

if TYPE_CHECKING:
    import pandas as pd

    from axiosphere.analysis.scoring import Scores


@dataclass(frozen=True)
class Exclusion:
    """What the exclusion policy did to the data: stated with every result that used it."""

    policy: QualityPolicy
    applied: bool
    n: int
    flagged: int
    kept: int
    screened: tuple[str, ...]
    source: str

    @property
    def note(self) -> str:
        """One line, as the CLI prints it and the report states it."""
        if not self.screened and not self.flagged:
            return f"no interview excluded: no instrument declares quality conventions and no speeding was found ({self.n} kept)"
        if not self.applied:
            return f"{self.flagged} of {self.n} interviews flagged by the quality checks, kept (--keep-flagged)"
        return (f"{self.n - self.kept} of {self.n} interviews excluded as flagged by the quality checks "
                f"(policy from {self.source}; --keep-flagged keeps them)")

    def to_dict(self) -> dict[str, Any]:
        return {"applied": self.applied, "n": self.n, "flagged": self.flagged, "kept": self.kept,
                "excluded": self.n - self.kept, "screened": list(self.screened), "policy_source": self.source,
                "policy": self.policy.to_dict(), "note": self.note}


@dataclass(frozen=True)
class Study:
    """A study's answers with everything that says how to analyse them. Build it with ``open_study``.

    Attributes
    ----------
    answers
        One row per complete interview: metadata columns (``interview``, ``city``, ...) and one
        column per item, with don't-know and refused answers as NaN.
    missing
        Same rows, one column per item: ``"dont_know"``/``"refused"`` where that was the answer,
        as the interview recorded it (from codes only for a plain data file).
    paradata
        One row per interview and answered question with ``seconds`` on screen (``None`` for files).

    ``data`` is the answers the exclusion policy keeps, ``quality`` the flags of every interview, ``scores(i)``
    instrument ``i``'s scale scores, ``links`` the twin links and ``options`` the analysis choices.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from axiosphere.analysis.example_data import value_survey
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.csv"
    >>> answers, values = value_survey({"orsha": (0.3, 0.0)}, n=20, seed=1)
    >>> answers.to_csv(path, index=False)
    >>> study = open_study(path)
    >>> round(float(study.scores(study.instrument(values.id)).centred["universalism"].mean()), 2)
    0.33
    """

    source: Path
    answers: pd.DataFrame
    missing: pd.DataFrame
    instruments: tuple[Instrument, ...]
    cities: Mapping[str, City]
    links: tuple[Link, ...] = ()
    options: Mapping[str, str] = field(default_factory=dict)
    policy: QualityPolicy = QualityPolicy()
    policy_source: str = "the default policy"
    keep_flagged: bool = False
    paradata: pd.DataFrame | None = None
    design: StudyDesign | None = None
    read_notes: tuple[str, ...] = ()

    # -- what the study is ----------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.design.id if self.design else self.source.stem

    @property
    def title(self) -> str:
        return self.design.title if self.design else f"Data file {self.source.name}"

    def instrument(self, instrument_id: str) -> Instrument:
        """The study's instrument ``instrument_id``; unknown ids are an ``InputError``."""
        for instrument in self.instruments:
            if instrument.id == instrument_id:
                return instrument
        known = ", ".join(i.id for i in self.instruments) or "none"
        raise InputError(f"the study has no instrument '{instrument_id}' (its instruments: {known})")

    def city_name(self, city: str, language: str = "en") -> str:
        """A city's display name (its id when the data do not name it)."""
        return self.cities[city].display_name(language) if city in self.cities else city

    def twins(self, city: str) -> tuple[str, ...]:
        return tuple(link.b if link.a == city else link.a for link in self.links if city in (link.a, link.b))

    def hubs(self) -> tuple[str, ...]:
        """Cities with more than one twin, most-linked first."""
        degree = {c: len(self.twins(c)) for c in self.cities}
        return tuple(sorted((c for c in degree if degree[c] > 1), key=lambda c: -degree[c]))

    def link_pairs(self, groups: Sequence[str] | None = None) -> list[tuple[str, str]]:
        """The twin links as (a, b) pairs, only those whose cities are both among ``groups`` when given."""
        present = set(self.answers["city"].astype(str)) if groups is None and "city" in self.answers else set(groups or ())
        return [(link.a, link.b) for link in self.links if link.a in present and link.b in present]

    @property
    def nonresponse(self) -> dict[str, dict[str, int]]:
        """Don't-know and refused answers per item."""
        from axiosphere.analysis.load import nonresponse_counts

        return nonresponse_counts(self.missing)

    # -- the one exclusion policy -----------------------------------------------------------

    @property
    def screened(self) -> tuple[Instrument, ...]:
        """Instruments whose rating items the quality checks screen: they declare conventions and the data hold their items."""
        columns = set(self.answers.columns)
        return tuple(i for i in self.instruments if (i.quality.straightline_min or i.quality.max_missing is not None)
                     and all(item in columns for item, v in i.items.items() if v.type == "rating"))

    @cached_property
    def quality(self) -> QualityReport:
        """Quality flags of every interview under the study's policy (nothing is dropped here)."""
        from axiosphere.analysis.quality import quality_flags

        by = "city" if "city" in self.answers.columns else None
        return quality_flags(self.answers, self.screened, policy=self.policy, by=by, paradata=self.paradata)

    @cached_property
    def exclusion(self) -> Exclusion:
        keep = self.quality.keep()
        flagged = int((~keep).sum())
        kept = len(keep) if self.keep_flagged else int(keep.sum())
        return Exclusion(self.policy, not self.keep_flagged, len(keep), flagged, kept, tuple(i.id for i in self.screened),
                         self.policy_source)

    @cached_property
    def data(self) -> pd.DataFrame:
        """The answers analysed: all interviews, less those the policy excludes (unless kept)."""
        keep = self.quality.keep().to_numpy()
        if self.keep_flagged or keep.all():
            return self.answers  # no copy of a million rows when nothing is dropped
        return self.answers[keep]

    def data_of(self, columns: Sequence[str]) -> pd.DataFrame:
        """The analysed rows of ``columns`` only: a command that reads a few columns of a million rows copies
        those, not every column of the kept rows (``data`` is copied whole when interviews are excluded)."""
        if "data" in self.__dict__:  # already made: a selection of it costs nothing more
            return self.data[[c for c in columns if c in self.data.columns]]
        # In the file's order: a selection in another order is a second copy of the rows when they are filtered.
        wanted = set(columns)
        frame = self.answers[[c for c in self.answers.columns if c in wanted]]
        keep = self.quality.keep().to_numpy()
        return frame if self.keep_flagged or keep.all() else frame[keep]

    def with_policy(self, *, keep_flagged: bool | None = None, rules: Mapping[str, Any] | None = None,
                    source: str | None = None) -> Study:
        """The same study under another policy: keep flagged interviews, or other thresholds."""
        policy = QualityPolicy.from_rules({**self.policy.to_dict(), **rules}) if rules else self.policy
        return replace(self, policy=policy, keep_flagged=self.keep_flagged if keep_flagged is None else keep_flagged,
                       policy_source=source or self.policy_source)

    def only_cities(self, cities: Sequence[str]) -> Study:
        """The study restricted to ``cities`` (flags are recomputed on the rows kept)."""
        mask = self.answers["city"].isin(list(cities)).to_numpy()
        paradata = None
        if self.paradata is not None:
            paradata = self.paradata[self.paradata["interview"].isin(self.answers.loc[mask, "interview"])]
        return replace(self, answers=self.answers[mask], missing=self.missing[mask], paradata=paradata)

    def notes(self, by: str | None = None) -> list[str]:
        """What the data hold that a result should say: how they were read, rows without a group,
        cities the study does not list, groups too small for stable estimates."""
        notes = list(self.read_notes)
        data = self.data
        if by is not None and by in data.columns:
            empty = int(data[by].isna().sum())
            if empty:
                notes.append(f"{empty} interview(s) have no value in '{by}' and are left out of the results by {by}")
            sizes = data[by].dropna().astype(str).value_counts()
            for group, n in sizes[sizes < 10].items():
                notes.append(f"{by} '{group}' has only {n} interview(s): its estimates and tests are unstable")
        if self.design is not None and "city" in data.columns:
            unknown = sorted(set(data["city"].dropna().astype(str)) - set(self.cities))
            if unknown:
                notes.append(f"cities in the data that the study does not list: {', '.join(unknown)}")
        return notes

    # -- scores ---------------------------------------------------------------------------

    def scores(self, instrument: Instrument | str, *, centre: str | None = None) -> Scores:
        """Scale scores of the analysed interviews under the study's options."""
        from axiosphere.analysis.scoring import score

        chosen = self.instrument(instrument) if isinstance(instrument, str) else instrument
        options = {k: v for k, v in self.options.items() if k in chosen.options}
        return score(self.data, chosen, options=options, centre=centre)

    def store_hash(self) -> str:
        """SHA-256 of the response store (empty for a plain data file)."""
        from axiosphere.survey.store import STORE_FILE

        store = self.source / STORE_FILE
        return hashlib.sha256(store.read_bytes()).hexdigest() if store.is_file() else ""


def open_study(path: str | Path, *, instruments: Any = None, links: str | Path | None = None,
               keep_flagged: bool = False, exclusions: Mapping[str, Any] | None = None) -> Study:
    """Open a study folder (its ``study.yaml`` and ``responses.sqlite``) or a plain data file.

    Parameters
    ----------
    path
        A study folder, or a ``.csv``, ``.parquet``, ``.sav`` or ``.dta`` file.
    instruments
        For a data file: the instrument(s) its columns answer (default: the bundled instruments
        whose items are columns of the file). For a study folder: ignored (the study names them).
    links
        For a data file: a study folder whose cities, twin links and options apply to it.
    keep_flagged
        Keep the interviews the exclusion policy would leave out.
    exclusions
        Rules overriding the study's ``exclusions:`` (thresholds, ``exclude`` flags).

    Returns
    -------
    Study

    Examples
    --------
    A study folder (``open_study("my-study")``) brings its cities, links and options; a data file its answers:

    >>> import pathlib, tempfile
    >>> from axiosphere.analysis.example_data import value_survey
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "answers.csv"
    >>> answers, values = value_survey({"orsha": (0.3, 0.0), "tver": (-0.3, 0.0)}, n=50, seed=1)
    >>> answers.to_csv(path, index=False)
    >>> study = open_study(path)  # the bundled instruments whose items are its columns: the value instrument
    >>> [i.id for i in study.instruments] == [values.id], study.data.groupby("city").size().to_dict()
    (True, {'orsha': 50, 'tver': 50})
    >>> study.exclusion.note
    '0 of 100 interviews excluded as flagged by the quality checks (policy from the default policy; --keep-flagged keeps them)'
    """
    from axiosphere.survey.study import load_study

    path = Path(path)
    if path.is_dir():
        study = _from_folder(load_study(path))
    else:
        study = _from_file(path, instruments, load_study(links) if links is not None else None)
    if keep_flagged or exclusions:
        study = study.with_policy(keep_flagged=keep_flagged, rules=exclusions,
                                  source="the command line" if exclusions else None)
    return study


def _from_folder(design: StudyDesign) -> Study:
    from axiosphere.analysis.load import split_missing
    from axiosphere.survey.export import build_table
    from axiosphere.survey.store import STORE_FILE, Store

    if not (design.folder / STORE_FILE).exists():
        raise InputError(f"no interviews in {design.folder} yet (run a survey, import data, or try: axiosphere demo)")
    with Store.for_study(design.folder, design.id) as store:
        table = build_table(design, store)
    # Codes are turned into NaN here; their kinds come from the store, never from the codes.
    answers, guessed = split_missing(table.frame, design.instruments)
    kinds = table.missing.reindex(columns=guessed.columns)
    if not len(answers):
        raise InputError(f"{design.folder / STORE_FILE} has no complete interview to analyse")
    source = f"{design.file.name}" if design.exclusions else "the default policy"
    return Study(design.folder, answers, kinds, design.instruments, design.cities, design.links,
                 dict(design.options), QualityPolicy.from_rules(design.exclusions), source, paradata=table.paradata,
                 design=design)


def _from_file(path: Path, instruments: Any, design: StudyDesign | None) -> Study:
    from axiosphere.analysis.load import matching_instruments, read_file, resolve_instruments, split_missing

    frame = read_file(path)
    read_notes = tuple(frame.attrs.get("notes", ()))
    # The instruments named, and every bundled one the file answers: missing codes and the quality
    # screen must not depend on which instrument a command happens to analyse.
    chosen = resolve_instruments(instruments)
    chosen += [i for i in matching_instruments(frame.columns) if i.id not in {c.id for c in chosen}]
    answers, kinds = split_missing(frame, chosen)
    answers.attrs.clear()
    recoded = int(kinds.notna().to_numpy().sum()) if len(kinds.columns) else 0
    if chosen:
        # Which instruments' codes were read as "don't know"/"refused" is said, not left to guess.
        read_notes += (f"{path.name} was read with the missing codes of {', '.join(i.id for i in chosen)}: "
                       f"{recoded} answer(s) recoded as don't know or refused",)
    if design is not None:
        cities = dict(design.cities)
        links, options, policy, source = design.links, dict(design.options), design.exclusions, design.file.name
    else:
        names = sorted(answers["city"].dropna().astype(str).unique()) if "city" in answers.columns else []
        cities = {c: City(c, {"en": c}, "", "") for c in names}
        links, options, policy, source = (), {}, {}, "the default policy"
    return Study(path, answers, kinds, tuple(chosen), cities, tuple(links), options, QualityPolicy.from_rules(policy),
                 source if policy else "the default policy", design=design, read_notes=read_notes)
