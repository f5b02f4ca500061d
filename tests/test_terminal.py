"""Names from files never drive the terminal: escape sequences, NUL, CR and bidi controls are
shown as visible escapes in text output; JSON output keeps the exact data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.cli.output import for_terminal, json_for_terminal

AMAL = Path(__file__).resolve().parent.parent / "examples" / "intakes" / "amal-haddad.yaml"
EVIL_FAMILY = "Haddad\x1b[2J\x1b]0;gehackt\x07\x00\r\u202e"
EVIL_GIVEN = "Amal\nME-2099-0001  beraten"  # a line break that would fake a second row


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    text = AMAL.read_text(encoding="utf-8")
    text = text.replace(
        "family_name: Haddad", 'family_name: "Haddad\\e[2J\\e]0;gehackt\\a\\0\\r\\u202E"'
    )
    text = text.replace("given_names: Amal", 'given_names: "Amal\\nME-2099-0001  beraten"')
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _raw_controls(text: str) -> list[str]:
    return [
        c
        for c in text
        if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F or c == "\u202e"
    ]


def test_for_terminal_shows_controls_as_escapes() -> None:
    assert for_terminal("a\x1b[2Jb\x00c\nd\te\u202ef\r") == "a\\x1b[2Jb\\x00c\nd\te\\u202ef\\x0d"
    assert for_terminal("a\nb\tc", one_line=True) == "a\\x0ab\\x09c"
    assert for_terminal("Zahra Ahmadi · زهرا") == "Zahra Ahmadi · زهرا"  # text stays text


def test_json_for_terminal_changes_no_data() -> None:
    data = {"name": "x\x1b\x7f\x9b\u202ey"}
    text = json_for_terminal(json.dumps(data, ensure_ascii=False))
    assert _raw_controls(text) == []
    assert json.loads(text) == data


def test_recommend_text_and_json(runner: CliRunner, evil: Path) -> None:
    result = runner.invoke(app, ["recommend", str(evil)])
    assert result.exit_code == 0, result.output
    assert _raw_controls(result.stdout) == []
    head = result.stdout.splitlines()[0]
    assert head.startswith("Amal\\x0aME-2099-0001  beraten Haddad\\x1b[2J\\x1b]0;gehackt\\x07\\x00")
    data = json.loads(runner.invoke(app, ["recommend", "--format", "json", str(evil)]).stdout)
    assert data[0]["case_id"] == "ME-2025-0142"
    lines = runner.invoke(app, ["recommend", "--format", "jsonl", str(evil)]).stdout
    assert _raw_controls(lines) == []


def test_case_list_and_show(runner: CliRunner, evil: Path) -> None:
    # (without NUL here: the register's list reads names with SQLite's json_extract, which
    # ends a text at NUL; that is the register's business, the terminal output is ours)
    evil.write_text(evil.read_text(encoding="utf-8").replace("\\0", ""), encoding="utf-8")
    assert runner.invoke(app, ["case", "add", str(evil)]).exit_code == 0
    note = "Schule X\x1b[31m\x9b2J"
    status = runner.invoke(
        app, ["case", "status", "ME-2025-0142", "an_schulamt_gemeldet", "--note", note]
    )
    assert status.exit_code == 0, status.output
    listed = runner.invoke(app, ["case", "list"])
    assert _raw_controls(listed.stdout) == []
    assert len(listed.stdout.splitlines()) == 2  # the header and one row: no faked second row
    shown = runner.invoke(app, ["case", "show", "ME-2025-0142"])
    assert _raw_controls(shown.stdout) == []
    assert "Schule X\\x1b[31m\\x9b2J" in shown.stdout
    data = json.loads(
        runner.invoke(app, ["case", "list", "--format", "json", "--with-names"]).stdout
    )
    assert data["cases"][0]["family_name"] == EVIL_FAMILY.replace("\x00", "")  # exact data
    assert data["cases"][0]["given_names"] == EVIL_GIVEN


def test_messages_show_values_escaped(runner: CliRunner, tmp_path: Path) -> None:
    text = AMAL.read_text(encoding="utf-8").replace("german: none", 'german: "\\e[2J"')
    path = tmp_path / "\x1b[1mfile.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["intake", "validate", str(path)])
    assert result.exit_code == 1
    assert _raw_controls(result.output) == []
    assert "'\\x1b[2J' ist nicht erlaubt" in result.stdout
