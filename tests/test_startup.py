"""Start-up stays fast: `--help` must not import openpyxl, the rule engine or rich tables.

Each check runs in a fresh interpreter, because the test process itself has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PROBE = """
import json, sys
sys.argv = ["seiteneinsteiger", *json.loads(sys.argv[1])]
from seiteneinsteiger.cli.main import app
try:
    app()
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
)


def _modules_after(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(list(args))],
        capture_output=True,
        text=True,
        check=True,
        env={"TERMINAL_WIDTH": "100", "PATH": ""},
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
    ],
)
def test_help_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    modules = _modules_after(*args)
    loaded = sorted(m for m in modules if m.startswith(HEAVY))
    assert loaded == []
