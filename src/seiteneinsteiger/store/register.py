"""The case register: every case, its placement status over time, and an audit log.

Districts report two queues (ki-practice.md §3, §8.1): children waiting for the counselling, and
children counselled and waiting for a school place. The register keeps, per case, the validated
intake and a history of placement statuses with their dates, from which the waiting time is
computed. It lives in an SQLite file on this computer or in a PostgreSQL database several
counsellors share (location.py); the SQL is SQLAlchemy Core, the same for both.

Every change is one transaction. The audit log records who (OS user) did what to which case,
including every read of a case's data, and never a field value. Deleting removes the content and
makes sure it is off the disk, or says why not yet (scrub.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import statistics
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.fsutil import os_user
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.store import backup as backups
from seiteneinsteiger.store import engine as engines
from seiteneinsteiger.store import location as locations
from seiteneinsteiger.store import migrate, places, scrub
from seiteneinsteiger.store.allocation import SCHOOL_STAGES, check_transition
from seiteneinsteiger.store.errors import (
    CaseExistsError,
    CaseNotFoundError,
    CaseStoreError,
    translate,
)
from seiteneinsteiger.store.ids import (
    assigned_shape,
    case_id_prefix,
    check_district,
    format_case_id,
)
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
from seiteneinsteiger.store.schema import (
    HEAD_REVISION,
    audit,
    case_id_counters,
    cases,
    status_events,
)
from seiteneinsteiger.store.status import (
    AFTER_COUNSELLING,
    CLOSED,
    NOTE_MAX,
    WAITING_FOR_PLACE,
    PlacementStatus,
    StatusEvent,
    closed_on,
    retention_cutoff,
    stage_waits,
    waiting_days,
)

if TYPE_CHECKING:
    from seiteneinsteiger.schools.capacity import CapacityRow
    from seiteneinsteiger.schools.directory import Directory, DirectoryReport

#: ``pg_advisory_xact_lock`` class of ``add``: one lock per birth date, so that the check "is this
#: child already in the register?" and the insert cannot interleave between two counsellors.
ADD_LOCK = 0x73616464  # "sadd"
_CHUNK = 500


class CaseStore:
    """The case register. Open with :meth:`open`, use as a context manager to close it."""

    def __init__(self, engine: sa.Engine, conn: sa.Connection, where: locations.Location) -> None:
        self._engine = engine
        self._conn = conn
        self.location = where
        self.path = where.path  # the SQLite file; None on PostgreSQL
        self.migrated_from: str | None = None  # the revision an upgrade at opening came from
        self.scrub_pending = False  # deleted content still waits to be overwritten

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, target: Path | str | None = None) -> CaseStore:
        """Open the register (a file, a URL, or the configured one), creating it when new."""
        where = locations.resolve(target)
        if where.path is not None:
            engines.prepare_sqlite_file(where.path)
        try:
            engine = engines.create_engine(where)
            conn = engine.connect()
        except sa.exc.ArgumentError:
            raise CaseStoreError(
                f"'{where.label}' ist keine gültige Datenbankadresse",
                hint="Beispiel: postgresql://BENUTZER@SERVER/DATENBANK",
            ) from None
        except sa.exc.DBAPIError as exc:
            raise translate(exc, where.label) from None
        store = cls(engine, conn, where)
        try:
            store._bring_up_to_date()
            store._catch_up_scrub()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        self._conn.close()
        self._engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def backend(self) -> str:
        return self.location.backend

    @property
    def schema_version(self) -> str | None:
        """The Alembic revision of the register."""
        with self._read() as conn:
            return migrate.read_state(conn, self.backend).revision

    def _bring_up_to_date(self) -> None:
        with self._read() as conn:
            state = migrate.read_state(conn, self.backend)
        migrate.check_known(state, self.location)
        if not migrate.needs_upgrade(state):
            return
        migrate.backup_before(state, self.location, self._backup_raw)
        migrate.load_alembic()  # before the lock: importing it takes longer than migrating
        with self._patient(), self._write() as conn:
            previous = migrate.upgrade(conn, self.location)
            if previous not in {None, HEAD_REVISION}:
                detail = f"Schema {previous} → {HEAD_REVISION}"
                _audit(conn, AuditAction.migrated, None, detail)
                self.migrated_from = previous

    # -- transactions ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        """One write transaction: SQLite takes the lock at BEGIN; all or nothing is stored."""
        conn = self._conn
        conn.info[engines.IMMEDIATE] = True
        try:
            with self._translated(), conn.begin():
                yield conn
        finally:
            conn.info[engines.IMMEDIATE] = False

    @contextlib.contextmanager
    def _patient(self) -> Iterator[None]:
        """Wait longer for SQLite's lock: programs opening a new register at once queue up
        behind the first one, which creates the schema."""
        raw = self._conn.connection.driver_connection if self.backend == "sqlite" else None
        if raw is None:
            yield
            return
        raw.execute(f"PRAGMA busy_timeout={engines.MIGRATION_TIMEOUT_MS}")
        try:
            yield
        finally:
            raw.execute(f"PRAGMA busy_timeout={engines.BUSY_TIMEOUT_MS}")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        """One read transaction: a consistent snapshot."""
        with self._translated(), self._conn.begin():
            yield self._conn

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except (sa.exc.DBAPIError, sqlite3.Error) as exc:  # sqlite3: backup and checkpoint
            raise translate(exc, self.location.label) from None

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
        if intake.district is None and district is not None:
            intake = _with_updates(intake, {"district": check_district(district)})
        payload = _payload(intake)  # prepared before the lock: a writer holds it briefly
        try:
            with self._write() as conn:
                if self.backend == "postgresql":
                    lock = sa.func.pg_advisory_xact_lock(
                        ADD_LOCK, intake.pupil.birth_date.toordinal()
                    )
                    conn.execute(sa.select(lock))
                result = self._add(conn, intake, payload, source, replace, day)
        except sa.exc.IntegrityError:  # pragma: no cover - the same explicit id at the same time
            raise CaseExistsError(
                f"Fall {intake.case_id} ist schon im Register",
                hint="Mit --replace ersetzen (der Statusverlauf bleibt erhalten).",
            ) from None
        if result.replaced:  # the corrected intake's old version is still on disk
            return Added(result.case_id, True, result.status, scrub=self._scrub())
        return result

    def _add(
        self,
        conn: sa.Connection,
        intake: Intake,
        payload: dict[str, Any],
        source: str | None,
        replace: bool,
        day: dt.date,
    ) -> Added:
        case_id = intake.case_id
        assigned = False
        current = None
        if case_id is not None:
            current = conn.execute(
                sa.select(cases.c.status).where(cases.c.case_id == case_id).with_for_update()
            ).scalar()
        if current is not None and not replace:
            raise CaseExistsError(
                f"Fall {case_id} ist schon im Register",
                hint="Mit --replace ersetzen (der Statusverlauf bleibt erhalten).",
            )
        if case_id is None:
            same = _same_child(conn, intake)
            if same is not None:
                raise CaseExistsError(
                    f"dasselbe Kind (Name und Geburtsdatum) ist schon als Fall {same} im Register",
                    hint=f"Zum Ersetzen 'case_id: {same}' in die Datei schreiben und "
                    "--replace angeben.",
                )
            prefix = case_id_prefix(intake.district)
            case_id = _next_case_id(conn, prefix, intake.intake_date.year)
            payload = {**payload, "case_id": case_id}  # the shape intake@1 allows for case_id
            assigned = True
        else:
            _note_explicit_id(conn, case_id)
        now = _now()
        values = {
            "district": intake.district,
            "intake_date": intake.intake_date,
            "birth_date": intake.pupil.birth_date,
            "updated_at": now,
            "intake": payload,
            "source": source,
        }
        if current is not None:
            conn.execute(sa.update(cases).where(cases.c.case_id == case_id).values(**values))
            _audit(conn, AuditAction.replaced, case_id)
            scrub.mark_pending(conn)
            return Added(case_id, replaced=True, status=PlacementStatus(current))
        if intake.intake_date <= day:
            status, since = PlacementStatus.beraten, intake.intake_date
        else:
            status, since = PlacementStatus.wartet_auf_beratung, day
        conn.execute(
            sa.insert(cases).values(case_id=case_id, created_at=now, status=status.value, **values)
        )
        _insert_event(conn, case_id, StatusEvent(since, status, None, now, os_user()))
        _audit(conn, AuditAction.added, case_id)
        return Added(case_id, replaced=False, status=status, assigned=assigned)

    def set_status(
        self,
        case_id: str,
        status: PlacementStatus,
        *,
        at: dt.date | None = None,
        note: str | None = None,
        school_number: str | None = None,
        place: Place | None = None,
        today: dt.date | None = None,
    ) -> StatusChange:
        """Record a new placement status, effective ``at`` (default: today).

        The status must be able to follow the current one (store/allocation.py). What it does
        to the case's place happens in the same transaction: ``vorgeschlagen`` reserves
        ``place`` (its free places counted again here), ``aufgenommen`` turns the reserved place
        into a taken one, a refusal, withdrawal or move gives it back.
        """
        day = today or dt.date.today()
        effective = at or day
        text = (note or "").strip() or None
        if text is not None and len(text) > NOTE_MAX:
            raise CaseStoreError(f"Notiz ist zu lang (höchstens {NOTE_MAX} Zeichen)")
        if place is not None and status is not PlacementStatus.vorgeschlagen:
            raise CaseStoreError("Ein Platz wird nur mit einem Vorschlag reserviert")
        with self._write() as conn:
            row = conn.execute(
                sa.select(cases.c.status, cases.c.intake_date)
                .where(cases.c.case_id == case_id)
                .with_for_update()
            ).first()
            if row is None:
                raise _not_found(conn, case_id)
            previous = PlacementStatus(row.status)
            last = conn.execute(
                sa.select(status_events.c.at, status_events.c.school_number)
                .where(status_events.c.case_id == case_id)
                .order_by(status_events.c.id.desc())
                .limit(1)
            ).one()
            _check_status_date(status, effective, day, last.at, row.intake_date)
            check_transition(case_id, previous, status)
            if school_number is not None:
                places.check_known_school(conn, school_number)
            # the school of the current proposal, report or assignment (also for registers
            # from before reservations); never that of a refusal or a closed case
            current_school = last.school_number if previous in SCHOOL_STAGES else None
            effect = places.allocate(
                conn, case_id, status, school_number, place, current_school, effective
            )
            event = StatusEvent(effective, status, text, _now(), os_user(), effect.school)
            _insert_event(conn, case_id, event)
            conn.execute(
                sa.update(cases)
                .where(cases.c.case_id == case_id)
                .values(status=status.value, updated_at=event.recorded_at)
            )
            _audit(conn, AuditAction.status, case_id)
        return StatusChange(
            case_id,
            previous,
            event,
            reserved=effect.reserved,
            released=effect.released,
            confirmed=effect.confirmed,
            notes=tuple(effect.notes),
        )

    def delete(self, case_id: str) -> Deleted:
        """Delete a case and its status history; the audit log keeps a tombstone."""
        with self._write() as conn:
            if not _exists(conn, case_id):
                raise _not_found(conn, case_id)
            xid = self._delete_content(conn, [case_id])
            _audit(conn, AuditAction.deleted, case_id)
        return Deleted([case_id], self._scrub(xid))

    def plan_purge(self, years: int, *, today: dt.date | None = None) -> PurgePlan:
        """The closed cases whose retention period of ``years`` has passed (nothing changes)."""
        with self._read() as conn:
            return _purge_plan(conn, years, today or dt.date.today())

    def purge(self, years: int, *, today: dt.date | None = None) -> tuple[PurgePlan, Deleted]:
        """Delete every case of :meth:`plan_purge`; the audit log records the count only."""
        day = today or dt.date.today()
        with self._write() as conn:  # decided inside the lock: nobody reopens a case meanwhile
            plan = _purge_plan(conn, years, day)
            ids = [case_id for case_id, _ in plan.due]
            xid = self._delete_content(conn, ids) if ids else None
            detail = f"{len(ids)} Fälle, Aufbewahrungsfrist {years} Jahre nach Abschluss"
            _audit(conn, AuditAction.purged, None, detail)
        return plan, Deleted(ids, self._scrub(xid) if ids else scrub.DONE)

    def _delete_content(self, conn: sa.Connection, case_ids: Sequence[str]) -> str | None:
        for start in range(0, len(case_ids), _CHUNK):
            chunk = list(case_ids[start : start + _CHUNK])
            places.delete_reservations(conn, chunk)  # their places are free again
            conn.execute(sa.delete(status_events).where(status_events.c.case_id.in_(chunk)))
            conn.execute(sa.delete(cases).where(cases.c.case_id.in_(chunk)))
        scrub.mark_pending(conn)
        if self.backend == "postgresql":
            return str(conn.exec_driver_sql("SELECT pg_current_xact_id()::text").scalar_one())
        return None

    def _scrub(self, deleting_xid: str | None = None) -> scrub.ScrubOutcome:
        """Overwrite what was deleted; clear the pending mark when that worked."""
        with self._translated():
            if self.backend == "sqlite":
                outcome = scrub.checkpoint_sqlite(self._conn, engines.BUSY_TIMEOUT_MS)
            else:
                outcome = scrub.vacuum_postgres(self._engine, deleting_xid)
        self._settle_scrub(outcome)
        return outcome

    def _settle_scrub(self, outcome: scrub.ScrubOutcome) -> None:
        self.scrub_pending = not outcome.complete
        if not outcome.complete:
            return
        with self._write() as conn:
            scrub.clear_pending(conn)
        if self.backend == "sqlite":  # the cleared mark itself went to the log
            with self._translated():
                scrub.checkpoint_sqlite(self._conn, scrub.CATCH_UP_TIMEOUT_MS)

    def _catch_up_scrub(self) -> None:
        """At opening: finish an overwrite that another program's reading held up."""
        with self._read() as conn:
            pending = scrub.is_pending(conn)
        if not pending:
            return
        with self._translated():
            if self.backend == "sqlite":
                outcome = scrub.checkpoint_sqlite(self._conn, scrub.CATCH_UP_TIMEOUT_MS)
            else:
                outcome = scrub.vacuum_postgres(self._engine, None)
        self._settle_scrub(outcome)

    def backup(
        self, target: Path, *, force: bool = False, keep: int = backups.DEFAULT_KEEP
    ) -> backups.BackupResult:
        """A consistent copy of an SQLite register (``target`` a file, or a directory whose
        older copies beyond the newest ``keep`` are removed)."""
        if self.backend != "sqlite":
            from seiteneinsteiger.errors import UsageError

            raise UsageError(
                "case backup sichert nur ein SQLite-Register; ein PostgreSQL-Register sichert "
                "die Datenbank-Verwaltung mit pg_dump",
                hint="Anleitung: docs/cli/case.md, Abschnitt „Sichern“.",
            )
        rotating = target.is_dir()
        path = (
            backups.dated_name(target, backups.ROTATED_PREFIX, dt.datetime.now())
            if rotating
            else target
        )
        count = self._backup_raw(path, force=force)
        removed = backups.rotate(target, keep) if rotating else []
        with self._write() as conn:
            _audit(conn, AuditAction.backed_up, None, f"{count} Fälle")
        return backups.BackupResult(path, count, removed)

    def _backup_raw(self, target: Path, *, force: bool = False) -> int:
        raw = self._conn.connection.driver_connection
        assert raw is not None
        with self._translated():
            return backups.copy_register(raw, target, force=force)

    def log(self, case_id: str, action: AuditAction, detail: str | None = None) -> None:
        """Record an action on a case that changed nothing in the register (an export)."""
        with self._write() as conn:
            _audit(conn, action, case_id, detail)

    # -- schools: directory, capacity, reservations ----------------------------------------

    def import_directory(
        self, report: DirectoryReport, *, source: str, sha256: str, attribution: str
    ) -> DirectoryImport:
        """Replace the register's school directory by the schools of ``report``, in one
        transaction (rows with problems are not in ``report.schools``)."""
        with self._write() as conn:
            done = places.replace_directory(
                conn, report, source=source, sha256=sha256, attribution=attribution
            )
            detail = f"{source}: {done.schools} Schulen, {done.authorities} Schulverwaltungen"
            _audit(conn, AuditAction.directory, None, detail)
        return done

    def directory_import(self) -> DirectoryImport | None:
        """The latest import of the school directory (None: never imported)."""
        with self._read() as conn:
            return places.latest_import(conn)

    def directory(self, *, contact: bool = True) -> tuple[Directory, DirectoryImport] | None:
        """The imported school directory and its import (None: never imported); without
        ``contact`` only what the ranking needs (no telephone, e-mail, homepage)."""
        with self._read() as conn:
            done = places.latest_import(conn)
            if done is None:
                return None
            return places.load_directory(conn, source=done.stand(), contact=contact), done

    def add_capacity(self, rows: Sequence[CapacityRow], *, source: str) -> CapacityChange:
        """Store capacity reports (checked against the register's directory), one transaction;
        each replaces the overlapping active rows of its school and offer (store/places.py)."""
        with self._write() as conn:
            change = places.add_capacity(conn, rows)
            detail = f"{source}: {len(change.added)} Zeilen, {change.replaced} ersetzt"
            _audit(conn, AuditAction.capacity, None, detail)
        return change

    def capacity(
        self,
        *,
        day: dt.date | None = None,
        exclude_case: str | None = None,
        schulnummer: str | None = None,
    ) -> list[CapacityRow]:
        """The active capacity rows (valid on ``day``), with the places the register holds on
        each for other cases than ``exclude_case``."""
        with self._read() as conn:
            return places.capacity_rows(
                conn, day=day, exclude_case=exclude_case, schulnummer=schulnummer
            )

    def holding(self, case_id: str) -> Reservation | None:
        """The place a case holds now (reserved or taken), if any."""
        with self._read() as conn:
            return places.holding(conn, case_id)

    def reservations(self, case_id: str) -> list[Reservation]:
        """Every place the case held or holds, oldest first."""
        with self._read() as conn:
            return places.reservations_of(conn, case_id)

    def school_labels(self, numbers: Iterable[str]) -> dict[str, str]:
        with self._read() as conn:
            return places.school_labels(conn, numbers)

    # -- reading ---------------------------------------------------------------------------

    def get(
        self,
        case_id: str,
        *,
        today: dt.date | None = None,
        audit: AuditAction | None = AuditAction.viewed,
        detail: str | None = None,
    ) -> CaseRecord:
        """One case with its history; the access is recorded in the audit log unless ``None``."""
        day = today or dt.date.today()
        with self._write() as conn:
            row = conn.execute(sa.select(cases).where(cases.c.case_id == case_id)).first()
            if row is None:
                raise _not_found(conn, case_id)
            history = _history(conn, [case_id])[case_id]
            if audit is not None:
                _audit(conn, audit, case_id, detail)
        return CaseRecord(
            case_id=row.case_id,
            district=row.district,
            status=PlacementStatus(row.status),
            waiting_days=waiting_days(row.intake_date, history, day),
            created_at=row.created_at,
            updated_at=row.updated_at,
            source=row.source,
            intake=Intake.model_validate(row.intake),
            history=history,
        )

    def list_cases(
        self,
        *,
        status: PlacementStatus | None = None,
        district: str | None = None,
        today: dt.date | None = None,
        names: bool = True,
        audit: bool = True,
    ) -> list[CaseSummary]:
        """Every case (filtered), oldest counselling first: the longest wait on top.

        With ``names`` the list holds the pupils' names, and the audit log records that they
        were read (one entry, with the count).
        """
        day = today or dt.date.today()
        columns = [cases.c.case_id, cases.c.district, cases.c.intake_date, cases.c.status]
        if names:
            columns += [
                cases.c.intake[("pupil", "family_name")].as_string(),
                cases.c.intake[("pupil", "given_names")].as_string(),
            ]
        query = sa.select(*columns).order_by(cases.c.intake_date, cases.c.case_id)
        if status is not None:
            query = query.where(cases.c.status == status.value)
        if district is not None:
            query = query.where(cases.c.district == district)
        with self._write() if audit else self._read() as conn:
            rows = conn.execute(query).all()
            histories = _history(conn, [row[0] for row in rows])
            if audit:
                detail = f"{len(rows)} Fälle, " + ("mit Namen" if names else "ohne Namen")
                _audit(conn, AuditAction.listed, None, detail)
            named = {h[-1].school_number for h in histories.values() if h and h[-1].school_number}
            labels = places.school_labels(conn, [n for n in named if n]) if named else {}
        summaries = []
        for row in rows:
            history = histories[row[0]]
            school = history[-1].school_number if history else None
            summaries.append(
                CaseSummary(
                    case_id=row[0],
                    district=row[1],
                    intake_date=row[2],
                    status=PlacementStatus(row[3]),
                    waiting_days=waiting_days(row[2], history, day),
                    family_name=row[4] if names else None,
                    given_names=row[5] if names else None,
                    school_number=school,
                    school_name=labels.get(school) if school else None,
                )
            )
        return summaries

    def stats(self, *, district: str | None = None, today: dt.date | None = None) -> CaseStats:
        """Counts per status, the wait of the cases without a place, and the waiting days per
        step of the allocation; no names (one read of the cases and their histories)."""
        day = today or dt.date.today()
        query = sa.select(cases.c.case_id, cases.c.intake_date, cases.c.status)
        if district is not None:
            query = query.where(cases.c.district == district)
        with self._read() as conn:
            found = conn.execute(query).all()
            histories = _history(conn, [row.case_id for row in found])
        by_status = dict.fromkeys(PlacementStatus, 0)
        waits = []
        for case_id, intake_date, code in found:
            status = PlacementStatus(code)
            by_status[status] += 1
            waited = waiting_days(intake_date, histories[case_id], day)
            if status in WAITING_FOR_PLACE and waited is not None:
                waits.append(waited)
        return CaseStats(
            as_of=day,
            total=len(found),
            by_status=by_status,
            waiting_for_place=len(waits),
            median_waiting_days=float(statistics.median(waits)) if waits else None,
            max_waiting_days=max(waits) if waits else None,
            stages=stage_waits(histories.values(), day),
        )

    def audit_entries(self, case_id: str | None = None) -> list[AuditEntry]:
        query = sa.select(
            audit.c.at, audit.c.os_user, audit.c.action, audit.c.case_id, audit.c.detail
        ).order_by(audit.c.id)
        if case_id is not None:
            query = query.where(audit.c.case_id == case_id)
        with self._read() as conn:
            return [AuditEntry(*row) for row in conn.execute(query)]


