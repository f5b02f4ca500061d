"""Writing an export safely and recording it.

* The workbook or text file goes through :func:`seiteneinsteiger.fsutil.atomic_write` (private
  temp name in the target directory, 0600, fsync, rename; an existing target is refused without
  ``force``; a target that cannot be replaced, e.g. open in Excel, is a clear error).
* :func:`logged_export` logs the export as pending before the file is written and as completed
  after it is in place. If the log cannot be written, nothing is written; if the completion
  cannot be logged, the file is removed again: an export that is not in the log must not exist.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.export import log
from seiteneinsteiger.fsutil import atomic_write, check_target

__all__ = ["check_target", "logged_export", "released", "save_workbook", "write_file"]

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl import Workbook


def save_workbook(workbook: Workbook, target: Path, *, force: bool) -> None:
    """Save ``workbook`` atomically, its zip archive closed however saving ends.

    ``Workbook.save`` does what this does, but leaves its zip archive open when writing fails
    (full disk, Ctrl-C); the archive then writes to the closed file when it is freed and Python
    prints "Exception ignored in: <function ZipFile.__del__>" with a traceback.
    """

    def produce(handle: IO[bytes]) -> None:
        from openpyxl.writer.excel import ExcelWriter

        if workbook.write_only and not workbook.worksheets:
            workbook.create_sheet()
        workbook.properties.modified = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(workbook, archive).write_data()

    write_file(target, produce, force=force)


@contextmanager
def released(workbook: Workbook) -> Iterator[Workbook]:
    """Close what an unsaved write-only workbook keeps open, however the block ends.

    openpyxl streams each write-only sheet through two generators over a temporary file. A
    workbook that is never saved (Ctrl-C, SIGTERM, full disk, unwritable log) has them
    finalised when it is freed, the file first and the row stream second, which prints
    "Exception ignored ... I/O operation on closed file" tracebacks. Closing each sheet here,
    rows first, makes that impossible.
    """
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    try:
        yield workbook
    finally:
        for sheet in workbook.worksheets:
            if isinstance(sheet, WriteOnlyWorksheet) and not sheet.closed:
                with suppress(Exception):  # a sheet interrupted half-way may refuse to close
                    sheet.close()


def write_file(target: Path, produce: Callable[[IO[bytes]], Any], *, force: bool) -> None:
    with atomic_write(target, force=force) as handle:
        produce(handle)


@contextmanager
def logged_export(
    target: Path,
    *,
    command: str,
    profile: str,
    recipient: str,
    cases: Sequence[str | None],
    fields: Sequence[str],
    left_out: int = 0,
    extra: dict[str, Any] | None = None,
) -> Iterator[list[log.LogEntry]]:
    """Log the export of ``target`` around the block that writes it.

    Pending before the block, completed after it (the list yielded then holds the completed
    entry), abandoned when the block fails or is interrupted (Ctrl-C, SIGTERM).
    """
    pending = log.begin(
        command=command,
        profile=profile,
        recipient=recipient,
        output=target,
        cases=cases,
        fields=fields,
        left_out=left_out,
        extra=extra,
    )
    done: list[log.LogEntry] = []
    try:
        yield done
    except BaseException:
        log.abandon(pending)
        raise
    try:
        done.append(log.complete(pending))
    except ExportError as exc:
        target.unlink(missing_ok=True)
        log.abandon(pending)
        raise ExportError(
            f"{exc.message}. Die Datei {target} wurde wieder entfernt, weil jede Weitergabe "
            "protokolliert sein muss",
            hint="Schreibrechte für das Datenverzeichnis prüfen (SEITENEINSTEIGER_HOME).",
        ) from None
