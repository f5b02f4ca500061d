"""One hostile file in a batch never stops the others, in every command that reads many intakes.

Each batch is the 17 example intakes plus one hostile file (deeply nested, an alias bomb, a named
pipe). The valid ones are processed exactly as without the hostile file, the summary names the
bad one, and the exit code is 1.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "intakes"
VALID = len(list(EXAMPLES.glob("*.yaml")))


def _deep(path: Path) -> None:
    path.write_text("format: seiteneinsteiger/intake@1\npupil: " + "[" * 300 + "]" * 300 + "\n")


def _bomb(path: Path) -> None:
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 9) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    path.write_text("format: seiteneinsteiger/intake@1\n" + "\n".join(lines) + "\npupil: *a9\n")


def _pipe(path: Path) -> None:
    os.mkfifo(path)


HOSTILE: dict[str, Callable[[Path], None]] = {"deep": _deep, "bomb": _bomb, "pipe": _pipe}


def _batch(tmp_path: Path, hostile: str | None) -> Path:
    folder = tmp_path / ("eingang" if hostile else "nur-gueltige")
    shutil.copytree(EXAMPLES, folder)
    if hostile:
        HOSTILE[hostile](folder / f"zz-{hostile}.yaml")
    return folder


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_intake_validate(runner: CliRunner, tmp_path: Path, hostile: str) -> None:
    result = runner.invoke(app, ["intake", "validate", str(_batch(tmp_path, hostile))])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-2] == f"{VALID + 1} Intakes geprüft: {VALID} gültig, 1 ungültig."
    assert lines[-1].startswith("Ungültig: ") and lines[-1].endswith(f"zz-{hostile}.yaml")


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_recommend(runner: CliRunner, tmp_path: Path, hostile: str) -> None:
    result = runner.invoke(app, ["recommend", "--format", "json", str(_batch(tmp_path, hostile))])
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)) == VALID
    assert f"zz-{hostile}.yaml" in result.stderr
    assert result.stderr.splitlines()[-1] == f"1 von {VALID + 1} Intakes ohne Empfehlung."


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_case_add(runner: CliRunner, tmp_path: Path, hostile: str) -> None:
    result = runner.invoke(app, ["case", "add", str(_batch(tmp_path, hostile))])
    assert result.exit_code == 1
    assert f"zz-{hostile}.yaml" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"{VALID + 1} Intakes: {VALID} gespeichert, 1 nicht gespeichert."
    )
    listed = runner.invoke(app, ["case", "list", "--format", "json"])
    assert len(json.loads(listed.stdout)["cases"]) == VALID


EXPORTS = [
    ("school", "schule.xlsx"),
    ("overview", "uebersicht.xlsx"),
    ("statistics", "statistik.xlsx"),
    ("schild", "schild"),
]


@pytest.mark.parametrize(("command", "target"), EXPORTS)
@pytest.mark.parametrize("hostile", ["deep", "bomb"])
def test_exports(
    runner: CliRunner, tmp_path: Path, hostile: str, command: str, target: str
) -> None:
    def export(folder: Path, name: str) -> tuple[int, dict[str, object], str]:
        out = tmp_path / name
        args = ["export", command, str(folder), "-o", str(out), "--format", "json"]
        if command in {"school", "schild"}:
            args.append("--include-unplaced")
        result = runner.invoke(app, args)
        return result.exit_code, json.loads(result.stdout), result.stderr

    _, clean, _ = export(_batch(tmp_path, None), f"a-{target}")
    assert clean["exported"] and clean["problems"] == []
    code, mixed, messages = export(_batch(tmp_path, hostile), f"b-{target}")
    assert code == 1
    assert mixed["exported"] == clean["exported"]
    assert mixed["written"]
    assert f"zz-{hostile}.yaml" in messages
    problem_files = [p["file"] for p in mixed["problems"]]  # type: ignore[attr-defined]
    assert [Path(f).name for f in problem_files] == [f"zz-{hostile}.yaml"]
