"""Seeded, varied intakes for comparing engines: every field a rule looks at is varied, also
unusual combinations (arrival after the counselling, apprenticeships, estimated birth dates,
certificates from Germany, residence bases, wishes that differ)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from seiteneinsteiger.codes import (
    Level,
    Literacy,
    Maths,
    Need,
    ResidenceBasis,
    SchoolForm,
    SchoolType,
    Script,
)

_LANGUAGES = ["ar", "uk", "ru", "tr", "fa", "prs", "ps", "kmr", "ti", "ro", "sq", "so", "de"]
_COUNTRIES = ["SY", "UA", "AF", "IQ", "TR", "ER", "RO", "XK", "DE"]
_CERTIFICATES = [
    "grade_report",
    "lower_secondary",
    "upper_secondary",
    "vocational",
    "language_certificate",
]


def _maybe(rng: random.Random, value: Any, chance: float = 0.8) -> Any:
    return value if rng.random() < chance else None


def _codes(enum: Any) -> list[str]:
    return [str(member.value) for member in enum]


def sample_intake(rng: random.Random, index: int, first: dt.date, days: int) -> dict[str, Any]:
    """One intake@1 document with an intake date in ``first .. first + days``."""
    day = first + dt.timedelta(days=rng.randrange(days))
    birth = day - dt.timedelta(days=rng.randrange(3 * 365, 24 * 365))
    if rng.random() < 0.05:  # the Stichtag and birthdays on the reference day
        birth = dt.date(
            day.year - rng.randrange(5, 20), rng.choice([9, 10, 8]), rng.choice([1, 30])
        )
    years = rng.randint(0, 14)
    data: dict[str, Any] = {
        "format": "seiteneinsteiger/intake@1",
        "case_id": f"EQ-{index:05d}",
        "intake_date": day,
        "pupil": {
            "family_name": rng.choice(["Muster", "Haddad", 'Quote"Back\\slash', "Ünal"]),
            "given_names": rng.choice(["Amal", "Yonas", "Sofiia", "Li\u202eNa"]),
            "birth_date": birth,
            "birth_date_estimated": rng.random() < 0.1,
            "arrival_date": _maybe(rng, day - dt.timedelta(days=rng.randrange(-30, 900))),
            "residence": _maybe(rng, rng.choice(["municipality"] * 5 + ["state_facility"])),
            "residence_basis": _maybe(rng, rng.choice(_codes(ResidenceBasis)), 0.4),
            "first_languages": rng.sample(_LANGUAGES, rng.randint(0, 2)),
            "nationalities": rng.sample(_COUNTRIES, rng.randint(0, 2)),
            "municipality": _maybe(
                rng, rng.choice(["Ratingen", "Herne", "Köln", "Un\u202ena\x85"])
            ),
        },
        "languages": {
            "german": _maybe(rng, rng.choice(_codes(Level))),
            "english": _maybe(rng, rng.choice(_codes(Level))),
            "literacy": _maybe(rng, rng.choice(_codes(Literacy))),
            "scripts": rng.sample(_codes(Script), rng.randint(0, 2)),
        },
        "schooling": {
            "years": _maybe(rng, years),
            "last_grade": _maybe(rng, min(years, 13)),
            "interrupted_years": _maybe(rng, rng.choice([0, 0, 1, 2, 3])),
            "school_type": _maybe(rng, rng.choice(_codes(SchoolType))),
            "german_school_years": _maybe(rng, rng.choice([0, 0, 1, 2, 3]), 0.5),
            "german_school_since": _maybe(rng, day - dt.timedelta(days=rng.randrange(900)), 0.2),
            "foreign_languages": rng.sample(["en", "fr", "ru"], rng.randint(0, 2)),
            "online_home_school": _maybe(rng, rng.random() < 0.3),
            "apprenticeship_start": _maybe(
                rng, birth + dt.timedelta(days=rng.randrange(14 * 365, 24 * 365)), 0.1
            ),
            "certificates": [
                {"kind": rng.choice(_CERTIFICATES), "country": rng.choice(_COUNTRIES)}
                for _ in range(rng.choice([0, 0, 0, 1, 2]))
            ],
        },
        "competences": {"maths": _maybe(rng, rng.choice(_codes(Maths)))},
        "support_needs": {
            "indications": rng.sample(_codes(Need), rng.choice([0, 0, 0, 1, 2])),
            "documented": rng.sample(_codes(Need), rng.choice([0, 0, 0, 0, 1])),
        },
        "wishes": {"school_form": _maybe(rng, rng.choice(_codes(SchoolForm)), 0.5)},
    }
    return data
