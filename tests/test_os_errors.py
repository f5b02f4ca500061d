"""Operating-system trouble gets one German line naming the path, never "Interner Fehler".

A closed pipe (``| head``) ends the program quietly with 141, like other Unix tools.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import os_error_message

INTAKES = Path(__file__).resolve().parent.parent / "examples" / "intakes"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/ki"),
            "Keine Schreibrechte für /srv/ki",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device", "/srv/ki/a.xlsx"),
            "Datenträger voll: /srv/ki/a.xlsx kann nicht geschrieben werden",
        ),
        (
            OSError(errno.EROFS, "Read-only file system", "/mnt/stick"),
            "/mnt/stick liegt auf einem schreibgeschützten Datenträger",
        ),
        (
            OSError(errno.EIO, "Input/output error", "/net/share"),
            "Ein-/Ausgabefehler bei /net/share (Datenträger oder Netzlaufwerk prüfen)",
        ),
    ],
)
def test_os_error_message(error: OSError, expected: str) -> None:
    assert os_error_message(error) == expected


def test_output_closed_early_ends_quietly() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "seiteneinsteiger", "recommend", str(INTAKES), "--explain"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()  # like `| head -1`: read a line, then go away
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    process.wait(timeout=60)
    assert process.returncode == 141
    assert stderr == b""  # no "Interner Fehler (BrokenPipeError)", no "Exception ignored"


def test_data_directory_that_cannot_be_created(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "eine-datei"
    blocker.write_text("")
    monkeypatch.setenv("SEITENEINSTEIGER_HOME", str(blocker / "home"))
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 1
    assert result.stderr == f"Fehler: {blocker / 'home'}: ein Teil des Pfads ist kein Verzeichnis\n"


def test_data_directory_without_write_permission(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("SEITENEINSTEIGER_HOME", str(home))

    def refuse(self: Path, *args: object, **kwargs: object) -> None:  # as for a normal user
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    result = runner.invoke(
        app, ["export", "school", str(INTAKES), "-o", str(tmp_path / "schule.xlsx")]
    )
    assert result.exit_code == 1
    assert result.stderr == f"Fehler: Keine Schreibrechte für {home}\n"
    assert not (tmp_path / "schule.xlsx").exists()


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (errno.EACCES, "Keine Schreibrechte für {dir}"),
        (errno.EROFS, "{dir} liegt auf einem schreibgeschützten Datenträger"),
    ],
)
def test_output_directory_that_cannot_be_written(
    runner: CliRunner,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    number: int,
    expected: str,
) -> None:
    out_dir = tmp_path / "ausgabe"
    out_dir.mkdir()

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(number, os.strerror(number), str(out_dir / ".x.part"))

    monkeypatch.setattr("seiteneinsteiger.fsutil.tempfile.mkstemp", refuse)
    result = runner.invoke(app, ["export", "overview", str(INTAKES), "-o", str(out_dir / "u.xlsx")])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Fehler: " + expected.format(dir=out_dir)
    assert "Interner Fehler" not in result.output
