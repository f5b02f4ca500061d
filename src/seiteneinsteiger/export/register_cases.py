"""Cases from the register for the receiving school's workbook (``export school --school``).

By default the workbook holds the cases whose current status names the school and is a proposal,
a report to the Schulamt or an assignment (``vorgeschlagen``, ``an_schulamt_gemeldet``,
``zugewiesen``): the pupils the school is to receive. ``--case`` names cases explicitly (an
admitted pupil too); a case that is not at that school is refused, never sent: a school receives
data only about pupils it is to admit (Art. 5 Abs. 1 c DSGVO). Every case read is in the
register's audit log (``angesehen``, "export school"), every case exported afterwards too
(``exportiert`` with the school).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from seiteneinsteiger.errors import (
    ExportError,
    InputFileError,
    Problem,
    SeiteneinsteigerError,
    UsageError,
)
from seiteneinsteiger.export import pipeline
from seiteneinsteiger.export.rows import ExportRow, LeftOut
from seiteneinsteiger.export.school import ReceivingSchool

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.export.run import Outcome
    from seiteneinsteiger.store import CaseRecord, CaseStore

#: Statuses whose school is to receive the pupil: exported by default.
TO_RECEIVE = ("vorgeschlagen", "an_schulamt_gemeldet", "zugewiesen")
#: With ``--case`` also an admitted pupil (the school asks for the sheet again).
NAMED = (*TO_RECEIVE, "aufgenommen")
DETAIL = "export school"
SOURCE = "Fallregister"  # where a row came from, in messages: "Fallregister (Fall ME-2025-0142)"


@dataclass(slots=True)
class Selection:
    """The school and the register's cases for its workbook."""

    school: ReceivingSchool
    records: list[CaseRecord] = field(default_factory=list)
    refused: list[LeftOut] = field(default_factory=list)

    def prepared(self, recommender: pipeline.Recommender) -> pipeline.Prepared:
        """The cases as export rows, each with its recommendation (a rule-set problem of one
        case is reported and the others go on)."""
        prepared = pipeline.Prepared(files_seen=len(self.records) + len(self.refused))
        for record in self.records:
            try:
                recommendation = recommender(record.intake, f"Fall {record.case_id}")
            except SeiteneinsteigerError as exc:
                where = f"{SOURCE} (Fall {record.case_id})"
                prepared.problems.append(Problem(file=where, message=exc.message))
                continue
            prepared.rows.append(ExportRow(record.intake, recommendation, SOURCE))
        return prepared

    def record_exports(self, outcome: Outcome) -> None:
        """The exported cases go into the register's audit log, with the school."""
        if not outcome.cases:
            return
        from seiteneinsteiger.store import AuditAction, CaseStore

        detail = f"{DETAIL} an Schule {self.school.schulnummer}"
        with CaseStore.open() as store:
            for case_id in outcome.cases:
                if case_id:
                    store.log(case_id, AuditAction.exported, detail)


def receiving_school(schulnummer: str, store: CaseStore | None = None) -> ReceivingSchool:
    """The school from the register's directory (else the shipped copy), with its licence
    attribution; an unknown number is an error with a suggestion."""
    from seiteneinsteiger.placement import registered_directory
    from seiteneinsteiger.schools import ATTRIBUTION
    from seiteneinsteiger.schools.shipped import shipped_directory
    from seiteneinsteiger.store.places import unknown_school_message

    loaded = store.directory() if store is not None else registered_directory()
    if loaded is not None:
        directory, imported = loaded
        credit = imported.credit()
    else:
        directory, credit = shipped_directory(), f"Schuldaten: {ATTRIBUTION}"
    found = directory.get(schulnummer)
    if found is None:
        raise InputFileError(unknown_school_message(directory, schulnummer))
    return ReceivingSchool(found.schulnummer, found.name, found.label, found.address, credit)


def cases_for_school(*, schulnummer: str | None = None, case_ids: Sequence[str] = ()) -> Selection:
    """The school and its cases from the register (see the module docstring)."""
    from seiteneinsteiger.store import AuditAction, CaseStore

    with CaseStore.open() as store:
        if case_ids:
            records = [
                store.get(case_id, audit=AuditAction.viewed, detail=DETAIL) for case_id in case_ids
            ]
            number = schulnummer or _one_school(records)
            selection = Selection(receiving_school(number, store))
            for record in records:
                school = _school_of(record)
                if school == number and record.status.value in NAMED:
                    selection.records.append(record)
                else:
                    selection.refused.append(_not_at(record, number, school))
            return selection
        assert schulnummer is not None
        selection = Selection(receiving_school(schulnummer, store))
        chosen = [
            summary.case_id
            for summary in store.list_cases(names=False, audit=False)
            if summary.school_number == schulnummer and summary.status.value in TO_RECEIVE
        ]
        selection.records = [
            store.get(case_id, audit=AuditAction.viewed, detail=DETAIL) for case_id in chosen
        ]
    if not selection.records:
        raise ExportError(
            f"Im Fallregister ist der Schule {schulnummer} ({selection.school.label}) kein Fall "
            "vorgeschlagen oder zugewiesen",
            hint="Fälle mit Schule zeigt 'seiteneinsteiger case list'; einzelne Fälle mit "
            "--case FALL.",
        )
    return selection


def _school_of(record: CaseRecord) -> str | None:
    return record.history[-1].school_number if record.history else None


def _one_school(records: Sequence[CaseRecord]) -> str:
    schools = {_school_of(record) for record in records} - {None}
    if len(schools) != 1:
        named = ", ".join(sorted(s for s in schools if s)) or "keiner"
        raise UsageError(
            f"--case: die Fälle nennen nicht genau eine Schule ({named})",
            hint="Die Schule mit --school SCHULNUMMER angeben; eine Mappe ist für eine Schule.",
        )
    [school] = schools
    assert school is not None
    return school


def _not_at(record: CaseRecord, schulnummer: str, school: str | None) -> LeftOut:
    where = f"Schule {school}" if school else "keine Schule"
    return LeftOut(
        SOURCE,
        record.case_id,
        f"nicht der Schule {schulnummer} vorgeschlagen oder zugewiesen (Status "
        f"{record.status.value}, {where}); eine Schule bekommt nur Kinder, die sie aufnehmen soll",
    )
