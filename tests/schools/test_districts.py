"""Which schools belong to a district: data a district can extend, with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from seiteneinsteiger.errors import InputFileError
from seiteneinsteiger.schools.districts import builtin_districts, load_districts


def test_builtin_districts() -> None:
    districts = builtin_districts()
    assert districts["kreis-mettmann"].contains("05158024")
    assert districts["stadt-herne"].contains("05916000")
    assert not districts["stadt-herne"].contains("05911000")  # Bochum
    assert districts["nrw"].contains("05978036")
    assert districts["kreis-unna"].title == "Kreis Unna"


def test_a_district_adds_its_own_entry(tmp_path: Path) -> None:
    path = tmp_path / "kreise.yaml"
    path.write_text(
        "format: seiteneinsteiger/school-districts@1\n"
        "districts:\n"
        "  stadt-bochum: {title: Stadt Bochum, gemeinden: ['05911000']}\n"
        "  stadt-herne: {title: Herne und Castrop-Rauxel, gemeinden: ['05916000', '05562004']}\n",
        encoding="utf-8",
    )
    districts = load_districts(path, base=builtin_districts())
    assert districts["stadt-bochum"].contains("05911000")
    assert districts["stadt-herne"].contains("05562004")  # replaced the built-in entry
    assert districts["kreis-unna"].contains("05978036")  # the rest stays


def test_a_bad_file_names_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "kreise.yaml"
    path.write_text(
        "format: seiteneinsteiger/school-districts@1\n"
        "districts:\n"
        "  kreis-soest:\n"
        "    title: Kreis Soest\n"
        "    gemeinden: ['5974']\n"
        "    schulamt: 600974\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as caught:
        load_districts(path, display="kreise.yaml")
    rendered = [problem.render() for problem in caught.value.problems]
    assert rendered == [
        "kreise.yaml:5: districts.kreis-soest.gemeinden.0: Wert hat nicht das erwartete Format",
        "kreise.yaml:6: districts.kreis-soest.schulamt: Text erwartet, nicht '600974' (Text in "
        "Anführungszeichen setzen)",
    ]
    assert caught.value.message == "kreise.yaml: Kreiszuordnung der Schulen ungültig (2 Probleme)"
