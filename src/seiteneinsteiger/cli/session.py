"""``seiteneinsteiger session``: one process for a whole counselling appointment.

At the session's prompt every command of the tool can be typed as on the command line, without
the program name in front (``case propose ME-2025-0142``). A single command spends most of its
time loading the program (Python, pydantic, SQLAlchemy: about half a second on an office PC);
in a session that happens once, when it starts, and every following command answers at once.

What stays loaded and what is read anew:

* the program code stays loaded, nothing else;
* everything a command reads from files (intakes, rule sets, ``config.yaml``, the register) is
  read anew by each command, exactly as a single command reads it: a rule file edited during
  the session counts from the next command on (``rules.api.forget_loaded_rules``).

Data protection: the command lines typed are kept in memory for the arrow keys only
(readline), never written to a history file, and forgotten when the session ends; answers typed
into a command (``intake new``) are not kept even for the arrow keys.

Exit code of the session: 0 if every command succeeded, else the code of the first command
that failed (so a script that pipes commands into a session notices a failure); a session
stopped by SIGTERM ends with 143, one whose output was closed with 141.
"""

from __future__ import annotations

import glob
import importlib
import os
import shlex
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Protocol

import typer
from typer import _click
from typer.core import TyperGroup, TyperOption

from seiteneinsteiger.cli.output import err, is_debug
from seiteneinsteiger.errors import ExitCode

PROGRAM = "seiteneinsteiger"
PROMPT = f"{PROGRAM}> "
COMMAND = "session"
END_WORDS = frozenset({"ende", "exit", "quit"})
HELP_WORDS = frozenset({"hilfe", "help", "?"})

#: Exit codes after which the session cannot go on: SIGTERM, and the reader of the output left.
FINAL_CODES = frozenset({ExitCode.TERMINATED, ExitCode.BROKEN_PIPE})

#: Loaded before the first prompt, while the counsellor reads the greeting, so that the first
#: command is as fast as every later one (the register, the rule engine, the school search).
WARM_MODULES = (
    "seiteneinsteiger.store",
    "seiteneinsteiger.rules.api",
    "seiteneinsteiger.intake_io",
    "seiteneinsteiger.placement",
    "seiteneinsteiger.cli.case_text",
    "seiteneinsteiger.cli.schools_text",
    "seiteneinsteiger.cli.recommend_text",
)

GREETING = f"""\
Sitzung von {PROGRAM}: Befehle wie auf der Kommandozeile, ohne '{PROGRAM}' davor,
z. B. 'case propose ME-2025-0142'. Tab ergänzt Befehle, Optionen und Dateinamen.
'hilfe' zeigt die Befehle, 'ende' oder Strg+D beendet die Sitzung.
Eingaben werden nicht gespeichert; jeder Befehl liest Dateien und Regeln neu."""

SESSION_HELP = f"""\
In der Sitzung: Befehle ohne '{PROGRAM}' davor; 'BEFEHL --help' zeigt die Hilfe eines
Befehls; 'ende', 'exit' oder Strg+D beendet die Sitzung; Strg+C bricht nur den laufenden
Befehl ab."""


def session(ctx: typer.Context) -> None:
    """Sitzung für eine ganze Beratung: Befehle ohne Ladezeit, Eingaben werden nicht gespeichert.

    Liest Befehle von der Tastatur (oder zeilenweise aus einer Umleitung) und führt sie im
    selben Programm aus.
    """
    root = ctx.find_root().command
    prefix = ["--debug"] if is_debug(ctx) else []
    interactive = sys.stdin.isatty()
    with _line_editing(root) if interactive else nullcontext() as history:
        if interactive:
            err(GREETING)
            warm_up()
        code = run_lines(root, _typed(history) if interactive else sys.stdin, prefix=prefix)
    raise typer.Exit(code)


def run_lines(root: _click.Command, lines: Iterable[str], *, prefix: list[str]) -> int:
    """Run each line as a command; the session's exit code (see the module docstring)."""
    first_failure = 0
    for line in lines:
        words = split_line(line)
        code: int
        if words is None:
            code = ExitCode.USAGE
        elif not words:
            continue
        elif words[0].lower() in END_WORDS and len(words) == 1:
            break
        elif words[0].lower() in HELP_WORDS and len(words) == 1:
            code = run_command(root, ["--help"])
            err(SESSION_HELP)
        else:
            code = run_command(root, [*prefix, *words])
        if code in FINAL_CODES:
            return code
        if code and not first_failure:
            first_failure = code
    return first_failure


def split_line(line: str) -> list[str] | None:
    """The words of a typed line, as the shell would split them; ``None`` (and a German
    message) for a line the shell could not split either, e.g. an unclosed quote."""
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        err("Fehler: Anführungszeichen nicht geschlossen; der Befehl wurde nicht ausgeführt.")
        return None
    if words and words[0] == PROGRAM:
        words = words[1:]  # a line copied from the documentation
    return words


