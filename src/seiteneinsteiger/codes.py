"""Code lists of the data contracts, with their German labels.

Codes are the stable values stored in files (`sek1`, `gesamtschule`, `AOSF_CHECK`); labels are what
people read. Country and language codes are checked against ISO 3166-1 and ISO 639 as shipped by
``pycountry`` (a maintained code list), not against a hand-typed list.
"""

from __future__ import annotations

import difflib
import gettext
import importlib.util
import struct
from enum import StrEnum
from functools import cache
from pathlib import Path

from seiteneinsteiger.errors import brief


class Gender(StrEnum):
    m = "m"
    w = "w"
    d = "d"
    x = "x"


class InterpreterKind(StrEnum):
    pool = "pool"
    family = "family"
    staff = "staff"
    none = "none"


class ConsentScope(StrEnum):
    school = "school"
    schulamt = "schulamt"
    gesundheitsamt = "gesundheitsamt"
    statistics = "statistics"


class Residence(StrEnum):
    municipality = "municipality"
    state_facility = "state_facility"


class ResidenceBasis(StrEnum):
    """Aufenthaltsgrundlage as far as it matters for the Schulpflicht (§ 34 Abs. 1, 6 SchulG).

    Sensitive: asked by the counsellor only, never exported to a school.
    """

    asylum_applicant = "asylum_applicant"  # Asylantrag gestellt, Aufenthaltsgestattung
    temporary_protection = "temporary_protection"  # § 24 AufenthG, vorübergehender Schutz
    eu_citizen = "eu_citizen"  # EU-/EWR-Freizügigkeit
    tolerated = "tolerated"  # Duldung / ausreisepflichtig
    other = "other"  # anderer Aufenthaltstitel / deutsche Staatsangehörigkeit


class Relation(StrEnum):
    mother = "mother"
    father = "father"
    guardian = "guardian"
    foster_parent = "foster_parent"
    youth_office = "youth_office"
    other = "other"


class Level(StrEnum):
    """GeR / CEFR level; ``none`` means no knowledge of the language."""

    none = "none"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"
    C1 = "C1"
    C2 = "C2"


LEVEL_ORDER: dict[str, int] = {level.value: rank for rank, level in enumerate(Level)}


class Literacy(StrEnum):
    none = "none"
    other_script = "other_script"
    latin = "latin"


class Script(StrEnum):
    latin = "latin"
    arabic = "arabic"
    cyrillic = "cyrillic"
    geez = "geez"
    georgian = "georgian"
    armenian = "armenian"
    greek = "greek"
    devanagari = "devanagari"
    chinese = "chinese"
    other = "other"


class SchoolType(StrEnum):
    none = "none"
    kindergarten = "kindergarten"
    primary = "primary"
    lower_secondary = "lower_secondary"
    upper_secondary = "upper_secondary"
    vocational = "vocational"


class CertificateKind(StrEnum):
    grade_report = "grade_report"
    lower_secondary = "lower_secondary"
    upper_secondary = "upper_secondary"
    vocational = "vocational"
    language_certificate = "language_certificate"


class Maths(StrEnum):
    well_below = "well_below"
    below = "below"
    at_grade = "at_grade"
    above = "above"


class AssessmentBasis(StrEnum):
    conversation = "conversation"
    certificate = "certificate"
    task = "task"
    two_p = "2p"
    profilanalyse = "profilanalyse"


class Need(StrEnum):
    learning = "learning"
    language = "language"
    emotional_social = "emotional_social"
    hearing = "hearing"
    vision = "vision"
    physical_motor = "physical_motor"
    intellectual = "intellectual"
    other = "other"


class SchoolForm(StrEnum):
    grundschule = "grundschule"
    hauptschule = "hauptschule"
    realschule = "realschule"
    sekundarschule = "sekundarschule"
    gesamtschule = "gesamtschule"
    gymnasium = "gymnasium"
    primus = "primus"
    foerderschule = "foerderschule"
    berufskolleg = "berufskolleg"
    weiterbildungskolleg = "weiterbildungskolleg"


class Stage(StrEnum):
    none = "none"
    primarstufe = "primarstufe"
    sek1 = "sek1"
    sek2 = "sek2"


class SchulpflichtStatus(StrEnum):
    schulpflichtig = "schulpflichtig"
    not_yet = "not_yet"
    no_longer = "no_longer"


class Erstalphabetisierung(StrEnum):
    eligible = "eligible"
    no = "no"
    not_applicable = "n/a"


