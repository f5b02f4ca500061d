"""What the register hands out: plain records, no database objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.store.scrub import ScrubOutcome
from seiteneinsteiger.store.status import STATUS_LABELS, PlacementStatus, StatusEvent


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
class StatusChange:
    case_id: str
    previous: PlacementStatus
    event: StatusEvent


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


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: str
    os_user: str
    action: str
    case_id: str | None
    detail: str | None = None
