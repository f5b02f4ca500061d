"""Target fields: where in an intake@1 document a question's answer goes.

A target is a dotted path into :class:`~seiteneinsteiger.models.intake.Intake`, read from the
model itself so that it can never drift from the contract: ``pupil.birth_date``,
``languages.scripts`` (a whole list, for ``select_multiple``), ``pupil.first_languages.0`` (one
item of a list) or ``family.guardians.1.phone`` (a field of the second guardian).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, create_model
from pydantic.fields import FieldInfo

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.models import types as field_types
from seiteneinsteiger.models.intake import Intake

_MODELS: dict[str, type[BaseModel]] = {}
MAX_INDEX = 9  # items per list a form may address (family.guardians.0 ... .9)

#: Which leaf kind each question type may fill.
QUESTION_KIND_FOR_TYPE = {
    "text": "text",
    "integer": "int",
    "date": "date",
    "boolean": "bool",
    "select_one": "enum",
    "select_multiple": "enum_list",
    "language": "language",
    "country": "country",
}

LeafKind = Literal[
    "text", "int", "date", "bool", "enum", "enum_list", "language", "country", "other"
]


@dataclass(frozen=True, slots=True)
class Target:
    """A resolved target field."""

    text: str
    path: tuple[str | int, ...]
    kind: LeafKind
    enum: type[StrEnum] | None  # the code list of an enum or enum-list leaf
    required: bool  # the intake contract requires the field
    annotation: Any  # what a single answer must satisfy

    def check(self, value: Any) -> str | None:
        """The German message when ``value`` does not fit the field, else None."""
        from seiteneinsteiger.intake_io import explain_validation_error

        model = _MODELS.get(self.text)
        if model is None:
            name = next(str(part) for part in reversed(self.path) if isinstance(part, str))
            fields: dict[str, Any] = {name: (self.annotation, ...)}
            model = _MODELS[self.text] = create_model(
                f"Answer_{name}", __config__=ConfigDict(extra="forbid"), **fields
            )
        name = next(iter(model.model_fields))
        try:
            model.model_validate({name: value})
        except ValidationError as exc:
            explained = explain_validation_error(exc, model, {name: value})
            return explained[0][1] if explained else "ungültiger Wert"
        return None


class TargetError(ValueError):
    """A dotted path that is no intake@1 field, with a German message."""


def resolve(text: str) -> Target:
    """Resolve ``text`` against intake@1 or raise :class:`TargetError` with a did-you-mean."""
    if not isinstance(text, str) or not text:
        raise TargetError("Zielfeld fehlt")
    parts = text.split(".")
    model: type[BaseModel] = Intake
    path: list[str | int] = []
    required = True
    index = 0
    while index < len(parts):
        part = parts[index]
        info = model.model_fields.get(part)
        if info is None:
            where = ".".join(str(p) for p in path) or "intake@1"
            near = suggest(part, list(model.model_fields), cutoff=0.6)
            hint = f"; meinten Sie '{'.'.join([*map(str, path), near])}'?" if near else ""
            listing = ", ".join(model.model_fields)
            raise TargetError(
                f"unbekanntes Zielfeld '{text}': '{part}' gibt es in {where} nicht{hint} "
                f"(dort: {listing})"
            )
        path.append(part)
        required = required and info.is_required()
        annotation = _full(info)
        inner = _strip_optional(annotation)
        index += 1
        if _is_list(inner):
            item = typing.get_args(inner)[0]
            if index == len(parts):
                return _leaf(text, path, inner, required=False, whole_list=True)
            number = parts[index]
            if not number.isdigit() or int(number) > MAX_INDEX:
                raise TargetError(
                    f"Zielfeld '{text}': nach '{part}' (einer Liste) wird eine Nummer 0 bis "
                    f"{MAX_INDEX} erwartet, nicht '{number}'"
                )
            path.append(int(number))
            index += 1
            required = False
            item_model = _model(item)
            if item_model is None:
                if index != len(parts):
                    raise TargetError(f"Zielfeld '{text}': '{part}' enthält keine Unterfelder")
                return _leaf(text, path, item, required=False, whole_list=False)
            model = item_model
            if index == len(parts):
                raise TargetError(
                    f"Zielfeld '{text}' ist eine Gruppe; bitte ein Feld darin angeben "
                    f"({', '.join(model.model_fields)})"
                )
            continue
        sub = _model(inner)
        if sub is not None:
            if index == len(parts):
                raise TargetError(
                    f"Zielfeld '{text}' ist eine Gruppe; bitte ein Feld darin angeben "
                    f"({', '.join(sub.model_fields)})"
                )
            model = sub
            continue
        if index != len(parts):
            raise TargetError(f"Zielfeld '{text}': '{part}' enthält keine Unterfelder")
        return _leaf(text, path, annotation, required=required, whole_list=False)
    raise TargetError(f"unbekanntes Zielfeld '{text}'")  # pragma: no cover - loop always returns


def _leaf(
    text: str, path: list[str | int], annotation: Any, *, required: bool, whole_list: bool
) -> Target:
    inner = _strip_optional(annotation)
    if whole_list:
        item = _strip_annotated(typing.get_args(inner)[0])
        if isinstance(item, type) and issubclass(item, StrEnum):
            return Target(text, tuple(path), "enum_list", item, required, inner)
        return Target(text, tuple(path), "other", None, required, inner)
    kind, enum = _classify(inner)
    return Target(text, tuple(path), kind, enum, required, annotation)


def _classify(annotation: Any) -> tuple[LeafKind, type[StrEnum] | None]:
    validators = [
        meta.func
        for meta in getattr(annotation, "__metadata__", ())
        if isinstance(meta, AfterValidator)
    ]
    base = _strip_annotated(annotation)
    if field_types._language in validators:
        return "language", None
    if field_types._country in validators:
        return "country", None
    if isinstance(base, type):
        if issubclass(base, StrEnum):
            return "enum", base
        if issubclass(base, bool):
            return "bool", None
        if issubclass(base, int):
            return "int", None
        if issubclass(base, dt.datetime):
            return "other", None
        if issubclass(base, dt.date):
            return "date", None
        if issubclass(base, str):
            return "text", None
    return "other", None


def _full(info: FieldInfo) -> Any:
    if info.metadata:
        return Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        arguments = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(arguments) == 1:
            return arguments[0]
    return annotation


def _strip_annotated(annotation: Any) -> Any:
    while typing.get_origin(annotation) is Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(_strip_annotated(annotation)) is list


def _model(annotation: Any) -> type[BaseModel] | None:
    base = _strip_annotated(annotation)
    if isinstance(base, type) and issubclass(base, BaseModel):
        return base
    return None


def required_fields() -> list[str]:
    """Dotted paths of every field intake@1 requires (``format`` is set by the assembler)."""
    found: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, info in model.model_fields.items():
            if not info.is_required() or name == "format":
                continue
            sub = _model(_strip_optional(_full(info)))
            if sub is not None:
                walk(sub, f"{prefix}{name}.")
            else:
                found.append(f"{prefix}{name}")

    walk(Intake, "")
    return found
