"""The recommendation ``seiteneinsteiger/recommendation@1`` (domain/recommendation-format.md).

This is what the engine returns and what ``recommend --format json`` prints, one object per intake.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from seiteneinsteiger.codes import (
    Erstalphabetisierung,
    Measure,
    SchoolForm,
    SchulpflichtStatus,
    Stage,
)

FORMAT: Literal["seiteneinsteiger/recommendation@1"] = "seiteneinsteiger/recommendation@1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleSetRef(_Model):
    id: str
    version: str
    extends: list[str] = Field(default_factory=list)


class Schulpflicht(_Model):
    status: SchulpflichtStatus
    since: dt.date | None = None
    starts: dt.date | None = None
    until: dt.date | None = None


class TraceEntry(_Model):
    rule: str
    ruleset: str
    file: str
    line: int
    outcome: dict[str, Any] = Field(default_factory=dict)
    because: str
    sources: list[str] = Field(default_factory=list)


class Recommendation(_Model):
    format: Literal["seiteneinsteiger/recommendation@1"] = FORMAT
    case_id: str | None = None
    source: str | None = None
    reference_date: dt.date
    ruleset: RuleSetRef
    age: int
    schulpflicht: Schulpflicht
    stage: Stage
    school_forms: list[SchoolForm] = Field(default_factory=list)
    grade: int | None = None
    grade_options: list[int] = Field(default_factory=list)
    erstfoerderung: bool = False
    erstalphabetisierung: Erstalphabetisierung = Erstalphabetisierung.not_applicable
    bk_ifk: bool = False
    measures: list[Measure] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    trace: list[TraceEntry] = Field(default_factory=list)
    why_not: dict[str, str] = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON object of the contract, keys in contract order, dates as ISO strings."""
        return self.model_dump(mode="json")
