r"""The copy of the school directory shipped with the package, for the built-in districts.

``data/schools/schuldaten.csv`` holds the lines of the Ministry's ``schuldaten.csv`` (2021
snapshot, shared/data/schuldaten-nrw) whose Gemeindeschlüssel belongs to one of the built-in
districts of ``districts.yaml`` (all districts but ``nrw``), byte for byte: the ``sep=;`` line,
the header and every selected row unchanged, so that the same reader reads it and the test
``tests/schools/test_shipped.py`` can prove it equals the filter applied to the real file.

Regenerate it after changing ``districts.yaml`` or taking a newer Ministry file::

    .venv/bin/python -m seiteneinsteiger.schools.shipped \
        ../shared/data/schuldaten-nrw/schuldaten.csv
"""

from __future__ import annotations

import csv
import functools
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from seiteneinsteiger import DATA_DIR
from seiteneinsteiger.errors import InputFileError
from seiteneinsteiger.schools.directory import Directory, read_directory
from seiteneinsteiger.schools.districts import builtin_districts

DISPLAY = "data/schools/schuldaten.csv"


def shipped_path() -> Path:
    return DATA_DIR / "schools" / "schuldaten.csv"


def shipped_prefixes() -> tuple[str, ...]:
    """The Gemeindeschlüssel prefixes of the built-in districts (without all of NRW)."""
    return tuple(
        prefix
        for district_id, district in builtin_districts().items()
        if district_id != "nrw"
        for prefix in district.gemeinden
    )


def filter_published(text: str, prefixes: Sequence[str]) -> str:
    """The lines of a published directory file that belong to ``prefixes``, unchanged.

    The ``sep=`` line and the header are kept; a row is kept when its Gemeindeschlüssel (found
    by header name) starts with one of the prefixes. Every row of the published file is one line.
    """
    lines = text.splitlines(keepends=True)
    kept: list[str] = []
    delimiter = ";"
    if lines and lines[0].lower().startswith("sep="):
        delimiter = lines[0][4]
        kept.append(lines.pop(0))
    if not lines:
        raise InputFileError("Kopfzeile des Schulverzeichnisses fehlt")
    header = next(csv.reader([lines[0]], delimiter=delimiter))
    if "Gemeindeschluessel" not in header:
        raise InputFileError("Spalte 'Gemeindeschluessel' fehlt in der Kopfzeile")
    column = header.index("Gemeindeschluessel")
    kept.append(lines[0])
    starts = tuple(prefixes)
    for line in lines[1:]:
        row = next(csv.reader([line], delimiter=delimiter), [])
        if len(row) > column and row[column].startswith(starts):
            kept.append(line)
    return "".join(kept)


def write_shipped_copy(source: Path, target: Path | None = None) -> int:
    """Write the filtered copy of ``source``; returns the number of school rows written."""
    destination = target or shipped_path()
    text = filter_published(source.read_text(encoding="utf-8-sig"), shipped_prefixes())
    # A package data file, readable by everyone (not personal data): temp file and rename.
    fd, temporary = tempfile.mkstemp(dir=destination.parent, prefix=".schuldaten.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, destination)
    return len(text.splitlines()) - (2 if text.lower().startswith("sep=") else 1)


@functools.cache
def shipped_directory() -> Directory:
    """The shipped directory, read once per process; it is tested to read without problems."""
    report = read_directory(shipped_path(), display=DISPLAY)
    if not report.ok:
        raise InputFileError(
            f"{DISPLAY}: mitgeliefertes Schulverzeichnis fehlerhaft", problems=report.problems
        )
    return Directory.from_report(report)


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write(__doc__ or "")
        return 2
    write_shipped_copy(Path(argv[0]))
    return 0


if __name__ == "__main__":  # pragma: no cover - maintenance entry point
    raise SystemExit(main(sys.argv[1:]))
