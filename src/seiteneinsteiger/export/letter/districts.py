"""What the family letter says about the district: who to contact, how long the wait is.

Two files, same format (``seiteneinsteiger/family-letter-districts@1``):

* ``data/letter/districts.yaml`` ships with the program: an NRW default (the typical time until
  the Schulamt's letter, with its source) and the built-in districts;
* ``familienbrief.yaml`` in the user's configuration directory (next to ``config.yaml``) is the
  installation's own: the KI's address, phone, e-mail and office hours, and the district's own
  waiting time. Its values win, field by field.

For a district the values are taken in this order: installation district, installation default,
bundled district, bundled default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.export.modelfile import load_model_file
from seiteneinsteiger.limits import InputKind

FORMAT = "seiteneinsteiger/family-letter-districts@1"
BUNDLED_PATH = Path(__file__).resolve().parents[2] / "data" / "letter" / "districts.yaml"
INSTALLATION_NAME = "familienbrief.yaml"

Line = Annotated[str, Field(min_length=1, max_length=200)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactSpec(_Model):
    name: Line | None = None
    address: list[Line] | None = None
    phone: Line | None = None
    email: Line | None = None
    hours: Line | None = None
    web: Line | None = None


class WaitingWeeks(_Model):
    low: Annotated[int, Field(ge=1, le=52)]
    high: Annotated[int, Field(ge=1, le=52)]

    @model_validator(mode="after")
    def _ordered(self) -> WaitingWeeks:
        if self.low > self.high:
            raise ValueError("low darf nicht größer als high sein")
        return self


class DistrictSpec(_Model):
    contact: ContactSpec | None = None
    waiting_weeks: WaitingWeeks | None = None
    waiting_source: Annotated[str, Field(min_length=1, max_length=1000)] | None = None
    #: a flag of the district's rule set meaning "parents enrol at a Grundschule themselves"
    direct_enrolment_flag: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{1,59}$")] | None = None


class DistrictsFile(_Model):
    format: Literal["seiteneinsteiger/family-letter-districts@1"]
    default: DistrictSpec = Field(default_factory=DistrictSpec)
    districts: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")], DistrictSpec] = (
        Field(default_factory=dict)
    )


@dataclass(frozen=True, slots=True)
class Contact:
    name: str
    address: tuple[str, ...] = ()
    phone: str | None = None
    email: str | None = None
    hours: str | None = None
    web: str | None = None

    @property
    def reachable(self) -> bool:
        """Whether the letter can tell the family how to reach the KI."""
        return bool(self.phone or self.email or self.address)


@dataclass(frozen=True, slots=True)
class DistrictInfo:
    """Everything the letter needs to know about one district."""

    district: str
    contact: Contact
    waiting: WaitingWeeks
    waiting_source: str
    direct_enrolment_flag: str | None
    #: where the contact came from (for the counsellor's hint), None when only the default name
    contact_source: str | None

    def contact_values(self) -> list[str]:
        """Every text of the contact that the letter prints."""
        contact = self.contact
        optional = (contact.phone, contact.email, contact.hours, contact.web)
        return [contact.name, *contact.address, *(value for value in optional if value)]


def installation_path() -> Path:
    from seiteneinsteiger.rules.api import config_dir

    return config_dir() / INSTALLATION_NAME


def district_info(district: str) -> DistrictInfo:
    """The merged information for ``district`` (see the module docstring for the order)."""
    bundled = _bundled()
    path = installation_path()
    installation = load_districts_file(path) if path.is_file() else None
    layers: list[tuple[DistrictSpec, str | None]] = []  # most specific first
    if installation is not None:
        own = installation.districts.get(district)
        if own is not None:
            layers.append((own, str(path)))
        layers.append((installation.default, str(path)))
    own_bundled = bundled.districts.get(district)
    if own_bundled is not None:
        layers.append((own_bundled, None))
    layers.append((bundled.default, None))
    return _merge(district, layers)


def _merge(district: str, layers: list[tuple[DistrictSpec, str | None]]) -> DistrictInfo:
    def first(attribute: str) -> tuple[object, str | None]:
        for spec, origin in layers:
            contact = spec.contact
            value = getattr(contact, attribute) if contact is not None else None
            if value:
                return value, origin
        return None, None

    name, _ = first("name")
    address, address_origin = first("address")
    phone, phone_origin = first("phone")
    email, email_origin = first("email")
    hours, _ = first("hours")
    web, _ = first("web")
    waiting = next(spec.waiting_weeks for spec, _ in layers if spec.waiting_weeks)
    source = next(spec.waiting_source for spec, _ in layers if spec.waiting_source)
    flag = next(
        (spec.direct_enrolment_flag for spec, _ in layers if spec.direct_enrolment_flag), None
    )
    contact = Contact(
        name=str(name or "Kommunales Integrationszentrum"),
        address=tuple(address) if isinstance(address, list) else (),
        phone=str(phone) if phone else None,
        email=str(email) if email else None,
        hours=str(hours) if hours else None,
        web=str(web) if web else None,
    )
    origin = address_origin or phone_origin or email_origin
    return DistrictInfo(
        district=district,
        contact=contact,
        waiting=waiting,
        waiting_source=source,
        direct_enrolment_flag=flag,
        contact_source=origin,
    )


@cache
def _bundled() -> DistrictsFile:
    loaded = load_districts_file(BUNDLED_PATH, "data/letter/districts.yaml")
    if loaded.default.waiting_weeks is None or not loaded.default.waiting_source:
        raise ExportError(  # pragma: no cover - guarded by the bundled file's tests
            "data/letter/districts.yaml: default braucht waiting_weeks und waiting_source"
        )
    return loaded


def load_districts_file(path: Path, display: str | None = None) -> DistrictsFile:
    """Load one districts file strictly; every problem with ``FILE:LINE``."""
    source = display or str(path)
    _, parsed = load_model_file(
        path,
        source,
        DistrictsFile,
        kind=InputKind.LETTER,
        title="Einstellungsdatei für den Familienbrief",
        expected=f"format, default, districts (erste Zeile: format: {FORMAT})",
    )
    return parsed
