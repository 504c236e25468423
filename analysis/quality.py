"""Data-quality flags per interview: straight-lining, speeding, too many missing, attention checks.

Flags are reported, never applied silently: ``quality_flags`` marks each
interview and summarises by group; ``QualityReport.keep`` gives the rows an
exclusion policy keeps, and the policy travels with every result that used it.

Straight-lining and missing answers are screened on the rating items of each instrument
that declares its conventions (``quality:`` in its YAML, e.g. the ESS thresholds of a
values scale: 16 or more identical answers of 21, more than 5 missing); thresholds given
in the policy override the instruments'. Speeding uses the median seconds per answered
question from the store's per-answer paradata when given, else the interview's duration
divided by the questions answered.

Example
-------
>>> from axiosphere.instruments import bundled_names, resolve_instrument
>>> import pandas as pd
>>> screened = [i for i in map(resolve_instrument, bundled_names()) if i.quality.straightline_min][0]
>>> items = [i for i in screened.item_order() if screened.items[i].type == "rating"]
>>> low, high = screened.response_scales[screened.items[items[0]].scale].values[:2]
>>> data = pd.DataFrame([[low] * len(items), [low, high] * (len(items) // 2) + [low] * (len(items) % 2)], columns=items)
>>> quality_flags(data, screened).flags["straightline"].tolist()
[True, False]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from axiosphere.instruments.errors import InputError
from axiosphere.instruments.model import QUALITY_FLAGS as FLAGS
from axiosphere.instruments.model import Instrument

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class QualityPolicy:
    """Thresholds of the flags (``None``: each instrument's own convention), and which flags exclude.

    Examples
    --------
    >>> policy = QualityPolicy.from_rules({"straightline_min": 18, "exclude": ["straightline", "speeding"]})
    >>> policy.describe()
    'speeding: a median under 2 s per question; excluded when flagged for: straightline, speeding'
    """

    straightline_min: int | None = None
    max_missing: int | None = None
    min_seconds_per_item: float | None = 2.0
    max_fast_share: float | None = None
    min_sd: float | None = None
    attention: Mapping[str, Any] = field(default_factory=dict)
    exclude: tuple[str, ...] = FLAGS

    def __post_init__(self) -> None:
        unknown = [f for f in self.exclude if f not in FLAGS]
        if unknown:
            raise InputError(f"unknown quality flag(s) {', '.join(unknown)} (known: {', '.join(FLAGS)})")

    @classmethod
    def from_rules(cls, rules: Mapping[str, Any] | None = None) -> QualityPolicy:
        """A policy from a study file's or plan's ``exclusions:`` block (unknown rules are errors)."""
        rules = dict(rules or {})
        unknown = sorted(set(rules) - {"straightline_min", "max_missing", "min_seconds_per_item", "max_fast_share", "min_sd",
                                       "attention", "exclude"})
        if unknown:
            raise InputError(f"unknown exclusion rule(s) {', '.join(unknown)}")
        if "exclude" in rules:
            rules["exclude"] = tuple(rules["exclude"])
        return cls(**{k: v for k, v in rules.items() if v is not None})

    @classmethod
    def for_instrument(cls, instrument: Instrument, **overrides: Any) -> QualityPolicy:
        """The instrument's conventions (e.g. ESS thresholds), with ``overrides``."""
        base = {"straightline_min": instrument.quality.straightline_min, "max_missing": instrument.quality.max_missing}
        base.update({k: v for k, v in overrides.items() if v is not None})
        if "exclude" in base:
            base["exclude"] = tuple(base["exclude"])
        return cls(**base)

    def thresholds(self, instrument: Instrument) -> tuple[int | None, int | None]:
        """Straight-lining and missing thresholds applied to ``instrument``."""
        return (self.straightline_min or instrument.quality.straightline_min,
                self.max_missing if self.max_missing is not None else instrument.quality.max_missing)

    def describe(self, instruments: Sequence[Instrument] = ()) -> str:
        """One sentence, as the CLI and the report state the policy."""
        parts = []
        for instrument in instruments:
            straight, missing = self.thresholds(instrument)
            rated = sum(1 for i in instrument.items.values() if i.type == "rating")
            parts.append(f"{instrument.id}: {straight}+ identical of {rated} rating answers is straight-lining, "
                         f"more than {missing} missing is too many")
        if self.min_seconds_per_item:
            parts.append(f"speeding: a median under {self.min_seconds_per_item:g} s per question"
                         + (f", or more than {self.max_fast_share:.0%} of answers under it" if self.max_fast_share else ""))
        if self.min_sd is not None:
            parts.append(f"straight-lining also: a within-person SD under {self.min_sd:g} in a screened block")
        flags = ", ".join(self.exclude) or "nothing"
        return "; ".join(parts) + f"; excluded when flagged for: {flags}"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["attention"] = dict(self.attention)
        data["exclude"] = list(self.exclude)
        return data


@dataclass(frozen=True)
class QualityReport:
    """Flags per interview, a summary per group, and the policy that produced them."""

    flags: pd.DataFrame
    summary: pd.DataFrame
    policy: QualityPolicy
    instruments: tuple[str, ...]
    speed_source: str = "none"

    @property
    def instrument(self) -> str:
        """The screened instruments' ids, comma-separated."""
        return ", ".join(self.instruments)

    def keep(self) -> pd.Series:
        """Boolean mask of the interviews the policy keeps."""
        return ~self.flags["exclude"]

    def to_frame(self) -> pd.DataFrame:
        return self.flags

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "instruments": list(self.instruments), "policy": self.policy.to_dict(),
                "speed_source": self.speed_source,
                "summary": self.summary.to_dict(orient="records"),
                "flagged": int(self.flags["exclude"].sum()), "n": len(self.flags)}


