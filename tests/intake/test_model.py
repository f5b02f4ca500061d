"""The intake@1 model and its cross-field checks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from seiteneinsteiger.dates import completed_years
from seiteneinsteiger.models.intake import Intake, check_intake

TODAY = dt.date(2026, 11, 23)


def _intake(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": "2025-09-15",
        "pupil": {"family_name": "Haddad", "given_names": "Amal", "birth_date": "2013-02-11"},
    }
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        node = data
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return data


def _messages(data: dict[str, Any]) -> list[tuple[str, str]]:
    intake = Intake.model_validate(data)
    return [(".".join(map(str, i.path)), i.message) for i in check_intake(intake, TODAY)]


def test_minimal_intake_is_valid_and_has_empty_defaults() -> None:
    intake = Intake.model_validate(_intake())
    assert intake.languages.german is None
    assert intake.support_needs.indications == []
    assert not intake.consents_to("school")  # type: ignore[arg-type]
    assert check_intake(intake, TODAY) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"languages__german": "B3"}, "languages.german"),
        ({"pupil__country_of_birth": "XY1"}, "pupil.country_of_birth"),
        ({"pupil__first_languages": ["arabic"]}, "pupil.first_languages.0"),
        ({"schooling__last_grade": 14}, "schooling.last_grade"),
        ({"pupil__birthdate": "2013-02-11"}, "pupil.birthdate"),
        ({"pupil__gender": "f"}, "pupil.gender"),
        ({"family__contact_language": "Arabic"}, "family.contact_language"),
        ({"pupil__address": {"postcode": "4087"}}, "pupil.address.postcode"),
        ({"wishes__school_form": "Gymnasium"}, "wishes.school_form"),
    ],
)
def test_code_list_and_type_errors(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Intake.model_validate(_intake(**changes))
    assert field in {
        ".".join(str(p) for p in e["loc"] if "[" not in str(p)) for e in caught.value.errors()
    }


@pytest.mark.parametrize("code", ["SY", "UA", "XK", "XX", "NO", "ER", "AF"])
def test_country_codes_from_the_maintained_list(code: str) -> None:
    assert (
        Intake.model_validate(_intake(pupil__country_of_birth=code)).pupil.country_of_birth == code
    )


@pytest.mark.parametrize("code", ["ar", "uk", "prs", "kmr", "ckb", "ti", "rom", "ps", "so", "sq"])
def test_language_subtags_from_the_maintained_list(code: str) -> None:
    assert Intake.model_validate(_intake(pupil__first_languages=[code])).pupil.first_languages == [
        code
    ]


def test_three_letter_code_with_a_two_letter_form_is_refused() -> None:
    with pytest.raises(ValidationError, match="kürzere Code 'ar'"):
        Intake.model_validate(_intake(pupil__first_languages=["ara"]))


def test_cross_field_errors() -> None:
    data = _intake(
        intake_date="2028-06-01",
        pupil__arrival_date="2012-07-30",
        schooling__years=12,
    )
    assert _messages(data) == [
        ("intake_date", "Beratungsdatum 01.06.2028 liegt mehr als ein Jahr in der Zukunft"),
        ("pupil.arrival_date", "Einreise 30.07.2012 liegt vor der Geburt (11.02.2013)"),
        (
            "schooling.years",
            "12 Schuljahre sind mit 15 Jahren nicht möglich (höchstens 11: Schulbesuch frühestens "
            "ab 4 Jahren)",
        ),
    ]


def test_birth_after_intake_and_in_future() -> None:
    assert _messages(_intake(pupil__birth_date="2025-10-01")) == [
        ("pupil.birth_date", "Geburtsdatum 01.10.2025 liegt nach dem Beratungsdatum 15.09.2025")
    ]
    assert _messages(_intake(pupil__birth_date="2027-01-01"))[0][1].endswith("in der Zukunft")


def test_completed_years_counts_the_birthday_itself() -> None:
    assert completed_years(dt.date(2019, 9, 30), dt.date(2025, 9, 30)) == 6
    assert completed_years(dt.date(2019, 10, 1), dt.date(2025, 9, 30)) == 5
    assert completed_years(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert completed_years(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("pupil__country_of_birth", "no", "meinten Sie 'NO'? (Großbuchstaben)"),
        ("pupil__first_languages", ["AR"], "meinten Sie 'ar'? (Kleinbuchstaben)"),
    ],
)
def test_codes_are_case_sensitive(field: str, value: Any, fragment: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(fragment)):
        Intake.model_validate(_intake(**{field: value}))


def _lists(node: Any, path: str = "") -> dict[str, list[Any]]:
    """Every list reachable from a model, by its field path."""
    found: dict[str, list[Any]] = {}
    if isinstance(node, list):
        found[path] = node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            found |= _lists(getattr(node, name), f"{path}.{name}")
    return found


def test_intakes_that_leave_out_sections_share_no_list() -> None:
    """Sections a file leaves out may be shared between intakes only when nothing in them can
    change: a list appended to in one intake must not appear in another."""
    first, second = Intake.model_validate(_intake()), Intake.model_validate(_intake())
    first_lists, second_lists = _lists(first), _lists(second)
    assert {".family.guardians", ".schooling.certificates"} <= set(first_lists)
    assert [path for path, items in first_lists.items() if items is second_lists[path]] == []
    first.schooling.certificates.append("changed")  # type: ignore[arg-type]
    assert second.schooling.certificates == []
