"""The fact catalogue: everything a rule condition may test, with German labels and sources.

Three groups of facts exist:

* **intake** facts are fields of the intake file, named by their dotted path
  (``languages.german``, ``schooling.years``);
* **derived** facts are computed from the intake, the reference date and the rule set's parameters
  (``age_on_stichtag``, ``sek2_end``); each names the legal source of its computation;
* **output** facts are the results of earlier decision tables (``stage``,
  ``schulpflicht.status``), so a later table can build on them.

Ages follow §§ 187 Abs. 2, 188 Abs. 2 BGB (see :mod:`seiteneinsteiger.dates`, which owns the
date arithmetic: completed years and months, the school year, German date text).

The recommendation is made for the **school year of admission** (the school year the child
actually starts in): the school year of the reference date, or the coming one when the counselling
falls on or after ``next_school_year_from`` (a placement takes weeks, and after the summer holidays
the next school year has begun). Stage, age-grade and the Sek I / Berufskolleg boundary are
computed for that school year and for the **admission date** (the reference date, or the first day
of the coming school year); the Schulpflicht status itself is stated for the reference date.

The engine requires the parameters in :data:`REQUIRED_PARAMETERS`; ``ruleset.yaml`` declares
their values. Nothing here is evaluated as code.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from seiteneinsteiger.codes import (
    FLAGS,
    AssessmentBasis,
    CertificateKind,
    Erstalphabetisierung,
    Level,
    Literacy,
    Maths,
    Measure,
    Need,
    Residence,
    ResidenceBasis,
    SchoolForm,
    SchoolType,
    SchulpflichtStatus,
    Script,
    Stage,
)
from seiteneinsteiger.conditions import FieldSpec, Kind
from seiteneinsteiger.dates import (
    Age,
    anniversary,
    completed_years,
    months_between,
    parse_month_day,
    school_year_end,
    school_year_label,
    school_year_start,
)
from seiteneinsteiger.errors import brief
from seiteneinsteiger.models.intake import Intake

Group = Literal["intake", "derived", "output", "parameter"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One entry of the catalogue: the condition field plus documentation for administrators."""

    spec: FieldSpec
    group: Group
    description: str = ""
    source: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.spec.name


def _codes(enum: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(member.value) for member in enum)


# ---------------------------------------------------------------------------------------------
# Ages with months


AGE_KEYS = ("years", "months")


def parse_age(value: Any) -> Age | str:
    """An :class:`Age` from ``16`` or ``{years: 15, months: 6}``; else a German message."""
    if isinstance(value, Age):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Age(value) if value >= 0 else f"ein Alter kann nicht negativ sein ({value})"
    if not isinstance(value, Mapping):
        return (
            "Alter als ganze Zahl (Jahre) oder als {years: 15, months: 6} erwartet, "
            f"nicht '{value}'"
        )
    unknown = [str(key) for key in value if key not in AGE_KEYS]
    if unknown:
        return f"unbekannter Schlüssel '{unknown[0]}' (erlaubt: years, months)"
    if "years" not in value:
        return "'years' fehlt (z. B. {years: 15, months: 6})"
    years, months = value["years"], value.get("months", 0)
    for key, number in (("years", years), ("months", months)):
        if isinstance(number, bool) or not isinstance(number, int):
            return f"'{key}' erwartet eine ganze Zahl, nicht '{number}'"
    if years < 0:
        return f"'years' kann nicht negativ sein ({years})"
    if not 0 <= months <= 11:
        return f"'months' muss zwischen 0 und 11 liegen, nicht {months} (12 Monate = 1 Jahr)"
    return Age(years, months)


# ---------------------------------------------------------------------------------------------
# Parameters


ParamKind = Literal["int", "monthday", "age"]


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """A parameter the engine itself needs (rule sets may declare more, for their operands)."""

    name: str
    kind: ParamKind
    label: str
    low: int = 0
    high: int = 99


REQUIRED_PARAMETERS: dict[str, ParameterSpec] = {
    spec.name: spec
    for spec in (
        ParameterSpec("stichtag", "monthday", "Stichtag für den Beginn der Schulpflicht (MM-TT)"),
        ParameterSpec("school_year_start", "monthday", "Beginn des Schuljahres (MM-TT)"),
        ParameterSpec("school_entry_age", "int", "Alter bei Beginn der Schulpflicht", 3, 9),
        ParameterSpec(
            "vollzeit_years", "int", "Dauer der Vollzeitschulpflicht in Schuljahren", 1, 15
        ),
        ParameterSpec(
            "sek2_end_age",
            "int",
            "Lebensjahr, mit dessen Vollendung die Schulpflicht "
            "in der Sek. II endet (Ende des Schuljahres)",
            14,
            25,
        ),
        ParameterSpec(
            "apprenticeship_age_limit",
            "int",
            "Ausbildungsbeginn vor diesem Alter begründet Berufsschulpflicht",
            14,
            30,
        ),
        ParameterSpec(
            "sek2_boundary_age",
            "age",
            "Alter, ab dem neu Zugewanderte in die Sek. II bzw. an das Berufskolleg gehen "
            "(Jahre oder {years: 15, months: 6})",
            10,
            25,
        ),
        ParameterSpec(
            "max_grade_below_age", "int", "Höchstens so viele Klassen unter der Altersstufe", 0, 4
        ),
        ParameterSpec(
            "short_stay_years",
            "int",
            "Kurze Verweildauer an einer deutschen Schule: weniger als so viele Jahre",
            0,
            10,
        ),
        ParameterSpec(
            "next_school_year_from",
            "monthday",
            "Ab diesem Tag (MM-TT) gilt die Empfehlung für das kommende Schuljahr",
        ),
    )
}


