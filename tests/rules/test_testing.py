"""The ``*.tests.yaml`` runner: passing suites, failure reports and rule coverage."""

from __future__ import annotations

import shutil
from pathlib import Path

from seiteneinsteiger.rules.api import RuleSetCache
from seiteneinsteiger.rules.testing import load_test_file, run_case, run_suite


def test_fixture_suites_pass_with_full_coverage(fixtures: Path) -> None:
    for name in ("basic", "kreis-test"):
        suite = run_suite(fixtures / name)
        assert suite.ok, [case.report() for case in suite.cases if not case.passed]
        assert suite.uncovered == []


def _write(root: Path, text: str) -> Path:
    path = root / "extra.tests.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_failing_case_shows_file_line_expected_actual_and_trace(
    tmp_path: Path, fixtures: Path
) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    path = _write(
        root,
        """format: seiteneinsteiger/rule-tests@1
cases:
  - name: Falsch erwartet
    reference_date: 2025-09-15
    intake: {pupil: {birth_date: 2019-09-30}}
    expect:
      stage: sek1
      flags_include: [HSU_OFFER]
      fired: [T-GY]
""",
    )
    (case,), problems = load_test_file(path, "rules/basic/extra.tests.yaml")
    assert problems == []
    result = run_case(case, RuleSetCache())
    assert not result.passed
    report = result.report()
    assert (
        report.splitlines()[0]
        == "rules/basic/extra.tests.yaml:3 SE-T010: Fall „Falsch erwartet“ schlägt fehl"
    )
    assert "stage: erwartet sek1, erhalten primarstufe" in report
    assert "flags_include: es fehlen [HSU_OFFER]" in report
    assert "fired: nicht gegriffen haben [T-GY]" in report
    assert "/basic/20-stufe.yaml:18): 6 Jahre am Stichtag: Primarstufe, Klasse 1." in report


def test_rules_without_a_case_fail_the_suite(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    (root / "basic.tests.yaml").unlink()
    _write(
        root,
        """format: seiteneinsteiger/rule-tests@1
cases:
  - name: Nur ein Fall
    reference_date: 2025-09-15
    intake: {pupil: {birth_date: 2019-09-30}}
    expect: {stage: primarstufe}
""",
    )
    suite = run_suite(root)
    assert all(case.passed for case in suite.cases)
    assert not suite.ok
    uncovered = {rule.id for rule in suite.uncovered}
    assert "T-SP-ZUE" in uncovered and "T-ST-PRIMAR" not in uncovered


def test_broken_test_file_is_reported_with_line(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    path = _write(
        root,
        """format: seiteneinsteiger/rule-tests@1
cases:
  - name: Tippfehler
    intake: {pupil: {birth_date: 2019-09-30}}
    expect: {stufe: primarstufe}
  - name: Ohne Erwartung
    intak: {}
""",
    )
    cases, problems = load_test_file(path, "x.tests.yaml")
    assert [(p.line, p.code) for p in problems] == [(5, "SE-T012"), (6, "SE-T012"), (7, "SE-T012")]
    assert "unbekannte Erwartung 'stufe'; meinten Sie 'stage'?" in problems[0].message
    assert problems[1].message == "cases.1.expect: Pflichtfeld fehlt"
    assert "unbekanntes Feld 'intak' (meinten Sie 'intake'?)" in problems[2].message
    assert len(cases) == 1


def test_expected_error_code(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    path = _write(
        root,
        """format: seiteneinsteiger/rule-tests@1
cases:
  - name: Außer Kraft
    reference_date: 2027-01-01
    intake: {pupil: {birth_date: 2019-09-30}}
    expect: {error: SE-T001}
  - name: Fehler erwartet, aber keiner
    reference_date: 2025-09-15
    intake: {pupil: {birth_date: 2019-09-30}}
    expect: {error: SE-T001}
""",
    )
    cases, _ = load_test_file(path)
    results = [run_case(case, RuleSetCache()) for case in cases]
    assert [result.passed for result in results] == [True, False]
    assert "error: erwartet SE-T001, aber die Auswertung gelang" in results[1].failures


def test_case_may_only_set_open_parameters(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    path = _write(
        root,
        """format: seiteneinsteiger/rule-tests@1
cases:
  - name: Stichtag verschoben
    reference_date: 2025-09-15
    parameters: {stichtag: "10-31"}
    intake: {pupil: {birth_date: 2019-10-15}}
    expect: {stage: primarstufe}
  - name: Grenze 15 im Kreis
    reference_date: 2025-09-15
    parameters: {sek2_boundary_age: 15}
    intake: {pupil: {birth_date: 2010-01-10}}
    expect: {stage: sek2}
""",
    )
    cases, _ = load_test_file(path)
    closed, open_ = (run_case(case, RuleSetCache()) for case in cases)
    assert "Parameter 'stichtag' ist nicht offen" in closed.failures[0]
    assert open_.passed, open_.failures
