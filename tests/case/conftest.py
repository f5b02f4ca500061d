"""Every register test runs against each configured backend.

SQLite always; PostgreSQL when ``SEITENEINSTEIGER_TEST_DATABASE_URL`` names a test database (CI sets
it, see README "Entwicklung"). Each PostgreSQL test gets a schema of its own, dropped afterwards.
Tests marked ``sqlite_only`` check what only the embedded file has (pragmas, file modes, WAL).
Which backends ran is printed in pytest's header and summary (tests/conftest.py).
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.capacity import read_capacity
from seiteneinsteiger.schools.directory import DirectoryReport, read_directory
from seiteneinsteiger.schools.shipped import DISPLAY, shipped_path

if TYPE_CHECKING:
    from seiteneinsteiger.store import CaseStore, Place

CAPACITY = Path(__file__).resolve().parents[2] / "examples" / "capacity"

TEST_URL_ENV = "SEITENEINSTEIGER_TEST_DATABASE_URL"
Target = Path | str


def configured_backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(TEST_URL_ENV) else ["sqlite"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: the test checks what only the embedded SQLite register has"
    )
    config.addinivalue_line(
        "markers",
        "postgresql_only: the test needs the PostgreSQL server (exists only with a test database)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        if metafunc.definition.get_closest_marker("sqlite_only") is not None:
            names = ["sqlite"]
        elif metafunc.definition.get_closest_marker("postgresql_only") is not None:
            names = ["postgresql"] if os.environ.get(TEST_URL_ENV) else ["sqlite"]
        else:
            names = configured_backends()
        metafunc.parametrize("backend", names, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a test database the PostgreSQL-only tests do not exist; pytest's summary counts
    them as deselected, and its header says which backends ran."""
    dropped = [
        item
        for item in items
        if item.get_closest_marker("postgresql_only") is not None
        and "[postgresql" not in item.nodeid
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if item not in dropped]


def psycopg_url(url: str) -> sa.URL:
    return sa.make_url(url).set(drivername="postgresql+psycopg")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh, empty schema in the test database; yields a URL whose search_path is it."""
    base = psycopg_url(os.environ[TEST_URL_ENV])
    name = f"t_{uuid.uuid4().hex[:16]}"
    engine = sa.create_engine(base, poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    url = base.update_query_dict({"options": f"-csearch_path={name}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        engine.dispose()


@pytest.fixture(autouse=True)
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The backend of this run; on PostgreSQL the CLI's register is a fresh schema."""
    name: str = getattr(request, "param", "sqlite")
    if name == "postgresql":
        with postgres_schema() as url:
            os.environ["SEITENEINSTEIGER_DATABASE_URL"] = url
            yield name
    else:
        yield name


@pytest.fixture
def target(backend: str, tmp_path: Path) -> Iterator[Target]:
    """Where a test's own register lives: a file, or a URL of another fresh schema."""
    if backend == "postgresql":
        with postgres_schema() as url:
            yield url
    else:
        yield tmp_path / "register" / "cases.sqlite3"


def raw_engine(where: Target) -> sa.Engine:
    if isinstance(where, Path):
        return sa.create_engine(f"sqlite+pysqlite:///{where}", poolclass=NullPool)
    return sa.create_engine(psycopg_url(where), poolclass=NullPool)


def rows(where: Target, query: str) -> list[tuple[Any, ...]]:
    """Run SQL on the register behind the program's back (to check or to break it)."""
    engine = raw_engine(where)
    try:
        with engine.begin() as conn:
            result = conn.exec_driver_sql(query)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


@functools.cache
def _shipped_report() -> DirectoryReport:
    return read_directory(shipped_path(), display=DISPLAY)


def stock(store: CaseStore, *capacity: str) -> None:
    """Import the shipped directory and example capacity tables (default: Kreis Mettmann)."""
    store.import_directory(
        _shipped_report(), source=DISPLAY, sha256="test", attribution=ATTRIBUTION
    )
    loaded = store.directory()
    assert loaded is not None
    for name in capacity or ("kreis-mettmann.csv",):
        report = read_capacity(CAPACITY / name, directory=loaded[0], display=f"examples/{name}")
        assert report.ok, [p.render() for p in report.problems]
        store.add_capacity(report.rows, source=name)


def place_at(store: CaseStore, schulnummer: str, grade: int | None = 7) -> Place:
    """The place of the first active capacity row of a school that covers ``grade``."""
    from seiteneinsteiger.store import Place

    for row in store.capacity(schulnummer=schulnummer):
        if row.covers(grade) and row.id is not None:
            return Place(row.id, schulnummer, row.offer, grade)
    raise AssertionError(f"no capacity row of {schulnummer} for grade {grade}")
