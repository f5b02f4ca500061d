"""The case register's core: schema, ids, transactions, status, deletion, file hygiene."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import stat
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import seiteneinsteiger.store.netfs as netfs_module
import seiteneinsteiger.store.register as register_module
from seiteneinsteiger.errors import UsageError
from seiteneinsteiger.fsutil import data_dir
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.store import (
    HEAD_REVISION,
    AuditAction,
    CaseExistsError,
    CaseNotFoundError,
    CaseStore,
    CaseStoreError,
    PlacementStatus,
    ReservationStatus,
    StatusEvent,
    case_id_prefix,
    network_filesystem,
    parse_status,
    waiting_days,
)

from .conftest import Target, place_at, rows, stock

TODAY = dt.date(2026, 11, 23)
MakeIntake = Callable[..., Intake]


def build_intake(
    *,
    family_name: str = "Haddad",
    given_names: str = "Amal",
    birth_date: str = "2013-02-11",
    intake_date: str = "2025-09-15",
    **fields: Any,
) -> Intake:
    """A minimal valid intake; keyword arguments set top-level fields (case_id, district, ...)."""
    data: dict[str, Any] = {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": intake_date,
        "pupil": {
            "family_name": family_name,
            "given_names": given_names,
            "birth_date": birth_date,
        },
    }
    data.update(fields)
    return Intake.model_validate(data)


@pytest.fixture
def make_intake() -> MakeIntake:
    return build_intake


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "register" / "cases.sqlite3"


@pytest.fixture
def store(target: Target) -> Iterator[CaseStore]:
    with CaseStore.open(target) as opened:
        yield opened


# ---------------------------------------------------------------------------------------------
# Schema and connection


@pytest.mark.sqlite_only
def test_new_register_has_current_schema_and_pragmas(store: CaseStore, target: Path) -> None:
    assert store.schema_version == HEAD_REVISION
    tables = {row[0] for row in rows(target, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"cases", "status_events", "audit", "case_id_counters", "alembic_version"} <= tables
    assert rows(target, "PRAGMA user_version") == [(2,)]  # the first release refuses it
    conn = store._conn.connection.driver_connection
    assert conn is not None
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_reopening_keeps_the_data(target: Target, make_intake: MakeIntake) -> None:
    with CaseStore.open(target) as first:
        first.add(make_intake(case_id="ME-2025-0142"), today=TODAY)
    with CaseStore.open(target) as second:
        assert second.schema_version == HEAD_REVISION
        assert [c.case_id for c in second.list_cases(today=TODAY)] == ["ME-2025-0142"]


def test_a_register_from_a_newer_version_is_refused(target: Target) -> None:
    CaseStore.open(target).close()
    rows(target, "UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(CaseStoreError, match="neueren Version") as caught:
        CaseStore.open(target)
    assert "Schema 0099" in caught.value.message
    assert caught.value.hint == "Bitte seiteneinsteiger aktualisieren."


@pytest.mark.sqlite_only
def test_a_file_that_is_no_database_is_reported(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"Das ist keine Datenbank, sondern ein Brief. " * 200)
    with pytest.raises(CaseStoreError, match="kein lesbares Fallregister"):
        CaseStore.open(db_path)


@pytest.mark.sqlite_only
def test_files_are_private(store: CaseStore, target: Path, make_intake: MakeIntake) -> None:
    db_path = target
    store.add(make_intake(), today=TODAY)  # writes the WAL and shared-memory files
    for suffix in ("", "-wal", "-shm"):
        path = db_path.with_name(db_path.name + suffix)
        assert path.exists(), suffix
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, suffix


@pytest.mark.sqlite_only
def test_a_loose_mode_is_tightened_on_open(db_path: Path) -> None:
    CaseStore.open(db_path).close()
    db_path.chmod(0o644)
    CaseStore.open(db_path).close()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


@pytest.mark.sqlite_only
def test_default_location_is_the_data_directory() -> None:
    with CaseStore.open() as opened:
        assert opened.path == data_dir() / "cases.sqlite3"


# ---------------------------------------------------------------------------------------------
# Network filesystems


@pytest.mark.sqlite_only
@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smb3", "sshfs", "fuse.sshfs"])
def test_network_share_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fstype: str
) -> None:
    mounts = [("/", "ext4"), (str(tmp_path), fstype)]
    monkeypatch.setattr(netfs_module, "read_mounts", lambda: mounts)
    share = tmp_path / "kreis" / "cases.sqlite3"
    with pytest.raises(CaseStoreError, match=r"Netzlaufwerk") as caught:
        CaseStore.open(share)
    assert fstype in caught.value.message
    assert "SEITENEINSTEIGER_HOME" in (caught.value.hint or "")
    assert not share.exists()  # nothing was created there


@pytest.mark.sqlite_only
def test_the_deepest_mount_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    local = tmp_path / "lokal"
    mounts = [("/", "ext4"), (str(tmp_path), "nfs"), (str(local), "ext4")]
    monkeypatch.setattr(netfs_module, "read_mounts", lambda: mounts)
    assert network_filesystem(local / "x") is None
    assert network_filesystem(tmp_path / "y") == "nfs"
    # a sibling whose name merely starts like the mount point is not below it
    assert network_filesystem(Path(str(local) + "2")) == "nfs"


@pytest.mark.sqlite_only
def test_mount_points_with_spaces_are_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "Gemeinsame Ablage"
    escaped = str(share).replace(" ", "\\040")
    proc_mounts = f"/dev/sda1 / ext4 rw 0 0\n//srv/ki {escaped} cifs rw 0 0\n"
    monkeypatch.setattr(Path, "read_text", lambda self, **kw: proc_mounts)
    assert netfs_module.read_mounts()[-1] == (str(share), "cifs")


@pytest.mark.sqlite_only
def test_local_disk_is_accepted() -> None:
    # the real /proc/mounts of the test machine: the temporary directory is local
    with CaseStore.open() as opened:
        assert opened.path is not None
        assert network_filesystem(opened.path) is None


# ---------------------------------------------------------------------------------------------
# Case ids


@pytest.mark.parametrize(
    ("district", "prefix"),
    [
        ("kreis-mettmann", "ME"),
        ("kreis-unna", "UN"),
        ("stadt-herne", "HE"),
        ("nrw", "NRW"),
        (None, "NRW"),
        ("stadt-koeln", "KOE"),
        ("kreis-guetersloh", "GUE"),
        ("ennepe-ruhr-kreis", "ERK"),
        ("staedteregion-aachen", "AAC"),
    ],
)
def test_case_id_prefix(district: str | None, prefix: str) -> None:
    assert case_id_prefix(district) == prefix


def test_ids_count_per_prefix_and_year(store: CaseStore, make_intake: MakeIntake) -> None:
    def add(given: str, district: str, day: str) -> str:
        intake = make_intake(given_names=given, district=district, intake_date=day)
        return store.add(intake, today=TODAY).case_id

    assert add("A", "kreis-mettmann", "2025-09-15") == "ME-2025-0001"
    assert add("B", "kreis-mettmann", "2025-10-01") == "ME-2025-0002"
    assert add("C", "kreis-unna", "2025-10-01") == "UN-2025-0001"
    assert add("D", "kreis-mettmann", "2026-01-12") == "ME-2026-0001"
    stored = store.get("ME-2025-0002", today=TODAY)
    assert stored.intake.case_id == "ME-2025-0002"  # written into the stored intake


def test_district_option_fills_in_a_missing_district(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    added = store.add(make_intake(), district="kreis-unna", today=TODAY)
    assert added.case_id == "UN-2025-0001"
    record = store.get(added.case_id, today=TODAY)
    assert (record.district, record.intake.district) == ("kreis-unna", "kreis-unna")
    # the intake's own district wins over the option
    other = make_intake(given_names="Omar", district="stadt-herne")
    assert store.add(other, district="kreis-unna", today=TODAY).case_id == "HE-2025-0001"


def test_malformed_district_option_is_a_usage_error(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    with pytest.raises(UsageError, match="keine gültige Kennung"):
        store.add(make_intake(), district="Kreis Unna", today=TODAY)
    assert store.list_cases(today=TODAY) == []


def test_explicit_ids_are_never_handed_out_again(store: CaseStore, make_intake: MakeIntake) -> None:
    store.add(make_intake(case_id="ME-2025-0142", district="kreis-mettmann"), today=TODAY)
    store.delete("ME-2025-0142")
    new = make_intake(given_names="Omar", district="kreis-mettmann")
    assert store.add(new, today=TODAY).case_id == "ME-2025-0143"


def test_assigned_ids_skip_a_taken_number(
    store: CaseStore, make_intake: MakeIntake, target: Target
) -> None:
    store.add(make_intake(case_id="ME-2025-0001", district="kreis-mettmann"), today=TODAY)
    rows(target, "DELETE FROM case_id_counters")  # a counter that lags behind (older data)
    new = make_intake(given_names="Omar", district="kreis-mettmann")
    assert store.add(new, today=TODAY).case_id == "ME-2025-0002"


CONCURRENT_ADDER = textwrap.dedent(
    """
    import datetime as dt, json, sys, time
    from pathlib import Path
    from seiteneinsteiger.models.intake import Intake
    from seiteneinsteiger.store import CaseStore

    where, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    target = where if "://" in where else Path(where)
    start = float(sys.argv[4])
    time.sleep(max(0.0, start - time.time()))
    ids = []
    with CaseStore.open(target) as store:
        for number in range(count):
            intake = Intake.model_validate({
                "format": "seiteneinsteiger/intake@1", "intake_date": "2025-09-15",
                "district": "kreis-mettmann",
                "pupil": {"family_name": f"W{worker}", "given_names": f"K{number}",
                          "birth_date": "2013-02-11"},
            })
            ids.append(store.add(intake, today=dt.date(2026, 11, 23)).case_id)
    print(json.dumps(ids))
    """
)


def test_three_processes_adding_at_once_get_distinct_ids(target: Target) -> None:
    import time

    start = time.time() + 1.5  # all begin at the same moment, on a register not yet created
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT_ADDER, str(target), name, "30", str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b", "c")
    ]
    results = [worker.communicate(timeout=120) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], [err for _, err in results]
    ids = [case_id for out, _ in results for case_id in json.loads(out)]
    assert len(ids) == len(set(ids)) == 90
    assert sorted(ids) == [f"ME-2025-{n:04d}" for n in range(1, 91)]
    assert rows(target, "SELECT count(*) FROM cases") == [(90,)]
    assert rows(target, "SELECT last FROM case_id_counters") == [(90,)]


# ---------------------------------------------------------------------------------------------
# Adding and replacing


def test_new_case_starts_counselled_on_its_intake_date(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    added = store.add(make_intake(case_id="ME-2025-0142"), source="amal.yaml", today=TODAY)
    assert (added.replaced, added.status) == (False, PlacementStatus.beraten)
    record = store.get("ME-2025-0142", today=TODAY)
    assert [(e.at, e.status) for e in record.history] == [
        (dt.date(2025, 9, 15), PlacementStatus.beraten)
    ]
    assert record.source == "amal.yaml"
    assert record.waiting_days == (TODAY - dt.date(2025, 9, 15)).days == 434


def test_counselling_still_ahead_waits_for_counselling(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    added = store.add(make_intake(intake_date="2026-12-01"), today=TODAY)
    assert added.status is PlacementStatus.wartet_auf_beratung
    record = store.get(added.case_id, today=TODAY)
    assert record.history[0].at == TODAY
    assert record.waiting_days is None


def test_existing_case_id_is_refused_without_replace(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    store.add(make_intake(case_id="ME-2025-0142"), today=TODAY)
    with pytest.raises(CaseExistsError, match="ME-2025-0142 ist schon im Register"):
        store.add(make_intake(case_id="ME-2025-0142", given_names="Omar"), today=TODAY)
    assert store.get("ME-2025-0142", today=TODAY).intake.pupil.given_names == "Amal"


def test_replace_updates_the_intake_and_keeps_the_history(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    store.add(make_intake(case_id="ME-2025-0142"), today=TODAY)
    store.set_status("ME-2025-0142", PlacementStatus.an_schulamt_gemeldet, at=TODAY, today=TODAY)
    corrected = make_intake(case_id="ME-2025-0142", birth_date="2013-02-12")
    added = store.add(corrected, replace=True, source="neu.yaml", today=TODAY)
    assert (added.replaced, added.status) == (True, PlacementStatus.an_schulamt_gemeldet)
    record = store.get("ME-2025-0142", today=TODAY, audit=None)
    assert record.intake.pupil.birth_date == dt.date(2013, 2, 12)
    assert [e.status for e in record.history] == [
        PlacementStatus.beraten,
        PlacementStatus.an_schulamt_gemeldet,
    ]
    actions = [e.action for e in store.audit_entries("ME-2025-0142")]
    assert actions == ["angelegt", "status", "ersetzt"]


def test_the_same_child_without_case_id_is_not_added_twice(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    first = store.add(make_intake(district="kreis-unna"), today=TODAY)
    again = make_intake(family_name="HADDAD", district="kreis-unna")
    with pytest.raises(CaseExistsError, match=f"schon als Fall {first.case_id}") as caught:
        store.add(again, today=TODAY)
    assert "Haddad" not in caught.value.message  # a reference, not the child's name
    # a sibling (other given names) is a case of its own
    assert store.add(make_intake(given_names="Omar"), today=TODAY).case_id == "NRW-2025-0001"


FAILING_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER fail_event BEFORE INSERT ON status_events "
        "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION fail_event() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'simulated failure'; END $$",
        "CREATE TRIGGER fail_event BEFORE INSERT ON status_events "
        "FOR EACH ROW EXECUTE FUNCTION fail_event()",
    ],
}


def test_a_failing_sql_step_leaves_nothing_behind(
    store: CaseStore, make_intake: MakeIntake, target: Target, backend: str
) -> None:
    for statement in FAILING_TRIGGER[backend]:
        rows(target, statement)
    with pytest.raises(CaseStoreError, match="simulated failure"):
        store.add(make_intake(district="kreis-mettmann"), today=TODAY)
    for table in ("cases", "status_events", "audit", "case_id_counters"):
        assert rows(target, f"SELECT count(*) FROM {table}") == [(0,)], table


def test_an_exception_mid_transaction_leaves_nothing_behind(
    store: CaseStore, make_intake: MakeIntake, target: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(register_module, "_audit", explode)  # after the case and its first event
    with pytest.raises(RuntimeError):
        store.add(make_intake(district="kreis-mettmann"), today=TODAY)
    for table in ("cases", "status_events", "audit", "case_id_counters"):
        assert rows(target, f"SELECT count(*) FROM {table}") == [(0,)], table
    monkeypatch.undo()
    # the connection is usable again, and the counter was not used up
    assert store.add(make_intake(district="kreis-mettmann"), today=TODAY).case_id == "ME-2025-0001"


# ---------------------------------------------------------------------------------------------
# Status


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("zugewiesen", "zugewiesen"),
        ("Nicht-Erschienen", "nicht_erschienen"),
        (" verzogen ", "verzogen"),
    ],
)
def test_parse_status(typed: str, status: str) -> None:
    assert parse_status(typed) == status


def test_unknown_status_suggests_the_nearest() -> None:
    with pytest.raises(UsageError, match="meinten Sie 'aufgenommen'") as caught:
        parse_status("aufgenomen")
    assert "wartet_auf_beratung" in (caught.value.hint or "")


def test_status_history_and_waiting_time(store: CaseStore, make_intake: MakeIntake) -> None:
    stock(store)
    store.add(make_intake(case_id="ME-2025-0142"), today=TODAY)
    day = dt.date(2025, 10, 1)
    change = store.set_status(
        "ME-2025-0142",
        PlacementStatus.vorgeschlagen,
        at=day,
        note="GE Ratingen",
        place=place_at(store, "189601"),
        today=TODAY,
    )
    assert change.previous is PlacementStatus.beraten
    assert change.reserved is not None and change.reserved.schulnummer == "189601"
    refused = store.set_status("ME-2025-0142", PlacementStatus.abgelehnt, at=day, today=TODAY)
    assert refused.released == dataclasses.replace(
        change.reserved, status=ReservationStatus.released, ended_on=day, end_reason="abgelehnt"
    )
    store.set_status(
        "ME-2025-0142",
        PlacementStatus.zugewiesen,
        at=dt.date(2025, 10, 20),
        school_number="186960",
        today=TODAY,
    )
    store.set_status(
        "ME-2025-0142", PlacementStatus.aufgenommen, at=dt.date(2025, 11, 3), today=TODAY
    )
    record = store.get("ME-2025-0142", today=TODAY)
    assert record.status is PlacementStatus.aufgenommen
    assert [e.note for e in record.history] == [None, "GE Ratingen", None, None, None]
    assert [e.school_number for e in record.history] == [
        None,
        "189601",
        "189601",  # the school that refused: the one the place was reserved at
        "186960",
        "186960",  # admitted where the Schulamt assigned the child
    ]
    assert record.waiting_days == 35  # 15.09. to the assignment on 20.10.


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (TODAY + dt.timedelta(days=1), "liegt in der Zukunft"),
        (dt.date(2025, 9, 30), "vor der letzten Statusänderung \\(01.10.2025\\)"),
    ],
)
def test_implausible_status_dates_are_refused(
    store: CaseStore, make_intake: MakeIntake, at: dt.date, message: str
) -> None:
    store.add(make_intake(case_id="ME-2025-0142"), today=TODAY)
    store.set_status(
        "ME-2025-0142", PlacementStatus.an_schulamt_gemeldet, at=dt.date(2025, 10, 1), today=TODAY
    )
    with pytest.raises(CaseStoreError, match=message):
        store.set_status(
            "ME-2025-0142", PlacementStatus.zugewiesen, at=at, school_number="189601", today=TODAY
        )
    assert store.get("ME-2025-0142", today=TODAY).status is PlacementStatus.an_schulamt_gemeldet


def test_a_status_before_the_counselling_is_refused(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    added = store.add(make_intake(intake_date="2026-12-01"), today=TODAY)  # appointment ahead
    with pytest.raises(CaseStoreError, match=r"vor dem Beratungsdatum 01\.12\.2026"):
        store.set_status(added.case_id, PlacementStatus.beraten, today=TODAY)
    # moving away before the appointment is possible
    store.set_status(added.case_id, PlacementStatus.verzogen, today=TODAY)
    assert store.get(added.case_id, today=TODAY).waiting_days is None  # never counselled


def test_status_of_an_unknown_case_suggests_a_known_one(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    store.add(make_intake(case_id="ME-2025-0142"), today=TODAY)
    with pytest.raises(CaseNotFoundError, match="ME-2025-142 ist nicht im Register") as caught:
        store.set_status("ME-2025-142", PlacementStatus.zugewiesen, today=TODAY)
    assert caught.value.hint == "Meinten Sie ME-2025-0142?"


def _event(day: str, status: PlacementStatus) -> StatusEvent:
    return StatusEvent(dt.date.fromisoformat(day), status, None, "")


def test_waiting_days_rules() -> None:
    counselled = dt.date(2025, 9, 15)
    beraten = _event("2025-09-15", PlacementStatus.beraten)
    assert waiting_days(counselled, [beraten], TODAY) == 434
    waiting = [_event("2025-09-01", PlacementStatus.wartet_auf_beratung)]
    assert waiting_days(counselled, waiting, TODAY) is None
    placed = [
        beraten,
        _event("2025-10-20", PlacementStatus.zugewiesen),
        _event("2025-11-03", PlacementStatus.aufgenommen),
    ]
    assert waiting_days(counselled, placed, TODAY) == 35
    refused_after_assignment = [*placed, _event("2025-11-10", PlacementStatus.abgelehnt)]
    assert waiting_days(counselled, refused_after_assignment, TODAY) == 434
    moved_away = [beraten, _event("2025-12-01", PlacementStatus.verzogen)]
    assert waiting_days(counselled, moved_away, TODAY) == 77


# ---------------------------------------------------------------------------------------------
# Deletion and audit


@pytest.mark.sqlite_only
def test_delete_removes_the_content_from_disk(
    store: CaseStore, make_intake: MakeIntake, target: Path
) -> None:
    db_path = target
    marker = "Zzyzxunverwechselbar"
    store.add(make_intake(case_id="ME-2025-0142", family_name=marker), today=TODAY)
    store.add(make_intake(case_id="ME-2025-0143", given_names="Omar"), today=TODAY)
    store.set_status("ME-2025-0142", PlacementStatus.an_schulamt_gemeldet, note=marker, today=TODAY)
    assert store.delete("ME-2025-0142").scrub.complete
    assert [c.case_id for c in store.list_cases(today=TODAY)] == ["ME-2025-0143"]
    assert rows(db_path, "SELECT count(*) FROM status_events WHERE case_id='ME-2025-0142'") == [
        (0,)
    ]
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        raw = path.read_bytes() if path.exists() else b""
        assert marker.encode() not in raw, f"content left in {path.name}"


@pytest.mark.sqlite_only
def test_a_corrected_intake_leaves_no_old_version_on_disk(
    store: CaseStore, make_intake: MakeIntake, target: Path
) -> None:
    db_path = target
    wrong = "Zzyzxfalschgeschrieben"
    store.add(make_intake(case_id="ME-2025-0142", family_name=wrong), today=TODAY)
    store.add(make_intake(case_id="ME-2025-0142"), replace=True, today=TODAY)
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        raw = path.read_bytes() if path.exists() else b""
        assert wrong.encode() not in raw, f"old version left in {path.name}"


def test_delete_leaves_a_tombstone_without_content(
    store: CaseStore, make_intake: MakeIntake
) -> None:
    store.add(make_intake(case_id="ME-2025-0142"), today=TODAY)
    store.delete("ME-2025-0142")
    last = store.audit_entries()[-1]
    assert (last.action, last.case_id) == ("gelöscht", "ME-2025-0142")
    assert last.at[:10] == dt.date.today().isoformat()
    with pytest.raises(CaseNotFoundError):
        store.delete("ME-2025-0142")


def test_audit_never_holds_field_values(
    store: CaseStore, make_intake: MakeIntake, target: Target
) -> None:
    store.add(make_intake(case_id="ME-2025-0142"), source="amal-haddad.yaml", today=TODAY)
    store.set_status(
        "ME-2025-0142", PlacementStatus.abgelehnt, note="Haddad: kein Platz", school_number="189601"
    )
    store.get("ME-2025-0142")
    store.log("ME-2025-0142", AuditAction.exported)
    store.delete("ME-2025-0142")
    logged = rows(target, "SELECT * FROM audit ORDER BY id")
    assert [row[3] for row in logged] == [
        "angelegt",
        "status",
        "angesehen",
        "exportiert",
        "gelöscht",
    ]
    dumped = json.dumps(logged, ensure_ascii=False)
    for value in ("Haddad", "Amal", "2013-02-11", "amal-haddad", "abgelehnt"):
        assert value not in dumped


# ---------------------------------------------------------------------------------------------
# Listing and statistics


def test_list_filters_and_order(store: CaseStore, make_intake: MakeIntake) -> None:
    store.add(make_intake(case_id="UN-2025-0031", district="kreis-unna"), today=TODAY)
    store.add(
        make_intake(
            case_id="ME-2025-0142",
            district="kreis-mettmann",
            given_names="Omar",
            intake_date="2025-08-01",
        ),
        today=TODAY,
    )
    assigned = PlacementStatus.zugewiesen
    store.set_status("UN-2025-0031", assigned, school_number="121599", today=TODAY)
    assert [c.case_id for c in store.list_cases(today=TODAY)] == ["ME-2025-0142", "UN-2025-0031"]
    unna = store.list_cases(district="kreis-unna", today=TODAY)
    assert [(c.case_id, c.family_name, c.given_names) for c in unna] == [
        ("UN-2025-0031", "Haddad", "Amal")
    ]
    assert store.list_cases(status=PlacementStatus.beraten, today=TODAY)[0].case_id == (
        "ME-2025-0142"
    )


def test_stats_count_and_waiting_figures(store: CaseStore, make_intake: MakeIntake) -> None:
    for number, day in enumerate(["2026-11-13", "2026-11-03", "2026-10-24", "2026-09-01"]):
        intake = make_intake(case_id=f"ME-2026-{number:04d}", intake_date=day, given_names=day)
        store.add(intake, today=TODAY)
    store.set_status(
        "ME-2026-0003", PlacementStatus.aufgenommen, at=TODAY, school_number="189601", today=TODAY
    )
    store.add(make_intake(given_names="Neu", intake_date="2026-12-01"), today=TODAY)
    figures = store.stats(today=TODAY)
    assert figures.total == 5
    assert figures.by_status[PlacementStatus.beraten] == 3
    assert figures.by_status[PlacementStatus.aufgenommen] == 1
    assert figures.by_status[PlacementStatus.wartet_auf_beratung] == 1
    assert sum(figures.by_status.values()) == figures.total
    assert figures.waiting_for_place == 3
    assert (figures.median_waiting_days, figures.max_waiting_days) == (20.0, 30)
    assert store.stats(district="kreis-unna", today=TODAY).median_waiting_days is None
