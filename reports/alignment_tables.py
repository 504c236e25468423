"""The report's alignment part: each scale's cities ranked by aligned mean with 95% CIs, the approximately
non-invariant parameters as an items x cities table, and the Monte Carlo check in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axiosphere.reports.apa import bounded, interval, number
from axiosphere.reports.tables import Table

MARK = {(False, False): "", (True, False): "λ", (False, True): "ν", (True, True): "λ ν"}


def alignment_entry(entry: Any, city_name: Callable[[str], str] = str) -> dict[str, Any]:
    """Title, tables and text of one aligned scale (``pipeline.AlignmentEntry``)."""
    result, check, label = entry.result, entry.check, entry.label
    ranked = result.means.sort_values("mean", ascending=False)
    def ci(value: float, se: float, group: str) -> str:
        if group == result.reference:
            return "(reference)"  # fixed at 0 and 1 by definition, not estimated
        return interval(value - 1.96 * se, value + 1.96 * se) if se == se else "—"

    rows = [[city_name(r.group), str(r.n), number(r.mean), ci(r.mean, r.mean_se, r.group), number(r.variance),
             ci(r.variance, r.variance_se, r.group)] for r in ranked.itertuples()]
    means = Table(f"alignment_{entry.scale}", f"Aligned means and variances of {label}, cities ranked by mean "
                  f"(reference: {city_name(result.reference)})", ["City", "n", "Mean", "95% CI", "Variance", "95% CI"],
                  rows, f"Alignment ({result.method.upper()}, ε = {result.epsilon}) of each city's one-factor model "
                  f"(Asparouhov & Muthén, 2014); {result.notes[-1] if result.notes else ''}. CIs are the estimate "
                  "± 1.96 bootstrap SE.", ["n"])
    flags = result.flags.assign(non=~result.flags["invariant"])
    marked = flags.pivot_table(index="item", columns=["group", "parameter"], values="non", aggfunc="any")
    drift = Table(f"alignment_flags_{entry.scale}", f"Approximately non-invariant parameters of {label}",
                  ["Item", *[city_name(g) for g in result.groups]],
                  [[item, *[MARK[(bool(marked.loc[item, (g, "loading")]), bool(marked.loc[item, (g, "intercept")]))]
                            for g in result.groups]] for item in result.items],
                  "λ: the loading, ν: the intercept differs from the approximately invariant set (pairwise tests at "
                  "p < .01 start the set; each city is then tested against its weighted average at p < .001).")
    r2 = ", ".join(f"{r.item} {bounded(r.loading_r2)}/{bounded(r.intercept_r2)}" for r in result.r2.itertuples())
    share = float(flags["non"].mean())
    verdict = "trustworthy by the paper's rule (.98 or more)" if check.trustworthy else "below the .98 the paper asks for"
    text = (f"Alignment of {label} across {len(result.groups)} cities: {share:.0%} of the loadings and intercepts are "
            f"approximately non-invariant. Invariance R² (loadings/intercepts): {r2}. In a Monte Carlo check of "
            f"{check.replications} data sets drawn from these estimates, true and estimated city means correlated "
            f"{bounded(check.r_means, 3)} and variances {bounded(check.r_variances, 3)}: {verdict}.")
    caption = (f"{label}: each city's aligned loadings and intercepts as deviations from the average of the cities "
               "where they are invariant; × approximately non-invariant.")
    return {"title": f"{label}: alignment across cities", "means": means, "flags": drift, "text": text, "caption": caption,
            "notes": [n for n in result.notes if "bootstrap" not in n and "standard errors" not in n]}