def check_parameter(spec: ParameterSpec, value: Any) -> str | None:
    """A German message when ``value`` does not fit ``spec``, else None."""
    if spec.kind == "monthday":
        if parse_month_day(value) is None:
            return (
                f"Monat-Tag im Format MM-TT in Anführungszeichen erwartet, nicht '{brief(value)}'"
            )
        return None
    if spec.kind == "age":
        age = parse_age(value)
        if isinstance(age, str):
            return age
        if not spec.low <= age.years <= spec.high or (age.years == spec.high and age.months):
            return f"muss zwischen {spec.low} und {spec.high} Jahren liegen, nicht {age}"
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"ganze Zahl erwartet, nicht '{brief(value)}'"
    if not spec.low <= value <= spec.high:
        return f"muss zwischen {spec.low} und {spec.high} liegen, nicht {value}"
    return None


@dataclass(frozen=True, slots=True)
class Parameters:
    """The engine's parameters, typed (built from the effective rule set)."""

    stichtag: tuple[int, int] = (9, 30)
    school_year_start: tuple[int, int] = (8, 1)
    school_entry_age: int = 6
    vollzeit_years: int = 10
    sek2_end_age: int = 18
    apprenticeship_age_limit: int = 21
    sek2_boundary_age: Age = Age(16)  # noqa: RUF009 (Age is a frozen dataclass)
    max_grade_below_age: int = 2
    short_stay_years: int = 2
    next_school_year_from: tuple[int, int] = (6, 1)

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Parameters:
        """Typed parameters from checked raw values (see :func:`check_parameter`)."""
        typed: dict[str, Any] = {}
        for name, spec in REQUIRED_PARAMETERS.items():
            raw = values[name]
            if spec.kind == "monthday":
                typed[name] = parse_month_day(raw)
            elif spec.kind == "age":
                typed[name] = parse_age(raw)
            else:
                typed[name] = int(raw)
        return cls(**typed)


# ---------------------------------------------------------------------------------------------
# Intake facts


def _spec(
    name: str,
    kind: Kind,
    label: str,
    values: tuple[str, ...] = (),
    *,
    ordered: bool = False,
    low: int | None = None,
    high: int | None = None,
) -> FieldSpec:
    return FieldSpec(name, kind, label, values, ordered, low, high)


_LEVELS = _codes(Level)

INTAKE_FACTS: tuple[Fact, ...] = tuple(
    Fact(spec, "intake")
    for spec in (
        _spec("languages.german", "enum", "Deutschkenntnisse (GeR)", _LEVELS, ordered=True),
        _spec("languages.english", "enum", "Englischkenntnisse (GeR)", _LEVELS, ordered=True),
        _spec("languages.literacy", "enum", "Alphabetisierung", _codes(Literacy)),
        _spec(
            "languages.scripts",
            "list",
            "Schriften, die gelesen und geschrieben werden",
            _codes(Script),
        ),
        _spec("schooling.years", "int", "Schulbesuchsjahre insgesamt", low=0, high=20),
        _spec("schooling.last_grade", "int", "Zuletzt besuchte Klasse", low=0, high=13),
        _spec(
            "schooling.interrupted_years",
            "int",
            "Jahre ohne Schulbesuch (Unterbrechung)",
            low=0,
            high=20,
        ),
        _spec(
            "schooling.german_school_years",
            "int",
            "Schuljahre an einer deutschen Schule",
            low=0,
            high=20,
        ),
        _spec("schooling.german_school_since", "date", "Erster Tag an einer deutschen Schule"),
        _spec("schooling.school_type", "enum", "Zuletzt besuchte Schulart", _codes(SchoolType)),
        _spec("schooling.online_home_school", "bool", "Online-Unterricht des Herkunftslandes"),
        _spec("schooling.apprenticeship_start", "date", "Beginn eines Ausbildungsvertrags"),
        _spec(
            "schooling.foreign_languages",
            "list",
            "In der Schule gelernte Fremdsprachen (Sprachcodes)",
        ),
        _spec(
            "competences.maths",
            "enum",
            "Mathematik im Vergleich zum Altersniveau",
            _codes(Maths),
            ordered=True,
        ),
        _spec("competences.basis", "list", "Grundlage der Einschätzung", _codes(AssessmentBasis)),
        _spec(
            "support_needs.indications", "list", "Hinweise auf Unterstützungsbedarf", _codes(Need)
        ),
        _spec("support_needs.documented", "list", "Dokumentierte Beeinträchtigungen", _codes(Need)),
        _spec("wishes.school_form", "enum", "Wunsch der Familie: Schulform", _codes(SchoolForm)),
        _spec("pupil.residence", "enum", "Wohnsituation", _codes(Residence)),
        _spec(
            "pupil.residence_basis",
            "enum",
            "Aufenthaltsgrundlage (nur für die Schulpflicht, § 34 Abs. 6 SchulG)",
            _codes(ResidenceBasis),
        ),
        _spec("pupil.birth_date", "date", "Geburtsdatum"),
        _spec("pupil.birth_date_estimated", "bool", "Geburtsdatum geschätzt"),
        _spec("pupil.arrival_date", "date", "Einreise nach Deutschland"),
        _spec("pupil.country_of_birth", "text", "Geburtsland (ISO-Code)"),
        _spec("pupil.nationalities", "list", "Staatsangehörigkeiten (ISO-Codes)"),
        _spec("pupil.municipality", "text", "Wohnort im Kreis"),
        _spec("pupil.first_languages", "list", "Erstsprachen (Sprachcodes)"),
        _spec("family.interpreter_needed", "bool", "Familie braucht Dolmetschung"),
    )
)


