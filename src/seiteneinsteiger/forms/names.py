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

from seiteneinsteiger.codes import (
    EXTRA_COUNTRIES,
    check_country,
    check_language,
    country_name,
    language_name,
)

#: The languages listed first in the questionnaire, with their names in themselves; the German
#: names come from codes.language_name (one table of German labels for forms and exports).
ENDONYMS: dict[str, str] = {
    "de": "Deutsch",
    "ar": "العربية",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "fa": "فارسی",
    "prs": "دری",
    "ps": "پښتو",
    "kmr": "Kurmancî",
    "ckb": "کوردیی سۆرانی",
    "ti": "ትግርኛ",
    "am": "አማርኛ",
    "so": "Af-Soomaali",
    "ro": "Română",
    "bg": "Български",
    "sq": "Shqip",
    "sr": "Српски / Srpski",
    "bs": "Bosanski",
    "hr": "Hrvatski",
    "mk": "Македонски",
    "rom": "Romani čhib",
    "pl": "Polski",
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pt": "Português",
    "el": "Ελληνικά",
    "hu": "Magyar",
    "ka": "ქართული",
    "hy": "Հայերեն",
    "az": "Azərbaycanca",
    "ur": "اردو",
    "hi": "हिन्दी",
    "bn": "বাংলা",
    "ta": "தமிழ்",
    "zh": "中文",
    "vi": "Tiếng Việt",
    "aii": "ܣܘܪܝܬ",
}

#: Form languages whose sheets are laid out right to left.
RTL_LANGUAGES = frozenset({"ar", "fa", "prs", "ps", "ckb", "ur", "he"})

#: pycountry has no Dari catalogue (Dari readers read Persian names); our Serbian is Latin script.
_LOCALE_FALLBACK = {"prs": "fa", "sr": "sr@latin"}

#: Other names people type for a language, in any language of the form.
_LANGUAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "ar": ("عربي", "عربى", "Arabic", "Arabe"),
    "fa": ("Farsi", "Farsça", "Фарси", "فارسي"),
    "prs": ("Dari", "Darî", "دري", "Дари", "Persisch (Dari)"),
    "ps": ("Paschtunisch", "Pashto", "Pushto", "Paştuca", "پشتو", "Пушту"),
    "kmr": ("Kurmanci", "Kurmandschi", "Kurmanji", "Kurmancî", "کرمانجی", "كرمانجي"),
    "ckb": ("Sorani", "Soranî", "سۆرانی", "سورانی", "سوراني"),
    "ti": ("Tigrinja", "Tigrinisch", "Tigrigna", "ትግሪኛ"),
    "rom": ("Romani", "Romanes", "Romanés", "Romani chib"),
    "sr": ("Srpski", "Српски"),
    "uk": ("Українська мова",),
    "ru": ("Русский язык",),
    "ku": ("Kurdî", "کوردی", "كوردي", "Kürtçe"),
    "so": ("Soomaali", "Somalisch"),
}