def quality_flags(data: pd.DataFrame, instruments: Instrument | Sequence[Instrument], *, policy: QualityPolicy | None = None,
                  by: str | None = None, paradata: pd.DataFrame | None = None) -> QualityReport:
    """Flag each interview of ``data`` (items with missing answers as NaN).

    Parameters
    ----------
    data
        One row per interview; item columns with non-answers as NaN.
    instruments
        The instrument(s) whose rating items are screened for straight-lining and missing
        answers (each with its own thresholds unless the policy sets them).
    policy
        Thresholds and the flags that exclude; default: the instruments' conventions, 2 s per question.
    by
        Column to summarise by (e.g. ``city``).
    paradata
        One row per interview and answered question with ``seconds`` on screen, linked to
        ``data`` through an ``interview`` column; otherwise speeding uses ``duration_min``.

    References
    ----------
    Schwartz, "Computing scores for the 10 human values" (ESS): respondents with more than
    5 missing PVQ answers or 16+ identical answers are excluded. Leiner (2019), Survey Research
    Methods 13, 229-248, on speeding indices.

    Examples
    --------
    >>> from axiosphere.analysis.example_data import value_survey
    >>> data, pvq = value_survey({"orsha": (0.3, 0.0), "tver": (-0.3, 0.0)}, n=50, seed=1)
    >>> data.loc[0, [i for i in pvq.item_order() if pvq.items[i].type == "rating"]] = 3  # one straight-liner
    >>> data["duration_min"] = 10.0
    >>> data.loc[1, "duration_min"] = 0.5  # 30 s for 21 answers: under 2 s each
    >>> report = quality_flags(data, pvq, by="city")
    >>> report.summary[["group", "n", "straightline", "speeding", "excluded"]]
       group   n  straightline  speeding  excluded
    0  orsha  50             1         1         2
    1   tver  50             0         0         0
    """
    import pandas as pd

    screened = [instruments] if isinstance(instruments, Instrument) else list(instruments)
    policy = policy or (QualityPolicy.for_instrument(screened[0]) if len(screened) == 1 else QualityPolicy())
    longest = np.zeros(len(data), dtype=int)
    n_missing = np.zeros(len(data), dtype=int)
    straightline = np.zeros(len(data), dtype=bool)
    too_many = np.zeros(len(data), dtype=bool)
    answered_total = np.zeros(len(data), dtype=int)
    longest_run = np.zeros(len(data), dtype=int)
    sd_within = np.full(len(data), np.nan)
    for instrument in screened:
        items = [i for i in instrument.item_order() if instrument.items[i].type == "rating"]
        missing_columns = [i for i in items if i not in data.columns]
        if missing_columns:
            raise InputError(f"the data have no column for item(s) {', '.join(missing_columns[:5])} of '{instrument.id}'")
        count, same, run, spread = _screen([data[item].to_numpy(dtype="float64", na_value=np.nan) for item in items])
        answered_total += count
        missing_here = len(items) - count
        straight_min, max_missing = policy.thresholds(instrument)
        if straight_min:
            straightline |= same >= straight_min
        if policy.min_sd is not None:
            straightline |= np.nan_to_num(spread, nan=np.inf) < policy.min_sd
        longest_run = np.maximum(longest_run, run)
        sd_within = np.fmin(sd_within, spread)  # the most uniform block; NaN only where no block has two answers
        if max_missing is not None:
            too_many |= missing_here > max_missing
        longest = np.maximum(longest, same)
        n_missing += missing_here
    flags = pd.DataFrame({"longest_same": longest, "longest_run": longest_run, "sd_within": sd_within,
                          "n_missing": n_missing, "straightline": straightline, "too_many_missing": too_many},
                         index=data.index)
    threshold = policy.min_seconds_per_item
    seconds, fast_share, source = _speed(data, answered_total, paradata, threshold)
    flags["seconds_per_item"], flags["fast_share"] = seconds, fast_share
    speeding = (flags["seconds_per_item"] < threshold).fillna(False) if threshold else pd.Series(False, index=data.index)
    if threshold and policy.max_fast_share is not None:
        speeding |= (flags["fast_share"] > policy.max_fast_share).fillna(False)
    flags["speeding"] = speeding
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
    return QualityReport(flags, summary, policy, tuple(i.id for i in screened), source)


