"""What the family letter says: a pure function from intake and recommendation to text blocks.

The letter tells the family only what they told the counsellor and what was decided, in plain
words: the recommended school stage and form, the support their child will get, the next steps
and whom to call. It never reads the fields a family letter must not carry: residence status or
its basis, health notes, support needs and the AO-SF flags, confidential notes, the interpreter,
siblings; no rule ids and no legal references. Which fields it read is recorded in
:attr:`Letter.fields` for the export log.

Each block holds the German text and the text in the family's language (``None`` for a
German-only letter); :mod:`seiteneinsteiger.export.letter.render` lays them out side by side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from seiteneinsteiger.codes import (
    SCHOOL_FORM_LABELS,
    Literacy,
    Relation,
    SchoolForm,
    SchulpflichtStatus,
    Stage,
)
from seiteneinsteiger.dates import german
from seiteneinsteiger.export.letter.districts import DistrictInfo
from seiteneinsteiger.export.letter.texts import GERMAN, Language, LetterTexts
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.result import Result

#: School forms with a short explanation in the letter (``explain_<form>`` texts).
EXPLAINED_FORMS = (
    SchoolForm.hauptschule,
    SchoolForm.realschule,
    SchoolForm.sekundarschule,
    SchoolForm.gesamtschule,
    SchoolForm.gymnasium,
    SchoolForm.primus,
)
#: Relations that make the family salutation right ("Liebe Familie ...").
FAMILY_RELATIONS = (Relation.mother, Relation.father, Relation.foster_parent)


class Kind(StrEnum):
    headline = "headline"
    heading = "heading"
    paragraph = "paragraph"
    item = "item"
    note = "note"


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the letter: German text and the same text in the family's language."""

    kind: Kind
    german: str
    family: str | None = None
    number: int | None = None  # the number of a step


@dataclass(frozen=True, slots=True)
class Contacts:
    """The contact part: a heading and rows of labels in both languages with one value."""

    heading: Block
    rows: list[tuple[str, str, str]]  # (German label, label in the family's language, value)


@dataclass(slots=True)
class Letter:
    language: Language
    german_only: bool
    sender: list[str]
    meta: list[Block]
    body: list[Block]
    contacts: Contacts
    closing: list[Block]
    signature: list[str]
    fields: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Estimated:
    """A birth date that is only estimated: printed with the word for "estimated"."""

    day: dt.date


@dataclass(frozen=True, slots=True)
class _Weeks:
    """The typical waiting time, worded in each language ("2 bis 4 Wochen")."""

    low: int
    high: int


#: A line to fill in by hand (a contact the installation has not configured).
BLANK = "_" * 30


class _Writer:
    """Builds blocks in both languages and remembers which fields were read."""

    def __init__(self, texts: LetterTexts, language: Language) -> None:
        self.texts = texts
        self.language = language
        self.german_only = language.code == GERMAN
        self.fields: list[str] = []

    def read(self, *names: str) -> None:
        for name in names:
            if name not in self.fields:
                self.fields.append(name)

    def text(self, key: str, code: str, **values: object) -> str:
        return self.texts.text(
            key, code, **{name: self._value(value, code) for name, value in values.items()}
        )

    def _value(self, value: object, code: str) -> object:
        if isinstance(value, dt.date):
            suffix = self.texts.languages[code].date_suffix
            return german(value) + (f" {suffix}" if suffix else "")
        if isinstance(value, _Estimated):
            return f"{self._value(value.day, code)} {self.text('estimated', code)}"
        if isinstance(value, _Weeks):
            return self.text("weeks_range", code, low=value.low, high=value.high)
        return value

    def both(self, key: str, **values: object) -> tuple[str, str | None]:
        german = self.text(key, GERMAN, **values)
        family = None if self.german_only else self.text(key, self.language.code, **values)
        return german, family

    def block(self, kind: Kind, key: str, *, number: int | None = None, **values: object) -> Block:
        german, family = self.both(key, **values)
        return Block(kind, german, family, number)

    def joined(self, kind: Kind, keys: list[tuple[str, dict[str, object]]]) -> Block:
        """Several texts as one paragraph (sentences that belong together)."""
        pairs = [self.both(key, **values) for key, values in keys]
        german = " ".join(german for german, _ in pairs)
        family = None if self.german_only else " ".join(str(family) for _, family in pairs)
        return Block(kind, german, family)


