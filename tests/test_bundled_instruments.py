"""The bundled instruments: the PVQ-21 key exactly as the ESS documents it, directions, texts."""

from __future__ import annotations

import pytest

from axiosphere.instruments import bundled_names, resolve_instrument

# Source: S. H. Schwartz, "Computing scores for the 10 human values", ESS data
# documentation (Human Values Scale, items numbered as in the ESS questionnaire):
# conformity 7,16; tradition 9,20; benevolence 12,18; universalism 3,8,19;
# self-direction 1,11; stimulation 6,15; hedonism 10,21; achievement 4,13;
# power 2,17; security 5,14.
ESS_ITEM_ORDER = [
    "ipcrtiv", "imprich", "ipeqopt", "ipshabt", "impsafe", "impdiff", "ipfrule", "ipudrst", "ipmodst", "ipgdtim",
    "impfree", "iphlppl", "ipsuces", "ipstrgv", "ipadvnt", "ipbhprp", "iprspot", "iplylfr", "impenv", "imptrad", "impfun",
]
ESS_KEY = {
    "conformity": [7, 16], "tradition": [9, 20], "benevolence": [12, 18], "universalism": [3, 8, 19],
    "self_direction": [1, 11], "stimulation": [6, 15], "hedonism": [10, 21], "achievement": [4, 13],
    "power": [2, 17], "security": [5, 14],
}


@pytest.fixture(scope="module")
def pvq():
    return resolve_instrument("pvq21")


def test_three_instruments_are_bundled():
    assert bundled_names() == ["civic-trust", "pvq21", "twin-ties"]


def test_pvq21_items_are_the_ess_variables_in_ess_order(pvq):
    values = next(s for s in pvq.sections if s.id == "values")
    assert list(values.items) == ESS_ITEM_ORDER
    assert not values.randomise, "the ESS asks the portraits in a fixed order"


@pytest.mark.parametrize("value", sorted(ESS_KEY))
def test_pvq21_key_matches_the_ess_key(pvq, value):
    expected = [ESS_ITEM_ORDER[n - 1] for n in ESS_KEY[value]]
    assert list(pvq.scale_items(value)) == expected
    assert not pvq.scales[value].reverse


def test_pvq21_every_item_indexes_exactly_one_value(pvq):
    keyed = [item for value in ESS_KEY for item in pvq.scale_items(value)]
    assert sorted(keyed) == sorted(ESS_ITEM_ORDER)


def test_pvq21_declares_the_ess_direction_and_missing_codes(pvq):
    likeness = pvq.response_scales["likeness"]
    assert likeness.values == (1, 2, 3, 4, 5, 6)
    assert likeness.more_at == "low", "1 = very much like me: the low end means more importance"
    assert likeness.point(1).label.get("en") == "Very much like me"
    assert likeness.point(6).label.get("en") == "Not like me at all"
    assert likeness.missing_kind(7) == "refused" and likeness.missing_kind(8) == "dont_know"
    assert likeness.missing_kind(6) is None


def test_pvq21_higher_order_values_follow_the_hedonism_option(pvq):
    assert pvq.options["hedonism"].default == "openness"
    assert set(pvq.scale_members("openness_to_change")) == {"self_direction", "stimulation", "hedonism"}
    assert set(pvq.scale_members("self_enhancement")) == {"power", "achievement"}
    moved = {"hedonism": "self_enhancement"}
    assert set(pvq.scale_members("openness_to_change", moved)) == {"self_direction", "stimulation"}
    assert set(pvq.scale_members("self_enhancement", moved)) == {"power", "achievement", "hedonism"}
    assert set(pvq.scale_members("conservation")) == {"security", "conformity", "tradition"}
    assert set(pvq.scale_members("self_transcendence")) == {"universalism", "benevolence"}
    with pytest.raises(ValueError, match="must be one of"):
        pvq.scale_items("self_enhancement", {"hedonism": "nowhere"})


def test_pvq21_portraits_follow_the_respondents_sex(pvq):
    assert pvq.forms.item == "gndr" and pvq.item_order()[0] == "gndr"
    assert pvq.forms.form_for(2) == "female" and pvq.forms.form_for(1) == "male"
    assert pvq.forms.form_for(None) == "male"
    text = pvq.items["ipcrtiv"].text
    assert text.get("en", "male").startswith("Thinking up new ideas and being creative is important to him.")
    assert text.get("en", "female").startswith("Thinking up new ideas and being creative is important to her.")
    assert "Ей важно" in text.get("ru", "female")
    for item_id in ESS_ITEM_ORDER:
        assert set(pvq.items[item_id].text.forms) == {"male", "female"}


def test_pvq21_metadata_marks_the_russian_translation_and_licence(pvq):
    assert "working translation" in pvq.translations["ru"]
    assert "Schwartz" in pvq.citation and "2003" in pvq.citation
    assert "commercial" in pvq.notice and "academic" in pvq.notice
    assert pvq.quality.straightline_min == 16 and pvq.quality.max_missing == 5
    assert pvq.centring == "mrat"
    assert len(pvq.circumplex.order) == 10 and set(pvq.circumplex.order) == set(ESS_KEY)


def test_pvq21_asks_the_demographics(pvq):
    roles = {item.role: item.id for item in pvq.items.values() if item.role}
    assert roles == {"sex": "gndr", "age": "agea", "years_in_city": "yrscity", "education": "edulvl"}


def test_civic_trust_scales():
    civic = resolve_instrument("civic-trust")
    assert civic.scales["institutional_trust"].items == ("trstlcg", "trstprl", "trstlgl", "trstplc", "trstplt", "trstprt", "trstun")
    assert civic.scales["generalised_trust"].items == ("ppltrst", "pplfair", "pplhlp")
    assert set(civic.scales["digital_trust"].items) == {"dtsvc", "dtinfo", "dtsoc"}
    for item_id in ("trstlcg", "dtsvc", "dtinfo", "dtsoc"):
        assert civic.items[item_id].source == "project", "items not from the ESS are marked"
    for item_id in ("trstprl", "ppltrst", "pplfair", "pplhlp", "trstun"):
        assert civic.items[item_id].source == "ESS"
    trust = civic.response_scales["trust"]
    assert trust.values == tuple(range(11)) and trust.more_at == "high"
    assert trust.point(0).label.get("en") == "No trust at all" and trust.point(5).label is None
    assert trust.missing_kind(88) == "dont_know" and trust.missing_kind(77) == "refused"


def test_twin_ties_module():
    ties = resolve_instrument("twin-ties")
    assert ties.items["ttwhich"].options_from == "twins"
    assert ties.items["ttwhich"].relevant.evaluate({"ttaware": 1})
    assert not ties.items["ttwhich"].relevant.evaluate({"ttaware": 2})
    cooperation = next(s for s in ties.sections if s.id == "cooperation")
    assert cooperation.randomise
    assert len(ties.scales["cooperation_support"].items) == 7
    assert "{twins}" in ties.items["tttrust"].text.get("en")


@pytest.mark.parametrize("name", ["pvq21", "civic-trust", "twin-ties"])
def test_every_bundled_text_exists_in_english_and_russian(name):
    instrument = resolve_instrument(name)
    assert instrument.languages == ("en", "ru")
    for item in instrument.items.values():
        for language in ("en", "ru"):
            for form in item.text.forms or (None,):
                assert item.text.get(language, form).strip()


def test_content_hash_identifies_the_version():
    a, b = resolve_instrument("pvq21"), resolve_instrument("pvq21")
    assert a.content_hash == b.content_hash and len(a.content_hash) == 64
    assert a.content_hash != resolve_instrument("civic-trust").content_hash
