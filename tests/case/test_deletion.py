"""Deleted means off the disk, or the user hears why not yet; retention (case purge)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.fsutil import data_dir
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.store import CaseStore, PlacementStatus, closed_on
from seiteneinsteiger.store.allocation import NEEDS_SCHOOL
from seiteneinsteiger.store.status import StatusEvent, retention_cutoff

from .conftest import Target, rows

TODAY = dt.date(2026, 11, 23)
MARKER = "Zzyzxunverwechselbar"


def _intake(case_id: str, family_name: str = "Haddad", intake_date: str = "2019-09-16") -> Intake:
    return Intake.model_validate(
        {
            "format": "seiteneinsteiger/intake@1",
            "case_id": case_id,
            "intake_date": intake_date,
            "pupil": {
                "family_name": family_name,
                "given_names": "Amal",
                "birth_date": "2013-02-11",
            },
        }
    )


@pytest.fixture
def store(target: Target) -> Iterator[CaseStore]:
    with CaseStore.open(target) as opened:
        yield opened


def _on_disk(path: Path, text: str) -> list[str]:
    found = []
    for suffix in ("", "-wal"):
        part = path.with_name(path.name + suffix)
        if part.exists() and text.encode() in part.read_bytes():
            found.append(part.name)
    return found


# ---------------------------------------------------------------------------------------------
# A reader elsewhere holds the old content


@pytest.mark.sqlite_only
def test_delete_with_a_reader_elsewhere_does_not_claim_success(
    target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seiteneinsteiger.store.engine as engine_module

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)  # the wait a test can afford
    with CaseStore.open(target) as store:
        store.add(_intake("ME-2025-0142", MARKER), today=TODAY)
        store.add(_intake("ME-2025-0143"), today=TODAY)
        other = sqlite3.connect(target, isolation_level=None)
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM cases").fetchone()
        deleted = store.delete("ME-2025-0142")
        assert not deleted.scrub.complete
        assert "anderes Programm liest gerade" in (deleted.scrub.reason or "")
        assert store.scrub_pending
        assert _on_disk(target, MARKER) != []  # honest: still there
        assert [c.case_id for c in store.list_cases(audit=False)] == ["ME-2025-0143"]
        other.close()
    with CaseStore.open(target) as again:  # the next open finishes the job
        assert not again.scrub_pending
    assert _on_disk(target, MARKER) == []
    assert rows(target, "SELECT count(*) FROM register_meta") == [(0,)]


@pytest.mark.sqlite_only
def test_case_delete_exits_1_while_another_program_reads(
    runner: CliRunner, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seiteneinsteiger.store.engine as engine_module

    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    assert runner.invoke(app, ["case", "add", str(examples / "intakes" / "amal-haddad.yaml")])
    path = data_dir() / "cases.sqlite3"
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN")
    other.execute("SELECT count(*) FROM cases").fetchone()
    result = runner.invoke(app, ["case", "delete", "ME-2025-0142", "--yes"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(
        "Fehler: Fall ME-2025-0142 ist aus dem Register gelöscht, aber noch nicht überschrieben: "
        "ein anderes Programm liest gerade im Register"
    )
    assert lines[1].startswith("Hinweis: Das andere Programm schließen;")
    assert "gelöscht." not in result.stderr.replace("gelöscht, aber", "")
    listed = runner.invoke(app, ["case", "list"])  # still open elsewhere: a calm note
    assert "Gelöschte Fälle sind noch nicht überschrieben" in listed.stderr
    other.close()
    after = runner.invoke(app, ["case", "list"])
    assert after.stderr.strip() == "Keine Fälle im Register."
    assert _on_disk(path, "Haddad") == []


@pytest.mark.postgresql_only
def test_postgres_delete_vacuums_and_reports_an_older_open_transaction(
    store: CaseStore, target: str
) -> None:
    from .conftest import raw_engine

    store.add(_intake("ME-2025-0142", MARKER), today=TODAY)
    store.add(_intake("ME-2025-0143"), today=TODAY)
    engine = raw_engine(target)
    other = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    other.begin()
    assert other.exec_driver_sql("SELECT count(*) FROM cases").scalar_one() == 2
    deleted = store.delete("ME-2025-0142")
    assert not deleted.scrub.complete
    assert "schon vorher geöffnete Datenbankverbindung" in (deleted.scrub.reason or "")
    assert rows(target, "SELECT key FROM register_meta") == [("scrub_pending",)]
    other.rollback()
    other.close()
    engine.dispose()
    with CaseStore.open(target) as again:  # VACUUM again at the next open, and done
        assert not again.scrub_pending
    assert rows(target, "SELECT count(*) FROM register_meta") == [(0,)]
    assert store.delete("ME-2025-0143").scrub.complete  # nobody else reading: at once


@pytest.mark.sqlite_only
def test_without_a_reader_delete_overwrites_at_once(store: CaseStore, target: Path) -> None:
    store.add(_intake("ME-2025-0142", MARKER), today=TODAY)
    assert store.delete("ME-2025-0142").scrub.complete
    assert _on_disk(target, MARKER) == []
    assert target.with_name(target.name + "-wal").stat().st_size == 0


# ---------------------------------------------------------------------------------------------
# Retention


def _event(day: str, status: PlacementStatus) -> StatusEvent:
    return StatusEvent(dt.date.fromisoformat(day), status, None, "")


def test_closed_means_the_latest_status_closes_the_case() -> None:
    beraten = _event("2020-09-01", PlacementStatus.beraten)
    assert closed_on([beraten]) is None
    placed = [beraten, _event("2020-10-01", PlacementStatus.aufgenommen)]
    assert closed_on(placed) == dt.date(2020, 10, 1)
    moved_later = [*placed, _event("2021-03-01", PlacementStatus.verzogen)]
    assert closed_on(moved_later) == dt.date(2021, 3, 1)
    reopened = [*placed, _event("2020-11-01", PlacementStatus.abgelehnt)]
    assert closed_on(reopened) is None
    assigned = [beraten, _event("2020-10-01", PlacementStatus.zugewiesen)]
    assert closed_on(assigned) is None  # the school has not confirmed yet
    withdrawn = [beraten, _event("2020-10-01", PlacementStatus.zurueckgezogen)]
    assert closed_on(withdrawn) == dt.date(2020, 10, 1)


@pytest.mark.parametrize(
    ("today", "years", "cutoff"),
    [
        ("2026-03-15", 5, "2021-03-15"),
        ("2028-02-29", 5, "2023-02-28"),
        ("2026-11-23", 10, "2016-11-23"),
    ],
)
def test_retention_cutoff(today: str, years: int, cutoff: str) -> None:
    assert retention_cutoff(dt.date.fromisoformat(today), years) == dt.date.fromisoformat(cutoff)


def _fill(store: CaseStore) -> None:
    """Closed long ago, closed recently, reopened, open, and closed exactly on the cutoff."""
    plan: list[tuple[str, str, PlacementStatus | None, str | None]] = [
        ("ME-2019-0001", "2019-09-16", PlacementStatus.aufgenommen, "2019-10-01"),
        ("ME-2019-0002", "2019-09-16", PlacementStatus.verzogen, "2021-11-23"),  # cutoff day
        ("ME-2019-0003", "2019-09-16", PlacementStatus.aufgenommen, "2022-01-10"),
        ("ME-2019-0004", "2019-09-16", PlacementStatus.zugewiesen, "2019-10-01"),
        ("ME-2019-0005", "2019-09-16", None, None),
    ]
    for number, (case_id, day, status, at) in enumerate(plan):
        store.add(_intake(case_id, f"Kind{number}", day), today=TODAY)
        if status is not None and at is not None:
            school = "189601" if status in NEEDS_SCHOOL else None
            effective = dt.date.fromisoformat(at)
            store.set_status(case_id, status, at=effective, school_number=school, today=TODAY)


def test_purge_deletes_what_is_due_and_logs_the_count_only(store: CaseStore) -> None:
    _fill(store)
    plan = store.plan_purge(5, today=TODAY)
    assert plan.cutoff == dt.date(2021, 11, 23)
    assert plan.due == [
        ("ME-2019-0001", dt.date(2019, 10, 1)),
        ("ME-2019-0002", dt.date(2021, 11, 23)),
    ]
    assert len(store.list_cases(audit=False)) == 5  # planning changes nothing
    done, deleted = store.purge(5, today=TODAY)
    assert done.due == plan.due
    assert deleted.case_ids == ["ME-2019-0001", "ME-2019-0002"] and deleted.scrub.complete
    remaining = [c.case_id for c in store.list_cases(audit=False)]
    assert remaining == ["ME-2019-0003", "ME-2019-0004", "ME-2019-0005"]
    last = store.audit_entries()[-1]
    assert (last.action, last.case_id) == ("bereinigt", None)
    assert last.detail == "2 Fälle, Aufbewahrungsfrist 5 Jahre nach Abschluss"
    assert store.purge(5, today=TODAY)[1].case_ids == []


def _fill_relative(store: CaseStore) -> tuple[str, str]:
    """One case closed six years ago (due), one closed a year ago, one open; today's date."""
    today = dt.date.today()
    long_ago = today.replace(year=today.year - 6, day=1)
    recently = today.replace(year=today.year - 1, day=1)
    for case_id, closed in (("ME-2000-0001", long_ago), ("ME-2000-0002", recently)):
        store.add(_intake(case_id, case_id, (closed - dt.timedelta(days=30)).isoformat()))
        store.set_status(case_id, PlacementStatus.aufgenommen, at=closed, school_number="189601")
    store.add(_intake("ME-2000-0003", "offen", recently.isoformat()))
    return "ME-2000-0001", long_ago.strftime("%d.%m.%Y")


