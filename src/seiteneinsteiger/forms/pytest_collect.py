"""pytest collects the form tests: every ``*.tests.yaml`` with ``format:
seiteneinsteiger/form-tests@1`` becomes one test item per case.

Wired from the repository's root ``conftest.py`` with one line::

    pytest_plugins = ["seiteneinsteiger.forms.pytest_collect"]

Only pytest imports this module; the package itself never does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from seiteneinsteiger.forms.tests import (
    Case,
    form_path_for,
    is_form_tests_file,
    read_tests,
    run_case,
)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_form_tests_file(file_path):
        return FormTestFile.from_parent(parent, path=file_path)
    return None


class FormTestFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        tests, document, problems = read_tests(self.path)
        if tests is None or document is None:
            raise FormTestFailure([problem.render() for problem in problems])
        for index, case in enumerate(tests.cases):
            position = document.locator.find(("cases", index))
            yield FormTestItem.from_parent(
                self,
                name=case.name,
                case=case,
                form_path=form_path_for(self.path, tests),
                line=position.line if position else None,
            )


class FormTestFailure(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class FormTestItem(pytest.Item):
    def __init__(self, *, case: Case, form_path: Path, line: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.form_path = form_path
        self.line = line

    def runtest(self) -> None:
        from seiteneinsteiger.errors import FormError
        from seiteneinsteiger.forms.check import load_form

        try:
            form = load_form(self.form_path)
        except FormError as exc:
            raise FormTestFailure(
                [problem.render() for problem in exc.problems] or [exc.message]
            ) from None
        result = run_case(form, self.case, self.line)
        if result.failures:
            raise FormTestFailure(result.failures)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str:
        if isinstance(excinfo.value, FormTestFailure):
            where = f"{self.path}:{self.line}" if self.line else str(self.path)
            return f"{where}: Formulartest '{self.case.name}'\n  " + "\n  ".join(
                excinfo.value.lines
            )
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.line - 1) if self.line else None, f"Formulartest: {self.name}"
