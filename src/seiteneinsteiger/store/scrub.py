"""Deleted means gone from the disk, or the user is told why not yet.

SQLite: ``secure_delete`` zeroes deleted content in the pages a transaction writes, but those
pages first go to the write-ahead log, and earlier versions of the pages may still sit in the log
and, until a checkpoint, in the database file. ``PRAGMA wal_checkpoint(TRUNCATE)`` copies the
zeroed pages into the file and empties the log; it waits (busy timeout) for other programs that are
reading an older state, and reports "busy" when one is still reading after that. Then the content
is gone from the register but not yet from the disk: the register records ``scrub_pending`` in
the same transaction as the deletion and finishes the checkpoint at its next open.

PostgreSQL: a deleted row stays in the table file until VACUUM marks its space free; VACUUM
cannot remove rows that an older open transaction may still see. VACUUM does not overwrite the
freed space (a later insert does), and copies in the server's write-ahead log, in WAL archives,
on replicas and in pg_dump files are outside the program's reach (docs/cli/case.md says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from seiteneinsteiger.store.schema import register_meta

SCRUB_PENDING = "scrub_pending"
#: Tables whose content a deletion touches (audit rows and counters hold no personal data).
CONTENT_TABLES = ("cases", "status_events", "reservations")
#: Busy timeout for the catch-up at opening: short, so that a reader elsewhere delays nothing.
CATCH_UP_TIMEOUT_MS = 200


@dataclass(frozen=True, slots=True)
class ScrubOutcome:
    """Whether deleted content is off the disk; ``reason`` says why not, in German."""

    complete: bool
    reason: str | None = None


DONE = ScrubOutcome(True)


def mark_pending(conn: sa.Connection) -> None:
    """Inside the deleting transaction: the content still has to be overwritten."""
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    conn.execute(sa.delete(register_meta).where(register_meta.c.key == SCRUB_PENDING))
    conn.execute(sa.insert(register_meta).values(key=SCRUB_PENDING, value=now))


def is_pending(conn: sa.Connection) -> bool:
    query = sa.select(register_meta.c.value).where(register_meta.c.key == SCRUB_PENDING)
    return conn.execute(query).first() is not None


def clear_pending(conn: sa.Connection) -> None:
    conn.execute(sa.delete(register_meta).where(register_meta.c.key == SCRUB_PENDING))


def checkpoint_sqlite(conn: sa.Connection, busy_timeout_ms: int) -> ScrubOutcome:
    """``wal_checkpoint(TRUNCATE)`` outside any transaction, waiting up to ``busy_timeout_ms``."""
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    try:
        busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        raw.execute("PRAGMA busy_timeout=5000")
    if busy:
        return ScrubOutcome(
            False,
            "ein anderes Programm liest gerade im Register (auch ein zweites Fenster mit "
            "seiteneinsteiger oder ein Datenbank-Werkzeug); bis es das Register schließt, stehen "
            "die alten Daten noch in der Registerdatei und ihrem Write-Ahead-Log (-wal)",
        )
    return DONE


def vacuum_postgres(engine: sa.Engine, deleting_xid: str | None) -> ScrubOutcome:
    """VACUUM the content tables; say whether an older open transaction kept rows alive."""
    with engine.connect() as raw:
        conn = raw.execution_options(isolation_level="AUTOCOMMIT")
        not_owned = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_class WHERE oid IN "
            "(to_regclass('cases'), to_regclass('status_events'), to_regclass('reservations')) "
            "AND NOT pg_has_role(relowner, 'USAGE')"
        ).scalar_one()
        if not_owned:
            return ScrubOutcome(
                False,
                "die Datenbankrolle darf die Tabellen nicht bereinigen (VACUUM nur für ihre "
                "Eigentümerin); die Datenbank-Verwaltung muss VACUUM ausführen",
            )
        conn.exec_driver_sql("VACUUM " + ", ".join(CONTENT_TABLES))
        if deleting_xid is None:
            return DONE
        # client connections only: an autovacuum worker's snapshot (its ANALYZE of these very
        # tables) is short-lived and never a program that can read the deleted rows
        older = conn.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' "
            "AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL "
            "AND age(backend_xmin) >= age(xid(CAST(%(xid)s AS xid8)))",
            {"xid": deleting_xid},
        ).scalar_one()
    if older:
        return ScrubOutcome(
            False,
            "eine andere, schon vorher geöffnete Datenbankverbindung kann die alten Zeilen noch "
            "sehen, deshalb konnte VACUUM sie nicht entfernen",
        )
    return DONE
