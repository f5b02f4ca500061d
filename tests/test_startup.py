"""Start-up stays fast: `--help` must not import openpyxl, the rule engine or rich tables.

Each check runs in a fresh interpreter, because the test process itself has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
sys.argv = ["seiteneinsteiger", *json.loads(sys.argv[1])]
from seiteneinsteiger.cli.main import run
try:
    run()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""

HEAVY = (
    "openpyxl",
    "seiteneinsteiger.rules",
    "rich.table",
    "seiteneinsteiger.export",
    "fpdf",
    "fontTools",
    "uharfbuzz",
    "seiteneinsteiger.store",
    "sqlalchemy",
    "alembic",
    "psycopg",
)


def _modules_after(*args: str, home: Path | None = None) -> set[str]:
    env = {"TERMINAL_WIDTH": "100", "PATH": ""}
    if home is not None:
        env |= {"SEITENEINSTEIGER_HOME": str(home), "XDG_CONFIG_HOME": str(home / "config")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("intake", "--help"),
        ("rules", "--help"),
        ("export", "--help"),
        ("schools", "--help"),
        ("export", "family-letter", "--help"),
        ("case", "--help"),
        ("session", "--help"),
    ],
)
def test_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    modules = _modules_after(*args)
    loaded = sorted(m for m in modules if m.startswith(HEAVY))
    assert loaded == []


def test_an_sqlite_register_at_its_schema_loads_neither_alembic_nor_psycopg(
    tmp_path: Path,
) -> None:
    _modules_after("case", "list", home=tmp_path)  # creates the register (Alembic runs once)
    modules = _modules_after("case", "list", home=tmp_path)
    assert "sqlalchemy" in modules  # the command did open the register
    assert sorted(m for m in modules if m.startswith(("alembic", "psycopg", "openpyxl"))) == []


def test_validating_intakes_does_not_scan_the_installed_packages() -> None:
    """pydantic looks for plugins through importlib.metadata (17 ms per start); the tool has them
    switched off and never loads that module, while the intakes are still validated."""
    example = Path(__file__).resolve().parent.parent / "examples" / "intakes" / "amal-haddad.yaml"
    modules = _modules_after("intake", "validate", str(example))
    assert "seiteneinsteiger.models.intake" in modules
    assert "importlib.metadata" not in modules


def test_a_single_command_imports_no_other_command() -> None:
    """A command started from the shell runs in a tree of its own (cli/main.run)."""
    from seiteneinsteiger.cli.main import COMMANDS

    example = Path(__file__).resolve().parent.parent / "examples" / "intakes" / "amal-haddad.yaml"
    modules = _modules_after("recommend", str(example))
    assert "seiteneinsteiger.cli.recommend" in modules
    others = {f"seiteneinsteiger.cli.{module}" for _, module, _ in COMMANDS}
    assert sorted(modules & (others - {"seiteneinsteiger.cli.recommend"})) == []
