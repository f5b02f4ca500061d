r"""Everything the command line prints goes through here.

Data goes to stdout, messages for people to stderr. Styles are applied with ``typer.style`` and
stripped automatically when the stream is not a terminal, so piped output carries no colour codes.

Text may hold what a file or a register put there: a name with an escape sequence
(``\x1b[2J`` clears the screen, others retitle the window or fake a prompt), NUL, a carriage
return, a right-to-left override. :func:`for_terminal` shows such characters as visible escapes
(``\x1b``); :func:`out`, :func:`err` and the problem lines use it. JSON output keeps the exact
data: ``json.dumps`` escapes the C0 controls, and :func:`json_for_terminal` also writes DEL,
the C1 controls and the bidirectional controls as ``\uXXXX`` (same data for every JSON reader).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from enum import StrEnum
from typing import Any

import typer

from seiteneinsteiger.errors import ExitCode, Problem, SeiteneinsteigerError, os_error_message


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


class StreamFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"


_BIDI = "\u202a-\u202e\u2066-\u2069"  # embeddings, overrides, isolates: reorder what is shown
_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # line breaks and tabs kept
_CONTROLS_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_JSON_UNSAFE = re.compile(f"[\x7f-\x9f{_BIDI}]")  # only ever inside JSON strings


def for_terminal(text: str, *, one_line: bool = False) -> str:
    r"""``text`` with control characters shown as escapes (``\x1b``, ``\x00``, ``\u202e``).

    ``one_line``: line breaks and tabs too, for a value inside a table row or a heading.
    """
    pattern = _CONTROLS_ONE_LINE if one_line else _CONTROLS
    return pattern.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def json_for_terminal(text: str) -> str:
    """JSON text whose strings carry no character a terminal acts on; the data is unchanged."""
    if text.isascii() and "\x7f" not in text:  # the common case, checked at C speed
        return text
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def out(text: str = "", **style: Any) -> None:
    text = for_terminal(text)
    typer.echo(typer.style(text, **style) if style else text)


def err(text: str, **style: Any) -> None:
    text = for_terminal(text)
    typer.echo(typer.style(text, **style) if style else text, err=True)


def emit_json(data: Any) -> None:
    typer.echo(json_for_terminal(json.dumps(data, ensure_ascii=False, indent=2, default=str)))


def write_json(text: str, *, end: str = "\n") -> None:
    """JSON text, already passed through :func:`json_for_terminal`, to stdout.

    What ``typer.echo`` writes, without its scan for colour codes: JSON cannot hold an escape
    character (it is written as ``\\u001b``), and a batch writes megabytes of JSON.
    """
    stream = sys.stdout
    stream.write(text + end)
    stream.flush()


def write_json_bytes(data: bytes, *, end: bytes = b"\n") -> None:
    """:func:`write_json` for JSON text in UTF-8: straight to stdout's bytes when it writes
    UTF-8 (a batch's megabytes are not decoded and encoded again), else as text."""
    stream = sys.stdout
    buffer = getattr(stream, "buffer", None)
    if buffer is None or not _writes_utf8(stream):
        write_json(data.decode("utf-8"), end=end.decode("utf-8"))
        return
    stream.flush()  # text written before goes first
    buffer.write(data + end)
    buffer.flush()


def _writes_utf8(stream: Any) -> bool:
    encoding = getattr(stream, "encoding", None)
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


class JsonArrayWriter:
    """A JSON array written item by item (``--format json`` of a batch, flat memory).

    The text is exactly what :func:`emit_json` writes for the whole list: items indented by two
    spaces, ``[]`` when there is none. Each item comes as JSON text indented by two spaces
    (``json.dumps(item, indent=2)``) in UTF-8, already passed through
    :func:`json_for_terminal`; a line break inside it only ever separates JSON tokens.
    """

    def __init__(self) -> None:
        self.count = 0

    def add(self, item_json: bytes) -> None:
        head = b"[\n  " if self.count == 0 else b",\n  "
        write_json_bytes(head + item_json.replace(b"\n", b"\n  "), end=b"")
        self.count += 1

    def close(self) -> None:
        write_json("\n]" if self.count else "[]")


def problem_line(problem: Problem) -> str:
    text = problem.render()
    if not problem.is_error:
        return f"Warnung: {text}"
    return text


def show_problem(problem: Problem, *, to_err: bool = False) -> None:
    colour = "red" if problem.is_error else "yellow"
    (err if to_err else out)(problem_line(problem), fg=colour)


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "cell": problem.cell,
        "field": problem.field,
        "code": problem.code,
        "severity": problem.severity,
        "message": problem.message,
    }


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so that every ``finally`` and cleanup runs.

    A BaseException, not a KeyboardInterrupt: a prompt that asks "discard?" on Ctrl-C must
    not ask when the system shuts the program down.
    """


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def handle_sigterm() -> None:
    """Treat SIGTERM like Ctrl-C (temporary files removed, exports logged as abandoned)."""
    import signal

    signal.signal(signal.SIGTERM, _terminate)


#: ``own``: set by the console script (``cli.main.run``); ``settled``: start-up frozen.
_PROCESS = {"own": False, "settled": False}


def own_process() -> None:
    """Mark this process as the command's own (not a test runner invoking the app)."""
    _PROCESS["own"] = True


