"""Which schools belong to a district: Gemeindeschlüssel prefixes by district id.

The mapping is data (``data/schools/districts.yaml``, format
``seiteneinsteiger/school-districts@1``), not part of a rule set: the rule-set header is a strict
contract of the rule loader, every other ``*.yaml`` in a rule-set directory is read as a decision
table, and which schools lie in a Kreis does not change with the placement rules. A district
extends or corrects the built-in list with its own file in the same format
(:func:`load_districts` with ``base``); an entry there replaces the built-in one of the same id.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from seiteneinsteiger import DATA_DIR
from seiteneinsteiger.errors import InputFileError
from seiteneinsteiger.intake_io import explain_validation_error
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.yamlsource import parse_yaml, read_text

FORMAT = "seiteneinsteiger/school-districts@1"

DistrictId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")]
Prefix = Annotated[str, Field(pattern=r"^05\d{0,6}$")]


class _DistrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    title: Annotated[str, Field(min_length=1, max_length=200)]
    gemeinden: Annotated[list[Prefix], Field(min_length=1)]
    schulamt: Annotated[str, Field(pattern=r"^\d{6}$")] | None = None


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    format: Literal["seiteneinsteiger/school-districts@1"]
    districts: dict[DistrictId, _DistrictModel]


@dataclass(frozen=True, slots=True)
class SchoolDistrict:
    """A Kreis or kreisfreie Stadt: its id, its name and its Gemeindeschlüssel prefixes."""

    id: str
    title: str
    gemeinden: tuple[str, ...]
    schulamt: str | None = None  # Schulnummer of the Schulamt (key 0A) in the directory

    def contains(self, gemeindeschluessel: str) -> bool:
        return gemeindeschluessel.startswith(self.gemeinden)


def builtin_path() -> Path:
    return DATA_DIR / "schools" / "districts.yaml"


@functools.cache
def builtin_districts() -> dict[str, SchoolDistrict]:
    """The districts shipped with the package (loaded once per process)."""
    return load_districts(builtin_path(), display="data/schools/districts.yaml")


def load_districts(
    path: Path, *, display: str | None = None, base: dict[str, SchoolDistrict] | None = None
) -> dict[str, SchoolDistrict]:
    """Read a districts file; its entries are added to ``base`` (replacing equal ids).

    Every problem of the file is reported at once, located ``FILE:LINE: feld: Meldung``.
    """
    shown = display or str(path)
    document = parse_yaml(read_text(path, shown, kind=InputKind.SCHOOL_DISTRICTS), shown)
    try:
        model = _FileModel.model_validate(document.data)
    except ValidationError as exc:
        problems = [
            document.problem(item.loc, item.message, at_key=item.unknown)
            for item in explain_validation_error(exc, _FileModel, document.data)
        ]
        raise InputFileError(
            f"{shown}: Kreiszuordnung der Schulen ungültig ({len(problems)} Problem"
            f"{'e' if len(problems) != 1 else ''})",
            problems=problems,
        ) from None
    districts = dict(base or {})
    for district_id, entry in model.districts.items():
        districts[district_id] = SchoolDistrict(
            id=district_id,
            title=entry.title,
            gemeinden=tuple(entry.gemeinden),
            schulamt=entry.schulamt,
        )
    return districts
