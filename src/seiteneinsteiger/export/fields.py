"""The catalogue of exportable fields: name, German label, how to read it from a row.

Export profiles (``data/profiles/*.yaml``) may only name fields from this catalogue. A field gives a
display value for a cell (:attr:`Field.value`) and, when it is a category that can be counted, the
category or categories for aggregate tables (:attr:`Field.category`). Confidential fields are in the
catalogue on purpose, so that a profile naming them gets a clear "darf nicht exportiert werden"
instead of "unbekanntes Feld"; :mod:`seiteneinsteiger.export.profiles` refuses them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from seiteneinsteiger.codes import (
    ASSESSMENT_LABELS,
    CERTIFICATE_LABELS,
    ERSTALPHA_LABELS,
    FLAGS,
    GENDER_LABELS,
    INTERPRETER_KIND_LABELS,
    LEVEL_LABELS,
    LITERACY_LABELS,
    MATHS_LABELS,
    MEASURE_LABELS,
    NEED_LABELS,
    RELATION_LABELS,
    RESIDENCE_BASIS_LABELS,
    RESIDENCE_LABELS,
    SCHOOL_FORM_LABELS,
    SCHOOL_TYPE_LABELS,
    SCHULPFLICHT_LABELS,
    SCRIPT_LABELS,
    STAGE_LABELS,
    Residence,
    country_name,
    language_name,
)
from seiteneinsteiger.dates import german
from seiteneinsteiger.export.cells import CellValue, EstimatedDate
from seiteneinsteiger.export.rows import ExportRow
from seiteneinsteiger.models.intake import Address, Intake

Category = str | list[str] | None


CONSENT_LABELS: dict[str, str] = {
    "school": "Schule",
    "schulamt": "Schulamt",
    "gesundheitsamt": "Gesundheitsamt",
    "statistics": "Statistik",
}

#: Age bands of the statistics (Primarstufe, Sek I, Sek II / Berufskolleg, adults).
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 5, "unter 6"),
    (6, 9, "6–9"),
    (10, 15, "10–15"),
    (16, 18, "16–18"),
    (19, None, "19+"),
)


def age_band(age: int) -> str:
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[0][2]  # pragma: no cover - ages are never negative


def years_text(years: int) -> str:
    return "1 Jahr" if years == 1 else f"{years} Jahre"


def flag_text(flag: str) -> str:
    """The German text of a flag: the §9.6 catalogue, then the built-in districts' flags."""
    if flag in FLAGS:
        return FLAGS[flag]
    from seiteneinsteiger.rules.api import builtin_flag_labels

    return builtin_flag_labels().get(flag, flag)


@dataclass(frozen=True, slots=True)
class Field:
    """One exportable field."""

    name: str
    label: str
    value: Callable[[ExportRow], CellValue]
    category: Callable[[ExportRow], Category] | None = None
    #: the category labels in their natural order (tables list them in this order)
    categories: tuple[str, ...] = ()
    #: whether tables list known categories that do not occur (as 0)
    show_empty: bool = True

    @property
    def countable(self) -> bool:
        return self.category is not None


def _join(items: Iterable[str], separator: str = ", ") -> str | None:
    text = separator.join(items)
    return text or None


def _label(labels: dict[str, str], code: str | None) -> str | None:
    return None if code is None else labels.get(code, code)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("ja" if value else "nein")


def _countries(codes: Iterable[str]) -> str | None:
    return _join(country_name(code) for code in codes)


def _languages(codes: Iterable[str]) -> str | None:
    return _join(language_name(code) for code in codes)


def _guardians(row: ExportRow) -> str | None:
    lines = []
    for guardian in row.intake.family.guardians:
        parts = [guardian.name or "(ohne Namen)"]
        if guardian.relation:
            parts[0] += f" ({RELATION_LABELS.get(guardian.relation, guardian.relation)})"
        if guardian.phone:
            parts.append(f"Tel. {guardian.phone}")
        if guardian.email:
            parts.append(f"E-Mail {guardian.email}")
        lines.append(", ".join(parts))
    return _join(lines, "\n")


