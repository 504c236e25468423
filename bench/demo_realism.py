"""How much the demo's data look like ESS human-values data, at its default seed: the statistics the issue names
(two-item correlations, universalism's alpha, Stress-1 against the permuted baseline, RTHOR, the hierarchy's rank
correlation with Schwartz & Bardi's, trust means and SDs, non-response, planted careless respondents found);
results to bench/results/demo_realism.json. tests/test_demo_realism.py holds the same ranges.

    python bench/demo_realism.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from results_file import write_results


def main() -> None:
    from axiosphere.analysis import instrument_reliability
    from axiosphere.analysis.valuemap import value_map
    from axiosphere.study import open_study
    from axiosphere.survey.demo import generate, load_model
    from axiosphere.survey.store import STORE_FILE, Store
    from axiosphere.survey.study import init_study, load_study

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "demo"
        init_study(folder, force=True)
        design = load_study(folder)
        planted: dict[str, list[str]] = {}
        with Store.create(folder / STORE_FILE, study_id=design.id, durable=False) as store:
            generate(design, store, model=load_model(), planted=planted)
        study = open_study(folder)
        pvq, trust = study.instrument("pvq21"), study.instrument("civic-trust")
        data = study.data
        pairs = {v: round(float(data[list(pvq.scale_items(v))].corr().iloc[0, 1]), 3)
                 for v in pvq.circumplex.order if len(pvq.scale_items(v)) == 2}
        alphas = instrument_reliability(data, pvq, scales=["universalism"], by="city").to_frame()
        vm = value_map(data, pvq, by="city", links=study.link_pairs(), n_perm=30, seed=1)
        fit = vm.fit.set_index("group")
        items = [*trust.scale_items("institutional_trust"), *trust.scale_items("generalised_trust")]
        flags = study.quality.to_frame().assign(interview=study.answers["interview"].to_numpy()).set_index("interview")
        results = {
            "two_item_r": pairs,
            "universalism_alpha": dict(zip(alphas["group"].fillna("pooled"), alphas["alpha"].round(3))),
            "stress1": fit["stress1"].round(3).to_dict(), "stress_permuted": fit["stress_perm_mean"].round(3).to_dict(),
            "rthor_ci": fit["rthor_ci"].round(3).to_dict(),
            "hierarchy_rho": dict(zip(vm.hierarchy.query("`with` == 'baseline'")["group"],
                                      vm.hierarchy.query("`with` == 'baseline'")["rho"].round(3))),
            "trust_item_means": study.answers[items].mean().round(2).to_dict(),
            "trust_item_sds": study.answers[items].std().round(2).to_dict(),
            "dont_know_share": round(float((study.missing[items] == "dont_know").to_numpy().mean()), 4),
            "refused_share": round(float((study.missing[items] == "refused").to_numpy().mean()), 4),
            "planted": {k: len(v) for k, v in planted.items()},
            "planted_found": {k: round(float(flags.loc[v, k].mean()), 3) for k, v in planted.items()},
        }
    goals = {
        "two-item values correlate .30-.55 (median)": 0.30 <= float(np.median(list(pairs.values()))) <= 0.55,
        "universalism alpha .55-.75 in every city": all(0.55 <= a <= 0.75 for a in results["universalism_alpha"].values()),
        "Stress-1 .05-.20, below the permuted baseline": all(0.05 <= s <= 0.20 for s in results["stress1"].values()),
        "RTHOR below 1": all(r < 1 for r in results["rthor_ci"].values()),
        "hierarchy rho >= .8 with the pan-cultural baseline": all(r >= 0.8 for r in results["hierarchy_rho"].values()),
        "trust item means 3.5-6.5": all(3.5 <= m <= 6.5 for m in results["trust_item_means"].values()),
        "planted careless respondents found (>= 80%)": all(f >= 0.8 for f in results["planted_found"].values()),
    }
    write_results("demo_realism", goals, results)


if __name__ == "__main__":
    main()