class Measure(StrEnum):
    erstfoerderung = "erstfoerderung"
    erstalphabetisierung = "erstalphabetisierung"
    ifk = "ifk"
    fit_fuer_mehr = "fit_fuer_mehr"
    hsu = "hsu"
    fit_in_deutsch = "fit_in_deutsch"
    schulsozialarbeit = "schulsozialarbeit"
    kim_case_management = "kim_case_management"


SCHOOL_FORM_LABELS: dict[str, str] = {
    "grundschule": "Grundschule",
    "hauptschule": "Hauptschule",
    "realschule": "Realschule",
    "sekundarschule": "Sekundarschule",
    "gesamtschule": "Gesamtschule",
    "gymnasium": "Gymnasium",
    "primus": "PRIMUS-Schule",
    "foerderschule": "Förderschule",
    "berufskolleg": "Berufskolleg",
    "weiterbildungskolleg": "Weiterbildungskolleg",
}

STAGE_LABELS: dict[str, str] = {
    "none": "keine Schulstufe",
    "primarstufe": "Primarstufe",
    "sek1": "Sekundarstufe I",
    "sek2": "Sekundarstufe II",
}

SCHULPFLICHT_LABELS: dict[str, str] = {
    "schulpflichtig": "schulpflichtig",
    "not_yet": "noch nicht schulpflichtig",
    "no_longer": "nicht mehr schulpflichtig",
}

MEASURE_LABELS: dict[str, str] = {
    "erstfoerderung": "Erstförderung (BASS 13-63 Nr. 3)",
    "erstalphabetisierung": "Lerngruppe zur Erstalphabetisierung",
    "ifk": "Internationale Förderklasse (Berufskolleg)",
    "fit_fuer_mehr": "„Fit für mehr“ (Berufskolleg)",
    "hsu": "Herkunftssprachlicher Unterricht",
    "fit_in_deutsch": "Ferienkurs „FIT in Deutsch“",
    "schulsozialarbeit": "Schulsozialarbeit",
    "kim_case_management": "KIM-Case-Management",
}

LEVEL_LABELS: dict[str, str] = {"none": "keine Kenntnisse"} | {
    level.value: level.value for level in Level if level is not Level.none
}

LITERACY_LABELS: dict[str, str] = {
    "none": "nicht alphabetisiert",
    "other_script": "alphabetisiert, nicht in lateinischer Schrift",
    "latin": "alphabetisiert in lateinischer Schrift",
}

SCRIPT_LABELS: dict[str, str] = {
    "latin": "lateinisch",
    "arabic": "arabisch",
    "cyrillic": "kyrillisch",
    "geez": "äthiopisch (Ge'ez)",
    "georgian": "georgisch",
    "armenian": "armenisch",
    "greek": "griechisch",
    "devanagari": "Devanagari",
    "chinese": "chinesisch",
    "other": "andere",
}

MATHS_LABELS: dict[str, str] = {
    "well_below": "deutlich unter dem Altersniveau",
    "below": "unter dem Altersniveau",
    "at_grade": "auf Altersniveau",
    "above": "über dem Altersniveau",
}

SCHOOL_TYPE_LABELS: dict[str, str] = {
    "none": "kein Schulbesuch",
    "kindergarten": "Kindergarten / Vorschule",
    "primary": "Primarschule",
    "lower_secondary": "Sekundarstufe I",
    "upper_secondary": "Sekundarstufe II",
    "vocational": "berufliche Schule",
}

GENDER_LABELS: dict[str, str] = {
    "m": "männlich",
    "w": "weiblich",
    "d": "divers",
    "x": "ohne Angabe",
}

RELATION_LABELS: dict[str, str] = {
    "mother": "Mutter",
    "father": "Vater",
    "guardian": "Vormund",
    "foster_parent": "Pflegeeltern",
    "youth_office": "Jugendamt",
    "other": "sonstige",
}

CERTIFICATE_LABELS: dict[str, str] = {
    "grade_report": "Zeugnis",
    "lower_secondary": "Abschluss Sekundarstufe I",
    "upper_secondary": "Abschluss Sekundarstufe II",
    "vocational": "beruflicher Abschluss",
    "language_certificate": "Sprachzertifikat",
}

ASSESSMENT_LABELS: dict[str, str] = {
    "conversation": "Gespräch",
    "certificate": "Zeugnis",
    "task": "kurze Aufgabe",
    "2p": "2P (Potenzial & Perspektive)",
    "profilanalyse": "Profilanalyse",
}