def build_letter(
    intake: Intake,
    recommendation: Result,
    texts: LetterTexts,
    language: Language,
    district: DistrictInfo,
    *,
    created: dt.date,
) -> Letter:
    """The letter for one pupil in ``language`` (German only when ``language`` is German)."""
    writer = _Writer(texts, language)
    pupil = intake.pupil
    child = f"{pupil.given_names} {pupil.family_name}"
    writer.read("pupil.given_names", "pupil.family_name", "pupil.birth_date")
    meta = [writer.block(Kind.headline, "title")]
    born = _birth(writer, intake)
    meta.append(writer.block(Kind.note, "regarding", child=child, birth_date=born))
    if intake.case_id:
        writer.read("case_id")
        meta.append(writer.block(Kind.note, "reference", case_id=intake.case_id))
    meta.append(writer.block(Kind.note, "date", date=created))

    body = [_greeting(writer, intake)]
    writer.read("intake_date")
    body.append(writer.block(Kind.paragraph, "intro", date=intake.intake_date, child=child))
    body.append(writer.block(Kind.heading, "heading_recommendation"))
    body.extend(_recommendation(writer, intake, recommendation))
    body.append(writer.block(Kind.heading, "heading_steps"))
    body.extend(_steps(writer, recommendation, district))

    contacts = _contacts(writer, intake, district)
    closing = [writer.block(Kind.note, "keep_letter")]
    if not writer.german_only:
        closing.append(writer.block(Kind.note, "german_applies"))
    closing.append(writer.block(Kind.paragraph, "closing"))
    counsellor = intake.counselling.counsellor
    signature = [counsellor] if counsellor else []
    signature.append(district.contact.name)
    return Letter(
        language=language,
        german_only=writer.german_only,
        sender=[district.contact.name, *district.contact.address],
        meta=meta,
        body=body,
        contacts=contacts,
        closing=closing,
        signature=signature,
        fields=writer.fields,
    )


def _birth(writer: _Writer, intake: Intake) -> object:
    """The birth date; an estimated one is marked as such in each language."""
    pupil = intake.pupil
    if not pupil.birth_date_estimated:
        return pupil.birth_date
    writer.read("pupil.birth_date_estimated")
    return _Estimated(pupil.birth_date)


def _greeting(writer: _Writer, intake: Intake) -> Block:
    writer.read("family.guardians")
    relations = {guardian.relation for guardian in intake.family.guardians}
    if relations & set(FAMILY_RELATIONS) or not relations:
        return writer.block(Kind.paragraph, "greeting_family", family_name=intake.pupil.family_name)
    return writer.block(Kind.paragraph, "greeting_neutral")


def _recommendation(writer: _Writer, intake: Intake, rec: Result) -> list[Block]:
    writer.read("recommendation.schulpflicht", "recommendation.stage")
    if rec.stage is Stage.none:
        return _no_school(writer, rec)
    writer.read("recommendation.school_forms", "recommendation.grade")
    blocks = [_placement(writer, rec)]
    blocks.extend(_support(writer, intake, rec))
    key = "decision_bk" if _berufskolleg(rec) else "decision"
    blocks.append(writer.block(Kind.paragraph, key))
    return blocks


def _berufskolleg(rec: Result) -> bool:
    return rec.bk_ifk or (bool(rec.school_forms) and rec.school_forms[0] is SchoolForm.berufskolleg)


def _placement(writer: _Writer, rec: Result) -> Block:
    """The sentence that says where the child should go, with a short explanation."""
    forms = rec.school_forms
    grade = rec.grade
    if _berufskolleg(rec):
        writer.read("recommendation.bk_ifk")
        return writer.block(Kind.paragraph, "ifk" if rec.bk_ifk else "berufskolleg")
    if rec.stage is Stage.primarstufe:
        if grade is None:
            return writer.block(Kind.paragraph, "primary_no_grade")
        return writer.block(Kind.paragraph, "primary", grade=grade)
    first = forms[0] if forms else None
    parts: list[tuple[str, dict[str, object]]] = []
    open_form = rec.stage is Stage.sek1 and "BILDUNGSGANG_AFTER_ERSTFOERDERUNG" in rec.flags
    if open_form or first is None:
        writer.read("recommendation.flags")
        parts.append(("sek1_open" if grade is not None else "open_no_grade", {"grade": grade}))
        return writer.joined(Kind.paragraph, parts)
    form = SCHOOL_FORM_LABELS[first]
    if grade is None:
        parts.append(("form_no_grade", {"form": form}))
    elif rec.stage is Stage.sek2:
        parts.append(("sek2_form", {"grade": grade, "form": form}))
    else:
        parts.append(("sek1_form", {"grade": grade, "form": form}))
    if first in EXPLAINED_FORMS:
        parts.append((f"explain_{first.value}", {}))
    others = [SCHOOL_FORM_LABELS[f] for f in forms[1:] if f is not SchoolForm.foerderschule]
    if others:
        parts.append(("also_possible", {"forms": ", ".join(others)}))
    return writer.joined(Kind.paragraph, parts)


