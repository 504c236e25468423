"""XLSForm (ODK/KoboToolbox) to instrument: questions, choices, languages, relevance, unsupported types."""

from __future__ import annotations

import io

import openpyxl
import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from conftest import run_cli
from axiosphere.instruments.errors import InputError
from axiosphere.instruments.load import load_instrument
from axiosphere.instruments.xlsform import convert_xlsform
from axiosphere.survey.interview import Flow
from axiosphere.survey.prompts import TerminalScreen
from axiosphere.survey.session import start
from axiosphere.survey.store import Store
from axiosphere.survey.study import load_study

SURVEY = [
    ["type", "name", "label::English (en)", "label::Russian (ru)", "relevant", "required", "constraint", "hint::English (en)", "hint::Russian (ru)"],
    ["begin_group", "neigh", "Neighbours", "Соседи", "", "", "", "", ""],
    ["select_one yn", "aware", "Do you know your neighbours?", "Знаете ли Вы соседей?", "", "yes", "", "", ""],
    ["select_one agree", "t1", "Neighbours can be trusted", "Соседям можно доверять", "${aware} = 'yes'", "yes", "", "", ""],
    ["integer", "age", "Age", "Возраст", "", "yes", ". >= 18 and . <= 99", "In years", "В годах"],
    ["select_multiple places", "met", "Where do you meet them?", "Где Вы с ними встречаетесь?", "${aware} = 'yes'", "", "", "", ""],
    ["range", "tr", "Trust 0-10", "Доверие 0-10", "selected(${met}, 'yard') or ${age} > 60", "", "", "", ""],
    ["text", "comment", "Anything else?", "Что-нибудь ещё?", "", "", "", "", ""],
    ["end_group", "", "", "", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::Russian (ru)"],
    ["yn", "yes", "Yes", "Да"], ["yn", "no", "No", "Нет"],
    ["agree", "1", "Disagree", "Не согласен"], ["agree", "2", "Neutral", "Нейтрально"], ["agree", "3", "Agree", "Согласен"],
    ["places", "yard", "In the yard", "Во дворе"], ["places", "shop", "In the shop", "В магазине"],
]


def workbook(path, extra_rows=()):
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    rows = SURVEY[:-1] + list(extra_rows) + SURVEY[-1:]
    for row in rows:
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in CHOICES:
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version"])
    settings.append(["Neighbourhood", "neighbourhood", "3"])
    book.save(path)
    return path


def test_questions_choices_languages_and_relevance(tmp_path):
    conversion = convert_xlsform(workbook(tmp_path / "form.xlsx"))
    (tmp_path / "form.yaml").write_text(conversion.yaml_text, encoding="utf-8")
    instrument = load_instrument(tmp_path / "form.yaml")
    assert instrument.id == "neighbourhood" and instrument.languages == ("en", "ru")
    items = instrument.items
    assert [i for i in instrument.item_order()] == ["aware", "t1", "age", "met", "tr", "comment"]
    assert items["aware"].type == "choice" and instrument.item_scale("aware").by_name("yes").value == 1
    assert instrument.item_scale("t1").values == (1, 2, 3), "numeric choice names keep their codes"
    assert (items["age"].minimum, items["age"].maximum) == (18, 99)
    assert items["age"].note.get("ru") == "В годах"
    assert items["met"].type == "multi"
    assert items["tr"].type == "rating" and instrument.item_scale("tr").values == tuple(range(1, 11))
    assert items["t1"].relevant.text == "aware == 1"
    assert items["tr"].relevant.text == "selected(met, 1) or age > 60"
    assert items["t1"].required and not items["comment"].required
    assert instrument.sections[0].title.get("ru") == "Соседи"
    assert any("more at the high end" in n for n in conversion.notes)


def test_unsupported_question_type_names_the_row(tmp_path):
    path = workbook(tmp_path / "form.xlsx", [["geopoint", "where", "Where?", "Где?", "", "", "", "", ""],
                                              ["image", "photo", "Photo", "Фото", "", "", "", "", ""]])
    with pytest.raises(InputError) as info:
        convert_xlsform(path)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 2
    assert "form.xlsx:9: survey sheet, question 'where': question type 'geopoint' is not supported" in messages[0]
    done = run_cli("instruments", "import-xlsform", str(path), cwd=tmp_path)
    assert done.returncode == 2 and "geopoint" in done.stderr and not (tmp_path / "neighbourhood.yaml").exists()
    done = run_cli("instruments", "import-xlsform", str(path), "--skip-unsupported", cwd=tmp_path)
    assert done.returncode == 0 and "dropped" in done.stdout
    load_instrument(tmp_path / "neighbourhood.yaml")


def test_not_an_xlsform(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "data"
    book.save(tmp_path / "x.xlsx")
    done = run_cli("instruments", "import-xlsform", str(tmp_path / "x.xlsx"))
    assert done.returncode == 2 and "not a valid XLSForm" in done.stderr


@pytest.mark.timeout(60)
def test_a_converted_form_runs_in_the_terminal(tmp_path):
    conversion = convert_xlsform(workbook(tmp_path / "form.xlsx"))
    (tmp_path / "form.yaml").write_text(conversion.yaml_text, encoding="utf-8")
    (tmp_path / "study.yaml").write_text(
        "id: kobo\ntitle: From KoboToolbox\ninstruments: [form.yaml]\ncities:\n"
        "  - {id: a, name: A, country: EE, language: en}\n  - {id: b, name: B, country: RU, language: ru}\n"
        "links: [[a, b]]\n", encoding="utf-8")
    study = load_study(tmp_path)
    with create_pipe_input() as pipe, Store.for_study(tmp_path, study.id, create=True) as store:
        for keys in ["y\r", "1\r", "3\r", "45\r", "1\r", "7\r", "fine\r", "f"]:
            pipe.send_text(keys)
        screen = TerminalScreen(input=pipe, output=DummyOutput(), echo=io.StringIO())
        outcome = start(store, Flow(study, "a", seed=1), screen, interviewer="k")
        answers = {k: a.value for k, a in store.current_answers(outcome.interview).items()}
    assert outcome.status == "complete"
    assert answers == {"aware": 1, "t1": 3, "age": 45, "met": [1], "tr": 7, "comment": "fine"}


def test_groups_keep_their_conditions_and_dont_know_choices_become_missing_codes(tmp_path):
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    for row in [
        ["type", "name", "label::English (en)", "label::Russian (ru)", "relevant"],
        ["integer", "age", "Age", "Возраст", ""],
        ["select_one sexes", "sex", "Sex", "Пол", ""],
        ["begin_group", "trust", "Trust", "Доверие", "${age} >= 18"],
        ["select_one yn", "aware", "Aware?", "Знаете?", ""],
        ["select_one yn", "more", "More?", "Ещё?", "${aware} = 'yes'"],
        ["end_group", "", "", "", ""],
        ["text", "final", "Anything else?", "Что-то ещё?", ""],
    ]:
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in [["list_name", "name", "label::English (en)", "label::Russian (ru)"],
                ["yn", "yes", "Yes", "Да"], ["yn", "no", "No", "Нет"], ["yn", "dont_know", "Don't know", "Затрудняюсь"],
                ["sexes", "1", "Male", "Мужской"], ["sexes", "2", "Female", "Женский"], ["sexes", "88", "Don't know", "Не знаю"]]:
        choices.append(row)
    book.save(tmp_path / "form.xlsx")
    conversion = convert_xlsform(tmp_path / "form.xlsx")
    (tmp_path / "form.yaml").write_text(conversion.yaml_text, encoding="utf-8")
    instrument = load_instrument(tmp_path / "form.yaml")
    assert [s.id for s in instrument.sections] == ["main", "trust", "main_2"], "unique section ids"
    assert instrument.items["aware"].relevant.text == "age >= 18"
    assert instrument.items["more"].relevant.text == "(age >= 18) and (aware == 1)"
    yn = instrument.item_scale("aware")
    assert yn.values == (1, 2) and [(m.kind, m.code) for m in yn.missing] == [("dont_know", 98)]
    assert [(m.kind, m.code) for m in instrument.item_scale("sex").missing] == [("dont_know", 88)]
    assert instrument.items["age"].role == "age" and instrument.items["sex"].role == "sex"
    assert any("missing code 98 for dont know" in n for n in conversion.notes)


def test_the_title_is_translated_where_the_settings_sheet_gives_it(tmp_path):
    book = openpyxl.Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label::English (en)", "label::Russian (ru)"])
    survey.append(["text", "a", "Anything?", "Что-нибудь?"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_title::Russian (ru)", "form_id"])
    settings.append(["Neighbours", "Соседи", "nb"])
    book.save(tmp_path / "f.xlsx")
    conversion = convert_xlsform(tmp_path / "f.xlsx")
    assert conversion.instrument["title"] == {"en": "Neighbours", "ru": "Соседи"}


def test_roles_and_missing_codes_can_be_given_by_hand(tmp_path):
    path = workbook(tmp_path / "form.xlsx")
    conversion = convert_xlsform(path, roles={"aware": "sex"}, missing={"3": "dont_know"})
    (tmp_path / "form.yaml").write_text(conversion.yaml_text, encoding="utf-8")
    instrument = load_instrument(tmp_path / "form.yaml")
    assert instrument.items["aware"].role == "sex"
    assert [(m.kind, m.code) for m in instrument.item_scale("t1").missing] == [("dont_know", 3)]
    assert instrument.item_scale("t1").values == (1, 2)
    done = run_cli("instruments", "import-xlsform", str(path), "--roles", "aware=height", cwd=tmp_path)
    assert done.returncode == 2 and "roles are sex, age" in done.stderr