ERSTALPHA_LABELS: dict[str, str] = {
    "eligible": "angezeigt",
    "no": "nicht angezeigt",
    "n/a": "entfällt",
}

RESIDENCE_LABELS: dict[str, str] = {
    "municipality": "Kommune",
    "state_facility": "Landeseinrichtung",
}

RESIDENCE_BASIS_LABELS: dict[str, str] = {
    "asylum_applicant": "Asylantrag gestellt (Aufenthaltsgestattung)",
    "temporary_protection": "vorübergehender Schutz (§ 24 AufenthG)",
    "eu_citizen": "EU-/EWR-Freizügigkeit",
    "tolerated": "Duldung / ausreisepflichtig",
    "other": "anderer Aufenthaltstitel oder deutsche Staatsangehörigkeit",
}

INTERPRETER_KIND_LABELS: dict[str, str] = {
    "pool": "Dolmetscherpool",
    "family": "Familie",
    "staff": "Personal",
    "none": "ohne",
}

NEED_LABELS: dict[str, str] = {
    "learning": "Lernen",
    "language": "Sprache",
    "emotional_social": "emotionale und soziale Entwicklung",
    "hearing": "Hören",
    "vision": "Sehen",
    "physical_motor": "körperliche und motorische Entwicklung",
    "intellectual": "geistige Entwicklung",
    "other": "sonstige",
}

#: The flag catalogue of nrw-rules.md §9.6. Districts may add flags; they may not rename these.
FLAGS: dict[str, str] = {
    "NOT_YET_SCHULPFLICHTIG": "Noch nicht schulpflichtig; Beginn der Schulpflicht beachten",
    "SCHULPFLICHT_STARTS": "Die Schulpflicht beginnt zu einem bekannten Datum",
    "KANN_KIND_OPTION": "Vorzeitige Einschulung auf Antrag der Eltern möglich (§ 35 Abs. 2 SchulG)",
    "ZUE_NOT_ASSIGNED": "Asylsuchende Familie in einer Landesunterkunft: noch keiner Gemeinde "
    "zugewiesen, daher noch nicht schulpflichtig (§ 34 Abs. 6 SchulG)",
    "NO_LONGER_SCHULPFLICHTIG": "Die Schulpflicht ist beendet",
    "SCHULPFLICHT_ENDS": "Datum, an dem die Schulpflicht in der Sekundarstufe II endet",
    "BEFREIUNG_18_POSSIBLE": "Volljährig: die Schulaufsicht kann vom weiteren Schulbesuch befreien "
    "(§ 38 Abs. 3 SchulG)",
    "SCHULPFLICHT_EARLY_END_CHECK": "Ausländischer Abschluss der Sek. II: die obere Schulaufsicht "
    "kann das Ende der Schulpflicht feststellen",
    "BORDERLINE_SEK1_BK": "Grenze Sekundarstufe I / Berufskolleg unklar: Schulaufsicht einbeziehen",
    "GRADE_BELOW_AGE_CONSIDER": "Aufnahme unterhalb der Altersstufe kann erwogen werden",
    "NO_PRIOR_SCHOOLING": "Kein bisheriger Schulbesuch",
    "INTERRUPTED_SCHOOLING": "Schulbesuch unterbrochen",
    "ERSTALPHABETISIERUNG": "Lerngruppe zur Erstalphabetisierung angezeigt (bis zu einem Jahr)",
    "LATIN_SCRIPT_LITERACY": "Alphabetisiert, aber nicht in lateinischer Schrift",
    "AOSF_CHECK_LATER": "Zunächst in der Schule beobachten; kein AO-SF-Verfahren bei der "
    "Erstberatung",
    "AOSF_CHECK": "Dokumentierte Beeinträchtigung: AO-SF prüfen; die Eltern können einen Antrag "
    "stellen",
    "AOSF_NOT_INDICATED": "Fehlende Deutschkenntnisse, fehlender Schulbesuch oder fehlende "
    "Alphabetisierung begründen keinen sonderpädagogischen Unterstützungsbedarf",
    "CERTIFICATE_RECOGNITION": "Ausländisches Zeugnis anerkennen lassen (BR Köln bis MSA, "
    "BR Düsseldorf Hochschulreife)",
    "SPRACHFESTSTELLUNGSPRUEFUNG_OPTION": "Die Herkunftssprache kann eine Fremdsprache ersetzen "
    "(Sprachfeststellungsprüfung, Antrag bis 1. Oktober)",
    "SECOND_FOREIGN_LANGUAGE": "Gymnasium ab Klasse 7: zweite Fremdsprache fehlt",
    "HSU_OFFER": "Herkunftssprachlichen Unterricht anbieten, wo er eingerichtet ist",
    "HEALTH_CHECK": "Schulärztliche Untersuchung vor der Aufnahme",
    "BILDUNGSGANG_AFTER_ERSTFOERDERUNG": "Die Schulform wird erst nach der Erstförderung "
    "festgelegt; die Empfehlung ist vorläufig",
    "ERSTFOERDERUNG_CONTINUES": "Erstförderung läuft über den Stufenwechsel weiter; bisherige "
    "Zeit wird angerechnet",
    "TRANSITION_NEXT_YEAR": "Im nächsten Schuljahr steht ein Stufenwechsel an",
    "ADULT_EDUCATION_REFERRAL": "An Angebote für junge Erwachsene verweisen (Weiterbildungskolleg, "
    "Jugendintegrationskurs, Ausbildung)",
    "MIDYEAR_BK_ENTRY": "Aufnahme am Berufskolleg während des Schuljahres; die IFK beginnt in der "
    "Regel am 1. August",
    "DISTRICT_RULE": "Eine Regel des Kreises bzw. der Stadt entscheidet diesen Punkt",
    "ONLINE_HOME_SCHOOL_NOT_SUFFICIENT": "Online-Unterricht des Herkunftslandes erfüllt die "
    "Schulpflicht nicht",
    "FAMILY_WISH_CHECK": "Wunsch der Familie mit der Empfehlung abgleichen",
    "RESIDENCE_BASIS_CHECK": "Landeseinrichtung, Aufenthaltsgrundlage nicht erfasst: klären, ob "
    "ein Asylantrag gestellt ist (dann Schulpflicht erst nach Zuweisung, § 34 Abs. 6 SchulG)",
    "NEXT_SCHOOL_YEAR": "Beratung kurz vor Schuljahresende: die Empfehlung gilt für das kommende "
    "Schuljahr",
    "NO_RULE_MATCHED": "Keine Regel entscheidet diesen Fall: Einzelfallentscheidung dokumentieren",
}

