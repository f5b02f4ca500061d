"""The JSON of a result put together from kept trace fragments is the contract model's JSON.

A batch repeats most trace entries, so their JSON is kept per rule, by the values their text shows
and by the outcome (:meth:`TraceEntry.json`). Whether a fragment was just made or comes from an
earlier intake, every result must read exactly as serialising the pydantic model writes it: the
rule sets below keep their fragments across all examples, and each intake is written twice.
"""

from __future__ import annotations

import datetime as dt
import json
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from seiteneinsteiger.cli.output import json_for_terminal
from seiteneinsteiger.errors import SeiteneinsteigerError
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.api import builtin_dir, builtin_ids, load_ruleset_dir
from seiteneinsteiger.rules.engine import evaluate
from seiteneinsteiger.rules.result import TraceEntry, TraceStep

from .intake_samples import sample_intake

RULESETS = [load_ruleset_dir(builtin_dir(ruleset_id)) for ruleset_id in builtin_ids()]
FIRST = dt.date(2025, 8, 1)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32), ruleset_index=st.integers(0, len(RULESETS) - 1))
def test_kept_fragments_write_what_the_model_writes(seed: int, ruleset_index: int) -> None:
    ruleset = RULESETS[ruleset_index]
    rng = random.Random(seed)
    for index in range(25):
        intake = Intake.model_validate(sample_intake(rng, index, FIRST, 330))
        day = intake.intake_date + dt.timedelta(days=rng.choice([0, 0, 30, 200]))
        if not ruleset.in_force(day):
            continue
        for _ in range(2):  # the second time every fragment is a kept one
            try:
                result = evaluate(intake, ruleset, reference_date=day, source=f"f{index % 3}.yaml")
            except SeiteneinsteigerError:  # an intake the rule set cannot decide: no JSON
                break
            plain = result.to_model().model_dump_json()
            assert result.to_json() == plain
            assert result.to_json(escape=json_for_terminal) == json_for_terminal(plain)
            pretty = json.dumps(json.loads(plain), ensure_ascii=False, indent=2)
            assert result.to_json(indent=2) == pretty


def test_outcomes_equal_in_python_but_not_in_json_keep_their_own_text() -> None:
    step = TraceStep("R-1", "t", "t.yaml", 1, "weil")
    texts = [
        TraceEntry((step, {"grade": value}, {}, ())).json() for value in (1, True, 1.0, 1, True)
    ]
    assert [json.loads(text)["outcome"]["grade"] for text in texts] == [1, True, 1.0, 1, True]
    assert [type(json.loads(text)["outcome"]["grade"]) for text in texts] == [
        int,
        bool,
        float,
        int,
        bool,
    ]


def _marked(text: str) -> str:
    """A change character by character, as ``json_for_terminal`` makes one, of characters the
    rule texts hold (``json_for_terminal`` changes none of them: controls in a child's data)."""
    return text.translate(_MARKS)


_MARKS = str.maketrans({"ä": "[ae]", "§": "[P]"})


def test_an_escape_reaches_every_fragment_kept_or_new() -> None:
    """Each trace fragment is kept per escape: a text kept without it (or with another one)
    must never be handed out for it."""
    rng = random.Random(7)
    for ruleset in RULESETS:
        for index in range(10):
            intake = Intake.model_validate(sample_intake(rng, index, FIRST, 330))
            if not ruleset.in_force(intake.intake_date):
                continue
            try:
                result = evaluate(intake, ruleset, source="f.yaml")
            except SeiteneinsteigerError:
                continue
            plain = result.to_model().model_dump_json()
            assert result.to_json() == plain
            assert result.to_json(escape=_marked) == _marked(plain)
            assert result.to_json(escape=json_for_terminal) == json_for_terminal(plain)