def _intake_reader() -> Callable[[Intake], dict[str, Any]]:
    """``intake_values`` generated from :data:`INTAKE_FACTS`: one dict display that reads every
    field once (a third of the time of a loop over getters, and this runs for every intake).

    The source holds only the fact names of this module (checked to be ``part.field`` with two
    identifiers), nothing from a rule file or an intake.
    """
    parts: dict[str, str] = {}
    items: list[str] = []
    for fact in INTAKE_FACTS:
        part, field_name = fact.name.split(".")
        assert part.isidentifier() and field_name.isidentifier(), fact.name
        local = parts.setdefault(part, f"p{len(parts)}")
        read = f"{local}.{field_name}"
        value = f"tuple({read})" if fact.spec.kind == "list" else read
        items.append(f"        {fact.name!r}: {value},")
    lines = ["def intake_values(intake):"]
    lines += [f"    {local} = intake.{part}" for part, local in parts.items()]
    lines += ["    return {", *items, "    }"]
    namespace: dict[str, Any] = {"__builtins__": {"tuple": tuple}}
    exec(compile("\n".join(lines), "<facts: intake_values>", "exec"), namespace)
    reader: Callable[[Intake], dict[str, Any]] = namespace["intake_values"]
    return reader


_read_intake = _intake_reader()


def intake_values(intake: Intake) -> dict[str, Any]:
    """The intake facts of one intake; lists become tuples, enums stay (they are ``str``)."""
    return _read_intake(intake)


# ---------------------------------------------------------------------------------------------
# Derived facts

_SP = "SchulG NRW § 35 Abs. 1 mit §§ 187 Abs. 2, 188 Abs. 2 BGB"
_SY = "SchulG NRW § 7 (Schuljahr 1. August bis 31. Juli)"
_AGE = "§§ 187 Abs. 2, 188 Abs. 2 BGB (Lebensalter)"
_ADMISSION = (
    "[C] Auslegung: beraten wird für das Schuljahr, in dem das Kind tatsächlich aufgenommen "
    "wird; ab 'next_school_year_from' ist das das kommende (die Zuweisung dauert Wochen)"
)
_AGE_GRADE = "[C] Auslegung: Altersstufe aus dem Stichtag des § 35 Abs. 1 SchulG abgeleitet"
_FICTIVE = (
    "[C] Auslegung: zehn Schuljahre gezählt, als wäre das Kind in NRW eingeschult worden "
    "(ob Schuljahre im Ausland zählen, regelt keine gelesene Quelle)"
)
_GRADES_BELOW = (
    "[C] Auslegung: tiefere Klassen nur, soweit die Schulbiografie einen Grund gibt "
    "(keine Landesregel zur Klasse gefunden)"
)

