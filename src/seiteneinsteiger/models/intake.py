"""The intake file ``seiteneinsteiger/intake@1`` (shared/domain/intake-format.md).

Field names and codes are the product's data contract and must not change without a new format
version. Cross-field checks live in :func:`check_intake`, which returns located issues instead of
raising, so that every problem of a file is reported at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from seiteneinsteiger.codes import (
    AssessmentBasis,
    CertificateKind,
    ConsentScope,
    Gender,
    InterpreterKind,
    Level,
    Literacy,
    Maths,
    Need,
    Relation,
    Residence,
    ResidenceBasis,
    SchoolForm,
    SchoolType,
    Script,
)
from seiteneinsteiger.dates import completed_years, german
from seiteneinsteiger.models.types import (
    CountryCode,
    Flag,
    IsoDate,
    LanguageCode,
    ShortText,
    Text,
)

FORMAT = "seiteneinsteiger/intake@1"
SchoolYears = Annotated[int, Field(ge=0, le=20)]


class _Model(BaseModel):
    #: defer_build: pydantic builds a model's validator when the model is first used, not when
    #: its class is defined; the sections are validated as part of :class:`Intake`, so most of
    #: them never need one of their own (15–30 ms of every command that reads an intake)
    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, defer_build=True
    )


class Interpreter(_Model):
    language: LanguageCode | None = None
    kind: InterpreterKind | None = None


class Consent(_Model):
    date: IsoDate | None = None
    scope: list[ConsentScope] = Field(default_factory=list)


class Counselling(_Model):
    counsellor: ShortText | None = None
    interpreter: Interpreter | None = None
    consent: Consent | None = None


class Address(_Model):
    street: ShortText | None = None
    postcode: Annotated[str, Field(pattern=r"^\d{5}$")] | None = None


class Pupil(_Model):
    family_name: ShortText
    given_names: ShortText
    name_original: ShortText | None = None
    gender: Gender | None = None
    birth_date: IsoDate
    birth_date_estimated: Flag = False
    country_of_birth: CountryCode | None = None
    nationalities: list[CountryCode] = Field(default_factory=list)
    arrival_date: IsoDate | None = None
    municipality: ShortText | None = None
    residence: Residence | None = None
    residence_basis: ResidenceBasis | None = Field(default=None, title="Aufenthaltsgrundlage")
    first_languages: list[LanguageCode] = Field(default_factory=list)
    address: Address | None = None


class Guardian(_Model):
    name: ShortText | None = None
    relation: Relation | None = None
    phone: ShortText | None = None
    email: ShortText | None = None


class Sibling(_Model):
    given_names: ShortText | None = None
    birth_year: Annotated[int, Field(ge=1950, le=2100)] | None = None
    school: ShortText | None = None


class Family(_Model):
    guardians: list[Guardian] = Field(default_factory=list)
    contact_language: LanguageCode | None = None
    interpreter_needed: Flag | None = None
    siblings: list[Sibling] = Field(default_factory=list)


class OtherLanguage(_Model):
    language: LanguageCode
    level: Level | None = None


class Languages(_Model):
    german: Level | None = None
    english: Level | None = None
    others: list[OtherLanguage] = Field(default_factory=list)
    literacy: Literacy | None = None
    scripts: list[Script] = Field(default_factory=list)


class Certificate(_Model):
    kind: CertificateKind
    country: CountryCode | None = None
    year: Annotated[int, Field(ge=1950, le=2100)] | None = None
    note: Text | None = None


class Schooling(_Model):
    years: SchoolYears | None = None
    last_grade: Annotated[int, Field(ge=0, le=13)] | None = None
    interrupted_years: SchoolYears | None = None
    school_type: SchoolType | None = None
    german_school_since: IsoDate | None = None
    german_school_years: SchoolYears | None = None
    foreign_languages: list[LanguageCode] = Field(default_factory=list)
    online_home_school: Flag | None = None
    apprenticeship_start: IsoDate | None = None
    certificates: list[Certificate] = Field(default_factory=list)


class Competences(_Model):
    maths: Maths | None = None
    basis: list[AssessmentBasis] = Field(default_factory=list)


class SupportNeeds(_Model):
    indications: list[Need] = Field(default_factory=list)
    documented: list[Need] = Field(default_factory=list)
    health_note: Text | None = None


class Wishes(_Model):
    school_form: SchoolForm | None = None
    note: Text | None = None


class Intake(_Model):
    format: Literal["seiteneinsteiger/intake@1"]
    case_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")] | None = None
    intake_date: IsoDate
    district: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")] | None = None
    #: Sections without a list inside are shared when a file leaves them out: pydantic keeps a
    #: hashable default instead of copying it, and nothing in them can change (frozen, no list).
    #: The others are made per intake, so that no intake can change another one's lists.
    counselling: Counselling = Counselling()
    pupil: Pupil
    family: Family = Field(default_factory=Family)
    languages: Languages = Field(default_factory=Languages)
    schooling: Schooling = Field(default_factory=Schooling)
    competences: Competences = Field(default_factory=Competences)
    support_needs: SupportNeeds = Field(default_factory=SupportNeeds)
    wishes: Wishes = Wishes()
    confidential_notes: Text | None = None

    def consents_to(self, recipient: ConsentScope) -> bool:
        consent = self.counselling.consent
        return consent is not None and recipient in consent.scope


@dataclass(frozen=True, slots=True)
class Issue:
    """A cross-field problem, located by field path."""

    path: tuple[str | int, ...]
    message: str
    severity: Literal["error", "warning"] = "error"


def check_intake(intake: Intake, today: dt.date) -> list[Issue]:
    """The cross-field checks of the contract ("Validation a user should see") and a few more.

    ``today`` is passed in so that the check is pure and testable.
    """
    issues: list[Issue] = []
    pupil, schooling = intake.pupil, intake.schooling
    if intake.intake_date > today + dt.timedelta(days=366):
        issues.append(
            Issue(
                ("intake_date",),
                f"Beratungsdatum {german(intake.intake_date)} liegt mehr als ein Jahr "
                "in der Zukunft",
            )
        )
    if pupil.birth_date > today:
        issues.append(
            Issue(
                ("pupil", "birth_date"),
                f"Geburtsdatum {german(pupil.birth_date)} liegt in der Zukunft",
            )
        )
    elif pupil.birth_date > intake.intake_date:
        issues.append(
            Issue(
                ("pupil", "birth_date"),
                f"Geburtsdatum {german(pupil.birth_date)} liegt nach dem Beratungsdatum "
                f"{german(intake.intake_date)}",
            )
        )
    if pupil.arrival_date is not None:
        if pupil.arrival_date < pupil.birth_date:
            issues.append(
                Issue(
                    ("pupil", "arrival_date"),
                    f"Einreise {german(pupil.arrival_date)} liegt vor der Geburt "
                    f"({german(pupil.birth_date)})",
                )
            )
        elif pupil.arrival_date > intake.intake_date:
            issues.append(
                Issue(
                    ("pupil", "arrival_date"),
                    f"Einreise {german(pupil.arrival_date)} liegt nach dem Beratungsdatum",
                    "warning",
                )
            )
    issues.extend(_schooling_issues(intake))
    issues.extend(_language_issues(intake))
    if pupil.birth_date_estimated and (pupil.birth_date.month, pupil.birth_date.day) != (1, 1):
        issues.append(
            Issue(
                ("pupil", "birth_date"),
                "Geburtsdatum ist als geschätzt markiert; üblich ist dann der 01.01. des Jahres",
                "warning",
            )
        )
    if (
        schooling.apprenticeship_start is not None
        and schooling.apprenticeship_start < pupil.birth_date
    ):
        issues.append(
            Issue(("schooling", "apprenticeship_start"), "Ausbildungsbeginn vor der Geburt")
        )
    return issues


def _schooling_issues(intake: Intake) -> list[Issue]:
    issues: list[Issue] = []
    schooling = intake.schooling
    age = max(0, completed_years(intake.pupil.birth_date, intake.intake_date))
    possible = max(0, age - 4)
    if schooling.years is not None and schooling.years > possible:
        issues.append(
            Issue(
                ("schooling", "years"),
                f"{schooling.years} Schuljahre sind mit {age} Jahren nicht möglich "
                f"(höchstens {possible}: Schulbesuch frühestens ab 4 Jahren)",
            )
        )
    if (
        schooling.german_school_years is not None
        and schooling.years is not None
        and schooling.german_school_years > schooling.years
    ):
        issues.append(
            Issue(
                ("schooling", "german_school_years"),
                "mehr Schuljahre in Deutschland als Schuljahre insgesamt",
            )
        )
    if schooling.last_grade is not None and schooling.years == 0 and schooling.last_grade > 0:
        issues.append(
            Issue(
                ("schooling", "last_grade"),
                f"letzte Klasse {schooling.last_grade}, aber 0 Schuljahre",
                "warning",
            )
        )
    since = schooling.german_school_since
    if since is not None and since > intake.intake_date:
        issues.append(
            Issue(
                ("schooling", "german_school_since"), "Schulbeginn in Deutschland nach der Beratung"
            )
        )
    for index, certificate in enumerate(schooling.certificates):
        if certificate.year is not None and certificate.year > intake.intake_date.year:
            issues.append(
                Issue(
                    ("schooling", "certificates", index, "year"),
                    f"Zeugnisjahr {certificate.year} liegt nach dem Beratungsjahr",
                )
            )
    return issues


def _language_issues(intake: Intake) -> list[Issue]:
    languages = intake.languages
    if (
        languages.literacy is Literacy.latin
        and languages.scripts
        and Script.latin not in languages.scripts
    ):
        return [
            Issue(
                ("languages", "scripts"),
                "Alphabetisierung 'latin' angegeben, aber 'latin' fehlt bei den Schriften",
                "warning",
            )
        ]
    if languages.literacy is Literacy.other_script and Script.latin in languages.scripts:
        return [
            Issue(
                ("languages", "scripts"),
                "nicht in lateinischer Schrift alphabetisiert ('other_script'), aber 'latin' bei "
                "den Schriften angegeben",
                "warning",
            )
        ]
    if languages.literacy is Literacy.none and languages.scripts:
        return [
            Issue(
                ("languages", "scripts"),
                "nicht alphabetisiert ('none'), aber Schriften angegeben",
                "warning",
            )
        ]
    return []
