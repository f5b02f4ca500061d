"""The questionnaire engine: pure functions over a compiled :class:`~.model.Form`.

* :func:`facts` / :func:`visible_questions`: which questions are shown for the answers so far;
  a hidden question counts with its ``value_when_hidden`` (or as unanswered).
* :func:`check_answer`: parse and validate one answer (type, required, constraint, and the type of
  the intake field it fills); a rejection carries its message in every language of the form.
* :func:`build_intake`: answers -> intake@1 dict -> :class:`Intake`, through the same pydantic
  model and cross-field checks as ``intake validate``; every problem points back to a question.
* :func:`answers_from_intake`: the inverse, for editing and for round-trip tests.

Answers are keyed by question name; values are typed (``str``, ``int``, ``datetime.date``,
``bool``, a code, a list of codes). Nothing here prints, reads files or knows about terminals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from seiteneinsteiger.conditions import failure, holds
from seiteneinsteiger.forms.model import (
    SELF,
    ChoiceSpec,
    Form,
    QuestionSpec,
    constraint_catalogue,
    pick,
)
from seiteneinsteiger.forms.values import parse
from seiteneinsteiger.intake_io import explain_validation_error
from seiteneinsteiger.models.intake import FORMAT, Intake, check_intake

Answers = Mapping[str, Any]
Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why an answer was not accepted.

    ``reason`` is ``type`` (not a date, not a choice, ...; ``key`` names the form text),
    ``required``, ``constraint`` or ``field`` (the intake field refuses the value). ``detail`` is
    a precise German explanation where one exists.
    """

    question: QuestionSpec
    reason: Literal["type", "required", "constraint", "field"]
    key: str = "invalid"
    detail: str | None = None

    def message(self, form: Form, language: str) -> str:
        question = self.question
        if self.reason == "type":
            return form.text(self.key, language)
        if self.reason == "required":
            return pick(question.required_message, language) or form.text("required", language)
        if question.constraint_message:
            return pick(question.constraint_message, language)
        if language == "de" and self.detail:
            return self.detail
        return form.text("invalid", language)


@dataclass(frozen=True, slots=True)
class Outcome:
    value: Any
    rejection: Rejection | None = None


# ---------------------------------------------------------------------------------------------
# Visibility


def hidden_value(form: Form, question: QuestionSpec) -> Any:
    """The typed ``value_when_hidden`` of a question (None when it has none)."""
    if question.value_when_hidden is None:
        return None
    key = ("hidden", question.name)
    if key not in form.memo:
        form.memo[key] = parse(form, question, question.value_when_hidden, "de").value
    return form.memo[key]


def facts(form: Form, answers: Answers) -> dict[str, Any]:
    """The value every question has for the conditions, in form order.

    A shown question has its answer (None when unanswered); a hidden one its
    ``value_when_hidden``. Conditions only look at earlier questions (``form check`` ensures it).
    """
    return _walk(form, answers)[0]


def visible_questions(form: Form, answers: Answers) -> list[QuestionSpec]:
    return _walk(form, answers)[1]


def _walk(form: Form, answers: Answers) -> tuple[dict[str, Any], list[QuestionSpec]]:
    known: dict[str, Any] = {}
    shown: list[QuestionSpec] = []
    for question in form.questions:
        if question.relevant is None or holds(question.relevant, known, form.catalogue):
            shown.append(question)
            known[question.name] = answers.get(question.name)
        else:
            known[question.name] = hidden_value(form, question)
    return known, shown


# ---------------------------------------------------------------------------------------------
# One answer


def check_answer(
    form: Form,
    question: QuestionSpec,
    raw: Any,
    answers: Answers,
    language: str = "de",
    *,
    numbered: Sequence[ChoiceSpec] | None = None,
) -> Outcome:
    """Parse ``raw`` and validate it in the context of the other ``answers``."""
    parsed = parse(form, question, raw, language, numbered=numbered)
    if parsed.error is not None:
        return Outcome(None, Rejection(question, "type", parsed.error))
    return Outcome(parsed.value, validate_value(form, question, parsed.value, answers))


