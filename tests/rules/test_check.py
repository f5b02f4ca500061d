"""``rules check``: overlaps, rules that never fire, shadowed rules, gaps and dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from seiteneinsteiger.errors import Problem
from seiteneinsteiger.rules.api import load_ruleset_dir
from seiteneinsteiger.rules.check import check_ruleset

TODAY = dt.date(2025, 9, 15)


def _check(fixtures: Path, name: str) -> list[Problem]:
    return check_ruleset(load_ruleset_dir(fixtures / name), today=TODAY)


def test_clean_rule_set_has_no_findings(fixtures: Path) -> None:
    assert _check(fixtures, "basic") == []
    assert _check(fixtures, "kreis-test") == []


def test_overlap_under_unique_names_both_rules_and_an_example(fixtures: Path) -> None:
    (problem,) = _check(fixtures, "check-overlap")
    assert problem.render() == (
        "tests/rules/fixtures/check-overlap/50-x.yaml:15:9 SE-R020: Regeln X-LOW "
        "(tests/rules/fixtures/check-overlap/50-x.yaml:9) und X-MID treffen beide zu, z. B. bei "
        "age=10, languages.german=A2 (hit_policy: unique). Bitte entweder eine Bedingung "
        "einschränken oder die Regeln zusammenfassen"
    )


def test_rule_that_never_fires_and_shadowed_rule(fixtures: Path) -> None:
    problems = _check(fixtures, "check-never")
    assert [(p.line, p.code) for p in problems] == [(9, "SE-R021"), (21, "SE-R022")]
    assert "X-NEVER kann nie greifen" in problems[0].message
    assert "X-SHADOWED ist von Regel X-WIDE" in problems[1].message
    assert "languages.german=B2" in problems[1].message


def test_gap_and_passed_review_date_are_warnings(fixtures: Path) -> None:
    problems = _check(fixtures, "check-gap")
    assert [(p.code, p.severity) for p in problems] == [
        ("SE-R024", "warning"),
        ("SE-R023", "warning"),
    ]
    assert "keine Regel trifft zu bei age=10" in problems[1].message


def test_collect_rules_that_set_one_output_differently(fixtures: Path) -> None:
    (problem,) = _check(fixtures, "check-conflict")
    assert problem.code == "SE-R026"
    assert "languages.german=none, schooling.years=5" in problem.message


def test_validity_end_passed_is_a_warning(fixtures: Path) -> None:
    ruleset = load_ruleset_dir(fixtures / "basic")
    (problem,) = check_ruleset(ruleset, today=dt.date(2026, 8, 1))
    assert (problem.code, problem.severity) == ("SE-R025", "warning")


def test_shipped_rule_sets_are_clean_until_their_review_date() -> None:
    from seiteneinsteiger.rules.api import builtin_dir, builtin_ids

    for ruleset_id in builtin_ids():
        ruleset = load_ruleset_dir(builtin_dir(ruleset_id))
        assert check_ruleset(ruleset, today=dt.date(2026, 12, 6)) == [], ruleset_id


def test_undated_go_in_source_asks_for_a_review_of_its_rule() -> None:
    """Kreis Unna's Go-In rests on undated sources: the rule has its own review date."""
    from seiteneinsteiger.rules.api import builtin_dir

    ruleset = load_ruleset_dir(builtin_dir("kreis-unna"))
    (problem,) = check_ruleset(ruleset, today=dt.date(2027, 4, 1))
    assert problem.code == "SE-R024"
    assert problem.severity == "warning"
    assert problem.file == "rules/kreis-unna/90-kreis-unna.yaml"
    assert "Regel UN-EF-05: das Prüfdatum 'review_by' (31.03.2027) ist überschritten" in (
        problem.message
    )
    later = check_ruleset(ruleset, today=dt.date(2027, 7, 1))
    assert [p.code for p in later] == ["SE-R024", "SE-R024"]  # and then the whole rule set


def test_counsellors_never_read_internal_documents_as_sources() -> None:
    """Issue 10, point 8: texts and sources name real sources or an honest "[C] Auslegung"."""
    from seiteneinsteiger.rules.api import builtin_dir, builtin_ids

    internal = ("nrw-rules.md", "ki-practice.md", "facts-requests", "Entscheidung L", ".md ")
    for ruleset_id in builtin_ids():
        ruleset = load_ruleset_dir(builtin_dir(ruleset_id))
        texts = [
            text
            for rule in ruleset.rules()
            for text in (*rule.sources, *(part for part, _ in rule.because.parts))
        ]
        texts += [source for p in ruleset.parameters.values() for source in p.sources]
        for text in texts:
            assert not any(name in text for name in internal), (ruleset_id, text)