#: Country codes that ISO 3166-1 does not assign but the contract allows.
EXTRA_COUNTRIES: dict[str, str] = {"XK": "Kosovo", "XX": "unbekannt / staatenlos"}

#: Readable German names where the ISO list's German name reads like a register entry
#: ("Syrien, Arabische Republik") or is ambiguous; the countries of origin of ki-practice.md §6.2
#: first. Other codes: pycountry's common name in German, then its German official name.
COUNTRY_LABELS: dict[str, str] = {
    "SY": "Syrien",
    "IR": "Iran",
    "MD": "Moldau",
    "RU": "Russland",
    "TR": "Türkei",
    "PS": "Palästinensische Gebiete",
    "VE": "Venezuela",
    "BO": "Bolivien",
    "TZ": "Tansania",
    "LA": "Laos",
    "KR": "Südkorea",
    "KP": "Nordkorea",
    "CD": "Kongo (Demokratische Republik)",
    "CG": "Kongo (Republik)",
    "GB": "Vereinigtes Königreich",
    "US": "Vereinigte Staaten",
    "VN": "Vietnam",
}

#: Readable German names of the languages of ki-practice.md §6.1 where ISO 639's German name is
#: misleading ("Paschtu; Afghanisch"), unknown to families ("Nordkurdisch") or spelt otherwise
#: in NRW practice; the same names as the questionnaire's language list (forms/names.py).
LANGUAGE_LABELS: dict[str, str] = {
    "fa": "Persisch (Farsi)",
    "prs": "Dari",
    "ps": "Paschtu",
    "kmr": "Kurdisch (Kurmandschi)",
    "ckb": "Kurdisch (Sorani)",
    "sdh": "Kurdisch (Südkurdisch)",
    "ku": "Kurdisch",
    "ti": "Tigrinya",
    "es": "Spanisch",
    "el": "Griechisch",
    "mk": "Mazedonisch",
    "rom": "Romanes",
    "be": "Belarussisch",
    "sw": "Swahili",
    "ta": "Tamil",
    "aii": "Aramäisch (Assyrisch)",
    "apc": "Arabisch (levantinisch)",
    "arz": "Arabisch (ägyptisch)",
    "acm": "Arabisch (irakisch)",
}


# The ISO lists come from pycountry's data files, read directly: importing pycountry costs about
# 130 ms (it loads importlib.metadata for its version) and its first language lookup about 50 ms
# more, on every single command; reading the JSON file of a list costs a few milliseconds and
# gives the same records. pycountry itself is imported only to suggest a code for a wrong one.


