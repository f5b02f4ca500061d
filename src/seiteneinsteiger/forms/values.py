"""Turning what someone typed (or what a spreadsheet cell holds) into a typed answer.

An answer may be given as a code (``w``), as a label in German or in the form's language
(``weiblich``, ``أنثى``), as the combined label of the Excel dropdowns (``weiblich / أنثى``) or, in
the terminal, by the number of the choice. Dates are ``TT.MM.JJJJ`` or ``JJJJ-MM-TT`` (or a real
date from a spreadsheet). Nothing here raises for bad input: it returns the kind of mistake, and
the engine turns that into a message in the right language.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from seiteneinsteiger.dates import german, parse_typed
from seiteneinsteiger.forms.model import ChoiceSpec, Form, QuestionSpec, pick
from seiteneinsteiger.forms.names import find_country, find_language, fold

_INT = re.compile(r"^[+-]?\d{1,9}$")
_SPLIT = re.compile(r"[,;\n]")
_YES = ("ja", "j", "yes", "y", "x", "✓", "✔", "☑", "☒", "1", "true", "wahr")
_NO = ("nein", "n", "no", "0", "false", "falsch", "-")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A typed answer, or the kind of mistake (a key of the form's ``texts``)."""

    value: Any = None
    error: str | None = None


def parse(
    form: Form,
    question: QuestionSpec,
    raw: Any,
    language: str,
    *,
    numbered: Sequence[ChoiceSpec] | None = None,
) -> Parsed:
    """Parse ``raw`` for ``question``; ``numbered`` enables answering choices by number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Parsed()
    kind = question.type
    if kind == "text":
        return _text(raw)
    if kind == "integer":
        return _integer(raw)
    if kind == "date":
        return _date(raw)
    if kind == "boolean":
        return _boolean(form, raw)
    if kind == "language":
        found = find_language(raw) if isinstance(raw, str) else None
        return Parsed(found) if found else Parsed(error="language")
    if kind == "country":
        found = find_country(raw, language) if isinstance(raw, str) else None
        return Parsed(found) if found else Parsed(error="country")
    if kind == "select_one":
        code = _choice(form, question, raw, language, numbered)
        return Parsed(code) if code else Parsed(error="choice")
    return _multiple(form, question, raw, language, numbered)


def _text(raw: Any) -> Parsed:
    if isinstance(raw, bool):
        return Parsed(error="invalid")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, dt.datetime):
        raw = raw.date() if raw.time() == dt.time() else raw
    if isinstance(raw, dt.date):
        return Parsed(raw.isoformat())
    if isinstance(raw, int | float | str):
        return Parsed(" ".join(str(raw).split()))
    return Parsed(error="invalid")


def _integer(raw: Any) -> Parsed:
    if isinstance(raw, bool):
        return Parsed(error="integer")
    if isinstance(raw, int):
        return Parsed(raw)
    if isinstance(raw, float):
        return Parsed(int(raw)) if raw.is_integer() and abs(raw) < 1e9 else Parsed(error="integer")
    if isinstance(raw, str) and _INT.match(raw.strip()):
        return Parsed(int(raw.strip()))
    return Parsed(error="integer")


def _date(raw: Any) -> Parsed:
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date()) if raw.time() == dt.time() else Parsed(error="date")
    if isinstance(raw, dt.date):
        return Parsed(raw)
    if not isinstance(raw, str):
        return Parsed(error="date")
    try:
        return Parsed(parse_typed(raw))
    except ValueError:
        return Parsed(error="date")


def _boolean(form: Form, raw: Any) -> Parsed:
    if isinstance(raw, bool):
        return Parsed(raw)
    if isinstance(raw, int) and raw in (0, 1):
        return Parsed(bool(raw))
    if not isinstance(raw, str):
        return Parsed(error="boolean")
    yes, no = _yes_no(form)
    folded = fold(raw)
    if folded in yes:
        return Parsed(True)
    if folded in no:
        return Parsed(False)
    return Parsed(error="boolean")


_EMPTY_BOXES = ("☐", "□", "❏")


def parse_tick(form: Form, raw: Any) -> Parsed:
    """A tick box: ticked (``☒``, ``x``, ``✓``, the form's word for yes), not ticked (``☐``, empty,
    the word for no), or a mistake."""
    if raw is None or (isinstance(raw, str) and raw.strip() in ("", *_EMPTY_BOXES)):
        return Parsed()
    return _boolean(form, raw)


def _yes_no(form: Form) -> tuple[frozenset[str], frozenset[str]]:
    found = form.memo.get("yes_no")
    if found is None:
        found = form.memo["yes_no"] = _build_yes_no(form)
    return found


def _build_yes_no(form: Form) -> tuple[frozenset[str], frozenset[str]]:
    texts = form.file.texts
    yes = {fold(word) for word in _YES} | {fold(word) for word in texts.yes.values()}
    no = {fold(word) for word in _NO} | {fold(word) for word in texts.no.values()}
    for language in form.languages:
        yes.add(fold(bilingual(texts.yes, language)))
        no.add(fold(bilingual(texts.no, language)))
    return frozenset(yes - no), frozenset(no - yes)


def bilingual(labels: dict[str, str] | Any, language: str) -> str:
    """``Deutsch / Sprache`` as the Excel dropdowns show it; German alone for ``de``, the
    translation alone when it begins with the German term ("Jugendamt (…)")."""
    german = pick(labels, "de")
    other = pick(labels, language)
    if language == "de" or other == german:
        return german
    if other.startswith((f"{german} ", f"{german}:")):
        return other
    return f"{german} / {other}"


def _choice(
    form: Form,
    question: QuestionSpec,
    raw: Any,
    language: str,
    numbered: Sequence[ChoiceSpec] | None,
) -> str | None:
    if numbered is not None:
        number = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if isinstance(raw, str) and raw.strip().isdigit():
            number = int(raw.strip())
        if number is not None:
            return numbered[number - 1].code if 1 <= number <= len(numbered) else None
    if not isinstance(raw, str):
        raw = str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else None
        if raw is None:
            return None
    return _choice_table(form, question.list_name or "", language).get(fold(raw))


def _choice_table(form: Form, list_name: str, language: str) -> dict[str, str]:
    key = ("choices", list_name, language)
    found = form.memo.get(key)
    if found is None:
        found = form.memo[key] = _build_choice_table(form, list_name, language)
    return found


def _build_choice_table(form: Form, list_name: str, language: str) -> dict[str, str]:
    """Folded code or label -> code; a label two choices share is left out (ambiguous)."""
    choices = form.lists.get(list_name, [])
    table: dict[str, str] = {}
    ambiguous: set[str] = set()
    for choice in choices:  # codes first: they always win
        table[fold(choice.code)] = choice.code
    for choice in choices:
        names = {
            pick(choice.label, "de"),
            pick(choice.label, language),
            bilingual(choice.label, language),
        }
        for name in names:
            key = fold(name)
            if key in table and table[key] != choice.code:
                if fold(table[key]) != key:  # never shadow a code
                    ambiguous.add(key)
                continue
            table[key] = choice.code
    for key in ambiguous:
        table.pop(key, None)
    return table


def _multiple(
    form: Form,
    question: QuestionSpec,
    raw: Any,
    language: str,
    numbered: Sequence[ChoiceSpec] | None,
) -> Parsed:
    items: list[Any]
    if isinstance(raw, list | tuple):
        items = list(raw)
    elif isinstance(raw, str):
        whole = _choice(form, question, raw, language, None)
        items = [whole] if whole else [part for part in _SPLIT.split(raw) if part.strip()]
    else:
        items = [raw]
    codes: set[str] = set()
    for item in items:
        code = _choice(form, question, item, language, numbered)
        if code is None:
            return Parsed(error="choice")
        codes.add(code)
    order = [c.code for c in form.choices(question, offered=False)]
    ordered = [code for code in order if code in codes]
    return Parsed(ordered or None)


def show(form: Form, question: QuestionSpec, value: Any, language: str = "de") -> str:
    """An answer as people read it: labels for codes, ``TT.MM.JJJJ`` for dates, ja/nein."""
    from seiteneinsteiger.forms.names import country_in, language_german, language_label

    if value is None or value == []:
        return "–"
    if question.type == "date" and isinstance(value, dt.date):
        return german(value)
    if question.type == "boolean":
        return pick(form.file.texts.yes if value else form.file.texts.no, language)
    if question.type in ("select_one", "select_multiple"):
        labels = {c.code: pick(c.label, language) for c in form.choices(question, offered=False)}
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in items)
    if question.type == "language":
        return language_german(str(value)) if language == "de" else language_label(str(value))
    if question.type == "country":
        return country_in(str(value), language)
    return str(value)