def test_case_purge_dry_run_json_and_confirmation(runner: CliRunner) -> None:
    with CaseStore.open() as store:
        due, closed = _fill_relative(store)
    dry = runner.invoke(app, ["case", "purge", "--dry-run", "--format", "json"])
    assert dry.exit_code == 0, dry.output
    data: dict[str, Any] = json.loads(dry.stdout)
    assert data["retention_years"] == 5 and data["deleted"] is False
    assert [c["case_id"] for c in data["cases"]] == [due]
    text = runner.invoke(app, ["case", "purge", "--dry-run"])
    assert text.stdout.splitlines() == [f"{due}  abgeschlossen am {closed}"]
    assert "1 Fälle würden gelöscht" in text.stderr and "Nichts gelöscht (--dry-run)" in text.stderr
    declined = runner.invoke(app, ["case", "purge"], input="n\n")
    assert declined.exit_code == 1 and "Abgebrochen, nichts gelöscht." in declined.stderr
    done = runner.invoke(app, ["case", "purge", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith("1 Fälle gelöscht: abgeschlossen am")
    listed = json.loads(runner.invoke(app, ["case", "list", "--format", "json"]).stdout)
    assert [c["case_id"] for c in listed["cases"]] == ["ME-2000-0002", "ME-2000-0003"]
    nothing = runner.invoke(app, ["case", "purge", "--yes"])
    assert nothing.exit_code == 0 and nothing.stderr.startswith("Keine Fälle zu löschen")


def test_the_retention_period_comes_from_config(runner: CliRunner) -> None:
    from seiteneinsteiger.config import config_file

    with CaseStore.open() as store:
        _fill_relative(store)
    config = config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("retention_years: 30\n", encoding="utf-8")
    result = runner.invoke(app, ["case", "purge", "--dry-run", "--format", "json"])
    assert json.loads(result.stdout)["count"] == 0
    assert json.loads(result.stdout)["retention_years"] == 30
    overridden = runner.invoke(app, ["case", "purge", "--dry-run", "--years", "5", "-f", "json"])
    assert json.loads(overridden.stdout)["count"] == 1
    config.write_text("retention_years: fünf\n", encoding="utf-8")
    bad = runner.invoke(app, ["case", "purge", "--dry-run"])
    assert bad.exit_code == 2
    assert "retention_years: ganze Zahl ab 1 erwartet, nicht 'fünf'" in bad.stderr
