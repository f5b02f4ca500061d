"""A registered case's school proposal: ranking from the register, and proposing one school.

``case propose FALL`` ranks with the same code as the file preview ``schools propose``
(:func:`seiteneinsteiger.schools.search.rank_case`), but takes the school directory and the
capacity reports from the register and subtracts the places the register holds for other cases.
Choosing a school (``--choose``, or ``case status FALL vorgeschlagen --school``) reserves the place
the ranking found, in one transaction that counts the free places again
(:meth:`CaseStore.set_status`).

The case's data is read through the register, so the read is in its audit log ("angesehen",
"Schulvorschlag"). Imports the rule engine and the register: load this module inside commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from seiteneinsteiger.schools.capacity import CapacityTable
from seiteneinsteiger.schools.directory import Directory
from seiteneinsteiger.schools.districts import SchoolDistrict, builtin_districts
from seiteneinsteiger.schools.propose import ProposalOptions, ProposalResult
from seiteneinsteiger.schools.schulformen import SCHULFORMEN
from seiteneinsteiger.schools.search import rank_case
from seiteneinsteiger.store import (
    AuditAction,
    CaseRecord,
    CaseStore,
    CaseStoreError,
    DirectoryImport,
    Place,
    PlacementStatus,
    Reservation,
    StatusChange,
)
from seiteneinsteiger.store.places import unknown_school_message

#: How the register's recommendation names its source in a proposal.
SOURCE = "Fallregister"


def registered_directory(
    opener: Callable[[], CaseStore] = CaseStore.open,
) -> tuple[Directory, DirectoryImport] | None:
    """The directory imported into the register; None without a register or an import (an
    SQLite register that does not exist yet is not created for this)."""
    from seiteneinsteiger.store.location import resolve

    where = resolve()
    if where.path is not None and not where.path.exists():
        return None
    with opener() as store:
        return store.directory()


@dataclass(frozen=True, slots=True)
class CaseSearch:
    """The ranked schools for one registered case, and what the register already holds."""

    record: CaseRecord
    result: ProposalResult
    directory: Directory
    directory_import: DirectoryImport
    holding: Reservation | None  # the place the case holds now (reserved or taken)


def no_directory() -> CaseStoreError:
    return CaseStoreError(
        "Im Fallregister ist noch kein Schulverzeichnis",
        hint="Einlesen mit 'seiteneinsteiger schools import' (mitgeliefert: Kreis Mettmann, Kreis "
        "Unna, Stadt Herne) oder 'schools import schuldaten.csv' für ganz NRW.",
    )


def search_case(
    store: CaseStore,
    case_id: str,
    *,
    day: dt.date,
    rules_dir: Path | None = None,
    districts: dict[str, SchoolDistrict] | None = None,
    options: ProposalOptions | None = None,
) -> CaseSearch:
    """Rank the schools for ``case_id`` on ``day`` from the register's directory and capacity."""
    from seiteneinsteiger.rules.api import recommend

    loaded = store.directory(contact=False)
    if loaded is None:
        raise no_directory()
    directory, imported = loaded
    record = store.get(case_id, today=day, audit=AuditAction.viewed, detail="Schulvorschlag")
    rows = store.capacity(day=day, exclude_case=case_id)
    recommendation = recommend(record.intake, source=SOURCE, rules_dir=rules_dir)
    result = rank_case(
        record.intake,
        recommendation,
        directory,
        CapacityTable(rows),
        day,
        districts=districts or builtin_districts(),
        options=options,
    )
    return CaseSearch(record, result, directory, imported, store.holding(case_id))


def choose(
    store: CaseStore,
    search: CaseSearch,
    schulnummer: str,
    *,
    day: dt.date,
    note: str | None = None,
    today: dt.date | None = None,
) -> StatusChange:
    """Propose the ranked school ``schulnummer``: reserve its place and record the status."""
    proposal = next(
        (p for p in search.result.proposals if p.school.schulnummer == schulnummer), None
    )
    if proposal is None:
        raise CaseStoreError(
            why_not(search, schulnummer),
            hint="Schulen mit freiem Platz zeigt: seiteneinsteiger case propose "
            f"{search.record.case_id}",
        )
    assert proposal.capacity.id is not None  # rows from the register have their id
    place = Place(proposal.capacity.id, schulnummer, proposal.offer, proposal.grade)
    return store.set_status(
        search.record.case_id,
        PlacementStatus.vorgeschlagen,
        at=day,
        note=note,
        place=place,
        today=today,
    )


def why_not(search: CaseSearch, schulnummer: str) -> str:
    """Why the school ``schulnummer`` is not among the proposals for the case (German)."""
    case_id = search.record.case_id
    school = search.directory.get(schulnummer)
    authorities = search.directory.authorities
    authority = next((a for a in authorities if a.schulnummer == schulnummer), None)
    if authority is not None:
        return f"{schulnummer} ist keine Schule, sondern eine Schulverwaltung ({authority.label})"
    if school is None:
        return unknown_school_message(search.directory, schulnummer)
    head = f"{school.label} ({schulnummer}) kann für Fall {case_id} nicht vorgeschlagen werden"
    district = search.result.district
    if not district.contains(school.gemeindeschluessel):
        return f"{head}: sie liegt nicht im Gebiet {district.title}"
    for item in search.result.excluded:
        if item.school.schulnummer == schulnummer:
            return f"{head}: {item.reason.text}"
    wanted = ", ".join(form.value for form in search.result.need.school_forms) or "keine"
    return (
        f"{head}: Schulform {SCHULFORMEN[school.form_key].label} wird nicht gesucht "
        f"(Empfehlung: {wanted})"
    )
