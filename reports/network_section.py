"""The report's twin-network part: are twinned cities closer in values than the other pairs? A sentence with the
numbers, the QAP logit as an APA table, and the dyad plot (with the two-country network where there are two)."""

from __future__ import annotations

from typing import Any

from axiosphere.reports.apa import number, p_value
from axiosphere.reports.tables import Table


def _activity(fit: Any) -> str:
    """The sentence on whether a tie's activity (contacts a year; 0 for a dormant tie and for no tie) falls with value
    distance, or why there is none."""
    if fit is None:
        return (" Whether a tie's activity grows with closeness is not tested: not every link gives its contacts a year "
                "(contacts_per_year, or active: false) in the study's links.")
    row = fit.table.set_index("term").loc["value_distance"]
    trend = "fell" if row["estimate"] < 0 else "rose"
    verdict = (f"activity {trend} reliably with value distance" if row["p_permutation"] < 0.05
               else "activity did not change reliably with value distance")
    return (f" Across the same pairs, {verdict} (contacts a year, 0 for dormant ties and untwinned pairs; least "
            f"squares b = {number(row['estimate'])}, QAP p = {p_value(row['p_permutation'])}).")


def network_entry(entry: Any) -> dict[str, Any]:
    """Title, text and table of the report's network part (``network_stage.NetworkEntry``)."""
    dyads, fit = entry.dyads.frame, entry.fit
    linked, other = dyads.loc[dyads["tie"] == 1, "value_distance"], dyads.loc[dyads["tie"] == 0, "value_distance"]
    row = fit.table.set_index("term").loc["value_distance"]
    scheme = ("each country's cities permuted among themselves" if fit.permute == "rows-columns"
              else "all cities permuted together")
    direction = "closer" if row["estimate"] < 0 else "further apart"
    reliable = row["p_permutation"] < 0.05
    text = (f"Across the {len(dyads)} pairs of cities ({'every pair of the two countries' if fit.permute == 'rows-columns' else 'every pair'}), "
            f"the {len(linked)} twinned pairs' value profiles were on average {number(linked.mean())} apart and the "
            f"{len(other)} other pairs' {number(other.mean())}. In a logit of twinning on value distance "
            f"(b = {number(row['estimate'])}, QAP p = {p_value(row['p_permutation'])}, {fit.reps} permutations, {scheme}; "
            "double semi-partialling), twinned cities were "
            + (f"reliably {direction} in values than other pairs." if reliable else
               "not reliably closer or further apart in values than other pairs.")
            + _activity(entry.activity))
    table = Table("network_qap", "Logit of twinning on value distance, pairs of cities",
                  ["Term", "b", "SE", "z", "p (QAP)", "p (classical)"],
                  [[r.term.replace("_", " ").capitalize(), number(r.estimate), number(r.se), number(r.statistic),
                    p_value(r.p_permutation), p_value(r.p_classical)] for r in fit.table.itertuples()],
                  f"N = {len(dyads)} pairs of cities. QAP p: the share of {fit.reps} permutations of the cities giving "
                  f"a |z| at least as large ({scheme}; Dekker, Krackhardt & Snijders, 2007); classical p treats pairs "
                  "as independent, which they are not.", ["b", "SE", "z", "p (QAP)", "p (classical)"])
    caption = ("Value distance of every pair of cities, twinned (top) and not (bottom), with the fitted probability "
               "of a twin link.")
    countries = list(dict.fromkeys([*dyads["country_a"], *dyads["country_b"]]))
    network_caption = (f"The twin links between the {' and '.join(map(str, countries))} cities, coloured by the pair's "
                       "value distance (dotted: dormant); disc size: respondents.")
    return {"title": "The twin network as pairs of cities", "text": text, "table": table, "caption": caption,
            "network_caption": network_caption,
            "notes": [note[0].upper() + note[1:] + ("" if note.endswith(".") else ".") for note in entry.dyads.notes]}
