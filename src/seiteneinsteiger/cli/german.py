"""German help pages and usage errors for the whole command line, in one place.

Typer 0.29 vendors Click without translations: headings ("Usage:", "Options"), the help option
("Show this message and exit.") and usage errors ("Missing argument", "No such option") are
English literals. Typer's supported extension points are custom command and group classes
(``cls=``) and, through them, the context class and its help formatter. So:

* :class:`GermanFormatter` writes "Aufruf:", "Optionen", "Argumente", "Befehle", German
  placeholders instead of Python types (``TEXT``, ``VERZ``, ``DATEI``) and German notes
  ("[Standard: text]", "[Pflicht]").
* :class:`GermanGroup` renders usage errors in German (exit code 2, as Click does) and suggests
  the nearest command; :class:`GermanCommand` brings the formatter to every command and runs
  its body inside the CLI's one error handler (``cli.output.reported_errors``).
* :func:`use_german` sets these classes on every command of the app, so that command modules
  need no change; it also puts German help and messages on the shell-completion options.

The English texts translated here are fixed templates of the vendored Click and Typer
(``typer._click``); ``tests/test_german_cli.py`` runs every kind of usage error and every help
page, so that an update of Typer that changes a template shows up as a failing test.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from difflib import get_close_matches
from typing import Any, NoReturn

import typer
from typer import _click
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperCommand, TyperGroup
from typer.main import Typer

from seiteneinsteiger.cli.output import is_debug, reported_errors
from seiteneinsteiger.errors import ExitCode

SECTIONS = {"Options": "Optionen", "Arguments": "Argumente", "Commands": "Befehle"}

HELP_TEXTS = {
    "Show this message and exit.": "Diese Hilfe zeigen.",
    "Install completion for the current shell.": "Vervollständigung mit der Tab-Taste für "
    "die aktuelle Shell einrichten (bash, zsh, fish, PowerShell).",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Das Vervollständigungs-Skript für die Shell zeigen, z. B. --show-completion bash."
    ),
}

#: Placeholders by parameter name, for parameters without their own ``metavar``: the same
#: word for the same thing in every command.
NAMED = {
    "paths": "PFAD",
    "files": "DATEI",
    "file": "DATEI",
    "form_file": "DATEI",
    "output": "DATEI",
    "directory": "VERZ",
    "directories": "VERZ",
    "rules": "VERZ",
    "case_id": "FALL",
    "case": "FALL",
    "district": "KREIS",
    "date": "DATUM",
    "reference_date": "DATUM",
    "status": "STATUS",
    "new_status": "STATUS",
    "lang": "SPRACHE",
    "ki": "NAME",
    "counsellor": "NAME",
}

#: Typer shows the Python type of a value; a German placeholder reads better.
PLACEHOLDERS = {
    "str": "TEXT",
    "int": "ZAHL",
    "float": "ZAHL",
    "dir": "VERZ",
    "directory": "VERZ",
    "file": "DATEI",
    "path": "PFAD",
    "Path": "PFAD",
    "bash|zsh|fish|powershell|pwsh": "SHELL",
}

_TYPE = re.compile(r" <([^<>]+)>")
_NOTE = re.compile(r"\[([^\[\]]*)\]$")
_REQUIRED_ARG = re.compile(r"\{([^{}]+)\}")

# Fixed English templates of the vendored Click/Typer, and their German wording.
_REASONS: list[tuple[re.Pattern[str], str]] = [
    (
        re.compile(r"^(?:Value error, )?(.+) is not one of (.+)\.$"),
        r"\1 ist nicht erlaubt; möglich: \2",
    ),
    (re.compile(r"^\w+ (.+) does not exist\.$"), r"\1 existiert nicht"),
    (re.compile(r"^\w+ (.+) is a file\.$"), r"\1 ist eine Datei, kein Verzeichnis"),
    (re.compile(r"^\w+ (.+) is a directory\.$"), r"\1 ist ein Verzeichnis, keine Datei"),
    (re.compile(r"^\w+ (.+) is not readable\.$"), r"\1 ist nicht lesbar"),
    (re.compile(r"^\w+ (.+) is not writable\.$"), r"\1 ist nicht beschreibbar"),
    (re.compile(r"^Input should be a valid integer.*$"), "ganze Zahl erwartet"),
    (re.compile(r"^Input should be a valid number.*$"), "Zahl erwartet"),
    (re.compile(r"^Option (.+) requires an argument\.$"), r"Option \1 braucht einen Wert."),
    (re.compile(r"^Option (.+) requires (\d+) arguments\.$"), r"Option \1 braucht \2 Werte."),
    (re.compile(r"^Option (.+) does not take a value\.$"), r"Option \1 nimmt keinen Wert."),
    (
        re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((.*)\)$"),
        r"Unerwartete zusätzliche Angabe: \1",
    ),
    (re.compile(r"^Missing command\.$"), "Befehl fehlt."),
    (re.compile(r"^Argument (.+) takes (\d+) values\.$"), r"Argument \1 braucht \2 Werte."),
]


def german(text: str) -> str:
    """A fixed English message of Click/Typer in German (unknown ones stay as they are)."""
    for pattern, replacement in _REASONS:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    return text


class GermanFormatter(_click.HelpFormatter):
    """Click's help formatter with German headings, placeholders and notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[OPTIONEN]").replace(
            "COMMAND [ARGS]...", "BEFEHL [ARGUMENTE]..."
        )
        args = _REQUIRED_ARG.sub(r"\1", args)  # Typer writes a required argument as {PFAD}
        super().write_usage(prog, args, "Aufruf: " if prefix is None else prefix)

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(SECTIONS.get(name, name)):
            yield

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        super().write_dl([(_term(term), _help(text)) for term, text in rows], col_max, col_spacing)