# ---------------------------------------------------------------------------------------------
# Helpers (each runs inside the caller's transaction)


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _de(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _audit(
    conn: sa.Connection, action: AuditAction, case_id: str | None, detail: str | None = None
) -> None:
    conn.execute(
        sa.insert(audit).values(
            at=_now(), os_user=os_user(), action=action.value, case_id=case_id, detail=detail
        )
    )


def _insert_event(conn: sa.Connection, case_id: str, event: StatusEvent) -> None:
    conn.execute(
        sa.insert(status_events).values(
            case_id=case_id,
            at=event.at,
            status=event.status.value,
            note=event.note,
            recorded_at=event.recorded_at,
            actor=event.actor,
            school_number=event.school_number,
        )
    )


def _check_status_date(
    status: PlacementStatus, effective: dt.date, day: dt.date, last: dt.date, counselled: dt.date
) -> None:
    if effective > day:
        raise CaseStoreError(f"Statusdatum {_de(effective)} liegt in der Zukunft")
    if effective < last:
        raise CaseStoreError(
            f"Statusdatum {_de(effective)} liegt vor der letzten Statusänderung ({_de(last)})",
            hint="Der Statusverlauf wird in zeitlicher Reihenfolge geführt.",
        )
    if status in AFTER_COUNSELLING and effective < counselled:
        raise CaseStoreError(
            f"Statusdatum {_de(effective)} liegt vor dem Beratungsdatum {_de(counselled)}"
        )


def _exists(conn: sa.Connection, case_id: str) -> bool:
    query = sa.select(cases.c.case_id).where(cases.c.case_id == case_id)
    return conn.execute(query).first() is not None


def _not_found(conn: sa.Connection, case_id: str) -> CaseNotFoundError:
    known = list(conn.execute(sa.select(cases.c.case_id)).scalars())
    near = suggest(case_id, known, cutoff=0.75)
    return CaseNotFoundError(
        f"Fall {case_id} ist nicht im Register",
        hint=f"Meinten Sie {near}?" if near else "Alle Fälle zeigt: seiteneinsteiger case list",
    )


def _same_child(conn: sa.Connection, intake: Intake) -> str | None:
    """The case of a child with the same names and birth date (an intake added twice)."""
    pupil = intake.pupil
    rows = conn.execute(
        sa.select(
            cases.c.case_id,
            cases.c.intake[("pupil", "family_name")].as_string(),
            cases.c.intake[("pupil", "given_names")].as_string(),
        )
        .where(cases.c.birth_date == pupil.birth_date)
        .order_by(cases.c.case_id)
    )
    wanted = (pupil.family_name.casefold(), pupil.given_names.casefold())
    for case_id, family, given in rows:
        if (str(family).casefold(), str(given).casefold()) == wanted:
            return str(case_id)
    return None


def _upsert_counter(conn: sa.Connection, prefix: str, year: int, number: int | None) -> int:
    """Raise the counter of ``prefix``/``year`` by one (``number`` None) or to at least
    ``number``, atomically on the server: INSERT … ON CONFLICT DO UPDATE … RETURNING."""
    insert: Any
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(case_id_counters).values(prefix=prefix, year=year, last=number or 1)
    last = case_id_counters.c.last
    raised = (
        last + 1
        if number is None
        else sa.case((statement.excluded.last > last, statement.excluded.last), else_=last)
    )
    statement = statement.on_conflict_do_update(
        index_elements=[case_id_counters.c.prefix, case_id_counters.c.year],
        set_={"last": raised},
    )
    return int(conn.execute(statement.returning(last)).scalar_one())


def _next_case_id(conn: sa.Connection, prefix: str, year: int) -> str:
    """The next free ``<PREFIX>-<YEAR>-<NNNN>``; the counter lives in the same transaction."""
    while True:
        case_id = format_case_id(prefix, year, _upsert_counter(conn, prefix, year, None))
        if not _exists(conn, case_id):  # a lagging counter (older data) skips taken numbers
            return case_id


def _note_explicit_id(conn: sa.Connection, case_id: str) -> None:
    """An id of the assigned shape moves the counter past it, so it is never handed out again."""
    shape = assigned_shape(case_id)
    if shape is not None:
        _upsert_counter(conn, *shape)


def _payload(intake: Intake) -> dict[str, Any]:
    return intake.model_dump(mode="json", exclude_unset=True)


def _with_updates(intake: Intake, updates: dict[str, Any]) -> Intake:
    if not updates:
        return intake
    data = intake.model_dump(mode="json", exclude_unset=True)
    data.update(updates)
    return Intake.model_validate(data)


def _history(conn: sa.Connection, case_ids: Sequence[str]) -> dict[str, list[StatusEvent]]:
    histories: dict[str, list[StatusEvent]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return histories
    events = status_events.c
    query = sa.select(
        events.case_id,
        events.at,
        events.status,
        events.note,
        events.recorded_at,
        events.actor,
        events.school_number,
    ).order_by(events.id)
    if len(case_ids) == 1:
        query = query.where(events.case_id == case_ids[0])
    for case_id, at, code, note, recorded_at, actor, school in conn.execute(query):
        if case_id in histories:
            histories[case_id].append(
                StatusEvent(at, PlacementStatus(code), note, recorded_at, actor, school)
            )
    return histories


def _purge_plan(conn: sa.Connection, years: int, day: dt.date) -> PurgePlan:
    cutoff = retention_cutoff(day, years)
    closed_ids = list(
        conn.execute(
            sa.select(cases.c.case_id).where(cases.c.status.in_([s.value for s in CLOSED]))
        ).scalars()
    )
    histories = _history(conn, closed_ids)
    due = []
    for case_id in closed_ids:
        closed = closed_on(histories[case_id])
        if closed is not None and closed <= cutoff:
            due.append((case_id, closed))
    due.sort(key=lambda item: (item[1], item[0]))
    return PurgePlan(as_of=day, years=years, cutoff=cutoff, due=due)
