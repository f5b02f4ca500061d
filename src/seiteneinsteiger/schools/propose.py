"""Ranking schools for one case: which schools fit, in which order, and why the others do not.

:func:`propose` is pure: it takes the intake, its recommendation, the school directory, the
capacity table and the day, and returns a :class:`ProposalResult` that explains itself like
``recommend`` does (every reason names its source) and lists the excluded schools of the district
with their first reason (like ``why_not``). Nothing is reserved here; reserving a place is the
register's job (docs/internal/schools.md).

Hard filters, in this order (the first that fails is the reason shown):

1. the school lies in the case's district (others are only counted);
2. a Förderschule or Waldorf school is never proposed (schulformen.py);
3. the school is in operation (Schulbetriebsschlüssel 1);
4. its school form is one the recommendation names, for the grade (or a grade option);
5. the Schulamt reported the needed offer for it: Erstalphabetisierung when the recommendation
   says ``eligible``; the IFK at a Berufskolleg when ``bk_ifk``; else an Erstförderungsgruppe or
   a Regelklasse mit Erstförderung (a Regelklasse place without Erstförderung);
6. that report is valid on the day, covers the grade and has a free place.

Ranking of the schools that pass (each step only breaks ties of the one before):
public before private (the other way round when the family asks for a private school, given
explicitly as ``prefer_private``: the intake has no field for it), a sibling already at the
school, within the travel-cost distance before beyond it before unknown, the recommended
school-form order (the family's wished form first), the recommended grade before a grade option,
then the distance itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from seiteneinsteiger.codes import SCHOOL_FORM_LABELS, SCHULPFLICHT_LABELS, SchoolForm, Stage
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.result import Result
from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.capacity import CapacityRow, CapacityTable
from seiteneinsteiger.schools.directory import Directory, School
from seiteneinsteiger.schools.districts import SchoolDistrict
from seiteneinsteiger.schools.geo import (
    PRECISION_LABELS,
    Distance,
    Gazetteer,
    Point,
    Precision,
    distance,
)
from seiteneinsteiger.schools.matching import match_school
from seiteneinsteiger.schools.offers import Offer, offer_label
from seiteneinsteiger.schools.schulformen import SCHULFORMEN, Schulform
from seiteneinsteiger.schools.travel import Threshold, threshold_for, travel_hint

FORMAT = "seiteneinsteiger/school-proposals@1"
DIRECTORY_SOURCE = "Schulgrunddaten NRW"
_PRIVATE_WORDS = re.compile(
    r"privat|ersatzschule|bekenntnis|konfession|katholisch|evangelisch|christlich|islamisch"
    r"|jüdisch|waldorf|montessori|freie schule",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Reason:
    """One sentence of an explanation and where it comes from."""

    text: str
    source: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {"text": self.text, "source": self.source}


@dataclass(frozen=True, slots=True)
class Hint:
    """Something a person should look at (a flag): travel costs, an old report, a wish."""

    code: str
    text: str
    source: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {"code": self.code, "text": self.text, "source": self.source}


@dataclass(frozen=True, slots=True)
class ProposalOptions:
    #: the family asked for a private (or confessional private) school
    prefer_private: bool = False
    #: a capacity report older than this many days gets a hint to ask the Schulamt
    stale_after_days: int = 30


@dataclass(frozen=True, slots=True)
class Need:
    """What the case needs, read from the recommendation."""

    school_forms: tuple[SchoolForm, ...]
    grades: tuple[int, ...]  # the recommended grade first, then the options nearest to it
    offers: tuple[Offer, ...]  # acceptable offers, preferred first
    stage: Stage

    def grades_text(self) -> str:
        if not self.grades:
            return "ohne Klassenangabe"
        first, *others = self.grades
        more = f" (oder {', '.join(map(str, others))})" if others else ""
        return f"Klasse {first}{more}"

    def offers_text(self) -> str:
        return " oder ".join(offer_label(offer) for offer in self.offers)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "school_forms": [form.value for form in self.school_forms],
            "grades": list(self.grades),
            "offers": [offer.value for offer in self.offers],
            "stage": self.stage.value,
        }


@dataclass(frozen=True, slots=True)
class Proposal:
    rank: int
    school: School
    school_form: SchoolForm
    offer: Offer
    grade: int | None
    capacity: CapacityRow
    distance: Distance
    sibling: bool
    reasons: tuple[Reason, ...]
    hints: tuple[Hint, ...]

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "schulnummer": self.school.schulnummer,
            "name": self.school.name,
            "short_name": self.school.short_name,
            "address": self.school.address,
            "school_form": self.school_form.value,
            "rechtsform": self.school.rechtsform,
            "offer": self.offer.value,
            "grade": self.grade,
            "free_places": self.capacity.free,
            "capacity": self.capacity.to_json_dict(),
            "distance_m": None if self.distance.metres is None else round(self.distance.metres),
            "distance_precision": PRECISION_LABELS[self.distance.precision],
            "sibling": self.sibling,
            "reasons": [reason.to_json_dict() for reason in self.reasons],
            "hints": [hint.to_json_dict() for hint in self.hints],
        }


Step = Literal["scope", "form", "capacity"]


@dataclass(frozen=True, slots=True)
class Exclusion:
    """A school of the district with a recommended (or wished) school form that is not
    proposed, with the first reason.

    ``step`` says which filter failed: ``scope`` (never proposed, not in operation), ``form``
    (school form or grade), ``capacity`` (no report, no valid report, no free place). Schools
    failing only on capacity are what a counsellor could ask the Schulamt about.
    """

    school: School
    reason: Reason
    step: Step
    distance: Distance
    other_free: int = 0  # free places of other Erstförderung offers at this school
    #: for ``capacity``: why, as counted in the summary ("ohne freie Plätze", ...)
    category: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schulnummer": self.school.schulnummer,
            "name": self.school.label,
            "step": self.step,
            "reason": self.reason.text,
            "source": self.reason.source,
            "distance_m": None if self.distance.metres is None else round(self.distance.metres),
        }


@dataclass(frozen=True, slots=True)
class OtherForms:
    """Schools of the district whose school form is neither recommended nor wished: counted,
    with the reason for their form (a list of 3,000 Grundschulen would help nobody)."""

    schulform: str
    schools: int
    reason: Reason

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schulform": self.schulform,
            "schools": self.schools,
            "reason": self.reason.text,
            "source": self.reason.source,
        }


@dataclass(frozen=True, slots=True)
class ProposalResult:
    case_id: str | None
    source: str | None
    day: dt.date
    district: SchoolDistrict
    need: Need
    origin: Precision
    proposals: tuple[Proposal, ...]
    excluded: tuple[Exclusion, ...]
    other_forms: tuple[OtherForms, ...] = ()
    alternatives: tuple[Exclusion, ...] = ()
    hints: tuple[Hint, ...] = ()
    summary: str | None = None
    considered: int = 0
    outside: int = 0
    attribution: str = ATTRIBUTION

    def to_json_dict(self, limit: int | None = None) -> dict[str, Any]:
        """The JSON object; ``limit`` keeps only the first proposals (``proposals_total`` says
        how many there were)."""
        shown = self.proposals if limit is None else self.proposals[:limit]
        return {
            "format": FORMAT,
            "case_id": self.case_id,
            "source": self.source,
            "date": self.day.isoformat(),
            "district": self.district.id,
            "need": self.need.to_json_dict(),
            "origin_precision": PRECISION_LABELS[self.origin],
            "proposals": [proposal.to_json_dict() for proposal in shown],
            "proposals_total": len(self.proposals),
            "summary": self.summary,
            "alternatives": [item.to_json_dict() for item in self.alternatives],
            "hints": [hint.to_json_dict() for hint in self.hints],
            "excluded": [item.to_json_dict() for item in self.excluded],
            "other_school_forms": [item.to_json_dict() for item in self.other_forms],
            "considered": self.considered,
            "outside_district": self.outside,
            "attribution": self.attribution,
        }


# ---------------------------------------------------------------------------------------------


def need_of(recommendation: Result) -> Need:
    """The school forms, grades and offers a recommendation asks for."""
    grades: list[int] = []
    if recommendation.grade is not None:
        grades.append(recommendation.grade)
        grades.extend(
            sorted(
                (g for g in recommendation.grade_options if g != recommendation.grade),
                key=lambda g: (abs(g - (recommendation.grade or g)), -g),
            )
        )
    if recommendation.bk_ifk:
        offers: tuple[Offer, ...] = (Offer.ifk,)
    elif recommendation.erstalphabetisierung.value == "eligible":
        offers = (Offer.erstalphabetisierung,)
    elif recommendation.erstfoerderung:
        go_in = "GO_IN_REGELKLASSE" in recommendation.flags
        offers = (
            (Offer.regelklasse_erstfoerderung, Offer.erstfoerderungsgruppe)
            if go_in
            else (Offer.erstfoerderungsgruppe, Offer.regelklasse_erstfoerderung)
        )
    else:
        offers = (Offer.regelklasse_erstfoerderung,)
    return Need(tuple(recommendation.school_forms), tuple(grades), offers, recommendation.stage)


def rule_source(recommendation: Result, key: str) -> str | None:
    """``Regel NRW-SF-02 (rules/nrw/30-schulform.yaml:36)`` for the last rule that set ``key``."""
    for entry in reversed(recommendation.trace):
        if key in entry.outcome:
            return f"Regel {entry.rule} ({entry.file}:{entry.line})"
    return None


@dataclass(slots=True)
class _Candidate:
    school: School
    form: SchoolForm
    form_rank: int
    row: CapacityRow
    offer: Offer
    grade: int | None
    grade_shift: int
    distance: Distance
    sibling: bool
    threshold: Threshold | None


@dataclass(slots=True)
class _Context:
    intake: Intake
    recommendation: Result
    need: Need
    day: dt.date
    options: ProposalOptions
    origin: Point | None
    gazetteer: Gazetteer
    capacity: CapacityTable
    siblings: dict[str, int] = field(default_factory=dict)  # Schulnummer -> sibling index
    wished: SchoolForm | None = None


def propose(
    intake: Intake,
    recommendation: Result,
    directory: Directory,
    capacity: CapacityTable,
    day: dt.date,
    *,
    district: SchoolDistrict,
    gazetteer: Gazetteer | None = None,
    options: ProposalOptions | None = None,
) -> ProposalResult:
    """Rank the schools of ``district`` for one case on ``day`` (see the module docstring)."""
    options = options or ProposalOptions()
    gazetteer = gazetteer or Gazetteer(directory)
    need = need_of(recommendation)
    area = directory.in_area(district.gemeinden)
    address = intake.pupil.address
    origin = gazetteer.family(address.postcode if address else None, intake.pupil.municipality)
    wished = intake.wishes.school_form
    context = _Context(
        intake=intake,
        recommendation=recommendation,
        need=need,
        day=day,
        options=options,
        origin=origin,
        gazetteer=gazetteer,
        capacity=capacity,
        wished=wished if wished in need.school_forms else None,
    )
    hints = _case_hints(context, area)
    base = ProposalResult(
        case_id=intake.case_id or recommendation.case_id,
        source=recommendation.source,
        day=day,
        district=district,
        need=need,
        origin=origin.precision if origin else Precision.unknown,
        proposals=(),
        excluded=(),
        hints=tuple(hints),
        considered=len(area),
        outside=len(directory) - len(area),
    )
    if not need.school_forms:
        return dataclasses.replace(base, summary=_no_forms_summary(recommendation))
    candidates: list[_Candidate] = []
    excluded: list[Exclusion] = []
    relevant = set(need.school_forms) | ({intake.wishes.school_form} - {None})
    others: Counter[str] = Counter()
    for school in area:
        if not any(code in relevant for code, _ in school.schulform.serves):
            others[school.form_key] += 1
            continue
        outcome = _check(school, context)
        if isinstance(outcome, Exclusion):
            excluded.append(outcome)
        else:
            candidates.append(outcome)
    candidates.sort(key=lambda c: _sort_key(c, options))
    proposals = tuple(
        _proposal(rank, candidate, context) for rank, candidate in enumerate(candidates, 1)
    )
    excluded.sort(key=lambda e: (_STEP_ORDER[e.step], _metres(e.distance), e.school.schulnummer))
    alternatives: tuple[Exclusion, ...] = ()
    summary = None
    if not proposals:
        alternatives = _alternatives(excluded)
        summary = _nothing_fits(context, district, excluded)
    return dataclasses.replace(
        base,
        proposals=proposals,
        excluded=tuple(excluded),
        other_forms=_other_forms(others, context),
        alternatives=alternatives,
        summary=summary,
    )


_STEP_ORDER = {"capacity": 0, "form": 1, "scope": 2}


def _metres(value: Distance) -> float:
    return value.metres if value.metres is not None else float("inf")


def _sort_key(candidate: _Candidate, options: ProposalOptions) -> tuple[Any, ...]:
    private_last = candidate.school.private != options.prefer_private
    return (
        private_last,
        not candidate.sibling,
        _band(candidate.distance, candidate),
        candidate.form_rank,
        candidate.grade_shift,
        _metres(candidate.distance),
        candidate.school.schulnummer,
    )


def _band(value: Distance, candidate: _Candidate) -> int:
    """0 within the travel-cost distance, 1 beyond it, 2 unknown."""
    if value.metres is None:
        return 2
    limit = candidate.threshold
    return 0 if limit is None or value.metres <= limit.metres else 1


# ---------------------------------------------------------------------------------------------
# Filters


def _check(school: School, context: _Context) -> _Candidate | Exclusion:
    far = distance(context.origin, context.gazetteer.school(school))
    schulform = school.schulform
    if schulform.never_proposed:
        return Exclusion(school, _not_recommended(schulform, context), "scope", far)
    if not school.in_operation:
        reason = Reason(f"Schule {school.operation_text()}", DIRECTORY_SOURCE)
        return Exclusion(school, reason, "scope", far)
    matched = _form_match(school, context)
    if isinstance(matched, Reason):
        return Exclusion(school, matched, "form", far)
    form, form_rank, grades = matched
    return _capacity_check(school, context, form, form_rank, grades, far)


def _form_match(
    school: School, context: _Context
) -> tuple[SchoolForm, int, tuple[int, ...]] | Reason:
    need = context.need
    served = dict(school.schulform.serves)
    recommended = [form for form in need.school_forms if form in served]
    if not recommended:
        return _not_recommended(school.schulform, context)
    for form in recommended:
        grades = served[form]
        fitting = tuple(g for g in need.grades if grades is None or grades[0] <= g <= grades[1])
        if fitting or not need.grades:
            return form, need.school_forms.index(form), fitting
    low_high = served[recommended[0]]
    taught = f" (Klassen {low_high[0]}–{low_high[1]})" if low_high else ""
    return Reason(
        f"{need.grades_text()} gibt es an dieser Schulform nicht{taught}",
        rule_source(context.recommendation, "grade"),
    )


def _not_recommended(schulform: Schulform, context: _Context) -> Reason:
    """Why a school form is not proposed: never at intake, or not recommended (why_not)."""
    if schulform.never_proposed:
        source = "§ 18 AO-SF" if schulform.code is SchoolForm.foerderschule else None
        return Reason(schulform.never_proposed, source)
    code = schulform.code.value if schulform.code else ""
    why = context.recommendation.why_not.get(code)
    if why:
        return Reason(
            f"Schulform {schulform.label} nicht empfohlen: {why}",
            rule_source(context.recommendation, f"why_not.{code}"),
        )
    wanted = ", ".join(SCHOOL_FORM_LABELS[f.value] for f in context.need.school_forms)
    return Reason(
        f"Schulform {schulform.label} nicht empfohlen (empfohlen: {wanted})",
        rule_source(context.recommendation, "school_forms"),
    )


def _other_forms(counts: Counter[str], context: _Context) -> tuple[OtherForms, ...]:
    return tuple(
        OtherForms(SCHULFORMEN[key].label, count, _not_recommended(SCHULFORMEN[key], context))
        for key, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    )


def _capacity_check(
    school: School,
    context: _Context,
    form: SchoolForm,
    form_rank: int,
    grades: tuple[int, ...],
    far: Distance,
) -> _Candidate | Exclusion:
    need, day = context.need, context.day
    rows = context.capacity.for_school(school.schulnummer)
    other_free = sum(
        row.free
        for row in rows
        if row.offer not in need.offers and row.offer is not Offer.ifk and row.valid_on(day)
    )

    def excluded(
        category: str, text: str, source: str | None = "Kapazitätstabelle des Schulamts"
    ) -> Exclusion:
        return Exclusion(school, Reason(text, source), "capacity", far, other_free, category)

    if not rows:
        return excluded(
            "ohne Kapazitätsmeldung", "keine Kapazitätsmeldung des Schulamts für diese Schule"
        )
    offered = [row for row in rows if row.offer in need.offers]
    if not offered:
        reported = ", ".join(sorted({offer_label(row.offer) for row in rows}))
        return excluded(
            "ohne dieses Angebot",
            f"kein Angebot {need.offers_text()} gemeldet (gemeldet: {reported})",
        )
    valid = [row for row in offered if row.valid_on(day)]
    if not valid:
        periods = "; ".join(row.period_text() for row in offered)
        return excluded(
            "ohne gültige Meldung",
            f"Meldung für {need.offers_text()} gilt nicht am {day:%d.%m.%Y} ({periods})",
            offered[0].where,
        )
    wanted = grades or (None,)
    covering = [
        (row, grade)
        for grade in wanted
        for offer in need.offers
        for row in valid
        if row.offer is offer and row.covers(grade)
    ]
    if not covering:
        reported = "; ".join(f"{offer_label(r.offer)} {r.grades_text()}" for r in valid)
        return excluded(
            "ohne Angebot für diese Klasse",
            f"gemeldet nur {reported}, gebraucht {need.grades_text()}",
            valid[0].where,
        )
    free = [(row, grade) for row, grade in covering if row.free > 0]
    if not free:
        row = covering[0][0]
        return excluded(
            "ohne freie Plätze",
            f"keine freien Plätze: {offer_label(row.offer)} {row.grades_text()}: "
            f"{row.counts_text()} (gemeldet am {row.reported_on:%d.%m.%Y})",
            row.where,
        )
    row, grade = free[0]
    shift = 0 if grade is None or not need.grades else need.grades.index(grade)
    sibling = school.schulnummer in context.siblings
    limit = threshold_for(grade, need.stage)
    return _Candidate(school, form, form_rank, row, row.offer, grade, shift, far, sibling, limit)


# ---------------------------------------------------------------------------------------------
# Explanations


def _proposal(rank: int, candidate: _Candidate, context: _Context) -> Proposal:
    recommendation, need = context.recommendation, context.need
    school, row = candidate.school, candidate.row
    label = SCHOOL_FORM_LABELS[candidate.form.value]
    reasons = [
        Reason(
            f"Schulform {label} empfohlen (Rang {candidate.form_rank + 1} der Empfehlung)",
            rule_source(recommendation, "school_forms"),
        )
    ]
    if candidate.form is context.wished:
        reasons.append(
            Reason(
                f"Schulform {label} entspricht dem Wunsch der Familie",
                "Intake: wishes.school_form",
            )
        )
    reasons.append(_offer_reason(candidate, context))
    places = " ".join(
        part
        for part in (
            f"{row.free} {'freier Platz' if row.free == 1 else 'freie Plätze'}",
            offer_label(row.offer),
            _grade_phrase(candidate),
        )
        if part
    )
    reasons.append(
        Reason(
            f"{places} ({row.counts_text()}; "
            f"gemeldet am {row.reported_on:%d.%m.%Y} von {row.reported_by})"
            + (f"; Bemerkung: {row.note}" if row.note else ""),
            f"Kapazitätstabelle {row.where}",
        )
    )
    if candidate.grade is not None and candidate.grade_shift:
        reasons.append(
            Reason(
                f"Klasse {candidate.grade} statt {need.grades[0]}: Wahlmöglichkeit der Empfehlung",
                rule_source(recommendation, "grade_options"),
            )
        )
    reasons.append(Reason(candidate.distance.text(), _distance_source(context)))
    if candidate.sibling:
        index = context.siblings[school.schulnummer]
        text = context.intake.family.siblings[index].school or ""
        reasons.append(
            Reason(
                f"Geschwisterkind an dieser Schule (Angabe „{text}“ über Name und Ort "
                "zugeordnet; bitte bestätigen)",
                f"Intake: family.siblings[{index}].school",
            )
        )
    reasons.append(_rechtsform_reason(school, context.options))
    return Proposal(
        rank=rank,
        school=school,
        school_form=candidate.form,
        offer=candidate.offer,
        grade=candidate.grade,
        capacity=row,
        distance=candidate.distance,
        sibling=candidate.sibling,
        reasons=tuple(reasons),
        hints=tuple(_proposal_hints(candidate, context)),
    )


def _grade_phrase(candidate: _Candidate) -> str:
    if candidate.grade is not None:
        return f"Klasse {candidate.grade}"
    if candidate.row.grade_from is None:
        return ""
    return candidate.row.grades_text()


def _offer_reason(candidate: _Candidate, context: _Context) -> Reason:
    recommendation = context.recommendation
    if candidate.offer is Offer.ifk:
        return Reason(
            "Internationale Förderklasse am Berufskolleg empfohlen (ab 16 Jahren)",
            rule_source(recommendation, "bk_ifk"),
        )
    if candidate.offer is Offer.erstalphabetisierung:
        return Reason(
            "Lerngruppe zur Erstalphabetisierung angezeigt",
            rule_source(recommendation, "erstalphabetisierung"),
        )
    if recommendation.erstfoerderung:
        return Reason(
            "Erstförderung empfohlen (BASS 13-63 Nr. 3)",
            rule_source(recommendation, "erstfoerderung"),
        )
    return Reason(
        "keine Erstförderung nötig: Platz in einer Regelklasse",
        rule_source(recommendation, "erstfoerderung"),
    )


def _distance_source(context: _Context) -> str:
    origin = context.origin
    if origin is None:
        return f"{DIRECTORY_SOURCE}; Wohnort unbekannt"
    where = (
        "pupil.address.postcode" if origin.precision is Precision.postcode else "pupil.municipality"
    )
    return f"{DIRECTORY_SOURCE} (Schulstandort); Wohnort: Intake {where}"


def _rechtsform_reason(school: School, options: ProposalOptions) -> Reason:
    if not school.private:
        return Reason("öffentliche Schule: Zuweisung durch die Schulaufsicht", DIRECTORY_SOURCE)
    if options.prefer_private:
        return Reason(
            "Schule in freier Trägerschaft: vorn gereiht, weil die Familie eine Privatschule "
            "wünscht; die Schule entscheidet selbst über die Aufnahme",
            "Angabe der Beratung",
        )
    return Reason(
        "Schule in freier Trägerschaft (Ersatzschule): nach den öffentlichen Schulen gereiht, "
        "weil kein Wunsch der Familie nach einer Privatschule angegeben ist; die Schule "
        "entscheidet selbst über die Aufnahme",
        DIRECTORY_SOURCE,
    )


def _proposal_hints(candidate: _Candidate, context: _Context) -> list[Hint]:
    hints: list[Hint] = []
    travel = travel_hint(candidate.distance, candidate.threshold)
    if travel is not None:
        hints.append(Hint(travel.code, travel.text, travel.source))
    row = candidate.row
    age = (context.day - row.reported_on).days
    if age > context.options.stale_after_days:
        hints.append(
            Hint(
                "KAPAZITAET_ALT",
                f"Kapazitätsmeldung vom {row.reported_on:%d.%m.%Y} ist {age} Tage alt: vor dem "
                "Vorschlag beim Schulamt nachfragen",
                f"Kapazitätstabelle {row.where}",
            )
        )
    if (
        candidate.offer is Offer.ifk
        and context.recommendation.erstalphabetisierung.value == "eligible"
    ):
        hints.append(
            Hint(
                "ALPHABETISIERUNG_IN_IFK",
                "Erstalphabetisierung angezeigt: mit dem Berufskolleg klären, ob die IFK "
                "alphabetisiert",
                rule_source(context.recommendation, "erstalphabetisierung"),
            )
        )
    return hints


def _case_hints(context: _Context, area: Sequence[School]) -> list[Hint]:
    intake, need = context.intake, context.need
    hints: list[Hint] = []
    wish = intake.wishes.school_form
    if wish is not None and need.school_forms and wish not in need.school_forms:
        label = SCHOOL_FORM_LABELS[wish.value]
        why = context.recommendation.why_not.get(wish.value)
        hints.append(
            Hint(
                "WUNSCH_NICHT_EMPFOHLEN",
                f"Wunsch der Familie: {label}; nicht unter den empfohlenen Schulformen, daher "
                "nicht vorgeschlagen" + (f" ({why})" if why else ""),
                "Intake: wishes.school_form",
            )
        )
    for index, sibling in enumerate(intake.family.siblings):
        if not sibling.school:
            continue
        school = match_school(sibling.school, area)
        if school is None:
            hints.append(
                Hint(
                    "GESCHWISTER_SCHULE_UNKLAR",
                    f"Schule eines Geschwisterkinds („{sibling.school}“) ist keiner Schule des "
                    "Schulverzeichnisses eindeutig zuzuordnen; beim Ranking nicht berücksichtigt",
                    f"Intake: family.siblings[{index}].school",
                )
            )
        else:
            context.siblings.setdefault(school.schulnummer, index)
    note = intake.wishes.note or ""
    if not context.options.prefer_private and _PRIVATE_WORDS.search(note):
        hints.append(
            Hint(
                "PRIVATSCHULWUNSCH_PRUEFEN",
                "Die Anmerkung zum Wunsch der Familie nennt möglicherweise eine Privat- oder "
                "Bekenntnisschule; Privatschulen werden nur auf ausdrücklichen Wunsch vorn gereiht",
                "Intake: wishes.note",
            )
        )
    if context.origin is None:
        hints.append(
            Hint(
                "WOHNORT_UNBEKANNT",
                "Wohnort nicht bestimmbar (PLZ und Ort fehlen oder kommen im Schulverzeichnis "
                "nicht vor): Entfernungen unbekannt",
                "Intake: pupil.address.postcode, pupil.municipality",
            )
        )
    elif context.origin.precision is Precision.municipality:
        hints.append(
            Hint(
                "WOHNORT_NUR_ORT",
                "Keine (bekannte) Postleitzahl: Entfernungen ab der Ortsmitte (aus "
                "Schulstandorten), also grob",
                "Intake: pupil.municipality",
            )
        )
    return hints


def _no_forms_summary(recommendation: Result) -> str:
    status = SCHULPFLICHT_LABELS[recommendation.schulpflicht.status.value]
    if recommendation.stage is Stage.none:
        return (
            f"Die Empfehlung nennt keine Schulform ({status}, keine Schulstufe): es gibt keinen "
            "Schulvorschlag."
        )
    return "Die Empfehlung nennt keine Schulform: es gibt keinen Schulvorschlag."


def _nothing_fits(
    context: _Context, district: SchoolDistrict, excluded: Sequence[Exclusion]
) -> str:
    need = context.need
    forms = ", ".join(SCHOOL_FORM_LABELS[form.value] for form in need.school_forms)
    relevant = [item for item in excluded if item.step == "capacity"]
    if not relevant:
        return (
            f"{district.title}: keine Schule in Betrieb mit der Schulform {forms} für "
            f"{need.grades_text()}."
        )
    counts = Counter(item.category or "ohne freie Plätze" for item in relevant)
    detail = ", ".join(f"{count} {category}" for category, count in counts.most_common())
    return (
        f"{district.title}: keine Schule mit einem freien Platz {need.offers_text()} für "
        f"{need.grades_text()} ({forms}) am {context.day:%d.%m.%Y}. Von {len(relevant)} "
        f"passenden Schulen: {detail}. Nachfragen beim Schulamt: siehe Alternativen."
    )


def _alternatives(excluded: Sequence[Exclusion], count: int = 3) -> tuple[Exclusion, ...]:
    """The nearest schools that fail only on capacity; first those with other free places."""
    relevant = [item for item in excluded if item.step == "capacity"]
    relevant.sort(key=lambda e: (e.other_free == 0, _metres(e.distance), e.school.schulnummer))
    return tuple(relevant[:count])