def _term(term: str) -> str:
    """``PFAD <list[Path]>`` → ``PFAD...``; ``--note <str>`` → ``--note TEXT``."""
    argument = not term.startswith("-")

    def placeholder(match: re.Match[str]) -> str:
        kind = match[1]
        if kind.startswith("list["):
            return "..."
        if argument:  # the argument's name is its placeholder already
            return "..." if kind.endswith("...") else ""
        if "|" in kind and kind not in PLACEHOLDERS:
            return f" [{kind}]"  # the choices themselves: text|json
        return " " + PLACEHOLDERS.get(kind, kind.upper())

    return _TYPE.sub(placeholder, term)


def _help(text: str) -> str:
    text = HELP_TEXTS.get(text, text)

    def notes(match: re.Match[str]) -> str:
        parts = [
            part.replace("default: ", "Standard: ")
            .replace("env var: ", "Umgebungsvariable: ")
            .replace("required", "Pflicht")
            for part in match[1].split("; ")
        ]
        return f"[{'; '.join(parts)}]"

    return _NOTE.sub(notes, text)


class GermanContext(typer.Context):
    formatter_class = GermanFormatter


def _name_placeholders(params: Sequence[_click.Parameter]) -> None:
    for param in params:
        if param.metavar is None and param.name in NAMED:
            param.metavar = NAMED[param.name]


class GermanCommand(TyperCommand):
    """Every command of the app: German help, and its body run inside the one error handler
    of the command line (``cli.output.reported_errors``: one German line per error and the
    named exit codes of ``errors.ExitCode``), so no command repeats it."""

    context_class = GermanContext

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _name_placeholders(self.params)

    def invoke(self, ctx: _click.Context) -> Any:
        assert isinstance(ctx, typer.Context)  # GermanContext
        with reported_errors(is_debug(ctx)):
            return super().invoke(ctx)


class GermanGroup(TyperGroup):
    """The app's groups: German help, German usage errors, did-you-mean for commands."""

    context_class = GermanContext

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _name_placeholders(self.params)
        for param in self.params:
            if param.name == "install_completion":
                param.callback = install_completion

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name = args[0]
        unknown = self.get_command(ctx, name) is None and not name.startswith("-")
        if unknown and not ctx.resilient_parsing:
            near = get_close_matches(name, list(self.commands), n=1)
            hint = f" Meinten Sie '{near[0]}'?" if near else ""
            raise UsageError(f"Unbekannter Befehl '{_visible(name)}'.{hint}", ctx)
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except NoArgsIsHelpError as exc:  # the group alone: its help, exit code 2 as in Click
            typer.echo(exc.ctx.get_help(), err=True)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            _show(exc)
        except typer.Abort:
            typer.echo("Abgebrochen.", err=True)
            sys.exit(ExitCode.INPUT)
        sys.exit(code if isinstance(code, int) else ExitCode.OK)


def _show(exc: ClickException) -> NoReturn:
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, UsageError) and ctx is not None:
        typer.echo(ctx.get_usage(), err=True)
        if ctx.command.get_help_option(ctx) is not None:
            typer.echo(f"Hilfe: {ctx.command_path} {ctx.help_option_names[0]}", err=True)
        typer.echo("", err=True)
    typer.echo(f"Fehler: {message(exc)}", err=True)
    sys.exit(exc.exit_code)


def message(exc: ClickException) -> str:
    """The German message of a usage error."""
    if isinstance(exc, MissingParameter):
        kind = {"argument": "Argument", "option": "Option"}.get(_kind(exc), "Angabe")
        return f"{kind} {_hint(exc)} fehlt."
    if isinstance(exc, NoSuchOption):
        near = sorted(exc.possibilities or [])
        hint = f" Meinten Sie {' oder '.join(repr(p) for p in near)}?" if near else ""
        return f"Unbekannte Option '{_visible(exc.option_name)}'.{hint}"
    if isinstance(exc, BadParameter):
        reason = german(exc.message)
        hint = _hint(exc)
        return f"Ungültiger Wert für {hint}: {reason}" if hint else f"Ungültiger Wert: {reason}"
    if isinstance(exc, BadOptionUsage | UsageError):
        return german(exc.message)
    return german(exc.format_message())


def _kind(exc: MissingParameter) -> str:
    if exc.param_type:
        return exc.param_type
    return exc.param.param_type_name if exc.param is not None else "parameter"


def _hint(exc: BadParameter) -> str:
    if exc.param_hint is not None:
        hints = [exc.param_hint] if isinstance(exc.param_hint, str) else list(exc.param_hint)
        return " / ".join(repr(hint) for hint in hints)
    if exc.param is not None:
        return exc.param.get_error_hint().replace("(env var:", "(Umgebungsvariable:")
    return ""


def _visible(text: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda match: f"\\x{ord(match[0]):02x}", text)


def use_german(app: Typer) -> None:
    """German classes for the app, its groups and all their commands (set before first use)."""
    app.info.cls = GermanGroup
    _commands(app)


def _commands(app: Typer) -> None:
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = GermanCommand
    for group in app.registered_groups:
        if group.typer_instance is not None:
            group.typer_instance.info.cls = GermanGroup
            _commands(group.typer_instance)


def install_completion(ctx: _click.Context, param: _click.Parameter, value: Any) -> Any:
    """``--install-completion``, with German messages (Typer's own are English)."""
    if not value or ctx.resilient_parsing:
        return value
    from typer._completion_shared import install

    shell, path = install(shell=value) if isinstance(value, str) else install()
    typer.echo(f"Vervollständigung für {shell} eingerichtet in {path}.")
    typer.echo("Sie wirkt in jedem neu geöffneten Terminal.")
    sys.exit(ExitCode.OK)
