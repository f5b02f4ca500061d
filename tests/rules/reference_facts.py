"""The fact computation as it was before issue 13 (no caches, no split by day and birth date):
the oracle of test_equivalence.py, used by ``reference_engine.py``."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any

from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.facts import INTAKE_FACTS, Parameters


def completed_years(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


_GETTERS = tuple((fact.name, attrgetter(fact.name)) for fact in INTAKE_FACTS)


def intake_values(intake: Intake) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, getter in _GETTERS:
        value = getter(intake)
        values[name] = tuple(value) if isinstance(value, list) else value
    return values


def anniversary(birth: dt.date, years: int) -> dt.date:
    """The birthday on which ``years`` count (29 February → 1 March in other years)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def school_year_start(day: dt.date, start: tuple[int, int]) -> dt.date:
    """The first day of the school year that contains ``day``."""
    year = day.year if (day.month, day.day) >= start else day.year - 1
    return dt.date(year, *start)


def school_year_end(day: dt.date, start: tuple[int, int]) -> dt.date:
    """The last day of the school year that contains ``day``."""
    first = school_year_start(day, start)
    return dt.date(first.year + 1, *start) - dt.timedelta(days=1)


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


def months_between(start: dt.date, day: dt.date) -> int:
    """Completed calendar months from ``start`` to ``day`` (0 when ``day`` is before it)."""
    months = (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)
    return max(0, months)


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


def early_admission_start(start: dt.date, admission: dt.date, params: Parameters) -> dt.date | None:
    """The start of the school year before ``start`` when an early admission (§ 35 Abs. 2) is
    still possible from ``admission``, else None.

    A Kann-Kind is admitted "zu Beginn des Schuljahres": the option exists only when the next
    school-year start on or after the admission date is exactly the year before the Schulpflicht
    begins. After 1 August a child who becomes schulpflichtig on the next 1 August anyway has no
    option left.
    """
    early = dt.date(start.year - 1, *params.school_year_start)
    next_start = school_year_start(admission, params.school_year_start)
    if next_start < admission:
        next_start = dt.date(next_start.year + 1, *params.school_year_start)
    return early if early == next_start else None


def date_values(birth: dt.date, day: dt.date, params: Parameters) -> dict[str, Any]:
    """The facts of :data:`DATE_FACTS` for a birth date on ``day``."""
    first = school_year_start(day, params.school_year_start)
    admission_first = admission_year_start(day, params)
    admission_last = dt.date(admission_first.year + 1, *params.school_year_start) - dt.timedelta(1)
    admission = max(day, admission_first)
    stichtag = dt.date(admission_first.year, *params.stichtag)
    on_stichtag = completed_years(birth, stichtag)
    start = schulpflicht_start(birth, params)
    vollzeit = vollzeit_end(start, params)
    sek2 = sek2_end(birth, params)
    boundary = params.sek2_boundary_age.reached(birth)
    return {
        "age": completed_years(birth, day),
        "school_year_start": first,
        "school_year_end": dt.date(first.year + 1, *params.school_year_start) - dt.timedelta(1),
        "admission_year_start": admission_first,
        "for_next_school_year": admission_first > first,
        "admission_year_end": admission_last,
        "admission_school_year": f"{admission_first.year}/{(admission_first.year + 1) % 100:02d}",
        "admission_date": admission,
        "admission_age": completed_years(birth, admission),
        "admission_age_months": months_between(birth, admission),
        "admission_phase": phase(admission, start, vollzeit, sek2),
        "stichtag_date": stichtag,
        "age_on_stichtag": on_stichtag,
        "age_on_stichtag_months": months_between(birth, stichtag),
        "age_grade": on_stichtag - 5,
        "schulpflicht_start": start,
        "early_admission_start": early_admission_start(start, admission, params),
        "vollzeit_end": vollzeit,
        "sek2_end": sek2,
        "schulpflicht_phase": phase(day, start, vollzeit, sek2),
        "turns_16_this_school_year": admission < boundary <= admission_last,
        "fictive_vollzeit_ongoing": start <= admission <= vollzeit,
        "months_into_school_year": months_between(admission_first, admission),
    }


def derived_values(intake: Intake, day: dt.date, params: Parameters) -> dict[str, Any]:
    """Every derived fact of ``intake`` on ``day``."""
    birth = intake.pupil.birth_date
    values = date_values(birth, day, params)
    apprenticeship = intake.schooling.apprenticeship_start
    years = intake.schooling.years
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
    below = grades_below(values["schooling_deficit"], intake.schooling.interrupted_years, params)
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


def compute_facts(intake: Intake, day: dt.date, params: Parameters) -> dict[str, Any]:
    """Intake and derived facts of one intake on ``day`` (outputs are added by the engine)."""
    values = intake_values(intake)
    values.update(derived_values(intake, day, params))
    return values
