"""Data-quality flags per interview: straight-lining, speeding, too many missing, attention checks.

Flags are reported, never applied silently: :func:`quality_flags` marks each
interview and summarises by group; :meth:`QualityReport.keep` gives the rows an
exclusion policy keeps, and the policy travels with every result that used it.

Defaults follow the instrument (for pvq21 the ESS conventions: 16 or more identical
answers of 21 is straight-lining, more than 5 missing of 21 excludes). Speeding uses
per-item seconds from the store's paradata when given, else the interview's duration
divided by the questions answered.

Example
-------
>>> from instruments import resolve_instrument
>>> import pandas as pd
>>> pvq = resolve_instrument("pvq21")
>>> items = [i for i in pvq.item_order() if pvq.items[i].type == "rating"]
>>> data = pd.DataFrame([[3] * 21, list(range(1, 7)) * 3 + [1, 2, 3]], columns=items)
>>> quality_flags(data, pvq).flags["straightline"].tolist()
[True, False]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from instruments.errors import InputError
from instruments.model import Instrument

FLAGS = ("straightline", "too_many_missing", "speeding", "attention_failed")


@dataclass(frozen=True)
class QualityPolicy:
    """Thresholds of the flags, and which flags exclude an interview."""

    straightline_min: int | None = None
    max_missing: int | None = None
    min_seconds_per_item: float | None = 2.0
    attention: Mapping[str, Any] = field(default_factory=dict)
    exclude: tuple[str, ...] = FLAGS

    @classmethod
    def for_instrument(cls, instrument: Instrument, **overrides: Any) -> QualityPolicy:
        """The instrument's conventions (e.g. the ESS thresholds of pvq21), with ``overrides``."""
        base = {"straightline_min": instrument.quality.straightline_min, "max_missing": instrument.quality.max_missing}
        base.update({k: v for k, v in overrides.items() if v is not None})
        unknown = [f for f in base.get("exclude", ()) if f not in FLAGS]
        if unknown:
            raise InputError(f"unknown quality flag(s) {', '.join(unknown)} (known: {', '.join(FLAGS)})")
        return cls(**base)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["attention"] = dict(self.attention)
        data["exclude"] = list(self.exclude)
        return data


@dataclass(frozen=True)
class QualityReport:
    """Flags per interview, a summary per group, and the policy that produced them."""

    flags: Any
    summary: Any
    policy: QualityPolicy
    instrument: str

    def keep(self) -> Any:
        """Boolean mask of the interviews the policy keeps."""
        return ~self.flags["exclude"]

    def to_frame(self) -> Any:
        return self.flags

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "policy": self.policy.to_dict(),
                "summary": self.summary.to_dict(orient="records"),
                "flagged": int(self.flags["exclude"].sum()), "n": len(self.flags)}


def quality_flags(data: Any, instrument: Instrument, *, policy: QualityPolicy | None = None, by: str | None = None,
                  paradata: Any = None) -> QualityReport:
    """Flag each interview of ``data`` (items with missing answers as NaN).

    ``paradata``, when given, has one row per interview and item with ``seconds`` spent
    (index aligned with ``data`` through an ``interview`` column); otherwise speeding uses
    the ``duration_min`` column when present.

    References
    ----------
    Schwartz, "Computing scores for the 10 human values" (ESS): respondents with more than
    5 missing PVQ answers or 16+ identical answers are excluded. Leiner (2019), Survey Research
    Methods 13, 229-248, on speeding indices.
    """
    import pandas as pd

    policy = policy or QualityPolicy.for_instrument(instrument)
    items = [i for i in instrument.item_order() if instrument.items[i].type == "rating"]
    missing_columns = [i for i in items if i not in data.columns]
    if missing_columns:
        raise InputError(f"the data have no column for item(s) {', '.join(missing_columns[:5])} of '{instrument.id}'")
    values = data[items].to_numpy(dtype="float64")
    answered = ~np.isnan(values)
    n_missing = (~answered).sum(axis=1)
    codes = np.unique(values[answered]) if answered.any() else np.array([])
    longest = np.zeros(len(data), dtype=int)
    for code in codes:
        longest = np.maximum(longest, (values == code).sum(axis=1))
    flags = pd.DataFrame({"longest_same": longest, "n_missing": n_missing}, index=data.index)
    flags["straightline"] = longest >= policy.straightline_min if policy.straightline_min else False
    flags["too_many_missing"] = n_missing > policy.max_missing if policy.max_missing is not None else False
    flags["seconds_per_item"] = _seconds_per_item(data, answered.sum(axis=1), paradata)
    threshold = policy.min_seconds_per_item
    flags["speeding"] = (flags["seconds_per_item"] < threshold).fillna(False) if threshold else False
    flags["attention_failed"] = False
    for item, expected in policy.attention.items():
        if item not in data.columns:
            raise InputError(f"attention-check item '{item}' is not a column of the data")
        flags["attention_failed"] |= (data[item] != expected).to_numpy()
    flags["exclude"] = flags[list(policy.exclude)].any(axis=1) if policy.exclude else False
    group = data[by].astype(str) if by else pd.Series("all", index=data.index)
    summary = flags[[*FLAGS, "exclude"]].groupby(group).sum().astype(int)
    summary.insert(0, "n", group.value_counts().reindex(summary.index).astype(int))
    summary = summary.rename(columns={"exclude": "excluded"}).reset_index(names="group")
    return QualityReport(flags, summary, policy, instrument.id)


def _seconds_per_item(data: Any, n_answered: np.ndarray, paradata: Any) -> Any:
    import pandas as pd

    if paradata is not None:
        if not {"interview", "seconds"} <= set(paradata.columns) or "interview" not in data.columns:
            raise InputError("paradata need columns 'interview' and 'seconds', and the data an 'interview' column")
        median = paradata.groupby("interview")["seconds"].median()
        return data["interview"].map(median).astype("float64").to_numpy()
    if "duration_min" in data.columns:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = data["duration_min"].to_numpy(dtype="float64") * 60 / np.where(n_answered > 0, n_answered, np.nan)
        return rate
    return pd.Series(np.nan, index=data.index).to_numpy()
