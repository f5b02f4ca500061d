"""Loading intake files: paths in, validated :class:`Intake` models or located problems out.

One bad file never stops the others: :func:`load_intakes` yields one :class:`LoadedIntake` per
document, each either valid or carrying its problems.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import Any, Literal, NamedTuple, get_args, get_origin

from pydantic import BaseModel, ValidationError

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.districts import unknown_district
from seiteneinsteiger.errors import InputFileError, Problem, brief
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.models.intake import FORMAT, Intake, check_intake
from seiteneinsteiger.yamlsource import Document, JsonLinesProblems, load_documents

INTAKE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")


@dataclass(slots=True)
class LoadedIntake:
    """The outcome of loading one intake document."""

    source: str
    intake: Intake | None
    problems: list[Problem] = field(default_factory=list)
    line: int | None = None  # the line of a JSON Lines record

    @property
    def ok(self) -> bool:
        return self.intake is not None and not any(p.is_error for p in self.problems)

    @property
    def label(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


def expand_paths(paths: Sequence[Path]) -> Iterator[tuple[Path, str]]:
    """Files named directly, and every intake file below a directory, in a stable order.

    Hidden files and directories (``.git``, editor swap files) are skipped. Below a directory,
    every entry with an intake suffix is yielded, also a pipe, a device or a dangling link: the
    reader refuses it with a message instead of skipping it silently. Symbolic links: a link to
    a file is read like the file; a linked directory is entered when named on the command line,
    never while walking a directory (no loops, no surprises from elsewhere on the disk).
    """
    for path in paths:
        if not path.is_dir():
            yield path, _display(path)
            continue
        found = sorted(_intake_files(path))
        shown = _display(path)
        text = str(path)
        below = path.is_absolute() and shown != text  # at or below the working directory
        # Outside it (``shown`` is the absolute path), so is every file below, unless the
        # working directory lies inside ``path``: then each file's name is worked out.
        outside = not below and (not path.is_absolute() or not _holds_cwd(path))
        for _, relative in found:
            candidate = path / relative
            if below:  # what _display (os.path.relpath) gives, without its work for every file
                yield candidate, relative if shown == "." else os.path.join(shown, relative)
            elif outside:
                yield candidate, str(candidate)
            else:
                yield candidate, _display(candidate)


def _holds_cwd(directory: Path) -> bool:
    """Whether the working directory is ``directory`` or lies below it (compared as
    :func:`os.path.relpath` compares: by the normalised absolute paths, links not resolved)."""
    top, cwd = os.path.abspath(directory), os.getcwd()
    return os.path.commonpath([top, cwd]) == top


def _intake_files(directory: Path) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every non-hidden entry below ``directory`` with an intake suffix that is not a directory,
    as its path relative to ``directory`` (text: a batch lists thousands, and a :class:`Path`
    per file costs more than reading it), with a key that sorts the files as their paths sort
    (by parts, as :class:`Path` compares).

    ``os.walk`` tells files from directories by the directory listing itself (no ``stat`` per
    file); a linked directory is listed among the directories and not entered.
    """
    top = str(directory)
    roots: dict[str, tuple[tuple[str, ...], str]] = {top: ((), "")}  # root: (key, relative)
    for root, directories, names in os.walk(top):
        directories[:] = [name for name in directories if not name.startswith(".")]
        key, relative = roots[root]
        for name in directories:
            roots[os.path.join(root, name)] = (
                (*key, os.path.normcase(name)),
                os.path.join(relative, name),
            )
        for name in names:
            if (
                not name.startswith(".")
                and name.lower().endswith(INTAKE_SUFFIXES)
                and not name.endswith((".tests.yaml", ".tests.yml"))
            ):
                yield (*key, os.path.normcase(name)), os.path.join(relative, name)


def _display(path: Path) -> str:
    text = str(path)
    if not path.is_absolute():
        return text
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return text
    return text if relative.startswith("..") else relative


#: Files read and parsed together before their intakes are validated (see :func:`load_intakes`).
GROUP = 8


def load_intakes(
    paths: Sequence[Path],
    *,
    today: dt.date | None = None,
    districts: frozenset[str] | None = None,
) -> Iterator[LoadedIntake]:
    """Load every intake below ``paths``, in order; never raises for bad input.

    ``districts``: the districts an intake may name (see :mod:`seiteneinsteiger.districts`);
    None: any well-formed id.

    A few files are read and parsed, then their intakes validated: each step's code and data
    are still in the processor's caches for the next file (5 % less time per intake in
    ``recommend``, benchmarks/recommend_bench.py). Nothing else changes: the same items in the
    same order, at most ``GROUP`` files read ahead.
    """
    day = today or dt.date.today()
    files = expand_paths(paths)
    while group := list(islice(files, GROUP)):
        read = [_read_intake_file(path, display) for path, display in group]
        for items in read:
            yield from _validated(items, day, districts)


