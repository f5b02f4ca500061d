"""The rule file format: the pydantic models of ``ruleset.yaml`` and the table files, and
validation against them with every problem located at ``FILE:LINE:COL`` (never an exception).

Semantic checks (unknown facts, parameters, flags) belong to :mod:`.layers` and :mod:`.compile`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.errors import Problem
from seiteneinsteiger.intake_io import explain_validation_error
from seiteneinsteiger.models.types import IsoDate
from seiteneinsteiger.rules.compiled import Where
from seiteneinsteiger.yamlsource import Document

FORMAT = "seiteneinsteiger/rules@1"
HEADER = "ruleset.yaml"
Path_ = tuple[str | int, ...]

# ---------------------------------------------------------------------------------------------
# File format (pydantic models; semantic checks follow below)

RuleSetId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")]
Sources = list[str] | str


class _Model(BaseModel):
    #: validators built when first used (see models.intake): a rule file validates its tables
    #: and rules as part of the file's model
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class ParameterModel(_Model):
    value: bool | int | str | list[str] | dict[str, Any]
    label: str | None = None
    source: Sources | None = None
    open: bool = False


class HeaderModel(_Model):
    format: Literal["seiteneinsteiger/rules@1"]
    id: RuleSetId
    title: str
    version: str
    extends: RuleSetId | None = None
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    review_by: IsoDate | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    flags: dict[str, str] = Field(default_factory=dict)


class RuleModel(_Model):
    id: Identifier
    title: str | None = None
    overridable: bool = False
    discretion: bool = False
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    review_by: IsoDate | None = None
    when: Any = None
    then: dict[str, Any] = Field(default_factory=dict)
    because: str
    why_not: str | None = None
    source: Sources | None = None


class OtherwiseModel(_Model):
    flags: list[str] = Field(default_factory=list)
    then: dict[str, Any] = Field(default_factory=dict)
    because: str
    source: Sources | None = None


class TableModel(_Model):
    id: Identifier
    title: str | None = None
    decides: list[str]
    hit_policy: Literal["unique", "collect"]
    otherwise: Any = None
    rules: list[Any] = Field(default_factory=list)


class AddModel(_Model):
    table: str
    rules: list[Any]


class ReplaceModel(_Model):
    replaces: str
    rule: Any


class TableFileModel(_Model):
    format: Literal["seiteneinsteiger/rules@1"]
    tables: list[Any] = Field(default_factory=list)
    add: list[Any] = Field(default_factory=list)
    replace: list[Any] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(slots=True)
class Source:
    """A parsed file of a layer: where it is shown, where the trace points, its document."""

    doc: Document
    display: str
    trace: str

    def where(self, path: Path_) -> Where:
        position = self.doc.locator.find(path)
        line, column = (position.line, position.column) if position else (1, 1)
        return Where(self.display, self.trace, line, column)


@dataclass(slots=True)
class Problems:
    """Collects located problems; never raises."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        source: Source,
        path: Path_,
        code: str,
        message: str,
        *,
        key: bool = False,
        severity: str = "error",
    ) -> None:
        position = source.doc.locator.find(path, key=key)
        self.items.append(
            Problem(
                file=source.display,
                line=position.line if position else None,
                column=position.column if position else None,
                code=code,
                message=message,
                severity=severity,
            )
        )

    def plain(
        self, file: str, code: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.items.append(Problem(file=file, line=line, column=column, code=code, message=message))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.items if problem.is_error]


def did_you_mean(name: str, options: list[str]) -> str:
    near = suggest(name, options, cutoff=0.6)
    return f"; meinten Sie '{near}'?" if near and near != name else ""


def validate(
    model: type[_Model], data: Any, source: Source, path: Path_, problems: Problems
) -> Any:
    """Validate ``data`` (found at ``path``) against ``model``; problems instead of exceptions."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for loc, message, unknown in explain_validation_error(exc, model, data):
            full = (*path, *loc)
            field_name = ".".join(str(part) for part in loc) or None
            text = f"{field_name}: {message}" if field_name else message
            problems.add(source, full, "SE-R002", text, key=unknown)
        return None


def source_list(raw: Sources | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    return tuple(item.strip() for item in items if item.strip())
