"""Derived facts: ages, Stichtag and the ends of the Schulpflicht, computed by calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from seiteneinsteiger.rules.facts import (
    Parameters,
    catalogue,
    compute_facts,
    date_values,
    grade_options,
    schulpflicht_start,
    sek2_end,
)

PARAMS = Parameters()
D = dt.date.fromisoformat


def test_born_30_september_is_schulpflichtig_that_year() -> None:
    assert schulpflicht_start(D("2019-09-30"), PARAMS) == D("2025-08-01")
    facts = date_values(D("2019-09-30"), D("2025-09-15"), PARAMS)
    assert facts["age_on_stichtag"] == 6
    assert facts["age_grade"] == 1
    assert facts["schulpflicht_phase"] == "vollzeit"
    assert facts["age"] == 5  # five on the intake day, yet schulpflichtig


def test_born_1_october_starts_a_year_later() -> None:
    assert schulpflicht_start(D("2019-10-01"), PARAMS) == D("2026-08-01")
    facts = date_values(D("2019-10-01"), D("2025-09-15"), PARAMS)
    assert facts["age_on_stichtag"] == 5
    assert facts["schulpflicht_phase"] == "before_start"


def test_sek2_ends_with_the_school_year_in_which_18_is_completed() -> None:
    assert sek2_end(D("2007-08-01"), PARAMS) == D("2025-07-31")
    assert sek2_end(D("2007-08-02"), PARAMS) == D("2026-07-31")
    assert date_values(D("2007-08-01"), D("2025-08-01"), PARAMS)["schulpflicht_phase"] == "ended"
    assert date_values(D("2007-08-02"), D("2025-08-01"), PARAMS)["schulpflicht_phase"] == "sek2"


def test_leap_day_birthday_counts_on_1_march() -> None:
    facts = date_values(D("2012-02-29"), D("2025-02-28"), PARAMS)
    assert facts["age"] == 12
    assert date_values(D("2012-02-29"), D("2025-03-01"), PARAMS)["age"] == 13
    assert sek2_end(D("2008-02-29"), PARAMS) == D("2026-07-31")


def test_school_year_and_months_into_it() -> None:
    facts = date_values(D("2013-02-11"), D("2026-01-20"), PARAMS)
    assert facts["school_year_start"] == D("2025-08-01")
    assert facts["school_year_end"] == D("2026-07-31")
    assert facts["stichtag_date"] == D("2025-09-30")
    assert facts["months_into_school_year"] == 5
    assert date_values(D("2013-02-11"), D("2025-07-31"), PARAMS)["school_year_start"] == D(
        "2024-08-01"
    )


def test_vollzeit_ends_after_ten_fictive_school_years() -> None:
    facts = date_values(D("2009-11-15"), D("2025-09-15"), PARAMS)
    assert facts["schulpflicht_start"] == D("2016-08-01")
    assert facts["vollzeit_end"] == D("2026-07-31")
    assert facts["age"] == 15
    assert facts["fictive_vollzeit_ongoing"] is True
    assert facts["turns_16_this_school_year"] is True


def test_grade_options_stay_inside_the_stage() -> None:
    assert grade_options(7, 2, 5, 10) == (5, 6, 7)
    assert grade_options(5, 2, 5, 10) == (5,)
    assert grade_options(12, 2, 5, 10) == (10,)
    assert grade_options(2, 2, 1, 4) == (1, 2)


def test_grades_below_age_only_as_far_as_the_schooling_gives_a_reason(
    intake_factory: Any,
) -> None:
    def options(**schooling: Any) -> tuple[tuple[int, ...], tuple[int, ...]]:
        intake = intake_factory("2011-06-08", schooling=schooling)  # 14 on the Stichtag: class 9
        facts = compute_facts(intake, D("2025-09-15"), PARAMS)
        return facts["grade_options_sek1"], facts["grade_options_primar"]

    assert options(years=8) == ((9,), (4,))  # schooling matches the age
    assert options(years=10) == ((9,), (4,))  # more schooling than the age: no reason either
    assert options(years=7) == ((8, 9), (4,))  # one year missing
    assert options(years=7, interrupted_years=2) == ((7, 8, 9), (4,))  # interruption counts
    assert options(years=1) == ((7, 8, 9), (4,))  # never more than max_grade_below_age
    assert options() == ((7, 8, 9), (4,))  # unknown schooling: the counsellor judges


def test_intake_facts_and_deficit(intake_factory: Any) -> None:
    intake = intake_factory(
        "2013-02-11",
        languages={"german": "A1", "scripts": ["arabic"]},
        schooling={
            "years": 3,
            "apprenticeship_start": "2025-01-01",
            "certificates": [{"kind": "lower_secondary", "country": "SY"}],
        },
    )
    facts = compute_facts(intake, D("2025-09-15"), PARAMS)
    assert facts["languages.german"] == "A1"
    assert facts["languages.scripts"] == ("arabic",)
    assert facts["schooling_deficit"] == (7 - 1) - 3
    assert facts["apprenticeship_before_21"] is True
    assert facts["has_foreign_certificate"] is True
    assert facts["certificate_kinds"] == ("lower_secondary",)
    assert facts["short_stay_in_german_school"] is None


def test_catalogue_covers_every_computed_fact(intake_factory: Any) -> None:
    facts = compute_facts(intake_factory("2013-02-11"), D("2025-09-15"), PARAMS)
    assert set(facts) <= set(catalogue())


@given(
    birth=st.dates(dt.date(1995, 1, 1), dt.date(2025, 12, 31)),
    day=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
)
def test_date_facts_are_consistent(birth: dt.date, day: dt.date) -> None:
    if birth > day:
        birth, day = day, birth
    facts = date_values(birth, day, PARAMS)
    assert facts["age_on_stichtag"] - facts["age"] in {-1, 0, 1}
    assert facts["school_year_start"] <= day <= facts["school_year_end"]
    assert facts["schulpflicht_start"] < facts["vollzeit_end"] < facts["sek2_end"]
    assert facts["schulpflicht_start"].month == 8 and facts["schulpflicht_start"].day == 1
    assert (facts["age_on_stichtag"] >= 6) == (
        facts["schulpflicht_start"] <= facts["school_year_start"]
    )
    assert 0 <= facts["months_into_school_year"] <= 11
