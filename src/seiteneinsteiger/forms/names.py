"""Names of languages and countries for questions of type ``language`` and ``country``.

Languages are offered from a short list of the languages newly arrived families speak
(ki-practice.md §6.1), each with its German name and its own name (endonym): a parent recognises
"العربية" whatever language the form is in. Any other valid BCP-47 code is accepted as typed.
Country names come from ISO 3166-1 as shipped by ``pycountry``, in German and, where pycountry
has a translation, in the family's language.
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import cache

from seiteneinsteiger.codes import EXTRA_COUNTRIES, check_country, check_language, language_name

#: code -> (German name, name of the language in itself)
LANGUAGES: dict[str, tuple[str, str]] = {
    "de": ("Deutsch", "Deutsch"),
    "ar": ("Arabisch", "العربية"),
    "uk": ("Ukrainisch", "Українська"),
    "ru": ("Russisch", "Русский"),
    "tr": ("Türkisch", "Türkçe"),
    "fa": ("Persisch (Farsi)", "فارسی"),
    "prs": ("Dari", "دری"),
    "ps": ("Paschtu", "پښتو"),
    "kmr": ("Kurdisch (Kurmandschi)", "Kurmancî"),
    "ckb": ("Kurdisch (Sorani)", "کوردیی سۆرانی"),
    "ti": ("Tigrinya", "ትግርኛ"),
    "am": ("Amharisch", "አማርኛ"),
    "so": ("Somali", "Af-Soomaali"),
    "ro": ("Rumänisch", "Română"),
    "bg": ("Bulgarisch", "Български"),
    "sq": ("Albanisch", "Shqip"),
    "sr": ("Serbisch", "Српски / Srpski"),
    "bs": ("Bosnisch", "Bosanski"),
    "hr": ("Kroatisch", "Hrvatski"),
    "mk": ("Mazedonisch", "Македонски"),
    "rom": ("Romanes", "Romani čhib"),
    "pl": ("Polnisch", "Polski"),
    "en": ("Englisch", "English"),
    "fr": ("Französisch", "Français"),
    "es": ("Spanisch", "Español"),
    "it": ("Italienisch", "Italiano"),
    "pt": ("Portugiesisch", "Português"),
    "el": ("Griechisch", "Ελληνικά"),
    "hu": ("Ungarisch", "Magyar"),
    "ka": ("Georgisch", "ქართული"),
    "hy": ("Armenisch", "Հայերեն"),
    "az": ("Aserbaidschanisch", "Azərbaycanca"),
    "ur": ("Urdu", "اردو"),
    "hi": ("Hindi", "हिन्दी"),
    "bn": ("Bengalisch", "বাংলা"),
    "ta": ("Tamil", "தமிழ்"),
    "zh": ("Chinesisch", "中文"),
    "vi": ("Vietnamesisch", "Tiếng Việt"),
    "aii": ("Aramäisch (Assyrisch)", "ܣܘܪܝܬ"),
}

#: Other names people type for a language.
_ALIASES = {
    "Farsi": "fa",
    "Kurmanci": "kmr",
    "Kurmandschi": "kmr",
    "Kurmanji": "kmr",
    "Sorani": "ckb",
    "Paschtunisch": "ps",
    "Pashto": "ps",
    "Tigrinja": "ti",
    "Romani": "rom",
}

#: Form languages whose sheets are laid out right to left.
RTL_LANGUAGES = frozenset({"ar", "fa", "prs", "ps", "ckb", "ur", "he"})

#: pycountry has no Dari catalogue; Dari readers read Persian country names.
_LOCALE_FALLBACK = {"prs": "fa"}


def fold(text: str) -> str:
    """Normalise a typed answer for matching: Unicode NFC, case-folded, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


def language_label(code: str) -> str:
    """``Arabisch / العربية`` for a listed language, the German name for any other code."""
    if code in LANGUAGES:
        german, own = LANGUAGES[code]
        return german if german == own else f"{german} / {own}"
    return language_name(code)


def language_german(code: str) -> str:
    return LANGUAGES[code][0] if code in LANGUAGES else language_name(code)


@cache
def _language_lookup() -> dict[str, str]:
    import pycountry

    table: dict[str, str] = {}
    translate = _translations("iso639-3", "de").gettext
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None) or language.alpha_3
        table.setdefault(fold(translate(language.name)), code)
        table.setdefault(fold(language.name), code)
    for code, (german, own) in LANGUAGES.items():  # the short list wins over pycountry names
        for name in (german, own, language_label(code), *own.split(" / ")):
            table[fold(name)] = code
    for name, code in _ALIASES.items():
        table[fold(name)] = code
    return table


def find_language(text: str) -> str | None:
    """The language code meant by ``text``: a code, a German name or the language's own name."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) <= 3 and check_language(stripped.lower()) is None:
        return stripped.lower()
    return _language_lookup().get(fold(stripped))


@cache
def _translations(domain: str, locale: str) -> gettext.NullTranslations:
    import pycountry

    locale = _LOCALE_FALLBACK.get(locale, locale)
    try:
        return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale])
    except OSError:
        return gettext.NullTranslations()


@cache
def countries() -> tuple[str, ...]:
    """Every country code the contract allows, sorted by German name."""
    import pycountry

    codes = [country.alpha_2 for country in pycountry.countries] + list(EXTRA_COUNTRIES)
    return tuple(sorted(codes, key=lambda code: fold(country_in(code, "de"))))


def country_in(code: str, language: str) -> str:
    """The name of a country in ``language`` (German for XK/XX and where no translation exists)."""
    if code in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[code]
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    if language == "en":
        return str(country.name)
    translated = _translations("iso3166-1", language).gettext(country.name)
    if language != "de" and translated == country.name:
        return country_in(code, "de")
    return translated


def country_label(code: str, language: str) -> str:
    german = country_in(code, "de")
    if language == "de":
        return german
    other = country_in(code, language)
    return german if other == german else f"{german} / {other}"


@cache
def _country_lookup(language: str) -> dict[str, str]:
    """Folded names -> code; a short form ("Syrien" for "Syrien, Arabische Republik") is added
    unless two countries share it."""
    import pycountry

    table: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for code in countries():
        names = [
            country_in(code, "de"),
            country_label(code, language),
            country_in(code, language),
            country_in(code, "en"),
        ]
        record = pycountry.countries.get(alpha_2=code)
        common = getattr(record, "common_name", None) if record is not None else None
        if common:
            names += [
                common,
                _translations("iso3166-1", "de").gettext(common),
                _translations("iso3166-1", language).gettext(common),
            ]
        for name in names:
            table.setdefault(fold(name), code)
            head = name.split(",")[0].split(" (")[0]
            if head != name:
                short.setdefault(fold(head), set()).add(code)
    for name, codes in short.items():
        if len(codes) == 1:
            table.setdefault(name, codes.pop())
    return table


def find_country(text: str, language: str) -> str | None:
    """The country code meant by ``text``: a code or a name in German or in ``language``."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) == 2 and check_country(stripped.upper()) is None:
        return stripped.upper()
    return _country_lookup(language).get(fold(stripped))
