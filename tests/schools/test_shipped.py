"""The shipped directory is the Ministry's file filtered to the built-in districts, unchanged."""

from __future__ import annotations

from pathlib import Path

from seiteneinsteiger.rules.api import builtin_ids
from seiteneinsteiger.schools.directory import Directory, read_directory
from seiteneinsteiger.schools.districts import builtin_districts
from seiteneinsteiger.schools.shipped import (
    filter_published,
    shipped_path,
    shipped_prefixes,
    write_shipped_copy,
)

from .conftest import REAL


def test_the_shipped_copy_equals_the_filter_applied_to_the_real_file() -> None:
    expected = filter_published(REAL.read_text(encoding="utf-8"), shipped_prefixes())
    assert shipped_path().read_text(encoding="utf-8") == expected
    lines = expected.splitlines()
    assert lines[0] == "sep=;" and lines[1].startswith("Schulnummer;Schulform;")
    assert len(lines) - 2 == 144 + 113 + 43  # every row of the three districts


def test_the_generator_writes_the_same_file(tmp_path: Path) -> None:
    target = tmp_path / "schuldaten.csv"
    assert write_shipped_copy(REAL, target) == 300
    assert target.read_bytes() == shipped_path().read_bytes()
    assert target.stat().st_mode & 0o777 == 0o644  # package data, not personal data


def test_the_same_reader_reads_the_shipped_copy(shipped: Directory) -> None:
    report = read_directory(shipped_path())
    assert report.problems == []
    assert len(shipped) == 296
    assert sorted(a.schulnummer for a in shipped.authorities) == ["600158", "600916", "600978"]
    districts = builtin_districts()
    for district_id, count in (("kreis-mettmann", 143), ("kreis-unna", 111), ("stadt-herne", 42)):
        assert len(shipped.in_area(districts[district_id].gemeinden)) == count


def test_every_builtin_rule_set_has_its_schools() -> None:
    districts = builtin_districts()
    assert set(builtin_ids()) <= set(districts)
    for district_id in builtin_ids():
        schulamt = districts[district_id].schulamt
        assert district_id == "nrw" or schulamt in {"600158", "600916", "600978"}
