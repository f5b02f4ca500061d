"""Connections to the register: SQLite with the pragmas it needs, or PostgreSQL through psycopg 3.

SQLite practice (ecosystem-security.md §6): WAL with ``synchronous=NORMAL``, ``busy_timeout``,
foreign keys and ``secure_delete`` on every connection; a change is one ``BEGIN IMMEDIATE``
transaction, so a second process waits for the lock at ``BEGIN`` instead of failing half-way
(pysqlite's own transaction handling is switched off for that, the recipe in SQLAlchemy's SQLite
dialect documentation). The file is created 0600 and refused on a network filesystem.

PostgreSQL: a connect timeout (an unreachable server is reported, not waited for), a lock
timeout like SQLite's busy timeout, and the application name ``seiteneinsteiger`` for the DBA.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from seiteneinsteiger.fsutil import PRIVATE_FILE_MODE
from seiteneinsteiger.store import netfs
from seiteneinsteiger.store.errors import CaseStoreError
from seiteneinsteiger.store.location import Location

BUSY_TIMEOUT_MS = 5000
MIGRATION_TIMEOUT_MS = 60_000
WRITE_WAIT_S = 30.0
CONNECT_TIMEOUT_S = 5
LOCK_TIMEOUT = "10s"
#: ``Connection.info`` key: the next transaction takes SQLite's write lock at BEGIN.
IMMEDIATE = "seiteneinsteiger.immediate"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def create_engine(location: Location) -> sa.Engine:
    if location.backend == "sqlite":
        assert location.path is not None
        return _sqlite_engine(location.path)
    return _postgres_engine(location.url)


def prepare_sqlite_file(path: Path) -> None:
    """Refuse a network filesystem; create the file 0600 before SQLite does (its WAL files copy
    the mode) and tighten a looser mode."""
    kind = netfs.network_filesystem(path.parent)
    if kind is not None:
        raise CaseStoreError(
            f"Das Fallregister {path} liegt auf einem Netzlaufwerk ({kind}). Dort sperrt "
            "SQLite Änderungen nicht zuverlässig, Fälle könnten verloren gehen.",
            hint="SEITENEINSTEIGER_HOME auf ein Verzeichnis auf dem eigenen Rechner setzen; "
            "ein gemeinsames Register für mehrere Beratende ist PostgreSQL (docs/cli/case.md).",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    except IsADirectoryError:
        raise CaseStoreError(f"Fallregister {path} ist ein Verzeichnis") from None
    except PermissionError:
        raise CaseStoreError(
            f"Fallregister {path}: keine Schreibberechtigung",
            hint="Rechte des Datenverzeichnisses prüfen oder SEITENEINSTEIGER_HOME auf ein "
            "eigenes Verzeichnis setzen.",
        ) from None
    except OSError as exc:
        raise CaseStoreError(f"Fallregister {path}: {exc.strerror}") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_FILE_MODE)


def _sqlite_engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(
        sa.URL.create("sqlite+pysqlite", database=str(path)),
        poolclass=NullPool,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        json_serializer=_dumps,
    )
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # BEGIN is ours (see _begin_sqlite)
    dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    mode = _switch_to_wal(dbapi_connection)
    if mode.lower() != "wal":
        raise CaseStoreError(f"Write-Ahead-Log lässt sich nicht einschalten ({mode})")
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    dbapi_connection.execute("PRAGMA secure_delete=ON")
    dbapi_connection.execute("PRAGMA trusted_schema=OFF")


def _switch_to_wal(dbapi_connection: sqlite3.Connection) -> str:
    """``journal_mode=WAL`` (persistent, so a no-op after the first time).

    Switching needs an exclusive lock, and SQLite reports a competing first opener as busy
    at once instead of calling the busy handler: wait for it here, as busy_timeout would.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return str(dbapi_connection.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _begin_sqlite(connection: sa.Connection) -> None:
    """BEGIN, or BEGIN IMMEDIATE for a change. SQLite's busy handler backs off to 100 ms sleeps
    and favours nobody: under many writers one can miss the lock for the whole busy timeout. A
    writer therefore tries again, with short random pauses, for up to ``WRITE_WAIT_S``."""
    if not connection.info.get(IMMEDIATE, False):
        connection.exec_driver_sql("BEGIN")
        return
    deadline = time.monotonic() + WRITE_WAIT_S
    while True:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except sa.exc.OperationalError as exc:
            if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.001, 0.02))


def _postgres_engine(url: str) -> sa.Engine:
    parsed = sa.make_url(url)
    connect_args: dict[str, Any] = {"application_name": "seiteneinsteiger"}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_S
    engine = sa.create_engine(
        parsed, poolclass=NullPool, connect_args=connect_args, json_serializer=_dumps
    )
    event.listen(engine, "connect", _configure_postgres)
    return engine


def _configure_postgres(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    dbapi_connection.commit()
