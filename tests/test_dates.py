"""The one dates module: ages by §§ 187, 188 BGB, the school year, German date text."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seiteneinsteiger.dates import (
    Age,
    NoSuchDay,
    NotADate,
    add_months,
    completed_years,
    german,
    german_as_iso,
    month_day_text,
    months_between,
    parse_month_day,
    parse_typed,
    school_year_end,
    school_year_label,
    school_year_start,
)

D = dt.date.fromisoformat
days = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31))


def test_a_birthday_counts_on_the_day_itself() -> None:
    assert completed_years(D("2007-08-02"), D("2025-08-01")) == 17
    assert completed_years(D("2007-08-02"), D("2025-08-02")) == 18
    assert completed_years(D("2008-02-29"), D("2026-02-28")) == 17
    assert completed_years(D("2008-02-29"), D("2026-03-01")) == 18


def test_fifteen_and_a_half_years_are_fifteen_years_and_six_months() -> None:
    birth = D("2010-03-31")
    assert Age(15, 6).total_months == 186
    assert Age(15, 6).reached(birth) == D("2025-10-01")  # 31.09. does not exist
    assert months_between(birth, D("2025-09-30")) == 185
    assert months_between(birth, D("2025-10-01")) == 186
    assert str(Age(15, 6)) == "15 Jahre und 6 Monate"
    assert str(Age(1, 1)) == "1 Jahr und 1 Monat"


def test_the_school_year_runs_from_1_august_to_31_july() -> None:
    assert school_year_start(D("2025-07-31")) == D("2024-08-01")
    assert school_year_start(D("2025-08-01")) == D("2025-08-01")
    assert school_year_end(D("2025-08-01")) == D("2026-07-31")
    assert school_year_label(D("2099-08-01")) == "2099/00"


def test_german_date_text() -> None:
    assert german(D("2025-09-05")) == "05.09.2025"
    assert parse_typed(" 5.9.2025 ") == D("2025-09-05")
    assert parse_typed("2025-09-05") == D("2025-09-05")
    with pytest.raises(NoSuchDay):
        parse_typed("31.02.2025")
    with pytest.raises(NotADate):
        parse_typed("5. September 2025")
    assert german_as_iso("5.9.2025") == "2025-09-05"
    assert german_as_iso("2025-09-05") is None


def test_month_day_parameters() -> None:
    assert parse_month_day("09-30") == (9, 30)
    assert parse_month_day("02-29") == (2, 29)
    assert parse_month_day("02-30") is None
    assert parse_month_day(930) is None
    assert month_day_text("09-30") == "30.09."
    assert month_day_text("09-30\n") is None


@given(days)
def test_german_text_reads_back(day: dt.date) -> None:
    assert parse_typed(german(day)) == day


@given(days, st.integers(min_value=0, max_value=600))
def test_months_added_are_months_completed(day: dt.date, months: int) -> None:
    later = add_months(day, months)
    assert months_between(day, later) == months
    assert completed_years(day, later) == months // 12


@given(days)
def test_every_day_lies_in_its_school_year(day: dt.date) -> None:
    first, last = school_year_start(day), school_year_end(day)
    assert first <= day <= last
    assert (first.month, first.day, last.month, last.day) == (8, 1, 7, 31)
