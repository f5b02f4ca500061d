"""Distances: postcode means from the directory, straight lines in UTM metres, precision said."""

from __future__ import annotations

import pytest

from seiteneinsteiger.codes import Stage
from seiteneinsteiger.schools.directory import Directory
from seiteneinsteiger.schools.geo import (
    Distance,
    Gazetteer,
    Point,
    Precision,
    distance,
    format_km,
    town_key,
)
from seiteneinsteiger.schools.travel import threshold_for, travel_hint


def test_a_postcode_is_the_mean_of_its_schools(nrw: Directory) -> None:
    gazetteer = Gazetteer(nrw)
    ratingen = [s for s in nrw if s.postcode == "40878" and s.easting is not None]
    assert len(ratingen) == 10
    point = gazetteer.postcode("40878")
    assert point is not None and point.precision is Precision.postcode
    assert point.easting == pytest.approx(sum(s.easting or 0 for s in ratingen) / 10)
    assert point.northing == pytest.approx(sum(s.northing or 0 for s in ratingen) / 10)


def test_without_a_known_postcode_the_town_is_used(nrw: Directory) -> None:
    gazetteer = Gazetteer(nrw)
    assert town_key("Langenfeld (Rheinland)") == town_key("langenfeld") == "langenfeld"
    assert town_key("Lünen") == "lunen"
    found = gazetteer.family("99999", "Langenfeld")
    assert found is not None and found.precision is Precision.municipality
    assert gazetteer.family(None, None) is None
    assert gazetteer.family("99999", "Atlantis") is None


def test_a_school_is_at_its_own_address(nrw: Directory) -> None:
    school = nrw.get("189601")
    assert school is not None
    point = Gazetteer(nrw).school(school)
    assert point == Point(347832, 5684544, Precision.address)


def test_straight_line_in_metres_with_the_coarser_precision() -> None:
    home = Point(0, 0, Precision.postcode)
    school = Point(3000, 4000, Precision.address)
    assert distance(home, school) == Distance(5000.0, Precision.postcode)
    assert distance(None, school) == Distance(None, Precision.unknown)
    assert Distance(2449.0, Precision.postcode).text() == (
        "2,4 km Luftlinie, Genauigkeit: PLZ-Mittelpunkt (aus Schulstandorten)"
    )
    assert Distance(None, Precision.unknown).text() == "Entfernung unbekannt"
    assert format_km(3500, exact=True) == "3,5 km" and format_km(5000, exact=True) == "5 km"


@pytest.mark.parametrize(
    ("grade", "stage", "limit"),
    [
        (1, Stage.primarstufe, 2000),
        (4, Stage.primarstufe, 2000),
        (5, Stage.sek1, 3500),
        (10, Stage.sek1, 3500),
        (11, Stage.sek2, 5000),
        (None, Stage.sek2, 5000),  # Berufskolleg: no grade
        (None, Stage.primarstufe, 2000),
    ],
)
def test_travel_cost_limits_of_the_schfkvo(grade: int | None, stage: Stage, limit: int) -> None:
    threshold = threshold_for(grade, stage)
    assert threshold is not None and threshold.metres == limit


def test_travel_hints_are_hints_with_their_source() -> None:
    sek1 = threshold_for(7, Stage.sek1)
    over = travel_hint(Distance(4100, Precision.postcode), sek1)
    assert over is not None and over.code == "FAHRKOSTEN"
    assert over.text.startswith("Schulweg über 3,5 km (Klassen 5–10): Luftlinie schon 4,1 km")
    assert over.source.startswith("SchfkVO § 5 Abs. 2")
    near = travel_hint(Distance(3000, Precision.postcode), sek1)
    assert near is not None and near.code == "FAHRKOSTEN_PRUEFEN"
    assert travel_hint(Distance(1500, Precision.postcode), sek1) is None
    assert travel_hint(Distance(None, Precision.unknown), sek1) is None
    primary = travel_hint(Distance(2100, Precision.address), threshold_for(2, Stage.primarstufe))
    assert primary is not None and "über 2 km (Grundschule)" in primary.text
    assert "PLZ" not in primary.text  # an exact position needs no caveat
