"""School places in the register: the imported directory, capacity reports, reservations.

Every function runs inside the caller's transaction (``CaseStore._write`` or ``_read``); the
store decides when. The rules (docs/cli/schools.md, docs/cli/case.md):

* **Directory import** replaces the previous import as a whole: every school of the file is
  written (insert or update), schools of earlier imports are no longer ``listed``; those no
  capacity row names are deleted, the others stay for the history of their reports.
* **A capacity report** (a file row or ``schools capacity set``) replaces the active rows of the
  same school and offer whose classes and validity overlap it. Rows of other schools, offers,
  classes or periods stay. Reservations of a replaced row move to the new row that covers their
  class; a confirmed admission moves only when it is newer than the report (otherwise the
  report's ``belegt`` already counts the child).
* **Free places** of a row: ``gesamt − belegt − reserviert`` (as reported) ``−`` the register's
  reservations on the row that are ``aktiv`` or ``belegt``. The Schulamt's ``reserviert`` must
  not include children of this register: the register counts those itself.
* **Reserving** re-counts the free places inside the transaction, after locking the capacity row
  (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's write lock is taken at ``BEGIN IMMEDIATE``):
  two counsellors proposing the last place at once cannot both get it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from seiteneinsteiger.fsutil import os_user
from seiteneinsteiger.schools.offers import Offer, offer_label
from seiteneinsteiger.store.allocation import (
    COUNTED,
    NEEDS_SCHOOL,
    RELEASES,
    RELEASES_TAKEN,
    ReservationStatus,
    missing_school,
)
from seiteneinsteiger.store.errors import CaseStoreError
from seiteneinsteiger.store.records import (
    CapacityChange,
    DirectoryImport,
    Place,
    Reservation,
)
from seiteneinsteiger.store.schema import capacity, directory_imports, reservations, schools
from seiteneinsteiger.store.status import PlacementStatus

S = PlacementStatus

if TYPE_CHECKING:  # loaded by the functions that need them: `case list` reads no directory
    from seiteneinsteiger.schools.capacity import CapacityRow
    from seiteneinsteiger.schools.directory import Directory, DirectoryReport, School

_CHUNK = 500

#: The columns of :class:`School`, in its field order.
_SCHOOL_COLUMNS = (
    "schulnummer",
    "name",
    "short_name",
    "form_key",
    "street",
    "postcode",
    "town",
    "gemeindeschluessel",
    "private",
    "betrieb_key",
    "betrieb_date",
    "easting",
    "northing",
    "phone",
    "email",
    "homepage",
    "traegernummer",
    "bezirksregierung",
    "line",
)


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


# ---------------------------------------------------------------------------------------------
# The school directory


def replace_directory(
    conn: sa.Connection, report: DirectoryReport, *, source: str, sha256: str, attribution: str
) -> DirectoryImport:
    """Store the schools of ``report`` as the register's directory (see the module docstring)."""
    done = DirectoryImport(
        id=0,
        imported_at=_now(),
        imported_by=os_user(),
        source=source,
        sha256=sha256,
        rows=report.rows,
        schools=len(report.schools),
        authorities=len(report.authorities),
        left_out=report.errors,
        attribution=attribution,
    )
    names = [column.name for column in directory_imports.c if column.name != "id"]
    values = {name: getattr(done, name) for name in names}
    statement = sa.insert(directory_imports).values(**values).returning(directory_imports.c.id)
    import_id = int(conn.execute(statement).scalar_one())
    entries = [_school_values(s, import_id, False) for s in report.schools] + [
        _school_values(s, import_id, True) for s in report.authorities
    ]
    if entries:
        conn.execute(_upsert_schools(conn), entries)
    conn.execute(sa.update(schools).where(schools.c.import_id != import_id).values(listed=False))
    named = sa.select(capacity.c.id).where(capacity.c.schulnummer == schools.c.schulnummer)
    conn.execute(sa.delete(schools).where(schools.c.listed.is_(False), ~named.exists()))
    unlisted = conn.execute(
        sa.select(sa.func.count()).select_from(schools).where(schools.c.listed.is_(False))
    ).scalar_one()
    return dataclasses.replace(done, id=import_id, unlisted=int(unlisted))


