"""`case add` enters an assigned case id into the intake file: comments kept, nothing lost."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app

HAND_EDITED = """\
# Erstberatung am 06.10.2025, Dolmetscherin Frau K.
format: seiteneinsteiger/intake@1   # nicht ändern
intake_date: 2025-10-06
district: kreis-unna

pupil:
  family_name: Neumann     # laut Pass
  given_names: Lea
  birth_date: 2014-05-01
"""


def _record(given: str) -> dict[str, object]:
    return {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": "2025-10-06",
        "district": "kreis-unna",
        "pupil": {"family_name": "Neumann", "given_names": given, "birth_date": "2014-05-01"},
    }


def test_yaml_gets_one_line_after_format_and_keeps_its_comments(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "lea.yaml"
    path.write_text(HAND_EDITED, encoding="utf-8")
    result = runner.invoke(app, ["case", "add", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[:2] == ["UN-2025-0001", "angelegt"]
    assert "Fallnummer in 1 Datei eingetragen." in result.stderr
    lines = HAND_EDITED.splitlines(keepends=True)
    assert path.read_text(encoding="utf-8") == "".join(
        [*lines[:2], "case_id: UN-2025-0001\n", *lines[2:]]
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["lea.yaml"]  # no temporary file left
    again = runner.invoke(app, ["case", "add", str(path)])
    assert "Fall UN-2025-0001 ist schon im Register" in again.stderr
    log = runner.invoke(app, ["intake", "validate", str(path)])
    assert log.exit_code == 0, log.output


def test_json_gets_the_id_after_format(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "lea.json"
    path.write_text(json.dumps(_record("Lea"), indent=4, ensure_ascii=False) + "\n")
    result = runner.invoke(app, ["case", "add", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"][0]["file_updated"] is True
    text = path.read_text(encoding="utf-8")
    assert list(json.loads(text))[:2] == ["format", "case_id"]
    assert json.loads(text)["case_id"] == "UN-2025-0001"
    assert '\n    "case_id": "UN-2025-0001",\n' in text  # the file's indentation


def test_json_lines_only_the_new_records_change(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "stapel.jsonl"
    known = {**_record("Ben"), "case_id": "UN-2025-0042"}
    lines = [
        json.dumps(_record("Lea")),
        json.dumps(known, indent=None, separators=(",", ":")),
        "{kaputt",
        json.dumps(_record("Mia")),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["case", "add", str(path)])
    assert result.exit_code == 1  # the broken line
    written = path.read_text(encoding="utf-8").splitlines()
    assert written[1:3] == lines[1:3]  # byte for byte
    assert json.loads(written[0])["case_id"] == "UN-2025-0001"
    assert json.loads(written[3])["case_id"] == "UN-2025-0043"  # after the explicit 0042
    assert list(json.loads(written[3]))[:2] == ["format", "case_id"]


def test_a_read_only_file_gets_a_warning_and_the_case_is_kept(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lea.yaml"
    path.write_text(HAND_EDITED, encoding="utf-8")
    path.chmod(0o444)
    real_access = os.access
    if os.geteuid() == 0:  # root may write any file: pretend the permission counts
        monkeypatch.setattr(
            "seiteneinsteiger.intake_case_id.os.access",
            lambda p, mode: mode != os.W_OK and real_access(p, mode),
        )
    result = runner.invoke(app, ["case", "add", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[:2] == ["UN-2025-0001", "angelegt"]
    assert (
        f"Warnung: {path}: case_id: Fall UN-2025-0001 ist gespeichert, aber die Fallnummer konnte "
        "nicht in die Datei eingetragen werden (die Datei ist schreibgeschützt). Bitte "
        "'case_id: UN-2025-0001' von Hand eintragen." in result.stderr
    )
    assert path.read_text(encoding="utf-8") == HAND_EDITED
    listed = runner.invoke(app, ["case", "list", "--format", "json"])
    assert [c["case_id"] for c in json.loads(listed.stdout)["cases"]] == ["UN-2025-0001"]


def test_no_write_back_leaves_the_file_alone(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "lea.yaml"
    path.write_text(HAND_EDITED, encoding="utf-8")
    assert runner.invoke(app, ["case", "add", "--no-write-back", str(path)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == HAND_EDITED


def test_crlf_and_a_file_without_format_line(runner: CliRunner, tmp_path: Path) -> None:
    windows = tmp_path / "windows.yaml"
    windows.write_bytes(HAND_EDITED.replace("\n", "\r\n").encode("utf-8"))
    assert runner.invoke(app, ["case", "add", str(windows)]).exit_code == 0
    assert b"nicht \xc3\xa4ndern\r\ncase_id: UN-2025-0001\r\nintake_date" in windows.read_bytes()
    flow = tmp_path / "flow.yaml"
    flow.write_text(json.dumps(_record("Mia")) + "\n", encoding="utf-8")  # JSON is YAML too
    result = runner.invoke(app, ["case", "add", str(flow)])
    assert result.exit_code == 0
    assert "nicht in Blockschreibweise" in result.stderr
    assert "UN-2025-0002" in result.stdout
