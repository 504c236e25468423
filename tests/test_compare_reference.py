"""Cross-city comparisons equal R: t.test, wilcox.test, oneway.test, aov, effectsize, rstatix, survey."""

from __future__ import annotations

import pytest

from axiosphere.analysis.compare import compare
from reference_data import VALUES, cities

REF = VALUES["cities"]


@pytest.fixture(scope="module")
def result():
    links = [tuple(link) for link in REF["links"]]
    return compare(cities(), REF["scales"], by="city", links=links, family="link")


def test_welch_t_mann_whitney_and_effect_sizes(result):
    pairs = result.pairs.set_index(["scale", "a", "b"])
    for ref in REF["pairs"]:
        row = pairs.loc[(ref["scale"], ref["a"], ref["b"])]
        assert row["t"] == pytest.approx(ref["t"], abs=1e-6)
        assert row["df"] == pytest.approx(ref["df"], abs=1e-6)
        assert row["p"] == pytest.approx(ref["p"], abs=1e-9)
        assert row["U"] == pytest.approx(ref["U"], abs=1e-9)
        assert row["p_mw"] == pytest.approx(ref["p_mw"], abs=1e-9)
        assert row["hedges_g"] == pytest.approx(ref["hedges_g"], abs=1e-6)
        assert [row["g_ci_low"], row["g_ci_high"]] == pytest.approx(ref["g_ci_exact"], abs=1e-6)
        # effectsize::hedges_g finds the same bounds with Nelder-Mead, accurate to about 1e-3
        assert [row["g_ci_low"], row["g_ci_high"]] == pytest.approx(ref["g_ci"], abs=1e-3)
        assert row["rank_biserial"] == pytest.approx(ref["rank_biserial"], abs=1e-6)


def test_holm_adjustment_across_scales(result):
    for link, adjusted in REF["holm"].items():
        a, b = link.split("|")
        ours = result.pairs[(result.pairs.a == a) & (result.pairs.b == b)]["p_adj"].tolist()
        assert ours == pytest.approx(adjusted, abs=1e-9)


def test_benjamini_hochberg_on_request():
    links = [tuple(link) for link in REF["links"]]
    bh = compare(cities(), REF["scales"], by="city", links=links, adjust="fdr_bh", family="link", posthoc=False)
    for a, b in links:
        ours = bh.pairs[(bh.pairs.a == a) & (bh.pairs.b == b)]["p_adj"].tolist()
        assert ours == pytest.approx(REF[f"bh_{a}|{b}"], abs=1e-9)


def test_welch_anova_classic_anova_and_omega_squared(result):
    omnibus = result.omnibus.set_index("scale")
    for ref in REF["omnibus"]:
        row = omnibus.loc[ref["scale"]]
        assert row["welch_F"] == pytest.approx(ref["welch_F"], abs=1e-6)
        assert row["df1"] == pytest.approx(ref["df1"], abs=1e-6)
        assert row["df2"] == pytest.approx(ref["df2"], abs=1e-6)
        assert row["p"] == pytest.approx(ref["p"], abs=1e-9)
        assert row["anova_F"] == pytest.approx(ref["anova_F"], abs=1e-6)
        assert row["anova_p"] == pytest.approx(ref["anova_p"], abs=1e-9)
        assert row["omega_sq"] == pytest.approx(ref["omega_sq"], abs=1e-6)


def test_games_howell_pairs(result):
    post = result.posthoc
    for ref in REF["omnibus"]:
        for pair in ref["games_howell"]:
            row = post[(post.scale == ref["scale"]) & (post.a == pair["a"]) & (post.b == pair["b"])]
            if row.empty:  # pingouin orders each pair alphabetically; rstatix by factor level
                row = post[(post.scale == ref["scale"]) & (post.a == pair["b"]) & (post.b == pair["a"])]
                assert -float(row["diff"].iloc[0]) == pytest.approx(pair["diff"], abs=1e-6)
            else:
                assert float(row["diff"].iloc[0]) == pytest.approx(-pair["diff"], abs=1e-6) or \
                    float(row["diff"].iloc[0]) == pytest.approx(pair["diff"], abs=1e-6)
            # rstatix rounds its adjusted p to 3 decimals
            assert float(row["p"].iloc[0]) == pytest.approx(pair["p"], abs=5e-4)


def test_descriptives_plain_and_weighted(result):
    data = cities()
    desc = result.descriptives.set_index(["scale", "group"])
    for scale, groups in REF["descriptives"].items():
        for city, ref in groups.items():
            row = desc.loc[(scale, city)]
            assert row["n"] == ref["n"]
            assert row["mean"] == pytest.approx(ref["mean"], abs=1e-9)
            assert row["sd"] == pytest.approx(ref["sd"], abs=1e-9)
    data["w"] = 0.5 + (data["id"] % 7) / 4
    weighted = compare(data, ["gen_trust"], by="city", weights="w", posthoc=False).descriptives.set_index("group")
    for city, mean, se in zip(REF["weighted"]["city"], REF["weighted"]["mean"], REF["weighted"]["se"]):
        assert weighted.loc[city, "mean"] == pytest.approx(mean, abs=1e-9)
        assert weighted.loc[city, "se"] == pytest.approx(se, abs=1e-9)


def test_the_default_family_is_every_test_of_the_table():
    from statsmodels.stats.multitest import multipletests

    links = [tuple(link) for link in REF["links"]]
    result = compare(cities(), REF["scales"], by="city", links=links, posthoc=False)
    assert result.family == "all"
    assert result.pairs["p_adj"].tolist() == pytest.approx(multipletests(result.pairs["p"], method="holm")[1].tolist())
    by_scale = compare(cities(), REF["scales"], by="city", links=links, family="scale", posthoc=False)
    for _, part in by_scale.pairs.groupby("scale"):
        assert part["p_adj"].tolist() == pytest.approx(multipletests(part["p"], method="holm")[1].tolist())
