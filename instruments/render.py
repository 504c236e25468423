"""Showing an instrument in the terminal, as a researcher checks it before fieldwork."""

from __future__ import annotations

from axiosphere.instruments.model import Instrument, Item, ResponseScale


def describe_scale(scale: ResponseScale, language: str) -> str:
    """One line: the codes, the labelled points, the direction and the missing codes."""
    labelled = [f"{p.value}={p.label.get(language)}" for p in scale.points if p.label is not None]
    if len(labelled) < len(scale.points):
        text = f"{scale.low}..{scale.high} ({'; '.join(labelled)})"
    else:
        text = "; ".join(labelled)
    if scale.more_at:
        text += f"  [more = {scale.more_at} end]"
    if scale.missing:
        text += "  missing: " + ", ".join(f"{m.code}={m.label.get(language)}" for m in scale.missing)
    return text


def _item_answer(item: Item, instrument: Instrument) -> str:
    if item.scale:
        return item.scale
    if item.type == "number":
        return f"number {item.minimum:g}..{item.maximum:g}"
    if item.options_from:
        return f"options from the study ({item.options_from})"
    return item.type


def render_instrument(instrument: Instrument, *, language: str, form: str | None = None) -> None:
    """Print the instrument's texts in ``language`` (and text ``form``) with rich."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)

    def say(text: str = "", *, bold: bool = False) -> None:
        # Texts come from instrument files: never let rich read "[...]" in them as markup.
        console.print(Text(text, style="bold" if bold else ""))
    say(f"{instrument.title.get(language)}  ({instrument.id} {instrument.version})", bold=True)
    say(f"Languages: {', '.join(instrument.languages)}")
    if language in instrument.translations:
        say(f"Texts in '{language}': {instrument.translations[language]}")
    say(f"Citation: {instrument.citation}")
    say(f"Licence: {instrument.licence}")
    if instrument.notice:
        say(f"Notice: {instrument.notice}")
    if instrument.forms:
        shown = form or instrument.forms.default
        say(f"Texts vary with '{instrument.forms.item}'; showing the '{shown}' form "
                      f"(forms: {', '.join(v for v, _ in instrument.forms.variants)}).")
    say()
    say("Response scales", bold=True)
    for scale in instrument.response_scales.values():
        say(f"  {scale.id} ({scale.kind}): {describe_scale(scale, language)}")
    for section in instrument.sections:
        say()
        flag = "  (order randomised per respondent)" if section.randomise else ""
        say(f"{section.title.get(language)} [{section.id}]{flag}", bold=True)
        if section.intro:
            say(f"  {section.intro.get(language)}")
        table = Table(box=None, show_header=False, padding=(0, 1))
        for _ in range(3):
            table.add_column(overflow="fold")
        for item_id in section.items:
            item = instrument.items[item_id]
            extra = []
            if item.relevant:
                extra.append(f"only if {item.relevant.text}")
            if not item.required:
                extra.append("optional")
            if item.role:
                extra.append(f"role: {item.role}")
            text = item.text.get(language, form) + (f"  ({'; '.join(extra)})" if extra else "")
            table.add_row(Text(item.id), Text(_item_answer(item, instrument)), Text(text))
        console.print(table)
    say()
    say("Scoring key" + (f"  (scores centred: {instrument.centring})" if instrument.centring != "none" else ""), bold=True)
    for scale in instrument.scales.values():
        if scale.is_composite:
            parts = [m.scale + (f" (if {m.option}={m.choice})" if m.option else "") for m in scale.members]
            say(f"  {scale.id}: {scale.label.get(language)} = {' + '.join(parts)}")
        else:
            items = [i + (" (reversed)" if i in scale.reverse else "") for i in scale.items]
            say(f"  {scale.id}: {scale.label.get(language)} = mean of {', '.join(items)} "
                          f"(at least {scale.min_valid} valid)")
    for option in instrument.options.values():
        say(f"  option {option.id}: {' | '.join(option.choices)} (default {option.default}). {option.description}")
