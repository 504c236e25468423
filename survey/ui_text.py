"""Every word the interview screens show, in each language the interviews are run in.

An interview language without a translation here falls back to English (``study validate``
says so). Add a language by adding its column to every entry.

>>> ui("need_choice", "ru")
'Сначала выберите ответ: ничего не сохранено.'
"""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "consent_question": {"en": "Does the respondent agree to take part?", "ru": "Согласен ли респондент участвовать?"},
    "consent_yes": {"en": "Yes: the respondent agrees, start the interview", "ru": "Да: респондент согласен, начать интервью"},
    "consent_no": {"en": "No: record a refusal", "ru": "Нет: записать отказ"},
    "interrupted": {"en": "Interview interrupted. What now?", "ru": "Интервью прервано. Что дальше?"},
    "pause": {"en": "Pause: keep all answers and resume later", "ru": "Пауза: сохранить ответы и продолжить позже"},
    "continue": {"en": "Continue the interview", "ru": "Продолжить интервью"},
    "abandon": {"en": "Abandon: the respondent stopped (answers so far are kept)",
                "ru": "Прекратить: респондент прервал интервью (данные ответы сохраняются)"},
    "abandon_confirm": {"en": "Abandon this interview for good?", "ru": "Прекратить это интервью окончательно?"},
    "yes": {"en": "Yes", "ru": "Да"},
    "no": {"en": "No", "ru": "Нет"},
    "keys_choice": {"en": "number selects · Enter confirms", "ru": "цифра выбирает · Enter подтверждает"},
    "keys_ten": {"en": "1 0 or t = 10", "ru": "1 0 или t = 10"},
    "keys_multi": {"en": "number ticks / unticks · Enter confirms", "ru": "цифра отмечает / снимает · Enter подтверждает"},
    "keys_number": {"en": "type the number · Enter confirms", "ru": "введите число · Enter подтверждает"},
    "keys_text": {"en": "type the answer · Enter confirms · Ctrl-B back", "ru": "введите ответ · Enter подтверждает · Ctrl-B назад"},
    "keys_menu": {"en": "letter selects · Enter confirms", "ru": "буква выбирает · Enter подтверждает"},
    "key_back": {"en": "< back", "ru": "< назад"},
    "key_pause": {"en": "Ctrl-C pause", "ru": "Ctrl-C пауза"},
    "key_dont_know": {"en": "d don't know", "ru": "d затрудняюсь"},
    "key_refused": {"en": "r refused", "ru": "r отказ"},
    "key_tab_missing": {"en": "Tab don't know / refused", "ru": "Tab затрудняюсь / отказ"},
    "need_choice": {"en": "Choose an answer first: nothing was saved.", "ru": "Сначала выберите ответ: ничего не сохранено."},
    "no_key": {"en": "The key '{key}' does nothing here.", "ru": "Клавиша «{key}» здесь ничего не делает."},
    "ambiguous_key": {"en": "'{key}' could mean yes (the y key) or no (нет): press y or д for yes, n or т for no.",
                      "ru": "«{key}» может значить «да» (клавиша y) или «нет»: нажмите y или д — да, n или т — нет."},
    "no_code": {"en": "There is no answer {code} here.", "ru": "Здесь нет ответа {code}."},
    "no_dont_know": {"en": "This question has no \"don't know\" answer.", "ru": "В этом вопросе нет ответа «затрудняюсь»."},
    "no_refused": {"en": "This question has no \"refused\" answer.", "ru": "В этом вопросе нет ответа «отказ»."},
    "need_number": {"en": "Type a number from {low} to {high}.", "ru": "Введите число от {low} до {high}."},
    "need_text": {"en": "An answer is required.", "ru": "Нужен ответ."},
    "multi_none": {"en": "Nothing ticked: press Enter again to record that none applies.",
                   "ru": "Ничего не отмечено: нажмите Enter ещё раз, чтобы записать «ничего из перечисленного»."},
    "review_title": {"en": "Review: {n} questions. Change any answer before finishing.",
                     "ru": "Проверка: {n} вопросов. Измените любой ответ перед завершением."},
    "keys_review": {"en": "question number + Enter changes it · f finish · ↑↓ scroll",
                    "ru": "номер вопроса + Enter — изменить · f завершить · ↑↓ прокрутка"},
    "review_enter": {"en": "Press f to finish, or type a question number and Enter to change its answer.",
                     "ru": "Нажмите f, чтобы завершить, или номер вопроса и Enter, чтобы изменить ответ."},
    "no_question": {"en": "There is no question {k}.", "ru": "Вопроса {k} нет."},
    "no_answer": {"en": "(no answer)", "ru": "(нет ответа)"},
    "current": {"en": "current answer", "ru": "текущий ответ"},
    "refusal_recorded": {"en": "Refusal recorded. Nothing else was stored.", "ru": "Отказ записан. Больше ничего не сохранено."},
}
LANGUAGES = ("en", "ru")


def ui(name: str, language: str | None, /, **values: object) -> str:
    """The text ``name`` in ``language`` (English when it has no translation), with ``values`` filled in."""
    entry = UI[name]
    return entry.get(language or "en", entry["en"]).format(**values)
