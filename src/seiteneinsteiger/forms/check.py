"""``form check``: everything that can be wrong in a questionnaire file, located at FILE:LINE.

Errors: the file structure; unknown or unfitting target fields; duplicate names, codes and
targets; unknown lists and language codes; conditions over unknown questions (with a
did-you-mean) or over later questions; questions that can never be shown; defaults that do not
fit. Warnings: missing translations (one per language, listing them), lists nobody uses, labels of
languages the settings do not declare.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from seiteneinsteiger import DATA_DIR
from seiteneinsteiger.codes import check_language
from seiteneinsteiger.conditions import Condition, holds, values_of
from seiteneinsteiger.errors import FormError, InputFileError, Problem, brief
from seiteneinsteiger.forms.engine import hidden_value, validate_value
from seiteneinsteiger.forms.model import Form, QuestionSpec, locate, parse_form
from seiteneinsteiger.forms.targets import QUESTION_KIND_FOR_TYPE, required_fields
from seiteneinsteiger.forms.values import parse
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.yamlsource import Document, load_documents

_ENUMERATION_LIMIT = 20_000
_TEXT_OTHER = "\x00anderer Wert"


def default_form_path() -> Path:
    """The questionnaire shipped with the package (``forms/intake.yaml`` in the repository)."""
    return DATA_DIR / "forms" / "intake.yaml"


@dataclass(slots=True)
class CheckReport:
    source: str
    form: Form | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


_CACHE: dict[tuple[str, int, int], CheckReport] = {}


def check_form(path: Path, display: str | None = None) -> CheckReport:
    """Read and check one form file; never raises for a bad file."""
    source = display or str(path)
    try:
        stat = path.stat()
    except OSError:
        stat = None
    key = (source, stat.st_mtime_ns, stat.st_size) if stat else None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    try:
        document = load_documents(path, source, kind=InputKind.FORM)[0]
    except InputFileError as exc:  # missing, unreadable, broken YAML: one located line
        return CheckReport(source, None, [exc.as_problem(source)])
    form, problems = parse_form(document)
    if form is not None:
        problems.extend(semantic_problems(form, document))
    problems = [_friendly(problem, document.data) for problem in problems]
    problems.sort(key=lambda p: (p.line or 0, p.severity != "error"))
    report = CheckReport(source, form, problems)
    if key is not None:
        _CACHE[key] = report
    return report


def _friendly(problem: Problem, data: Any) -> Problem:
    """``sections.2.questions.5.relevant`` reads better as ``last_grade.relevant``."""
    parts = (problem.field or "").split(".")
    if len(parts) < 4 or parts[0] != "sections" or parts[2] != "questions":
        return problem
    try:
        name = data["sections"][int(parts[1])]["questions"][int(parts[3])]["name"]
    except (KeyError, IndexError, TypeError, ValueError):
        return problem
    field = ".".join([str(name), *parts[4:]])
    return dataclasses.replace(problem, field=field)


def load_form(path: Path | None = None) -> Form:
    """The checked form at ``path`` (default: the bundled intake form), or :class:`FormError`."""
    target = path or default_form_path()
    report = check_form(target)
    if report.form is None or report.errors:
        errors = report.errors or report.problems
        raise FormError(
            f"Formular {report.source} hat {len(errors)} Fehler: {errors[0].render()}",
            hint="Alle Fehler zeigt 'seiteneinsteiger form check'.",
            problems=errors,
        )
    return report.form


# ---------------------------------------------------------------------------------------------


def semantic_problems(form: Form, document: Document) -> list[Problem]:
    problems: list[Problem] = []
    problems += _language_problems(form, document)
    problems += _list_problems(form, document)
    problems += _target_problems(form, document)
    problems += _value_problems(form, document)
    problems += _never_shown(form, document)
    problems += _translation_warnings(form, document)
    return problems


def _language_problems(form: Form, document: Document) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for index, entry in enumerate(form.file.settings.languages):
        where = ("settings", "languages", index, "code")
        message = check_language(entry.code)
        if message:
            problems.append(
                locate(document, where, f"unbekannter Sprachcode: {message}", code="SE-F006")
            )
        if entry.code in seen:
            problems.append(
                locate(
                    document, where, f"Sprache '{entry.code}' ist doppelt angegeben", code="SE-F004"
                )
            )
        seen.add(entry.code)
    if "de" not in seen:
        problems.append(
            locate(
                document,
                ("settings", "languages"),
                "Deutsch ('de') fehlt; jedes Formular braucht die deutschen Texte",
                code="SE-F006",
            )
        )
    declared = set(form.languages)
    reported: set[str] = set()
    for path, labels in _label_maps(form):
        for code in labels:
            if code in declared or code in reported:
                continue
            reported.add(code)
            message = check_language(code)
            if message:
                problems.append(
                    locate(
                        document,
                        (*path, code),
                        f"unbekannter Sprachcode: {message}",
                        code="SE-F006",
                    )
                )
            else:
                problems.append(
                    locate(
                        document,
                        (*path, code),
                        f"Sprache '{code}' steht nicht "
                        "in settings.languages; die Texte werden nie gezeigt",
                        code="SE-F006",
                        severity="warning",
                    )
                )
    return problems


def _label_maps(form: Form) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, str]]]:
    file = form.file
    yield ("settings", "title"), file.settings.title
    for key in type(file.texts).model_fields:
        labels = getattr(file.texts, key)
        if labels is not None:
            yield ("texts", key), labels
    for section in form.sections:
        yield (*section.path, "title"), section.title
    for question in form.questions:
        for key in ("label", "hint", "constraint_message", "required_message"):
            labels = getattr(question, key)
            if labels:
                yield (*question.path, key), labels
    for choices in form.lists.values():
        for choice in choices:
            yield (*choice.path, "label"), choice.label


def _list_problems(form: Form, document: Document) -> list[Problem]:
    problems = []
    used = {q.list_name for q in form.questions if q.list_name}
    for name, choices in form.lists.items():
        seen: dict[str, int] = {}
        for index, choice in enumerate(choices):
            if choice.code in seen:
                problems.append(
                    locate(
                        document,
                        (*choice.path, "code"),
                        f"Code '{choice.code}' steht in Liste '{name}' zweimal",
                        code="SE-F004",
                    )
                )
            seen.setdefault(choice.code, index)
        if name not in used:
            problems.append(
                locate(
                    document,
                    ("lists", name),
                    f"Liste '{name}' wird von keiner Frage benutzt",
                    code="SE-F012",
                    severity="warning",
                    field="",
                )
            )
    for question in form.questions:
        if question.type != "select_multiple":
            continue
        for choice in form.choices(question):
            for language, text in choice.label.items():
                if "," in text or ";" in text:
                    problems.append(
                        locate(
                            document,
                            (*choice.path, "label", language),
                            "Auswahl einer Mehrfachfrage enthält ',' oder ';': "
                            "getippte Antworten werden daran getrennt",
                            code="SE-F012",
                            severity="warning",
                        )
                    )
    return problems


def _target_problems(form: Form, document: Document) -> list[Problem]:
    problems = []
    by_target: dict[tuple[str | int, ...], QuestionSpec] = {}
    for question in form.questions:
        target = question.target
        if target is None:
            continue
        path = (*question.path, "target")
        if target.path in by_target:
            first = by_target[target.path]
            problems.append(
                locate(
                    document,
                    path,
                    f"Zielfeld '{target.text}' füllt schon Frage "
                    f"'{first.name}' (Nr. {first.number})",
                    code="SE-F004",
                )
            )
        by_target.setdefault(target.path, question)
        expected = QUESTION_KIND_FOR_TYPE[question.type]
        if target.kind != expected:
            problems.append(
                locate(
                    document,
                    path,
                    f"Zielfeld '{target.text}' ({_KIND_NAMES[target.kind]}) "
                    f"passt nicht zum Fragetyp '{question.type}' "
                    f"({_KIND_NAMES[expected]})",
                    code="SE-F003",
                )
            )
            continue
        if target.enum is not None and question.list_name in form.lists:
            allowed = [member.value for member in target.enum]
            for choice in form.lists[question.list_name]:
                if choice.code not in allowed:
                    problems.append(
                        locate(
                            document,
                            (*choice.path, "code"),
                            f"Code "
                            f"'{choice.code}' gibt es in '{target.text}' nicht "
                            f"(Liste '{question.list_name}'). Erlaubt: " + ", ".join(allowed),
                            code="SE-F003",
                        )
                    )
    for required in required_fields():
        asking = next((q for q in form.questions if q.target_text == required), None)
        if asking is None:
            problems.append(
                locate(
                    document,
                    ("sections",),
                    f"Pflichtfeld '{required}' von intake@1 wird von keiner Frage erfragt",
                    code="SE-F010",
                    field="",
                )
            )
        elif not asking.required or asking.relevant is not None:
            problems.append(
                locate(
                    document,
                    (*asking.path, "required"),
                    f"'{required}' ist in "
                    "intake@1 Pflicht: die Frage sollte 'required: true' und kein "
                    "'relevant' haben",
                    code="SE-F010",
                    severity="warning",
                )
            )
    return problems


_KIND_NAMES = {
    "text": "Text",
    "int": "ganze Zahl",
    "date": "Datum",
    "bool": "ja/nein",
    "enum": "ein Code",
    "enum_list": "Liste von Codes",
    "language": "Sprachcode",
    "country": "Ländercode",
    "other": "Gruppe oder Liste",
}


def _value_problems(form: Form, document: Document) -> list[Problem]:
    problems = []
    for question in form.questions:
        for key in ("default", "value_when_hidden"):
            raw = getattr(question, key)
            if raw is None or (key == "default" and raw == "today" and question.type == "date"):
                continue
            path = (*question.path, key)
            parsed = parse(form, question, raw, "de")
            rejection = (
                validate_value(form, question, parsed.value, {}) if parsed.error is None else None
            )
            if parsed.error is not None or parsed.value is None or rejection is not None:
                problems.append(
                    locate(
                        document,
                        path,
                        f"'{brief(raw)}' passt nicht zu Frage '{question.name}' ({question.type})",
                        code="SE-F013",
                    )
                )
        if question.value_when_hidden is not None and question.relevant is None:
            problems.append(
                locate(
                    document,
                    (*question.path, "value_when_hidden"),
                    "'value_when_hidden' ohne 'relevant' wirkt nie",
                    code="SE-F013",
                    severity="warning",
                )
            )
    return problems


# ---------------------------------------------------------------------------------------------
# Questions that can never be shown


def _never_shown(form: Form, document: Document) -> list[Problem]:
    problems = []
    never: set[str] = set()
    for question in form.questions:
        condition = question.relevant
        if condition is None or form.by_name.get(question.name) is not question:
            continue
        names = sorted(n for n in condition.fields() if n in form.by_name and n != question.name)
        if any(form.by_name[n].index > question.index for n in names):
            continue  # reported as an order problem
        domains = [_domain(form, form.by_name[n], condition, never) for n in names]
        size = 1
        for domain in domains:
            size *= max(1, len(domain))
        if size > _ENUMERATION_LIMIT or _satisfiable(form, condition, names, domains):
            continue
        never.add(question.name)
        listing = ", ".join(f"'{n}'" for n in names) or "keine Frage"
        problems.append(
            locate(
                document,
                (*question.path, "relevant"),
                f"Frage "
                f"'{question.name}' (Nr. {question.number}) wird nie angezeigt: "
                f"keine Antwort auf {listing} erfüllt diese Bedingung",
                code="SE-F009",
            )
        )
    return problems


def _satisfiable(
    form: Form, condition: Condition, names: list[str], domains: list[list[Any]]
) -> bool:
    for combination in itertools.product(*domains):
        known = dict(zip(names, combination, strict=True))
        if holds(condition, known, form.catalogue):
            return True
    return False


def _domain(form: Form, question: QuestionSpec, condition: Condition, never: set[str]) -> list[Any]:
    hidden = hidden_value(form, question)
    if question.name in never:
        return [hidden]
    mentioned = values_of(condition).get(question.name, set())
    values: list[Any] = [None]
    if hidden is not None:
        values.append(hidden)
    kind = question.type
    if kind == "boolean":
        values += [True, False]
    elif kind == "select_one":
        values += [c.code for c in form.choices(question, offered=False)]
    elif kind == "select_multiple":
        codes = [c.code for c in form.choices(question, offered=False)]
        named = [code for code in codes if code in mentioned][:10]
        others = [code for code in codes if code not in named]
        for size in range(len(named) + 1):
            for subset in itertools.combinations(named, size):
                values.append(list(subset))
                if others:
                    values.append([*subset, others[0]])
    elif kind == "integer":
        for value in mentioned:
            if isinstance(value, int) and not isinstance(value, bool):
                values += [value - 1, value, value + 1]
        values.append(0)
    elif kind == "date":
        for value in mentioned:
            if hasattr(value, "toordinal"):
                values += [value - timedelta(days=1), value, value + timedelta(days=1)]
    else:
        values += [v for v in mentioned if isinstance(v, str)] + [_TEXT_OTHER]
    unique: list[Any] = []
    for value in values:
        if value not in unique:
            unique.append(value)
    return unique


# ---------------------------------------------------------------------------------------------
# Translations


def _translation_warnings(form: Form, document: Document) -> list[Problem]:
    missing: dict[str, list[str]] = {
        code: [] for code in form.languages if code != "de" and check_language(code) is None
    }
    problems = []
    for path, labels, where in _family_texts(form):
        if not labels.get("de"):
            problems.append(
                locate(document, path, f"deutscher Text fehlt ({where})", code="SE-F007")
            )
        for code, items in missing.items():
            if not labels.get(code):
                position = document.locator.find(path)
                line = f" (Zeile {position.line})" if position else ""
                items.append(f"{where}{line}")
    for index, entry in enumerate(form.file.settings.languages):
        gaps = missing.get(entry.code)
        if not gaps:
            continue
        shown = "; ".join(gaps[:8]) + (f"; und {len(gaps) - 8} weitere" if len(gaps) > 8 else "")
        problems.append(
            locate(
                document,
                ("settings", "languages", index, "code"),
                f"Übersetzung '{entry.code}' unvollständig, {len(gaps)} Texte fehlen: {shown}",
                code="SE-F007",
                severity="warning",
                field="",
            )
        )
    return problems


def _family_texts(
    form: Form,
) -> Iterator[tuple[tuple[str | int, ...], Mapping[str, str], str]]:
    """Every text a family reads (counsellor sections need German only)."""
    file = form.file
    yield ("settings", "title"), file.settings.title, "settings.title"
    for key in type(file.texts).model_fields:
        labels = getattr(file.texts, key)
        if labels is not None:
            yield ("texts", key), labels, f"texts.{key}"
    family_lists: set[str] = set()
    for section in form.sections:
        if section.audience == "family":
            yield (*section.path, "title"), section.title, f"Abschnitt {section.name}: title"
    for question in form.questions:
        if question.counsellor_only:
            if not question.label.get("de"):
                yield (*question.path, "label"), question.label, f"{question.name}: label"
            continue
        if question.list_name:
            family_lists.add(question.list_name)
        for key in ("label", "hint", "constraint_message", "required_message"):
            labels = getattr(question, key)
            if key == "label" or labels:
                yield (*question.path, key), labels, f"{question.name}: {key}"
    for name in sorted(family_lists):
        for choice in form.lists.get(name, []):
            yield (*choice.path, "label"), choice.label, f"Liste {name}, {choice.code}"
    for name, choices in form.lists.items():
        if name not in family_lists:
            for choice in choices:
                if not choice.label.get("de"):
                    yield (*choice.path, "label"), choice.label, f"Liste {name}, {choice.code}"
