"""The interview plan without a screen: texts, forms, placeholders, second language, navigation."""

from __future__ import annotations

import pytest

from fieldwork_helpers import bundled_study, mini_study
from axiosphere.survey.interview import Flow
from axiosphere.survey.records import Answer


def answered(**values):
    return {k: Answer(k, v, None, "answered", 1, "t", "t") for k, v in values.items()}


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    return bundled_study(tmp_path_factory.mktemp("s"))


def test_placeholders_are_filled_in_the_interview_language(study):
    flow = Flow(study, "orsha", seed=1)
    i = flow.index["tttrust"]
    text = flow.question(i, {}).text
    assert "Смоленск, Тверь, Миньск-Мазовецкий, Бондено" in text
    assert "{" not in flow.question(flow.index["yrscity"], {}).text
    assert "Орша" in flow.question(flow.index["yrscity"], {}).text


def test_flows_sharing_their_texts_ask_what_fresh_flows_ask(study):
    """A device asking many interviews may share the built texts and options: each city (and language) keeps its
    own, and every question equals a fresh flow's."""
    shared: dict = {}
    for city, seed in (("orsha", 1), ("orsha", 2), ("tver", 3), ("minsk-mazowiecki", 4), ("orsha", 5)):
        flow, fresh = Flow(study, city, seed=seed, shared=shared), Flow(study, city, seed=seed)
        for i in range(len(flow.steps)):
            assert flow.question(i, {}) == fresh.question(i, {}), (city, flow.steps[i].item.id)
    assert len(shared) == 3, "one bucket a city and its languages"


def test_second_language_is_shown_under_the_first(study):
    flow = Flow(study, "minsk-mazowiecki", seed=1)
    question = flow.question(flow.index["trstplc"], {})
    assert question.text == "The police" and question.text2 == "Полиция"
    labels = {o.value: (o.label, o.label2) for o in question.options}
    assert labels[0] == ("No trust at all", "Совсем не доверяю")
    assert labels[88] == ("Don't know", "Затрудняюсь ответить")


def test_portrait_form_follows_the_sex_answer(study):
    flow = Flow(study, "smolensk", seed=1, language="en")
    i = flow.index["impfun"]
    assert "to her" in flow.question(i, answered(gndr=2)).text
    assert "to him" in flow.question(i, answered(gndr=1)).text
    assert "to him" in flow.question(i, {}).text, "the default form when sex is not known"


def test_zero_to_ten_scale_has_every_point_and_missing_codes_last(study):
    flow = Flow(study, "orsha", seed=1)
    options = flow.question(flow.index["ppltrst"], {}).options
    assert [o.value for o in options] == list(range(11)) + [77, 88]
    assert [o.missing for o in options[-2:]] == ["refused", "dont_know"]


def test_twin_towns_are_the_options_of_the_which_question(study):
    orsha = Flow(study, "orsha", seed=1)
    tver = Flow(study, "tver", seed=1)
    assert [o.label for o in orsha.question(orsha.index["ttwhich"], {}).options] == ["Смоленск", "Тверь", "Миньск-Мазовецкий", "Бондено"]
    assert [o.value for o in tver.question(tver.index["ttwhich"], {}).options] == [1], "Orsha is city 1 of the study"


def test_navigation_follows_skip_logic(tmp_path):
    study = mini_study(tmp_path)
    flow = Flow(study, "narva", seed=1)
    assert flow.first({}) == 0
    assert flow.next(1, answered(sex=1, aware=2)) == 3, "t1 is skipped when aware = no"
    assert flow.next(1, answered(sex=1, aware=1)) == 2
    assert flow.previous(3, answered(sex=1, aware=2)) == 1
    assert flow.resume_at(answered(sex=1, aware=1)) == 2
    assert flow.resume_at(answered(sex=1, aware=1, t1=2, t2=2, t3=1)) is None
    assert flow.no_longer_relevant(answered(sex=1, aware=2, t1=3)) == ["t1"]


def test_dont_know_has_no_value_in_conditions(tmp_path):
    study = mini_study(tmp_path)
    flow = Flow(study, "narva", seed=1)
    dk = {"aware": Answer("aware", 8, "dont_know", "answered", 1, "t", "t")}
    assert flow.values(dk) == {"aware": None}


def test_checks_reject_values_a_screen_should_never_send(tmp_path):
    study = mini_study(tmp_path)
    flow = Flow(study, "narva", seed=1)
    assert flow.check(2, 4) == "expected one of 1, 2, 3, 8"
    assert flow.check(2, None) == "an answer is required"
    assert flow.check(2, 8) is None


def test_unknown_city_or_language(study):
    with pytest.raises(ValueError, match="unknown city"):
        Flow(study, "paris", seed=1)
    with pytest.raises(ValueError, match="no 'de' texts"):
        Flow(study, "orsha", seed=1, language="de")