def _support(writer: _Writer, intake: Intake, rec: Result) -> list[Block]:
    writer.read("recommendation.erstfoerderung", "recommendation.measures")
    blocks: list[Block] = []
    if rec.erstfoerderung and not rec.bk_ifk:
        blocks.append(writer.block(Kind.paragraph, "erstfoerderung"))
    if rec.erstalphabetisierung.value == "eligible":
        writer.read("recommendation.erstalphabetisierung", "languages.literacy")
        latin = intake.languages.literacy is Literacy.other_script
        blocks.append(
            writer.block(Kind.paragraph, "alphabetisierung_latin" if latin else "alphabetisierung")
        )
    if "hsu" in rec.measures:
        blocks.append(writer.block(Kind.paragraph, "hsu"))
    return blocks


def _no_school(writer: _Writer, rec: Result) -> list[Block]:
    """Not (yet) a school place: not yet schulpflichtig, state facility, no longer."""
    writer.read("recommendation.flags")
    status = rec.schulpflicht.status
    if "ZUE_NOT_ASSIGNED" in rec.flags:
        return [writer.block(Kind.paragraph, "state_facility")]
    if status is SchulpflichtStatus.no_longer:
        return [writer.block(Kind.paragraph, "no_longer")]
    if status is SchulpflichtStatus.not_yet:
        parts: list[tuple[str, dict[str, object]]] = [("not_yet", {})]
        if rec.schulpflicht.starts is not None:
            parts.append(("not_yet_starts", {"starts": rec.schulpflicht.starts}))
        blocks = [writer.joined(Kind.paragraph, parts)]
        if "KANN_KIND_OPTION" in rec.flags:
            blocks.append(writer.block(Kind.paragraph, "early_enrolment"))
        return blocks
    return [writer.block(Kind.paragraph, "no_school_yet")]


def _steps(writer: _Writer, rec: Result, district: DistrictInfo) -> list[Block]:
    writer.read("recommendation.flags")
    placed = rec.stage is not Stage.none
    flag = district.direct_enrolment_flag
    direct = flag is not None and flag in rec.flags
    steps: list[tuple[str, dict[str, object]]] = []
    if "HEALTH_CHECK" in rec.flags:
        steps.append(("step_health", {}))
    if placed and direct:
        steps.append(("step_enrol_direct", {}))
    elif placed:
        key = "step_letter_bk" if _berufskolleg(rec) else "step_letter"
        steps.append((key, {"waiting": _Weeks(district.waiting.low, district.waiting.high)}))
        steps.append(("step_enrol", {}))
    elif rec.schulpflicht.status is SchulpflichtStatus.not_yet and (
        "ZUE_NOT_ASSIGNED" not in rec.flags
    ):
        steps.append(("step_register_primary", {}))
    blocks = [
        writer.block(Kind.item, key, number=number, **values)
        for number, (key, values) in enumerate(steps, 1)
    ]
    if placed or "HEALTH_CHECK" in rec.flags:
        blocks.append(writer.block(Kind.paragraph, "step_documents"))
        documents = ["doc_id", "doc_birth", "doc_registration"]
        if placed:
            documents.append("doc_reports")
        documents += ["doc_vaccination", "doc_letter"]
        blocks.extend(writer.block(Kind.item, key) for key in documents)
    if placed and not direct:
        blocks.append(writer.block(Kind.paragraph, "step_no_letter", weeks=district.waiting.high))
    blocks.append(writer.block(Kind.paragraph, "step_changes"))
    return blocks


def _contacts(writer: _Writer, intake: Intake, district: DistrictInfo) -> Contacts:
    contact = district.contact
    rows: list[tuple[str, str, str]] = []

    def add(key: str, value: str | None) -> None:
        if value:
            german = writer.text(key, GERMAN)
            family = german if writer.german_only else writer.text(key, writer.language.code)
            rows.append((german, family, value))

    counsellor = intake.counselling.counsellor
    if counsellor:
        writer.read("counselling.counsellor")
    add("contact_person", counsellor)
    add("contact_office", contact.name)
    add("contact_address", ", ".join(contact.address) if contact.address else None)
    # without a configured phone or e-mail the counsellor fills them in by hand
    blank = None if contact.reachable else BLANK
    add("contact_phone", contact.phone or blank)
    add("contact_email", contact.email or blank)
    add("contact_hours", contact.hours)
    add("contact_web", contact.web)
    return Contacts(writer.block(Kind.heading, "heading_contact"), rows)
