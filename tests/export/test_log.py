"""The export log answers "who received my child's data?" without holding the data."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.export import log
from seiteneinsteiger.export.profiles import load_profile

pytestmark = pytest.mark.usefixtures("fake_engine")


def _export_school(runner: CliRunner, intakes: Path, target: Path) -> None:
    result = runner.invoke(app, ["export", "school", str(intakes), "-o", str(target)])
    assert result.exit_code == 0, result.stderr


def test_every_export_is_logged_with_ids_fields_and_hash(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    _export_school(runner, intakes_dir, target)
    path = log.log_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    # logged as pending before the file was written, completed after it was in place
    pending, entry = (json.loads(line) for line in lines)
    assert (pending["status"], pending["sha256"], entry["status"]) == ("pending", "", "completed")
    assert pending["id"] == entry["id"] and pending["cases"] == entry["cases"]
    assert [e.sha256 for e in log.read_entries()] == [entry["sha256"]]
    assert entry["format"] == "seiteneinsteiger/export-log@1"
    assert entry["command"] == "export school"
    assert entry["profile"] == "school"
    assert entry["recipient"] == "Aufnehmende Schule"
    assert entry["output"] == str(target.resolve())
    assert entry["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert "ME-2025-0142" in entry["cases"] and len(entry["cases"]) == 12
    assert "UN-2025-0089" not in entry["cases"]  # left out: no consent
    assert entry["left_out"] == 5  # 2 without consent, 3 without a school to go to
    assert entry["fields"] == load_profile("school").field_names
    assert entry["user"]
    assert entry["timestamp"][:4].isdigit()


def test_the_log_holds_no_values(runner: CliRunner, intakes_dir: Path, tmp_path: Path) -> None:
    _export_school(runner, intakes_dir, tmp_path / "schule.xlsx")
    text = log.log_path().read_text(encoding="utf-8")
    for value in ("Haddad", "Amal", "2013-02-11", "11.02.2013", "Mühlenweg", "+49 151", "Ratingen"):
        assert value not in text


def test_the_log_is_appended_to(runner: CliRunner, intakes_dir: Path, tmp_path: Path) -> None:
    _export_school(runner, intakes_dir, tmp_path / "a.xlsx")
    _export_school(runner, intakes_dir / "amal-haddad.yaml", tmp_path / "b.xlsx")
    entries = list(log.read_entries())
    assert [Path(e.output).name for e in entries] == ["a.xlsx", "b.xlsx"]
    assert entries[1].cases == ["ME-2025-0142"]


def test_log_command_lists_the_exports_of_one_case(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    _export_school(runner, intakes_dir, tmp_path / "a.xlsx")
    _export_school(runner, intakes_dir / "elif-yildirim.yaml", tmp_path / "b.xlsx")
    result = runner.invoke(app, ["export", "log", "--case", "ME-2025-0142"])
    assert result.exit_code == 0
    assert "export school  an: Aufnehmende Schule" in result.stdout
    assert "a.xlsx" in result.stdout and "b.xlsx" not in result.stdout
    assert "1 Export(e) im Protokoll." in result.stdout
    result = runner.invoke(app, ["export", "log", "--format", "json"])
    entries = json.loads(result.stdout)
    assert [Path(e["output"]).name for e in entries] == ["a.xlsx", "b.xlsx"]
    result = runner.invoke(app, ["export", "log", "--case", "XX-0000"])
    assert "Keine Exporte mit Fall XX-0000 im Protokoll" in result.stdout


def test_nothing_is_written_when_the_log_cannot_be_written(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(entry: log.LogEntry, path: Path | None = None) -> None:
        raise ExportError("Exportprotokoll kann nicht geschrieben werden: Keine Schreibrechte")

    monkeypatch.setattr(log, "append", refuse)
    target = tmp_path / "schule.xlsx"
    result = runner.invoke(app, ["export", "school", str(intakes_dir), "-o", str(target)])
    assert result.exit_code == 1
    assert "Exportprotokoll kann nicht geschrieben werden" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no file, no temporary file


def test_an_export_whose_completion_cannot_be_logged_is_removed(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = log.append

    def refuse_completion(entry: log.LogEntry, path: Path | None = None) -> None:
        if entry.status == log.COMPLETED:
            raise ExportError("Exportprotokoll kann nicht geschrieben werden: Datenträger voll")
        original(entry, path)

    monkeypatch.setattr(log, "append", refuse_completion)
    target = tmp_path / "schule.xlsx"
    result = runner.invoke(app, ["export", "school", str(intakes_dir), "-o", str(target)])
    assert result.exit_code == 1
    assert "wurde wieder entfernt, weil jede Weitergabe protokolliert sein muss" in result.stderr
    assert not target.exists()
    [entry] = log.read_entries()
    assert entry.status == log.ABANDONED


def test_a_damaged_log_line_is_reported_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text('{"broken": \n', encoding="utf-8")
    with pytest.raises(
        ExportError, match=r"log\.jsonl:1: Eintrag im Exportprotokoll ist beschädigt"
    ):
        list(log.read_entries(path))
