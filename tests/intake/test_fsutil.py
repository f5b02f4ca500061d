"""Private temp directories and atomic, owner-only writes."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.fsutil import atomic_write, data_dir, use_private_tempdir


def test_private_tempdir_is_per_process_and_removes_stale_ones() -> None:
    root = data_dir() / "tmp"
    root.mkdir(exist_ok=True)
    stale = root / "p999999999-dead"  # no such process
    stale.mkdir()
    (stale / "openpyxl.xml").write_text("<sheet/>")
    saved = tempfile.tempdir
    try:
        private = use_private_tempdir()
        assert tempfile.gettempdir() == str(private)
        assert private.parent == root and private.name.startswith(f"p{os.getpid()}-")
        assert stat.S_IMODE(root.stat().st_mode) == 0o700
        assert stat.S_IMODE(private.stat().st_mode) == 0o700
        assert not stale.exists()
        again = use_private_tempdir()
        assert private.exists() and again != private  # a running export keeps its files
    finally:
        tempfile.tempdir = saved


def test_atomic_write_is_owner_only_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    with atomic_write(target) as handle:
        handle.write(b"data")
    assert target.read_bytes() == b"data"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_atomic_write_refuses_existing_file_and_keeps_it_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    with pytest.raises(ExportError, match="existiert bereits"), atomic_write(target):
        pass
    with pytest.raises(RuntimeError), atomic_write(target, force=True) as handle:
        handle.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]


def test_every_atomic_write_routes_temp_files_into_the_private_directory(tmp_path: Path) -> None:
    saved = tempfile.tempdir
    try:
        tempfile.tempdir = None
        with atomic_write(tmp_path / "a.xlsx") as handle:
            handle.write(b"x")
        private = Path(tempfile.gettempdir())
        assert private.parent == data_dir() / "tmp"
        with atomic_write(tmp_path / "b.xlsx") as handle:
            handle.write(b"y")
        assert Path(tempfile.gettempdir()) == private  # set up once, then reused
    finally:
        tempfile.tempdir = saved


def test_help_writes_nothing(tmp_path: Path) -> None:
    import subprocess
    import sys

    home = tmp_path / "home"
    env = {"SEITENEINSTEIGER_HOME": str(home), "PATH": "", "HOME": str(tmp_path)}
    code = "from seiteneinsteiger.cli.main import run; run()"
    subprocess.run([sys.executable, "-c", code, "--help"], env=env, check=False)
    assert not home.exists()
