"""An export killed while it writes leaves no pupil data behind and no export without a log entry.

Real processes, real signals: the child runs the command line with openpyxl's ``save`` slowed
down (it writes a little, says so on stdout and waits), and the test kills it from outside.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.export import log
from seiteneinsteiger.fsutil import host_tag

INTAKES = Path(__file__).resolve().parents[2] / "examples" / "intakes"

SLOW_SAVE = """
import json, sys, time
from openpyxl.writer.excel import ExcelWriter

def slow_write_data(self):
    self._archive.writestr("names.txt", "Haddad Amal 2013-02-11 ...")  # thousands, in reality
    self._archive.fp.flush()
    print("WRITING", flush=True)
    time.sleep(120)

ExcelWriter.write_data = slow_write_data
sys.argv = ["seiteneinsteiger", *json.loads(sys.argv[1])]
from seiteneinsteiger.cli.main import run
run()
"""

KILL_AFTER_RENAME = """
import json, os, signal, sys
from seiteneinsteiger.export import log

def die(pending, path=None):
    os.kill(os.getpid(), signal.SIGKILL)  # the file is renamed into place, not yet completed

log.complete = die
sys.argv = ["seiteneinsteiger", *json.loads(sys.argv[1])]
from seiteneinsteiger.cli.main import run
run()
"""


SLOW_BUILD = """
import json, sys, time
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

append = WriteOnlyWorksheet.append

def slow_append(self, row):
    append(self, row)
    print("BUILDING", flush=True)
    time.sleep(120)

WriteOnlyWorksheet.append = slow_append
sys.argv = ["seiteneinsteiger", *json.loads(sys.argv[1])]
from seiteneinsteiger.cli.main import run
run()
"""

DISK_FULL = """
import errno, io, json, os, sys

class Full(io.RawIOBase):
    def __init__(self, fd):
        self.fd = fd
        self.room = 4096
    def writable(self):
        return True
    def write(self, data):
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return os.write(self.fd, data)
    def fileno(self):
        return self.fd
    def close(self):
        if not self.closed:
            os.close(self.fd)
        super().close()

fdopen = os.fdopen
os.fdopen = lambda fd, mode="r", *a, **k: (
    io.BufferedWriter(Full(fd)) if mode == "wb" else fdopen(fd, mode, *a, **k)
)
sys.argv = ["seiteneinsteiger", *json.loads(sys.argv[1])]
from seiteneinsteiger.cli.main import run
run()
"""


def _start(script: str, target: Path) -> subprocess.Popen[str]:
    args = ["export", "overview", str(INTAKES), "-o", str(target)]
    return subprocess.Popen(
        [sys.executable, "-c", script, json.dumps(args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


@pytest.fixture
def writing(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """An export that is in the middle of writing its file."""
    target = tmp_path / "uebersicht.xlsx"
    process = _start(SLOW_SAVE, target)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line == "WRITING\n", process.communicate()[1]
        yield process, target
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _parts(directory: Path) -> list[Path]:
    return sorted(directory.glob(".*.part"))


def test_sigkill_leftovers_are_removed_at_the_next_run(
    writing: tuple[subprocess.Popen[str], Path], runner: CliRunner
) -> None:
    process, target = writing
    [part] = _parts(target.parent)
    assert part.name.startswith(f".uebersicht.xlsx.se-{host_tag()}-{process.pid}-")
    [pending] = log.read_entries()
    assert pending.status == log.PENDING and pending.cases  # logged before writing
    process.kill()
    process.wait()
    assert part.exists()  # a killed process cannot clean up
    result = runner.invoke(app, ["export", "log"])
    assert result.exit_code == 0
    assert not part.exists()
    assert not target.exists()
    [entry] = log.read_entries()
    assert entry.status == log.ABANDONED
    assert "(abgebrochen, nicht geschrieben)" in result.stdout


@pytest.mark.parametrize(
    ("signal_number", "code", "message"),
    [
        (signal.SIGTERM, 143, "Abgebrochen (beendet)."),
        (signal.SIGINT, 130, "Abgebrochen."),
    ],
)
def test_sigterm_cleans_up_like_ctrl_c(
    writing: tuple[subprocess.Popen[str], Path], signal_number: int, code: int, message: str
) -> None:
    process, target = writing
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code
    assert stderr.strip().splitlines() == [message]  # no "Exception ignored ..." tracebacks
    assert _parts(target.parent) == [] and not target.exists()
    [entry] = log.read_entries()
    assert entry.status == log.ABANDONED


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_interrupted_while_building_the_workbook(tmp_path: Path, signal_number: int) -> None:
    target = tmp_path / "uebersicht.xlsx"
    process = _start(SLOW_BUILD, target)
    assert process.stdout is not None
    assert process.stdout.readline() == "BUILDING\n"
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode in (130, 143)
    assert len(stderr.strip().splitlines()) == 1, stderr  # one calm line, nothing from openpyxl
    assert list(tmp_path.iterdir()) == []
    assert list(log.read_entries()) == []  # nothing was about to be written yet


def test_full_disk_while_saving(tmp_path: Path) -> None:
    target = tmp_path / "uebersicht.xlsx"
    process = _start(DISK_FULL, target)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert stderr.strip().splitlines() == [
        f"Fehler: Datenträger voll: {target} kann nicht geschrieben werden"
    ]
    assert list(tmp_path.iterdir()) == []
    [entry] = log.read_entries()
    assert entry.status == log.ABANDONED


def test_a_concurrent_export_keeps_its_part_file(
    writing: tuple[subprocess.Popen[str], Path], runner: CliRunner
) -> None:
    process, target = writing
    [part] = _parts(target.parent)
    other = target.with_name("schule.xlsx")
    result = runner.invoke(app, ["export", "school", str(INTAKES), "-o", str(other)])
    assert result.exit_code == 0, result.output
    assert part.exists()  # the running export's temporary file is its own
    running, done = log.read_entries()
    assert (running.status, done.status) == (log.PENDING, log.COMPLETED)
    process.terminate()
    process.communicate(timeout=60)
    assert not part.exists()


def test_kill_right_after_the_rename_still_leaves_a_log_entry(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "uebersicht.xlsx"
    process = _start(KILL_AFTER_RENAME, target)
    process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL
    assert target.exists()
    [pending] = log.read_entries()
    assert pending.status == log.PENDING  # the export is in the log before its file existed
    runner.invoke(app, ["export", "log"])
    [entry] = log.read_entries()
    assert entry.status == log.COMPLETED and entry.extra == {"recovered": True}
    assert entry.sha256 == log.file_sha256(target)


def test_stale_part_files_of_dead_processes_only(tmp_path: Path, runner: CliRunner) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    finished = subprocess.Popen([sys.executable, "-c", "pass"])
    finished.wait()
    try:
        alive = tmp_path / f".a.xlsx.se-{host_tag()}-{sleeper.pid}-abcd1234.part"
        dead = tmp_path / f".b.xlsx.se-{host_tag()}-{finished.pid}-abcd1234.part"
        foreign = tmp_path / f".c.xlsx.se-000000-{finished.pid}-abcd1234.part"  # other computer
        for path in (alive, dead, foreign):
            path.write_bytes(b"pupil data")
        target = tmp_path / "schule.xlsx"
        result = runner.invoke(app, ["export", "school", str(INTAKES), "-o", str(target)])
        assert result.exit_code == 0, result.output
        assert alive.exists() and foreign.exists() and not dead.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
