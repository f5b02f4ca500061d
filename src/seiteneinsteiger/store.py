"""The case register: every case, its placement status over time, and an audit log, in one local
SQLite file (``<data_dir>/cases.sqlite3``, owner-readable only).

Districts report two queues (ki-practice.md §3, §8.1): children waiting for the counselling, and
children counselled and waiting for a school place. The register therefore keeps, per case, the
validated intake and a history of placement statuses with their dates, from which the waiting time
is computed.

SQLite practice (ecosystem-security.md §6): WAL with ``synchronous=NORMAL``, ``busy_timeout``,
foreign keys and ``secure_delete`` on every connection; every change is one ``BEGIN IMMEDIATE``
transaction, so a second process waits for the lock at ``BEGIN`` instead of failing half-way; the
schema is versioned with ``PRAGMA user_version`` and numbered migrations, each in one
transaction. The file is refused on a network filesystem, where SQLite's locking is unreliable.

The audit log records who did what to which case and never a field value. Deleting a case
removes its intake and status history (overwritten on disk by ``secure_delete``, the write-ahead
log truncated) and leaves a tombstone without content.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.errors import SeiteneinsteigerError, UsageError
from seiteneinsteiger.fsutil import PRIVATE_FILE_MODE, check_target, data_dir, os_user
from seiteneinsteiger.models.intake import Intake

DB_NAME = "cases.sqlite3"
BUSY_TIMEOUT_MS = 5000


class CaseStoreError(SeiteneinsteigerError):
    """The case register cannot be opened or changed."""


class CaseNotFoundError(CaseStoreError):
    """No case with this id is in the register."""


class CaseExistsError(CaseStoreError):
    """An intake names a case id that is already in the register."""


# ---------------------------------------------------------------------------------------------
# Placement status


class PlacementStatus(StrEnum):
    """Where a case stands in the placement process (ki-practice.md §1.8)."""

    wartet_auf_beratung = "wartet_auf_beratung"
    beraten = "beraten"
    vorgeschlagen = "vorgeschlagen"
    abgelehnt = "abgelehnt"
    zugewiesen = "zugewiesen"
    aufgenommen = "aufgenommen"
    nicht_erschienen = "nicht_erschienen"
    verzogen = "verzogen"


STATUS_LABELS: dict[PlacementStatus, str] = {
    PlacementStatus.wartet_auf_beratung: "wartet auf die Erstberatung",
    PlacementStatus.beraten: "beraten – wartet auf einen Schulplatz",
    PlacementStatus.vorgeschlagen: "Vorschlag an Schule oder Schulamt",
    PlacementStatus.abgelehnt: "von der Schule abgelehnt",
    PlacementStatus.zugewiesen: "vom Schulamt zugewiesen",
    PlacementStatus.aufgenommen: "aufgenommen (Schule hat bestätigt)",
    PlacementStatus.nicht_erschienen: "nicht erschienen",
    PlacementStatus.verzogen: "verzogen",
}

#: Counselled, no school place yet: the queue whose waiting time districts report.
WAITING_FOR_PLACE = frozenset(
    {PlacementStatus.beraten, PlacementStatus.vorgeschlagen, PlacementStatus.abgelehnt}
)
#: Statuses that only exist after the counselling (not dated before it).
AFTER_COUNSELLING = frozenset(
    {
        PlacementStatus.beraten,
        PlacementStatus.vorgeschlagen,
        PlacementStatus.abgelehnt,
        PlacementStatus.zugewiesen,
        PlacementStatus.aufgenommen,
    }
)
#: The wait for a place is over: a place was found, or the child is no longer there.
WAIT_ENDED = frozenset(
    {
        PlacementStatus.zugewiesen,
        PlacementStatus.aufgenommen,
        PlacementStatus.nicht_erschienen,
        PlacementStatus.verzogen,
    }
)


def parse_status(text: str) -> PlacementStatus:
    """A status code as typed on the command line (case and ``-``/``_`` forgiven)."""
    cleaned = text.strip().casefold().replace("-", "_").replace(" ", "_")
    try:
        return PlacementStatus(cleaned)
    except ValueError:
        pass
    codes = [status.value for status in PlacementStatus]
    near = suggest(cleaned, codes)
    hint = f" (meinten Sie '{near}'?)" if near else ""
    raise UsageError(
        f"unbekannter Status '{text}'{hint}",
        hint="Erlaubt: " + ", ".join(codes),
    )


class AuditAction(StrEnum):
    """What was done to a case; the audit log stores no field values."""

    added = "angelegt"
    replaced = "ersetzt"
    status = "status"
    viewed = "angesehen"
    exported = "exportiert"
    deleted = "gelöscht"
    backed_up = "gesichert"


# ---------------------------------------------------------------------------------------------
# Case ids

#: Short prefixes of the districts whose case ids are already in use (examples/intakes).
KNOWN_PREFIXES: dict[str, str] = {
    "kreis-mettmann": "ME",
    "kreis-unna": "UN",
    "stadt-herne": "HE",
}
_KIND_WORDS = ("kreis-", "stadt-", "staedteregion-")
_DISTRICT = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
_PATTERN_ID = re.compile(r"^([A-Z0-9]{1,8})-([0-9]{4})-([0-9]{1,9})$")


def case_id_prefix(district: str | None) -> str:
    """The prefix of assigned case ids for a district.

    Known districts have their own (``kreis-mettmann`` → ``ME``, ``kreis-unna`` → ``UN``,
    ``stadt-herne`` → ``HE``). Otherwise a leading ``kreis-``, ``stadt-`` or ``staedteregion-`` is
    dropped; a one-word name gives its first three letters (``nrw`` → ``NRW``, ``stadt-koeln`` →
    ``KOE``), a longer name the first letters of its words (``ennepe-ruhr-kreis`` → ``ERK``). A case
    without a district counts as ``nrw``.
    """
    name = district or "nrw"
    if name in KNOWN_PREFIXES:
        return KNOWN_PREFIXES[name]
    for kind in _KIND_WORDS:
        if name.startswith(kind) and len(name) > len(kind):
            name = name[len(kind) :]
            break
    words = [word for word in name.split("-") if word]
    if len(words) == 1:
        return words[0][:3].upper()
    return "".join(word[0] for word in words)[:4].upper()


def check_district(district: str) -> str:
    """A district id as given with ``--district``; raises :class:`UsageError` when malformed."""
    if not _DISTRICT.match(district):
        raise UsageError(
            f"--district: '{district}' ist keine gültige Kennung eines Kreises",
            hint="Kleinbuchstaben, Ziffern und '-', z. B. kreis-mettmann",
        )
    return district


# ---------------------------------------------------------------------------------------------
# Network filesystems

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "fuse.gvfsd-fuse",  # a share opened in the GNOME file manager
        "fuse.rclone",
        "davfs",
        "9p",  # also WSL 2's view of Windows drives, where WAL does not work
        "afs",
        "ceph",
        "glusterfs",
    }
)


def read_mounts() -> list[tuple[str, str]]:
    """``(mount point, filesystem type)`` of every mount, from ``/proc/mounts`` (Linux only)."""
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    mounts: list[tuple[str, str]] = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape_mount(fields[1]), fields[2]))
    return mounts


def _unescape_mount(text: str) -> str:
    """``/proc/mounts`` writes space, tab, newline and backslash as octal escapes (``\\040``)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def network_filesystem(path: Path) -> str | None:
    """The network filesystem type ``path`` lives on, or ``None`` when it is local (or unknown)."""
    resolved = path.resolve()
    if str(resolved).startswith("\\\\"):  # a UNC path on Windows: \\server\share
        return "Windows-Freigabe"
    best: tuple[int, str] | None = None
    for mount_point, fstype in read_mounts():
        point = Path(mount_point)
        if (point == resolved or point in resolved.parents) and (
            best is None or len(point.parts) >= best[0]
        ):
            best = (len(point.parts), fstype)  # the deepest mount wins; a later one hides earlier
    if best is not None and best[1] in NETWORK_FILESYSTEMS:
        return best[1]
    return None


