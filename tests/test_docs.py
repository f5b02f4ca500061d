"""The README documents every command, and every command has German help text."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import ExitCode
from seiteneinsteiger.limits import MAX_ALIAS_NODES, MAX_ALIAS_TEXT, MAX_DEPTH, InputKind, size_text

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, ...]] = []
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        children = getattr(command, "commands", None)
        if children:
            found.extend((name, child) for child in children)
        else:
            found.append((name,))
    return found


def test_every_command_is_in_the_readme() -> None:
    commands = _commands()
    assert len(commands) >= 20
    missing = [" ".join(c) for c in commands if " ".join(c) not in README]
    assert missing == []


def test_every_command_has_help(runner: CliRunner) -> None:
    for command in _commands():
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, command
        summary = result.stdout.split("\n\n")[1].strip()
        assert summary and "Show this message" not in summary, command


def test_readme_quick_start_is_exactly_two_commands() -> None:
    quick = README.split("## Schnellstart", 1)[1].split("```console", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == [
        "make demo",
        "make test",
    ]


def test_readme_lists_the_input_limits_of_the_code() -> None:
    section = README.split("## Grenzen für Eingabedateien", 1)[1].split("\n## ", 1)[0]
    for kind in InputKind:
        assert f"| {kind.label} | {size_text(kind.max_bytes)} |" in section, kind
    assert f"höchstens {MAX_DEPTH} Ebenen" in section
    assert f"{MAX_ALIAS_NODES:_} Einträge".replace("_", ".") in section
    assert f"{MAX_ALIAS_TEXT:_} Zeichen".replace("_", ".") in section


def test_readme_documents_every_exit_code() -> None:
    section = README.split("## Exit-Codes", 1)[1].split("\n## ", 1)[0]
    for code in ExitCode:
        assert f"| {int(code)} | `{code.name}` |" in section, code