DERIVED_FACTS: tuple[Fact, ...] = (
    Fact(
        _spec("age", "int", "Alter", low=0, high=40),
        "derived",
        "Vollendete Lebensjahre am Bezugsdatum; der Geburtstag zählt am Tag selbst.",
        (_AGE,),
    ),
    Fact(
        _spec("school_year_start", "date", "Beginn des laufenden Schuljahres"),
        "derived",
        "1. August des Schuljahres, in dem das Bezugsdatum liegt.",
        (_SY,),
    ),
    Fact(
        _spec("school_year_end", "date", "Ende des laufenden Schuljahres"),
        "derived",
        "31. Juli, an dem das Schuljahr des Bezugsdatums endet.",
        (_SY,),
    ),
    Fact(
        _spec("admission_year_start", "date", "Beginn des Schuljahres der Aufnahme"),
        "derived",
        "1. August des Schuljahres, für das die Empfehlung gilt: das laufende Schuljahr, ab "
        "'next_school_year_from' (Standard 01.06.) das kommende.",
        (_SY, _ADMISSION),
    ),
    Fact(
        _spec("for_next_school_year", "bool", "Empfehlung für das kommende Schuljahr"),
        "derived",
        "Die Beratung liegt ab 'next_school_year_from' (Standard 01.06.) im Schuljahr: die "
        "Empfehlung gilt für das kommende Schuljahr.",
        (_ADMISSION,),
    ),
    Fact(
        _spec("admission_year_end", "date", "Ende des Schuljahres der Aufnahme"),
        "derived",
        "31. Juli, an dem das Schuljahr der Aufnahme endet.",
        (_SY,),
    ),
    Fact(
        _spec("admission_school_year", "text", "Schuljahr der Aufnahme (z. B. 2025/26)"),
        "derived",
        "Das Schuljahr, für das die Empfehlung gilt, als Text „2025/26“.",
        (_SY, _ADMISSION),
    ),
    Fact(
        _spec("admission_date", "date", "Tag der Aufnahme (frühestens)"),
        "derived",
        "Das Bezugsdatum; gilt die Empfehlung für das kommende Schuljahr, dessen erster Tag.",
        (_ADMISSION,),
    ),
    Fact(
        _spec("admission_age", "int", "Alter bei der Aufnahme", low=0, high=40),
        "derived",
        "Vollendete Lebensjahre am Tag der Aufnahme.",
        (_AGE,),
    ),
    Fact(
        _spec("admission_age_months", "int", "Alter bei der Aufnahme in Monaten", low=0, high=480),
        "derived",
        "Vollendete Lebensmonate am Tag der Aufnahme (15 Jahre und 6 Monate = 186); für "
        "Altersgrenzen mit Monaten.",
        (_AGE,),
    ),
    Fact(
        _spec(
            "admission_phase",
            "enum",
            "Abschnitt der Schulpflicht am Tag der Aufnahme",
            ("before_start", "vollzeit", "sek2", "ended"),
        ),
        "derived",
        "Wie schulpflicht_phase, aber am Tag der Aufnahme: wer dann nicht (mehr) schulpflichtig "
        "ist, bekommt keine Schulstufe.",
        ("SchulG NRW §§ 35, 37, 38", _ADMISSION),
    ),
    Fact(
        _spec("stichtag_date", "date", "Stichtag (30.09.) des Schuljahres der Aufnahme"),
        "derived",
        "30. September des Jahres, in dem das Schuljahr der Aufnahme beginnt.",
        (_SP,),
    ),
    Fact(
        _spec("age_on_stichtag", "int", "Alter am Stichtag", low=0, high=40),
        "derived",
        "Vollendete Lebensjahre am Stichtag des Schuljahres der Aufnahme; wer am 30.09. "
        "Geburtstag hat, zählt mit dem neuen Alter.",
        (_SP,),
    ),
    Fact(
        _spec("age_on_stichtag_months", "int", "Alter am Stichtag in Monaten", low=0, high=480),
        "derived",
        "Vollendete Lebensmonate am Stichtag des Schuljahres der Aufnahme; für Altersgrenzen "
        "mit Monaten.",
        (_SP,),
    ),
    Fact(
        _spec("age_grade", "int", "Altersstufe (Klasse nach dem Alter)", low=-5, high=35),
        "derived",
        "Alter am Stichtag des Schuljahres der Aufnahme minus 5: mit 6 Jahren am Stichtag "
        "Klasse 1.",
        (_SP, _AGE_GRADE),
    ),
    Fact(
        _spec("schulpflicht_start", "date", "Beginn der Schulpflicht"),
        "derived",
        "1. August des Jahres, in dem der 6. Geburtstag spätestens am 30.09. liegt.",
        (_SP,),
    ),
    Fact(
        _spec("early_admission_start", "date", "Vorzeitige Aufnahme möglich zum"),
        "derived",
        "1. August ein Jahr vor dem Beginn der Schulpflicht, wenn er der nächste Schuljahresbeginn "
        "ab dem Tag der Aufnahme ist: nur dann ist eine vorzeitige Aufnahme auf Antrag noch "
        "möglich (sie geschieht zu Beginn eines Schuljahres); sonst leer.",
        ("SchulG NRW § 35 Abs. 2 („zu Beginn des Schuljahres“)",),
    ),
    Fact(
        _spec("vollzeit_end", "date", "Ende der (gedachten) Vollzeitschulpflicht"),
        "derived",
        "31. Juli nach zehn Schuljahren, gezählt ab dem Beginn der Schulpflicht, als wäre das "
        "Kind in NRW eingeschult worden.",
        ("SchulG NRW § 37 Abs. 1", _FICTIVE),
    ),
    Fact(
        _spec("sek2_end", "date", "Ende der Schulpflicht in der Sekundarstufe II"),
        "derived",
        "31. Juli am Ende des Schuljahres, in dem das 18. Lebensjahr vollendet wird (Ende des "
        "Tages vor dem 18. Geburtstag).",
        ("SchulG NRW § 38 Abs. 3", _AGE),
    ),
    Fact(
        _spec(
            "schulpflicht_phase",
            "enum",
            "Abschnitt der Schulpflicht am Bezugsdatum",
            ("before_start", "vollzeit", "sek2", "ended"),
        ),
        "derived",
        "before_start: vor dem Beginn; vollzeit: in den (gedachten) zehn Vollzeitschuljahren; "
        "sek2: danach bis zum Ende der Sek.-II-Schulpflicht; ended: danach.",
        ("SchulG NRW §§ 35, 37, 38",),
    ),
    Fact(
        _spec("apprenticeship_before_21", "bool", "Ausbildung vor dem 21. Lebensjahr begonnen"),
        "derived",
        "Ein Ausbildungsvertrag begann vor Vollendung des 21. Lebensjahres; ohne "
        "Ausbildungsbeginn: nein.",
        ("SchulG NRW § 38 Abs. 2",),
    ),
    Fact(
        _spec("turns_16_this_school_year", "bool", "Erreicht im Schuljahr der Aufnahme die Grenze"),
        "derived",
        "Das Alter 'sek2_boundary_age' (Standard 16 Jahre) wird im Schuljahr der Aufnahme "
        "erreicht, nach dem Tag der Aufnahme.",
        ("[C] Auslegung: Grenzfall, wenn nur noch etwa ein Jahr Sek. I bliebe",),
    ),
    Fact(
        _spec("fictive_vollzeit_ongoing", "bool", "Gedachte Vollzeitschulpflicht läuft noch"),
        "derived",
        "Der Tag der Aufnahme liegt zwischen Beginn der Schulpflicht und dem Ende der "
        "gedachten zehn Vollzeitschuljahre.",
        ("SchulG NRW § 37 Abs. 1", _FICTIVE),
    ),
    Fact(
        _spec(
            "schooling_deficit",
            "int",
            "Fehlende Schuljahre gegenüber der Altersstufe",
            low=-20,
            high=30,
        ),
        "derived",
        "(Altersstufe − 1) − Schulbesuchsjahre; leer, wenn die Schuljahre unbekannt sind.",
        (_GRADES_BELOW,),
    ),
    Fact(
        _spec(
            "months_into_school_year",
            "int",
            "Volle Monate seit Beginn des Schuljahres der Aufnahme",
            low=0,
            high=11,
        ),
        "derived",
        "Vollendete Monate vom 1. August des Schuljahres der Aufnahme bis zum Tag der Aufnahme "
        "(0, wenn die Empfehlung für das kommende Schuljahr gilt).",
        (_SY,),
    ),
    Fact(
        _spec("years_since_arrival", "int", "Volle Jahre seit der Einreise", low=0, high=40),
        "derived",
        "Vollendete Jahre seit dem Einreisedatum; leer, wenn es unbekannt ist.",
        (_AGE,),
    ),
    Fact(
        _spec("short_stay_in_german_school", "bool", "Erst kurz an einer deutschen Schule"),
        "derived",
        "Weniger als 'short_stay_years' (Standard 2) Jahre an einer deutschen Schule; "
        "leer, wenn dazu nichts angegeben ist.",
        ("BASS 13-63 Nr. 3 Nr. 1 (b)",),
    ),
    Fact(
        _spec(
            "certificate_kinds", "list", "Arten der vorgelegten Zeugnisse", _codes(CertificateKind)
        ),
        "derived",
        "Die Arten aller angegebenen Zeugnisse.",
        (),
    ),
    Fact(
        _spec("has_foreign_certificate", "bool", "Ausländischer Schulabschluss vorhanden"),
        "derived",
        "Ein Abschluss der Sek. I, der Sek. II oder ein beruflicher Abschluss aus "
        "einem anderen Land als Deutschland.",
        ("Bezirksregierung Düsseldorf, Zeugnisanerkennung (brd.nrw.de) [A]",),
    ),
    Fact(
        _spec("grade_options_primar", "list", "Mögliche Klassen in der Primarstufe"),
        "derived",
        "Altersstufe und so viele Klassen darunter, wie die Schulbiografie begründet "
        "(fehlende Schuljahre oder Unterbrechung, höchstens 'max_grade_below_age'; unbekannte "
        "Schuljahre: 'max_grade_below_age'), begrenzt auf 1–4.",
        (_GRADES_BELOW,),
    ),
    Fact(
        _spec("grade_options_sek1", "list", "Mögliche Klassen in der Sekundarstufe I"),
        "derived",
        "Wie grade_options_primar, begrenzt auf 5–10: nie aus dem Alter der Sek. I in die "
        "Grundschule.",
        (_GRADES_BELOW,),
    ),
)

