"""School places in the register: reserving on a proposal, releasing, admission, new capacity
reports, the allocation's transitions and its waiting times. Every test runs on each backend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.capacity import CapacityRow
from seiteneinsteiger.schools.directory import DirectoryReport
from seiteneinsteiger.schools.offers import Offer
from seiteneinsteiger.store import (
    CaseStore,
    CaseStoreError,
    PlacementStatus,
    ReservationStatus,
    StatusEvent,
)
from seiteneinsteiger.store.allocation import check_transition
from seiteneinsteiger.store.status import stage_waits

from .conftest import Target, _shipped_report, place_at, rows, stock
from .test_store import build_intake

TODAY = dt.date(2026, 11, 23)
DAY = dt.date(2025, 10, 1)
S = PlacementStatus
ALPHA = Offer.erstalphabetisierung


@pytest.fixture
def store(target: Target) -> Iterator[CaseStore]:
    with CaseStore.open(target) as opened:
        stock(opened)
        yield opened


def _case(store: CaseStore, number: int) -> str:
    case_id = f"ME-2025-{number:04d}"
    store.add(build_intake(case_id=case_id, given_names=f"Kind{number}"), today=TODAY)
    return case_id


def _row(store: CaseStore, schulnummer: str = "189601", offer: Offer = ALPHA) -> CapacityRow:
    [row] = [r for r in store.capacity(schulnummer=schulnummer) if r.offer is offer]
    return row


def _propose(store: CaseStore, case_id: str, schulnummer: str = "189601") -> None:
    place = place_at(store, schulnummer)
    store.set_status(case_id, S.vorgeschlagen, at=DAY, place=place, today=TODAY)


def _report(
    schulnummer: str = "189601",
    *,
    total: int = 12,
    taken: int = 9,
    grades: tuple[int, int] = (5, 7),
    reported_on: dt.date = dt.date(2025, 11, 1),
    valid_from: dt.date = dt.date(2025, 11, 1),
) -> CapacityRow:
    return CapacityRow(
        schulnummer=schulnummer,
        offer=ALPHA,
        grade_from=grades[0],
        grade_to=grades[1],
        total=total,
        taken=taken,
        reserved=0,
        valid_from=valid_from,
        valid_until=None,
        reported_by="Schulamt für den Kreis Mettmann",
        reported_on=reported_on,
        where="meldung-november.csv:2",
    )


# ---------------------------------------------------------------------------------------------
# Reserving and releasing


def test_a_proposal_reserves_a_place_and_a_refusal_gives_it_back(store: CaseStore) -> None:
    case_id = _case(store, 1)
    assert (_row(store).free, _row(store).held) == (3, 0)  # 12 total, 9 taken (example table)
    change = store.set_status(
        case_id, S.vorgeschlagen, at=DAY, place=place_at(store, "189601"), today=TODAY
    )
    assert change.reserved is not None
    assert (change.reserved.schulnummer, change.reserved.offer, change.reserved.grade) == (
        "189601",
        ALPHA,
        7,
    )
    assert change.event.school_number == "189601"
    assert (_row(store).free, _row(store).held) == (2, 1)
    # another case sees one place less; the case itself does not count its own place
    assert [r.free for r in store.capacity(exclude_case=case_id) if r.id == _row(store).id] == [3]
    refused = store.set_status(case_id, S.abgelehnt, at=DAY, note="kein Platz", today=TODAY)
    assert refused.released is not None and refused.released.end_reason == "abgelehnt"
    assert refused.event.school_number == "189601"
    assert (_row(store).free, _row(store).held) == (3, 0)
    assert [(r.status, r.ended_on) for r in store.reservations(case_id)] == [
        (ReservationStatus.released, DAY)
    ]


def test_the_last_place_goes_to_one_case_only(store: CaseStore) -> None:
    store.add_capacity([_report(total=10, taken=9, reported_on=DAY, valid_from=DAY)], source="t")
    first, second = _case(store, 1), _case(store, 2)
    place = place_at(store, "189601")
    store.set_status(first, S.vorgeschlagen, at=DAY, place=place, today=TODAY)
    with pytest.raises(CaseStoreError, match="Kein freier Platz mehr: Schule 189601") as caught:
        store.set_status(second, S.vorgeschlagen, at=DAY, place=place, today=TODAY)
    assert "10 gesamt, 9 belegt, 0 reserviert, 1 im Fallregister vorgemerkt" in (
        caught.value.message
    )
    assert "case propose ME-2025-0002" in (caught.value.hint or "")
    record = store.get(second, today=TODAY)
    assert [e.status for e in record.history] == [S.beraten]  # nothing of it was stored
    assert store.reservations(second) == []
    assert _row(store).free == 0


@pytest.mark.parametrize("status", [S.zurueckgezogen, S.verzogen, S.nicht_erschienen, S.beraten])
def test_withdrawal_moving_away_and_no_show_release_the_place(
    store: CaseStore, status: PlacementStatus
) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    change = store.set_status(case_id, status, at=DAY, today=TODAY)
    assert change.released is not None and change.released.end_reason == status.value
    assert _row(store).free == 3


def test_a_new_proposal_moves_the_reservation(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    change = store.set_status(
        case_id, S.vorgeschlagen, at=DAY, place=place_at(store, "100131"), today=TODAY
    )
    assert change.released is not None and change.released.schulnummer == "189601"
    assert change.notes == ("Der bisher reservierte Platz an Schule 189601 ist freigegeben.",)
    assert (_row(store).free, _row(store, "100131").free) == (3, 0)  # 10 total, 9 taken


def test_deleting_or_purging_a_case_gives_its_place_back(store: CaseStore) -> None:
    first, second = _case(store, 1), _case(store, 2)
    _propose(store, first)
    _propose(store, second)
    assert _row(store).free == 1
    store.delete(first)
    assert _row(store).free == 2
    store.set_status(second, S.verzogen, at=DAY, today=TODAY)  # closed on 01.10.2025
    store.purge(1, today=TODAY)
    assert _row(store).free == 3
    assert rows_count(store, "reservations") == 0


def rows_count(store: CaseStore, table: str) -> int:
    target = store.location.path or store.location.url
    [(count,)] = rows(target, f"SELECT count(*) FROM {table}")
    return int(count)


# ---------------------------------------------------------------------------------------------
# Admission and the next report


def test_admission_turns_the_reservation_into_a_taken_place(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    sent = store.set_status(case_id, S.an_schulamt_gemeldet, at=DAY, today=TODAY)
    assigned = store.set_status(case_id, S.zugewiesen, at=DAY, today=TODAY)
    assert sent.event.school_number == assigned.event.school_number == "189601"
    admitted = store.set_status(case_id, S.aufgenommen, at=dt.date(2025, 10, 6), today=TODAY)
    assert admitted.confirmed is not None and admitted.confirmed.status is ReservationStatus.taken
    assert admitted.event.school_number == "189601"
    assert (_row(store).held, _row(store).free) == (1, 2)  # still counted until a new report


def test_a_report_after_the_admission_counts_the_child_itself(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    store.set_status(case_id, S.aufgenommen, at=dt.date(2025, 10, 6), today=TODAY)
    change = store.add_capacity([_report(taken=10)], source="t")  # reported on 01.11.2025
    assert (change.replaced, change.moved) == (1, [])
    assert (_row(store).held, _row(store).free) == (0, 2)  # 12 − 10: not counted twice


def test_a_report_older_than_the_admission_does_not_count_the_child(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    store.set_status(case_id, S.aufgenommen, at=dt.date(2025, 11, 10), today=TODAY)
    change = store.add_capacity([_report(taken=9)], source="t")  # reported on 01.11.2025
    assert change.moved == [case_id]
    assert (_row(store).held, _row(store).free) == (1, 2)


def test_a_new_report_takes_over_proposals_and_leaves_other_rows(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    other = _row(store, offer=Offer.erstfoerderungsgruppe)
    change = store.add_capacity([_report(total=12, taken=11)], source="t")
    assert (change.replaced, change.moved, change.overbooked) == (1, [case_id], [])
    assert (_row(store).held, _row(store).free) == (1, 0)
    assert _row(store, offer=Offer.erstfoerderungsgruppe) == other  # another offer: untouched
    later = store.add_capacity([_report(grades=(8, 10), total=4, taken=0)], source="t")
    assert later.replaced == 0  # other classes: both rows stay
    assert len([r for r in store.capacity(schulnummer="189601") if r.offer is ALPHA]) == 2


def test_a_report_without_the_class_strands_the_proposal(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    change = store.add_capacity([_report(grades=(5, 6))], source="t")
    assert change.stranded == [(case_id, "189601")]
    held = store.holding(case_id)
    assert held is not None and held.status is ReservationStatus.active


def test_an_overbooked_report_is_reported(store: CaseStore) -> None:
    _propose(store, _case(store, 1))
    change = store.add_capacity([_report(total=12, taken=12)], source="t")
    [over] = change.overbooked
    assert (over.total, over.taken, over.held, over.free) == (12, 12, 1, 0)


def test_capacity_for_an_unknown_school_stores_nothing(store: CaseStore) -> None:
    before = store.capacity()
    with pytest.raises(CaseStoreError, match="Schulnummer 999999 steht nicht im Schulverzeichnis"):
        store.add_capacity([_report(), _report("999999")], source="t")
    assert store.capacity() == before


# ---------------------------------------------------------------------------------------------
# Transitions


@pytest.mark.parametrize(
    ("previous", "target"),
    [
        (S.beraten, S.vorgeschlagen),
        (S.vorgeschlagen, S.an_schulamt_gemeldet),
        (S.an_schulamt_gemeldet, S.zugewiesen),
        (S.zugewiesen, S.aufgenommen),
        (S.vorgeschlagen, S.abgelehnt),
        (S.zugewiesen, S.abgelehnt),
        (S.abgelehnt, S.vorgeschlagen),
        (S.aufgenommen, S.verzogen),
        (S.verzogen, S.beraten),
        (S.nicht_erschienen, S.wartet_auf_beratung),
        (S.beraten, S.zugewiesen),
    ],
)
def test_allowed_transitions(previous: PlacementStatus, target: PlacementStatus) -> None:
    check_transition("ME-2025-0142", previous, target)


@pytest.mark.parametrize(
    ("previous", "target"),
    [
        (S.wartet_auf_beratung, S.vorgeschlagen),
        (S.zugewiesen, S.vorgeschlagen),
        (S.aufgenommen, S.vorgeschlagen),
        (S.aufgenommen, S.abgelehnt),
        (S.aufgenommen, S.aufgenommen),
        (S.aufgenommen, S.zurueckgezogen),
        (S.zugewiesen, S.beraten),
        (S.beraten, S.wartet_auf_beratung),
        (S.wartet_auf_beratung, S.aufgenommen),
        (S.verzogen, S.aufgenommen),
    ],
)
def test_refused_transitions(previous: PlacementStatus, target: PlacementStatus) -> None:
    with pytest.raises(CaseStoreError, match=f"'{target.value}' kann nicht auf"):
        check_transition("ME-2025-0142", previous, target)


def test_a_refused_transition_says_what_to_do(store: CaseStore) -> None:
    case_id = _case(store, 1)
    store.set_status(case_id, S.zugewiesen, at=DAY, school_number="189601", today=TODAY)
    with pytest.raises(CaseStoreError) as caught:
        _propose(store, case_id)
    assert caught.value.message == (
        "Fall ME-2025-0001: 'vorgeschlagen' kann nicht auf 'zugewiesen' (vom Schulamt "
        "zugewiesen) folgen"
    )
    assert "nach einer Ablehnung ('abgelehnt') wieder" in (caught.value.hint or "")
    assert store.reservations(case_id) == []


@pytest.mark.parametrize(
    ("status", "question"),
    [
        (S.aufgenommen, "Aufgenommen an welcher Schule?"),
        (S.zugewiesen, "Zugewiesen an welche Schule?"),
        (S.abgelehnt, "Welche Schule hat abgelehnt?"),
    ],
)
def test_statuses_that_need_a_school(
    store: CaseStore, status: PlacementStatus, question: str
) -> None:
    case_id = _case(store, 1)
    with pytest.raises(CaseStoreError, match=f"braucht eine Schule.*{question}") as caught:
        store.set_status(case_id, status, at=DAY, today=TODAY)
    assert caught.value.hint == "Die Schulnummer mit --school SCHULNUMMER angeben (6 Ziffern)."
    assert store.get(case_id, today=TODAY).status is S.beraten


def test_a_proposal_needs_a_place(store: CaseStore) -> None:
    case_id = _case(store, 1)
    with pytest.raises(CaseStoreError, match="ein Vorschlag nennt eine Schule") as caught:
        store.set_status(case_id, S.vorgeschlagen, school_number="189601", today=TODAY)
    assert "case propose ME-2025-0001 --choose SCHULNUMMER" in (caught.value.hint or "")


def test_assignment_to_another_school_releases_the_proposal(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    change = store.set_status(case_id, S.zugewiesen, at=DAY, school_number="100131", today=TODAY)
    assert change.released is not None and change.released.schulnummer == "189601"
    assert change.event.school_number == "100131"
    assert "Für Schule 100131 hält das Register keinen Platz" in change.notes[0]
    assert _row(store).free == 3
    refused = store.set_status(case_id, S.abgelehnt, at=DAY, today=TODAY)  # the school of 100131
    assert refused.event.school_number == "100131" and refused.released is None


def test_refusal_by_another_school_than_the_proposed_one_is_refused(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    message = r"der Schule 189601 vorgeschlagen .* nicht der Schule"
    with pytest.raises(CaseStoreError, match=message):
        store.set_status(case_id, S.abgelehnt, at=DAY, school_number="100131", today=TODAY)


def test_an_unknown_school_number_gets_a_suggestion(store: CaseStore) -> None:
    case_id = _case(store, 1)
    with pytest.raises(CaseStoreError) as caught:
        store.set_status(case_id, S.zugewiesen, at=DAY, school_number="189610", today=TODAY)
    assert caught.value.message == (
        "Schulnummer 189610 steht nicht im Schulverzeichnis des Registers; meinten Sie 189601 "
        "(Ratingen, GE Martin-Luther-King)?"
    )


# ---------------------------------------------------------------------------------------------
# The directory


def test_a_new_directory_replaces_the_old_one(store: CaseStore) -> None:
    report = _shipped_report()
    few = [school for school in report.schools if school.schulnummer in {"189601", "100131"}]
    smaller = DirectoryReport("klein.csv", schools=few, rows=2)
    done = store.import_directory(smaller, source="klein.csv", sha256="x", attribution=ATTRIBUTION)
    loaded = store.directory()
    assert loaded is not None
    directory, imported = loaded
    assert sorted(s.schulnummer for s in directory) == ["100131", "189601"]
    assert imported.source == "klein.csv" and imported.stand().startswith("Stand: klein.csv")
    # the other schools with capacity reports stay in the register, no longer listed
    with_reports = {row.schulnummer for row in store.capacity()} - {"189601", "100131"}
    assert done.unlisted == len(with_reports) > 0
    assert rows_count(store, "schools") == 2 + len(with_reports)


def test_a_failing_directory_import_changes_nothing(store: CaseStore) -> None:
    report = _shipped_report()
    before = store.directory()
    assert before is not None
    broken = report.schools[5]._replace(name=None)  # type: ignore[arg-type]
    bad = DirectoryReport("kaputt.csv", schools=[*report.schools[:5], broken], rows=6)
    with pytest.raises(CaseStoreError):
        store.import_directory(bad, source="kaputt.csv", sha256="x", attribution=ATTRIBUTION)
    after = store.directory()
    assert after is not None
    assert (after[0].schools, after[0].authorities, after[1]) == (
        before[0].schools,
        before[0].authorities,
        before[1],
    )


# ---------------------------------------------------------------------------------------------
# Waiting days per step


def _events(*items: tuple[str, PlacementStatus]) -> list[StatusEvent]:
    return [StatusEvent(dt.date.fromisoformat(day), status, None, "") for day, status in items]


def test_waiting_days_per_step() -> None:
    histories = [
        _events(
            ("2025-09-01", S.beraten),
            ("2025-09-11", S.vorgeschlagen),  # 10 days to the proposal
            ("2025-09-21", S.abgelehnt),
            ("2025-09-25", S.vorgeschlagen),  # 4 days after the refusal
            ("2025-10-05", S.an_schulamt_gemeldet),  # 10 days
            ("2025-10-25", S.zugewiesen),  # 20 days
            ("2025-11-04", S.aufgenommen),  # 10 days
        ),
        _events(
            ("2025-09-01", S.beraten),
            ("2025-09-21", S.an_schulamt_gemeldet),  # no proposal: 20 days from the counselling
        ),
        _events(("2025-11-01", S.beraten)),  # still waiting for a proposal, 22 days
    ]
    stages = stage_waits(histories, dt.date(2025, 11, 23))
    figures = {
        stage.step: (
            (stage.done.count, stage.done.median_days, stage.done.max_days),
            (stage.waiting.count, stage.waiting.median_days, stage.waiting.max_days),
        )
        for stage in stages
    }
    assert figures == {
        S.vorgeschlagen: ((2, 7.0, 10), (1, 22.0, 22)),
        S.an_schulamt_gemeldet: ((2, 15.0, 20), (0, None, None)),
        S.zugewiesen: ((1, 20.0, 20), (1, 63.0, 63)),
        S.aufgenommen: ((1, 10.0, 10), (0, None, None)),
    }


def test_after_a_refusal_the_refusing_school_is_not_assumed(store: CaseStore) -> None:
    case_id = _case(store, 1)
    _propose(store, case_id)
    store.set_status(case_id, S.abgelehnt, at=DAY, today=TODAY)
    for status in (S.aufgenommen, S.abgelehnt, S.zugewiesen):
        with pytest.raises(CaseStoreError, match="braucht eine Schule"):
            store.set_status(case_id, status, at=DAY, today=TODAY)
    admitted = store.set_status(case_id, S.aufgenommen, at=DAY, school_number="186960", today=TODAY)
    assert admitted.event.school_number == "186960" and admitted.confirmed is None
