"""The fast engine writes exactly what the engine before issue 13 wrote, byte for byte.

The reference (``reference_engine.py``) interprets conditions with ``conditions.holds``, computes
facts without caches, renders every text at once and validates the pydantic contract model. Over
thousands of seeded intakes, on every rule set and on reference dates across its validity, the
fast engine's JSON (``recommend --format jsonl``), its indented JSON (``--format json``) and its
text with ``--explain`` must equal the reference's, trace and why-not texts included; an error
must carry the same message.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seiteneinsteiger.cli.output import json_for_terminal
from seiteneinsteiger.cli.recommend_text import render
from seiteneinsteiger.conditions import Parser, holds
from seiteneinsteiger.errors import SeiteneinsteigerError
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.models.recommendation import Recommendation
from seiteneinsteiger.rules.api import builtin_dir, builtin_ids, load_ruleset_dir
from seiteneinsteiger.rules.compiled import (
    Rule,
    RuleSet,
    Template,
    Where,
    compile_condition,
    compile_table,
)
from seiteneinsteiger.rules.engine import evaluate
from seiteneinsteiger.rules.facts import catalogue, compute_facts, intake_values
from seiteneinsteiger.rules.result import Result

from .intake_samples import sample_intake
from .reference_engine import evaluate as reference_evaluate
from .reference_facts import compute_facts as reference_compute_facts
from .reference_facts import intake_values as reference_intake_values

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PER_RULESET = 1_000


def _rulesets() -> list[RuleSet]:
    found = [load_ruleset_dir(FIXTURES / name) for name in ("basic", "kreis-test")]
    return found + [load_ruleset_dir(builtin_dir(ruleset_id)) for ruleset_id in builtin_ids()]


RULESETS = _rulesets()


#: File names as the trace shows them, some with characters a terminal acts on (escaped).
SOURCES = ("fall.yaml", "fälle/Ünal\u202egnp.yaml", "del\x7f-c1\x9b.json")


def _outcome(intake: Intake, ruleset: RuleSet, day: dt.date, source: str) -> tuple[str, Any, Any]:
    """("ok", fast, reference) or ("error", fast message, reference message)."""
    try:
        reference = reference_evaluate(intake, ruleset, reference_date=day, source=source)
    except SeiteneinsteigerError as exc:
        with pytest.raises(SeiteneinsteigerError) as fast_error:
            evaluate(intake, ruleset, reference_date=day, source=source)
        return "error", fast_error.value.message, exc.message
    return "ok", evaluate(intake, ruleset, reference_date=day, source=source), reference


@pytest.mark.parametrize("ruleset", RULESETS, ids=lambda ruleset: ruleset.id)
def test_fast_engine_writes_what_the_reference_wrote(ruleset: RuleSet) -> None:
    rng = random.Random(f"issue-13-{ruleset.id}")
    first = max(ruleset.valid_from, dt.date(2024, 8, 1))
    last = ruleset.valid_until or first + dt.timedelta(days=2 * 365)
    days = (last - first).days + 1
    compared = errors = 0
    for index in range(PER_RULESET):
        intake = Intake.model_validate(sample_intake(rng, index, first, days))
        day = first + dt.timedelta(days=rng.randrange(days)) if index % 3 else intake.intake_date
        kind, fast, reference = _outcome(intake, ruleset, day, SOURCES[index % len(SOURCES)])
        if kind == "error":
            assert fast == reference
            errors += 1
            continue
        assert isinstance(fast, Result) and isinstance(reference, Recommendation)
        assert fast.to_json() == reference.model_dump_json()
        escaped = json_for_terminal(reference.model_dump_json())
        assert fast.to_json(escape=json_for_terminal) == escaped
        pretty = json.dumps(reference.to_json_dict(), ensure_ascii=False, indent=2, default=str)
        assert fast.to_json(indent=2) == pretty
        expected_text = render(Result.from_model(reference), intake, explain=True)
        assert render(fast, intake, explain=True) == expected_text
        assert fast.to_model().model_dump_json() == reference.model_dump_json()  # conforms
        compared += 1
    assert compared > PER_RULESET * 0.9, (compared, errors)


def test_intake_facts_read_every_field_as_the_getters_do() -> None:
    rng = random.Random("intake-facts")
    for index in range(500):
        intake = Intake.model_validate(sample_intake(rng, index, dt.date(2025, 8, 1), 365))
        assert intake_values(intake) == reference_intake_values(intake)


def test_cached_date_facts_equal_the_plain_computation() -> None:
    rng = random.Random("date-facts")
    for ruleset in RULESETS:
        for index in range(300):
            intake = Intake.model_validate(sample_intake(rng, index, dt.date(2025, 8, 1), 700))
            day = intake.intake_date - dt.timedelta(days=rng.randrange(0, 400))
            cached = compute_facts(intake, day, ruleset.params, ruleset.dates)
            assert cached == compute_facts(intake, day, ruleset.params)
            assert cached == reference_compute_facts(intake, day, ruleset.params)


# ---------------------------------------------------------------------------------------------
# The generated table function == the rules' conditions (conditions.holds) and validity

CATALOGUE = catalogue()
_LEVELS = ["none", "A1", "A2", "B1", "B2", "C1", "C2"]
_CONDITIONS: list[dict[str, Any]] = [
    {},
    {"languages.german": {"min": "A2"}},
    {"languages.german": {"below": "B1"}, "age": {"from": 10}},
    {"languages.german": {"known": False}},
    {"languages.german": {"not": "none"}},
    {"languages.german": {"in": ["A1", "A2"]}},
    {"age": {"not_in": [6, 7]}, "schooling.years": {"known": True}},
    {"support_needs.documented": {"contains_all": ["learning", "hearing"]}},
    {"support_needs.documented": {"empty": True}},
    {"support_needs.documented": ["learning", "vision"]},
    {"support_needs.documented": "learning"},
    {"schooling.online_home_school": {"not": True}},
    {"pupil.residence": {"not": None}},
    {"any_of": [{"age": {"max": 9}}, {"schooling.years": {"min": 3}}]},
    {"none_of": [{"age": 12}, {"pupil.arrival_date": {"below": "2025-01-01"}}]},
    {"all_of": [{"age": {"above": 5}}], "any_of": [{"languages.german": "B2"}]},
]


def _rule(index: int, raw: dict[str, Any], validity: tuple[dt.date | None, dt.date | None]) -> Rule:
    parser = Parser(CATALOGUE)
    condition = parser.parse(raw, ())
    assert parser.issues == []
    where = Where("t.yaml", "t.yaml", index + 1, 1)
    return Rule(
        id=f"T-{index}",
        title="t",
        ruleset="t",
        table="t",
        where=where,
        condition=condition,
        predicate=compile_condition(condition, CATALOGUE),
        assignments=(),
        flags=(),
        because=Template((("weil", None),)),
        why_not=None,
        sources=("Test",),
        valid_from=validity[0],
        valid_until=validity[1],
    )


_VALIDITY = st.sampled_from(
    [(None, None), (dt.date(2025, 8, 1), None), (None, dt.date(2025, 12, 31))]
)
_TABLE_FACTS = st.fixed_dictionaries(
    {
        "languages.german": st.one_of(st.none(), st.sampled_from(_LEVELS)),
        "age": st.integers(0, 20),
        "schooling.years": st.one_of(st.none(), st.integers(0, 10)),
        "support_needs.documented": st.lists(
            st.sampled_from(["learning", "hearing", "vision"]), unique=True
        ).map(tuple),
        "schooling.online_home_school": st.one_of(st.none(), st.booleans()),
        "pupil.arrival_date": st.one_of(st.none(), st.dates(dt.date(2024, 1, 1))),
        "pupil.residence": st.one_of(st.none(), st.just("municipality")),
    }
)


@settings(max_examples=400, deadline=None)
@given(
    chosen=st.lists(st.tuples(st.sampled_from(_CONDITIONS), _VALIDITY), min_size=1, max_size=5),
    facts=_TABLE_FACTS,
    day=st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 30)),
)
def test_table_function_agrees_with_the_reference(
    chosen: list[tuple[dict[str, Any], tuple[dt.date | None, dt.date | None]]],
    facts: dict[str, Any],
    day: dt.date,
) -> None:
    rules = tuple(_rule(index, raw, validity) for index, (raw, validity) in enumerate(chosen))
    expected = [
        rule for rule in rules if holds(rule.condition, facts, CATALOGUE) and rule.in_force(day)
    ]
    assert compile_table(rules, CATALOGUE)(facts, day) == expected
