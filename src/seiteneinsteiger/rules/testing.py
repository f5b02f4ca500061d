"""Rule tests: ``*.tests.yaml`` next to the rule files (format ``seiteneinsteiger/rule-tests@1``).

Each case gives a few intake facts and the expected outcome; the runner fills neutral defaults for
the required intake fields, evaluates the rule set and compares only the keys given. A suite also
fails when one of the rule set's own rules is fired by no case (coverage).

Used by ``seiteneinsteiger rules test`` and by the pytest plugin in the repository's
``conftest.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.errors import Problem, SeiteneinsteigerError
from seiteneinsteiger.intake_io import explain_validation_error
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.models.intake import FORMAT as INTAKE_FORMAT
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.models.types import IsoDate
from seiteneinsteiger.rules.api import HEADER, RuleSetCache, builtin_root
from seiteneinsteiger.rules.compiled import Rule, RuleSet
from seiteneinsteiger.rules.engine import evaluate
from seiteneinsteiger.rules.result import Result
from seiteneinsteiger.yamlsource import Document, parse_yaml, read_text

TESTS_FORMAT = "seiteneinsteiger/rule-tests@1"
TEST_SUFFIXES = (".tests.yaml", ".tests.yml")

#: Outputs a case may expect, by their dotted name in the recommendation.
OUTPUT_KEYS = (
    "age",
    "schulpflicht.status",
    "schulpflicht.since",
    "schulpflicht.starts",
    "schulpflicht.until",
    "stage",
    "school_forms",
    "grade",
    "grade_options",
    "erstfoerderung",
    "erstalphabetisierung",
    "bk_ifk",
    "measures",
)
_SET_KEYS = frozenset({"measures", "flags"})
CHECK_KEYS = (
    "flags",
    "flags_include",
    "flags_exclude",
    "fired",
    "not_fired",
    "why_not",
    "because",
    "error",
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CaseModel(_Model):
    name: str
    reference_date: IsoDate | None = None
    interpretation: str | None = None
    district: str | None = None
    ruleset: str | None = None
    parameters: dict[str, bool | int | str | list[str] | dict[str, int]] = Field(
        default_factory=dict
    )
    intake: dict[str, Any] = Field(default_factory=dict)
    expect: dict[str, Any]


class TestFileModel(_Model):
    format: Literal["seiteneinsteiger/rule-tests@1"]
    ruleset: str | None = None
    cases: list[Any]


@dataclass(frozen=True, slots=True)
class Case:
    """One test case, with where it is written and which rule-set directory it runs against."""

    model: CaseModel
    file: str
    line: int
    root: Path | None  # None: the named rule set does not exist

    @property
    def name(self) -> str:
        return self.model.name


@dataclass(slots=True)
class CaseResult:
    case: Case
    failures: list[str] = field(default_factory=list)
    recommendation: Result | None = None
    ruleset: RuleSet | None = None

    @property
    def passed(self) -> bool:
        return not self.failures

    def fired(self) -> set[tuple[str, str]]:
        """``(rule-set id, rule id)`` of every rule that fired."""
        if self.recommendation is None:
            return set()
        return {(entry.ruleset, entry.rule) for entry in self.recommendation.trace}

    def report(self) -> str:
        """German report of a failed case: location, differences, and the trace."""
        lines = [f"{self.case.file}:{self.case.line} SE-T010: Fall „{self.case.name}“ schlägt fehl"]
        lines += [f"  {failure}" for failure in self.failures]
        if self.case.model.interpretation:
            lines.append(f"  Auslegung: {self.case.model.interpretation.strip()}")
        if self.recommendation is not None:
            lines.append("  Ablauf:")
            for entry in self.recommendation.trace:
                lines.append(f"    {entry.rule} ({entry.file}:{entry.line}): {entry.because}")
        return "\n".join(lines)


@dataclass(slots=True)
class SuiteResult:
    """All cases of one rule-set directory, and the rules no case fired."""

    root: Path
    ruleset_id: str
    cases: list[CaseResult] = field(default_factory=list)
    uncovered: list[Rule] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not any(p.is_error for p in self.problems)
            and all(c.passed for c in self.cases)
            and not self.uncovered
        )


# ---------------------------------------------------------------------------------------------
# Reading test files


def test_files(root: Path) -> list[Path]:
    """The ``*.tests.yaml`` files of a rule-set directory, in name order."""
    return sorted(p for p in root.iterdir() if p.is_file() and p.name.endswith(TEST_SUFFIXES))


def _resolve(root: Path, ruleset_id: str | None) -> Path | None:
    if ruleset_id is None or ruleset_id == root.name:
        return root
    for candidate in (root.parent / ruleset_id, builtin_root() / ruleset_id):
        if (candidate / HEADER).is_file():
            return candidate
    return None


def _problem(
    display: str,
    document: Document | None,
    path: tuple[str | int, ...],
    message: str,
    *,
    key: bool = False,
) -> Problem:
    position = document.locator.find(path, key=key) if document is not None else None
    return Problem(
        file=display,
        line=position.line if position else None,
        column=position.column if position else None,
        code="SE-T012",
        message=message,
    )


def load_test_file(path: Path, display: str | None = None) -> tuple[list[Case], list[Problem]]:
    """The cases of one test file, and the problems of the file (bad cases are left out)."""
    shown = display or str(path)
    try:
        document = parse_yaml(read_text(path, shown, kind=InputKind.RULE_TESTS), shown)
    except SeiteneinsteigerError as exc:
        return [], [Problem(file=shown, code="SE-T012", message=exc.message)]
    try:
        model = TestFileModel.model_validate(document.data)
    except ValidationError as exc:
        return [], _validation_problems(exc, TestFileModel, document, (), document.data)
    cases: list[Case] = []
    problems: list[Problem] = []
    root = path.parent
    for index, raw in enumerate(model.cases):
        case_path = ("cases", index)
        try:
            case = CaseModel.model_validate(raw)
        except ValidationError as exc:
            problems += _validation_problems(exc, CaseModel, document, case_path, raw)
            continue
        problems += _check_expect(case, document, case_path)
        target = case.district or case.ruleset or model.ruleset
        position = document.locator.find(case_path)
        line = position.line if position else 1
        cases.append(Case(case, shown, line, _resolve(root, target)))
    return cases, problems


def _validation_problems(
    exc: ValidationError,
    model: type[BaseModel],
    document: Document,
    prefix: tuple[str | int, ...],
    data: Any,
) -> list[Problem]:
    problems = []
    for loc, message, unknown in explain_validation_error(exc, model, data):
        name = ".".join(str(part) for part in (*prefix, *loc))
        problems.append(
            _problem(document.source, document, (*prefix, *loc), f"{name}: {message}", key=unknown)
        )
    return problems


def _check_expect(
    case: CaseModel, document: Document, path: tuple[str | int, ...]
) -> list[Problem]:
    allowed = [*OUTPUT_KEYS, *CHECK_KEYS]
    problems = []
    for key in case.expect:
        if key not in allowed:
            near = suggest(key, allowed, cutoff=0.6)
            hint = f"; meinten Sie '{near}'?" if near else ""
            problems.append(
                _problem(
                    document.source,
                    document,
                    (*path, "expect", key),
                    f"unbekannte Erwartung '{key}'{hint}. Erlaubt: " + ", ".join(allowed),
                    key=True,
                )
            )
    if not case.expect:
        problems.append(
            _problem(
                document.source,
                document,
                (*path, "expect"),
                "'expect' ist leer: ein Fall ohne Erwartung prüft nichts",
            )
        )
    return problems


# ---------------------------------------------------------------------------------------------
# Running cases


def build_intake(partial: Mapping[str, Any], reference_date: dt.date) -> Intake:
    """An intake from a case's partial facts; neutral defaults fill the required fields.

    ``format``, ``intake_date`` (the reference date), ``pupil.family_name`` / ``given_names``
    ("Test" / "Fall") and ``pupil.birth_date`` (1 January, ten years before the reference date).
    """
    data: dict[str, Any] = copy.deepcopy(dict(partial))
    data.setdefault("format", INTAKE_FORMAT)
    data.setdefault("intake_date", reference_date.isoformat())
    pupil = data.setdefault("pupil", {})
    if isinstance(pupil, dict):
        pupil.setdefault("family_name", "Test")
        pupil.setdefault("given_names", "Fall")
        pupil.setdefault("birth_date", dt.date(reference_date.year - 10, 1, 1).isoformat())
    return Intake.model_validate(data)


def run_case(case: Case, cache: RuleSetCache) -> CaseResult:
    """Evaluate one case and compare the expected keys."""
    result = CaseResult(case)
    if case.root is None:
        wanted = case.model.district or case.model.ruleset
        result.failures.append(f"Regelsatz '{wanted}' nicht gefunden")
        return result
    try:
        ruleset = cache.directory(case.root, case.model.parameters)
    except SeiteneinsteigerError as exc:
        result.failures.append(f"Regelsatz lässt sich nicht laden: {exc.message}")
        return result
    result.ruleset = ruleset
    day = case.model.reference_date or ruleset.valid_from
    try:
        intake = build_intake(case.model.intake, day)
    except ValidationError as exc:
        for loc, message, _ in explain_validation_error(exc, Intake, case.model.intake):
            result.failures.append(f"intake.{'.'.join(map(str, loc))}: {message}")
        return result
    expected_error = case.model.expect.get("error")
    try:
        result.recommendation = evaluate(intake, ruleset, reference_date=day)
    except SeiteneinsteigerError as exc:
        code = getattr(exc, "code", None)
        if expected_error is None or code != expected_error:
            result.failures.append(f"Auswertung abgelehnt ({code or 'Fehler'}): {exc.message}")
        return result
    if expected_error is not None:
        result.failures.append(f"error: erwartet {expected_error}, aber die Auswertung gelang")
    result.failures += compare(case.model.expect, result.recommendation)
    return result


def _actual(data: Mapping[str, Any], key: str) -> Any:
    value: Any = data
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _fmt(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(item) for item in value) + "]"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(key: str, expected: Any, actual: Any) -> bool:
    if key in _SET_KEYS and isinstance(expected, list) and isinstance(actual, list):
        return set(map(str, expected)) == set(map(str, actual))
    if isinstance(expected, list) and isinstance(actual, list):
        return [_norm(item) for item in expected] == [_norm(item) for item in actual]
    if isinstance(expected, bool) is not isinstance(actual, bool):
        return False
    return bool(_norm(expected) == _norm(actual))


def _norm(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def compare(expect: Mapping[str, Any], recommendation: Result) -> list[str]:
    """German differences between ``expect`` and the recommendation (empty when it matches)."""
    data = recommendation.to_json_dict()
    failures: list[str] = []
    for key in OUTPUT_KEYS:
        if key in expect and not _same(key, expect[key], _actual(data, key)):
            failures.append(
                f"{key}: erwartet {_fmt(expect[key])}, erhalten {_fmt(_actual(data, key))}"
            )
    failures += _compare_flags(expect, data["flags"])
    failures += _compare_fired(expect, {entry.rule for entry in recommendation.trace})
    failures += _compare_texts(expect, recommendation)
    return failures


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _compare_flags(expect: Mapping[str, Any], flags: list[str]) -> list[str]:
    failures: list[str] = []
    if "flags" in expect and set(_as_list(expect["flags"])) != set(flags):
        failures.append(
            f"flags: erwartet {_fmt(_as_list(expect['flags']))}, erhalten {_fmt(flags)}"
        )
    missing = [flag for flag in _as_list(expect.get("flags_include")) if flag not in flags]
    if missing:
        failures.append(f"flags_include: es fehlen {_fmt(missing)} (erhalten {_fmt(flags)})")
    present = [flag for flag in _as_list(expect.get("flags_exclude")) if flag in flags]
    if present:
        failures.append(f"flags_exclude: unerwartet gesetzt {_fmt(present)}")
    return failures


def _compare_fired(expect: Mapping[str, Any], fired: set[str]) -> list[str]:
    failures: list[str] = []
    missing = [rule for rule in _as_list(expect.get("fired")) if rule not in fired]
    if missing:
        failures.append(
            f"fired: nicht gegriffen haben {_fmt(missing)} (gegriffen: {_fmt(sorted(fired))})"
        )
    unexpected = [rule for rule in _as_list(expect.get("not_fired")) if rule in fired]
    if unexpected:
        failures.append(f"not_fired: gegriffen haben {_fmt(unexpected)}")
    return failures


def _compare_texts(expect: Mapping[str, Any], recommendation: Result) -> list[str]:
    failures: list[str] = []
    why_not = expect.get("why_not")
    if isinstance(why_not, Mapping):
        for form, text in why_not.items():
            actual = recommendation.why_not.get(str(form))
            if actual is None or str(text) not in actual:
                failures.append(
                    f"why_not.{form}: erwartet „…{text}…“, erhalten "
                    f"{'„' + actual + '“' if actual else 'keinen Eintrag'}"
                )
    because = expect.get("because")
    if isinstance(because, Mapping):
        texts = {entry.rule: entry.because for entry in recommendation.trace}
        for rule, text in because.items():
            actual = texts.get(str(rule))
            if actual is None or str(text) not in actual:
                failures.append(
                    f"because.{rule}: erwartet „…{text}…“, erhalten "
                    f"{'„' + actual + '“' if actual else 'Regel hat nicht gegriffen'}"
                )
    return failures


# ---------------------------------------------------------------------------------------------
# Suites


def run_suite(
    root: Path, *, cache: RuleSetCache | None = None, display: str | None = None
) -> SuiteResult:
    """Run every case in the ``*.tests.yaml`` files of ``root`` and check rule coverage."""
    cache = cache or RuleSetCache()
    suite = SuiteResult(root, root.name)
    try:
        ruleset = cache.directory(root)
    except SeiteneinsteigerError as exc:
        suite.problems = list(exc.problems) or [Problem(file=str(root), message=exc.message)]
        return suite
    prefix = display or _display(ruleset, root)
    fired: set[tuple[str, str]] = set()
    for path in test_files(root):
        cases, problems = load_test_file(path, f"{prefix}/{path.name}")
        suite.problems += problems
        for case in cases:
            result = run_case(case, cache)
            suite.cases.append(result)
            if case.root is not None and case.root.resolve() == root.resolve():
                fired |= result.fired()
    suite.uncovered = [
        rule
        for rule in ruleset.rules()
        if rule.ruleset == ruleset.id and (rule.ruleset, rule.id) not in fired
    ]
    return suite


def _display(ruleset: RuleSet, root: Path) -> str:
    """Test files are named like the rule files of the same rule set."""
    file = ruleset.header.file
    return file.rsplit("/", 1)[0] if "/" in file else str(root)


def coverage_report(suite: SuiteResult) -> str:
    lines = [
        f"{len(suite.uncovered)} Regel(n) von '{suite.ruleset_id}' greift in keinem Testfall "
        "(SE-T011):"
    ]
    for rule in suite.uncovered:
        title = f" ({rule.title})" if rule.title != rule.id else ""
        lines.append(f"  {rule.where.file}:{rule.where.line}: {rule.id}{title}")
    lines.append("Bitte für jede Regel einen Fall in einer *.tests.yaml ergänzen.")
    return "\n".join(lines)