@cache
def _pycountry_dir() -> Path:
    spec = importlib.util.find_spec("pycountry")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise ImportError("pycountry")
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _iso_records(database: str) -> list[dict[str, str]]:
    """The records of one of pycountry's lists (``iso3166-1``, ``iso639-3``).

    Read with pydantic's JSON parser (already loaded for the models): the 0.9 MB language list
    takes about half the time of ``json.load``, once per command that checks a language code.
    """
    from pydantic_core import from_json

    data = from_json((_pycountry_dir() / "databases" / f"{database}.json").read_bytes())
    (records,) = data.values()
    return list(records)


@cache
def _iso_index(database: str, key: str) -> dict[str, dict[str, str]]:
    """Records by one field, case-insensitive (like pycountry's ``get``)."""
    return {record[key].lower(): record for record in _iso_records(database) if key in record}


def _country(**field: str) -> dict[str, str] | None:
    ((key, value),) = field.items()
    return _iso_index("iso3166-1", key).get(value.lower())


@cache
def _german(domain: str) -> gettext.NullTranslations:
    localedir = _pycountry_dir() / "locales"
    found = gettext.find(domain, localedir, languages=["de"], all=True)
    if len(found) == 1:
        catalog = _MoCatalog.read(Path(found[0]))
        if catalog is not None:
            return catalog
    try:
        return gettext.translation(domain, localedir, languages=["de"])
    except OSError:  # pragma: no cover - pycountry always ships German
        return gettext.NullTranslations()


class _MoCatalog(gettext.NullTranslations):
    """A GNU ``.mo`` catalog, looked up through the hash table msgfmt writes into it.

    :class:`gettext.GNUTranslations` unpacks all 8,900 entries of ISO 639's catalog (11-16 ms,
    the first time a language is named); a name is looked up here the way GNU gettext itself
    does, without unpacking the rest. Whatever gettext reads differently is left to it:
    :meth:`read` returns None for a file without a hash table or in another charset, and an
    entry with plural forms is read by gettext.
    """

    def __init__(self, path: Path, data: bytes, originals: int, translations: int) -> None:
        super().__init__()
        self._path, self._data = path, data
        self._originals, self._translations = originals, translations
        size, offset = struct.unpack_from("<2I", data, 20)
        self._table = struct.unpack_from(f"<{size}I", data, offset)

    @classmethod
    def read(cls, path: Path) -> _MoCatalog | None:
        data = path.read_bytes()
        if len(data) < 28 or data[:4] != b"\xde\x12\x04\x95":  # little-endian magic only
            return None
        version, _, originals, translations, size = struct.unpack_from("<5I", data, 4)
        if version >> 16 not in (0, 1) or size < 3:
            return None
        catalog = cls(path, data, originals, translations)
        header = catalog._find(b"")
        if header is None or b"charset=utf-8" not in header.lower().replace(b" ", b""):
            return None
        return catalog

    def _entry(self, table: int, index: int) -> bytes:
        length, offset = struct.unpack_from("<2I", self._data, table + 8 * index)
        return self._data[offset : offset + length]

    def _find(self, key: bytes) -> bytes | None:
        table, size = self._table, len(self._table)
        value = _hashpjw(key)
        index, step = value % size, 1 + value % (size - 2)
        for _ in range(size):
            entry = table[index]
            if entry == 0:
                return None
            original = self._entry(self._originals, entry - 1)
            if original.split(b"\x00", 1)[0] == key:
                if b"\x00" in original:
                    raise _Unsure(key)
                return self._entry(self._translations, entry - 1)
            index = (index + step) % size
        return None

    def gettext(self, message: str) -> str:
        try:
            found = self._find(message.encode())
        except _Unsure:
            with self._path.open("rb") as file:
                return gettext.GNUTranslations(file).gettext(message)
        return message if found is None else found.decode()


class _Unsure(Exception):
    """An entry that :class:`gettext.GNUTranslations` would read differently (plural forms)."""


def _hashpjw(key: bytes) -> int:
    """GNU gettext's string hash (hash-string.c), as msgfmt fills the table with it."""
    value = 0
    for byte in key:
        value = (value << 4) + byte
        high = value & 0xF0000000
        if high:
            value ^= high >> 24
            value ^= high
    return value


