"""Which school a free-text name means, conservatively (a sibling's school in the intake).

``family.siblings[].school`` is whatever the counsellor typed ("GS Kamen-Mitte", "Gesamtschule
Kamen"). A text is matched to a school only when exactly one school of the given schools fits:
every significant word of the text appears in the school's name, short name, town or street,
and a school-form abbreviation (GS, GE, RS, HS, SK, Gym, BK) fits the school's form. Anything
ambiguous or unknown matches nothing; a wrong match would rank a school up for no reason.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from seiteneinsteiger.codes import SchoolForm
from seiteneinsteiger.schools.directory import School

_FORM_WORDS: dict[str, SchoolForm] = {
    "gs": SchoolForm.grundschule,
    "ggs": SchoolForm.grundschule,
    "kgs": SchoolForm.grundschule,
    "egs": SchoolForm.grundschule,
    "grundschule": SchoolForm.grundschule,
    "hs": SchoolForm.hauptschule,
    "hauptschule": SchoolForm.hauptschule,
    "rs": SchoolForm.realschule,
    "realschule": SchoolForm.realschule,
    "sk": SchoolForm.sekundarschule,
    "sek": SchoolForm.sekundarschule,
    "sekundarschule": SchoolForm.sekundarschule,
    "ge": SchoolForm.gesamtschule,
    "gesamtschule": SchoolForm.gesamtschule,
    "gym": SchoolForm.gymnasium,
    "gy": SchoolForm.gymnasium,
    "gymnasium": SchoolForm.gymnasium,
    "bk": SchoolForm.berufskolleg,
    "berufskolleg": SchoolForm.berufskolleg,
}
_STOP_WORDS = frozenset(
    {"schule", "der", "die", "das", "am", "an", "im", "in", "auf", "und", "von", "zum", "zur"}
    | {"st", "staedt", "staedtische", "stadt", "gem", "kath", "ev", "fuer", "mit", "des"}
)


def words(text: str) -> list[str]:
    """Lower-case ASCII words: ``Städt. Gesamtschule Kamen-Mitte`` → staedt, gesamtschule, …"""
    folded = text.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    folded = folded.replace("ß", "ss")
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(ch)
    )
    return re.findall(r"[a-z0-9]+", plain)


def match_school(text: str, schools: Iterable[School]) -> School | None:
    """The single school ``text`` names, or None when no school or several schools fit."""
    tokens = words(text)
    forms = {_FORM_WORDS[token] for token in tokens if token in _FORM_WORDS}
    significant = [
        token
        for token in tokens
        if token not in _FORM_WORDS
        and token not in _STOP_WORDS
        and (len(token) >= 3 or token.isdigit())
    ]
    if not significant or len(forms) > 1:
        return None
    found: list[School] = []
    for school in schools:
        if forms and not forms & {code for code, _ in school.schulform.serves}:
            continue
        haystack = words(" ".join((school.name, school.short_name, school.town, school.street)))
        if all(any(_fits(token, word) for word in haystack) for token in significant):
            found.append(school)
            if len(found) > 1:
                return None
    return found[0] if found else None


def _fits(token: str, word: str) -> bool:
    """Equal, or a token of 4+ letters that begins a compound ("eichendorff" in
    "eichendorffschule"); never a word ending ("kamen" is not "bergkamen")."""
    return token == word or (len(token) >= 4 and word.startswith(token))
