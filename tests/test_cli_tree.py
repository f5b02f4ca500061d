"""A command started from the shell runs in a tree of that command alone (cli/main.run): the
same help, the same errors, the same output and exit code as in the whole tree."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import COMMANDS, app, build_app, invoked_command

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = str(REPO / "examples" / "intakes" / "amal-haddad.yaml")

LINES = [
    ["recommend", EXAMPLE, "--format", "json"],
    ["recommend", "--help"],
    ["recommend"],
    ["recommend", EXAMPLE, "--format", "xml"],
    ["--debug", "recommend", EXAMPLE, "--explain"],
    ["intake", "validate", EXAMPLE],
    ["intake", "validate", "keine-datei.yaml"],
    ["intake"],
    ["intake", "valdate", EXAMPLE],
    ["rules", "list"],
    ["rules", "show", "NRW-SP-04"],
    ["case", "--help"],
    ["export", "--help"],
    ["export", "overview", "--help"],
    ["form", "--help"],
    ["schools", "--help"],
    ["schools", "propose", "--help"],
]


@pytest.mark.parametrize("line", LINES, ids=" ".join)
def test_one_command_tree_answers_as_the_whole_tree(line: list[str], tmp_path: Path) -> None:
    command = invoked_command(line)
    assert command is not None
    env = {"SEITENEINSTEIGER_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    whole = CliRunner().invoke(app, line, env=env)
    alone = CliRunner().invoke(build_app(only=command), line, env=env)
    assert (alone.exit_code, alone.stdout, alone.stderr) == (
        whole.exit_code,
        whole.stdout,
        whole.stderr,
    )


@pytest.mark.parametrize(
    "line",
    [
        [],
        ["--help"],
        ["--version"],
        ["--version", "recommend"],
        ["recommnd", EXAMPLE],
        ["session"],
        ["--debug", "session"],
    ],
    ids=lambda line: " ".join(line) or "(nothing)",
)
def test_help_unknown_commands_and_the_session_get_the_whole_tree(line: list[str]) -> None:
    assert invoked_command(line) is None


def test_completion_gets_the_whole_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_SEITENEINSTEIGER_COMPLETE", "complete_bash")
    assert invoked_command(["recommend", EXAMPLE]) is None


def test_every_command_has_its_own_tree() -> None:
    for name, _, _ in COMMANDS:
        names = [info.name for info in build_app(only=name).registered_commands] + [
            group.typer_instance.info.name
            for group in build_app(only=name).registered_groups
            if group.typer_instance is not None
        ]
        assert names == [name]