def load_intake_file(
    path: Path,
    display: str | None = None,
    *,
    today: dt.date | None = None,
    districts: frozenset[str] | None = None,
) -> list[LoadedIntake]:
    """The intakes of one file (one, or one per line of a JSON Lines file), in order."""
    items = _read_intake_file(path, display or str(path))
    return list(_validated(items, today or dt.date.today(), districts))


def _read_intake_file(path: Path, source: str) -> list[Document | LoadedIntake]:
    """The documents of one file in order; what cannot be read (the file, or a line of a JSON
    Lines file) already as a failed :class:`LoadedIntake` in its place."""
    try:
        return list(load_documents(path, source, kind=InputKind.INTAKE))
    except JsonLinesProblems as exc:
        broken = [LoadedIntake(source, None, [p], line=p.line) for p in exc.problems]
        return sorted([*broken, *exc.documents], key=_line)
    except InputFileError as exc:
        return [LoadedIntake(source, None, [exc.as_problem(source)])]


def _line(item: Document | LoadedIntake) -> int:
    line = item.line if isinstance(item, LoadedIntake) else item.index
    return line or 0


def _validated(
    items: list[Document | LoadedIntake], day: dt.date, districts: frozenset[str] | None
) -> Iterator[LoadedIntake]:
    for item in items:
        if isinstance(item, LoadedIntake):
            yield item
        else:
            yield validate_document(item, today=day, districts=districts)


def validate_document(
    document: Document, *, today: dt.date, districts: frozenset[str] | None = None
) -> LoadedIntake:
    """Validate one parsed document against intake@1 and the cross-field checks."""
    data = document.data
    if not isinstance(data, dict):
        problem = Problem(
            file=document.source,
            line=document.index or 1,
            message="eine Abbildung mit den Feldern von intake@1 erwartet "
            f"(format: {FORMAT}, intake_date, pupil, ...)",
        )
        return LoadedIntake(document.source, None, [problem], line=document.index)
    try:
        intake = Intake.model_validate(data)
    except ValidationError as exc:
        problems = [
            document.problem(item.loc, item.message, at_key=item.unknown)
            for item in explain_validation_error(exc, Intake, data)
        ]
        problems.sort(key=lambda p: p.line or 0)
        return LoadedIntake(document.source, None, problems, line=document.index)
    problems = [
        document.problem(issue.path, issue.message, severity=issue.severity)
        for issue in check_intake(intake, today)
    ]
    unknown = (
        unknown_district(intake.district, districts) if intake.district and districts else None
    )
    if unknown is not None:
        problems.append(document.problem(("district",), unknown))
    return LoadedIntake(document.source, intake, problems, line=document.index)


# ---------------------------------------------------------------------------------------------
# German messages for pydantic's validation errors

_MESSAGES = {
    "missing": "Pflichtfeld fehlt",
    "int_type": "ganze Zahl erwartet",
    "int_parsing": "ganze Zahl erwartet, nicht '{input}'",
    "int_from_float": "ganze Zahl erwartet, nicht '{input}'",
    "bool_type": "true oder false erwartet, nicht '{input}'",
    "string_type": "Text erwartet, nicht '{input}' (Text in Anführungszeichen setzen)",
    "list_type": "Liste erwartet, z. B. [a, b]",
    "model_type": "Abbildung (Unterfelder) erwartet",
    "model_attributes_type": "Abbildung (Unterfelder) erwartet",
    "dict_type": "Abbildung (Unterfelder) erwartet",
    "string_too_short": "darf nicht leer sein",
    "string_too_long": "Text ist zu lang (höchstens {max_length} Zeichen)",
    "greater_than_equal": "muss mindestens {ge} sein, nicht {input}",
    "less_than_equal": "darf höchstens {le} sein, nicht {input}",
    "frozen_instance": "darf nicht geändert werden",
}

_PATTERN_MESSAGES = {
    "postcode": 'Postleitzahl mit fünf Ziffern erwartet, in Anführungszeichen ("40878")',
    "case_id": "Fallnummer aus Buchstaben, Ziffern, '-', '_', '.', '/' (höchstens 40 Zeichen)",
    "district": "Kennung des Kreises in Kleinbuchstaben, z. B. kreis-mettmann",
}


