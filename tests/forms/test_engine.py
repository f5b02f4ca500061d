"""The questionnaire engine: visibility, one answer, answers -> intake, and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.engine import (
    answers_from_intake,
    build_intake,
    check_answer,
    visible_questions,
)
from seiteneinsteiger.forms.model import Form
from seiteneinsteiger.forms.values import parse


def shown(form: Form, answers: dict[str, Any]) -> set[str]:
    return {q.name for q in visible_questions(form, answers)}


def test_every_example_intake_survives_answers_and_back(form: Form, kit: Any) -> None:
    for path in kit.examples:
        original = kit.example_intake(path)
        answers = answers_from_intake(form, original)
        built = build_intake(form, answers, today=kit.today)
        assert built.ok, (path.name, [(p.path, p.message) for p in built.problems])
        assert built.intake is not None
        assert kit.comparable(built.intake) == kit.comparable(original), path.name


def test_no_schooling_hides_years_and_still_records_zero(form: Form, kit: Any) -> None:
    answers = {"school_type": "none"}
    visible = shown(form, answers)
    assert {"school_years", "last_grade", "interrupted_years"}.isdisjoint(visible)
    built = build_intake(form, answers, today=kit.today)
    assert built.data["schooling"] == {
        "school_type": "none",
        "years": 0,
        "interrupted_years": 0,
        "german_school_years": 0,  # never at school: not at a German school either
        "online_home_school": False,
    }


def test_answers_to_hidden_questions_are_not_used(form: Form, kit: Any) -> None:
    answers = {"school_type": "none", "school_years": 7, "last_grade": 7}
    built = build_intake(form, answers, today=kit.today)
    assert built.data["schooling"]["years"] == 0
    assert "last_grade" not in built.data["schooling"]


@pytest.mark.parametrize(
    ("raw", "language", "message"),
    [
        ("14", "de", "Bitte geben Sie eine Zahl von 0 bis 13 ein."),
        ("14", "uk", "Будь ласка, введіть число від 0 до 13."),
        ("vier", "de", "Bitte geben Sie eine Zahl ein, zum Beispiel 5."),
        ("vier", "ar", "يرجى كتابة رقم، مثلًا 5."),
    ],
)
def test_rejected_school_years_in_the_family_language(
    form: Form, raw: str, language: str, message: str
) -> None:
    question = form.by_name["school_years"]
    outcome = check_answer(form, question, raw, {"school_type": "primary"}, language)
    assert outcome.rejection is not None
    assert outcome.rejection.message(form, language) == message


def test_required_question_left_empty(form: Form) -> None:
    question = form.by_name["birth_date"]
    outcome = check_answer(form, question, "  ", {}, "tr")
    assert outcome.rejection is not None
    assert outcome.rejection.message(form, "tr") == "Lütfen bu soruyu cevaplayın."


def test_field_rules_of_intake_apply_to_single_answers(form: Form) -> None:
    case_id = check_answer(form, form.by_name["case_id"], "ME 2025/ü", {})
    assert case_id.rejection is not None
    assert case_id.rejection.message(form, "de") == (
        "Fallnummer aus Buchstaben, Ziffern, '-', '_', '.', '/' (höchstens 40 Zeichen)"
    )


@pytest.mark.parametrize(
    ("name", "raw", "language", "value"),
    [
        ("gender", "w", "de", "w"),
        ("gender", "weiblich", "de", "w"),
        ("gender", "أنثى", "ar", "w"),
        ("gender", "weiblich / أنثى", "ar", "w"),
        ("gender", "2", "de", None),  # numbers only in the terminal
        ("birth_date", "11.02.2013", "de", dt.date(2013, 2, 11)),
        ("birth_date", "2013-02-11", "de", dt.date(2013, 2, 11)),
        ("birth_date", dt.datetime(2013, 2, 11), "de", dt.date(2013, 2, 11)),
        ("birth_date_estimated", "نعم", "ar", True),
        ("birth_date_estimated", "Ні", "uk", False),
        ("country_of_birth", "Syrien", "de", "SY"),
        ("country_of_birth", "no", "de", "NO"),
        ("country_of_birth", "Україна", "uk", "UA"),
        ("first_language", "Kurdisch (Kurmandschi)", "de", "kmr"),
        ("first_language", "کوردیی سۆرانی", "ckb", "ckb"),
        ("first_language", "AR", "de", "ar"),
        ("scripts", "arabisch", "de", None),
        (
            "scripts",
            "lateinische Schrift (a b c), arabische Schrift (ا ب ت)",
            "de",
            ["latin", "arabic"],
        ),
        ("school_years", 4.0, "de", 4),
        ("postcode", 40878, "de", "40878"),
    ],
)
def test_answers_in_either_language(
    form: Form, name: str, raw: Any, language: str, value: Any
) -> None:
    parsed = parse(form, form.by_name[name], raw, language)
    assert parsed.value == value
    assert (parsed.error is None) is (value is not None)


def test_choices_by_number_in_the_terminal(form: Form) -> None:
    question = form.by_name["scripts"]
    choices = form.choices(question)
    assert parse(form, question, "1, 3", "de", numbered=choices).value == ["latin", "cyrillic"]
    assert parse(form, question, "11", "de", numbered=choices).error == "choice"


def test_cross_field_problems_point_to_the_question(form: Form, kit: Any) -> None:
    answers = {
        "intake_date": dt.date(2025, 9, 15),
        "family_name": "A",
        "given_names": "B",
        "birth_date": dt.date(2013, 2, 11),
        "arrival_date": dt.date(2010, 1, 1),
        "first_language": "ar",
        "school_type": "primary",
    }
    built = build_intake(form, answers, today=kit.today)
    assert not built.ok
    problem = next(p for p in built.problems if p.is_error)
    assert problem.question is form.by_name["arrival_date"]
    assert problem.message == "Einreise 01.01.2010 liegt vor der Geburt (11.02.2013)"


def test_missing_required_field_points_to_its_question(form: Form, kit: Any) -> None:
    built = build_intake(form, {"family_name": "A"}, today=kit.today)
    questions = {p.question.name for p in built.problems if p.question}
    assert {"intake_date", "given_names", "birth_date"} <= questions


_QUESTION_NAMES = sorted(q.name for q in load_form().questions)
_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(max_size=10), max_size=4),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(_QUESTION_NAMES),
    raw=_values,
    language=st.sampled_from(["de", "ar", "uk", "ti"]),
)
def test_checking_an_answer_never_raises(name: str, raw: Any, language: str) -> None:
    form = load_form()
    outcome = check_answer(form, form.by_name[name], raw, {}, language)
    if outcome.rejection is not None:
        assert outcome.rejection.message(form, language)
