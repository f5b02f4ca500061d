"""The ``seiteneinsteiger`` command: the app, its global options and its command groups.

Heavy modules (openpyxl, the rule engine, rich tables) are imported inside the commands that need
them, so ``seiteneinsteiger --help`` stays fast; ``tests/test_startup.py`` guards this.

``app`` is the whole command tree (help, completion, the session, the tests). A single command
started from the shell is run by a tree that holds only that command (:func:`run`): Typer turns
every command of its tree into a Click command at each start, about 25 ms for all of them, and
their modules need not be imported either. Its help, its errors and its output are the same;
``tests/test_cli_tree.py`` compares the two.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, Any

import typer

from seiteneinsteiger import __version__
from seiteneinsteiger.cli.german import GermanGroup, use_german
from seiteneinsteiger.errors import ExitCode

#: The top-level commands in the order of the help: name, module, attribute (a Typer group or a
#: command function).
COMMANDS = (
    ("intake", "intake", "app"),
    ("recommend", "recommend", "recommend"),
    ("rules", "rules", "app"),
    ("case", "case", "app"),
    ("export", "export", "app"),
    ("form", "form", "app"),
    ("schools", "schools", "app"),
    ("session", "session", "session"),
)
#: Commands that need the whole tree when they run (the session runs every other command).
_WHOLE_TREE = frozenset({"session"})
_COMPLETION_VARIABLE = "_SEITENEINSTEIGER_COMPLETE"
#: The global options a command line may give before a command run in a tree of its own.
_GLOBAL_FLAGS = frozenset({"--debug"})


def build_app(only: str | None = None) -> typer.Typer:
    """The command tree: every command, or ``only`` the named top-level command."""
    tree = typer.Typer(
        name="seiteneinsteiger",
        help="Entscheidungshilfe für die Erstberatung neu zugewanderter Schülerinnen und Schüler "
        "in NRW: Intake prüfen, Empfehlung mit Begründung, Export für die aufnehmende Schule.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
        add_completion=True,
        cls=GermanGroup,
    )
    for name, module, attribute in COMMANDS:
        if only is None or name == only:
            found = getattr(importlib.import_module(f"seiteneinsteiger.cli.{module}"), attribute)
            if isinstance(found, typer.Typer):
                tree.add_typer(found)
            else:
                tree.command(name=name)(found)
    tree.callback()(main)
    use_german(tree)  # German help and usage errors for every command (cli/german.py)
    return tree


def _version(value: bool) -> None:
    if value:
        typer.echo(f"seiteneinsteiger {__version__}")
        raise typer.Exit()


def main(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Version anzeigen."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Bei internen Fehlern den Traceback zeigen.")
    ] = False,
) -> None:
    """Entscheidungshilfe für die Erstberatung neu zugewanderter Schülerinnen und Schüler."""
    ctx.obj = {"debug": debug}


def run() -> None:
    """Console-script entry point."""
    from seiteneinsteiger.cli.output import (
        Terminated,
        handle_sigterm,
        own_process,
        quiet_abandoned_workbooks,
    )

    own_process()
    handle_sigterm()
    quiet_abandoned_workbooks()
    command = invoked_command(sys.argv[1:])
    tree = build_app(only=command) if command is not None else __getattr__("app")
    try:
        tree()
    except Terminated:  # outside any command body (start-up, argument parsing)
        raise SystemExit(ExitCode.TERMINATED) from None


def invoked_command(argv: list[str]) -> str | None:
    """The top-level command a command line runs, when a tree of that command alone runs it
    exactly as the whole tree would; None otherwise (help, completion, an unknown or a missing
    command, the session). The global options are flags, so the first other word is the command.
    """
    if _COMPLETION_VARIABLE in os.environ:
        return None
    word = next((word for word in argv if not word.startswith("-")), None)
    if word is None or word in _WHOLE_TREE or word not in {name for name, _, _ in COMMANDS}:
        return None
    before = argv[: argv.index(word)]
    return word if all(option in _GLOBAL_FLAGS for option in before) else None


def __getattr__(name: str) -> Any:
    """``app``, the whole command tree, built when first asked for."""
    if name != "app":
        raise AttributeError(name)
    tree = globals()["app"] = build_app()
    return tree
