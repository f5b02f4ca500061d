"""The fact computation as it was before issue 13 (no caches, no split by day and birth date):
the oracle of test_equivalence.py, used by ``reference_engine.py``."""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any

from seiteneinsteiger.dates import completed_years, months_between, school_year_start
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.facts import (  # the helpers that did not change
    INTAKE_FACTS,
    Parameters,
    _certificates,
    _short_stay,
    admission_year_start,
    grade_options,
    grades_below,
    phase,
    schulpflicht_start,
    sek2_end,
    vollzeit_end,
)

_GETTERS = tuple((fact.name, attrgetter(fact.name)) for fact in INTAKE_FACTS)


def intake_values(intake: Intake) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, getter in _GETTERS:
        value = getter(intake)
        values[name] = tuple(value) if isinstance(value, list) else value
    return values


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


def compute_facts(intake: Intake, day: dt.date, params: Parameters) -> dict[str, Any]:
    """Intake and derived facts of one intake on ``day`` (outputs are added by the engine)."""
    values = intake_values(intake)
    values.update(derived_values(intake, day, params))
    return values
