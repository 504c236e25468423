"""The Monte Carlo check of an alignment (Asparouhov & Muthén, 2014, section 6): data simulated from the aligned
estimates, aligned again, and the estimated group means and variances correlated with the true ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from axiosphere.analysis.alignment import AlignmentResult, alignment
from axiosphere.instruments.errors import InputError


@dataclass(frozen=True)
class MonteCarlo:
    """How well alignment recovers group means and variances when the aligned estimates are the truth."""

    replications: int
    r_means: float  # average over replications of the correlation across groups
    r_variances: float
    seed: int

    @property
    def trustworthy(self) -> bool:
        """Both correlations at least .98, the paper's rule of thumb."""
        return self.r_means >= 0.98 and self.r_variances >= 0.98

    def to_dict(self) -> dict[str, Any]:
        return {"replications": self.replications, "r_means": self.r_means, "r_variances": self.r_variances,
                "seed": self.seed, "trustworthy": self.trustworthy}


def monte_carlo(result: AlignmentResult, *, replications: int = 100, seed: int = 0) -> MonteCarlo:
    """Simulate data from the aligned model (its means, variances, loadings, intercepts and the configural residual
    variances, each group of its own size), align each replication the same way, and correlate the estimated group
    means and variances with the true ones (Asparouhov & Muthén, 2014, section 6: at least .98 is trustworthy).

    Examples
    --------
    >>> from axiosphere.analysis.example_data import one_factor_groups
    >>> groups = {f"city{k}": k / 4 for k in range(8)}  # eight means apart, variances all 1
    >>> result = alignment(one_factor_groups(groups, n=300, seed=3), ["t1", "t2", "t3", "t4"], by="city")
    >>> check = monte_carlo(result, replications=20, seed=1)
    >>> round(check.r_means, 3)  # the variances, all equal, leave nothing to correlate: not trustworthy by them
    0.995
    """
    import pandas as pd

    if replications < 2:
        raise InputError(f"the Monte Carlo check needs at least 2 replications, not {replications}")
    rng = np.random.default_rng(seed)
    truth = result.means.set_index("group")
    items = list(result.items)
    r_means, r_variances = [], []
    for replication in range(replications):
        frames = []
        for group in result.groups:
            n = int(truth.loc[group, "n"])
            eta = truth.loc[group, "mean"] + np.sqrt(truth.loc[group, "variance"]) * rng.normal(size=n)
            noise = rng.normal(size=(n, len(items))) * np.sqrt(result.residuals.loc[group].to_numpy())
            values = result.intercepts.loc[group].to_numpy() + eta[:, None] * result.loadings.loc[group].to_numpy() + noise
            frames.append(pd.DataFrame(values, columns=items).assign(group=group))
        again = alignment(pd.concat(frames, ignore_index=True), items, by="group", reference=result.reference,
                          method=result.method, epsilon=result.epsilon, starts=1, seed=replication).means.set_index("group")
        fitted = [g for g in result.groups if g in again.index]  # a small group's simulated data may not be fitted
        r_means.append(np.corrcoef(again.loc[fitted, "mean"], truth.loc[fitted, "mean"])[0, 1])
        r_variances.append(np.corrcoef(again.loc[fitted, "variance"], truth.loc[fitted, "variance"])[0, 1])
    return MonteCarlo(replications, float(np.mean(r_means)), float(np.mean(r_variances)), seed)