#: Age facts counted in months: an age parameter with months (``{years: 15, months: 6}``)
#: compares with these; with the facts in whole years only when it has no months.
AGE_MONTH_FACTS = frozenset({"admission_age_months", "age_on_stichtag_months"})


# ---------------------------------------------------------------------------------------------
# Outputs of decision tables (also facts for later tables)


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """An output a table may decide: its type and allowed values."""

    name: str
    kind: Kind
    label: str
    values: tuple[str, ...] = ()
    low: int | None = None
    high: int | None = None


OUTPUTS: dict[str, OutputSpec] = {
    spec.name: spec
    for spec in (
        OutputSpec("schulpflicht.status", "enum", "Schulpflicht", _codes(SchulpflichtStatus)),
        OutputSpec("schulpflicht.since", "date", "Schulpflichtig seit"),
        OutputSpec("schulpflicht.starts", "date", "Schulpflicht beginnt am"),
        OutputSpec("schulpflicht.until", "date", "Schulpflicht endet am"),
        OutputSpec("stage", "enum", "Schulstufe", _codes(Stage)),
        OutputSpec("school_forms", "list", "Schulformen (Rangfolge)", _codes(SchoolForm)),
        OutputSpec("grade", "int", "Klasse", low=1, high=13),
        OutputSpec("grade_options", "list", "Mögliche Klassen", low=1, high=13),
        OutputSpec("erstfoerderung", "bool", "Erstförderung"),
        OutputSpec(
            "erstalphabetisierung", "enum", "Erstalphabetisierung", _codes(Erstalphabetisierung)
        ),
        OutputSpec("bk_ifk", "bool", "Internationale Förderklasse am Berufskolleg"),
        OutputSpec("measures", "list", "Maßnahmen", _codes(Measure)),
        OutputSpec("flags", "list", "Hinweise", tuple(FLAGS)),
    )
}

WHY_NOT_PREFIX = "why_not."
LIST_OUTPUTS = frozenset(name for name, spec in OUTPUTS.items() if spec.kind == "list")

