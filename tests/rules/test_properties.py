"""Property tests: the engine never fails on a valid intake, and compiled conditions agree with
the reference semantics of ``conditions.holds``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from seiteneinsteiger.codes import (
    Level,
    Literacy,
    Need,
    ResidenceBasis,
    SchoolForm,
    SchoolType,
    Script,
)
from seiteneinsteiger.conditions import Parser, holds
from seiteneinsteiger.errors import RuleSetError
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.api import builtin_dir, builtin_ids, load_ruleset_dir
from seiteneinsteiger.rules.compiled import RuleSet, compile_condition
from seiteneinsteiger.rules.engine import evaluate
from seiteneinsteiger.rules.facts import catalogue

CATALOGUE = catalogue()


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _codes(enum: Any) -> st.SearchStrategy[str]:
    return st.sampled_from([member.value for member in enum])


@st.composite
def intakes(draw: st.DrawFn) -> Intake:
    """Any intake the model accepts, with the fields rules look at varied."""
    day = draw(st.dates(dt.date(2025, 8, 1), dt.date(2026, 7, 31)))
    birth = draw(st.dates(day - dt.timedelta(days=30 * 366), day))
    schooling = {
        "years": draw(_optional(st.integers(0, 20))),
        "last_grade": draw(_optional(st.integers(0, 13))),
        "interrupted_years": draw(_optional(st.integers(0, 20))),
        "school_type": draw(_optional(_codes(SchoolType))),
        "german_school_years": draw(_optional(st.integers(0, 20))),
        "german_school_since": draw(_optional(st.dates(birth, day))),
        "online_home_school": draw(_optional(st.booleans())),
        "apprenticeship_start": draw(_optional(st.dates(birth, day + dt.timedelta(days=400)))),
        "certificates": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "kind": st.sampled_from(
                            [
                                "grade_report",
                                "lower_secondary",
                                "upper_secondary",
                                "vocational",
                                "language_certificate",
                            ]
                        ),
                        "country": st.sampled_from(["SY", "UA", "DE", "XK"]),
                    }
                ),
                max_size=2,
            )
        ),
    }
    data = {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": day,
        "pupil": {
            "family_name": "Test",
            "given_names": "Fall",
            "birth_date": birth,
            "birth_date_estimated": draw(st.booleans()),
            "arrival_date": draw(_optional(st.dates(birth, day))),
            "residence": draw(_optional(st.sampled_from(["municipality", "state_facility"]))),
            "residence_basis": draw(_optional(_codes(ResidenceBasis))),
            "first_languages": draw(
                st.lists(st.sampled_from(["ar", "uk", "fa", "ti"]), max_size=2)
            ),
        },
        "languages": {
            "german": draw(_optional(_codes(Level))),
            "english": draw(_optional(_codes(Level))),
            "literacy": draw(_optional(_codes(Literacy))),
            "scripts": draw(st.lists(_codes(Script), max_size=2, unique=True)),
        },
        "schooling": schooling,
        "competences": {
            "maths": draw(_optional(st.sampled_from(["well_below", "below", "at_grade", "above"])))
        },
        "support_needs": {
            "indications": draw(st.lists(_codes(Need), max_size=2, unique=True)),
            "documented": draw(st.lists(_codes(Need), max_size=2, unique=True)),
        },
        "wishes": {"school_form": draw(_optional(_codes(SchoolForm)))},
    }
    try:
        return Intake.model_validate(data)
    except ValidationError:
        assume(False)
        raise


def _rulesets() -> list[RuleSet]:
    from pathlib import Path

    fixtures = Path(__file__).resolve().parent / "fixtures"
    found = [load_ruleset_dir(fixtures / "basic"), load_ruleset_dir(fixtures / "kreis-test")]
    for ruleset_id in builtin_ids():
        try:
            found.append(load_ruleset_dir(builtin_dir(ruleset_id)))
        except RuleSetError:
            continue  # reported by test_loader.test_shipped_rule_sets_load_without_errors
    return found


RULESETS = _rulesets()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(intake=intakes(), index=st.integers(0, len(RULESETS) - 1), data=st.data())
def test_evaluate_never_fails_on_a_valid_intake(
    intake: Intake, index: int, data: st.DataObject
) -> None:
    ruleset = RULESETS[index]
    first = max(ruleset.valid_from, intake.pupil.birth_date)
    last = ruleset.valid_until or first + dt.timedelta(days=3 * 365)
    day = data.draw(st.dates(first, max(first, last)))
    result = evaluate(intake, ruleset, reference_date=day)
    assert result.to_model().model_dump_json() == result.to_json()  # conforms to the contract
    assert "foerderschule" not in result.school_forms
    if result.stage == "none":
        assert result.school_forms == []
        assert result.erstalphabetisierung == "n/a"
    if result.grade is not None:
        assert result.grade in result.grade_options
    assert len(result.flags) == len(set(result.flags))
    assert set(result.why_not).isdisjoint(result.school_forms)


# ---------------------------------------------------------------------------------------------
# Compiled conditions == conditions.holds

_TESTS: dict[str, st.SearchStrategy[Any]] = {
    "languages.german": st.one_of(
        _codes(Level),
        st.lists(_codes(Level), min_size=1, max_size=3).map(lambda v: {"in": v}),
        st.sampled_from(["min", "max", "below", "above", "not"]).flatmap(
            lambda op: _codes(Level).map(lambda v: {op: v})
        ),
        st.booleans().map(lambda b: {"known": b}),
    ),
    "age": st.one_of(
        st.integers(0, 20),
        st.sampled_from(["min", "max", "below", "above", "not", "from", "to"]).flatmap(
            lambda op: st.integers(0, 20).map(lambda v: {op: v})
        ),
        st.lists(st.integers(0, 20), min_size=1, max_size=3).map(lambda v: {"not_in": v}),
    ),
    "schooling.years": st.one_of(
        st.integers(0, 8).map(lambda v: {"min": v}),
        st.booleans().map(lambda b: {"known": b}),
    ),
    "support_needs.documented": st.one_of(
        _codes(Need),
        st.lists(_codes(Need), min_size=1, max_size=3).map(lambda v: {"contains_all": v}),
        st.lists(_codes(Need), min_size=1, max_size=3),
        st.booleans().map(lambda b: {"empty": b}),
    ),
    "schooling.online_home_school": st.one_of(
        st.booleans(), st.booleans().map(lambda b: {"not": b})
    ),
    "pupil.arrival_date": st.dates(dt.date(2024, 1, 1), dt.date(2026, 1, 1)).map(
        lambda d: {"below": d.isoformat()}
    ),
    "pupil.residence": st.sampled_from(["municipality", "state_facility"]).map(
        lambda v: {"not": v}
    ),
}


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(sorted(_TESTS)), min_size=0, max_size=3, unique=True))
    raw: dict[str, Any] = {name: draw(_TESTS[name]) for name in names}
    if depth < 2:
        for combinator in ("any_of", "all_of", "none_of"):
            if draw(st.booleans()) and draw(st.booleans()):
                raw[combinator] = draw(st.lists(conditions(depth + 1), min_size=1, max_size=2))
    return raw


_FACTS = st.fixed_dictionaries(
    {
        "languages.german": _optional(_codes(Level)),
        "age": st.integers(0, 20),
        "schooling.years": _optional(st.integers(0, 10)),
        "support_needs.documented": st.lists(_codes(Need), max_size=3, unique=True).map(tuple),
        "schooling.online_home_school": _optional(st.booleans()),
        "pupil.arrival_date": _optional(st.dates(dt.date(2024, 1, 1), dt.date(2026, 1, 1))),
        "pupil.residence": _optional(st.sampled_from(["municipality", "state_facility"])),
    }
)


@settings(max_examples=500, deadline=None)
@given(raw=conditions(), facts=_FACTS)
def test_compiled_conditions_agree_with_the_reference(
    raw: dict[str, Any], facts: dict[str, Any]
) -> None:
    parser = Parser(CATALOGUE)
    condition = parser.parse(raw, ())
    assert parser.issues == []
    assert compile_condition(condition, CATALOGUE)(facts) == holds(condition, facts, CATALOGUE)