def _siblings(row: ExportRow) -> str | None:
    lines = []
    for sibling in row.intake.family.siblings:
        extra = [str(sibling.birth_year)] if sibling.birth_year else []
        if sibling.school:
            extra.append(sibling.school)
        name = sibling.given_names or "(ohne Namen)"
        lines.append(f"{name} ({', '.join(extra)})" if extra else name)
    return _join(lines, "\n")


def _other_languages(row: ExportRow) -> str | None:
    return _join(
        f"{language_name(other.language)} {LEVEL_LABELS.get(other.level, other.level)}".strip()
        if other.level
        else language_name(other.language)
        for other in row.intake.languages.others
    )


def _interrupted(row: ExportRow) -> str | None:
    years = row.intake.schooling.interrupted_years
    if years is None:
        return None
    if years == 0:
        return "nicht unterbrochen"
    return f"Schulbesuch unterbrochen: {years_text(years)}"


def _certificates(row: ExportRow) -> str | None:
    lines = []
    for certificate in row.intake.schooling.certificates:
        where = [country_name(certificate.country)] if certificate.country else []
        if certificate.year:
            where.append(str(certificate.year))
        line = CERTIFICATE_LABELS.get(certificate.kind, certificate.kind)
        if where:
            line += f" ({', '.join(where)})"
        if certificate.note:
            line += f": {certificate.note}"
        lines.append(line)
    return _join(lines, "\n")


def _interpreter(row: ExportRow) -> str | None:
    interpreter = row.intake.counselling.interpreter
    if interpreter is None:
        return None
    parts = []
    if interpreter.language:
        parts.append(language_name(interpreter.language))
    if interpreter.kind:
        parts.append(INTERPRETER_KIND_LABELS.get(interpreter.kind, interpreter.kind))
    return _join(parts)


def _consent(row: ExportRow) -> str | None:
    consent = row.intake.counselling.consent
    if consent is None:
        return "keine Einwilligung erfasst"
    scope = _join(CONSENT_LABELS.get(s, s) for s in consent.scope) or "keine Empfänger"
    if consent.date:
        scope += f" (vom {german(consent.date)})"
    return scope


def _school_forms(row: ExportRow) -> str | None:
    return _join(SCHOOL_FORM_LABELS.get(f, f) for f in row.recommendation.school_forms)


def _first_school_form(row: ExportRow) -> str:
    forms = row.recommendation.school_forms
    return SCHOOL_FORM_LABELS.get(forms[0], forms[0]) if forms else "keine Schulform"


def _stage_school_form(row: ExportRow) -> str:
    stage = STAGE_LABELS[row.recommendation.stage]
    forms = row.recommendation.school_forms
    return f"{stage} – {_first_school_form(row)}" if forms else stage


STAGE_SCHOOL_FORMS: tuple[str, ...] = tuple(
    f"{stage} – {form}" if form else stage
    for stage in STAGE_LABELS.values()
    for form in (*SCHOOL_FORM_LABELS.values(), None)
)


def _first_language(row: ExportRow) -> str:
    languages = row.intake.pupil.first_languages
    return language_name(languages[0]) if languages else "nicht angegeben"


def _birth_date(row: ExportRow) -> dt.date:
    """The birth date; an estimated one is marked "(geschätzt)" wherever it is shown."""
    pupil = row.intake.pupil
    return EstimatedDate.of(pupil.birth_date) if pupil.birth_date_estimated else pupil.birth_date


def _country_of_birth(row: ExportRow) -> str:
    code = row.intake.pupil.country_of_birth
    return country_name(code) if code else "nicht angegeben"


def _all_flags(row: ExportRow) -> str | None:
    return _join((flag_text(flag) for flag in row.recommendation.flags), "\n")


def _school_notes(row: ExportRow) -> str | None:
    from seiteneinsteiger.export.profiles import school_notes

    return _join(school_notes(row.recommendation.flags), "\n")


def _flag_labels(row: ExportRow) -> list[str]:
    return [flag_text(flag) for flag in row.recommendation.flags]


