"""Bring a register to this program's schema: Alembic migrations, one transaction, one lock.

On every open one cheap look at the table list and ``alembic_version`` decides; Alembic itself
(hundreds of milliseconds to import) is loaded only when something must change:

- a new, empty database gets every migration;
- a register of an older revision gets the missing ones;
- an SQLite register of the first release (``PRAGMA user_version`` 1, no Alembic history) is
  copied first (``cases-vor-aktualisierung-<zeit>.sqlite3`` beside it, through the backup API),
  then stamped at revision 0001, whose tables it already has, and upgraded;
- a register of a newer program, or a database whose tables this program does not know, is refused
  with one clear line, before anything is written.

Everything happens inside one write transaction: SQLite's ``BEGIN IMMEDIATE`` or, on PostgreSQL, a
transaction holding an advisory lock, so two programs opening a new register at once migrate it
once; a failing step leaves the register as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from seiteneinsteiger.store.errors import CaseStoreError
from seiteneinsteiger.store.location import Location
from seiteneinsteiger.store.schema import (
    ALEMBIC_USER_VERSION,
    HEAD_REVISION,
    LEGACY_USER_VERSION,
    REVISIONS,
    TABLES,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: ``pg_advisory_xact_lock`` key of schema changes ("seitenei" in ASCII, as a 64-bit number).
MIGRATION_LOCK = 0x7365697465_6E6569
_LEGACY_TABLES = frozenset({"cases", "status_events", "audit", "case_id_counters"})


@dataclass(frozen=True, slots=True)
class SchemaState:
    revision: str | None  # the Alembic revision, None without history
    tables: frozenset[str]
    user_version: int  # SQLite only, 0 elsewhere

    @property
    def is_legacy(self) -> bool:
        return (
            self.revision is None
            and self.tables >= _LEGACY_TABLES
            and self.user_version == LEGACY_USER_VERSION
        )


def read_state(conn: sa.Connection, backend: str) -> SchemaState:
    if backend == "sqlite":
        names = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        user_version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    else:
        names = conn.exec_driver_sql(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        user_version = 0
    tables = frozenset(str(row[0]) for row in names)
    revision = None
    if "alembic_version" in tables:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return SchemaState(revision, tables, user_version)


def check_known(state: SchemaState, location: Location) -> None:
    """Refuse a register this program cannot use, before anything is written."""
    if state.revision is not None and state.revision not in REVISIONS:
        raise CaseStoreError(
            f"Das Fallregister {location.label} stammt von einer neueren Version von "
            f"seiteneinsteiger (Schema {state.revision}, diese Version kennt bis {HEAD_REVISION})",
            hint="Bitte seiteneinsteiger aktualisieren.",
        )
    if state.revision is not None or state.is_legacy:
        return
    foreign = state.tables if location.backend == "sqlite" else state.tables & set(TABLES)
    if foreign:
        hint = (
            "Eine andere Datei wählen oder das Register aus einer Sicherung wiederherstellen."
            if location.backend == "sqlite"
            else "Für das Fallregister eine eigene, leere Datenbank verwenden."
        )
        raise CaseStoreError(
            f"{location.label} enthält Tabellen, aber kein Fallregister, das diese Version von "
            "seiteneinsteiger kennt",
            hint=hint,
        )


def needs_upgrade(state: SchemaState) -> bool:
    return state.revision != HEAD_REVISION


def backup_before(state: SchemaState, location: Location, backup: Callable[[Path], object]) -> None:
    """Copy an existing SQLite register before it is upgraded (outside any transaction: SQLite's
    backup API waits for the source's own write lock)."""
    existing = state.revision is not None or state.is_legacy
    if location.backend == "sqlite" and existing and location.path is not None:
        backup(_backup_name(location.path))


def upgrade(conn: sa.Connection, location: Location) -> str | None:
    """Run inside the caller's write transaction; return the revision the register came from
    (``legacy`` for the first release, ``None`` for a new register)."""
    if location.backend == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    state = read_state(conn, location.backend)  # another program may have been first
    check_known(state, location)
    if not needs_upgrade(state):
        return HEAD_REVISION
    previous = "legacy" if state.is_legacy else state.revision
    config = _alembic_config(conn)
    from alembic import command

    if state.is_legacy:
        command.stamp(config, REVISIONS[0])
    command.upgrade(config, HEAD_REVISION)
    if location.backend == "sqlite":
        conn.exec_driver_sql(f"PRAGMA user_version = {ALEMBIC_USER_VERSION}")
    return previous


def _backup_name(path: Path) -> Path:
    from seiteneinsteiger.store.backup import dated_name

    return dated_name(path.parent, f"{path.stem}-vor-aktualisierung-", dt.datetime.now())


def load_alembic() -> None:
    """Import Alembic's commands now (about half a second), not while holding the lock."""
    import alembic.command  # noqa: F401


def _alembic_config(conn: sa.Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.attributes["connection"] = conn
    return config