def _school_values(school: School, import_id: int, authority: bool) -> dict[str, Any]:
    values = {name: getattr(school, name) for name in _SCHOOL_COLUMNS}
    values.update(authority=authority, listed=True, import_id=import_id)
    return values


def _upsert_schools(conn: sa.Connection) -> Any:
    insert: Any
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(schools)
    columns = [*_SCHOOL_COLUMNS[1:], "authority", "listed", "import_id"]
    return statement.on_conflict_do_update(
        index_elements=[schools.c.schulnummer],
        set_={name: statement.excluded[name] for name in columns},
    )


def latest_import(conn: sa.Connection) -> DirectoryImport | None:
    row = conn.execute(
        sa.select(directory_imports).order_by(directory_imports.c.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    unlisted = conn.execute(
        sa.select(sa.func.count()).select_from(schools).where(schools.c.listed.is_(False))
    ).scalar_one()
    return DirectoryImport(**row._mapping, unlisted=int(unlisted))


#: The columns :func:`propose` needs (the others of :class:`School` stay ``None``).
_RANKING_COLUMNS = _SCHOOL_COLUMNS[:13]


def load_directory(conn: sa.Connection, source: str = "", *, contact: bool = True) -> Directory:
    """The listed schools and school administrations, in the order of the imported file.

    Read as plain tuples straight into :class:`School`: no model validation for 5,500 schools
    (``case propose`` on the whole of NRW loads them on every call). Without ``contact`` only
    the columns the ranking needs (no telephone, e-mail, homepage, Träger, line).
    """
    from seiteneinsteiger.schools.directory import Directory, School

    names = _SCHOOL_COLUMNS if contact else _RANKING_COLUMNS
    columns = [_text_date(schools.c[name]) for name in names]
    query = (
        sa.select(*columns, schools.c.authority)
        .where(schools.c.listed.is_(True))
        .order_by(schools.c.line, schools.c.schulnummer)
    )
    date_at = names.index("betrieb_date")
    found: list[School] = []
    authorities: list[School] = []
    for row in conn.execute(query).all():
        values = list(row)
        values[date_at] = _day(values[date_at])
        (authorities if values.pop() else found).append(School(*values))
    return Directory(found, source=source, authorities=authorities)


def _text_date(column: Any) -> Any:
    """A date column read as its stored text on SQLite (``dt.date.fromisoformat`` is several
    times faster than SQLAlchemy's generic date parsing); PostgreSQL sends dates as dates."""
    if isinstance(column.type, sa.Date):
        return sa.type_coerce(column, sa.Text).label(column.name)
    return column


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _day(value: Any) -> dt.date | None:
    return None if value is None else _date(value)


def school_labels(conn: sa.Connection, numbers: Iterable[str]) -> dict[str, str]:
    """Short names of the schools ``numbers`` (any that the register knows)."""
    wanted = sorted(set(numbers))
    labels: dict[str, str] = {}
    for chunk in _chunks(wanted):
        query = sa.select(
            schools.c.schulnummer, schools.c.short_name, schools.c.name, schools.c.town
        ).where(schools.c.schulnummer.in_(chunk))
        for number, short, name, town in conn.execute(query):
            labels[number] = short or f"{name}, {town}"
    return labels


def school(conn: sa.Connection, schulnummer: str) -> School | None:
    """One listed school (or school administration) of the directory."""
    from seiteneinsteiger.schools.directory import School

    columns = [schools.c[name] for name in _SCHOOL_COLUMNS]
    row = conn.execute(
        sa.select(*columns).where(schools.c.schulnummer == schulnummer, schools.c.listed.is_(True))
    ).first()
    return None if row is None else School._make(row)


def check_known_school(conn: sa.Connection, schulnummer: str) -> None:
    """A Schulnummer named in a status must be in the imported directory (when there is one)."""
    if latest_import(conn) is None or school(conn, schulnummer) is not None:
        return
    raise CaseStoreError(unknown_school_message(load_directory(conn), schulnummer))


def unknown_school_message(directory: Directory, schulnummer: str) -> str:
    message = f"Schulnummer {schulnummer} steht nicht im Schulverzeichnis des Registers"
    near = directory.near_numbers(schulnummer)[:3]
    if near:
        message += "; meinten Sie " + " oder ".join(f"{s.schulnummer} ({s.label})" for s in near)
        message += "?"
    return message


# ---------------------------------------------------------------------------------------------
# Capacity


def _held_counts(
    conn: sa.Connection, *, exclude_case: str | None = None, ids: Sequence[int] | None = None
) -> dict[int, int]:
    """Counted reservations (``aktiv``, ``belegt``) per capacity row, without those of
    ``exclude_case``; only for the rows ``ids`` when given."""
    query = sa.select(reservations.c.capacity_id, sa.func.count()).where(
        reservations.c.status.in_(COUNTED)
    )
    if exclude_case is not None:
        query = query.where(reservations.c.case_id != exclude_case)
    held: dict[int, int] = {}
    for chunk in _chunks(list(ids)) if ids is not None else [None]:
        chosen = query if chunk is None else query.where(reservations.c.capacity_id.in_(chunk))
        grouped = conn.execute(chosen.group_by(reservations.c.capacity_id))
        held.update({int(key): int(count) for key, count in grouped})
    return held


_CAPACITY_COLUMNS = (
    capacity.c.schulnummer,
    capacity.c.offer,
    capacity.c.grade_from,
    capacity.c.grade_to,
    capacity.c.total,
    capacity.c.taken,
    capacity.c.reserved,
    capacity.c.valid_from,
    capacity.c.valid_until,
    capacity.c.reported_by,
    capacity.c.reported_on,
    capacity.c.note,
    capacity.c.source,
)


def capacity_rows(
    conn: sa.Connection,
    *,
    day: dt.date | None = None,
    exclude_case: str | None = None,
    schulnummer: str | None = None,
) -> list[CapacityRow]:
    """The active capacity rows (valid on ``day``, when given), each with the places the
    register holds on it for other cases than ``exclude_case``."""
    held = _held_counts(conn, exclude_case=exclude_case)
    query = (
        _capacity_select()
        .where(capacity.c.active.is_(True))
        .order_by(capacity.c.schulnummer, capacity.c.offer, capacity.c.grade_from, capacity.c.id)
    )
    if day is not None:
        query = query.where(
            capacity.c.valid_from <= day,
            sa.or_(capacity.c.valid_until.is_(None), capacity.c.valid_until >= day),
        )
    if schulnummer is not None:
        query = query.where(capacity.c.schulnummer == schulnummer)
    return [_capacity_row(row, held) for row in conn.execute(query).all()]  # one fetch


def _capacity_select() -> sa.Select[Any]:
    """``_CAPACITY_COLUMNS`` (dates as text on SQLite) and the id."""
    return sa.select(*(_text_date(column) for column in _CAPACITY_COLUMNS), capacity.c.id)


def _capacity_row(row: Sequence[Any], held: dict[int, int]) -> CapacityRow:
    """A row of :func:`_capacity_select` with the places the register holds on it."""
    from seiteneinsteiger.schools.capacity import CapacityRow

    key = row[13]
    return CapacityRow(
        row[0],
        _OFFERS[row[1]],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        _date(row[7]),
        _day(row[8]),
        row[9],
        _date(row[10]),
        row[11],
        row[12],
        held.get(key, 0),
        key,
    )


_OFFERS = {offer.value: offer for offer in Offer}


def add_capacity(conn: sa.Connection, rows: Sequence[CapacityRow]) -> CapacityChange:
    """Store new capacity reports; each replaces the overlapping active rows of its school and
    offer, whose reservations move along (module docstring)."""
    from seiteneinsteiger.schools.capacity import rows_overlap

    if not rows:
        return CapacityChange(added=[])
    now, user = _now(), os_user()
    numbers = sorted({row.schulnummer for row in rows})
    _check_schools(conn, numbers)
    olds = _active_rows(conn, numbers, lock=True)
    statement = sa.insert(capacity).returning(capacity.c.id, sort_by_parameter_order=True)
    values = [_capacity_values(row, now, user) for row in rows]
    ids = [int(key) for key in conn.execute(statement, values).scalars()]
    added = [_with(row, id=key) for row, key in zip(rows, ids, strict=True)]
    by_key: dict[tuple[str, Offer], list[CapacityRow]] = {}
    for row in added:
        by_key.setdefault((row.schulnummer, row.offer), []).append(row)
    replaced: list[dict[str, Any]] = []
    successors: dict[int, list[CapacityRow]] = {}
    for old in olds:
        newer = [n for n in by_key.get((old.schulnummer, old.offer), []) if rows_overlap(old, n)]
        if newer:
            assert old.id is not None
            successors[old.id] = newer
            replaced.append({"old": old.id, "new": newer[0].id})
    if replaced:
        conn.execute(
            sa.update(capacity)
            .where(capacity.c.id == sa.bindparam("old"))
            .values(active=False, replaced_at=now, replaced_by=sa.bindparam("new")),
            replaced,
        )
    moved, stranded = _move_reservations(conn, successors)
    overbooked = [row for row in _reload(conn, ids) if _over(row)]
    return CapacityChange(
        added=added, replaced=len(replaced), moved=moved, stranded=stranded, overbooked=overbooked
    )


def _check_schools(conn: sa.Connection, numbers: Sequence[str]) -> None:
    """Every report names a listed school in operation (the file was checked against the same
    directory; this guards against an import of the directory in between)."""
    found: dict[str, tuple[bool, str]] = {}
    for chunk in _chunks(numbers):
        query = sa.select(schools.c.schulnummer, schools.c.listed, schools.c.betrieb_key).where(
            schools.c.schulnummer.in_(chunk), schools.c.authority.is_(False)
        )
        found.update({number: (listed, key) for number, listed, key in conn.execute(query)})
    for number in numbers:
        listed, key = found.get(number, (False, ""))
        if not listed:
            raise CaseStoreError(f"Schulnummer {number} steht nicht im Schulverzeichnis")
        if key != "1":
            raise CaseStoreError(f"Schule {number} ist laut Schulverzeichnis nicht in Betrieb")


def _active_rows(conn: sa.Connection, numbers: Sequence[str], *, lock: bool) -> list[CapacityRow]:
    rows: list[Sequence[Any]] = []
    for chunk in _chunks(numbers):
        query = _capacity_select().where(
            capacity.c.active.is_(True), capacity.c.schulnummer.in_(chunk)
        )
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        rows.extend(conn.execute(query).all())
    held = _held_counts(conn, ids=[row[13] for row in rows])  # counted after the lock
    return [_capacity_row(row, held) for row in rows]


def _capacity_values(row: CapacityRow, now: str, user: str) -> dict[str, Any]:
    return {
        "schulnummer": row.schulnummer,
        "offer": row.offer.value,
        "grade_from": row.grade_from,
        "grade_to": row.grade_to,
        "total": row.total,
        "taken": row.taken,
        "reserved": row.reserved,
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
        "reported_by": row.reported_by,
        "reported_on": row.reported_on,
        "note": row.note,
        "source": row.where,
        "recorded_at": now,
        "recorded_by": user,
        "active": True,
    }


def _with(row: CapacityRow, **changes: Any) -> CapacityRow:
    return dataclasses.replace(row, **changes)


def _move_reservations(
    conn: sa.Connection, successors: dict[int, list[CapacityRow]]
) -> tuple[list[str], list[tuple[str, str]]]:
    """Reservations of replaced rows go to the new row that covers their class."""
    moved: list[str] = []
    stranded: list[tuple[str, str]] = []
    updates: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(successors)):
        query = (
            sa.select(
                reservations.c.id,
                reservations.c.case_id,
                reservations.c.capacity_id,
                reservations.c.schulnummer,
                reservations.c.grade,
                reservations.c.status,
                reservations.c.confirmed_on,
            )
            .where(reservations.c.capacity_id.in_(chunk), reservations.c.status.in_(COUNTED))
            .order_by(reservations.c.id)
        )
        for key, case_id, old, number, grade, status, confirmed in conn.execute(query):
            newer = successors[old]
            target = next((n for n in newer if n.covers(grade)), None)
            absorbed = target is None or (confirmed is not None and confirmed <= target.reported_on)
            if status == ReservationStatus.taken.value and absorbed:
                continue  # the report counts the admitted child as taken
            if target is None:
                stranded.append((case_id, number))
                continue
            updates.append({"key": key, "target": target.id})
            moved.append(case_id)
    if updates:
        conn.execute(
            sa.update(reservations)
            .where(reservations.c.id == sa.bindparam("key"))
            .values(capacity_id=sa.bindparam("target")),
            updates,
        )
    return moved, stranded


def _reload(conn: sa.Connection, ids: Sequence[int]) -> list[CapacityRow]:
    rows: list[Sequence[Any]] = []
    for chunk in _chunks(list(ids)):
        rows.extend(conn.execute(_capacity_select().where(capacity.c.id.in_(chunk))).all())
    held = _held_counts(conn, ids=ids)
    return [_capacity_row(row, held) for row in rows]


def _over(row: CapacityRow) -> bool:
    return row.taken + row.reserved + row.held > row.total


# ---------------------------------------------------------------------------------------------
# Reservations


_RESERVATION_COLUMNS = (
    reservations.c.id,
    reservations.c.case_id,
    reservations.c.capacity_id,
    reservations.c.schulnummer,
    reservations.c.offer,
    reservations.c.grade,
    reservations.c.status,
    reservations.c.since,
    reservations.c.confirmed_on,
    reservations.c.ended_on,
    reservations.c.end_reason,
)


def _reservation(row: Sequence[Any]) -> Reservation:
    key, case_id, row_id, number, offer, grade, status, since, confirmed, ended, reason = row
    return Reservation(
        key, case_id, row_id, number, Offer(offer), grade, ReservationStatus(status), since,
        confirmed, ended, reason,
    )  # fmt: skip


def holding(conn: sa.Connection, case_id: str) -> Reservation | None:
    """The place the case holds now (``aktiv`` or ``belegt``), if any."""
    row = conn.execute(
        sa.select(*_RESERVATION_COLUMNS)
        .where(reservations.c.case_id == case_id, reservations.c.status.in_(COUNTED))
        .order_by(reservations.c.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _reservation(row)


def reservations_of(conn: sa.Connection, case_id: str) -> list[Reservation]:
    query = (
        sa.select(*_RESERVATION_COLUMNS)
        .where(reservations.c.case_id == case_id)
        .order_by(reservations.c.id)
    )
    return [_reservation(row) for row in conn.execute(query)]


def reserve(conn: sa.Connection, case_id: str, place: Place, day: dt.date) -> Reservation:
    """Hold ``place`` for the case, if it is still free (counted inside this transaction)."""
    query = (
        _capacity_select().add_columns(capacity.c.active).where(capacity.c.id == place.capacity_id)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    found = conn.execute(query).first()
    if found is None or not found[-1]:
        raise CaseStoreError(
            f"Die Kapazitätsmeldung für Schule {place.schulnummer} wurde inzwischen ersetzt "
            "(neue Meldung des Schulamts); nichts reserviert",
            hint=f"Den Vorschlag neu berechnen: seiteneinsteiger case propose {case_id}",
        )
    row = _capacity_row(found[:-1], {})
    if row.schulnummer != place.schulnummer or row.offer is not place.offer:
        raise CaseStoreError(
            f"Kapazitätszeile {place.capacity_id} gehört nicht zu Schule {place.schulnummer} "
            f"({offer_label(place.offer)})"
        )
    _check_place(conn, row, place, day)
    held = conn.execute(
        sa.select(sa.func.count())
        .select_from(reservations)
        .where(
            reservations.c.capacity_id == row.id,
            reservations.c.status.in_(COUNTED),
            reservations.c.case_id != case_id,
        )
    ).scalar_one()
    counted = _with(row, held=int(held))
    if counted.free <= 0:
        raise CaseStoreError(
            f"Kein freier Platz mehr: Schule {row.schulnummer}, {offer_label(row.offer)} "
            f"{row.grades_text()}: {counted.counts_text()}. Der Platz wurde gerade anders "
            "vergeben; nichts reserviert",
            hint=f"Den Vorschlag neu berechnen: seiteneinsteiger case propose {case_id}",
        )
    now, user = _now(), os_user()
    values = {
        "case_id": case_id,
        "capacity_id": row.id,
        "schulnummer": row.schulnummer,
        "offer": row.offer.value,
        "grade": place.grade,
        "status": ReservationStatus.active.value,
        "since": day,
        "created_at": now,
        "created_by": user,
    }
    key = conn.execute(
        sa.insert(reservations).values(**values).returning(reservations.c.id)
    ).scalar_one()
    return Reservation(
        int(key), case_id, place.capacity_id, row.schulnummer, row.offer, place.grade,
        ReservationStatus.active, day,
    )  # fmt: skip


def _check_place(conn: sa.Connection, row: CapacityRow, place: Place, day: dt.date) -> None:
    found = school(conn, row.schulnummer)
    if found is None:
        raise CaseStoreError(f"Schule {row.schulnummer} steht nicht mehr im Schulverzeichnis")
    if not found.in_operation:
        raise CaseStoreError(f"{found.label} ({found.schulnummer}): {found.operation_text()}")
    if found.schulform.never_proposed:
        never = found.schulform.never_proposed
        raise CaseStoreError(f"{found.label} ({found.schulnummer}): {never}")
    if not row.valid_on(day):
        raise CaseStoreError(
            f"Die Kapazitätsmeldung für {found.label} ({offer_label(row.offer)}) gilt nicht am "
            f"{day:%d.%m.%Y} ({row.period_text()})"
        )
    if not row.covers(place.grade):
        raise CaseStoreError(
            f"{found.label}: die Kapazitätsmeldung ({offer_label(row.offer)} "
            f"{row.grades_text()}) umfasst Klasse {place.grade} nicht"
        )


def release(conn: sa.Connection, held: Reservation, day: dt.date, reason: str) -> Reservation:
    """Give the place back (``freigegeben``) and say why (the status, or ``neuer Vorschlag``)."""
    conn.execute(
        sa.update(reservations)
        .where(reservations.c.id == held.id)
        .values(
            status=ReservationStatus.released.value,
            ended_on=day,
            ended_at=_now(),
            ended_by=os_user(),
            end_reason=reason,
        )
    )
    return dataclasses.replace(
        held, status=ReservationStatus.released, ended_on=day, end_reason=reason
    )


def confirm(conn: sa.Connection, held: Reservation, day: dt.date) -> Reservation:
    """The school confirmed the admission: the place is taken (``belegt``)."""
    conn.execute(
        sa.update(reservations)
        .where(reservations.c.id == held.id)
        .values(status=ReservationStatus.taken.value, confirmed_on=day)
    )
    return dataclasses.replace(held, status=ReservationStatus.taken, confirmed_on=day)


def delete_reservations(conn: sa.Connection, case_ids: Sequence[str]) -> None:
    """Deleting a case gives its places back: its reservations go with it."""
    conn.execute(sa.delete(reservations).where(reservations.c.case_id.in_(list(case_ids))))


# ---------------------------------------------------------------------------------------------
# What a status does to the case's place


@dataclasses.dataclass(slots=True)
class Effect:
    school: str | None  # the school the status event names
    reserved: Reservation | None = None
    released: Reservation | None = None
    confirmed: Reservation | None = None
    notes: list[str] = dataclasses.field(default_factory=list)


def allocate(
    conn: sa.Connection,
    case_id: str,
    status: PlacementStatus,
    school_number: str | None,
    place: Place | None,
    last_school: str | None,
    day: dt.date,
) -> Effect:
    """Reserve, confirm or release the case's place for a new ``status`` (allocation.py); the
    school the status event names. Runs inside the status change's transaction."""
    held = holding(conn, case_id)
    active = held if held is not None and held.status is ReservationStatus.active else None
    if status is S.vorgeschlagen:
        return _propose(conn, case_id, school_number, place, active, day)
    if status is S.an_schulamt_gemeldet:
        if active is not None and school_number not in (None, active.schulnummer):
            raise _other_school(case_id, active, school_number)
        return Effect(school_number or (active.schulnummer if active else None))
    school = school_number or (active.schulnummer if active else None)
    if status in NEEDS_SCHOOL:
        school = school or last_school
        if school is None:
            raise missing_school(case_id, status)
    if status in (S.zugewiesen, S.aufgenommen):
        return _placed(conn, status, school, active, day)
    if status is S.abgelehnt:
        if active is not None and school_number not in (None, active.schulnummer):
            raise _other_school(case_id, active, school_number)
        released = release(conn, active, day, status.value) if active else None
        return Effect(school, released=released)
    if status in RELEASES_TAKEN and held is not None:
        return Effect(school or held.schulnummer, released=release(conn, held, day, status.value))
    if status in RELEASES and active is not None:
        return Effect(school, released=release(conn, active, day, status.value))
    return Effect(school)


def _propose(
    conn: sa.Connection,
    case_id: str,
    school_number: str | None,
    place: Place | None,
    active: Reservation | None,
    day: dt.date,
) -> Effect:
    if place is None:
        raise missing_school(case_id, S.vorgeschlagen)
    if school_number not in (None, place.schulnummer):
        raise CaseStoreError(
            f"--school {school_number} und der gewählte Platz (Schule {place.schulnummer}) "
            "passen nicht zusammen"
        )
    reserved = reserve(conn, case_id, place, day)  # locks the capacity row first
    released = release(conn, active, day, "neuer Vorschlag") if active else None
    effect = Effect(place.schulnummer, reserved=reserved, released=released)
    if released is not None and released.schulnummer != place.schulnummer:
        effect.notes.append(
            f"Der bisher reservierte Platz an Schule {released.schulnummer} ist freigegeben."
        )
    return effect


def _placed(
    conn: sa.Connection,
    status: PlacementStatus,
    school: str | None,
    active: Reservation | None,
    day: dt.date,
) -> Effect:
    effect = Effect(school)
    if active is None:
        if status is S.aufgenommen:
            effect.notes.append(
                f"Für Schule {school} war kein Platz reserviert; der Platz zählt ab der "
                "nächsten Meldung des Schulamts als belegt."
            )
        return effect
    if active.schulnummer != school:
        effect.released = release(conn, active, day, f"{status.value}: Schule {school}")
        effect.notes.append(
            f"Der reservierte Platz an Schule {active.schulnummer} ist freigegeben. Für Schule "
            f"{school} hält das Register keinen Platz: die Entscheidung des Schulamts steht in "
            "seiner nächsten Kapazitätsmeldung."
        )
    elif status is S.aufgenommen:
        effect.confirmed = confirm(conn, active, day)
    return effect


def _other_school(case_id: str, active: Reservation, school_number: str | None) -> CaseStoreError:
    return CaseStoreError(
        f"Fall {case_id} ist der Schule {active.schulnummer} vorgeschlagen (Platz reserviert), "
        f"nicht der Schule {school_number}",
        hint=f"Für eine andere Schule neu vorschlagen: seiteneinsteiger case propose {case_id} "
        "--choose SCHULNUMMER",
    )