#: The value a later table sees for an output its table decided but no rule set
#: (the defaults of recommendation-format.md).
OUTPUT_DEFAULTS: dict[str, Any] = dict.fromkeys(LIST_OUTPUTS, ()) | {
    "erstfoerderung": False,
    "bk_ifk": False,
    "erstalphabetisierung": "n/a",
}


def output_spec(name: str, flags: Iterable[str] = ()) -> OutputSpec | None:
    """The spec of an output name, including ``why_not.<school form>`` and extra flags."""
    if name.startswith(WHY_NOT_PREFIX):
        form = name[len(WHY_NOT_PREFIX) :]
        if form in SchoolForm.__members__:
            label = f"Warum nicht: {form}"
            return OutputSpec(name, "text", label)
        return None
    spec = OUTPUTS.get(name)
    if spec is not None and name == "flags":
        extra = tuple(flag for flag in flags if flag not in FLAGS)
        return OutputSpec(spec.name, spec.kind, spec.label, (*spec.values, *extra))
    return spec


#: Facts computed from an output after the table that decides it (name -> the output).
OUTPUT_DERIVED: dict[str, str] = {
    "recommended_school_form": "school_forms",
    "wish_differs": "school_forms",
}

OUTPUT_DERIVED_FACTS: tuple[Fact, ...] = (
    Fact(
        _spec(
            "recommended_school_form",
            "enum",
            "Empfohlene Schulform (erste der Rangfolge)",
            _codes(SchoolForm),
        ),
        "output",
        "Die erste Schulform der Empfehlung; leer, wenn keine Schulform empfohlen wird.",
    ),
    Fact(
        _spec("wish_differs", "bool", "Wunsch der Familie weicht von der Empfehlung ab"),
        "output",
        "Die Familie wünscht eine Schulform, und sie ist nicht die erste der Empfehlung (auch "
        "wenn keine Schulform empfohlen wird).",
        ("[C] Auslegung: Abgleich von Wunsch und Empfehlung (FAMILY_WISH_CHECK)",),
    ),
)


def school_form_facts(forms: Sequence[str], wish: str | None) -> dict[str, Any]:
    """``recommended_school_form`` and ``wish_differs`` for the school forms decided so far."""
    first = forms[0] if forms else None
    return {
        "recommended_school_form": first,
        "wish_differs": wish is not None and (first is None or wish != first),
    }


PARAM_PREFIX = "param."


def parameter_facts(values: Mapping[str, Any]) -> dict[str, Fact]:
    """Every parameter of a rule set as a fact ``param.<name>`` (a constant of the rule set).

    An age parameter (:class:`Age`) is a number of months.
    """
    found: dict[str, Fact] = {}
    for name, value in values.items():
        kind: Kind = "text"
        label = f"Parameter {name}"
        if isinstance(value, bool):
            kind = "bool"
        elif isinstance(value, int):
            kind = "int"
        elif isinstance(value, Age):
            kind, label = "int", f"Parameter {name} (in Monaten)"
        elif isinstance(value, list | tuple):
            kind = "list"
        spec = _spec(f"{PARAM_PREFIX}{name}", kind, label)
        found[spec.name] = Fact(spec, "parameter", "Wert aus ruleset.yaml (Kreise: offene Werte).")
    return found