# ---------------------------------------------------------------------------------------------
# Schema

#: Numbered migrations: ``MIGRATIONS[n]`` brings ``user_version`` n to n + 1, in one transaction.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """
        CREATE TABLE cases (
            case_id     TEXT PRIMARY KEY,
            district    TEXT,
            intake_date TEXT NOT NULL,   -- ISO date of the counselling
            birth_date  TEXT NOT NULL,   -- the pupil's: finds an intake added twice
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL,
            status      TEXT NOT NULL,   -- the status of the latest status event
            intake      TEXT NOT NULL,   -- the validated intake@1 as JSON
            source      TEXT             -- the file the intake was read from
        ) STRICT
        """,
        """
        CREATE TABLE status_events (
            id          INTEGER PRIMARY KEY,
            case_id     TEXT NOT NULL REFERENCES cases (case_id) ON DELETE CASCADE,
            at          TEXT NOT NULL,   -- ISO date the status took effect
            status      TEXT NOT NULL,
            note        TEXT,
            recorded_at TEXT NOT NULL
        ) STRICT
        """,
        "CREATE INDEX status_events_by_case ON status_events (case_id, id)",
        "CREATE INDEX cases_by_status ON cases (status, district)",
        "CREATE INDEX cases_by_birth_date ON cases (birth_date)",
        """
        CREATE TABLE audit (
            id      INTEGER PRIMARY KEY,
            at      TEXT NOT NULL,
            os_user TEXT NOT NULL,
            action  TEXT NOT NULL,
            case_id TEXT                 -- never a field value
        ) STRICT
        """,
        """
        CREATE TABLE case_id_counters (
            prefix TEXT NOT NULL,
            year   INTEGER NOT NULL,
            last   INTEGER NOT NULL,
            PRIMARY KEY (prefix, year)
        ) STRICT
        """,
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class StatusEvent:
    at: dt.date
    status: PlacementStatus
    note: str | None
    recorded_at: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One line of the case list; names only for the counsellor's own screen."""

    case_id: str
    district: str | None
    intake_date: dt.date
    status: PlacementStatus
    waiting_days: int | None
    family_name: str
    given_names: str

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


