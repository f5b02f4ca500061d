"""The questionnaire file ``seiteneinsteiger/form@1`` and its compiled, runtime form.

The file (see ``data/forms/intake.yaml``) is read by the strict YAML loader and validated by the
pydantic models below: unknown keys, wrong types and missing fields are located problems
(``FILE:LINE: field: message``). :func:`compile_form` then builds the runtime :class:`Form`:
questions in order with their numbers, parsed ``relevant`` and ``constraint`` conditions (the
vocabulary of :mod:`seiteneinsteiger.conditions`, over question names) and resolved targets.
Semantic checks that only warn or that need the engine live in :mod:`.check`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.conditions import COMBINATORS, Condition, FieldSpec, Kind, Parser
from seiteneinsteiger.errors import Problem
from seiteneinsteiger.forms.targets import Target, TargetError, resolve
from seiteneinsteiger.yamlsource import Document

FORMAT = "seiteneinsteiger/form@1"
QUESTION_TYPES = (
    "text",
    "integer",
    "date",
    "boolean",
    "language",
    "country",
    "select_one",
    "select_multiple",
)
#: Words that cannot be question names: they are operators of the condition vocabulary.
OPERATOR_WORDS = frozenset(
    {
        "in", "not_in", "not", "min", "max", "from", "to", "below", "above", "contains",
        "contains_any", "contains_all", "empty", "known", *COMBINATORS,
    }
)  # fmt: skip
SELF = "."

_Name = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
_Text = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Label = dict[str, _Text]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class LanguageEntry(_Strict):
    code: str
    reviewed: bool


class Settings(_Strict):
    form_id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,59}$")]
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")]
    title: Label
    default_language: Literal["de"]
    languages: Annotated[list[LanguageEntry], Field(min_length=1)]


class Texts(_Strict):
    """Words and messages the form needs outside single questions, per language."""

    instructions: Label
    required: Label
    invalid: Label
    integer: Label
    date: Label
    boolean: Label
    choice: Label
    language: Label
    country: Label
    yes: Label
    no: Label
    question: Label
    answer: Label
    hint: Label
    tick: Label | None = None  # how to answer on paper (printed under the instructions)
    signature: Label | None = None  # printed under the consent questions


class Choice(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,39}$")]
    label: Label
    deprecated: bool = False  # no longer offered; still read from older files


class Question(_Strict):
    name: _Name
    type: str
    target: str
    required: bool = False
    relevant: Any = None
    constraint: Any = None
    default: Any = None
    value_when_hidden: Any = None
    label: Label
    hint: Label | None = None
    constraint_message: Label | None = None
    required_message: Label | None = None


class Section(_Strict):
    name: _Name
    audience: Literal["family", "counsellor"] = "family"
    title: Label
    questions: Annotated[list[Question], Field(min_length=1)]


class FormFile(_Strict):
    format: Literal["seiteneinsteiger/form@1"]
    settings: Settings
    texts: Texts
    sections: Annotated[list[Section], Field(min_length=1)]
    lists: dict[_Name, Annotated[list[Choice], Field(min_length=1)]] = Field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The compiled form


@dataclass(frozen=True, slots=True)
class ChoiceSpec:
    code: str
    label: Mapping[str, str]
    deprecated: bool
    path: tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class SectionSpec:
    name: str
    audience: str
    title: Mapping[str, str]
    path: tuple[str | int, ...]


@dataclass(eq=False, slots=True)
class QuestionSpec:
    """One question, ready for the engine."""

    name: str
    type: str  # one of QUESTION_TYPES
    list_name: str | None
    target_text: str
    target: Target | None
    required: bool
    raw_relevant: Any
    raw_constraint: Any
    default: Any
    value_when_hidden: Any
    label: Mapping[str, str]
    hint: Mapping[str, str]
    constraint_message: Mapping[str, str]
    required_message: Mapping[str, str]
    section: SectionSpec
    number: int
    index: int
    path: tuple[str | int, ...]
    relevant: Condition | None = None
    constraint: Condition | None = None

    @property
    def counsellor_only(self) -> bool:
        return self.section.audience == "counsellor"


@dataclass(slots=True)
class Form:
    """A questionnaire ready to be asked, printed or read back."""

    source: str
    file: FormFile
    sections: list[SectionSpec]
    questions: list[QuestionSpec]
    lists: dict[str, list[ChoiceSpec]]
    catalogue: dict[str, FieldSpec]
    by_name: dict[str, QuestionSpec] = field(default_factory=dict)
    memo: dict[Any, Any] = field(default_factory=dict)  # lookup tables built on first use

    @property
    def form_id(self) -> str:
        return self.file.settings.form_id

    @property
    def version(self) -> str:
        return self.file.settings.version

    @property
    def languages(self) -> list[str]:
        return [entry.code for entry in self.file.settings.languages]

    def reviewed(self, language: str) -> bool:
        return any(e.code == language and e.reviewed for e in self.file.settings.languages)

    def title(self, language: str) -> str:
        return pick(self.file.settings.title, language)

    def text(self, key: str, language: str) -> str:
        """A form text in ``language`` (German when missing; empty when the form has none)."""
        return pick(getattr(self.file.texts, key) or {}, language)

    def choices(self, question: QuestionSpec, *, offered: bool = True) -> list[ChoiceSpec]:
        """The choices of a select question (without deprecated ones when ``offered``)."""
        choices = self.lists.get(question.list_name or "", [])
        return [c for c in choices if not (offered and c.deprecated)]


def pick(labels: Mapping[str, str], language: str) -> str:
    """The text in ``language``, German when it is missing."""
    return labels.get(language) or labels.get("de") or ""


# ---------------------------------------------------------------------------------------------
# Reading and compiling


def parse_form(document: Document) -> tuple[Form | None, list[Problem]]:
    """Validate the file structure and compile it; problems carry ``FILE:LINE``."""
    from seiteneinsteiger.intake_io import explain_validation_error

    data = document.data
    if not isinstance(data, dict):
        return None, [
            Problem(
                file=document.source,
                line=1,
                code="SE-F001",
                message=f"eine Abbildung mit format: {FORMAT}, settings, texts, sections und "
                "lists erwartet",
            )
        ]
    try:
        file = FormFile.model_validate(data)
    except ValidationError as exc:
        problems = [
            locate(document, loc, message, code="SE-F001", at_key=unknown)
            for loc, message, unknown in explain_validation_error(exc, FormFile, data)
        ]
        return None, sorted(problems, key=lambda p: p.line or 0)
    return compile_form(file, document)


def locate(
    document: Document,
    path: tuple[str | int, ...],
    message: str,
    *,
    code: str,
    severity: str = "error",
    field: str | None = None,
    at_key: bool = False,
) -> Problem:
    return document.problem(path, message, code=code, severity=severity, field=field, at_key=at_key)


_KINDS: dict[str, Kind] = {
    "text": "text",
    "integer": "int",
    "date": "date",
    "boolean": "bool",
    "language": "text",
    "country": "text",
    "select_one": "enum",
    "select_multiple": "list",
}


def compile_form(file: FormFile, document: Document) -> tuple[Form, list[Problem]]:
    problems: list[Problem] = []
    lists = {
        name: [
            ChoiceSpec(c.code, c.label, c.deprecated, ("lists", name, index))
            for index, c in enumerate(choices)
        ]
        for name, choices in file.lists.items()
    }
    sections: list[SectionSpec] = []
    questions: list[QuestionSpec] = []
    seen_sections: dict[str, int] = {}
    for s_index, section in enumerate(file.sections):
        s_path: tuple[str | int, ...] = ("sections", s_index)
        spec = SectionSpec(section.name, section.audience, section.title, s_path)
        if section.name in seen_sections:
            problems.append(
                locate(
                    document,
                    (*s_path, "name"),
                    f"Abschnitt '{section.name}' gibt es schon "
                    f"(Abschnitt {seen_sections[section.name] + 1})",
                    code="SE-F004",
                )
            )
        seen_sections.setdefault(section.name, s_index)
        sections.append(spec)
        for q_index, question in enumerate(section.questions):
            path = (*s_path, "questions", q_index)
            kind, list_name, message = _parse_type(question.type, lists)
            if message:
                problems.append(locate(document, (*path, "type"), message, code="SE-F005"))
            try:
                target: Target | None = resolve(question.target)
            except TargetError as exc:
                target = None
                problems.append(locate(document, (*path, "target"), str(exc), code="SE-F002"))
            questions.append(
                QuestionSpec(
                    name=question.name,
                    type=kind,
                    list_name=list_name,
                    target_text=question.target,
                    target=target,
                    required=question.required,
                    raw_relevant=question.relevant,
                    raw_constraint=question.constraint,
                    default=question.default,
                    value_when_hidden=question.value_when_hidden,
                    label=question.label,
                    hint=question.hint or {},
                    constraint_message=question.constraint_message or {},
                    required_message=question.required_message or {},
                    section=spec,
                    number=len(questions) + 1,
                    index=len(questions),
                    path=path,
                )
            )
    by_name: dict[str, QuestionSpec] = {}
    for compiled in questions:
        if compiled.name in OPERATOR_WORDS:
            problems.append(
                locate(
                    document,
                    (*compiled.path, "name"),
                    f"'{compiled.name}' ist ein Wort der "
                    "Bedingungssprache und kann kein Fragename sein",
                    code="SE-F004",
                )
            )
        if compiled.name in by_name:
            first = by_name[compiled.name]
            problems.append(
                locate(
                    document,
                    (*compiled.path, "name"),
                    f"Frage '{compiled.name}' gibt es schon (Nr. {first.number})",
                    code="SE-F004",
                )
            )
            continue
        by_name[compiled.name] = compiled
    catalogue = {q.name: _field_spec(q, q.name, lists) for q in by_name.values()}
    form = Form(document.source, file, sections, questions, lists, catalogue, by_name)
    problems.extend(_compile_conditions(form, document))
    return form, problems


def _parse_type(
    text: str, lists: Mapping[str, list[ChoiceSpec]]
) -> tuple[str, str | None, str | None]:
    parts = text.split()
    kind = parts[0] if parts else ""
    if kind not in QUESTION_TYPES:
        near = suggest(kind, list(QUESTION_TYPES))
        hint = f"; meinten Sie '{near}'?" if near else ""
        return (
            "text",
            None,
            (f"unbekannter Fragetyp '{text}'{hint}. Erlaubt: " + ", ".join(QUESTION_TYPES)),
        )
    if kind.startswith("select_"):
        if len(parts) != 2:
            return kind, None, f"'{kind}' braucht den Namen einer Liste: '{kind} LISTE'"
        name = parts[1]
        if name not in lists:
            near = suggest(name, list(lists))
            hint = f"; meinten Sie '{near}'?" if near else ""
            return kind, None, f"unbekannte Liste '{name}'{hint}"
        return kind, name, None
    if len(parts) != 1:
        return kind, None, f"Fragetyp '{kind}' hat keine Liste"
    return kind, None, None


def _field_spec(
    question: QuestionSpec, name: str, lists: Mapping[str, list[ChoiceSpec]]
) -> FieldSpec:
    values = tuple(c.code for c in lists.get(question.list_name or "", []))
    return FieldSpec(
        name=name, kind=_KINDS[question.type], label=pick(question.label, "de"), values=values
    )


def _compile_conditions(form: Form, document: Document) -> list[Problem]:
    problems: list[Problem] = []
    for question in form.questions:
        if form.by_name.get(question.name) is not question:
            continue
        if question.raw_relevant is not None:
            path = (*question.path, "relevant")
            parser = Parser(form.catalogue)
            question.relevant = parser.parse(question.raw_relevant, path)
            problems.extend(_condition_problems(parser, document, "relevant"))
            problems.extend(_order_problems(form, question, question.relevant, document, path))
        if question.raw_constraint is not None:
            path = (*question.path, "constraint")
            raw = question.raw_constraint
            if isinstance(raw, Mapping) and raw and all(str(k) in OPERATOR_WORDS for k in raw):
                raw = {SELF: raw}  # {from: 0, to: 13} tests the answer itself
            catalogue = constraint_catalogue(form, question)
            parser = Parser(catalogue)
            question.constraint = parser.parse(raw, path)
            problems.extend(_condition_problems(parser, document, "constraint"))
            problems.extend(
                _order_problems(form, question, question.constraint, document, path, own=True)
            )
    return problems


def constraint_catalogue(form: Form, question: QuestionSpec) -> dict[str, FieldSpec]:
    """The questions a constraint may test, plus ``.`` for the answer itself."""
    key = ("constraint-catalogue", question.name)
    found = form.memo.get(key)
    if found is None:
        found = dict(form.catalogue)
        found[SELF] = _field_spec(question, SELF, form.lists)
        form.memo[key] = found
    return found


def _condition_problems(parser: Parser, document: Document, where: str) -> list[Problem]:
    found = []
    for issue in parser.issues:
        message = issue.message
        if issue.code == "SE-C002":
            message = message.replace("unbekanntes Feld", "unbekannte Frage")
        elif issue.code == "SE-C004" and where == "relevant":
            message += "; die Frage kann so nie angezeigt werden"
        found.append(locate(document, issue.path, message, code=issue.code))
    return found


def _order_problems(
    form: Form,
    question: QuestionSpec,
    condition: Condition,
    document: Document,
    path: tuple[str | int, ...],
    *,
    own: bool = False,
) -> list[Problem]:
    problems = []
    for name in sorted(condition.fields()):
        if name == SELF:
            continue
        other = form.by_name.get(name)
        if other is None:
            continue
        if other is question and not own:
            problems.append(
                locate(
                    document,
                    path,
                    f"'{question.name}' hängt von sich selbst ab und wird daher nie angezeigt",
                    code="SE-F009",
                )
            )
        elif other.index > question.index:
            problems.append(
                locate(
                    document,
                    path,
                    f"hängt von der späteren Frage '{name}' (Nr. "
                    f"{other.number}) ab, die bei Nr. {question.number} noch nicht beantwortet "
                    "ist; Frage nach hinten verschieben",
                    code="SE-F009",
                )
            )
    return problems
