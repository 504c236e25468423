"""The twin network as dyadic data: links with attributes (in study.yaml or a CSV), the dyad table from a study, and
the two commands (analyze dyads, analyze network) as a user runs them."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import run_cli

from axiosphere.analysis.dyads import dyad_table, great_circle_km
from axiosphere.instruments.errors import InputError
from axiosphere.survey.demo import generate, load_model
from axiosphere.survey.store import STORE_FILE, Store
from axiosphere.survey.study import init_study, load_study

LINKS_CSV = """a,b,since,active,areas,contacts_per_year,note
orsha,smolensk,1966,true,culture;education,6,
orsha,tver,1970,false,,,dormant since 2014
orsha,minsk-mazowiecki,1998,yes,youth,2.5,
orsha,bondeno,2005,true,,4,
"""


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("network") / "study"
    init_study(folder, force=True)
    text = (folder / "study.yaml").read_text(encoding="utf-8")
    text = text.split("\nlinks:", 1)[0] + "\nlinks: links.csv\n"
    # Coordinates and covariates for two cities only: the others' distances must stay unknown, not guessed.
    text = "\n".join(line for line in text.splitlines() if not line.strip().startswith(("coordinates:", "covariates:")))
    text = text.replace("    country: BY\n", "    country: BY\n    coordinates: [54.51, 30.42]\n    covariates: {population: 98000}\n", 1)
    text = text.replace("    country: RU\n", "    country: RU\n    coordinates: [54.78, 32.04]\n    covariates: {population: 316000}\n", 1)
    (folder / "study.yaml").write_text(text, encoding="utf-8")
    (folder / "links.csv").write_text(LINKS_CSV, encoding="utf-8")
    design = load_study(folder)
    with Store.create(folder / STORE_FILE, study_id=design.id, durable=False) as store:
        generate(design, store, model=load_model(), scale=0.12)
    return folder


def test_links_from_a_csv_keep_their_attributes(study):
    links = {(link.a, link.b): link for link in load_study(study).links}
    assert links[("orsha", "smolensk")].areas == ("culture", "education") and links[("orsha", "smolensk")].activity == 6
    assert links[("orsha", "tver")].active is False and links[("orsha", "tver")].activity == 0.0
    assert links[("orsha", "minsk-mazowiecki")].contacts_per_year == 2.5 and links[("orsha", "bondeno")].since == 2005
    done = run_cli("study", "validate", str(study), "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["links"][0]["areas"] == ["culture", "education"]
    assert summary["cities"][0]["coordinates"] == [54.51, 30.42] and summary["cities"][0]["covariates"] == {"population": 98000}


@pytest.mark.parametrize(("row", "message"), [
    ("orsha,smolenks,,,,,", "link to unknown city 'smolenks'"),
    ("smolensk,orsha,,,,,", "listed twice"),
    ("orsha,tver,19x6,,,,", "expected a number, got '19x6'"),
    ("orsha,tver,,maybe,,,", "expected true or false, got 'maybe'"),
    ("orsha,tver,,,,-1,", "expected a number of contacts (0 or more)"),
])
def test_a_bad_row_of_the_links_file_is_named_with_its_line(study, tmp_path, row, message):
    import shutil

    folder = tmp_path / "s"
    shutil.copytree(study, folder, ignore=shutil.ignore_patterns("responses.sqlite*"))
    (folder / "links.csv").write_text(LINKS_CSV.splitlines()[0] + "\norsha,smolensk,,,,,\n" + row + "\n", encoding="utf-8")
    done = run_cli("study", "validate", str(folder))
    assert done.returncode == 2
    assert "links.csv" in done.stderr and ":3" in done.stderr and message in done.stderr, done.stderr


def test_the_dyad_table_of_a_study(study, tmp_path):
    out = tmp_path / "dyads.csv"
    done = run_cli("analyze", "dyads", str(study), "--pairs", "all", "--out", str(out), "--bootstrap", "50", "--json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    table = pd.read_csv(out)
    assert len(table) == 10 and table["tie"].sum() == 4 and len(document["dyads"]) == 10
    linked = table.set_index(["a", "b"])
    assert linked.loc[("orsha", "tver"), "activity"] == 0 and linked.loc[("orsha", "smolensk"), "activity"] == 6
    assert (table.loc[table["tie"] == 0, "activity"] == 0).all(), "no tie: no contacts"
    assert linked.loc[("orsha", "smolensk"), "distance_km"] == pytest.approx(great_circle_km((54.51, 30.42), (54.78, 32.04)))
    assert linked.loc[("orsha", "smolensk"), "population_gap"] == 218000
    assert np.isnan(linked.loc[("tver", "bondeno"), "distance_km"]), "no coordinates: no distance, not a guess"
    assert {"institutional_trust_gap", "value_distance_se"} <= set(table.columns)
    assert (table["value_distance_se"] > 0).all() and (table["value_distance"] > 0).all()
    assert any("50 bootstrap resamples" in note for note in document["notes"])
    # The same distances as the value map's for the twin links.
    from axiosphere.analysis.valuemap import value_map
    from axiosphere.study import open_study

    opened = open_study(study)
    pvq = next(i for i in opened.instruments if i.circumplex is not None)
    mapped = value_map(opened.data, pvq, by="city", links=opened.link_pairs(), n_perm=2)
    for r in mapped.distances.itertuples():
        assert linked.loc[(r.a, r.b), "value_distance"] == pytest.approx(r.distance, rel=1e-9)


def test_network_regression_from_the_command_line(study, tmp_path):
    out = tmp_path / "dyads.csv"
    assert run_cli("analyze", "dyads", str(study), "--pairs", "all", "--out", str(out), "--bootstrap", "20").returncode == 0
    done = run_cli("analyze", "network", str(out), "--outcome", "activity", "--predictors", "value_distance",
                   "--permute", "joint", "--reps", "300", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert "least squares" in done.stdout and "p (QAP)" in done.stdout and "300 permutations" in done.stdout
    again = run_cli("analyze", "network", str(out), "--outcome", "activity", "--predictors", "value_distance",
                    "--permute", "joint", "--reps", "300", "--seed", "3", "--json")
    fit = json.loads(again.stdout)
    assert fit["model"] == "ols" and fit["n_dyads"] == 10 and fit["coefficients"][1]["term"] == "value_distance"
    drawn = run_cli("analyze", "network", str(out), "--outcome", "tie", "--predictors", "value_distance", "--permute",
                    "joint", "--reps", "100", "--figures", str(tmp_path / "figures"))
    assert drawn.returncode == 0, drawn.stderr
    assert (tmp_path / "figures" / "dyads.pdf").is_file() and "figures:" in drawn.stdout
    assert not (tmp_path / "figures" / "network.pdf").exists(), "one set of cities: no two-country network"
    bad = run_cli("analyze", "network", str(out), "--predictors", "value_distance")
    assert bad.returncode == 2 and "two disjoint sets of cities" in bad.stderr and bad.stderr.count("\n") == 1
    missing = run_cli("analyze", "network", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and "make one with: axiosphere analyze dyads" in missing.stderr


def test_cross_country_pairs_need_two_countries(study):
    done = run_cli("analyze", "dyads", str(study), "--pairs", "cross-country")
    assert done.returncode == 2 and "exactly two countries" in done.stderr


def test_great_circle_distance():
    assert great_circle_km((55.7558, 37.6173), (59.9343, 30.3351)) == pytest.approx(634, abs=2)  # Moscow - St Petersburg
    assert great_circle_km((0, 0), (0, 180)) == pytest.approx(np.pi * 6371.0088)


def test_dyad_table_bad_input():
    data = pd.DataFrame({"city": ["x", "x", "y", "y"], "v": [1.0, 0.0, 0.0, 1.0]})
    cities = pd.DataFrame({"country": ["RU", "US"]}, index=["x", "y"])
    with pytest.raises(InputError, match="--pairs must be one of"):
        dyad_table(data, ["v"], cities=cities, links=[("x", "y")], pairs="some")
    with pytest.raises(InputError, match="no column 'w'"):
        dyad_table(data, ["w"], cities=cities, links=[("x", "y")])
    with pytest.raises(InputError, match="city 'z' of the data"):
        dyad_table(data.assign(city=["x", "x", "y", "z"]), ["v"], cities=cities, links=[("x", "y")])


@pytest.mark.parametrize("cities", [(6, 6), (70, 73)])
def test_network_figures_are_readable(tmp_path, cities):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from test_figure_layout import _overlaps, _texts

    from axiosphere.reports.network_figures import bipartite_network, dyad_plot, network_figures

    rows, columns = cities
    rng = np.random.default_rng(1)
    a, b = np.repeat(np.arange(rows), columns), np.tile(np.arange(columns), rows)
    distance = rng.uniform(0.3, 2.0, len(a))
    dyads = pd.DataFrame({"a": [f"ru{i:02d}" for i in a], "b": [f"us{j:02d}" for j in b], "country_a": "RU",
                          "country_b": "US", "tie": (rng.random(len(a)) < 0.4 / (1 + distance) * (8 / rows)).astype(int),
                          "active": True, "value_distance": distance, "n_a": 100 + a, "n_b": 150})
    for figure in (bipartite_network(dyads), dyad_plot(dyads)):
        texts = _texts(figure)
        assert min(t.get_fontsize() for t, _ in texts) >= 7 and not _overlaps(figure), _overlaps(figure)[:3]
        plt.close(figure)
    written = network_figures(dyads, "tie", "value_distance", tmp_path)
    assert {p.name for p in written} == {f"{n}.{s}" for n in ("dyads", "network") for s in ("pdf", "svg", "png")}
    assert "<image" not in (tmp_path / "network.svg").read_text(encoding="utf-8"), "vector colour bar"


def test_cities_of_more_than_two_countries_pair_the_two_named_or_the_most_twinned():
    from axiosphere.analysis.dyads import busiest_countries

    rng = np.random.default_rng(4)
    cities = pd.DataFrame({"country": ["RU", "RU", "US", "US", "BY"]}, index=["a1", "a2", "b1", "b2", "c1"])
    data = pd.DataFrame({"city": np.repeat(cities.index, 20), "v1": rng.normal(size=100), "v2": rng.normal(size=100)})
    links = [("a1", "b1"), ("a2", "b2"), ("c1", "a1")]
    assert busiest_countries(cities, links) == ("RU", "US")
    with pytest.raises(InputError, match="the most twinned pair: --countries RU,US"):
        dyad_table(data, ["v1", "v2"], cities=cities, links=links, pairs="cross-country")
    table = dyad_table(data, ["v1", "v2"], cities=cities, links=links, pairs="cross-country", countries=["RU", "US"],
                       n_boot=10)
    assert list(zip(table.frame["a"], table.frame["b"])) == [("a1", "b1"), ("a1", "b2"), ("a2", "b1"), ("a2", "b2")]
    assert table.countries == ("RU", "US") and table.to_dict()["countries"] == ["RU", "US"]
    assert any("1 city outside RU and US left out of the pairs: c1" in n for n in table.notes)
    named = dyad_table(data, ["v1", "v2"], cities=cities.assign(name=["Tver", "Kaluga", "Buffalo", "Lawrence", "Orsha"]),
                       links=links, pairs="cross-country", countries=["RU", "US"], n_boot=10)
    assert any(n.endswith("left out of the pairs: Orsha") for n in named.notes)  # a city's name where it has one
    assert any("1 twin link(s) fall outside" in n for n in table.notes)
    with pytest.raises(InputError, match="no city with answers is in country FR"):
        dyad_table(data, ["v1", "v2"], cities=cities, links=links, pairs="cross-country", countries=["RU", "FR"])
    with pytest.raises(InputError, match="--countries names two countries"):
        dyad_table(data, ["v1", "v2"], cities=cities, links=links, pairs="all", countries=["RU", "US"])
