"""`seiteneinsteiger session`: many commands in one process, each as on the command line."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from seiteneinsteiger.cli import session
from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import ExitCode

REPO = Path(__file__).resolve().parent.parent
BUILTIN_RULES = REPO / "src" / "seiteneinsteiger" / "data" / "rules"
ROOT = typer.main.get_command(app)


def _session(runner: CliRunner, *lines: str, args: tuple[str, ...] = ()) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "session"], input="".join(f"{line}\n" for line in lines))
    return result.exit_code, result.output


def test_commands_run_in_order_and_ende_ends_the_session(runner: CliRunner, examples: Path) -> None:
    amal = examples / "intakes" / "amal-haddad.yaml"
    code, output = _session(
        runner,
        "--version",
        f"recommend {amal} --format json",
        "ende",
        "--version",  # after 'ende': never run
    )
    assert code == 0
    assert output.count("seiteneinsteiger 0.1.0") == 1
    assert output.index("seiteneinsteiger 0.1.0") < output.index('"school_forms"')


def test_a_line_copied_from_the_documentation_keeps_its_program_name(runner: CliRunner) -> None:
    code, output = _session(runner, "seiteneinsteiger --version", "# a comment line", "")
    assert (code, output.strip()) == (0, "seiteneinsteiger 0.1.0")


def test_a_failing_command_does_not_end_the_session_and_sets_its_exit_code(
    runner: CliRunner, tmp_path: Path
) -> None:
    code, output = _session(
        runner,
        f"recommend {tmp_path / 'fehlt.yaml'}",  # input problem: 1
        "recommend --gibt-es-nicht",  # usage: 2, later than the first failure
        "--version",
    )
    assert code == ExitCode.INPUT
    assert "fehlt.yaml" in output
    assert "--gibt-es-nicht" in output
    assert "seiteneinsteiger 0.1.0" in output  # the last command still ran


def test_an_unclosed_quote_runs_nothing_and_says_why(runner: CliRunner) -> None:
    code, output = _session(runner, "recommend 'amal haddad.yaml", "--version")
    assert code == ExitCode.USAGE
    assert "Anführungszeichen nicht geschlossen" in output
    assert "seiteneinsteiger 0.1.0" in output


def test_a_session_inside_a_session_is_refused(runner: CliRunner) -> None:
    code, output = _session(runner, "session", "--debug session", "--version")
    assert code == ExitCode.USAGE
    assert output.count("schon in einer Sitzung") == 2
    assert "seiteneinsteiger 0.1.0" in output


def test_hilfe_lists_the_commands_and_how_to_end(runner: CliRunner) -> None:
    code, output = _session(runner, "hilfe")
    assert code == 0
    assert "recommend" in output and "case" in output
    assert "'ende'" in output


def test_an_empty_input_is_a_session_without_commands(runner: CliRunner) -> None:
    assert _session(runner) == (0, "")


def test_an_internal_error_with_debug_shows_the_traceback_and_the_session_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from seiteneinsteiger.rules import api

    def broken() -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setattr(api, "forget_loaded_rules", broken)
    code = session.run_lines(ROOT, ["--version", "--version"], prefix=["--debug"])
    captured = capsys.readouterr()
    assert code == ExitCode.INTERNAL
    assert captured.err.count("RuntimeError: kaputt") == 2  # both commands ran and failed


def test_a_rule_file_edited_during_the_session_counts_from_the_next_command(
    tmp_path: Path, examples: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "kreis-mettmann"
    shutil.copytree(BUILTIN_RULES / "kreis-mettmann", rules)
    propose = f"case propose ME-2025-0142 --rules {rules} --format json --top 1"

    def lines() -> Iterator[str]:
        yield "schools import"
        yield f"schools capacity import {examples / 'capacity' / 'kreis-mettmann.csv'}"
        yield f"case add --no-write-back {examples / 'intakes' / 'amal-haddad.yaml'}"
        capsys.readouterr()
        yield propose
        _replace(rules / "ruleset.yaml", "{years: 15, months: 6}", "{years: 11, months: 0}")
        yield propose

    code = session.run_lines(ROOT, lines(), prefix=[])
    documents = _json_documents(capsys.readouterr().out)
    stages = [json.loads(part)["need"]["stage"] for part in documents]
    assert code == 0
    assert stages == ["sek1", "sek2"]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _json_documents(output: str) -> list[str]:
    """The JSON documents of several commands' output, each starting with '{' on its own line."""
    starts = [i for i, line in enumerate(output.splitlines()) if line == "{"]
    lines = output.splitlines()
    return ["\n".join(lines[a:b]) for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]


def test_debug_of_the_session_applies_to_each_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[list[str]] = []

    def record(root: object, words: list[str]) -> int:
        seen.append(words)
        return 0

    monkeypatch.setattr(session, "run_command", record)
    assert session.run_lines(ROOT, ["recommend x.yaml", "hilfe"], prefix=["--debug"]) == 0
    assert seen == [["--debug", "recommend", "x.yaml"], ["--help"]]


def test_sigterm_or_a_closed_pipe_end_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    codes = iter([ExitCode.TERMINATED, 0])
    monkeypatch.setattr(session, "run_command", lambda root, words: next(codes))
    assert session.run_lines(ROOT, ["--version", "--version"], prefix=[]) == ExitCode.TERMINATED
    assert next(codes) == 0  # the second command never ran


def test_typed_lines_ctrl_c_clears_the_line_and_ctrl_d_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers: Iterator[str | BaseException] = iter(["case list", KeyboardInterrupt(), "ende"])
    prompts: list[str] = []

    def typed(prompt: str) -> str:
        prompts.append(prompt)
        answer = next(answers, EOFError())
        if isinstance(answer, BaseException):
            raise answer
        return answer

    monkeypatch.setattr("builtins.input", typed)
    assert list(session._typed()) == ["case list", "ende"]
    assert prompts == ["seiteneinsteiger> "] * 4


class _FakeHistory:
    """readline's history as the session sees it: input() adds each line typed."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def get_current_history_length(self) -> int:
        return len(self.lines)

    def remove_history_item(self, pos: int, /) -> str:
        return self.lines.pop(pos)


def test_arrow_keys_bring_back_commands_but_not_what_a_command_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    history = _FakeHistory()
    typed = iter(["intake new -o kind.yaml", "Haddad", "2012-03-04", "case list"])

    def read(prompt: str) -> str:
        line = next(typed)
        history.lines.append(line)
        return line

    monkeypatch.setattr("builtins.input", read)
    lines = session._typed(history)
    assert next(lines) == "intake new -o kind.yaml"
    assert input("Familienname: ") == "Haddad"  # the command asks, with readline's input()
    assert input("Geburtsdatum: ") == "2012-03-04"
    assert next(lines) == "case list"
    assert history.lines == ["intake new -o kind.yaml", "case list"]


def test_tab_offers_commands_then_subcommands_then_options() -> None:
    assert session.completions(ROOT, [], "re") == ["recommend"]
    assert "session" not in session.completions(ROOT, [], "")
    assert {"ende", "exit", "quit", "hilfe", "case"} <= set(session.completions(ROOT, [], ""))
    assert session.completions(ROOT, ["case"], "pro") == ["propose"]
    assert session.completions(ROOT, ["case", "propose"], "--ch") == ["--choose"]
    assert "--format" in session.completions(ROOT, ["recommend"], "--f")


def test_tab_after_a_command_offers_files_and_directories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "intakes").mkdir()
    (tmp_path / "intake-amal.yaml").write_text("", encoding="utf-8")
    (tmp_path / "other.yaml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert session.completions(ROOT, ["recommend"], "int") == ["intake-amal.yaml", "intakes/"]
    assert session.completions(ROOT, ["recommend"], "intakes/") == []


def test_the_modules_loaded_before_the_first_prompt_exist() -> None:
    session.warm_up()
    assert all(name in __import__("sys").modules for name in session.WARM_MODULES)


def test_nothing_typed_is_written_to_disk(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    code, _ = _session(runner, "--version", "case list")
    assert code == 0
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert [name for name in written if "history" in name] == []
    assert not any(name.startswith(".") for name in os.listdir(tmp_path))


def test_at_a_terminal_the_session_greets_prompts_and_keeps_no_history_file(
    tmp_path: Path,
) -> None:
    """The real thing: a terminal (pty), lines typed, Strg+D at the end."""
    env = {**os.environ, "HOME": str(tmp_path), "TERM": "dumb", "INPUTRC": os.devnull}
    output = _at_a_terminal(["--version", "case list --format json", "\x04"], env, tmp_path)
    assert "Sitzung von seiteneinsteiger" in output
    assert output.count("seiteneinsteiger> ") == 3
    assert "seiteneinsteiger 0.1.0" in output
    assert '"cases": []' in output
    assert sorted(os.listdir(tmp_path)) == []  # no history file, nothing else in HOME


def _at_a_terminal(typed: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run a session at a pseudo-terminal, typing each line once its prompt is shown (as a
    person does: typed ahead, Strg+D would reach the terminal before readline reads it)."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "seiteneinsteiger", "session"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        cwd=cwd,
        close_fds=True,
    )
    os.close(follower)
    shown = bytearray()
    try:
        for line in typed:
            _read_until(leader, shown, prompts=shown.count(b"seiteneinsteiger> ") + 1)
            os.write(leader, (line if line == "\x04" else f"{line}\n").encode())
        _read_until(leader, shown, prompts=None)
    finally:
        os.close(leader)
    output = shown.decode("utf-8", "replace")
    assert process.wait(timeout=30) == 0, output
    return output


def _read_until(leader: int, shown: bytearray, *, prompts: int | None) -> None:
    """Read the terminal until it shows ``prompts`` prompts, or (``None``) until it closes."""
    import select

    while prompts is None or shown.count(b"seiteneinsteiger> ") < prompts:
        if not select.select([leader], [], [], 30)[0]:
            raise AssertionError(f"no prompt within 30 s: {shown.decode(errors='replace')}")
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the session ended and closed the terminal
            return
        if not chunk:
            return
        shown.extend(chunk)


def test_a_long_session_takes_start_up_out_of_the_collector_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``recommend`` freezes start-up's objects before its batch (the real command only); in a
    session only the first does, so later commands' garbage is never frozen for good."""
    import gc

    from seiteneinsteiger.cli import output

    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setitem(output._PROCESS, "own", True)
    monkeypatch.setitem(output._PROCESS, "settled", False)
    line = f"recommend {REPO / 'examples' / 'intakes' / 'amal-haddad.yaml'} --format json"
    assert session.run_lines(ROOT, [line, line, line], prefix=[]) == 0
    assert capsys.readouterr().out.count('"format": "seiteneinsteiger/recommendation@1"') == 3
    assert frozen == [1]


def test_answers_are_dropped_from_the_real_readline_history() -> None:
    import readline

    readline.clear_history()
    for line in ("intake new -o kind.yaml", "Haddad", "2012-03-04"):
        readline.add_history(line)
    try:
        session._forget_after(readline, 1)
        assert readline.get_current_history_length() == 1
        assert readline.get_history_item(1) == "intake new -o kind.yaml"  # 1-based, unlike remove
    finally:
        readline.clear_history()
