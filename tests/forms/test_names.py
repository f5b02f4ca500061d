"""Country and language names as families and interpreters type them, in every form language."""

from __future__ import annotations

import pytest

from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.names import (
    COMMON_COUNTRY_NAMES,
    country_in,
    country_label,
    find_country,
    find_language,
)

FORM_LANGUAGES = load_form().languages


@pytest.mark.parametrize(
    ("typed", "session", "code"),
    [
        # the examples: the common name, not only "Syrian Arab Republic"
        ("سوريا", "ar", "SY"),
        ("سورية", "ar", "SY"),
        ("Сирия", "ru", "SY"),
        ("Сирія", "uk", "SY"),
        ("Syrien", "de", "SY"),
        ("Syria", "en", "SY"),
        ("Suriye", "tr", "SY"),
        ("سوریه", "fa", "SY"),
        # a name in another language than the session's
        ("سوريا", "de", "SY"),
        ("Suriye", "uk", "SY"),
        ("Syria", "ti", "SY"),
        # formal ISO names and their short forms
        ("Syrian Arab Republic", "en", "SY"),
        ("Syrien, Arabische Republik", "de", "SY"),
        ("Iran", "de", "IR"),
        ("ایران", "fa", "IR"),
        ("Iran, Islamic Republic of", "en", "IR"),
        ("Russland", "de", "RU"),
        ("Россия", "ru", "RU"),
        ("Росія", "uk", "RU"),
        ("Russian Federation", "en", "RU"),
        ("Moldawien", "de", "MD"),
        ("Republica Moldova", "ro", "MD"),
        ("Moldova, Republic of", "en", "MD"),
        ("Türkei", "de", "TR"),
        ("Turkey", "en", "TR"),
        ("Türkiye", "tr", "TR"),
        ("تركيا", "ar", "TR"),
        ("Kosovo", "de", "XK"),
        ("Kosova", "sq", "XK"),
        ("Косово", "sr", "XK"),
        ("كوسوفو", "ar", "XK"),
        ("staatenlos", "de", "XX"),
        ("بدون جنسية", "ar", "XX"),
        # spelling variants of Arabic script: diacritics, alef and yeh forms, Persian letters
        ("الصومال", "ar", "SO"),  # pycountry writes الصّومال
        ("افغانستان", "prs", "AF"),
        ("ኤርትራ", "ti", "ER"),
        ("Eritrea", "ti", "ER"),
        ("Україна", "uk", "UA"),
        ("SY", "de", "SY"),
        ("xk", "de", "XK"),
    ],
)
def test_countries_by_the_names_people_use(typed: str, session: str, code: str) -> None:
    assert find_country(typed, session) == code


@pytest.mark.parametrize("typed", ["Absurdistan", "Kurdistan", "", "   "])
def test_unknown_countries_are_not_guessed(typed: str) -> None:
    assert find_country(typed, "de") is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Arabisch", "ar"),
        ("العربية", "ar"),
        ("عربي", "ar"),
        ("арабский", "ar"),
        ("Arapça", "ar"),
        ("Farsi", "fa"),
        ("فارسی", "fa"),
        ("Dari", "prs"),
        ("دری", "prs"),
        ("پښتو", "ps"),
        ("Kurmancî", "kmr"),
        ("Sorani", "ckb"),
        ("Kurdisch", "ku"),
        ("ትግርኛ", "ti"),
        ("Tigrinya", "ti"),
        ("українська", "uk"),
        ("Англійська", "en"),
        ("Romanes", "rom"),
        ("Soomaali", "so"),
        ("Almanca", "de"),
        ("немецкий", "de"),
        ("AR", "ar"),
    ],
)
def test_languages_by_the_names_people_use(typed: str, code: str) -> None:
    assert find_language(typed) == code


def test_every_common_country_name_is_found_in_every_session() -> None:
    for code, names in COMMON_COUNTRY_NAMES.items():
        for name in (country_in(code, "de"), *names.values()):
            for session in ("de", "ar", "uk"):
                assert find_country(name, session) == code, (name, session)


def test_lists_show_the_common_name_not_the_formal_one() -> None:
    assert country_in("SY", "de") == "Syrien"
    assert country_label("SY", "ar") == "Syrien / سوريا"
    assert country_label("RU", "uk") == "Russland / Росія"
    assert country_label("XX", "fa") == "unbekannt / staatenlos / نامعلوم / بدون تابعیت"
    assert country_in("RS", "sr") == "Srbija"  # our Serbian is Latin script
    for language in FORM_LANGUAGES:
        assert "Arabische Republik" not in country_label("SY", language)
        expected = "Kosovo" if language == "de" else COMMON_COUNTRY_NAMES["XK"][language]
        assert country_in("XK", language) == expected
