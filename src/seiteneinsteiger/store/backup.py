"""Backups of an SQLite register: a consistent copy through SQLite's backup API, and rotation.

Copying the file is not safe while the register is in use (the write-ahead log holds the newest
pages); the backup API is. A copy is a single file (journal mode DELETE), 0600, written under a
temporary name and renamed when complete. In a backup directory the copies are named
``seiteneinsteiger-register-JJJJMMTT-HHMMSS.sqlite3`` and only the newest ``keep`` of them stay;
other files there are never touched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.fsutil import PRIVATE_FILE_MODE, check_target

ROTATED_PREFIX = "seiteneinsteiger-register-"
_ROTATED = re.compile(rf"^{ROTATED_PREFIX}(\d{{8}}-\d{{6}})(?:-\d+)?\.sqlite3$")
DEFAULT_KEEP = 10


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    cases: int
    removed: list[Path] = field(default_factory=list)  # older copies rotated away


def copy_register(source: sqlite3.Connection, target: Path, *, force: bool = False) -> int:
    """Write a consistent copy of the register to ``target``; return its number of cases."""
    directory = check_target(target, force=force)
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise _write_error(exc, directory) from None
    os.close(fd)
    copy = Path(temporary)
    try:
        destination = sqlite3.connect(copy)
        try:
            source.backup(destination)
            destination.execute("PRAGMA journal_mode=DELETE")
            count = int(destination.execute("SELECT count(*) FROM cases").fetchone()[0])
        finally:
            destination.close()
        with copy.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(copy, target)
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):
        target.chmod(PRIVATE_FILE_MODE)
    return count


def _write_error(exc: OSError, directory: Path) -> ExportError:
    if exc.errno in {errno.EACCES, errno.EPERM, errno.EROFS}:
        return ExportError(f"keine Schreibberechtigung im Verzeichnis {directory}")
    if exc.errno in {errno.ENOSPC, errno.EDQUOT}:
        return ExportError(f"kein Speicherplatz mehr im Verzeichnis {directory}")
    return ExportError(
        f"Sicherung nach {directory} nicht möglich: dort lassen sich keine Dateien anlegen "
        f"(Fehler {exc.errno})"
    )


def dated_name(directory: Path, stem: str, now: dt.datetime) -> Path:
    """``<stem>JJJJMMTT-HHMMSS.sqlite3`` in ``directory``, numbered on when that name is taken."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    candidate = directory / f"{stem}{stamp}.sqlite3"
    number = 1
    while candidate.exists():
        number += 1
        candidate = directory / f"{stem}{stamp}-{number}.sqlite3"
    return candidate


def rotate(directory: Path, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` rotated copies (:data:`ROTATED_PREFIX`); return them."""
    copies = sorted(
        (path for path in directory.iterdir() if _ROTATED.match(path.name) and path.is_file()),
        key=lambda path: (_ROTATED.match(path.name).group(1), path.stat().st_mtime),  # type: ignore[union-attr]
    )
    removed = copies[: max(0, len(copies) - keep)]
    for path in removed:
        try:
            path.unlink()
        except PermissionError:
            raise ExportError(
                f"Alte Sicherung {path} kann nicht gelöscht werden (keine Schreibberechtigung)"
            ) from None
    return removed
