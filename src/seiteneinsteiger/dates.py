"""Dates in one place: the school year, ages by §§ 187, 188 BGB, and German date text.

**Ages** follow §§ 187 Abs. 2, 188 Abs. 2 BGB: a year of life is completed at the end of the day
before the birthday, so on the birthday itself the new age counts ("calendar arithmetic"). A child
born on 29 February has its birthday on 1 March in years without that day (its year of life ends
with 28 February, § 188 Abs. 3 BGB); a period of months that would end on a missing day (31.02.)
ends with the last day of the shorter month, so the next age counts from the 1st of the following
month.

**The school year** runs from 1 August to 31 July (SchulG NRW § 7); a rule set may move its first
day (parameter ``school_year_start``), so the functions take it as ``(month, day)``.

**German date text** is ``TT.MM.JJJJ`` (15.09.2025). Files keep ISO dates (``JJJJ-MM-TT``); where a
person types a date (command line, paper-form values) both are accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MonthDay = tuple[int, int]

#: SchulG NRW § 7: the school year begins on 1 August and ends on 31 July.
SCHOOL_YEAR_START: MonthDay = (8, 1)

GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")

# ---------------------------------------------------------------------------------------------
# Ages (§§ 187, 188 BGB)


def completed_years(birth: dt.date, on: dt.date) -> int:
    """Completed years of life on ``on``, by calendar arithmetic (a birthday counts on the day)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def months_between(start: dt.date, day: dt.date) -> int:
    """Completed calendar months from ``start`` to ``day`` (0 when ``day`` is before it)."""
    months = (day.year - start.year) * 12 + day.month - start.month - (day.day < start.day)
    return max(0, months)


def anniversary(birth: dt.date, years: int) -> dt.date:
    """The birthday on which ``years`` count (29 February → 1 March in other years)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; a missing day (31.02.) becomes the 1st of the
    following month, as a period ends with the last day of the shorter month (§ 188 Abs. 3 BGB)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    try:
        return dt.date(year, month + 1, day.day)
    except ValueError:
        return dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)


@dataclass(frozen=True, slots=True, order=True)
class Age:
    """An age in completed years and months (``{years: 15, months: 6}`` in ``ruleset.yaml``)."""

    years: int
    months: int = 0

    @property
    def total_months(self) -> int:
        return self.years * 12 + self.months

    def reached(self, birth: dt.date) -> dt.date:
        """The day on which a child born on ``birth`` has completed this age (§ 188 BGB)."""
        return add_months(birth, self.total_months)

    def as_dict(self) -> dict[str, int]:
        return {"years": self.years, "months": self.months}

    def __str__(self) -> str:
        years = f"{self.years} {'Jahr' if self.years == 1 else 'Jahre'}"
        if not self.months:
            return years
        return f"{years} und {self.months} {'Monat' if self.months == 1 else 'Monate'}"


# ---------------------------------------------------------------------------------------------
# The school year


def school_year_start(day: dt.date, start: MonthDay = SCHOOL_YEAR_START) -> dt.date:
    """The first day of the school year that contains ``day``."""
    year = day.year if (day.month, day.day) >= start else day.year - 1
    return dt.date(year, *start)


def school_year_end(day: dt.date, start: MonthDay = SCHOOL_YEAR_START) -> dt.date:
    """The last day of the school year that contains ``day``."""
    return next_school_year_start(day, start) - dt.timedelta(days=1)


def next_school_year_start(day: dt.date, start: MonthDay = SCHOOL_YEAR_START) -> dt.date:
    """The first day of the school year after the one that contains ``day``."""
    return dt.date(school_year_start(day, start).year + 1, *start)


def school_year_label(first: dt.date) -> str:
    """The school year that begins on ``first`` as a counsellor writes it: ``2025/26``."""
    return f"{first.year}/{(first.year + 1) % 100:02d}"


# ---------------------------------------------------------------------------------------------
# German date text


def german(day: dt.date) -> str:
    """``TT.MM.JJJJ`` (15.09.2025)."""
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


class NotADate(ValueError):
    """The text has neither the form ``TT.MM.JJJJ`` nor ``JJJJ-MM-TT``."""


class NoSuchDay(ValueError):
    """The text has the form of a date, but that day does not exist (31.02.2025)."""


def parse_typed(text: str) -> dt.date:
    """A date a person typed: ``TT.MM.JJJJ`` (15.09.2025) or ``JJJJ-MM-TT``.

    Raises :class:`NotADate` or :class:`NoSuchDay` (both ``ValueError``).
    """
    value = text.strip()
    german_match, iso = GERMAN_DATE.match(value), ISO_DATE.match(value)
    if german_match:
        day, month, year = german_match.groups()
    elif iso:
        year, month, day = iso.groups()
    else:
        raise NotADate(value)
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise NoSuchDay(value) from None


def german_as_iso(text: str) -> str | None:
    """``15.9.2025`` written as ISO (``2025-09-15``), unchecked, for a suggestion; else None."""
    match = GERMAN_DATE.match(text.strip())
    if match is None:
        return None
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def parse_month_day(text: object) -> MonthDay | None:
    """``"09-30"`` as ``(9, 30)``; None when it is not a real day of a (leap) year."""
    match = _MONTH_DAY.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    try:
        dt.date(2000, month, day)
    except ValueError:
        return None
    return month, day


def month_day_text(text: str) -> str | None:
    """``"09-30"`` as a German reader writes it, ``30.09.``; None when it is no ``MM-TT``."""
    if not _MONTH_DAY.fullmatch(text):
        return None
    return f"{text[3:]}.{text[:2]}."