def country_name(code: str) -> str:
    """Readable German name of an ISO 3166-1 alpha-2 code (or of XK / XX): "Syrien"."""
    if code in EXTRA_COUNTRIES:
        return EXTRA_COUNTRIES[code]
    if code in COUNTRY_LABELS:
        return COUNTRY_LABELS[code]
    country = _country(alpha_2=code)
    if country is None:
        return code
    name = country.get("common_name") or country["name"]
    return _german("iso3166-1").gettext(name)


def country_alpha3(code: str) -> str | None:
    """The ISO 3166-1 alpha-3 code of an alpha-2 code (``TR`` → ``TUR``), or None."""
    country = _country(alpha_2=code)
    return None if country is None else country["alpha_3"]


def language_name(code: str) -> str:
    """Readable German name of a BCP-47 primary language subtag: "Paschtu"."""
    if code in LANGUAGE_LABELS:
        return LANGUAGE_LABELS[code]
    record = _language_record(code)
    if record is None:
        return code
    german = _german("iso639-3").gettext(record["name"])
    # "Romani; Zigeunersprache", "Swahili (Makrosprache)": the first name, no ISO remark
    return german.split(";")[0].replace(" (Makrosprache)", "").strip()


def _language_record(code: str) -> dict[str, str] | None:
    if len(code) == 2:
        return _iso_index("iso639-3", "alpha_2").get(code.lower())
    if len(code) == 3:
        return _iso_index("iso639-3", "alpha_3").get(code.lower())
    return None


def check_country(code: str) -> str | None:
    """Return an error message for a bad country code, or None when it is valid."""
    if code in EXTRA_COUNTRIES or (len(code) == 2 and code.isupper() and _country(alpha_2=code)):
        return None
    upper = code.upper()
    if upper != code and check_country(upper) is None:
        return f"'{brief(code)}' ist kein Ländercode; meinten Sie '{upper}'? (Großbuchstaben)"
    if len(code) == 3 and (country := _country(alpha_3=upper)) is not None:
        return (
            f"'{brief(code)}' ist ein dreistelliger Code; bitte den zweistelligen "
            f"'{country['alpha_2']}'"
        )
    suggestion = _country_by_name(code)
    hint = f"; meinten Sie '{suggestion}'?" if suggestion else ""
    return (
        f"'{brief(code)}' ist kein Ländercode nach ISO 3166-1 alpha-2{hint} (XK für Kosovo, XX für "
        "unbekannt/staatenlos)"
    )


def _country_by_name(text: str) -> str | None:
    import pycountry

    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    german = {
        _german("iso3166-1").gettext(c.name).casefold(): c.alpha_2 for c in pycountry.countries
    }
    match = difflib.get_close_matches(text.casefold(), list(german), n=1, cutoff=0.8)
    return str(german[match[0]]) if match else None


def check_language(code: str) -> str | None:
    """Return an error message for a bad BCP-47 primary language subtag, or None when valid.

    Two-letter ISO 639-1 codes are used where they exist (``ar``), ISO 639-3 otherwise (``prs``,
    ``kmr``, ``ckb``, ``rom``), as BCP-47 prescribes.
    """
    record = _language_record(code) if code.islower() else None
    if record is not None:
        alpha_2 = record.get("alpha_2")
        if len(code) == 3 and alpha_2:
            return f"'{brief(code)}': nach BCP-47 gilt der kürzere Code '{alpha_2}'"
        return None
    lowered = code.lower()
    if lowered != code and check_language(lowered) is None:
        return f"'{brief(code)}' ist kein Sprachcode; meinten Sie '{lowered}'? (Kleinbuchstaben)"
    suggestion = _language_by_name(code)
    hint = f"; meinten Sie '{suggestion}' ({language_name(suggestion)})?" if suggestion else ""
    return f"'{brief(code)}' ist kein Sprachcode nach BCP-47 / ISO 639{hint}"


def _language_by_name(text: str) -> str | None:
    import pycountry

    folded = text.casefold()
    names: dict[str, str] = {}
    translate = _german("iso639-3").gettext
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None) or language.alpha_3
        names.setdefault(language.name.casefold(), code)
        names.setdefault(translate(language.name).casefold(), code)
    if folded in names:
        return names[folded]
    match = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.85)
    return names[match[0]] if match else None


def suggest(value: str, allowed: list[str], cutoff: float = 0.5) -> str | None:
    """The allowed value nearest to ``value``, if any is near enough."""
    folded = {option.casefold(): option for option in allowed}
    if value.casefold() in folded:
        return folded[value.casefold()]
    match = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=cutoff)
    return folded[match[0]] if match else None