def _catalogue() -> dict[str, Field]:
    fields = [
        # --- case and counselling --------------------------------------------------------
        Field("case_id", "Fallnummer", lambda r: r.intake.case_id),
        Field("intake_date", "Beratungsdatum", lambda r: r.intake.intake_date),
        Field("district", "Kreis / Stadt", lambda r: r.intake.district),
        Field(
            "counselling.counsellor",
            "Beraterin / Berater",
            lambda r: r.intake.counselling.counsellor,
        ),
        Field("counselling.interpreter", "Dolmetschen im Erstgespräch", _interpreter),
        Field("counselling.consent", "Einwilligung zur Weitergabe", _consent),
        # --- pupil -----------------------------------------------------------------------
        Field("pupil.family_name", "Nachname", lambda r: r.intake.pupil.family_name),
        Field("pupil.given_names", "Vorname(n)", lambda r: r.intake.pupil.given_names),
        Field(
            "pupil.name_original", "Name in Originalschrift", lambda r: r.intake.pupil.name_original
        ),
        Field(
            "pupil.gender",
            "Geschlecht",
            lambda r: _label(GENDER_LABELS, r.intake.pupil.gender),
            lambda r: _label(GENDER_LABELS, r.intake.pupil.gender) or "nicht angegeben",
            tuple(GENDER_LABELS.values()),
        ),
        Field("pupil.birth_date", "Geburtsdatum", _birth_date),
        Field(
            "pupil.birth_date_estimated",
            "Geburtsdatum geschätzt",
            lambda r: _yes_no(r.intake.pupil.birth_date_estimated),
        ),
        Field("pupil.age", "Alter", lambda r: r.recommendation.age),
        Field(
            "pupil.age_band",
            "Altersgruppe",
            lambda r: age_band(r.recommendation.age),
            lambda r: age_band(r.recommendation.age),
            tuple(label for _, _, label in AGE_BANDS),
        ),
        Field(
            "pupil.country_of_birth",
            "Geburtsland",
            lambda r: _country_of_birth(r) if r.intake.pupil.country_of_birth else None,
            _country_of_birth,
        ),
        Field(
            "pupil.nationalities",
            "Staatsangehörigkeit(en)",
            lambda r: _countries(r.intake.pupil.nationalities),
        ),
        Field(
            "pupil.arrival_date", "Einreise nach Deutschland", lambda r: r.intake.pupil.arrival_date
        ),
        Field(
            "pupil.arrival_year",
            "Zuzugsjahr",
            lambda r: r.intake.pupil.arrival_date.year if r.intake.pupil.arrival_date else None,
        ),
        Field("pupil.municipality", "Wohnort", lambda r: r.intake.pupil.municipality),
        Field(
            "pupil.address.street",
            "Straße und Hausnummer",
            lambda r: _street(r.intake),
        ),
        Field(
            "pupil.address.postcode",
            "Postleitzahl",
            lambda r: _postcode(r.intake),
        ),
        Field(
            "pupil.residence",
            "Unterbringung",
            lambda r: _label(RESIDENCE_LABELS, r.intake.pupil.residence),
        ),
        Field(
            "pupil.residence_basis",
            "Aufenthaltsgrundlage",
            lambda r: _label(RESIDENCE_BASIS_LABELS, r.intake.pupil.residence_basis),
        ),
        Field(
            "pupil.first_languages",
            "Erstsprache(n)",
            lambda r: _languages(r.intake.pupil.first_languages),
        ),
        Field(
            "pupil.first_language", "Erstsprache (erstgenannte)", _first_language, _first_language
        ),
        # --- family ----------------------------------------------------------------------
        Field("family.guardians", "Erziehungsberechtigte und Kontakt", _guardians),
        Field(
            "family.contact_language",
            "Sprache für den Kontakt mit der Familie",
            lambda r: (
                _languages([r.intake.family.contact_language])
                if r.intake.family.contact_language
                else None
            ),
        ),
        Field(
            "family.interpreter_needed",
            "Dolmetschen für Elterngespräche nötig",
            lambda r: _yes_no(r.intake.family.interpreter_needed),
        ),
        Field("family.siblings", "Geschwister", _siblings),
        # --- languages -------------------------------------------------------------------
        Field(
            "languages.german",
            "Deutsch (GeR)",
            lambda r: _label(LEVEL_LABELS, r.intake.languages.german),
            lambda r: _label(LEVEL_LABELS, r.intake.languages.german) or "nicht angegeben",
            tuple(LEVEL_LABELS.values()),
        ),
        Field(
            "languages.english",
            "Englisch (GeR)",
            lambda r: _label(LEVEL_LABELS, r.intake.languages.english),
        ),
        Field("languages.others", "Weitere Sprachen", _other_languages),
        Field(
            "languages.literacy",
            "Alphabetisierung",
            lambda r: _label(LITERACY_LABELS, r.intake.languages.literacy),
            lambda r: _label(LITERACY_LABELS, r.intake.languages.literacy) or "nicht angegeben",
            tuple(LITERACY_LABELS.values()),
        ),
        Field(
            "languages.scripts",
            "Schriften",
            lambda r: _join(SCRIPT_LABELS.get(s, s) for s in r.intake.languages.scripts),
        ),
        # --- schooling -------------------------------------------------------------------
        Field("schooling.years", "Schulbesuchsjahre insgesamt", lambda r: r.intake.schooling.years),
        Field(
            "schooling.last_grade",
            "Zuletzt besuchte Klasse",
            lambda r: r.intake.schooling.last_grade,
        ),
        Field("schooling.interrupted_years", "Unterbrechungen", _interrupted),
        Field(
            "schooling.school_type",
            "Zuletzt besuchte Schulart",
            lambda r: _label(SCHOOL_TYPE_LABELS, r.intake.schooling.school_type),
        ),
        Field(
            "schooling.german_school_since",
            "Schulbesuch in Deutschland seit",
            lambda r: r.intake.schooling.german_school_since,
        ),
        Field(
            "schooling.german_school_years",
            "Schuljahre in Deutschland",
            lambda r: r.intake.schooling.german_school_years,
        ),
        Field(
            "schooling.foreign_languages",
            "Fremdsprachen in der Schule",
            lambda r: _languages(r.intake.schooling.foreign_languages),
        ),
        Field("schooling.certificates", "Zeugnisse und Abschlüsse", _certificates),
        Field(
            "schooling.online_home_school",
            "Online-Unterricht des Herkunftslandes",
            lambda r: _yes_no(r.intake.schooling.online_home_school),
        ),
        Field(
            "schooling.apprenticeship_start",
            "Beginn einer Ausbildung",
            lambda r: r.intake.schooling.apprenticeship_start,
        ),
        # --- competences -----------------------------------------------------------------
        Field(
            "competences.maths",
            "Mathematik (Einschätzung)",
            lambda r: _label(MATHS_LABELS, r.intake.competences.maths),
        ),
        Field(
            "competences.basis",
            "Grundlage der Einschätzung",
            lambda r: _join(ASSESSMENT_LABELS.get(b, b) for b in r.intake.competences.basis),
        ),
        # --- support needs, wishes, notes (confidential parts are refused by profiles) ----
        Field(
            "support_needs.indications",
            "Hinweise auf Unterstützungsbedarf",
            lambda r: _join(NEED_LABELS.get(n, n) for n in r.intake.support_needs.indications),
        ),
        Field(
            "support_needs.documented",
            "Belegter Unterstützungsbedarf",
            lambda r: _join(NEED_LABELS.get(n, n) for n in r.intake.support_needs.documented),
        ),
        Field(
            "support_needs.health_note",
            "Gesundheitsvermerk",
            lambda r: r.intake.support_needs.health_note,
        ),
        Field(
            "wishes.school_form",
            "Wunsch der Familie: Schulform",
            lambda r: _label(SCHOOL_FORM_LABELS, r.intake.wishes.school_form),
        ),
        Field("wishes.note", "Wunsch der Familie: Anmerkung", lambda r: r.intake.wishes.note),
        Field(
            "confidential_notes",
            "Vertrauliche Beratungsnotizen",
            lambda r: r.intake.confidential_notes,
        ),
        # --- recommendation --------------------------------------------------------------
        Field(
            "recommendation.reference_date",
            "Stichtag der Empfehlung",
            lambda r: r.recommendation.reference_date,
        ),
        Field(
            "recommendation.ruleset",
            "Regelwerk",
            lambda r: f"{r.recommendation.ruleset.id} {r.recommendation.ruleset.version}",
        ),
        Field(
            "recommendation.schulpflicht",
            "Schulpflicht",
            lambda r: _label(SCHULPFLICHT_LABELS, r.recommendation.schulpflicht.status),
            lambda r: SCHULPFLICHT_LABELS[r.recommendation.schulpflicht.status],
            tuple(SCHULPFLICHT_LABELS.values()),
        ),
        Field(
            "recommendation.schulpflicht_until",
            "Schulpflicht bis",
            lambda r: r.recommendation.schulpflicht.until,
        ),
        Field(
            "recommendation.stage",
            "Empfohlene Stufe",
            lambda r: STAGE_LABELS[r.recommendation.stage],
            lambda r: STAGE_LABELS[r.recommendation.stage],
            tuple(STAGE_LABELS.values()),
        ),
        Field(
            "recommendation.school_form",
            "Empfohlene Schulform",
            lambda r: _first_school_form(r) if r.recommendation.school_forms else None,
            _first_school_form,
            (*SCHOOL_FORM_LABELS.values(), "keine Schulform"),
        ),
        Field(
            "recommendation.stage_school_form",
            "Empfohlene Stufe und Schulform",
            _stage_school_form,
            _stage_school_form,
            STAGE_SCHOOL_FORMS,
            show_empty=False,
        ),
        Field("recommendation.school_forms", "Mögliche Schulformen (Rangfolge)", _school_forms),
        Field("recommendation.grade", "Jahrgangsstufe", lambda r: r.recommendation.grade),
        Field(
            "recommendation.grade_options",
            "Mögliche Jahrgangsstufen",
            lambda r: _join(str(g) for g in r.recommendation.grade_options),
        ),
        Field(
            "recommendation.erstfoerderung",
            "Erstförderung",
            lambda r: _yes_no(r.recommendation.erstfoerderung),
            lambda r: _yes_no(r.recommendation.erstfoerderung),
            ("ja", "nein"),
        ),
        Field(
            "recommendation.erstalphabetisierung",
            "Erstalphabetisierung",
            lambda r: ERSTALPHA_LABELS[r.recommendation.erstalphabetisierung],
            lambda r: ERSTALPHA_LABELS[r.recommendation.erstalphabetisierung],
            tuple(ERSTALPHA_LABELS.values()),
        ),
        Field(
            "recommendation.bk_ifk",
            "Internationale Förderklasse",
            lambda r: _yes_no(r.recommendation.bk_ifk),
            lambda r: _yes_no(r.recommendation.bk_ifk),
            ("ja", "nein"),
        ),
        Field(
            "recommendation.measures",
            "Fördermaßnahmen",
            lambda r: _join(MEASURE_LABELS.get(m, m) for m in r.recommendation.measures),
        ),
        Field("recommendation.flags", "Hinweise", _all_flags, _flag_labels),
        Field(
            "recommendation.flag_count", "Anzahl Hinweise", lambda r: len(r.recommendation.flags)
        ),
        Field("recommendation.school_notes", "Hinweise für die Schule", _school_notes),
    ]
    return {field.name: field for field in fields}


CATALOGUE: dict[str, Field] = _catalogue()


def get(name: str) -> Field:
    return CATALOGUE[name]


def disclosable_address(intake: Intake) -> Address | None:
    """The pupil's address, unless it is a state reception facility.

    The address of an EAE/ZUE tells the residence status, which never leaves the tool
    (intake-format.md, "What is personal, what is confidential"); the municipality still does.
    """
    if intake.pupil.residence is Residence.state_facility:
        return None
    return intake.pupil.address


def _street(intake: Intake) -> str | None:
    address = disclosable_address(intake)
    return address.street if address else None


def _postcode(intake: Intake) -> str | None:
    address = disclosable_address(intake)
    return address.postcode if address else None
