"""The export log: who received which pupil's data, when, and which fields.

Parents may ask which bodies received their child's data (Art. 15 Abs. 1 lit. c DSGVO, VO-DV I
§ 3 Abs. 4). Every export therefore appends JSON lines to ``<data_dir>/export-log.jsonl`` (mode
0600): time, operating-system user, command and profile, recipient, output file and its SHA-256,
the case ids and the field names. It never holds a value: no names, no birth dates, no copy of
the file. The file is only ever appended to.

The log is written first: before an export file is written, a ``pending`` line names what is
about to be exported; after the file is in place, a ``completed`` line with the same ``id`` adds
its SHA-256 (``abandoned`` when nothing was written). A process killed in between (SIGKILL,
power loss) leaves a pending line; :func:`recover` settles it at the next export: completed if
the file was renamed into place, else abandoned, and the killed process's temporary file is
removed. So no export file exists without a log entry. :func:`read_entries` shows one entry per
export, in its latest state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from seiteneinsteiger.errors import ExportError, SeiteneinsteigerError, os_error_message
from seiteneinsteiger.fsutil import (
    PRIVATE_FILE_MODE,
    data_dir,
    host_tag,
    is_alive,
    os_user,
    remove_stale_parts,
)

LOG_NAME = "export-log.jsonl"
FORMAT = "seiteneinsteiger/export-log@1"

PENDING = "pending"
COMPLETED = "completed"
ABANDONED = "abandoned"


@dataclass(frozen=True, slots=True)
class LogEntry:
    timestamp: str
    user: str
    command: str
    profile: str
    recipient: str
    output: str
    sha256: str
    cases: list[str | None]
    fields: list[str]
    left_out: int = 0
    format: str = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)
    # one id per export: its pending line and its completion share it (older lines have none)
    id: str = ""
    status: str = COMPLETED
    pid: int | None = None
    host: str = ""
    replaces: list[int] | None = None  # inode and mtime of the file the export replaces

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def log_path() -> Path:
    return data_dir() / LOG_NAME


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def begin(
    *,
    command: str,
    profile: str,
    recipient: str,
    output: Path,
    cases: Sequence[str | None],
    fields: Sequence[str],
    left_out: int = 0,
    extra: dict[str, Any] | None = None,
    path: Path | None = None,
) -> LogEntry:
    """Log an export as pending, before its file is written; raises if the log is unwritable."""
    moment = dt.datetime.now(dt.UTC).astimezone()
    entry = LogEntry(
        timestamp=moment.isoformat(timespec="seconds"),
        user=os_user(),
        command=command,
        profile=profile,
        recipient=recipient,
        output=str(output.resolve()),
        sha256="",
        cases=list(cases),
        fields=list(fields),
        left_out=left_out,
        extra=dict(extra or {}),
        id=uuid.uuid4().hex,
        status=PENDING,
        pid=os.getpid(),
        host=host_tag(),
        replaces=_identity(output),
    )
    append(entry, path)
    return entry


def complete(pending: LogEntry, path: Path | None = None) -> LogEntry:
    """Log that the file of a pending export is in place, with its SHA-256."""
    entry = replace(pending, status=COMPLETED, sha256=file_sha256(Path(pending.output)))
    append(entry, path)
    return entry


def abandon(pending: LogEntry, path: Path | None = None) -> LogEntry:
    """Log that a pending export wrote nothing (best effort: the next :func:`recover` would)."""
    entry = replace(pending, status=ABANDONED)
    with contextlib.suppress(SeiteneinsteigerError):
        append(entry, path)
    return entry


def recover(path: Path | None = None) -> list[LogEntry]:
    """Settle the pending exports of processes of this computer that no longer run.

    The file was renamed into place when it exists and is not the file the export was going to
    replace: then the export is completed (its SHA-256 taken now). Otherwise it is abandoned and
    the killed process's temporary file in the target directory is removed.
    """
    settled: list[LogEntry] = []
    for entry in read_entries(path):
        if entry.status != PENDING or entry.host != host_tag() or entry.pid is None:
            continue
        if is_alive(entry.pid):
            continue  # a concurrent export: its part file and its log entry are its own
        output = Path(entry.output)
        current = _identity(output)
        if current is not None and current != entry.replaces:
            settled.append(complete(replace(entry, extra={**entry.extra, "recovered": True}), path))
        else:
            remove_stale_parts(output.parent, pid=entry.pid)
            settled.append(abandon(entry, path))
    return settled


def _identity(target: Path) -> list[int] | None:
    try:
        info = target.stat()
    except OSError:
        return None
    return [info.st_ino, info.st_mtime_ns]


def append(entry: LogEntry, path: Path | None = None) -> None:
    """Append one entry (one line), created 0600, flushed and fsynced."""
    target = path or log_path()
    line = json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=False) + "\n"
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise ExportError(
            f"Exportprotokoll kann nicht geschrieben werden: {os_error_message(exc, target)}"
        ) from None
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    except OSError as exc:
        raise ExportError(
            f"Exportprotokoll kann nicht geschrieben werden: {os_error_message(exc, target)}"
        ) from None
    finally:
        os.close(fd)


def read_entries(path: Path | None = None) -> Iterator[LogEntry]:
    """One entry per export in its latest state, oldest first. A damaged line is an error
    with its number."""
    source = path or log_path()
    if not source.exists():
        return
    latest: dict[str, LogEntry] = {}
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                entry = LogEntry(**json.loads(line))
            except (ValueError, TypeError):
                raise ExportError(
                    f"{source}:{number}: Eintrag im Exportprotokoll ist beschädigt"
                ) from None
            latest[entry.id or f"line-{number}"] = entry  # a later line settles an export
    yield from latest.values()


def entries_for_case(case_id: str, path: Path | None = None) -> list[LogEntry]:
    return [entry for entry in read_entries(path) if case_id in entry.cases]
