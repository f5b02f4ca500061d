"""Evaluating rule sets: what a counsellor sees for a pupil, and the reasons given."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from seiteneinsteiger.errors import RuleSetError
from seiteneinsteiger.rules.api import load_ruleset_dir
from seiteneinsteiger.rules.compiled import RuleSet, RuleSetNotInForce
from seiteneinsteiger.rules.engine import RuleConflictError, evaluate

D = dt.date.fromisoformat


def test_born_30_september_goes_to_class_1(basic: RuleSet, intake_factory: Any) -> None:
    result = evaluate(intake_factory("2019-09-30"), basic)
    assert result.schulpflicht.status == "schulpflichtig"
    assert result.schulpflicht.since == D("2025-08-01")
    assert (result.stage, result.grade, result.grade_options) == ("primarstufe", 1, [1])
    assert result.school_forms == ["grundschule"]
    assert result.erstalphabetisierung == "n/a"  # class 1


def test_born_1_october_waits_a_year(basic: RuleSet, intake_factory: Any) -> None:
    result = evaluate(intake_factory("2019-10-01"), basic)
    assert result.schulpflicht.status == "not_yet"
    assert result.schulpflicht.starts == D("2026-08-01")
    assert result.stage == "none"
    assert result.school_forms == []
    assert result.flags == ["NOT_YET_SCHULPFLICHTIG", "KANN_KIND_OPTION"]
    assert result.trace[0].because == "Schulpflichtig ab 01.08.2026."


def test_sek2_end_on_1_and_2_august(basic: RuleSet, intake_factory: Any) -> None:
    ended = evaluate(intake_factory("2007-08-01", day="2025-08-01"), basic)
    ongoing = evaluate(intake_factory("2007-08-02", day="2025-08-01"), basic)
    assert ended.schulpflicht.status == "no_longer"
    assert ongoing.schulpflicht.status == "schulpflichtig"
    assert ongoing.schulpflicht.until == D("2026-07-31")


def test_trace_names_rule_file_line_values_and_sources(basic: RuleSet, intake_factory: Any) -> None:
    result = evaluate(intake_factory("2013-02-11"), basic, source="amal.yaml")
    first = result.trace[0]
    assert (first.rule, first.ruleset, first.file, first.line) == (
        "T-SP-YES",
        "basic",
        "fixtures/basic/10-schulpflicht.yaml",
        26,
    )
    assert first.because == (
        "12 Jahre am Stichtag 30.09.2025: schulpflichtig seit 01.08.2019 bis 31.07.2031."
    )
    assert first.sources == ("SchulG NRW §§ 35, 37, 38",)
    assert first.outcome["schulpflicht.since"] == D("2019-08-01")
    assert result.source == "amal.yaml"
    assert result.to_json_dict()["trace"][0]["outcome"]["schulpflicht.since"] == "2019-08-01"


def test_reference_date_overrides_the_intake_date(basic: RuleSet, intake_factory: Any) -> None:
    result = evaluate(intake_factory("2019-10-01"), basic, reference_date=D("2026-07-31"))
    assert result.reference_date == D("2026-07-31")
    assert result.age == 6


def test_refused_outside_the_validity(basic: RuleSet, intake_factory: Any) -> None:
    with pytest.raises(RuleSetNotInForce) as caught:
        evaluate(intake_factory("2013-02-11", day="2025-07-31"), basic)
    assert caught.value.code == "SE-T001"
    assert "01.08.2025 bis 31.07.2026" in caught.value.message


def test_why_not_explicit_template_and_first_failing_condition(
    basic: RuleSet, intake_factory: Any
) -> None:
    plain = evaluate(intake_factory("2012-05-05", languages={"german": "A1"}), basic)
    assert plain.why_not["gymnasium"] == "Deutsch A1; das Gymnasium setzt B1 voraus (Regel T-GY)."
    assert plain.why_not["grundschule"] == (
        "Alter am Stichtag ist 13, verlangt höchstens 9 (Regel T-ST-PRIMAR)"
    )
    assert "realschule" not in plain.why_not
    wished = evaluate(
        intake_factory(
            "2012-05-05", languages={"german": "A1"}, wishes={"school_form": "gymnasium"}
        ),
        basic,
    )
    assert wished.why_not["gymnasium"] == (
        "Die Familie wünscht das Gymnasium; zuerst Deutsch bis B1 (jetzt A1)."
    )


def test_why_not_uses_german_labels(basic: RuleSet, intake_factory: Any) -> None:
    result = evaluate(intake_factory("2019-10-01"), basic)
    assert result.why_not["grundschule"] == (
        "Schulpflicht ist noch nicht schulpflichtig, verlangt schulpflichtig (Regel T-ST-PRIMAR)"
    )


def test_flags_keep_first_raised_order_without_duplicates(
    basic: RuleSet, intake_factory: Any
) -> None:
    result = evaluate(
        intake_factory(
            "2013-02-11",
            languages={"german": "none", "literacy": "none"},
            schooling={"years": 2, "interrupted_years": 2},
        ),
        basic,
    )
    assert result.flags == [
        "BILDUNGSGANG_AFTER_ERSTFOERDERUNG",
        "ERSTALPHABETISIERUNG",
        "GRADE_BELOW_AGE_CONSIDER",
    ]
    assert result.measures == ["erstfoerderung", "erstalphabetisierung"]
    assert result.erstalphabetisierung == "eligible"


def test_district_replaces_and_adds(district: RuleSet, intake_factory: Any) -> None:
    result = evaluate(intake_factory("2009-01-10", languages={"german": "B1"}), district)
    assert result.ruleset.id == "kreis-test"
    assert result.ruleset.extends == ("basic",)
    assert result.stage == "sek1"  # 16, but the district's boundary is 17
    assert result.school_forms == ["sekundarschule", "gesamtschule", "gymnasium"]
    assert "GO_IN_REGELKLASSE" in result.flags
    rules = [(entry.rule, entry.ruleset) for entry in result.trace]
    assert ("KT-ST-SEK1", "kreis-test") in rules
    assert ("KT-FL-HEALTH", "kreis-test") in rules


def _copy(tmp_path: Path, fixtures: Path, name: str = "basic") -> Path:
    root = tmp_path / name
    shutil.copytree(fixtures / name, root)
    return root


def test_unique_table_without_match_raises_no_rule_matched(
    tmp_path: Path, fixtures: Path, intake_factory: Any
) -> None:
    root = _copy(tmp_path, fixtures)
    path = root / "10-schulpflicht.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "schulpflicht_phase: ended", "schulpflicht_phase: sek2\n          age: 99"
    )
    path.write_text(text, encoding="utf-8")
    ruleset = load_ruleset_dir(root)
    result = evaluate(intake_factory("2000-01-01"), ruleset)
    assert "NO_RULE_MATCHED" in result.flags
    assert result.schulpflicht.status == "no_longer"  # from the phase, flagged for a person
    assert result.trace[0].rule == "schulpflicht/keine-Regel"
    assert result.trace[0].because == "Keine Regel der Tabelle „Schulpflicht“ trifft zu."


def test_overlap_in_a_unique_table_is_an_error(fixtures: Path, intake_factory: Any) -> None:
    ruleset = load_ruleset_dir(fixtures / "check-overlap")
    with pytest.raises(RuleConflictError) as caught:
        evaluate(intake_factory("2012-05-05", languages={"german": "A2"}), ruleset)
    assert caught.value.code == "SE-T002"
    assert "X-LOW" in caught.value.message and "X-MID" in caught.value.message


def test_collect_rules_setting_one_output_differently(fixtures: Path, intake_factory: Any) -> None:
    ruleset = load_ruleset_dir(fixtures / "check-conflict")
    intake = intake_factory("2012-05-05", languages={"german": "A1"}, schooling={"years": 6})
    with pytest.raises(RuleSetError) as caught:
        evaluate(intake, ruleset)
    assert getattr(caught.value, "code", None) == "SE-T003"
    fine = evaluate(intake_factory("2012-05-05", languages={"german": "A1"}), ruleset)
    assert fine.erstfoerderung is True
