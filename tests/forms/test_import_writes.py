"""`intake import` only counts a form as taken over when its intake file was really written.

A target that exists (without --force), a directory without write permission and a full disk
are each reported per form with the reason; the count and the exit code say the truth.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.engine import answers_from_intake

AMAL = Path(__file__).resolve().parents[2] / "examples" / "intakes" / "amal-haddad.yaml"


@pytest.fixture
def form_file(kit: Any, tmp_path: Path) -> Path:
    target = tmp_path / "gut.xlsx"
    kit.fill("de", answers_from_intake(load_form(), kit.example_intake(AMAL)), target)
    return target


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _import(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["intake", "import", *args])


def test_existing_target_is_not_overwritten_and_not_counted(
    runner: CliRunner, form_file: Path, out_dir: Path
) -> None:
    (out_dir / "gut.yaml").write_text("alt\n")
    result = _import(runner, str(form_file), "-o", str(out_dir))
    assert result.exit_code == 1
    assert "1 Formular gelesen: 0 übernommen, 1 nicht übernommen." in result.stdout
    assert f"{form_file}: {out_dir / 'gut.yaml'} existiert bereits" in result.stderr
    assert "--force" in result.stderr
    assert (out_dir / "gut.yaml").read_text() == "alt\n"
    assert "->" not in result.stdout


def test_json_counts_what_was_written(
    runner: CliRunner, form_file: Path, out_dir: Path, tmp_path: Path
) -> None:
    second = tmp_path / "zwei.xlsx"
    second.write_bytes(form_file.read_bytes())
    (out_dir / "gut.yaml").write_text("alt\n")
    result = _import(runner, str(form_file), str(second), "-o", str(out_dir), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["imported"], data["failed"]) == (1, 1)
    assert [item["output"] for item in data["results"]] == [None, str(out_dir / "zwei.yaml")]
    assert "existiert bereits" in data["results"][0]["problems"][0]["message"]


def test_directory_without_write_permission(
    runner: CliRunner, form_file: Path, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the tests may run as root, for whom file modes change nothing: refuse like the kernel does
    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", str(out_dir))

    monkeypatch.setattr("seiteneinsteiger.fsutil.tempfile.mkstemp", refuse)
    result = _import(runner, str(form_file), "-o", str(out_dir))
    assert result.exit_code == 1
    assert f"{form_file}: Keine Schreibrechte für {out_dir}" in result.stderr
    assert "0 übernommen, 1 nicht übernommen" in result.stdout
    assert list(out_dir.iterdir()) == []


def test_full_disk_leaves_nothing_behind(
    runner: CliRunner, form_file: Path, out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("seiteneinsteiger.fsutil.os.fsync", full)
    result = _import(runner, str(form_file), "-o", str(out_dir))
    assert result.exit_code == 1
    assert f"Datenträger voll: {out_dir / 'gut.yaml'} kann nicht geschrieben werden" in (
        result.stderr
    )
    assert list(out_dir.iterdir()) == []  # no half-written file, no hidden temporary file
    assert "Interner Fehler" not in result.output


def test_force_replaces_and_counts(runner: CliRunner, form_file: Path, out_dir: Path) -> None:
    (out_dir / "gut.yaml").write_text("alt\n")
    result = _import(runner, str(form_file), "-o", str(out_dir), "--force")
    assert result.exit_code == 0
    assert "1 Formular gelesen: 1 übernommen, 0 nicht übernommen." in result.stdout
    assert (out_dir / "gut.yaml").read_text().startswith("format: seiteneinsteiger/intake@1")
