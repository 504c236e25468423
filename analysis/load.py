"""Reading a data file for analysis: CSV, Parquet, SPSS or Stata.

Returns the wide DataFrame of the design (one row per respondent, one column per
item, metadata columns such as ``city``) with the instrument's "don't know" and
"refused" codes turned into NaN. What kind of non-answer each was is kept apart
(``split_missing``); the counts per item are in ``frame.attrs["nonresponse"]``.
A study folder is opened with ``axiosphere.open_study``, which reads the kinds the
interviews recorded instead of guessing them from codes.

Example
-------
>>> import pandas as pd
>>> from axiosphere.instruments import bundled_names, resolve_instrument
>>> civic = next(i for i in map(resolve_instrument, bundled_names()) if i.scales_about("trust"))
>>> item = civic.scales[civic.rating_scales()[0]].items[0]
>>> code = civic.item_scale(item).missing[0].code
>>> frame, counts = recode_missing(pd.DataFrame({item: [3, code]}), [civic])
>>> frame[item].isna().tolist(), counts[item][civic.item_scale(item).missing[0].kind]
([False, True], 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.model import Instrument

if TYPE_CHECKING:
    import pandas as pd

_STATA = {"d": "dont_know", "r": "refused"}
FILE_TYPES = (".csv", ".parquet", ".sav", ".dta")


def resolve_instruments(instrument: str | Path | Instrument | Sequence[str | Path | Instrument] | None) -> list[Instrument]:
    """Instruments from ids, paths or ``Instrument`` objects (one or a list)."""
    from axiosphere.instruments.registry import resolve_instrument

    if instrument is None:
        return []
    if isinstance(instrument, (Instrument, str, Path)):
        instrument = [instrument]
    return [i if isinstance(i, Instrument) else resolve_instrument(str(i)) for i in instrument]


def split_missing(frame: pd.DataFrame, instruments: Iterable[Instrument]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Item values with don't-know/refused codes as NaN, and the kind of each such non-answer.

    The second frame has the same index and one column per recoded item, holding
    ``"dont_know"``, ``"refused"`` or missing.
    """
    import numpy as np
    import pandas as pd

    # Kinds as a categorical (one byte a cell, not an object pointer); the frame shallow-copied (copy-on-write):
    # for a million interviews the whole-frame and object copies were most of the command's memory.
    kind_type = pd.CategoricalDtype(["dont_know", "refused"])
    values: dict[str, Any] = {}
    kinds: dict[str, Any] = {}
    for instrument in instruments:
        for item_id in instrument.items:
            codes = instrument.missing_codes(item_id)
            if item_id not in frame.columns or item_id in values or (instrument.item_scale(item_id) is None and not codes):
                continue
            column = frame[item_id]
            kind = np.full(len(frame), -1, dtype=np.int8)
            if column.dtype == object:  # Stata extended missing values read as letters
                letters = column.map(lambda v: _STATA.get(v) if isinstance(v, str) else None)
                for code, name in enumerate(kind_type.categories):
                    kind[(letters == name).to_numpy()] = code
                column = column.where(letters.isna())
            answers = column.to_numpy(dtype="float64", na_value=np.nan)
            hits = [(answers == code.code, code.kind) for code in codes]
            recoded = any(hit.any() for hit, _ in hits)
            if recoded:
                answers = answers.copy()
                for hit, name in hits:
                    kind[hit] = kind_type.categories.get_loc(name)
                    answers[hit] = np.nan
            # Analysis works on float64 with NaN for every non-answer (nullable Int64 from the store included);
            # a float64 column with nothing to recode is kept as it is, not copied.
            if recoded or column.dtype != np.float64:
                values[item_id] = answers
            kinds[item_id] = pd.Categorical.from_codes(kind, dtype=kind_type)
    out = frame.copy(deep=False)
    for item_id, column in values.items():  # not assign(**values): an item may be called "self"
        out[item_id] = column
    return out, pd.DataFrame(kinds, index=frame.index)


