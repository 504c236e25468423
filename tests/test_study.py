"""Study files: the scaffold, the twin network, margins and quotas, and all problems at once."""

from __future__ import annotations

import pytest

from conftest import DATA
from axiosphere.instruments.errors import InputError
from axiosphere.survey.study import init_study, load_study


@pytest.fixture
def study(tmp_path):
    init_study(tmp_path / "s")
    return load_study(tmp_path / "s")


def test_scaffold_is_a_valid_hub_with_four_twins_in_three_countries(study):
    assert study.twins("orsha") == ("smolensk", "tver", "minsk-mazowiecki", "bondeno")
    assert study.twins("tver") == ("orsha",)
    assert study.hubs() == ("orsha",)
    assert {study.cities[c].country for c in study.twins("orsha")} == {"RU", "PL", "IT"}
    assert [i.id for i in study.instruments] == ["pvq21", "civic-trust", "twin-ties"]
    assert study.options == {"hedonism": "openness"}


def test_margins_quotas_and_age_bands(study):
    orsha = study.cities["orsha"]
    assert orsha.sex_margin == pytest.approx({"male": 0.46, "female": 0.54})
    assert sum(orsha.age_margin.values()) == pytest.approx(1)
    assert orsha.quota[("female", "60+")] == 55
    assert study.age_band(18) == "18-29" and study.age_band(44) == "30-44" and study.age_band(90) == "60+"
    assert study.age_band(17) is None
    assert orsha.display_name() == "Орша" and orsha.display_name("en") == "Orsha"


def test_population_counts_are_turned_into_shares(tmp_path):
    text = (DATA / "mini-study.yaml").read_text(encoding="utf-8")
    text = text.replace("instruments: [mini.yaml]", f"instruments: [{DATA / 'mini.yaml'}]")
    text = text.replace("sex: {male: 0.45, female: 0.55}", "sex: {male: 27000, female: 33000}")
    (tmp_path / "study.yaml").write_text(text, encoding="utf-8")
    narva = load_study(tmp_path).cities["narva"]
    assert narva.sex_margin == pytest.approx({"male": 0.45, "female": 0.55})


def test_joint_sex_by_age_cells_give_both_margins(tmp_path):
    text = (DATA / "mini-study.yaml").read_text(encoding="utf-8")
    text = text.replace("instruments: [mini.yaml]", f"instruments: [{DATA / 'mini.yaml'}]")
    text = text.replace(
        "sex: {male: 0.45, female: 0.55}",
        'sex_age: {male: {"18-39": 0.2, "40+": 0.25}, female: {"18-39": 0.2, "40+": 0.35}}',
    )
    (tmp_path / "study.yaml").write_text(text, encoding="utf-8")
    narva = load_study(tmp_path).cities["narva"]
    assert narva.sex_margin == pytest.approx({"male": 0.45, "female": 0.55})
    assert narva.age_margin == pytest.approx({"18-39": 0.4, "40+": 0.6})
    assert narva.sex_age_cells[("female", "40+")] == pytest.approx(0.35)


def test_every_problem_is_reported_at_once(tmp_path):
    text = (DATA / "mini-study.yaml").read_text(encoding="utf-8")
    text = text.replace("instruments: [mini.yaml]", f"instruments: [{DATA / 'mini.yaml'}]")
    text = text.replace("country: EE", "country: Estonia").replace("language: ru\n    quota", "language: xx\n    quota")
    text = text.replace("  - [narva, ivangorod]", "  - [narva, ivangorod]\n  - [narva, tallinn]")
    (tmp_path / "study.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_study(tmp_path)
    messages = [p.message for p in info.value.problems]
    assert len(messages) == 3
    assert any("ISO 3166" in m for m in messages)
    assert any("no 'xx' texts" in m for m in messages)
    assert any("unknown city 'tallinn'" in m for m in messages)
    assert all(p.line is not None for p in info.value.problems)


def test_init_does_not_overwrite_without_force(tmp_path):
    init_study(tmp_path)
    (tmp_path / "study.yaml").write_text("id: mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="already exists"):
        init_study(tmp_path)
    init_study(tmp_path, force=True)
    assert load_study(tmp_path).id == "orsha-twins"


def test_missing_study_says_how_to_make_one(tmp_path):
    with pytest.raises(InputError, match="axiosphere study init"):
        load_study(tmp_path)
    with pytest.raises(InputError, match="axiosphere study init"):
        load_study(tmp_path / "nowhere")


def test_summary_is_json_ready(study):
    import json

    summary = json.loads(json.dumps(study.summary()))
    assert summary["hubs"] == ["orsha"]
    assert {c["id"] for c in summary["cities"]} == {"orsha", "smolensk", "tver", "minsk-mazowiecki", "bondeno"}
