"""Whatever a counsellor does in whatever order, the register stays consistent.

A hypothesis state machine adds cases (with and without case id, counselling past or ahead),
replaces them, changes their status (also with dates the register must refuse) and deletes them,
and after every step compares the register with a simple model of what it should hold. It runs on
every configured backend (SQLite always, PostgreSQL when a test database is configured).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.store import (
    AFTER_COUNSELLING,
    CaseExistsError,
    CaseStore,
    CaseStoreError,
    PlacementStatus,
)
from seiteneinsteiger.store.allocation import ALLOWED_AFTER, NEEDS_SCHOOL

from .conftest import Target, postgres_schema, raw_engine

TODAY = dt.date(2026, 11, 23)
DISTRICTS = ["kreis-mettmann", "kreis-unna", "stadt-herne", None]


def _intake(number: int, *, district: str | None, day: dt.date, case_id: str | None) -> Intake:
    data: dict[str, Any] = {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": day.isoformat(),
        "pupil": {
            "family_name": f"Kind{number}",
            "given_names": "Test",
            "birth_date": "2013-02-11",
        },
    }
    if district is not None:
        data["district"] = district
    if case_id is not None:
        data["case_id"] = case_id
    return Intake.model_validate(data)


class RegisterMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    backend = "sqlite"

    def __init__(self) -> None:
        super().__init__()
        self.resources = contextlib.ExitStack()
        self.directory = Path(tempfile.mkdtemp(prefix="register-"))
        target: Target = self.directory / "cases.sqlite3"
        if self.backend == "postgresql":
            target = self.resources.enter_context(postgres_schema())
        self.store = CaseStore.open(target)
        self.raw = raw_engine(target)
        self.model: dict[str, list[tuple[dt.date, PlacementStatus]]] = {}
        self.ever_assigned: set[str] = set()
        self.deleted: set[str] = set()
        self.children = 0

    def teardown(self) -> None:
        self.store.close()
        self.raw.dispose()
        self.resources.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    @rule(
        target=cases,
        district=st.sampled_from(DISTRICTS),
        days_ago=st.integers(min_value=-30, max_value=500),
        explicit=st.none() | st.integers(min_value=1, max_value=60),
    )
    def add(self, district: str | None, days_ago: int, explicit: int | None) -> str:
        self.children += 1
        day = TODAY - dt.timedelta(days=days_ago)
        case_id = None if explicit is None else f"ME-{day.year}-{explicit:04d}"
        intake = _intake(self.children, district=district, day=day, case_id=case_id)
        if case_id is not None and case_id in self.model:
            try:
                self.store.add(intake, today=TODAY)
            except CaseExistsError:
                return case_id
            raise AssertionError("an existing case id was stored twice")
        added = self.store.add(intake, today=TODAY)
        assert not added.replaced
        if case_id is None:
            assert added.case_id not in self.ever_assigned, "an id was handed out twice"
        else:
            assert added.case_id == case_id
        self.ever_assigned.add(added.case_id)
        first = (
            (day, PlacementStatus.beraten)
            if day <= TODAY
            else (
                TODAY,
                PlacementStatus.wartet_auf_beratung,
            )
        )
        assert added.status is first[1]
        self.model[added.case_id] = [first]
        self.deleted.discard(added.case_id)
        return added.case_id

    @rule(case_id=cases, days_ago=st.integers(min_value=0, max_value=400))
    def replace(self, case_id: str, days_ago: int) -> None:
        if case_id not in self.model:
            return
        self.children += 1
        day = TODAY - dt.timedelta(days=days_ago)
        intake = _intake(self.children, district="kreis-unna", day=day, case_id=case_id)
        added = self.store.add(intake, replace=True, today=TODAY)
        assert added.replaced and added.status is self.model[case_id][-1][1]

    @rule(
        case_id=cases,
        status=st.sampled_from(list(PlacementStatus)),
        days_ago=st.integers(min_value=-3, max_value=500),
    )
    def set_status(self, case_id: str, status: PlacementStatus, days_ago: int) -> None:
        at = TODAY - dt.timedelta(days=days_ago)
        if case_id not in self.model:
            try:
                self.store.set_status(case_id, status, at=at, today=TODAY)
            except CaseStoreError:
                return
            raise AssertionError("status of a deleted case was changed")
        history = self.model[case_id]
        intake_date = self.store.get(case_id, today=TODAY, audit=None).intake.intake_date
        allowed = at <= TODAY and at >= history[-1][0]
        allowed = allowed and not (status in AFTER_COUNSELLING and at < intake_date)
        # which status may follow which is tested on its own (test_allocation.py); without a
        # school directory a proposal cannot reserve a place, the other statuses name a school
        allowed = allowed and history[-1][1] in ALLOWED_AFTER[status]
        allowed = allowed and status is not PlacementStatus.vorgeschlagen
        school = "189601" if status in NEEDS_SCHOOL else None
        try:
            change = self.store.set_status(
                case_id, status, at=at, school_number=school, today=TODAY
            )
        except CaseStoreError:
            assert not allowed, "a plausible status change was refused"
            return
        assert allowed, "an implausible status change was accepted"
        assert change.previous is history[-1][1]
        history.append((at, status))

    @rule(case_id=consumes(cases))
    def delete(self, case_id: str) -> None:
        if case_id not in self.model:
            return
        self.store.delete(case_id)
        del self.model[case_id]
        self.deleted.add(case_id)

    @precondition(lambda self: bool(self.model))
    @invariant()
    def register_matches_the_model(self) -> None:
        listed = self.store.list_cases(today=TODAY, audit=False)
        assert sorted(c.case_id for c in listed) == sorted(self.model)
        for case in listed:
            assert case.status is self.model[case.case_id][-1][1]

    @invariant()
    def tables_are_consistent(self) -> None:
        with self.raw.connect() as conn:
            ids = [row[0] for row in conn.exec_driver_sql("SELECT case_id FROM cases")]
            assert len(ids) == len(set(ids)) == len(self.model)
            # every case has at least one status event, the latest one is its status
            rows = conn.exec_driver_sql(
                "SELECT c.case_id, c.status, count(e.id), "
                "(SELECT status FROM status_events WHERE case_id = c.case_id "
                " ORDER BY id DESC LIMIT 1) "
                "FROM cases c LEFT JOIN status_events e ON e.case_id = c.case_id "
                "GROUP BY c.case_id"
            ).fetchall()
            for case_id, status, events, latest in rows:
                assert events == len(self.model[case_id]) >= 1
                assert status == latest
            orphans = conn.exec_driver_sql(
                "SELECT count(*) FROM status_events "
                "WHERE case_id NOT IN (SELECT case_id FROM cases)"
            ).scalar_one()
            assert orphans == 0
            tombstones = {
                row[0]
                for row in conn.exec_driver_sql(
                    "SELECT case_id FROM audit WHERE action = 'gelöscht'"
                )
            }
            assert self.deleted <= tombstones

    @invariant()
    def statistics_add_up(self) -> None:
        figures = self.store.stats(today=TODAY)
        assert figures.total == len(self.model) == sum(figures.by_status.values())
        open_cases = [
            history
            for history in self.model.values()
            if history[-1][1]
            in {
                PlacementStatus.beraten,
                PlacementStatus.vorgeschlagen,
                PlacementStatus.an_schulamt_gemeldet,
                PlacementStatus.abgelehnt,
            }
        ]
        assert figures.waiting_for_place == len(open_cases)
        if figures.max_waiting_days is not None:
            assert figures.median_waiting_days is not None
            assert 0 <= figures.median_waiting_days <= figures.max_waiting_days


SETTINGS = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_register_invariants(backend: str) -> None:
    machine = type(f"RegisterMachine_{backend}", (RegisterMachine,), {"backend": backend})
    run_state_machine_as_test(machine, settings=SETTINGS)