@dataclass(frozen=True, slots=True)
class StatusChange:
    case_id: str
    previous: PlacementStatus
    event: StatusEvent


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


def waiting_days(
    intake_date: dt.date, history: Sequence[StatusEvent], today: dt.date
) -> int | None:
    """Days between the counselling and a school place (or today, while the case waits).

    ``None`` while the counselling is still to come (or never took place: a family that moved
    away before it). The wait ends with the status change from which the case no longer waits
    (zugewiesen, aufgenommen, nicht_erschienen, verzogen); a case that is open again afterwards (a
    school refuses) waits on from its counselling date.
    """
    if not any(event.status in AFTER_COUNSELLING for event in history):
        return None
    end = today
    if history[-1].status in WAIT_ENDED:
        for event in reversed(history):
            if event.status not in WAIT_ENDED:
                break
            end = event.at
    return max(0, (end - intake_date).days)


# ---------------------------------------------------------------------------------------------
# The store


def default_path() -> Path:
    return data_dir() / DB_NAME


class CaseStore:
    """The case register. Open with :meth:`open`, use as a context manager to close it."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._conn = connection
        self.path = path

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> CaseStore:
        """Open (and create, 0600) the register, refusing a network filesystem."""
        target = path or default_path()
        kind = network_filesystem(target.parent)
        if kind is not None:
            raise CaseStoreError(
                f"Das Fallregister {target} liegt auf einem Netzlaufwerk ({kind}). Dort sperrt "
                "SQLite Änderungen nicht zuverlässig, Fälle könnten verloren gehen.",
                hint="SEITENEINSTEIGER_HOME auf ein Verzeichnis auf dem eigenen Rechner setzen.",
            )
        _create_private(target)
        try:
            connection = sqlite3.connect(
                target, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000
            )
        except sqlite3.Error as exc:
            raise _store_error(exc, target) from None
        store = cls(connection, target)
        try:
            with store._translated():
                store._configure()
                store._migrate()
        except BaseException:
            connection.close()
            raise
        return store

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _configure(self) -> None:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        mode = self._switch_to_wal()
        if mode.lower() != "wal":
            raise CaseStoreError(
                f"Fallregister {self.path}: Write-Ahead-Log lässt sich nicht einschalten ({mode})"
            )
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")
        conn.execute("PRAGMA trusted_schema=OFF")

    def _switch_to_wal(self) -> str:
        """``journal_mode=WAL`` (persistent, so a no-op after the first time).

        Switching needs an exclusive lock, and SQLite reports a competing first opener as busy
        at once instead of calling the busy handler: wait for it here, as busy_timeout would.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return str(self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version == SCHEMA_VERSION:
            return
        while True:
            with self._write() as conn:  # re-read inside the lock: another process may be first
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                if version > SCHEMA_VERSION:
                    raise CaseStoreError(
                        f"Das Fallregister {self.path} stammt von einer neueren Version von "
                        f"seiteneinsteiger (Schema {version}, diese kennt {SCHEMA_VERSION})",
                        hint="Bitte seiteneinsteiger aktualisieren.",
                    )
                if version == SCHEMA_VERSION:
                    return
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={version + 1}")

    # -- transactions ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: the lock is taken at BEGIN, everything or nothing is stored."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from None

    # -- changes ---------------------------------------------------------------------------

    def add(
        self,
        intake: Intake,
        *,
        source: str | None = None,
        district: str | None = None,
        replace: bool = False,
        today: dt.date | None = None,
    ) -> Added:
        """Store a validated intake as a new case (or replace an existing one with ``replace``).

        ``district`` fills in an intake without one. An intake without ``case_id`` gets the next
        ``<PREFIX>-<YEAR>-<NNNN>`` of its district and counselling year, unless the same child
        (names and birth date) is already in the register: an intake added twice is refused, as is
        an existing ``case_id`` without ``replace``. A new case starts as ``beraten`` on its
        counselling date, or ``wartet_auf_beratung`` (today) when that date is still ahead.
        """
        day = today or dt.date.today()
        with self._translated(), self._write() as conn:
            updates: dict[str, Any] = {}
            if intake.district is None and district is not None:
                updates["district"] = check_district(district)
            case_district = intake.district or updates.get("district")
            case_id = intake.case_id
            exists = case_id is not None and _exists(conn, case_id)
            if exists and not replace:
                raise CaseExistsError(
                    f"Fall {case_id} ist schon im Register",
                    hint="Mit --replace ersetzen (der Statusverlauf bleibt erhalten).",
                )
            if case_id is None:
                same = _same_child(conn, intake)
                if same is not None:
                    raise CaseExistsError(
                        f"dasselbe Kind (Name und Geburtsdatum) ist schon als Fall {same} im "
                        "Register",
                        hint=f"Zum Ersetzen 'case_id: {same}' in die Datei schreiben und "
                        "--replace angeben.",
                    )
                case_id = _next_case_id(conn, case_id_prefix(case_district), intake.intake_date)
                updates["case_id"] = case_id
            else:
                _note_explicit_id(conn, case_id)
            stored = _with_updates(intake, updates)
            now = _now()
            if exists:
                conn.execute(
                    "UPDATE cases SET district = ?, intake_date = ?, birth_date = ?, "
                    "updated_at = ?, intake = ?, source = ? WHERE case_id = ?",
                    (
                        case_district,
                        intake.intake_date.isoformat(),
                        intake.pupil.birth_date.isoformat(),
                        now,
                        _payload(stored),
                        source,
                        case_id,
                    ),
                )
                _audit(conn, AuditAction.replaced, case_id)
                status = PlacementStatus(
                    conn.execute(
                        "SELECT status FROM cases WHERE case_id = ?", (case_id,)
                    ).fetchone()[0]
                )
                result = Added(case_id, replaced=True, status=status)
            else:
                result = self._insert(conn, stored, case_id, case_district, source, day, now)
        if result.replaced:
            self._purge_wal()  # the corrected intake's old version sits in the log
        return result

    def _insert(
        self,
        conn: sqlite3.Connection,
        intake: Intake,
        case_id: str,
        district: str | None,
        source: str | None,
        day: dt.date,
        now: str,
    ) -> Added:
        if intake.intake_date <= day:
            status, since = PlacementStatus.beraten, intake.intake_date
        else:
            status, since = PlacementStatus.wartet_auf_beratung, day
        conn.execute(
            "INSERT INTO cases (case_id, district, intake_date, birth_date, created_at, "
            "updated_at, status, intake, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case_id,
                district,
                intake.intake_date.isoformat(),
                intake.pupil.birth_date.isoformat(),
                now,
                now,
                status.value,
                _payload(intake),
                source,
            ),
        )
        _insert_event(conn, case_id, since, status, None, now)
        _audit(conn, AuditAction.added, case_id)
        return Added(case_id, replaced=False, status=status)

    def set_status(
        self,
        case_id: str,
        status: PlacementStatus,
        *,
        at: dt.date | None = None,
        note: str | None = None,
        today: dt.date | None = None,
    ) -> StatusChange:
        """Record a new placement status, effective ``at`` (default: today)."""
        day = today or dt.date.today()
        effective = at or day
        text = (note or "").strip() or None
        if text is not None and len(text) > 2000:
            raise CaseStoreError("Notiz ist zu lang (höchstens 2000 Zeichen)")
        with self._translated(), self._write() as conn:
            row = conn.execute(
                "SELECT status, intake_date FROM cases WHERE case_id = ?", (case_id,)
            ).fetchone()
            if row is None:
                raise _not_found(conn, case_id)
            previous = PlacementStatus(row[0])
            intake_date = dt.date.fromisoformat(row[1])
            last = dt.date.fromisoformat(
                conn.execute(
                    "SELECT at FROM status_events WHERE case_id = ? ORDER BY id DESC LIMIT 1",
                    (case_id,),
                ).fetchone()[0]
            )
            if effective > day:
                raise CaseStoreError(f"Statusdatum {_de(effective)} liegt in der Zukunft")
            if effective < last:
                raise CaseStoreError(
                    f"Statusdatum {_de(effective)} liegt vor der letzten Statusänderung "
                    f"({_de(last)})",
                    hint="Der Statusverlauf wird in zeitlicher Reihenfolge geführt.",
                )
            if status in AFTER_COUNSELLING and effective < intake_date:
                raise CaseStoreError(
                    f"Statusdatum {_de(effective)} liegt vor dem Beratungsdatum {_de(intake_date)}"
                )
            now = _now()
            _insert_event(conn, case_id, effective, status, text, now)
            conn.execute(
                "UPDATE cases SET status = ?, updated_at = ? WHERE case_id = ?",
                (status.value, now, case_id),
            )
            _audit(conn, AuditAction.status, case_id)
        return StatusChange(case_id, previous, StatusEvent(effective, status, text, now))

    def delete(self, case_id: str) -> None:
        """Delete a case and its status history; the audit log keeps a tombstone."""
        with self._translated():
            with self._write() as conn:
                if not _exists(conn, case_id):
                    raise _not_found(conn, case_id)
                conn.execute("DELETE FROM status_events WHERE case_id = ?", (case_id,))
                conn.execute("DELETE FROM cases WHERE case_id = ?", (case_id,))
                _audit(conn, AuditAction.deleted, case_id)
            self._purge_wal()

    def backup(self, target: Path, *, force: bool = False) -> int:
        """Write a consistent copy of the register to ``target``; return the number of cases.

        Uses SQLite's backup API, which is safe while the register is in use (copying the file
        is not: the write-ahead log holds the newest pages). The copy is a single file, 0600,
        written under a temporary name and renamed when complete.
        """
        directory = check_target(target, force=force)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
        os.close(fd)
        copy = Path(temporary)
        try:
            with self._translated():
                destination = sqlite3.connect(copy)
                try:
                    self._conn.backup(destination)
                    destination.execute("PRAGMA journal_mode=DELETE")
                    count = int(destination.execute("SELECT count(*) FROM cases").fetchone()[0])
                finally:
                    destination.close()
            with copy.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(copy, target)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
        with self._translated(), self._write() as conn:
            _audit(conn, AuditAction.backed_up, None)
        return count

    def _purge_wal(self) -> None:
        """Copy the write-ahead log back and empty it: it still holds the old page versions."""
        with self._translated():
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

    def log(self, case_id: str, action: AuditAction) -> None:
        """Record an action on a case that changed nothing in the register (an export)."""
        with self._translated(), self._write() as conn:
            _audit(conn, action, case_id)

    # -- reading ---------------------------------------------------------------------------

    def get(
        self,
        case_id: str,
        *,
        today: dt.date | None = None,
        audit: AuditAction | None = AuditAction.viewed,
    ) -> CaseRecord:
        """One case with its history; the access is recorded in the audit log unless ``None``."""
        day = today or dt.date.today()
        with self._translated(), self._write() as conn:
            row = conn.execute(
                "SELECT case_id, district, status, created_at, updated_at, source, intake, "
                "intake_date FROM cases WHERE case_id = ?",
                (case_id,),
            ).fetchone()
            if row is None:
                raise _not_found(conn, case_id)
            history = _history(conn, [case_id])[case_id]
            if audit is not None:
                _audit(conn, audit, case_id)
        intake = Intake.model_validate(json.loads(row[6]))
        return CaseRecord(
            case_id=row[0],
            district=row[1],
            status=PlacementStatus(row[2]),
            waiting_days=waiting_days(dt.date.fromisoformat(row[7]), history, day),
            created_at=row[3],
            updated_at=row[4],
            source=row[5],
            intake=intake,
            history=history,
        )

    def list_cases(
        self,
        *,
        status: PlacementStatus | None = None,
        district: str | None = None,
        today: dt.date | None = None,
    ) -> list[CaseSummary]:
        """Every case (filtered), oldest counselling first: the longest wait on top."""
        day = today or dt.date.today()
        clauses, params = _filters(status, district)
        with self._translated():
            rows = self._conn.execute(
                "SELECT case_id, district, intake_date, status, "
                "json_extract(intake, '$.pupil.family_name'), "
                "json_extract(intake, '$.pupil.given_names') "
                f"FROM cases{clauses} ORDER BY intake_date, case_id",
                params,
            ).fetchall()
            histories = _history(self._conn, [row[0] for row in rows])
        summaries = []
        for case_id, case_district, intake_date, code, family, given in rows:
            counselled = dt.date.fromisoformat(intake_date)
            summaries.append(
                CaseSummary(
                    case_id=case_id,
                    district=case_district,
                    intake_date=counselled,
                    status=PlacementStatus(code),
                    waiting_days=waiting_days(counselled, histories[case_id], day),
                    family_name=family,
                    given_names=given,
                )
            )
        return summaries

    def stats(self, *, district: str | None = None, today: dt.date | None = None) -> CaseStats:
        day = today or dt.date.today()
        cases = self.list_cases(district=district, today=day)
        by_status = dict.fromkeys(PlacementStatus, 0)
        for case in cases:
            by_status[case.status] += 1
        waits = [
            case.waiting_days
            for case in cases
            if case.status in WAITING_FOR_PLACE and case.waiting_days is not None
        ]
        return CaseStats(
            as_of=day,
            total=len(cases),
            by_status=by_status,
            waiting_for_place=len(waits),
            median_waiting_days=float(statistics.median(waits)) if waits else None,
            max_waiting_days=max(waits) if waits else None,
        )

    def audit_entries(self, case_id: str | None = None) -> list[AuditEntry]:
        query = "SELECT at, os_user, action, case_id FROM audit"
        params: tuple[str, ...] = ()
        if case_id is not None:
            query += " WHERE case_id = ?"
            params = (case_id,)
        with self._translated():
            rows = self._conn.execute(query + " ORDER BY id", params).fetchall()
        return [AuditEntry(*row) for row in rows]