def validate_value(
    form: Form, question: QuestionSpec, value: Any, answers: Answers
) -> Rejection | None:
    """Required, constraint and target-field checks for an already typed value."""
    if value is None:
        return Rejection(question, "required") if question.required else None
    if question.constraint is not None:
        known = facts(form, {**answers, question.name: value})
        known[SELF] = value
        known[question.name] = value
        catalogue = constraint_catalogue(form, question)
        reason = failure(question.constraint, known, catalogue)
        if reason is not None:
            return Rejection(question, "constraint", detail=f"{reason.text}")
    if question.target is not None:
        detail = question.target.check(value)
        if detail is not None:
            return Rejection(question, "field", detail=detail)
    return None


def default_value(form: Form, question: QuestionSpec, today: dt.date) -> Any:
    """The typed default of a question (``today`` for a date question with ``default: today``)."""
    if question.default is None:
        return None
    if question.type == "date" and question.default == "today":
        return today
    return parse(form, question, question.default, "de").value


# ---------------------------------------------------------------------------------------------
# Answers -> intake


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """A problem of the assembled intake, pointing back to the question that caused it."""

    question: QuestionSpec | None
    path: Path
    message: str
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(slots=True)
class Built:
    data: dict[str, Any]
    intake: Intake | None
    problems: list[AnswerProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intake is not None and not any(p.is_error for p in self.problems)


def assemble(form: Form, answers: Answers) -> tuple[dict[str, Any], dict[Path, str]]:
    """The intake@1 dict for ``answers`` and, per filled field path, the question's name."""
    known = facts(form, answers)
    tree: dict[Any, Any] = {}
    filled: dict[Path, str] = {}
    for question in form.questions:
        value = known.get(question.name)
        if question.target is None or value is None:
            continue
        node = tree
        path = question.target.path
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = list(value) if isinstance(value, list | tuple) else value
        filled[path] = question.name
    remap: dict[Path, Path] = {}
    data = _listify(tree, (), (), remap)
    origin = {remap.get(path, path): name for path, name in filled.items()}
    return {"format": FORMAT, **data}, origin


def _listify(node: Any, old: Path, new: Path, remap: dict[Path, Path]) -> Any:
    """Dicts keyed by list positions become lists, without gaps (positions are renumbered)."""
    if not isinstance(node, dict):
        remap[old] = new
        return node
    if node and all(isinstance(key, int) for key in node):
        return [
            _listify(node[key], (*old, key), (*new, position), remap)
            for position, key in enumerate(sorted(node))
        ]
    return {key: _listify(value, (*old, key), (*new, key), remap) for key, value in node.items()}


def build_intake(form: Form, answers: Answers, *, today: dt.date) -> Built:
    """Assemble and validate exactly as ``intake validate`` does; problems name questions."""
    data, origin = assemble(form, answers)
    try:
        intake = Intake.model_validate(data)
    except ValidationError as exc:
        problems = [
            AnswerProblem(_question_at(form, origin, loc), loc, message)
            for loc, message, _ in explain_validation_error(exc, Intake, data)
        ]
        return Built(data, None, problems)
    problems = [
        AnswerProblem(
            _question_at(form, origin, issue.path), issue.path, issue.message, issue.severity
        )
        for issue in check_intake(intake, today)
    ]
    return Built(data, intake, problems)


def _question_at(form: Form, origin: Mapping[Path, str], path: Path) -> QuestionSpec | None:
    name = origin.get(path)
    if name is not None:
        return form.by_name[name]
    for question in form.questions:
        if question.target is not None and question.target.path == path:
            return question
    for filled, name in origin.items():  # a group: the first question that filled part of it
        if filled[: len(path)] == path:
            return form.by_name[name]
    return None


def answers_from_intake(form: Form, intake: Intake) -> dict[str, Any]:
    """The answers that reproduce ``intake`` (for the fields the form covers)."""
    data = intake.model_dump(mode="python")
    answers: dict[str, Any] = {}
    for question in form.questions:
        if question.target is None:
            continue
        value: Any = data
        for part in question.target.path:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, dict) else None
            if value is None:
                break
        if isinstance(value, list):
            value = [str(item) for item in value] or None
        elif hasattr(value, "value") and isinstance(value.value, str):  # a StrEnum member
            value = value.value
        if value is not None:
            answers[question.name] = value
    return answers
