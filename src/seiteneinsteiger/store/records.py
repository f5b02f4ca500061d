"""What the register hands out: plain records, no database objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.schools.offers import Offer, offer_label
from seiteneinsteiger.store.allocation import ReservationStatus
from seiteneinsteiger.store.scrub import ScrubOutcome
from seiteneinsteiger.store.status import (
    STATUS_LABELS,
    PlacementStatus,
    StageWait,
    StatusEvent,
)

if TYPE_CHECKING:  # the school search modules load with the commands that use them
    from seiteneinsteiger.schools.capacity import CapacityRow


class AuditAction(StrEnum):
    """What was done to a case (or the register); the audit log stores no field values."""

    added = "angelegt"
    replaced = "ersetzt"
    status = "status"
    viewed = "angesehen"
    listed = "aufgelistet"
    exported = "exportiert"
    deleted = "gelöscht"
    purged = "bereinigt"
    backed_up = "gesichert"
    migrated = "aktualisiert"
    directory = "schulverzeichnis"  # the school directory was imported
    capacity = "kapazität"  # capacity reports were stored


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One line of the case list; names only when asked for (the counsellor's own screen)."""

    case_id: str
    district: str | None
    intake_date: dt.date
    status: PlacementStatus
    waiting_days: int | None
    family_name: str | None = None
    given_names: str | None = None
    school_number: str | None = None  # the school of the latest status, if it names one
    school_name: str | None = None  # its short name in the imported directory

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A whole case: the stored intake and its status history, oldest first."""

    case_id: str
    district: str | None
    status: PlacementStatus
    waiting_days: int | None
    created_at: str
    updated_at: str
    source: str | None
    intake: Intake
    history: list[StatusEvent]


@dataclass(frozen=True, slots=True)
class Added:
    case_id: str
    replaced: bool
    status: PlacementStatus
    assigned: bool = False  # the register gave the case its id
    scrub: ScrubOutcome | None = None  # after a replacement: the old version's removal


@dataclass(frozen=True, slots=True)
class Place:
    """The place a proposal asks the register to hold: a capacity row, and the offer and class
    the ranking found there for the case."""

    capacity_id: int
    schulnummer: str
    offer: Offer
    grade: int | None


@dataclass(frozen=True, slots=True)
class Reservation:
    """A place held for a case (see store/allocation.py for its life)."""

    id: int
    case_id: str
    capacity_id: int
    schulnummer: str
    offer: Offer
    grade: int | None
    status: ReservationStatus
    since: dt.date
    confirmed_on: dt.date | None = None
    ended_on: dt.date | None = None
    end_reason: str | None = None

    def place_text(self) -> str:
        """``Erstalphabetisierung Klasse 7``."""
        grade = f" Klasse {self.grade}" if self.grade is not None else ""
        return f"{offer_label(self.offer)}{grade}"


@dataclass(frozen=True, slots=True)
class StatusChange:
    case_id: str
    previous: PlacementStatus
    event: StatusEvent
    reserved: Reservation | None = None  # a proposal reserved this place
    released: Reservation | None = None  # this place was given back
    confirmed: Reservation | None = None  # this place is now taken (admission confirmed)
    notes: tuple[str, ...] = ()  # what the counsellor should know (German)


@dataclass(frozen=True, slots=True)
class DirectoryImport:
    """One import of the Ministry's school directory: when, by whom, from which file."""

    id: int
    imported_at: str
    imported_by: str
    source: str
    sha256: str
    rows: int
    schools: int
    authorities: int
    left_out: int
    attribution: str
    unlisted: int = 0  # schools of earlier imports kept because capacity rows name them

    @property
    def day(self) -> dt.date:
        return dt.datetime.fromisoformat(self.imported_at).date()

    def stand(self) -> str:
        """``Stand: schuldaten.csv, eingelesen am 06.12.2026``."""
        name = self.source.replace("\\", "/").rsplit("/", 1)[-1]
        return f"Stand: {name}, eingelesen am {self.day:%d.%m.%Y}"

    def credit(self) -> str:
        """The line every output with directory data ends with."""
        return f"Schuldaten: {self.attribution} ({self.stand()})"


@dataclass(frozen=True, slots=True)
class CapacityChange:
    """What storing capacity reports did."""

    added: list[CapacityRow]
    replaced: int = 0
    moved: list[str] = field(default_factory=list)  # cases whose reservation moved to a new row
    stranded: list[tuple[str, str]] = field(default_factory=list)  # (case, school): no new row
    overbooked: list[CapacityRow] = field(default_factory=list)  # more held than reported free


@dataclass(frozen=True, slots=True)
class Deleted:
    case_ids: list[str]
    scrub: ScrubOutcome


@dataclass(frozen=True, slots=True)
class PurgePlan:
    """Cases whose retention period has passed, with the day each was closed."""

    as_of: dt.date
    years: int
    cutoff: dt.date  # closed on or before this day
    due: list[tuple[str, dt.date]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CaseStats:
    """Counts without names: what a council committee asks for."""

    as_of: dt.date
    total: int
    by_status: dict[PlacementStatus, int]
    waiting_for_place: int
    median_waiting_days: float | None
    max_waiting_days: int | None
    stages: list[StageWait] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: str
    os_user: str
    action: str
    case_id: str | None
    detail: str | None = None
