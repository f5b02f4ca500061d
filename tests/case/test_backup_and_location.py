"""Backups with rotation, where the register lives, and the errors of both, in one German line."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.fsutil import data_dir
from seiteneinsteiger.store import CaseStore, mask_url
from seiteneinsteiger.store.location import resolve

AMAL = "intakes/amal-haddad.yaml"


def _one_line_error(stderr: str) -> str:
    assert "Traceback" not in stderr and "Interner Fehler" not in stderr, stderr
    return stderr.splitlines()[0]


@pytest.mark.sqlite_only
def test_backup_into_a_directory_rotates(runner: CliRunner, examples: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["case", "add", str(examples / AMAL)]).exit_code == 0
    keep = tmp_path / "sicherungen"
    keep.mkdir()
    (keep / "notizen.txt").write_text("bleibt\n")
    made = []
    for _ in range(4):
        result = runner.invoke(app, ["case", "backup", "-o", str(keep), "--keep", "2"])
        assert result.exit_code == 0, result.output
        made.append(Path(result.stdout.split(": ", 1)[1].rsplit(" (", 1)[0]))
        assert result.stdout.endswith("(1 Fälle)\n")
    left = sorted(p.name for p in keep.iterdir())
    assert left == sorted([made[-2].name, made[-1].name, "notizen.txt"])
    for path in made[-2:]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        with CaseStore.open(path) as copy:
            assert [c.case_id for c in copy.list_cases(audit=False)] == ["ME-2025-0142"]
    last = runner.invoke(app, ["case", "backup", "-o", str(keep), "--keep", "2"])
    assert "1 ältere Sicherung entfernt, die neuesten 2 bleiben." in last.stderr


@pytest.mark.sqlite_only
def test_backup_into_a_read_only_directory_is_one_clear_line(
    runner: CliRunner, examples: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["case", "add", str(examples / AMAL)]).exit_code == 0
    locked = tmp_path / "schreibgeschuetzt"
    locked.mkdir()

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(
        "seiteneinsteiger.store.backup.tempfile.mkstemp", refuse
    )  # root ignores chmod
    result = runner.invoke(app, ["case", "backup", "-o", str(locked / "s.sqlite3")])
    assert result.exit_code == 1
    assert _one_line_error(result.stderr) == (
        f"Fehler: keine Schreibberechtigung im Verzeichnis {locked}"
    )


@pytest.mark.sqlite_only
def test_an_unwritable_data_directory_is_one_clear_line(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("seiteneinsteiger.store.engine.os.open", refuse)  # root ignores chmod
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 1
    assert _one_line_error(result.stderr) == (
        f"Fehler: Fallregister {data_dir() / 'cases.sqlite3'}: keine Schreibberechtigung"
    )


def test_backup_of_a_postgres_register_points_to_pg_dump(
    runner: CliRunner, backend: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["case", "backup", "-o", str(tmp_path / "x.sqlite3")])
    if backend == "sqlite":
        assert result.exit_code == 0
        return
    assert result.exit_code == 2
    assert "pg_dump" in _one_line_error(result.stderr)


# ---------------------------------------------------------------------------------------------
# Where the register lives


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://ki:geheim@db.kreis.local/register",
            "postgresql://ki:***@db.kreis.local/register",
        ),
        (
            "postgresql://ki@db/register?password=geheim&sslmode=require",
            "postgresql://ki@db/register?password=***&sslmode=require",
        ),
        ("sqlite:////srv/cases.sqlite3", "sqlite:////srv/cases.sqlite3"),
    ],
)
def test_passwords_are_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown
    assert "geheim" not in resolve(url).label


@pytest.mark.sqlite_only
def test_the_register_comes_from_the_environment_then_config_then_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seiteneinsteiger.config import config_file

    assert resolve().path == data_dir() / "cases.sqlite3"
    config = config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"database_url: sqlite:///{tmp_path}/aus-config.sqlite3\n")
    assert resolve().path == tmp_path / "aus-config.sqlite3"
    monkeypatch.setenv("SEITENEINSTEIGER_DATABASE_URL", "postgres://ki:pw@server/register")
    where = resolve()
    assert (where.backend, where.url) == (
        "postgresql",
        "postgresql+psycopg://ki:pw@server/register",
    )


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "mysql://ki:geheim@server/register",
            "Fehler: SEITENEINSTEIGER_DATABASE_URL: 'mysql://ki:***@server/register' ist keine "
            "unterstützte Datenbankadresse",
        ),
        (
            "postgresql://ki:geheim@127.0.0.1:1/register",
            "Fehler: Der Datenbankserver ist nicht erreichbar "
            "(postgresql+psycopg://ki:***@127.0.0.1:1/register)",
        ),
    ],
)
def test_a_bad_or_unreachable_url_is_one_line_without_the_password(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, url: str, message: str
) -> None:
    monkeypatch.setenv("SEITENEINSTEIGER_DATABASE_URL", url)
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 1
    assert _one_line_error(result.stderr) == message
    assert "geheim" not in result.output


@pytest.mark.postgresql_only
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "Zq9geheimXY"}, "Fehler: Anmeldung am Datenbankserver fehlgeschlagen"),
        ({"database": "gibt_es_nicht"}, "Fehler: Diese Datenbank gibt es auf dem Server nicht"),
    ],
)
def test_wrong_password_and_missing_database(
    runner: CliRunner,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
    change: dict[str, Any],
    message: str,
) -> None:
    import sqlalchemy as sa

    url = sa.make_url(os.environ["SEITENEINSTEIGER_DATABASE_URL"]).set(**change)
    monkeypatch.setenv("SEITENEINSTEIGER_DATABASE_URL", url.render_as_string(hide_password=False))
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 1
    assert _one_line_error(result.stderr).startswith(message)
    assert "Zq9geheimXY" not in result.output