def nonresponse_counts(kinds: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Don't-know and refused answers per item, from a frame of missing kinds."""
    return {item: {kind: int((kinds[item] == kind).sum()) for kind in ("dont_know", "refused")} for item in kinds.columns}


def recode_missing(frame: pd.DataFrame, instruments: Iterable[Instrument]) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """Turn each item's don't-know/refused codes into NaN; return the frame and the counts per item."""
    values, kinds = split_missing(frame, instruments)
    counts = nonresponse_counts(kinds)
    values.attrs["nonresponse"] = counts
    return values, counts


def read_file(path: str | Path) -> pd.DataFrame:
    """The raw table of a ``.csv``, ``.parquet``, ``.sav`` or ``.dta`` file (codes as stored)."""
    import pandas as pd

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder: open a study folder with axiosphere.open_study (the CLI does this itself)")
    if not path.is_file():
        raise InputError(f"no data file or study folder at {path}")
    suffix = path.suffix.lower()
    if suffix not in FILE_TYPES:
        raise InputError(f"cannot read {path.name}: expected a study folder or a .csv, .parquet, .sav or .dta file")
    notes = []
    try:
        if suffix == ".csv":
            header = _csv_header(path)
            separator = ","
            if len(header) == 1 and header[0].count(";") >= 1:
                separator = ";"
                notes.append(f"{path.name} separates its columns with ';' and was read that way")
                header = header[0].split(";")
            seen: dict[str, int] = {}
            for n, name in enumerate(header, 1):
                if name in seen:
                    raise InputError(f"column '{name}' appears twice in {path.name} (columns {seen[name]} and {n}); "
                                     "rename one so that it is clear which holds the answers")
                seen[name] = n
            frame = pd.read_csv(path, sep=separator)
        elif suffix == ".parquet":
            import pyarrow

            frame = pd.read_parquet(path)
            # Arrow's allocator keeps the file's buffers (about the data's size again) after pandas has copied them
            # out, and hands them back to the system only when it gets round to it: a million rows' analysis then
            # peaked 200 MB higher in one run than in the next. Hand them back now.
            pyarrow.default_memory_pool().release_unused()
        else:
            import pyreadstat

            reader = pyreadstat.read_sav if suffix == ".sav" else pyreadstat.read_dta
            frame = reader(path, user_missing=True)[0]
    except InputError:
        raise
    except Exception as exc:  # readers raise many types for damaged files
        raise InputError(f"cannot read {path}: {exc}") from None
    frame.attrs["notes"] = notes
    return frame


def _csv_header(path: Path) -> list[str]:
    import csv

    with open(path, newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def load(path: str | Path, instrument: Any = None) -> pd.DataFrame:
    """Load a data file for analysis.

    Parameters
    ----------
    path
        A ``.csv``, ``.parquet``, ``.sav`` or ``.dta`` file.
    instrument
        Instrument(s) whose missing codes apply (id, path or ``Instrument``, or a list);
        without it, the bundled instruments whose items are columns of the file.

    Returns
    -------
    pandas.DataFrame
        Items with missing codes as NaN; ``attrs["nonresponse"]`` counts them per item.
    """
    frame = read_file(path)
    instruments = resolve_instruments(instrument) or matching_instruments(frame.columns)
    return recode_missing(frame, instruments)[0]


def matching_instruments(columns: Iterable[str]) -> list[Instrument]:
    """Bundled instruments with any of their rating items among ``columns``: their missing codes
    are recoded even when a file holds only a few of their items."""
    from axiosphere.instruments.registry import bundled_names, resolve_instrument

    present = set(columns)
    found = []
    for name in bundled_names():
        instrument = resolve_instrument(name)
        if any(i in present for i, item in instrument.items.items() if item.type == "rating"):
            found.append(instrument)
    return found
