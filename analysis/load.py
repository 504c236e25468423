"""Loading data for analysis: a study folder or a CSV, Parquet, SPSS or Stata file.

Returns the wide DataFrame of the design (one row per respondent, one column per
item, metadata columns such as ``city``) with the instrument's "don't know" and
"refused" codes turned into NaN. How many of each there were, per item, is kept
apart in ``frame.attrs["nonresponse"]`` (and returned by :func:`recode_missing`).

Example
-------
>>> frame = load("answers.sav", instrument="pvq21")  # doctest: +SKIP
>>> frame.attrs["nonresponse"]["ipcrtiv"]  # doctest: +SKIP
{'dont_know': 12, 'refused': 3}
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from instruments.errors import InputError
from instruments.model import Instrument

_STATA = {"d": "dont_know", "r": "refused"}


def _instruments(instrument: Any) -> list[Instrument]:
    from instruments.registry import resolve_instrument

    if instrument is None:
        return []
    if isinstance(instrument, Instrument):
        return [instrument]
    if isinstance(instrument, str):
        return [resolve_instrument(instrument)]
    return [i if isinstance(i, Instrument) else resolve_instrument(i) for i in instrument]


def recode_missing(frame: Any, instruments: Iterable[Instrument]) -> tuple[Any, dict[str, dict[str, int]]]:
    """Turn each item's don't-know/refused codes into NaN; return the frame and the counts per item."""
    frame = frame.copy()
    counts: dict[str, dict[str, int]] = {}
    for instrument in instruments:
        for item_id, item in instrument.items.items():
            scale = instrument.item_scale(item_id)
            if item_id not in frame.columns or scale is None:
                continue
            column = frame[item_id]
            tally = {"dont_know": 0, "refused": 0}
            if column.dtype == object:  # Stata extended missing values read as letters
                letters = column.map(lambda v: _STATA.get(v) if isinstance(v, str) else None)
                for kind in tally:
                    tally[kind] += int((letters == kind).sum())
                column = column.where(letters.isna())
            for code in scale.missing:
                hit = column == code.code
                tally[code.kind] += int(hit.sum())
                column = column.mask(hit)
            frame[item_id] = column.astype("float64") if column.dtype == object else column
            counts[item_id] = tally
    frame.attrs["nonresponse"] = counts
    return frame, counts


def load(path: str | Path, instrument: Any = None) -> Any:
    """Load a study folder's answers or a data file for analysis.

    Parameters
    ----------
    path
        A study folder (its ``responses.sqlite``: complete interviews), or a ``.csv``,
        ``.parquet``, ``.sav`` or ``.dta`` file.
    instrument
        Instrument(s) whose missing codes apply (id, path or :class:`Instrument`, or a list).
        For a study folder, the study's instruments; for a file without it, the bundled
        instruments whose items are columns of the file.

    Returns
    -------
    pandas.DataFrame
        Items with missing codes as NaN; ``attrs["nonresponse"]`` counts them per item.
    """
    import pandas as pd

    path = Path(path)
    if path.is_dir():
        # A study folder is fieldwork's artefact: its store is read through survey's export, the
        # one place analysis reaches into survey (everything else here takes DataFrames).
        from survey.export import build_table
        from survey.store import Store
        from survey.study import load_study

        study = load_study(path)
        with Store.for_study(study.folder, study.id) as store:
            frame = build_table(study, store).frame
        return recode_missing(frame, _instruments(instrument) or list(study.instruments))[0]
    if not path.is_file():
        raise InputError(f"no data file or study folder at {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix in (".sav", ".dta"):
            import pyreadstat

            reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
            frame, _ = reader(path, user_missing=True)
        else:
            raise InputError(f"cannot read {path.name}: expected a study folder or a .csv, .parquet, .sav or .dta file")
    except InputError:
        raise
    except Exception as exc:  # readers raise many types for damaged files
        raise InputError(f"cannot read {path}: {exc}") from None
    instruments = _instruments(instrument) or matching_instruments(frame.columns)
    return recode_missing(frame, instruments)[0]


def matching_instruments(columns: Iterable[str]) -> list[Instrument]:
    """Bundled instruments with at least half of their rating items among ``columns``."""
    from instruments.registry import bundled_names, resolve_instrument

    present = set(columns)
    found = []
    for name in bundled_names():
        instrument = resolve_instrument(name)
        rated = [i for i, item in instrument.items.items() if item.type == "rating"]
        if rated and sum(i in present for i in rated) >= len(rated) / 2:
            found.append(instrument)
    return found
