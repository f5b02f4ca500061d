"""Form tests (``*.tests.yaml``): the runner and its pytest plugin."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.tests import companion_tests, is_form_tests_file, run_tests

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_bundled_form_tests_pass_and_are_enough() -> None:
    form = load_form()
    path = companion_tests(Path(form.source))
    report = run_tests(form, path)
    assert report.problems == []
    assert len(report.results) >= 10
    assert report.failed == []


def test_failures_name_the_case_its_line_and_the_difference() -> None:
    form = load_form(FIXTURES / "small.yaml")
    report = run_tests(form, FIXTURES / "small-failing-tests.yaml", "failing.yaml")
    assert [p.render() for p in report.as_problems()] == [
        "failing.yaml:10 SE-F011: Formulartest 'falsche Erwartung zur Sichtbarkeit': "
        "'last_grade' sollte angezeigt werden, wird aber nicht angezeigt",
        "failing.yaml:14 SE-F011: Formulartest 'falsche Meldung auf Arabisch': 'school_years': "
        "Meldung 'من 0 إلى 13.', erwartet 'خطأ'",
    ]


def test_unknown_question_in_a_test_case(tmp_path: Path) -> None:
    path = tmp_path / "x.tests.yaml"
    path.write_text(
        "format: seiteneinsteiger/form-tests@1\ncases:\n  - name: tippfehler\n"
        "    answers: {schul_jahre: 3}\n    expect: {hidden: [last_grade]}\n",
        encoding="utf-8",
    )
    report = run_tests(load_form(FIXTURES / "small.yaml"), path, "x.tests.yaml")
    assert [p.render() for p in report.as_problems()] == [
        "x.tests.yaml:3 SE-F011: Formulartest 'tippfehler': unbekannte Frage(n): schul_jahre"
    ]


def test_only_form_test_files_are_collected(tmp_path: Path) -> None:
    assert is_form_tests_file(FIXTURES / "small.tests.yaml")
    assert not is_form_tests_file(FIXTURES / "small-failing-tests.yaml")  # wrong suffix
    rules = tmp_path / "stufe.tests.yaml"
    rules.write_text("format: seiteneinsteiger/rule-tests@1\n", encoding="utf-8")
    assert not is_form_tests_file(rules)


def _pytest(directory: Path) -> subprocess.CompletedProcess[str]:
    (directory / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "seiteneinsteiger.forms.pytest_collect",
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(directory),
            str(directory),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=directory,
    )


def test_pytest_plugin_runs_each_case(tmp_path: Path) -> None:
    for name in ("small.yaml", "small.tests.yaml"):
        (tmp_path / name).write_text((FIXTURES / name).read_text("utf-8"), "utf-8")
    passing = _pytest(tmp_path)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "2 passed" in passing.stdout
    (tmp_path / "small.tests.yaml").write_text(
        (FIXTURES / "small-failing-tests.yaml").read_text("utf-8"), "utf-8"
    )
    failing = _pytest(tmp_path)
    assert failing.returncode == 1
    assert "2 failed, 1 passed" in failing.stdout
    assert (
        f"{tmp_path / 'small.tests.yaml'}:10: Formulartest 'falsche Erwartung zur Sichtbarkeit'"
    ) in failing.stdout
