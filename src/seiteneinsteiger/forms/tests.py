"""Form tests (``*.tests.yaml`` beside a form): given these answers, these questions are shown or
hidden, these answers are accepted or rejected with this message, in this language.

```yaml
format: seiteneinsteiger/form-tests@1
form: intake.yaml                 # optional; default: the file name without ".tests"
cases:
  - name: 14 Schuljahre werden abgelehnt, Meldung auf Ukrainisch
    language: uk                  # default de; answers may be given as labels of this language
    answers: {school_type: primary, school_years: 14}
    expect:
      shown: [last_grade]
      hidden: [german_school_since]
      rejected: {school_years: "Введіть число від 0 до 13."}
      accepted: [school_type]
      intake: {schooling.school_type: primary}     # fields of the assembled intake
```

``form check`` runs them, and so does pytest (see :mod:`.pytest_collect`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from seiteneinsteiger.errors import Problem, SeiteneinsteigerError
from seiteneinsteiger.forms.engine import build_intake, check_answer, visible_questions
from seiteneinsteiger.forms.model import Form
from seiteneinsteiger.forms.values import parse
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.yamlsource import Document, load_documents

TESTS_FORMAT = "seiteneinsteiger/form-tests@1"
TESTS_SUFFIX = ".tests.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Expect(_Strict):
    shown: list[str] = Field(default_factory=list)
    hidden: list[str] = Field(default_factory=list)
    rejected: dict[str, str] = Field(default_factory=dict)
    accepted: list[str] = Field(default_factory=list)
    intake: dict[str, Any] = Field(default_factory=dict)


class Case(_Strict):
    name: Annotated[str, Field(min_length=1)]
    language: str = "de"
    today: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    expect: Expect


class FormTestsFile(_Strict):
    format: Literal["seiteneinsteiger/form-tests@1"]
    form: str | None = None
    cases: Annotated[list[Case], Field(min_length=1)]


@dataclass(slots=True)
class CaseResult:
    name: str
    line: int | None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(slots=True)
class FormTestReport:
    source: str
    results: list[CaseResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # a broken tests file

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    def as_problems(self) -> list[Problem]:
        found = list(self.problems)
        for result in self.failed:
            for failure in result.failures:
                found.append(
                    Problem(
                        file=self.source,
                        line=result.line,
                        code="SE-F011",
                        field=f"Formulartest '{result.name}'",
                        message=failure,
                    )
                )
        return found


def companion_tests(form_path: Path) -> Path:
    return form_path.with_name(
        form_path.name.removesuffix(".yaml").removesuffix(".yml") + TESTS_SUFFIX
    )


def is_form_tests_file(path: Path) -> bool:
    """A ``*.tests.yaml`` file declaring ``format: seiteneinsteiger/form-tests@1``."""
    if not path.name.endswith(TESTS_SUFFIX):
        return False
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return False
    return TESTS_FORMAT in head


def read_tests(
    path: Path, display: str | None = None
) -> tuple[FormTestsFile | None, Document | None, list[Problem]]:
    from seiteneinsteiger.forms.model import locate
    from seiteneinsteiger.intake_io import explain_validation_error

    source = display or str(path)
    try:
        document = load_documents(path, source, kind=InputKind.FORM_TESTS)[0]
    except SeiteneinsteigerError as exc:
        return None, None, [Problem(file=source, message=exc.message, code="SE-F011")]
    try:
        tests = FormTestsFile.model_validate(document.data)
    except ValidationError as exc:
        problems = [
            locate(document, loc, message, code="SE-F011", at_key=unknown)
            for loc, message, unknown in explain_validation_error(exc, FormTestsFile, document.data)
        ]
        return None, document, problems
    return tests, document, []


def form_path_for(tests_path: Path, tests: FormTestsFile) -> Path:
    if tests.form:
        return tests_path.parent / tests.form
    return tests_path.with_name(tests_path.name.removesuffix(TESTS_SUFFIX) + ".yaml")


def run_tests(form: Form, path: Path, display: str | None = None) -> FormTestReport:
    source = display or str(path)
    tests, document, problems = read_tests(path, source)
    report = FormTestReport(source, problems=problems)
    if tests is None or document is None:
        return report
    names: set[str] = set()
    for index, case in enumerate(tests.cases):
        position = document.locator.find(("cases", index))
        result = run_case(form, case, position.line if position else None)
        if case.name in names:
            result.failures.append("Name kommt in der Datei zweimal vor")
        names.add(case.name)
        report.results.append(result)
    return report


def run_case(form: Form, case: Case, line: int | None) -> CaseResult:
    result = CaseResult(case.name, line)
    fail = result.failures.append
    if case.language not in form.languages:
        fail(f"Sprache '{case.language}' hat das Formular nicht ({', '.join(form.languages)})")
        return result
    mentioned = [
        *case.answers,
        *case.expect.shown,
        *case.expect.hidden,
        *case.expect.rejected,
        *case.expect.accepted,
    ]
    unknown = [name for name in dict.fromkeys(mentioned) if name not in form.by_name]
    if unknown:
        fail("unbekannte Frage(n): " + ", ".join(unknown))
        return result
    answers: dict[str, Any] = {}
    for name, raw in case.answers.items():
        parsed = parse(form, form.by_name[name], raw, case.language)
        if parsed.error is None and parsed.value is not None:
            answers[name] = parsed.value
    shown = {q.name for q in visible_questions(form, answers)}
    for name in case.expect.shown:
        if name not in shown:
            fail(f"'{name}' sollte angezeigt werden, wird aber nicht angezeigt")
    for name in case.expect.hidden:
        if name in shown:
            fail(f"'{name}' sollte nicht angezeigt werden, wird aber angezeigt")
    for name, expected in case.expect.rejected.items():
        if name not in case.answers:
            fail(f"'{name}': keine Antwort unter answers, die abgelehnt werden könnte")
            continue
        others = {key: value for key, value in answers.items() if key != name}
        outcome = check_answer(form, form.by_name[name], case.answers[name], others, case.language)
        if outcome.rejection is None:
            fail(
                f"'{name}': Antwort {case.answers[name]!r} wird angenommen, erwartet war die "
                f"Meldung {expected!r}"
            )
        elif (actual := outcome.rejection.message(form, case.language)) != expected:
            fail(f"'{name}': Meldung {actual!r}, erwartet {expected!r}")
    for name in case.expect.accepted:
        if name not in case.answers:
            fail(f"'{name}': keine Antwort unter answers")
            continue
        others = {key: value for key, value in answers.items() if key != name}
        outcome = check_answer(form, form.by_name[name], case.answers[name], others, case.language)
        if outcome.rejection is not None:
            fail(
                f"'{name}': Antwort {case.answers[name]!r} wird abgelehnt: "
                f"{outcome.rejection.message(form, 'de')}"
            )
    if case.expect.intake:
        today = dt.date.fromisoformat(case.today) if case.today else dt.date.today()
        built = build_intake(form, answers, today=today)
        for dotted, expected in case.expect.intake.items():
            actual = _lookup(built.data, dotted)
            if _plain(actual) != _plain(expected):
                fail(f"Intake-Feld '{dotted}' ist {_plain(actual)!r}, erwartet {expected!r}")
    return result


def _lookup(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if isinstance(data, list) and part.isdigit():
            data = data[int(part)] if int(part) < len(data) else None
        elif isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
