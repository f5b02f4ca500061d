"""Writing an export safely and recording it.

* The workbook or text file goes through :func:`seiteneinsteiger.fsutil.atomic_write` (private
  temp name in the target directory, 0600, fsync, rename; an existing target is refused without
  ``force``; a target that cannot be replaced, e.g. open in Excel, is a clear error).
* Then the export is appended to the export log. If that fails, the file is removed again: an
  export that is not in the log must not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.export import log
from seiteneinsteiger.fsutil import atomic_write, check_target

__all__ = ["check_target", "record", "save_workbook", "write_file"]

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl import Workbook


def save_workbook(workbook: Workbook, target: Path, *, force: bool) -> None:
    write_file(target, workbook.save, force=force)


def write_file(target: Path, produce: Callable[[IO[bytes]], Any], *, force: bool) -> None:
    with atomic_write(target, force=force) as handle:
        produce(handle)


def record(
    target: Path,
    *,
    command: str,
    profile: str,
    recipient: str,
    cases: Sequence[str | None],
    fields: Sequence[str],
    left_out: int = 0,
    extra: dict[str, Any] | None = None,
) -> log.LogEntry:
    """Append the export of ``target`` to the export log; remove ``target`` if that fails."""
    entry = log.make_entry(
        command=command,
        profile=profile,
        recipient=recipient,
        output=target,
        cases=cases,
        fields=fields,
        left_out=left_out,
        extra=extra,
    )
    try:
        log.append(entry)
    except ExportError as exc:
        target.unlink(missing_ok=True)
        raise ExportError(
            f"{exc.message}. Die Datei {target} wurde wieder entfernt, weil jede Weitergabe "
            "protokolliert sein muss",
            hint="Schreibrechte für das Datenverzeichnis prüfen (SEITENEINSTEIGER_HOME).",
        ) from None
    return entry
