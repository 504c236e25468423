"""Analysis: pure functions on DataFrames (scoring, quality, reliability, comparison, weights).

Takes a tidy DataFrame (one row per respondent, one column per item, plus metadata
columns such as ``city``) and an ``instruments.Instrument``; apart from reading a
study folder in ``load``, it never imports ``survey`` or ``reports``.

>>> import axiosphere.analysis as analysis
>>> sorted(n for n in analysis.__all__)[:3]
['QualityPolicy', 'compare', 'instrument_reliability']
"""

from axiosphere.analysis.compare import compare
from axiosphere.analysis.load import load
from axiosphere.analysis.quality import QualityPolicy, quality_flags
from axiosphere.analysis.reliability import instrument_reliability, reliability
from axiosphere.analysis.scoring import score
from axiosphere.analysis.weights import rake

__all__ = ["QualityPolicy", "compare", "instrument_reliability", "load", "quality_flags", "rake", "reliability", "score"]
