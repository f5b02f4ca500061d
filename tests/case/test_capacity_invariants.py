"""Whatever counsellors and the Schulamt do in whatever order, the places add up.

A hypothesis state machine sends capacity reports (new totals, taken places, report dates before
and after admissions), proposes cases to schools, refuses, withdraws, confirms admissions and
deletes cases; after every step it compares the register with a simple model: free places are
never negative and equal ``total − taken − reserved − the model's counted reservations``, a place
is reserved only while one is free, every reservation ends at most once, and a report counts an
admitted child itself (no double counting). Runs on every configured backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.capacity import CapacityRow
from seiteneinsteiger.schools.directory import DirectoryReport
from seiteneinsteiger.schools.offers import Offer
from seiteneinsteiger.store import CaseStore, CaseStoreError, Place, PlacementStatus

from .conftest import Target, _shipped_report, postgres_schema, raw_engine
from .test_store import build_intake

S = PlacementStatus
SCHOOLS = ("189601", "100131", "186960")
START = dt.date(2025, 9, 15)  # the counselling of every case
TODAY = dt.date(2026, 11, 23)
GRADE = 6
CAN_PROPOSE = {S.beraten, S.vorgeschlagen, S.an_schulamt_gemeldet, S.abgelehnt}
PROPOSED = {S.vorgeschlagen, S.an_schulamt_gemeldet, S.zugewiesen}


@dataclass
class Row:
    id: int
    total: int
    taken: int
    reported_on: dt.date


@dataclass
class Held:
    case_id: str
    school: str
    row: int
    status: str  # aktiv, belegt, freigegeben
    confirmed_on: dt.date | None = None


class PlacesMachine(RuleBasedStateMachine):
    cases = Bundle("cases")
    backend = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        self.resources = contextlib.ExitStack()
        self.directory = Path(tempfile.mkdtemp(prefix="places-"))
        target: Target = self.directory / "cases.sqlite3"
        if self.backend == "postgresql":
            target = self.resources.enter_context(postgres_schema())
        self.store = CaseStore.open(target)
        self.raw = raw_engine(target)
        few = [s for s in _shipped_report().schools if s.schulnummer in SCHOOLS]
        report = DirectoryReport("drei.csv", schools=few, rows=len(few))
        self.store.import_directory(report, source="drei.csv", sha256="x", attribution=ATTRIBUTION)
        self.day = START
        self.rows: dict[str, Row] = {}
        self.held: dict[int, Held] = {}
        self.status: dict[str, PlacementStatus] = {}
        self.school: dict[str, str | None] = {}  # the school of the latest status event
        self.count = 0

    def teardown(self) -> None:
        self.store.close()
        self.raw.dispose()
        self.resources.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- helpers -------------------------------------------------------------------------------

    def counted(self, row_id: int, without: str | None = None) -> int:
        return sum(
            1
            for held in self.held.values()
            if held.row == row_id and held.status != "freigegeben" and held.case_id != without
        )

    def holding(self, case_id: str) -> int | None:
        for key, held in self.held.items():
            if held.case_id == case_id and held.status != "freigegeben":
                return key
        return None

    def release(self, case_id: str, *, taken_too: bool) -> None:
        key = self.holding(case_id)
        if key is not None and (taken_too or self.held[key].status == "aktiv"):
            assert self.held[key].status != "freigegeben", "a place was released twice"
            self.held[key].status = "freigegeben"

    # -- rules ---------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=0, max_value=3))
    def time_passes(self, days: int) -> None:
        self.day += dt.timedelta(days=days)

    @rule(
        school=st.sampled_from(SCHOOLS),
        total=st.integers(min_value=0, max_value=3),
        taken=st.integers(min_value=0, max_value=3),
        age=st.integers(min_value=0, max_value=4),
    )
    def report(self, school: str, total: int, taken: int, age: int) -> None:
        taken = min(taken, total)
        reported_on = max(START, self.day - dt.timedelta(days=age))
        row = CapacityRow(
            school, Offer.erstalphabetisierung, 5, 7, total, taken, 0, START, None,
            "Schulamt", reported_on, where="test",
        )  # fmt: skip
        change = self.store.add_capacity([row], source="test")
        [added] = change.added
        assert added.id is not None
        old = self.rows.get(school)
        assert change.replaced == (1 if old else 0)
        self.rows[school] = Row(added.id, total, taken, reported_on)
        if old is None:
            return
        moved = []
        for held in self.held.values():
            if held.row != old.id or held.status == "freigegeben":
                continue
            confirmed = held.confirmed_on
            if held.status == "aktiv" or (confirmed is not None and confirmed > reported_on):
                held.row = added.id
                moved.append(held.case_id)
        assert sorted(change.moved) == sorted(moved)

    @rule(target=cases)
    def add_case(self) -> str:
        self.count += 1
        case_id = f"ME-2025-{self.count:04d}"
        intake = build_intake(case_id=case_id, given_names=f"Kind{self.count}")
        self.store.add(intake, today=TODAY)
        self.status[case_id] = S.beraten
        self.school[case_id] = None
        return case_id

    @rule(case_id=cases, school=st.sampled_from(SCHOOLS))
    def propose(self, case_id: str, school: str) -> None:
        row = self.rows.get(school)
        if case_id not in self.status or row is None:
            return
        free = row.total - row.taken - self.counted(row.id, without=case_id)
        possible = self.status[case_id] in CAN_PROPOSE and free > 0
        place = Place(row.id, school, Offer.erstalphabetisierung, GRADE)
        try:
            change = self.store.set_status(
                case_id, S.vorgeschlagen, at=self.day, place=place, today=TODAY
            )
        except CaseStoreError:
            assert not possible, "a free place was not reserved"
            return
        assert possible, "a place was reserved that was not free"
        assert change.reserved is not None
        self.release(case_id, taken_too=False)
        self.held[change.reserved.id] = Held(case_id, school, row.id, "aktiv")
        self.status[case_id], self.school[case_id] = S.vorgeschlagen, school

    @rule(case_id=cases)
    def refuse(self, case_id: str) -> None:
        if case_id not in self.status:
            return
        possible = self.status[case_id] in PROPOSED
        try:
            self.store.set_status(case_id, S.abgelehnt, at=self.day, today=TODAY)
        except CaseStoreError:
            assert not possible
            return
        assert possible
        self.release(case_id, taken_too=False)
        self.status[case_id] = S.abgelehnt

    @rule(case_id=cases, status=st.sampled_from([S.zurueckgezogen, S.verzogen]))
    def leave(self, case_id: str, status: PlacementStatus) -> None:
        if case_id not in self.status:
            return
        possible = not (status is S.zurueckgezogen and self.status[case_id] is S.aufgenommen)
        try:
            self.store.set_status(case_id, status, at=self.day, today=TODAY)
        except CaseStoreError:
            assert not possible
            return
        assert possible
        self.release(case_id, taken_too=True)
        self.status[case_id], self.school[case_id] = status, None

    @rule(case_id=cases)
    def admit(self, case_id: str) -> None:
        if case_id not in self.status:
            return
        key = self.holding(case_id)
        possible = self.status[case_id] in PROPOSED and key is not None
        try:
            change = self.store.set_status(case_id, S.aufgenommen, at=self.day, today=TODAY)
        except CaseStoreError:
            assert not possible
            return
        assert possible and key is not None
        assert change.confirmed is not None and change.confirmed.id == key
        self.held[key].status, self.held[key].confirmed_on = "belegt", self.day
        self.status[case_id] = S.aufgenommen

    @rule(case_id=cases)
    def delete(self, case_id: str) -> None:
        if case_id not in self.status:
            return
        self.store.delete(case_id)
        del self.status[case_id]
        for key in [k for k, held in self.held.items() if held.case_id == case_id]:
            del self.held[key]

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def free_places_add_up(self) -> None:
        for row in self.store.capacity():
            model = self.rows[row.schulnummer]
            assert row.id == model.id
            assert row.held == self.counted(model.id)
            assert row.free == max(0, model.total - model.taken - row.held) >= 0

    @invariant()
    def reservations_match_the_model(self) -> None:
        with self.raw.connect() as conn:
            found = {
                key: (case_id, row, status, confirmed, ended, reason)
                for key, case_id, row, status, confirmed, ended, reason in conn.exec_driver_sql(
                    "SELECT id, case_id, capacity_id, status, confirmed_on, ended_on, end_reason "
                    "FROM reservations"
                )
            }
        assert set(found) == set(self.held)
        for key, (case_id, row, status, _confirmed, ended, reason) in found.items():
            held = self.held[key]
            assert (case_id, row, status) == (held.case_id, held.row, held.status)
            assert (ended is None) == (status != "freigegeben")  # ended once, when released
            assert (reason is None) == (status != "freigegeben")
        per_case = [h.case_id for h in self.held.values() if h.status != "freigegeben"]
        assert len(per_case) == len(set(per_case)), "a case holds two places"


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_places_add_up(backend: str) -> None:
    machine = type(f"PlacesMachine_{backend}", (PlacesMachine,), {"backend": backend})
    run_state_machine_as_test(machine, settings=SETTINGS)