#: Common short names where ISO 3166-1 has a formal one ("Syrian Arab Republic", "Iran, Islamic
#: Republic of") or where pycountry's translation is missing or outdated; shown in the form's
#: country lists and accepted when typed. XK and XX are not in ISO 3166-1 at all.
COMMON_COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "SY": {
        "en": "Syria", "ar": "سوريا", "uk": "Сирія", "ru": "Сирия",
        "tr": "Suriye", "fa": "سوریه", "prs": "سوریه", "ps": "سوریه", "kmr": "Sûriye",
        "ckb": "سووریا", "ti": "ሶርያ", "ro": "Siria", "bg": "Сирия", "sq": "Siria",
        "sr": "Sirija", "pl": "Syria", "fr": "Syrie", "es": "Siria", "so": "Suuriya",
    },
    "IR": {
        "en": "Iran", "ar": "إيران", "uk": "Іран", "ru": "Иран", "tr": "İran",
        "fa": "ایران", "prs": "ایران", "ps": "ایران", "kmr": "Îran", "ckb": "ئێران",
        "ti": "ኢራን", "ro": "Iran", "bg": "Иран", "sq": "Iran", "sr": "Iran", "pl": "Iran",
        "fr": "Iran", "es": "Irán", "so": "Iiraan",
    },
    "RU": {
        "en": "Russia", "ar": "روسيا", "uk": "Росія", "ru": "Россия",
        "tr": "Rusya", "fa": "روسیه", "prs": "روسیه", "ps": "روسیه", "kmr": "Rûsya",
        "ckb": "ڕووسیا", "ti": "ሩስያ", "ro": "Rusia", "bg": "Русия", "sq": "Rusia",
        "sr": "Rusija", "pl": "Rosja", "fr": "Russie", "es": "Rusia", "so": "Ruushka",
    },
    "MD": {
        "en": "Moldova", "ar": "مولدوفا", "uk": "Молдова",
        "ru": "Молдова", "tr": "Moldova", "fa": "مولداوی", "prs": "مولداوی", "ps": "مولداویا",
        "kmr": "Moldova", "ckb": "مۆڵدۆڤا", "ti": "ሞልዶቫ", "ro": "Republica Moldova",
        "bg": "Молдова", "sq": "Moldavia", "sr": "Moldavija", "pl": "Mołdawia",
        "fr": "Moldavie", "es": "Moldavia", "so": "Moldofa",
    },
    "TR": {
        "en": "Türkiye (Turkey)", "ar": "تركيا", "uk": "Туреччина",
        "ru": "Турция", "tr": "Türkiye", "fa": "ترکیه", "prs": "ترکیه", "ps": "ترکیه",
        "kmr": "Tirkiye", "ckb": "تورکیا", "ti": "ቱርኪ", "ro": "Turcia", "bg": "Турция",
        "sq": "Turqia", "sr": "Turska", "pl": "Turcja", "fr": "Turquie", "es": "Turquía",
        "so": "Turkiga",
    },
    "XK": {
        "en": "Kosovo", "ar": "كوسوفو", "uk": "Косово", "ru": "Косово",
        "tr": "Kosova", "fa": "کوزوو", "prs": "کوزوو", "ps": "کوسوو", "kmr": "Kosova",
        "ckb": "کۆسۆڤۆ", "ti": "ኮሶቮ", "ro": "Kosovo", "bg": "Косово", "sq": "Kosova",
        "sr": "Kosovo", "pl": "Kosowo", "fr": "Kosovo", "es": "Kosovo", "so": "Kosofo",
    },
    "XX": {
        "en": "unknown / stateless",
        "ar": "غير معروف / بدون جنسية", "uk": "невідомо / без громадянства",
        "ru": "неизвестно / без гражданства", "tr": "bilinmiyor / vatansız",
        "fa": "نامعلوم / بدون تابعیت", "prs": "نامعلوم / بدون تابعیت",
        "ps": "نامعلوم / بې تابعیته", "kmr": "nayê zanîn / bê welatî",
        "ckb": "نەزانراو / بێ ڕەگەزنامە", "ti": "ዘይፍለጥ / ዜግነት ዘይብሉ",
        "ro": "necunoscut / apatrid", "bg": "неизвестно / без гражданство",
        "sq": "e panjohur / pa shtetësi", "sr": "nepoznato / bez državljanstva",
        "pl": "nieznane / bez obywatelstwa", "fr": "inconnu / apatride",
        "es": "desconocido / apátrida", "so": "lama yaqaan / dal la'aan",
    },
    "VN": {"en": "Vietnam", "ar": "فيتنام"},
    "PS": {"en": "Palestine", "ar": "فلسطين", "fr": "Palestine"},
    "KR": {"en": "South Korea"},
    "KP": {"en": "North Korea"},
    "VE": {"en": "Venezuela", "es": "Venezuela"},
    "BO": {"en": "Bolivia", "es": "Bolivia"},
    "TZ": {"en": "Tanzania"},
    "LA": {"en": "Laos"},
    "CD": {"en": "Congo (Democratic Republic)"},
    "CG": {"en": "Congo (Republic)"},
}  # fmt: skip

#: Further spellings people type for a country (accepted, never shown).
_COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "SY": ("سورية", "سوريه", "Syrie", "Suriya"),
    "IR": ("Persien", "Persia", "ايران"),
    "RU": ("Russische Föderation", "Russian Federation", "Российская Федерация", "Rusland"),
    "MD": ("Moldau", "Moldawien", "Republik Moldau", "Молдавия", "Moldavija", "Moldova"),
    "TR": ("Turkey", "Turkiye", "Türkiye", "Turkei", "Tirkiye", "Türkîye"),
    "XK": ("Kosova", "Kosovë", "Косово", "Kosowo"),
    "XX": ("staatenlos", "unbekannt", "stateless", "unknown"),
    "GB": ("Großbritannien", "England", "Great Britain", "UK"),
    "US": ("USA", "Amerika", "America", "United States of America"),
    "MK": ("Mazedonien", "Macedonia", "Македонија", "Македония", "Maqedonia", "Makedonija"),
    "CZ": ("Tschechische Republik", "Czech Republic"),
    "NL": ("Holland",),
    "AF": ("Afganistan", "افغانستان"),
    "IQ": ("عراق", "Irak"),
    "UA": ("Украина", "Ukrajina"),
    "BA": ("Bosnien", "Bosnia", "Bosna", "Босна"),
    "PS": ("Palästina", "Palestine"),
}  # fmt: skip

#: Letters that look alike and are typed interchangeably in Arabic-script languages.
_ARABIC_VARIANTS = str.maketrans(
    {"ى": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي", "ک": "ك", "ڪ": "ك", "ة": "ه", "ە": "ه", "ۀ": "ه",
     "\u0640": None, "\u200c": None, "\u200d": None}
)  # fmt: skip