def run_command(root: _click.Command, words: list[str]) -> int:
    """One command, exactly as ``seiteneinsteiger WORDS`` would run it; its exit code."""
    from seiteneinsteiger.rules.api import forget_loaded_rules

    if _command_word(words) == COMMAND:
        err(f"Fehler: Sie sind schon in einer Sitzung; '{COMMAND}' startet hier keine zweite.")
        return ExitCode.USAGE
    try:
        forget_loaded_rules()
        root.main(args=words, prog_name=PROGRAM)
    except SystemExit as exit_:
        return _exit_code(exit_.code)
    except Exception:  # an internal error let through (--debug): shown, the session goes on
        traceback.print_exc()
        return ExitCode.INTERNAL
    finally:
        sys.stdout.flush()
    return ExitCode.OK  # pragma: no cover - the app's main always ends with sys.exit


def _exit_code(code: object) -> int:
    if code is None:
        return ExitCode.OK
    return code if isinstance(code, int) else ExitCode.INPUT


def _command_word(words: list[str]) -> str | None:
    """The command a line names: its first word that is not an option (``--debug session``)."""
    return next((word for word in words if not word.startswith("-")), None)


def warm_up() -> None:
    """Load the modules the appointment's commands need (see ``WARM_MODULES``)."""
    for name in WARM_MODULES:
        importlib.import_module(name)


def _typed(history: _History | None = None) -> Iterator[str]:
    """Lines typed at the prompt; Strg+C clears the line, Strg+D ends the session.

    The arrow keys bring back the session's command lines only: what a command asks itself
    (``intake new``: names, birth dates) is taken out of ``history`` when the command ends.
    """
    while True:
        try:
            line = input(PROMPT)
        except KeyboardInterrupt:
            print(file=sys.stderr)
            continue
        except EOFError:
            print(file=sys.stderr)
            return
        kept = history.get_current_history_length() if history is not None else 0
        yield line
        if history is not None:
            _forget_after(history, kept)


def _forget_after(history: _History, kept: int) -> None:
    """Drop the history entries after the first ``kept`` (readline counts from 0)."""
    while (length := history.get_current_history_length()) > kept:
        history.remove_history_item(length - 1)


class _History(Protocol):
    """What the session needs of ``readline``'s history (the module itself, in practice)."""

    def get_current_history_length(self) -> int: ...

    def remove_history_item(self, pos: int, /) -> object: ...


@contextmanager
def _line_editing(root: _click.Command) -> Iterator[_History | None]:
    """Arrow keys, history in memory and Tab completion, where the platform has readline.

    ``input()`` keeps its history in memory only; nothing here writes a history file, and the
    history is cleared when the session ends.
    """
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        yield None
        return
    readline.set_completer_delims(" \t\n")
    readline.set_completer(_readline_completer(root, readline.get_line_buffer, readline.get_begidx))
    binding = "bind ^I rl_complete" if "libedit" in (readline.__doc__ or "") else "tab: complete"
    readline.parse_and_bind(binding)
    try:
        yield readline
    finally:
        readline.clear_history()
        readline.set_completer(None)


def _readline_completer(
    root: _click.Command, buffer: Callable[[], str], begin: Callable[[], int]
) -> Callable[[str, int], str | None]:
    found: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            found[:] = completions(root, buffer()[: begin()].split(), text)
        return found[state] if state < len(found) else None

    return complete


def completions(root: _click.Command, before: list[str], text: str) -> list[str]:
    """What Tab offers for the word ``text`` after the words ``before``: command names,
    the options of the command reached, otherwise file and directory names."""
    command = _reached(root, before)
    if text.startswith("-"):
        words = _options(command)
    elif isinstance(command, TyperGroup):
        words = list(_visible_commands(command))
        if command is root and not before:
            words += sorted(END_WORDS | {"hilfe"})
    else:
        return _paths(text)
    return sorted(word for word in words if word.startswith(text))


def _reached(root: _click.Command, before: list[str]) -> _click.Command:
    command = root
    for word in before:
        if isinstance(command, TyperGroup) and word in command.commands:
            command = command.commands[word]
    return command


def _visible_commands(group: TyperGroup) -> Iterator[str]:
    for name, command in group.commands.items():
        if not command.hidden and name != COMMAND:
            yield name


def _options(command: _click.Command) -> list[str]:
    names = ["--help"]
    for param in command.params:
        if isinstance(param, TyperOption) and not param.hidden:
            names.extend(param.opts + param.secondary_opts)
    return names


def _paths(text: str) -> list[str]:
    pattern = glob.escape(os.path.expanduser(text)) + "*"
    return sorted(path + os.sep if os.path.isdir(path) else path for path in glob.glob(pattern))
