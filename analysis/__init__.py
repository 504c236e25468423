"""Analysis: pure functions on DataFrames (scoring, quality, reliability, invariance, comparison, value maps).

Takes a tidy DataFrame (one row per respondent, one column per item, plus metadata
columns such as ``city``) and an :class:`instruments.Instrument`; never imports
``survey`` or ``reports``.
"""
