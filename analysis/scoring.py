"""Scoring: direction, reverse keys, the minimum-valid rule, composites and MRAT centring.

Every step follows the instrument, never the data:

- an item on a scale whose low end means "more" (the PVQ's 1 = "very much like me")
  is turned round, ``low + high - x``, so that higher always means more;
- a reverse-keyed item of a scale is turned round again within that scale;
- a scale score is the mean of the valid items when at least ``min_valid`` are valid,
  else missing; a composite is the mean of all items of its member scales;
- for value instruments (``centring: mrat``) each score also comes centred on the
  respondent's mean rating over all the instrument's rating items (MRAT), the ESS
  correction for individual differences in scale use (Schwartz, "Computing scores
  for the 10 human values").

Example
-------
>>> from axiosphere.instruments import bundled_names, resolve_instrument
>>> import pandas as pd
>>> values = next(i for i in map(resolve_instrument, bundled_names()) if i.circumplex is not None)
>>> data = pd.DataFrame({i: [1, 6] for i in values.item_order() if values.items[i].type == "rating"})
>>> score(data, values).raw[values.circumplex.order[0]].tolist()  # its scale says "more" is at 1
[6.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.model import Instrument


@dataclass(frozen=True)
class Scores:
    """Scale scores of one instrument, with what produced them."""

    raw: Any
    centred: Any | None
    mrat: Any | None
    instrument: str
    options: Mapping[str, str] = field(default_factory=dict)
    min_valid: Mapping[str, int] = field(default_factory=dict)

    def to_frame(self) -> Any:
        """Raw scores, then centred scores suffixed ``_c`` and the MRAT, in one frame."""
        import pandas as pd

        parts = [self.raw]
        if self.centred is not None:
            parts += [self.centred.add_suffix("_c"), self.mrat.rename("mrat").to_frame()]
        return pd.concat(parts, axis=1)

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "options": dict(self.options), "min_valid": dict(self.min_valid),
                "centring": "mrat" if self.centred is not None else "none",
                "scores": self.to_frame().to_dict(orient="list")}


def rating_items(instrument: Instrument) -> list[str]:
    """The instrument's scored (rating) items in questionnaire order."""
    return [i for i in instrument.item_order() if instrument.items[i].type == "rating"]


def _numeric(data: Any, columns: list[str], instrument: Instrument) -> Any:
    import pandas as pd

    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError(f"the data have no column for item(s) {', '.join(missing)} of instrument '{instrument.id}'")
    frame = data[columns]
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise InputError(f"item column(s) {', '.join(bad)} hold non-numeric values; recode or load the data with analysis.load")
    return frame.astype("float64")


def directed_items(data: Any, instrument: Instrument, items: list[str] | None = None) -> Any:
    """Rating items turned so that higher means more; codes outside the scale raise ``ValueError``."""
    import numpy as np

    items = items or rating_items(instrument)
    frame = _numeric(data, items, instrument)
    for item in items:
        scale = instrument.item_scale(item)
        column = frame[item]
        answers = column.to_numpy()
        # numpy compares with a few codes in one pass each; pandas' isin hashes every value (10x slower).
        outside = ~np.isnan(answers) & ~np.isin(answers, scale.values)
        if outside.any():
            examples = ", ".join(f"{v:g}" for v in sorted(column[outside].unique())[:5])
            raise InputError(f"item {item} has values outside its scale {scale.low}..{scale.high}: {examples} "
                             "(missing codes must be NaN: load the data with analysis.load)")
        if scale.more_at == "low":
            frame[item] = scale.low + scale.high - column
    return frame


def keyed_items(data: Any, instrument: Instrument, scale_id: str, options: Mapping[str, str] | None = None, *,
                items: list[str] | None = None) -> Any:
    """The items of a scale (or ``items``, those of them present), directed and reverse-keyed: what reliability
    is computed on."""
    items = items or list(instrument.scale_items(scale_id, options))
    frame = directed_items(data, instrument, items)
    for item in items:
        if instrument.is_reversed(scale_id, item):
            scale = instrument.item_scale(item)
            frame[item] = scale.low + scale.high - frame[item]
    return frame


def score(data: Any, instrument: Instrument, *, options: Mapping[str, str] | None = None,
          centre: str | None = None) -> Scores:
    """Score every scale and composite of ``instrument`` for each row of ``data``.

    Parameters
    ----------
    data
        One row per respondent, one column per item, missing answers as NaN.
    instrument
        The instrument whose scoring key is applied.
    options
        Analysis options the instrument declares (``{option: choice}``); defaults from the instrument.
    centre
        ``"mrat"`` or ``"none"``; default: the instrument's own setting.

    Returns
    -------
    Scores
        ``raw`` scale scores (NaN where fewer than ``min_valid`` items are valid), and for
        MRAT centring the ``centred`` scores and the ``mrat`` per respondent.

    References
    ----------
    Schwartz, S. H. (2003). A proposal for measuring value orientations across nations.
    ESS Questionnaire Development Package, ch. 7. Scoring and centring as in Schwartz,
    "Computing scores for the 10 human values" (ESS documentation).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_survey
    >>> data, pvq = value_survey({"orsha": (0.3, 0.0), "tver": (-0.3, 0.0)}, n=100, seed=1)
    >>> scores = score(data, pvq)  # the PVQ is MRAT-centred: each value relative to the person's mean
    >>> scores.centred.groupby(data["city"])[["universalism", "power"]].mean().round(2)
           universalism  power
    city
    orsha          0.24  -0.24
    tver          -0.23   0.29
    """
    import pandas as pd

    resolved = instrument.resolve_options(options)
    centre = centre or instrument.centring
    if centre not in ("mrat", "none"):
        raise InputError(f"centre must be 'mrat' or 'none', not '{centre}'")
    items = rating_items(instrument)
    scored = [i for s in instrument.scales for i in instrument.scale_items(s, resolved)]
    wanted = [i for i in items if i in set(scored) or centre == "mrat"]
    present = [i for i in wanted if i in data.columns]
    if not present:
        raise InputError(f"the data have no column for any item of instrument '{instrument.id}'")
    # Absent items count as unanswered: a scale is scored when enough of its items are present (min_valid).
    directed = directed_items(data, instrument, present).reindex(columns=wanted)
    items = [i for i in items if i in present] if centre == "mrat" else items
    raw = {}
    for scale_id, scale in instrument.scales.items():
        members = list(instrument.scale_items(scale_id, resolved))
        block = directed[members].copy()
        for item in members:
            if instrument.is_reversed(scale_id, item):
                s = instrument.item_scale(item)
                block[item] = s.low + s.high - block[item]
        valid = block.notna().sum(axis=1)
        raw[scale_id] = block.mean(axis=1).where(valid >= scale.min_valid)
    raw_frame = pd.DataFrame(raw, index=data.index)
    if centre == "none":
        return Scores(raw_frame, None, None, instrument.id, resolved, {s: v.min_valid for s, v in instrument.scales.items()})
    mrat = directed[items].mean(axis=1)
    centred = raw_frame.sub(mrat, axis=0)
    return Scores(raw_frame, centred, mrat, instrument.id, resolved, {s: v.min_valid for s, v in instrument.scales.items()})
