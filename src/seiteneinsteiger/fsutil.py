"""Safe file handling for personal data.

* :func:`atomic_write` writes to a hidden temporary file in the target directory, created with mode
  0600, flushes and fsyncs it, then renames it into place: a reader never sees a half-written file
  and an interrupted export (error, Ctrl-C, SIGTERM) leaves nothing behind. A process killed
  outright (SIGKILL, power loss) cannot clean up: its temporary file carries the host and the
  process id (``.NAME.se-HOST-PID-XXXXXXXX.part``) and is removed by the next write into that
  directory once that process is gone (:func:`remove_stale_parts`); a part file of a process
  that still runs, e.g. a concurrent export, is never touched.
* :func:`use_private_tempdir` points :mod:`tempfile` at a 0700 directory of the user, because
  openpyxl writes each worksheet's XML (names, birth dates) to ``$TMPDIR`` while saving;
  :func:`atomic_write` sets it up before the first write of a process.
* :func:`data_dir` is where the tool keeps its own state (the export log):
  ``$SEITENEINSTEIGER_HOME`` or the platform's user data directory.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import getpass
import hashlib
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from seiteneinsteiger.errors import ExportError, os_error_message

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def os_user() -> str:
    """The login name for audit and export logs (a uid where the system has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unbekannt"


def data_dir() -> Path:
    """The tool's private data directory, created 0700 when missing."""
    configured = os.environ.get("SEITENEINSTEIGER_HOME")
    if configured:
        base = Path(configured)
    elif sys.platform == "win32":  # pragma: no cover
        base = Path(os.environ.get("APPDATA", Path.home())) / "seiteneinsteiger"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
        base = base / "seiteneinsteiger"
    base.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    with contextlib.suppress(OSError):
        base.chmod(PRIVATE_DIR_MODE)
    return base


def use_private_tempdir() -> Path:
    """Route library temp files into a private per-process directory below ``<data_dir>/tmp``.

    openpyxl writes each worksheet's XML there while saving. The directory is 0700, removed when
    the process ends, and leftovers of crashed processes are removed at the next start; two
    exports running at the same time never touch each other's files.
    """
    root = data_dir() / "tmp"
    root.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    with contextlib.suppress(OSError):
        root.chmod(PRIVATE_DIR_MODE)
    _remove_stale(root)
    private = Path(tempfile.mkdtemp(prefix=f"p{os.getpid()}-", dir=root))
    tempfile.tempdir = str(private)
    atexit.register(shutil.rmtree, private, True)
    return private


def ensure_private_tempdir() -> Path:
    """:func:`use_private_tempdir`, once per process and data directory.

    Called by :func:`atomic_write`, so every command that writes a file routes openpyxl's temp
    files into the private directory, and commands that write nothing (``--help``) touch nothing.
    """
    current = Path(tempfile.tempdir) if tempfile.tempdir else None
    root = data_dir() / "tmp"
    if current is not None and current.parent == root and current.is_dir():
        return current
    return use_private_tempdir()


def _remove_stale(root: Path) -> None:
    for child in root.iterdir():
        pid_text = child.name[1:].split("-", 1)[0]
        if not (child.name.startswith("p") and pid_text.isdigit()):
            continue
        if is_alive(int(pid_text)):
            continue
        shutil.rmtree(child, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # pragma: no cover - exists, but owned by someone else
        return True
    return True


_PART = re.compile(r"^\..+\.se-(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-[^.]*\.part$")


@functools.cache
def host_tag() -> str:
    """Six hex digits naming this computer (part files on a shared drive stay apart)."""
    import socket

    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


def part_prefix(target: Path, pid: int | None = None) -> str:
    """The start of the temporary file name :func:`atomic_write` uses for ``target``."""
    return f".{target.name}.se-{host_tag()}-{pid or os.getpid()}-"


def is_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (ours always does)."""
    return pid == os.getpid() or _alive(pid)


def remove_stale_parts(directory: Path, *, pid: int | None = None) -> list[Path]:
    """Remove the temporary files that killed processes of this computer left in ``directory``.

    ``pid``: only those of that process. Part files of running processes and of other
    computers are left alone. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = _PART.match(entry.name)
        if match is None or match["host"] != host_tag():
            continue
        owner = int(match["pid"])
        if (pid is not None and owner != pid) or is_alive(owner):
            continue
        if entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def check_target(target: Path, *, force: bool) -> Path:
    """Fail early, before any work, when ``target`` cannot be written; return its directory."""
    if target.is_dir():
        raise ExportError(
            f"{target} ist ein Verzeichnis", hint="Bitte mit -o einen Dateinamen angeben."
        )
    if target.exists() and not force:
        raise ExportError(
            f"{target} existiert bereits",
            hint="Mit --force überschreiben oder mit -o einen anderen Namen wählen.",
        )
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise ExportError(f"Verzeichnis {directory} existiert nicht")
    return directory


@contextmanager
def atomic_write(target: Path, *, force: bool = False, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Write ``target`` atomically and owner-readable only.

    Refuses to replace an existing file unless ``force``; a target that cannot be replaced (open
    in Excel on Windows, read-only directory) is reported as :class:`ExportError`.
    """
    directory = check_target(target, force=force)
    ensure_private_tempdir()
    remove_stale_parts(directory)
    try:
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=part_prefix(target), suffix=".part")
    except OSError as exc:
        raise ExportError(os_error_message(exc, directory)) from None
    temp_path = Path(temporary)
    try:
        os.chmod(fd, PRIVATE_FILE_MODE) if hasattr(os, "fchmod") else None
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        _replace(temp_path, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp_path.unlink()
        if isinstance(exc, OSError):  # disk full while writing, I/O error, ...
            raise ExportError(os_error_message(exc, target)) from None
        raise
    _fsync_directory(directory)


def _replace(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except PermissionError:
        raise ExportError(
            f"{target} kann nicht ersetzt werden",
            hint="Ist die Datei noch in Excel geöffnet? Bitte schließen und erneut versuchen.",
        ) from None


def _fsync_directory(directory: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
