"""Where a family lives and how far a school is, with the precision said out loud.

The intake knows only the family's postcode (``pupil.address.postcode``) and municipality
(``pupil.municipality``); the repository has no postcode dataset. A postcode's position is
therefore the mean of the UTM coordinates of all directory entries with that postcode, derived
when the directory is loaded ("PLZ-Mittelpunkt (aus Schulstandorten)"); without a known
postcode, the mean of the entries of the town ("Ortsmitte (aus Schulstandorten)"). A school is at
its own coordinates ("Adresse der Schule"), or at its postcode's mean when the Ministry gives
none. Distances are straight lines in UTM zone 32 metres (EPSG:25832), fine within NRW; a
distance is as precise as the coarser of its two ends.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from seiteneinsteiger.schools.directory import School


class Precision(IntEnum):
    """How a position was found; a larger value is coarser."""

    address = 1
    postcode = 2
    municipality = 3
    unknown = 4


PRECISION_LABELS: dict[Precision, str] = {
    Precision.address: "Adresse der Schule",
    Precision.postcode: "PLZ-Mittelpunkt (aus Schulstandorten)",
    Precision.municipality: "Ortsmitte (aus Schulstandorten)",
    Precision.unknown: "unbekannt",
}


@dataclass(frozen=True, slots=True)
class Point:
    easting: float
    northing: float
    precision: Precision


@dataclass(frozen=True, slots=True)
class Distance:
    metres: float | None
    precision: Precision

    @property
    def known(self) -> bool:
        return self.metres is not None

    def text(self) -> str:
        """``2,4 km Luftlinie, Genauigkeit: PLZ-Mittelpunkt (aus Schulstandorten)``."""
        if self.metres is None:
            return "Entfernung unbekannt"
        return (
            f"{format_km(self.metres)} Luftlinie, Genauigkeit: {PRECISION_LABELS[self.precision]}"
        )


def format_km(metres: float, *, exact: bool = False) -> str:
    """German kilometres with one decimal: ``2,4 km`` (``exact``: ``5 km``, ``3,5 km``)."""
    text = f"{metres / 1000:.1f}"
    if exact and text.endswith(".0"):
        text = text[:-2]
    return f"{text} km".replace(".", ",")


def town_key(name: str) -> str:
    """A town name for matching: ``Langenfeld (Rheinland)`` and ``langenfeld`` are the same."""
    name = re.sub(r"\(.*?\)", " ", name)
    folded = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9ß]+", " ", letters.replace("ß", "ss")).split())


class Gazetteer:
    """Postcode and town positions derived from the school directory."""

    def __init__(self, schools: Iterable[School]) -> None:
        by_postcode: dict[str, list[tuple[int, int]]] = {}
        by_town: dict[str, list[tuple[int, int]]] = {}
        keys: dict[str, str] = {}  # about 400 towns for 5,500 schools
        for school in schools:
            if school.easting is None or school.northing is None:
                continue
            point = (school.easting, school.northing)
            if school.postcode:
                by_postcode.setdefault(school.postcode, []).append(point)
            if school.town:
                key = keys.get(school.town)
                if key is None:
                    key = keys[school.town] = town_key(school.town)
                by_town.setdefault(key, []).append(point)
        self._postcodes = {key: _mean(points) for key, points in by_postcode.items()}
        self._towns = {key: _mean(points) for key, points in by_town.items()}

    def postcode(self, postcode: str) -> Point | None:
        found = self._postcodes.get(postcode)
        return Point(*found, Precision.postcode) if found else None

    def town(self, name: str) -> Point | None:
        found = self._towns.get(town_key(name))
        return Point(*found, Precision.municipality) if found else None

    def family(self, postcode: str | None, municipality: str | None) -> Point | None:
        """The family's position: its postcode's mean, else its town's mean, else None."""
        if postcode and (point := self.postcode(postcode)) is not None:
            return point
        if municipality:
            return self.town(municipality)
        return None

    def school(self, school: School) -> Point | None:
        if school.easting is not None and school.northing is not None:
            return Point(school.easting, school.northing, Precision.address)
        return self.family(school.postcode, school.town)


def distance(a: Point | None, b: Point | None) -> Distance:
    """The straight-line distance in metres and the precision of the coarser end."""
    if a is None or b is None:
        return Distance(None, Precision.unknown)
    metres = math.hypot(a.easting - b.easting, a.northing - b.northing)
    return Distance(metres, max(a.precision, b.precision))


def _mean(points: list[tuple[int, int]]) -> tuple[float, float]:
    return (
        sum(east for east, _ in points) / len(points),
        sum(north for _, north in points) / len(points),
    )
