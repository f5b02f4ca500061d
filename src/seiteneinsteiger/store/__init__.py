"""The case register (Fallregister): one job per module.

- ``status``: placement statuses, waiting time, when a case is closed (pure);
- ``ids``: case id prefixes and shapes (pure);
- ``location``: which register (SQLite file or PostgreSQL URL), passwords masked;
- ``netfs``: network filesystems, where an SQLite register is refused;
- ``engine``: connections with the pragmas and timeouts each backend needs;
- ``schema`` and ``migrations/``: the tables (SQLAlchemy Core) and their Alembic history;
- ``migrate``: bringing a register to this program's schema at opening, old releases included;
- ``register``: :class:`CaseStore`, every operation on cases, each one transaction;
- ``allocation``: which status may follow which, and what it does to a reserved place (pure);
- ``places``: the school directory, capacity reports and reservations in the register;
- ``scrub``: deleted content off the disk (SQLite checkpoint, PostgreSQL VACUUM);
- ``backup``: consistent SQLite copies and their rotation;
- ``errors``: the register's errors and database errors in German.

Importing this package loads SQLAlchemy: the command line imports it inside the commands only.
"""

from seiteneinsteiger.store.allocation import ReservationStatus
from seiteneinsteiger.store.errors import CaseExistsError, CaseNotFoundError, CaseStoreError
from seiteneinsteiger.store.ids import case_id_prefix, check_district
from seiteneinsteiger.store.location import DATABASE_URL_ENV, Location, mask_url
from seiteneinsteiger.store.netfs import network_filesystem
from seiteneinsteiger.store.records import (
    Added,
    AuditAction,
    AuditEntry,
    CapacityChange,
    CaseRecord,
    CaseStats,
    CaseSummary,
    Deleted,
    DirectoryImport,
    Place,
    PurgePlan,
    Reservation,
    StatusChange,
)
from seiteneinsteiger.store.register import CaseStore
from seiteneinsteiger.store.schema import HEAD_REVISION
from seiteneinsteiger.store.scrub import ScrubOutcome
from seiteneinsteiger.store.status import (
    AFTER_COUNSELLING,
    CLOSED,
    STATUS_LABELS,
    WAITING_FOR_PLACE,
    PlacementStatus,
    StatusEvent,
    check_school_number,
    closed_on,
    parse_status,
    waiting_days,
)

__all__ = [
    "AFTER_COUNSELLING",
    "CLOSED",
    "DATABASE_URL_ENV",
    "HEAD_REVISION",
    "STATUS_LABELS",
    "WAITING_FOR_PLACE",
    "Added",
    "AuditAction",
    "AuditEntry",
    "CapacityChange",
    "CaseExistsError",
    "CaseNotFoundError",
    "CaseRecord",
    "CaseStats",
    "CaseStore",
    "CaseStoreError",
    "CaseSummary",
    "Deleted",
    "DirectoryImport",
    "Location",
    "Place",
    "PlacementStatus",
    "PurgePlan",
    "Reservation",
    "ReservationStatus",
    "ScrubOutcome",
    "StatusChange",
    "StatusEvent",
    "case_id_prefix",
    "check_district",
    "check_school_number",
    "closed_on",
    "mask_url",
    "network_filesystem",
    "parse_status",
    "waiting_days",
]
