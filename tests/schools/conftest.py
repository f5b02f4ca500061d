"""Fixtures for the school-search tests: the real NRW directory, the shipped copy, the example
capacity tables, and the demo intakes with their real recommendations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import strategies as st

from seiteneinsteiger.intake_io import load_intake_file
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.api import recommend
from seiteneinsteiger.rules.result import Result
from seiteneinsteiger.schools.capacity import CapacityTable, read_capacity
from seiteneinsteiger.schools.directory import Directory, DirectoryReport, read_directory
from seiteneinsteiger.schools.districts import SchoolDistrict, builtin_districts
from seiteneinsteiger.schools.geo import Gazetteer
from seiteneinsteiger.schools.shipped import shipped_directory

REPO = Path(__file__).resolve().parents[2]
#: The Ministry's file, unchanged (../shared resolves through /work/wt/shared, as in CI).
REAL = REPO.parent / "shared" / "data" / "schuldaten-nrw" / "schuldaten.csv"
CAPACITY = REPO / "examples" / "capacity"
INTAKES = REPO / "examples" / "intakes"

Case = tuple[Intake, Result]
Mutation = tuple[int, str, bytes]


def mutations(size: int, alphabet: list[bytes]) -> st.SearchStrategy[list[Mutation]]:
    """Up to six edits at random positions of a file of ``size`` bytes: delete a byte, insert
    or replace one with a byte from ``alphabet`` (quotes, separators, line breaks, digits …)."""
    one = st.tuples(
        st.integers(min_value=0, max_value=size - 1),
        st.sampled_from(["delete", "insert", "replace"]),
        st.sampled_from(alphabet),
    )
    return st.lists(one, min_size=1, max_size=6)


def mutate(sample: bytes, edits: list[Mutation]) -> bytes:
    data = bytearray(sample)
    for position, action, byte in edits:
        position = min(position, len(data) - 1)
        if action == "delete":
            del data[position]
        elif action == "insert":
            data[position:position] = byte
        else:
            data[position : position + 1] = byte
    return bytes(data)


@pytest.fixture(scope="session")
def real_report() -> DirectoryReport:
    return read_directory(REAL)


@pytest.fixture(scope="session")
def nrw(real_report: DirectoryReport) -> Directory:
    return Directory.from_report(real_report)


@pytest.fixture(scope="session")
def shipped() -> Directory:
    return shipped_directory()


@pytest.fixture(scope="session")
def gazetteer(shipped: Directory) -> Gazetteer:
    return Gazetteer(shipped)


@pytest.fixture(scope="session")
def capacity(shipped: Directory) -> CapacityTable:
    rows = []
    for path in sorted(CAPACITY.glob("*.csv")):
        report = read_capacity(path, directory=shipped, display=f"examples/capacity/{path.name}")
        assert report.ok, [p.render() for p in report.problems]
        rows.extend(report.rows)
    return CapacityTable(rows)


@pytest.fixture(scope="session")
def districts() -> dict[str, SchoolDistrict]:
    return builtin_districts()


@pytest.fixture(scope="session")
def case() -> Callable[[str], Case]:
    """A demo intake by file stem and its recommendation from the built-in rule sets."""
    cache: dict[str, Case] = {}

    def load(stem: str) -> Case:
        if stem not in cache:
            path = INTAKES / f"{stem}.yaml"
            [loaded] = load_intake_file(path, f"examples/intakes/{stem}.yaml")
            assert loaded.intake is not None
            cache[stem] = (loaded.intake, recommend(loaded.intake, source=loaded.label))
        return cache[stem]

    return load
