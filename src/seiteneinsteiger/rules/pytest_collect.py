"""pytest plugin: every ``*.tests.yaml`` below ``src/seiteneinsteiger/data/rules`` is collected.

One pytest item per case, plus one coverage item per rule set (it fails when a rule of the rule
set is fired by no case). A failing case shows its FILE:LINE, expected vs actual, and the trace.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

RULES_DIR = Path(__file__).resolve().parent.parent / "data" / "rules"
_SUFFIXES = (".tests.yaml", ".tests.yml")


class RuleTestFailure(Exception):
    """A rule test failed; the message is the German report."""


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if not file_path.name.endswith(_SUFFIXES):
        return None
    try:
        file_path.resolve().relative_to(RULES_DIR.resolve())
    except ValueError:
        return None
    return RuleTestFile.from_parent(parent, path=file_path)


def _cache() -> Any:
    from seiteneinsteiger.rules.api import RuleSetCache

    global _CACHE
    if _CACHE is None:
        _CACHE = RuleSetCache()
    return _CACHE


_CACHE: Any = None


class RuleTestFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from seiteneinsteiger.rules.testing import load_test_file, test_files

        root = self.path.parent
        display = f"rules/{root.name}/{self.path.name}"
        cases, problems = load_test_file(self.path, display)
        if problems:
            yield RuleFileProblems.from_parent(self, name="Testdatei", problems=problems)
        for case in cases:
            yield RuleCaseItem.from_parent(self, name=case.name, case=case)
        if test_files(root)[0] == self.path:
            yield RuleCoverageItem.from_parent(self, name=f"Abdeckung {root.name}", root=root)


class _RuleItem(pytest.Item):
    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> str | Any:
        if isinstance(excinfo.value, RuleTestFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class RuleCaseItem(_RuleItem):
    def __init__(self, *, case: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from seiteneinsteiger.rules.testing import run_case

        result = run_case(self.case, _cache())
        if not result.passed:
            raise RuleTestFailure(result.report())

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"{self.case.file}:{self.case.line}: {self.case.name}"


class RuleCoverageItem(_RuleItem):
    def __init__(self, *, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = root

    def runtest(self) -> None:
        from seiteneinsteiger.rules.testing import coverage_report, run_suite

        suite = run_suite(self.root, cache=_cache())
        if suite.uncovered:
            raise RuleTestFailure(coverage_report(suite))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"Regelabdeckung {self.root.name}"


class RuleFileProblems(_RuleItem):
    def __init__(self, *, problems: list[Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problems = problems

    def runtest(self) -> None:
        raise RuleTestFailure("\n".join(problem.render() for problem in self.problems))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, "Testdatei"
