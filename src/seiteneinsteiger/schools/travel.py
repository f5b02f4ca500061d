"""Travel costs as a hint: the distances above which the Schulträger pays the way to school.

Schülerfahrkostenverordnung NRW (SchfkVO) § 5 Abs. 2: travel costs are necessary when the way to
school is, one way, more than 2 km in the Primarstufe, more than 3,5 km in classes 5–10
(Sekundarstufe I) and more than 5 km in the Sekundarstufe II (Kreis Mettmann: "bei
Grundschulkindern mehr als 2 Kilometer, bei Schulkindern der Klassen 5 – 10 mehr als 3,5
Kilometer oder bei Schulkindern der Klassen 11 – 13 mehr als 5 Kilometer"). The way counts as
the shortest footpath (§ 7 Abs. 1), which is never shorter than the straight line: a straight
line above the limit means the limit is passed; one a little below may still pass it on foot.
This is a hint for the family, never a reason to leave a school out.
"""

from __future__ import annotations

from dataclasses import dataclass

from seiteneinsteiger.codes import Stage
from seiteneinsteiger.schools.geo import PRECISION_LABELS, Distance, Precision, format_km

SOURCE = "SchfkVO § 5 Abs. 2 (Schulweg: kürzester Fußweg, § 7 Abs. 1)"
#: Below the limit, a straight line of at least this share of it may still be longer on foot.
NEAR_SHARE = 0.7


@dataclass(frozen=True, slots=True)
class Threshold:
    metres: int
    group: str


PRIMARY = Threshold(2000, "Grundschule")
LOWER_SECONDARY = Threshold(3500, "Klassen 5–10")
UPPER_SECONDARY = Threshold(5000, "Sekundarstufe II")


def threshold_for(grade: int | None, stage: Stage) -> Threshold | None:
    """The limit for a pupil of ``grade`` (or, without a grade, of ``stage``)."""
    if grade is not None:
        if grade <= 4:
            return PRIMARY
        return LOWER_SECONDARY if grade <= 10 else UPPER_SECONDARY
    return {
        Stage.primarstufe: PRIMARY,
        Stage.sek1: LOWER_SECONDARY,
        Stage.sek2: UPPER_SECONDARY,
    }.get(stage)


@dataclass(frozen=True, slots=True)
class TravelHint:
    code: str
    text: str
    source: str = SOURCE


def travel_hint(distance: Distance, threshold: Threshold | None) -> TravelHint | None:
    """``FAHRKOSTEN`` above the limit, ``FAHRKOSTEN_PRUEFEN`` close below it, else None."""
    if threshold is None or distance.metres is None:
        return None
    limit = format_km(threshold.metres, exact=True)
    line = format_km(distance.metres)
    rough = (
        f"; Wohnort nur als {PRECISION_LABELS[distance.precision]} bekannt"
        if distance.precision >= Precision.postcode
        else ""
    )
    if distance.metres > threshold.metres:
        return TravelHint(
            "FAHRKOSTEN",
            f"Schulweg über {limit} ({threshold.group}): Luftlinie schon {line}{rough}. Der "
            "Schulträger übernimmt dann in der Regel die Fahrkosten (Antrag der Eltern).",
        )
    if distance.metres >= NEAR_SHARE * threshold.metres:
        return TravelHint(
            "FAHRKOSTEN_PRUEFEN",
            f"Luftlinie {line}, knapp unter {limit} ({threshold.group}){rough}: der Fußweg kann "
            "länger sein; Anspruch auf Übernahme der Fahrkosten prüfen.",
        )
    return None
