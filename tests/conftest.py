"""Shared test set-up: a deterministic terminal and a private, empty data directory per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

# Typer reads these once, when typer.rich_utils is imported: set them before any test runs.
os.environ["TERMINAL_WIDTH"] = "3000"
os.environ["_TYPER_FORCE_DISABLE_TERMINAL"] = "1"

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Never touch the real home directory; never inherit colour or district settings."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    os.environ["SEITENEINSTEIGER_HOME"] = str(home)
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    for name in (
        "FORCE_COLOR",
        "NO_COLOR",
        "PY_COLORS",
        "GITHUB_ACTIONS",
        "SEITENEINSTEIGER_DISTRICT",
        "SEITENEINSTEIGER_DATABASE_URL",
    ):
        os.environ.pop(name, None)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _register_backends() -> str:
    """Which backends the register tests (tests/case) run against; see tests/case/conftest.py."""
    url = os.environ.get("SEITENEINSTEIGER_TEST_DATABASE_URL", "").strip()
    if not url:
        return "Fallregister-Tests: nur SQLite (SEITENEINSTEIGER_TEST_DATABASE_URL nicht gesetzt)"
    from seiteneinsteiger.store.location import mask_url

    return f"Fallregister-Tests: SQLite und PostgreSQL ({mask_url(url)})"


def pytest_configure(config: pytest.Config) -> None:
    """In CI (CI=true) the PostgreSQL backend is required: a missing URL fails the run."""
    if os.environ.get("CI") == "true" and not os.environ.get("SEITENEINSTEIGER_TEST_DATABASE_URL"):
        raise pytest.UsageError(
            "CI=true, aber SEITENEINSTEIGER_TEST_DATABASE_URL fehlt: die Fallregister-Tests "
            "müssen in CI auch gegen PostgreSQL laufen (siehe .ci/run)."
        )


def pytest_report_header() -> str:
    return _register_backends()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_line(_register_backends())


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
