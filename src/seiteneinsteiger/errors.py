"""Errors and problems the user can fix.

The core never prints and never exits. It raises a :class:`SeiteneinsteigerError` for a problem that
stops one operation, or it returns :class:`Problem` records when several independent problems in one
input should all be reported at once (a file with five mistakes gets five lines, not one).
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any, Self


class ExitCode(IntEnum):
    """Exit codes of the command line, documented in the README for script authors."""

    OK = 0
    INPUT = 1  # a problem with the input, the rules or the data
    USAGE = 2  # wrong usage of the command line
    INTERNAL = 70  # a bug: an unexpected error (EX_SOFTWARE of sysexits.h)
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT)
    BROKEN_PIPE = 141  # the reader of the output went away, e.g. `| head` (128 + SIGPIPE)
    TERMINATED = 143  # SIGTERM, e.g. `kill` or a shutdown (128 + SIGTERM)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in one input file, located as precisely as the input allows.

    ``where`` is the location inside the file: a line (``12``), a line and column, or a cell
    reference (``Schüler!C7``). ``field`` is the dotted path of the field (``pupil.birth_date``).
    """

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    code: str | None = None
    severity: str = "error"  # "error" | "warning"
    cell: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def location(self) -> str:
        parts = [self.file]
        if self.cell is not None:
            return f"{self.file} {self.cell}"
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def render(self) -> str:
        """``FILE:LINE: field.path: message`` (the code, when present, before the field)."""
        head = self.location()
        if self.code:
            head += f" {self.code}"
        body = f"{self.field}: {self.message}" if self.field else self.message
        return f"{head}: {body}"


class SeiteneinsteigerError(Exception):
    """A problem the user can fix; shown as one line without a traceback."""

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(
        self, message: str, *, hint: str | None = None, problems: list[Problem] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.problems: list[Problem] = problems or []

    @classmethod
    def at(
        cls,
        file: str,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> Self:
        """An error located in ``file`` (``FILE:LINE:COL: message``), its location kept as data.

        Code that needs the location reads ``problems[0]``, never the wording of the message.
        """
        problem = Problem(file=file, message=message, line=line, column=column)
        return cls(problem.render(), hint=hint, problems=[problem])

    def as_problem(self, file: str) -> Problem:
        """This error as one problem of ``file``, the hint appended to the message."""
        problem = self.problems[0] if len(self.problems) == 1 else Problem(file, self.message)
        if self.hint:
            problem = replace(problem, message=f"{problem.message}. {self.hint}")
        return problem


class InputFileError(SeiteneinsteigerError):
    """An input file cannot be read or parsed (missing, unreadable, binary, broken YAML/JSON)."""


class IntakeError(SeiteneinsteigerError):
    """An intake does not satisfy the intake@1 contract."""


class RuleSetError(SeiteneinsteigerError):
    """A rule set cannot be loaded: broken file, unknown field, forbidden override, ..."""


class FormError(SeiteneinsteigerError):
    """A questionnaire definition or a filled-in form is invalid."""


class ExportError(SeiteneinsteigerError):
    """An export cannot be written (target exists, is open in Excel, no consent, ...)."""


class UsageError(SeiteneinsteigerError):
    """The command line was used wrongly (unknown district, conflicting options)."""

    exit_code = ExitCode.USAGE


def os_error_message(exc: OSError, path: object = None, *, writing: bool = True) -> str:
    """One German line for an operating-system error, naming the path it concerns.

    ``path``: the path the user knows (a directory rather than a temporary name in it); else
    the path the error names. ``writing``: the operation was a write (the usual case for
    errors that reach the command line; reading has its own words).
    """
    where = path if path is not None else exc.filename
    shown = str(where) if where is not None else "die Datei"
    number = exc.errno
    if number in (errno.EACCES, errno.EPERM):
        return f"Keine {'Schreib' if writing else 'Lese'}rechte für {shown}"
    if number == errno.EROFS:
        return f"{shown} liegt auf einem schreibgeschützten Datenträger"
    if number in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"Datenträger voll: {shown} kann nicht geschrieben werden"
    if number == errno.ENOENT:
        return f"{shown} existiert nicht"
    if number == errno.ENOTDIR:
        return f"{shown}: ein Teil des Pfads ist kein Verzeichnis"
    if number == errno.EISDIR:
        return f"{shown} ist ein Verzeichnis"
    if number == errno.EEXIST:
        return f"{shown} existiert bereits"
    if number == errno.ENAMETOOLONG:
        return f"Dateiname zu lang: {shown}"
    if number in (errno.EMFILE, errno.ENFILE):
        return "Zu viele offene Dateien; bitte andere Programme schließen und erneut versuchen"
    if number in (errno.EBUSY, errno.ETXTBSY):
        return f"{shown} wird gerade von einem anderen Programm benutzt"
    if number == errno.EIO:
        return f"Ein-/Ausgabefehler bei {shown} (Datenträger oder Netzlaufwerk prüfen)"
    reason = exc.strerror or type(exc).__name__
    return f"{shown}: Das Betriebssystem meldet einen Fehler ({reason})"


def brief(value: Any, limit: int = 40) -> str:
    """A short rendering of an input value for a message, bounded however large the value is.

    Never ``str()`` of a list or mapping: a value built from aliases can be huge.
    """
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list | tuple | set):
        return "[…]"
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