def _screen(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per respondent, in one pass over the answers a question at a time (no copy of the whole block): answers
    given, the most frequent answer's count, the longest run of one answer in questionnaire order (a missing answer
    ends a run), and the SD (n - 1) of the answers (NaN with fewer than two)."""
    import pandas as pd

    rows = len(columns[0]) if columns else 0
    count, best, current = (np.zeros(rows, dtype=np.int32) for _ in range(3))
    total, squares, x = np.zeros(rows), np.zeros(rows), np.empty(rows)
    tally = np.uint8 if len(columns) < 256 else np.int32  # a count per answer code and respondent: 1 byte, not 4
    frequency: dict[float, np.ndarray] = {}
    previous = np.full(rows, np.nan)
    for column in columns:
        seen = ~np.isnan(column)
        count += seen
        np.copyto(x, column)
        x[~seen] = 0.0
        total += x
        x *= x
        squares += x
        for code in pd.unique(column[seen]) if seen.any() else ():
            frequency.setdefault(code, np.zeros(rows, dtype=tally))
            frequency[code] += column == code
        current += 1
        current[column != previous] = 1  # NaN never equals anything: a missing answer restarts the run
        current[~seen] = 0
        np.maximum(best, current, out=best)
        previous = column
    same = np.zeros(rows, dtype=np.int32)
    for counts in frequency.values():
        np.maximum(same, counts, out=same)
    with np.errstate(invalid="ignore", divide="ignore"):
        total *= total
        total /= count
        squares -= total
        squares /= count - 1
    np.maximum(squares, 0.0, out=squares)
    np.sqrt(squares, out=squares)
    squares[count < 2] = np.nan
    return count, same, best, squares


def _speed(data: pd.DataFrame, n_answered: np.ndarray, paradata: pd.DataFrame | None,
           threshold: float | None) -> tuple[np.ndarray, np.ndarray, str]:
    """Median seconds per answered question and the share of answers under ``threshold``, and their source:
    the store's per-answer timings, else the interview's duration over the questions answered."""
    if paradata is not None and len(paradata):
        if not {"interview", "seconds"} <= set(paradata.columns) or "interview" not in data.columns:
            raise InputError("paradata need columns 'interview' and 'seconds', and the data an 'interview' column")
        grouped = paradata.groupby("interview")["seconds"]
        median = data["interview"].map(grouped.median()).astype("float64").to_numpy()
        fast = (data["interview"].map((paradata["seconds"] < (threshold or 0)).groupby(paradata["interview"]).mean())
                .astype("float64").to_numpy())
        return median, fast, "per-answer timings"
    if "duration_min" in data.columns:
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = data["duration_min"].to_numpy(dtype="float64") * 60 / np.where(n_answered > 0, n_answered, np.nan)
        return rate, np.full(len(data), np.nan), "interview duration over the questions answered"
    return np.full(len(data), np.nan), np.full(len(data), np.nan), "none"
