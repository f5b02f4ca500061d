"""Derived facts: ages, Stichtag and the ends of the Schulpflicht, computed by calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seiteneinsteiger.dates import Age, add_months
from seiteneinsteiger.rules.facts import (
    Parameters,
    catalogue,
    compute_facts,
    date_values,
    grade_options,
    parse_age,
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
    assert facts["admission_school_year"] == "2025/26"
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


def test_counselling_in_june_is_for_the_coming_school_year() -> None:
    """Issue 10: counselled 10.06.2025, schulpflichtig from 01.08.2025 → class 1 of 2025/26."""
    facts = date_values(D("2019-06-15"), D("2025-06-10"), PARAMS)
    assert facts["schulpflicht_phase"] == "before_start"  # the status is for the day itself
    assert facts["for_next_school_year"] is True
    assert facts["admission_year_start"] == D("2025-08-01")
    assert facts["admission_school_year"] == "2025/26"
    assert facts["admission_date"] == D("2025-08-01")
    assert facts["admission_phase"] == "vollzeit"
    assert facts["age_grade"] == 1
    assert facts["months_into_school_year"] == 0
    before = date_values(D("2019-06-15"), D("2025-05-31"), PARAMS)
    assert before["for_next_school_year"] is False
    assert before["admission_school_year"] == "2024/25"
    assert before["admission_phase"] == "before_start"


def test_switch_to_the_next_school_year_can_be_turned_off() -> None:
    never = Parameters(next_school_year_from=(8, 1))
    facts = date_values(D("2016-03-15"), D("2026-07-20"), never)
    assert facts["admission_school_year"] == "2025/26"
    assert facts["age_grade"] == 4


def test_schulpflicht_ending_before_the_day_of_admission() -> None:
    """Born 10.07.2007: schulpflichtig until 31.07.2025; counselled 20.07.2025 for 2025/26."""
    facts = date_values(D("2007-07-10"), D("2025-07-20"), PARAMS)
    assert facts["schulpflicht_phase"] == "sek2"
    assert facts["admission_phase"] == "ended"


@pytest.mark.parametrize(
    ("birth", "day", "expected"),
    [
        ("2019-10-15", "2025-09-15", None),  # after 1 August: schulpflichtig next August anyway
        ("2019-10-15", "2025-06-10", "2025-08-01"),  # June: early admission on 1 August
        ("2019-10-15", "2025-03-10", "2025-08-01"),
        ("2020-10-15", "2025-09-15", "2026-08-01"),  # next school-year start is the option
        ("2020-10-15", "2025-06-10", None),  # a year too early
        ("2019-10-01", "2025-08-01", "2025-08-01"),  # on the first day of the school year
        ("2019-10-01", "2025-08-02", None),
    ],
)
def test_early_admission_only_at_the_start_of_a_school_year(
    birth: str, day: str, expected: str | None
) -> None:
    value = date_values(D(birth), D(day), PARAMS)["early_admission_start"]
    assert value == (D(expected) if expected else None)


def test_ages_in_months_follow_the_calendar() -> None:
    facts = date_values(D("2010-05-03"), D("2025-11-03"), PARAMS)
    assert facts["admission_age_months"] == 15 * 12 + 6
    assert date_values(D("2010-05-04"), D("2025-11-03"), PARAMS)["admission_age_months"] == 185
    assert add_months(D("2010-08-31"), 6) == D("2011-03-01")  # no 31 February: § 188 Abs. 3 BGB
    assert Age(15, 6).reached(D("2010-05-03")) == D("2025-11-03")


def test_age_values_are_checked() -> None:
    assert parse_age(16) == Age(16)
    assert parse_age({"years": 15, "months": 6}) == Age(15, 6)
    assert str(Age(15, 6)) == "15 Jahre und 6 Monate"
    assert "zwischen 0 und 11" in str(parse_age({"years": 15, "months": 12}))
    assert "unbekannter Schlüssel 'monts'" in str(parse_age({"years": 15, "monts": 6}))
    assert "'years' fehlt" in str(parse_age({"months": 6}))
    assert "ganze Zahl" in str(parse_age({"years": "15"}))


def test_boundary_with_months_moves_the_turning_point() -> None:
    mettmann = Parameters(sek2_boundary_age=Age(15, 6))
    facts = date_values(D("2010-05-04"), D("2025-11-03"), mettmann)
    assert facts["turns_16_this_school_year"] is True  # 15½ reached on 04.11.2025


@given(
    birth=st.dates(dt.date(1995, 1, 1), dt.date(2025, 12, 31)),
    day=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
)
def test_date_facts_are_consistent(birth: dt.date, day: dt.date) -> None:
    if birth > day:
        birth, day = day, birth
    facts = date_values(birth, day, PARAMS)
    assert facts["age_on_stichtag"] - facts["admission_age"] in {-1, 0, 1}
    assert facts["school_year_start"] <= day <= facts["school_year_end"]
    assert facts["admission_year_start"] <= facts["admission_date"] <= facts["admission_year_end"]
    assert day <= facts["admission_date"] <= day + dt.timedelta(days=62)
    assert facts["schulpflicht_start"] < facts["vollzeit_end"] < facts["sek2_end"]
    assert facts["schulpflicht_start"].month == 8 and facts["schulpflicht_start"].day == 1
    assert (facts["age_on_stichtag"] >= 6) == (
        facts["schulpflicht_start"] <= facts["admission_year_start"]
    )
    assert facts["admission_age_months"] // 12 == facts["admission_age"]
    assert 0 <= facts["months_into_school_year"] <= 11
    early = facts["early_admission_start"]
    if early is not None:
        assert early.year == facts["schulpflicht_start"].year - 1
        assert facts["admission_date"] <= early
