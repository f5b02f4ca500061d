"""`seiteneinsteiger intake validate` through Typer's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger import __version__
from seiteneinsteiger.cli.main import app


def test_version_and_help(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"seiteneinsteiger {__version__}"
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0 and "intake" in result.stdout


def test_examples_are_valid(runner: CliRunner, examples: Path) -> None:
    result = runner.invoke(app, ["intake", "validate", str(examples / "intakes")])
    assert result.exit_code == 0, result.output
    count = len(list((examples / "intakes").glob("*.yaml")))
    assert result.stdout.strip() == f"{count} Intakes geprüft: alle gültig."


def test_json_output(runner: CliRunner, examples: Path) -> None:
    result = runner.invoke(
        app,
        ["intake", "validate", "--format", "json", str(examples / "invalid" / "batch.jsonl")],
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["valid"], data["invalid"]) == (2, 1)
    bad = [r for r in data["results"] if not r["valid"]]
    assert bad[0]["line"] == 2
    assert bad[0]["problems"][0]["field"] == "languages.german"
    assert "\x1b[" not in result.stdout


def test_one_broken_file_does_not_stop_the_others(
    runner: CliRunner, tmp_path: Path, examples: Path
) -> None:
    (tmp_path / "broken.yaml").write_text("pupil: [\n")
    good = examples / "intakes" / "amal-haddad.yaml"
    missing = tmp_path / "missing.yaml"
    result = runner.invoke(
        app, ["intake", "validate", str(tmp_path / "broken.yaml"), str(good), str(missing)]
    )
    assert result.exit_code == 1
    assert "3 Intakes geprüft: 1 gültig, 2 ungültig." in result.stdout
    assert "missing.yaml: Datei nicht gefunden" in result.stdout
    assert "Traceback" not in result.output


def test_empty_directory(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["intake", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert "Keine Intake-Dateien gefunden" in result.stderr


def test_usage_error_exits_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["intake", "validate", "--format", "xml", "a.yaml"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["intake", "validate"])
    assert result.exit_code == 2


def test_internal_error_without_debug_has_no_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, examples: Path
) -> None:
    import seiteneinsteiger.intake_io as intake_io

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(intake_io, "load_intakes", explode)
    result = runner.invoke(app, ["intake", "validate", str(examples / "intakes")])
    assert result.exit_code == 70  # ExitCode.INTERNAL: a bug, not bad input
    assert "Interner Fehler (RuntimeError)" in result.stderr
    assert "Traceback" not in result.output
    debug = runner.invoke(app, ["--debug", "intake", "validate", str(examples / "intakes")])
    assert isinstance(debug.exception, RuntimeError)


def test_a_wrong_code_in_a_list_names_the_item_and_the_allowed_codes(
    runner: CliRunner, tmp_path: Path, examples: Path
) -> None:
    """The allowed values come from the field's type, also for an item of a list."""
    text = (examples / "intakes" / "amal-haddad.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "schrift.yaml"
    broken.write_text(text.replace("scripts: [arabic]", "scripts: [arabik]"), encoding="utf-8")
    result = runner.invoke(app, ["intake", "validate", str(broken)])
    assert result.exit_code == 1
    assert (
        "schrift.yaml:42: languages.scripts.0: 'arabik' ist nicht erlaubt (meinten Sie "
        "'arabic'?). Erlaubt: latin, arabic, cyrillic, geez, georgian, armenian, greek, "
        "devanagari, chinese, other"
    ) in result.stdout
