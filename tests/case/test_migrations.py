"""Schema history: Alembic migrations, registers of the first release, newer and unknown schemas."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

import seiteneinsteiger.store.migrate as migrate_module
from seiteneinsteiger.cli.main import app
from seiteneinsteiger.fsutil import data_dir
from seiteneinsteiger.store import HEAD_REVISION, CaseStore, CaseStoreError, PlacementStatus
from seiteneinsteiger.store.schema import REVISIONS, metadata

from .conftest import Target, raw_engine, rows

LEGACY_DUMP = Path(__file__).parent / "data" / "register-v1.sql"
TODAY = dt.date(2026, 3, 2)


def _legacy_register(path: Path) -> Path:
    """An SQLite register exactly as the first release left it (user_version 1, STRICT tables)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.executescript(LEGACY_DUMP.read_text(encoding="utf-8"))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    path.chmod(0o600)
    return path


def test_the_known_revisions_are_the_scripts_in_order() -> None:
    config = migrate_module._alembic_config(None)  # type: ignore[arg-type]
    script = ScriptDirectory.from_config(config)
    chain = [revision.revision for revision in script.walk_revisions()]
    assert list(reversed(chain)) == list(REVISIONS)
    assert script.get_current_head() == HEAD_REVISION


def test_the_migrations_build_exactly_the_schema_the_code_uses(target: Target) -> None:
    CaseStore.open(target).close()
    engine = raw_engine(target)
    try:
        with engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert [
        d for d in differences if d[0] != "remove_table" or d[1].name != "alembic_version"
    ] == []


@pytest.mark.sqlite_only
def test_a_register_of_the_first_release_is_upgraded_with_a_backup(tmp_path: Path) -> None:
    path = _legacy_register(tmp_path / "cases.sqlite3")
    before = rows(path, "SELECT case_id, status FROM cases ORDER BY case_id")
    with CaseStore.open(path) as store:
        assert store.migrated_from == "legacy"
        assert store.schema_version == HEAD_REVISION
        listed = store.list_cases(today=TODAY, audit=False)
        assert [(c.case_id, c.status.value) for c in listed] == [
            ("HE-2025-0019", "aufgenommen"),
            ("ME-2025-0142", "zugewiesen"),
            ("UN-2025-0089", "beraten"),
            ("ME-2026-0001", "beraten"),
        ]
        amal = store.get("ME-2025-0142", today=TODAY)
        assert amal.intake.pupil.family_name == "Haddad"
        assert [(e.at, e.status, e.note, e.actor) for e in amal.history] == [
            (dt.date(2025, 9, 15), PlacementStatus.beraten, None, None),
            (dt.date(2025, 10, 1), PlacementStatus.vorgeschlagen, "GE Ratingen", None),
            (dt.date(2025, 10, 6), PlacementStatus.zugewiesen, None, None),
        ]
        assert amal.waiting_days == 21
        # the counters go on where the first release stopped
        new = store.add(
            amal.intake.model_copy(update={"case_id": None}).model_copy(
                update={"pupil": amal.intake.pupil.model_copy(update={"given_names": "Omar"})}
            ),
            today=TODAY,
        )
        assert new.case_id == "ME-2025-0143"
        actions = [(e.action, e.detail) for e in store.audit_entries()]
        assert ("aktualisiert", f"Schema legacy → {HEAD_REVISION}") in actions
        assert actions[0] == ("angelegt", None)  # the old log is kept
    assert rows(path, "PRAGMA user_version") == [(2,)]  # the first release refuses it now
    [copy] = tmp_path.glob("cases-vor-aktualisierung-*.sqlite3")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert rows(copy, "SELECT case_id, status FROM cases ORDER BY case_id") == before
    assert rows(copy, "PRAGMA user_version") == [(1,)]
    with CaseStore.open(path) as again:  # a second open changes nothing
        assert again.migrated_from is None
    assert len(list(tmp_path.glob("cases-vor-aktualisierung-*"))) == 1


@pytest.mark.sqlite_only
def test_a_failing_upgrade_leaves_the_old_register_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _legacy_register(tmp_path / "cases.sqlite3")
    from alembic import command

    real_upgrade = command.upgrade

    def upgrade_then_fail(*args: object, **kwargs: object) -> None:
        real_upgrade(*args, **kwargs)  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    with pytest.raises(OSError):
        CaseStore.open(path)
    tables = {row[0] for row in rows(path, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert "alembic_version" not in tables and "register_meta" not in tables
    assert rows(path, "PRAGMA user_version") == [(1,)]
    columns = [row[1] for row in rows(path, "PRAGMA table_info(status_events)")]
    assert "actor" not in columns
    monkeypatch.undo()
    with CaseStore.open(path) as store:  # the next attempt succeeds
        assert len(store.list_cases(today=TODAY, audit=False)) == 4


@pytest.mark.sqlite_only
def test_the_cli_says_that_it_upgraded(runner: CliRunner) -> None:
    _legacy_register(data_dir() / "cases.sqlite3")
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"Hinweis: Fallregister auf Schema {HEAD_REVISION} aktualisiert (vorher eine Sicherung "
        "daneben)."
    )
    assert len(result.stdout.splitlines()) == 5
    again = runner.invoke(app, ["case", "list"])
    assert again.stderr == ""


def test_a_database_with_unknown_tables_is_refused(target: Target, backend: str) -> None:
    if backend == "sqlite":
        assert isinstance(target, Path)
        target.parent.mkdir(parents=True)
    rows(target, "CREATE TABLE cases (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(CaseStoreError, match="kein Fallregister, das diese Version") as caught:
        CaseStore.open(target)
    assert "case_id" not in str(caught.value.hint)
    assert rows(target, "SELECT count(*) FROM cases") == [(0,)]


def test_a_register_from_a_newer_program_is_refused_on_the_command_line(
    runner: CliRunner, backend: str
) -> None:
    assert runner.invoke(app, ["case", "list"]).exit_code == 0
    with CaseStore.open() as store:
        where: Target = store.path if store.path is not None else store.location.url
    rows(where, "UPDATE alembic_version SET version_num = '0042'")
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 1
    assert "stammt von einer neueren Version von seiteneinsteiger (Schema 0042" in result.stderr
    assert "Traceback" not in result.output