def parameter_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The facts of :func:`parameter_facts` with their values (lists as tuples, ages in months)."""
    return {f"{PARAM_PREFIX}{name}": _fact_value(value) for name, value in values.items()}


def _fact_value(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, Age):
        return value.total_months
    return value


def output_facts(flags: Iterable[str] = ()) -> tuple[Fact, ...]:
    """The outputs as facts a later table may test."""
    found: list[Fact] = []
    for name in OUTPUTS:
        spec = output_spec(name, flags)
        assert spec is not None
        field = FieldSpec(spec.name, spec.kind, spec.label, spec.values, False, spec.low, spec.high)
        found.append(Fact(field, "output", "Ergebnis einer früheren Entscheidungstabelle."))
    return (*found, *OUTPUT_DERIVED_FACTS)


def all_facts(flags: Iterable[str] = ()) -> dict[str, Fact]:
    """The whole catalogue: intake, derived and output facts, by name."""
    return {fact.name: fact for fact in (*INTAKE_FACTS, *DERIVED_FACTS, *output_facts(flags))}


def catalogue(flags: Iterable[str] = ()) -> dict[str, FieldSpec]:
    """The :class:`conditions.Catalogue` for rule conditions."""
    return {name: fact.spec for name, fact in all_facts(flags).items()}


# ---------------------------------------------------------------------------------------------
# Computing the derived facts


def schulpflicht_start(birth: dt.date, params: Parameters) -> dt.date:
    """1 August of the year Y in which the entry birthday falls on or before the Stichtag.

    § 35 Abs. 1 SchulG: "bis zum Beginn des 30. September das sechste Lebensjahr vollendet";
    born 30.09. completes it at the end of 29.09. and is schulpflichtig, born 01.10. is not.
    """
    birthday = anniversary(birth, params.school_entry_age)
    year = birthday.year if (birthday.month, birthday.day) <= params.stichtag else birthday.year + 1
    return dt.date(year, *params.school_year_start)


def vollzeit_end(start: dt.date, params: Parameters) -> dt.date:
    """The last day of the fictive ten Vollzeit school years counted from ``start`` (§ 37)."""
    return dt.date(start.year + params.vollzeit_years, *params.school_year_start) - dt.timedelta(1)


def sek2_end(birth: dt.date, params: Parameters) -> dt.date:
    """End of the school year in which the 18th year of life is completed (§ 38 Abs. 3).

    The year is completed at the end of the day before the 18th birthday: born 01.08.2007 →
    completed 31.07.2025 → ends 31.07.2025; born 02.08.2007 → completed 01.08.2025 → 31.07.2026.
    """
    completed = anniversary(birth, params.sek2_end_age) - dt.timedelta(days=1)
    return school_year_end(completed, params.school_year_start)


def phase(day: dt.date, start: dt.date, vollzeit: dt.date, sek2: dt.date) -> str:
    if day < start:
        return "before_start"
    if day <= vollzeit:
        return "vollzeit"
    if day <= sek2:
        return "sek2"
    return "ended"


@functools.lru_cache(maxsize=4096)
def grade_options(age_grade: int, below: int, low: int, high: int) -> tuple[int, ...]:
    """Age-grade and up to ``below`` grades under it, each clipped into ``low..high``."""
    grades = {min(high, max(low, grade)) for grade in range(age_grade - below, age_grade + 1)}
    return tuple(sorted(grades))


_LEAVING = frozenset({"lower_secondary", "upper_secondary", "vocational"})


def _certificates(intake: Intake) -> tuple[tuple[str, ...], bool]:
    kinds: list[str] = []
    foreign = False
    for certificate in intake.schooling.certificates:
        kind = str(certificate.kind.value)
        if kind not in kinds:
            kinds.append(kind)
        foreign = foreign or (kind in _LEAVING and certificate.country != "DE")
    return tuple(kinds), foreign


def _short_stay(intake: Intake, day: dt.date, years: int) -> bool | None:
    schooling = intake.schooling
    if schooling.german_school_years is not None:
        return schooling.german_school_years < years
    if schooling.german_school_since is not None:
        return completed_years(schooling.german_school_since, day) < years
    return None


def admission_year_start(day: dt.date, params: Parameters) -> dt.date:
    """The first day of the school year the recommendation is for (see the module docstring).

    From ``next_school_year_from`` (a day between 1 January and 31 July) to the end of the
    school year it is the coming school year; a value from ``08-01`` on never switches.
    """
    first = school_year_start(day, params.school_year_start)
    switch = params.next_school_year_from
    if switch < params.school_year_start and day >= dt.date(first.year + 1, *switch):
        return dt.date(first.year + 1, *params.school_year_start)
    return first


def early_admission_start(year_before: dt.date, next_start: dt.date) -> dt.date | None:
    """``year_before`` (the start of the school year before the Schulpflicht begins) when an
    early admission (§ 35 Abs. 2) is still possible, else None.

    A Kann-Kind is admitted "zu Beginn des Schuljahres": the option exists only when the next
    school-year start on or after the admission date (``next_start``) is exactly the year before
    the Schulpflicht begins. After 1 August a child who becomes schulpflichtig on the next
    1 August anyway has no option left.
    """
    return year_before if year_before == next_start else None


def first_start_from(day: dt.date, params: Parameters) -> dt.date:
    """The first school-year start on or after ``day``."""
    first = school_year_start(day, params.school_year_start)
    return first if first >= day else dt.date(first.year + 1, *params.school_year_start)


#: Derived facts that depend only on the birth date, the reference date and the parameters.
DATE_FACTS = frozenset(
    {
        "age",
        "school_year_start",
        "school_year_end",
        "admission_year_start",
        "for_next_school_year",
        "admission_year_end",
        "admission_school_year",
        "admission_date",
        "admission_age",
        "admission_age_months",
        "admission_phase",
        "stichtag_date",
        "age_on_stichtag",
        "age_on_stichtag_months",
        "age_grade",
        "schulpflicht_start",
        "early_admission_start",
        "vollzeit_end",
        "sek2_end",
        "schulpflicht_phase",
        "turns_16_this_school_year",
        "fictive_vollzeit_ongoing",
        "months_into_school_year",
    }
)


@dataclass(frozen=True, slots=True)
class DayDates:
    """The dates that depend only on the reference date (and the parameters)."""

    admission: dt.date
    admission_last: dt.date
    stichtag: dt.date
    next_start: dt.date  # the first school-year start on or after the admission
    facts: Mapping[str, Any]  # the facts among them


@dataclass(frozen=True, slots=True)
class BirthDates:
    """The dates that depend only on the birth date (and the parameters)."""

    start: dt.date
    vollzeit: dt.date
    sek2: dt.date
    boundary: dt.date  # the day the age 'sek2_boundary_age' is completed
    year_before: dt.date  # the start of the school year before the Schulpflicht begins


def day_dates(day: dt.date, params: Parameters) -> DayDates:
    first = school_year_start(day, params.school_year_start)
    admission_first = admission_year_start(day, params)
    admission_last = dt.date(admission_first.year + 1, *params.school_year_start) - dt.timedelta(1)
    admission = max(day, admission_first)
    stichtag = dt.date(admission_first.year, *params.stichtag)
    facts = {
        "school_year_start": first,
        "school_year_end": dt.date(first.year + 1, *params.school_year_start) - dt.timedelta(1),
        "admission_year_start": admission_first,
        "for_next_school_year": admission_first > first,
        "admission_year_end": admission_last,
        "admission_school_year": school_year_label(admission_first),
        "admission_date": admission,
        "stichtag_date": stichtag,
        "months_into_school_year": months_between(admission_first, admission),
    }
    return DayDates(admission, admission_last, stichtag, first_start_from(admission, params), facts)


def birth_dates(birth: dt.date, params: Parameters) -> BirthDates:
    start = schulpflicht_start(birth, params)
    return BirthDates(
        start,
        vollzeit_end(start, params),
        sek2_end(birth, params),
        params.sek2_boundary_age.reached(birth),
        dt.date(start.year - 1, *params.school_year_start),
    )


def date_values(
    birth: dt.date, day: dt.date, params: Parameters, cache: DateCache | None = None
) -> dict[str, Any]:
    """The facts of :data:`DATE_FACTS` for a birth date on ``day``.

    ``cache`` keeps the dates of a day and of a birth date for the next intakes of a batch.
    """
    days = cache.day(day) if cache else day_dates(day, params)
    births = cache.birth(birth) if cache else birth_dates(birth, params)
    admission, start, vollzeit, sek2 = days.admission, births.start, births.vollzeit, births.sek2
    on_stichtag = completed_years(birth, days.stichtag)
    values = dict(days.facts)
    values["age"] = completed_years(birth, day)
    values["admission_age"] = completed_years(birth, admission)
    values["admission_age_months"] = months_between(birth, admission)
    values["admission_phase"] = phase(admission, start, vollzeit, sek2)
    values["age_on_stichtag"] = on_stichtag
    values["age_on_stichtag_months"] = months_between(birth, days.stichtag)
    values["age_grade"] = on_stichtag - 5
    values["schulpflicht_start"] = start
    values["early_admission_start"] = early_admission_start(births.year_before, days.next_start)
    values["vollzeit_end"] = vollzeit
    values["sek2_end"] = sek2
    values["schulpflicht_phase"] = phase(day, start, vollzeit, sek2)
    values["turns_16_this_school_year"] = admission < births.boundary <= days.admission_last
    values["fictive_vollzeit_ongoing"] = start <= admission <= vollzeit
    return values


_CACHE_LIMIT = 50_000


class DateCache:
    """The dates of days and of birth dates already seen, for one rule set's parameters.

    A batch shares its reference days almost always and birth dates often. Bounded: cleared
    when it holds more than ``_CACHE_LIMIT`` entries.
    """

    __slots__ = ("_births", "_days", "params")

    def __init__(self, params: Parameters) -> None:
        self.params = params
        self._days: dict[dt.date, DayDates] = {}
        self._births: dict[dt.date, BirthDates] = {}

    def day(self, day: dt.date) -> DayDates:
        found = self._days.get(day)
        if found is None:
            if len(self._days) > _CACHE_LIMIT:
                self._days.clear()
            found = self._days[day] = day_dates(day, self.params)
        return found

    def birth(self, birth: dt.date) -> BirthDates:
        found = self._births.get(birth)
        if found is None:
            if len(self._births) > _CACHE_LIMIT:
                self._births.clear()
            found = self._births[birth] = birth_dates(birth, self.params)
        return found


def derived_values(
    intake: Intake, day: dt.date, params: Parameters, cache: DateCache | None = None
) -> dict[str, Any]:
    """Every derived fact of ``intake`` on ``day``."""
    birth = intake.pupil.birth_date
    values = date_values(birth, day, params, cache)
    schooling = intake.schooling
    apprenticeship = schooling.apprenticeship_start
    years = schooling.years
    arrival = intake.pupil.arrival_date
    kinds, foreign = _certificates(intake)
    values["apprenticeship_before_21"] = (
        apprenticeship is not None
        and completed_years(birth, apprenticeship) < params.apprenticeship_age_limit
    )
    values["schooling_deficit"] = None if years is None else (values["age_grade"] - 1) - years
    values["years_since_arrival"] = (
        None if arrival is None or arrival > day else completed_years(arrival, day)
    )
    values["short_stay_in_german_school"] = _short_stay(intake, day, params.short_stay_years)
    values["certificate_kinds"] = kinds
    values["has_foreign_certificate"] = foreign
    below = grades_below(values["schooling_deficit"], schooling.interrupted_years, params)
    values["grade_options_primar"] = grade_options(values["age_grade"], below, 1, 4)
    values["grade_options_sek1"] = grade_options(values["age_grade"], below, 5, 10)
    return values


def grades_below(deficit: int | None, interrupted: int | None, params: Parameters) -> int:
    """How many grades below the age-grade the counsellor may choose (lead decision L2).

    As far as the schooling gives a reason (missing school years or an interruption), capped by
    ``max_grade_below_age``; with unknown school years the counsellor must judge: the cap.
    """
    cap = params.max_grade_below_age
    if deficit is None:
        return cap
    return min(cap, max(deficit, interrupted or 0, 0))


def compute_facts(
    intake: Intake, day: dt.date, params: Parameters, cache: DateCache | None = None
) -> dict[str, Any]:
    """Intake and derived facts of one intake on ``day`` (outputs are added by the engine)."""
    values = intake_values(intake)
    values.update(derived_values(intake, day, params, cache))
    return values