# ---------------------------------------------------------------------------------------------
# Helpers (each runs inside the caller's transaction)


def _create_private(path: Path) -> None:
    """Create the database file 0600 before SQLite does (its WAL files copy the mode)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE_MODE)
    except IsADirectoryError:
        raise CaseStoreError(f"Fallregister {path} ist ein Verzeichnis") from None
    except PermissionError:
        raise CaseStoreError(f"Fallregister {path}: keine Schreibberechtigung") from None
    except OSError as exc:
        raise CaseStoreError(f"Fallregister {path}: {exc.strerror}") from None
    os.close(fd)
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_FILE_MODE)


def _store_error(exc: sqlite3.Error, path: Path) -> CaseStoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return CaseStoreError(
            f"Das Fallregister {path} ist gerade von einem anderen Programm gesperrt",
            hint="In ein paar Sekunden erneut versuchen.",
        )
    if "not a database" in text or "malformed" in text:
        return CaseStoreError(
            f"{path} ist kein lesbares Fallregister (Datei beschädigt?)",
            hint="Aus einer Sicherung wiederherstellen.",
        )
    if "readonly" in text:
        return CaseStoreError(f"Fallregister {path}: keine Schreibberechtigung")
    if "disk is full" in text:
        return CaseStoreError(f"Fallregister {path}: kein Speicherplatz mehr")
    return CaseStoreError(f"Fallregister {path}: Datenbankfehler ({text})")


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _de(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _audit(conn: sqlite3.Connection, action: AuditAction, case_id: str | None) -> None:
    conn.execute(
        "INSERT INTO audit (at, os_user, action, case_id) VALUES (?, ?, ?, ?)",
        (_now(), os_user(), action.value, case_id),
    )


def _insert_event(
    conn: sqlite3.Connection,
    case_id: str,
    at: dt.date,
    status: PlacementStatus,
    note: str | None,
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO status_events (case_id, at, status, note, recorded_at) VALUES (?, ?, ?, ?, ?)",
        (case_id, at.isoformat(), status.value, note, now),
    )


def _exists(conn: sqlite3.Connection, case_id: str) -> bool:
    return conn.execute("SELECT 1 FROM cases WHERE case_id = ?", (case_id,)).fetchone() is not None


def _not_found(conn: sqlite3.Connection, case_id: str) -> CaseNotFoundError:
    known = [row[0] for row in conn.execute("SELECT case_id FROM cases")]
    near = suggest(case_id, known, cutoff=0.75)
    return CaseNotFoundError(
        f"Fall {case_id} ist nicht im Register",
        hint=f"Meinten Sie {near}?" if near else "Alle Fälle zeigt: seiteneinsteiger case list",
    )


def _same_child(conn: sqlite3.Connection, intake: Intake) -> str | None:
    """The case of a child with the same names and birth date (an intake added twice)."""
    pupil = intake.pupil
    rows = conn.execute(
        "SELECT case_id, json_extract(intake, '$.pupil.family_name'), "
        "json_extract(intake, '$.pupil.given_names') FROM cases "
        "WHERE birth_date = ? ORDER BY case_id",
        (pupil.birth_date.isoformat(),),
    )
    wanted = (pupil.family_name.casefold(), pupil.given_names.casefold())
    for case_id, family, given in rows:
        if (str(family).casefold(), str(given).casefold()) == wanted:
            return str(case_id)
    return None


def _next_case_id(conn: sqlite3.Connection, prefix: str, intake_date: dt.date) -> str:
    """The next free ``<PREFIX>-<YEAR>-<NNNN>``; the counter lives in the same transaction."""
    year = intake_date.year
    row = conn.execute(
        "SELECT last FROM case_id_counters WHERE prefix = ? AND year = ?", (prefix, year)
    ).fetchone()
    number = (row[0] if row else 0) + 1
    while _exists(conn, f"{prefix}-{year}-{number:04d}"):
        number += 1
    _set_counter(conn, prefix, year, number)
    return f"{prefix}-{year}-{number:04d}"


def _note_explicit_id(conn: sqlite3.Connection, case_id: str) -> None:
    """An id of the assigned shape moves the counter past it, so it is never handed out again."""
    match = _PATTERN_ID.match(case_id)
    if match:
        _set_counter(conn, match.group(1), int(match.group(2)), int(match.group(3)))


def _set_counter(conn: sqlite3.Connection, prefix: str, year: int, number: int) -> None:
    conn.execute(
        "INSERT INTO case_id_counters (prefix, year, last) VALUES (?, ?, ?) "
        "ON CONFLICT (prefix, year) DO UPDATE SET last = max(last, excluded.last)",
        (prefix, year, number),
    )


def _payload(intake: Intake) -> str:
    return json.dumps(intake.model_dump(mode="json", exclude_unset=True), ensure_ascii=False)


def _with_updates(intake: Intake, updates: dict[str, Any]) -> Intake:
    if not updates:
        return intake
    data = intake.model_dump(mode="json", exclude_unset=True)
    data.update(updates)
    return Intake.model_validate(data)


def _history(conn: sqlite3.Connection, case_ids: Sequence[str]) -> dict[str, list[StatusEvent]]:
    histories: dict[str, list[StatusEvent]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return histories
    if len(case_ids) == 1:
        rows = conn.execute(
            "SELECT case_id, at, status, note, recorded_at FROM status_events "
            "WHERE case_id = ? ORDER BY id",
            (case_ids[0],),
        )
    else:
        rows = conn.execute(
            "SELECT case_id, at, status, note, recorded_at FROM status_events ORDER BY id"
        )
    for case_id, at, code, note, recorded_at in rows:
        if case_id in histories:
            histories[case_id].append(
                StatusEvent(dt.date.fromisoformat(at), PlacementStatus(code), note, recorded_at)
            )
    return histories


def _filters(status: PlacementStatus | None, district: str | None) -> tuple[str, tuple[str, ...]]:
    clauses: list[str] = []
    params: list[str] = []
    if status is not None:
        clauses.append("status = ?")
        params.append(status.value)
    if district is not None:
        clauses.append("district = ?")
        params.append(district)
    return (" WHERE " + " AND ".join(clauses) if clauses else "", tuple(params))