def settle_start_up() -> None:
    """Before a batch: take what start-up made (modules, models, rule sets) out of the cyclic
    garbage collector's sight (``gc.freeze``). A batch makes and frees objects per file, and
    each full collection would walk the start-up's objects again: 50 ms of 5,000 small files.

    Only in the command's own process (in a test runner it would keep the tests' objects), and
    only once: in a session, a later freeze would keep for good whatever earlier commands left
    for the collector."""
    if _PROCESS["own"] and not _PROCESS["settled"]:
        import gc

        gc.freeze()
        _PROCESS["settled"] = True


def quiet_abandoned_workbooks() -> None:
    """Silence one known shutdown message of openpyxl, and only that one.

    A write-only workbook dropped half-built (Ctrl-C while an exporter appends rows) is
    finalised at exit with its file closed before its row stream, and Python prints
    "Exception ignored in: <generator ... WriteOnlyWorksheet._write_rows>" with a traceback.
    The workbook is discarded anyway; every other unraisable exception is reported as usual.
    (Workbooks that reach the writer are closed properly, see export.writing.released.)
    """
    sys.unraisablehook = _unraisable


def _unraisable(info: Any) -> None:
    code = getattr(info.object, "gi_code", None)
    if isinstance(info.exc_value, ValueError) and code and "openpyxl" in code.co_filename:
        return
    sys.__unraisablehook__(info)


@contextmanager
def reported_errors(debug: bool) -> Iterator[None]:
    """Turn core errors into one German message and the documented exit code.

    Unexpected exceptions are reported without a traceback unless ``--debug`` was given; a
    traceback never shows local variables (they may hold a child's data).
    """
    try:
        yield
    except typer.Exit:
        raise
    except SeiteneinsteigerError as exc:
        err(f"Fehler: {exc.message}", fg="red")
        if exc.hint:
            err(f"Hinweis: {exc.hint}")
        raise typer.Exit(int(exc.exit_code)) from None
    except KeyboardInterrupt:
        err("Abgebrochen.")
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
    except Terminated:
        err("Abgebrochen (beendet).")
        raise typer.Exit(int(ExitCode.TERMINATED)) from None
    except BrokenPipeError:  # `| head` closed the pipe: stop quietly, like other Unix tools
        _silence_stdout()
        raise typer.Exit(int(ExitCode.BROKEN_PIPE)) from None
    except OSError as exc:  # no write permission, disk full, ...: one German line, no traceback
        if debug:
            raise
        err(f"Fehler: {os_error_message(exc)}", fg="red")
        raise typer.Exit(int(ExitCode.INPUT)) from None
    except Exception as exc:
        if debug:
            raise
        err(
            f"Interner Fehler ({type(exc).__name__}). Bitte mit --debug erneut ausführen und die "
            "Ausgabe ohne personenbezogene Daten melden.",
            fg="red",
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's last flush at exit does not complain again
    about the closed pipe (the recipe of the Python documentation, signal module)."""
    with suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def is_debug(ctx: typer.Context) -> bool:
    root = ctx.find_root()
    return bool(root.obj and root.obj.get("debug"))