def fold(text: str) -> str:
    """Normalise a typed answer for matching: Unicode NFC, case-folded, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u00a0", " ")
    return " ".join(text.split()).casefold()


def loose(text: str) -> str:
    """:func:`fold`, and without diacritics or Arabic letter variants: for looking up names.

    "الصّومال" (with shadda) matches "الصومال", "سوريه" matches "سورية", "Türkiye" matches
    "Turkiye", "Росія" with or without stress marks.
    """
    decomposed = unicodedata.normalize("NFKD", fold(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(unicodedata.normalize("NFC", bare).translate(_ARABIC_VARIANTS).split())


def language_label(code: str) -> str:
    """``Arabisch / العربية`` for a listed language, the German name for any other code."""
    german = language_name(code)
    own = ENDONYMS.get(code, german)
    return german if german == own else f"{german} / {own}"


def language_german(code: str) -> str:
    return language_name(code)


def _form_locales() -> tuple[str, ...]:
    """The locales whose names are accepted when typed: those of the form languages."""
    return ("de", "en", "ar", "uk", "ru", "tr", "fa", "prs", "ps", "kmr", "ckb", "ti", "ro", "bg",
            "sq", "sr", "pl", "fr", "es", "so")  # fmt: skip


@cache
def _language_lookup() -> dict[str, str]:
    """Loose names -> code: pycountry's names in every form language, our list and aliases.

    Only languages with a two-letter code or on our list are named in other languages (a few
    thousand names instead of 150,000); every other ISO 639-3 language by its English and German
    name.
    """
    import pycountry

    table: dict[str, str] = {}
    for code, own in ENDONYMS.items():  # the short list wins over pycountry names
        for name in (language_name(code), own, language_label(code), *own.split(" / ")):
            table[loose(name)] = code
    for code, aliases in _LANGUAGE_ALIASES.items():
        for name in aliases:
            table.setdefault(loose(name), code)
    in_german = _translations("iso639-3", "de").gettext
    named: list[tuple[str, str]] = []
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None) or language.alpha_3
        table.setdefault(loose(in_german(language.name)), code)
        table.setdefault(loose(language.name), code)
        if len(code) == 2 or code in ENDONYMS:
            named.append((code, language.name))
    for locale in _form_locales():
        translate = _translations("iso639-3", locale).gettext
        for code, name in named:
            table.setdefault(loose(translate(name)), code)
    return table


def find_language(text: str) -> str | None:
    """The language code meant by ``text``: a code, or its name in German, in the language itself
    or in any language of the form ("Arabisch", "العربية", "арабский", "Arapça")."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) <= 3 and check_language(stripped.lower()) is None:
        return stripped.lower()
    return _language_lookup().get(loose(stripped))


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
    return tuple(sorted(codes, key=lambda code: loose(country_in(code, "de"))))


def country_in(code: str, language: str) -> str:
    """The name of a country in ``language``: the common name where ISO's is formal ("Syrien",
    not "Syrien, Arabische Republik"); German where no translation exists."""
    if language == "de":
        return country_name(code)
    common = COMMON_COUNTRY_NAMES.get(code, {})
    if language in common:
        return common[language]
    if code in EXTRA_COUNTRIES:
        return country_name(code)
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
    """Loose names -> code, for names in ``language`` first, then in every form language.

    Per country: the common name, the ISO name and its translations, pycountry's common name,
    the typed variants of :data:`_COUNTRY_ALIASES`, and the short form of a formal name ("Iran"
    for "Iran, Islamische Republik") unless two countries share it.
    """
    import pycountry

    table: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    locales = (language, *(locale for locale in _form_locales() if locale != language))
    for code in countries():
        for name in COMMON_COUNTRY_NAMES.get(code, {}).values():
            for part in (name, *name.split(" / ")):  # "unbekannt / staatenlos": either word
                table.setdefault(loose(part), code)
        for name in _COUNTRY_ALIASES.get(code, ()):
            table.setdefault(loose(name), code)
    for locale in locales:
        for code in countries():
            record = pycountry.countries.get(alpha_2=code)
            names = [country_in(code, locale), country_label(code, locale)]
            if record is not None:
                translate = _translations("iso3166-1", locale).gettext
                names.append(translate(record.name))
                common = getattr(record, "common_name", None)
                if common:
                    names += [common, translate(common)]
            for name in names:
                table.setdefault(loose(name), code)
                head = name.split(",")[0].split(" (")[0].strip()
                if head != name:
                    short.setdefault(loose(head), set()).add(code)
    for name, codes in short.items():
        if len(codes) == 1:
            table.setdefault(name, codes.pop())
    return table


def find_country(text: str, language: str) -> str | None:
    """The country code meant by ``text``: a code, or a name in German, in ``language`` or in any
    other language of the form ("Syrien", "سوريا", "Сирия", "Suriye", "Syria": SY)."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) == 2 and check_country(stripped.upper()) is None:
        return stripped.upper()
    return _country_lookup(language).get(loose(stripped))
