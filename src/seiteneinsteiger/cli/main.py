"""The ``seiteneinsteiger`` command: the app, its global options and its command groups.

Heavy modules (openpyxl, the rule engine, rich tables) are imported inside the commands that need
them, so ``seiteneinsteiger --help`` stays fast; ``tests/test_startup.py`` guards this.
"""

from __future__ import annotations

from typing import Annotated

import typer

from seiteneinsteiger import __version__
from seiteneinsteiger.cli import case, export, form, intake, recommend, rules, session
from seiteneinsteiger.cli.german import GermanGroup, use_german
from seiteneinsteiger.cli.schools import app as schools_app
from seiteneinsteiger.errors import ExitCode

app = typer.Typer(
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
app.add_typer(intake.app)
app.command(name="recommend")(recommend.recommend)
app.add_typer(rules.app)
app.add_typer(case.app)
app.add_typer(export.app)
app.add_typer(form.app)
app.add_typer(schools_app)
app.command(name="session")(session.session)
use_german(app)  # German help and usage errors for every command (cli/german.py)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"seiteneinsteiger {__version__}")
        raise typer.Exit()


@app.callback()
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
    try:
        app()
    except Terminated:  # outside any command body (start-up, argument parsing)
        raise SystemExit(ExitCode.TERMINATED) from None