class FieldError(NamedTuple):
    """One validation error: where (a field path), what (German), and whether the field itself
    is the problem (an unknown key, located at the key rather than at its value)."""

    loc: tuple[str | int, ...]
    message: str
    unknown: bool = False


def explain_validation_error(
    exc: ValidationError, model: type[BaseModel], data: Any
) -> list[FieldError]:
    """German message per error, located by field path; one entry per distinct field."""
    results: list[FieldError] = []
    seen: set[tuple[str | int, ...]] = set()
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"], data)
        if loc in seen:
            continue
        seen.add(loc)
        unknown = error["type"] == "extra_forbidden"
        results.append(FieldError(loc, _message(error, loc, model), unknown))
    return results


def _clean_loc(loc: Iterable[Any], data: Any) -> tuple[str | int, ...]:
    """Keep the parts of a pydantic location that name real keys or indexes of ``data``.

    pydantic inserts markers for union members and validators (``str``,
    ``function-after[_country()]``); a key of the user's file may look just like one, so the
    decision is made by walking the data, not by the spelling.
    """
    parts: list[str | int] = []
    node = data
    for part in loc:
        if _has(node, part):
            parts.append(part)
            node = node[part]
        elif isinstance(part, int) or not _is_marker(str(part)):
            parts.append(part)  # a missing field: the name is still the right location
            node = None
    return tuple(parts)


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _is_marker(part: str) -> bool:
    return "[" in part or part in {"str", "int", "date", "bool", "list", "none", "lax-or-strict"}


def _message(error: Any, loc: tuple[str | int, ...], model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        return _unknown_field(loc, model)
    if kind in {"enum", "literal_error"}:
        allowed = _allowed_values(loc, model)
        shown = brief(value)
        near = suggest(shown, allowed) if allowed and isinstance(value, str) else None
        hint = f" (meinten Sie '{near}'?)" if near and near != value else ""
        listing = ", ".join(allowed) if allowed else str(ctx.get("expected", ""))
        return f"'{shown}' ist nicht erlaubt{hint}. Erlaubt: {listing}"
    if kind == "string_pattern_mismatch":
        name = str(loc[-1]) if loc else ""
        return _PATTERN_MESSAGES.get(name, "Wert hat nicht das erwartete Format")
    if kind in {"iso_date", "country_code", "language_code"}:
        return str(error["msg"])
    template = _MESSAGES.get(kind)
    if template is None:
        return str(error["msg"])
    return template.format(input=brief(value), **ctx)


def _unknown_field(loc: tuple[str | int, ...], model: type[BaseModel]) -> str:
    name = str(loc[-1])
    allowed = _allowed_fields(loc[:-1], model)
    near = suggest(name, allowed) if allowed else None
    hint = f" (meinten Sie '{near}'?)" if near else ""
    listing = f". Erlaubt: {', '.join(allowed)}" if allowed else ""
    return f"unbekanntes Feld '{name}'{hint}{listing}"


def _allowed_fields(parent: tuple[str | int, ...], model: type[BaseModel]) -> list[str]:
    """Field names of the model that sits at ``parent``."""
    found = _model_at(parent, model)
    return list(found.model_fields) if found is not None else []


def _allowed_values(loc: tuple[str | int, ...], model: type[BaseModel]) -> list[str]:
    """The values the field at ``loc`` allows, read from its type (an enum or a Literal),
    never from the wording of pydantic's message."""
    names = [part for part in loc if isinstance(part, str)]  # an item of a list: its field
    parent = _model_at(tuple(names[:-1]), model) if names else None
    info = parent.model_fields.get(names[-1]) if parent is not None else None
    return _choices_of(info.annotation) if info is not None else []


def _model_at(parent: tuple[str | int, ...], model: type[BaseModel]) -> type[BaseModel] | None:
    """The model that sits at ``parent`` (list indexes are stepped through), None if none."""
    current: type[BaseModel] | None = model
    for part in parent:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if current is not None else None
        current = _model_of(info.annotation) if info is not None else None
    return current


def _choices_of(annotation: Any) -> list[str]:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return [str(member.value) for member in annotation]
    if get_origin(annotation) is Literal:
        return [str(argument) for argument in get_args(annotation)]
    choices: list[str] = []
    for argument in get_args(annotation):
        choices += [choice for choice in _choices_of(argument) if choice not in choices]
    return choices


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_of(argument)
        if found is not None:
            return found
    return None
