"""Help pages and usage errors are German, placeholders consistent, usage errors exit 2; dates
on the command line as TT.MM.JJJJ or ISO; shell completion works."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app

AMAL = str(Path(__file__).resolve().parent.parent / "examples" / "intakes" / "amal-haddad.yaml")
ENGLISH = (
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Show this message",
    "[default",
    "required]",
    "env var",
    "<str>",
    "<list[",
    "<path>",
    "<dir>",
    "<file>",
    "[OPTIONS]",
    "COMMAND",
)


def _command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = [[]]
    for name, command in getattr(root, "commands", {}).items():
        paths.append([name])
        paths.extend([name, sub] for sub in getattr(command, "commands", {}))
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "root")
def test_every_help_page_is_german(runner: CliRunner, path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Aufruf: seiteneinsteiger")
    assert "Diese Hilfe zeigen." in result.stdout
    assert [word for word in ENGLISH if word in result.stdout] == []


def test_placeholders_are_the_same_everywhere(runner: CliRunner) -> None:
    texts = {
        " ".join(path): runner.invoke(app, [*path, "--help"]).stdout for path in _command_paths()
    }
    assert "--district KREIS" in texts["recommend"] and "--rules VERZ" in texts["recommend"]
    assert "--reference-date DATUM" in texts["recommend"]
    assert "Aufruf: seiteneinsteiger recommend [OPTIONEN] PFAD..." in texts["recommend"]
    assert "Aufruf: seiteneinsteiger case show [OPTIONEN] FALL" in texts["case show"]
    assert "--date DATUM" in texts["case status"]
    assert "-o, --output DATEI" in texts["export school"]
    assert "-o, --output VERZ" in texts["export schild"]
    assert "-o, --output VERZ" in texts["intake import"]
    assert "--case FALL" in texts["export log"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["intake", "validate"], "Argument 'PFAD' fehlt."),
        (["export", "school", AMAL], "Option '--output' / '-o' fehlt."),
        (["intake", "validate", "--bogus", AMAL], "Unbekannte Option '--bogus'."),
        (["intake", "validate", "--forma", "json", AMAL], "Meinten Sie '--format'?"),
        (
            ["recommend", AMAL, "--format", "xml"],
            "Ungültiger Wert für '--format' / '-f': 'xml' ist nicht erlaubt; möglich: "
            "'text', 'json', 'jsonl'",
        ),
        (["recommend", AMAL, "--rules", "/gibt/es/nicht"], "'/gibt/es/nicht' existiert nicht"),
        (["recommend", AMAL, "--format"], "Option '--format' braucht einen Wert."),
        (["intake", "validat", AMAL], "Unbekannter Befehl 'validat'. Meinten Sie 'validate'?"),
        (["case", "show", "A", "B"], "Unerwartete zusätzliche Angabe: B"),
        (
            ["recommend", AMAL, "--reference-date", "31.02.2025"],
            "--reference-date: '31.02.2025' ist kein gültiges Datum (diesen Tag gibt es nicht)",
        ),
        (["recommend", AMAL, "--reference-date", "morgen"], "'morgen' ist kein Datum"),
    ],
)
def test_usage_errors_are_german_and_exit_2(
    runner: CliRunner, args: list[str], message: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("Fehler: ") == 1
    assert "Error" not in result.stderr and "Try '" not in result.stderr


def test_usage_error_shows_the_usage_and_where_to_get_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["intake", "validate"])
    assert result.stderr.splitlines() == [
        "Aufruf: seiteneinsteiger intake validate [OPTIONEN] PFAD...",
        "Hilfe: seiteneinsteiger intake validate --help",
        "",
        "Fehler: Argument 'PFAD' fehlt.",
    ]


def test_a_group_without_command_shows_its_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["case"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Aufruf: seiteneinsteiger case [OPTIONEN] BEFEHL")
    assert "Befehle:" in result.stderr


@pytest.mark.parametrize("typed", ["15.09.2025", "15.9.2025", "2025-09-15"])
def test_reference_date_german_or_iso(runner: CliRunner, typed: str) -> None:
    result = runner.invoke(app, ["recommend", AMAL, "--format", "json", "--reference-date", typed])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["reference_date"] == "2025-09-15"


def test_status_date_german(runner: CliRunner) -> None:
    assert runner.invoke(app, ["case", "add", AMAL]).exit_code == 0
    result = runner.invoke(
        app, ["case", "status", "ME-2025-0142", "an_schulamt_gemeldet", "--date", "6.10.2025"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("am 06.10.2025")


def test_german_date_in_a_file_gets_the_iso_spelling(runner: CliRunner, tmp_path: Path) -> None:
    text = (
        Path(AMAL)
        .read_text(encoding="utf-8")
        .replace("intake_date: 2025-09-15", 'intake_date: "15.09.2025"')
    )
    assert "15.09.2025" in text
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["intake", "validate", str(path)])
    assert result.exit_code == 1
    assert (
        "intake_date: Datum im Format JJJJ-MM-TT erwartet: '15.09.2025' bitte als 2025-09-15 "
        "schreiben" in result.stdout
    )


def test_show_completion_script(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--show-completion", "bash"], prog_name="seiteneinsteiger")
    assert result.exit_code == 0
    assert "_SEITENEINSTEIGER_COMPLETE=complete_bash" in result.stdout
    assert "complete -o default -F _seiteneinsteiger_completion seiteneinsteiger" in result.stdout


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("seiteneinsteiger int", ["intake"]),
        ("seiteneinsteiger export sch", ["school", "schild"]),
        ("seiteneinsteiger recommend --format ", ["text", "json", "jsonl"]),
    ],
)
def test_completion_answers_the_shell(words: str, expected: list[str]) -> None:
    script = Path(sys.executable).parent / "seiteneinsteiger"
    env = dict(
        os.environ,
        _SEITENEINSTEIGER_COMPLETE="complete_bash",
        COMP_WORDS=words,
        COMP_CWORD=str(len(words.split(" ")) - 1),
    )
    done = subprocess.run([str(script)], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == expected


def test_today_is_not_needed_for_dates() -> None:
    # the command-line parser is strict about the calendar, not about today's date
    from seiteneinsteiger.cli.options import parse_date

    assert parse_date(" 29.02.2024 ", "--date") == dt.date(2024, 2, 29)


def test_every_command_runs_inside_the_one_error_handler() -> None:
    from seiteneinsteiger.cli.german import GermanCommand, GermanGroup

    root = typer.main.get_command(app)
    assert isinstance(root, GermanGroup)
    for path in _command_paths()[1:]:
        command: object = root
        for name in path:
            command = getattr(command, "commands", {})[name]
        assert isinstance(command, GermanCommand | GermanGroup), path


def test_an_internal_error_anywhere_is_one_line_with_code_70(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import seiteneinsteiger.export.log as log

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(log, "recover", explode)
    result = runner.invoke(app, ["export", "log"])
    assert result.exit_code == 70
    assert result.stderr.startswith("Interner Fehler (RuntimeError).")
    assert "Traceback" not in result.output
