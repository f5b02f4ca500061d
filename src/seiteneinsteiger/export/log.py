"""The export log: who received which pupil's data, when, and which fields.

Parents may ask which bodies received their child's data (Art. 15 Abs. 1 lit. c DSGVO, VO-DV I
§ 3 Abs. 4). Every export therefore appends one JSON line to ``<data_dir>/export-log.jsonl``
(mode 0600): time, operating-system user, command and profile, recipient, output file and its
SHA-256, the case ids and the field names. It never holds a value: no names, no birth dates, no
copy of the file. The file is only ever appended to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.fsutil import PRIVATE_FILE_MODE, data_dir, os_user

LOG_NAME = "export-log.jsonl"
FORMAT = "seiteneinsteiger/export-log@1"


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


def make_entry(
    *,
    command: str,
    profile: str,
    recipient: str,
    output: Path,
    cases: Sequence[str | None],
    fields: Sequence[str],
    left_out: int = 0,
    extra: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> LogEntry:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone()
    return LogEntry(
        timestamp=moment.isoformat(timespec="seconds"),
        user=os_user(),
        command=command,
        profile=profile,
        recipient=recipient,
        output=str(output.resolve()),
        sha256=file_sha256(output),
        cases=list(cases),
        fields=list(fields),
        left_out=left_out,
        extra=dict(extra or {}),
    )


def append(entry: LogEntry, path: Path | None = None) -> None:
    """Append one entry (one line), created 0600, flushed and fsynced."""
    target = path or log_path()
    line = json.dumps(entry.to_json(), ensure_ascii=False, sort_keys=False) + "\n"
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise ExportError(
            f"Exportprotokoll {target} kann nicht geschrieben werden ({exc.strerror})"
        ) from None
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_entries(path: Path | None = None) -> Iterator[LogEntry]:
    """Every entry of the log, oldest first. A damaged line is an error with its number."""
    source = path or log_path()
    if not source.exists():
        return
    with source.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                yield LogEntry(**data)
            except (ValueError, TypeError):
                raise ExportError(
                    f"{source}:{number}: Eintrag im Exportprotokoll ist beschädigt"
                ) from None


def entries_for_case(case_id: str, path: Path | None = None) -> list[LogEntry]:
    return [entry for entry in read_entries(path) if case_id in entry.cases]
