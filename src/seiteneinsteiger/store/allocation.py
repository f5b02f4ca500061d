"""Which placement status may follow which, and what a status does to the reserved place (pure).

The allocation of a school place runs: counselled (``beraten``) → proposed to a school
(``vorgeschlagen``, a place is reserved there) → sent to the Schulamt
(``an_schulamt_gemeldet``) → assigned (``zugewiesen``) → admission confirmed by the school
(``aufgenommen``, the reserved place becomes a taken one); or the school refuses
(``abgelehnt``), the family withdraws (``zurueckgezogen``), moves away (``verzogen``) or does not
come (``nicht_erschienen``): these release the place. The table below is documented in
docs/cli/case.md; every refusal is one German sentence that says what to do instead.
"""

from __future__ import annotations

from enum import StrEnum

from seiteneinsteiger.store.errors import CaseStoreError
from seiteneinsteiger.store.status import CLOSED, STATUS_LABELS, PlacementStatus

S = PlacementStatus


class ReservationStatus(StrEnum):
    """A reserved place: held for a proposal, taken after the admission, or given back."""

    active = "aktiv"
    taken = "belegt"
    released = "freigegeben"


#: Reservations that count against their capacity row.
COUNTED = (ReservationStatus.active.value, ReservationStatus.taken.value)

#: Statuses that name the school they refer to (from ``--school``, the reserved place or the
#: history); ``vorgeschlagen`` always reserves a place there.
NEEDS_SCHOOL = frozenset({S.vorgeschlagen, S.zugewiesen, S.aufgenommen, S.abgelehnt})
#: Statuses during which the case is with a school: proposed, reported, assigned. A following
#: status without ``--school`` refers to that school.
SCHOOL_STAGES = frozenset({S.vorgeschlagen, S.an_schulamt_gemeldet, S.zugewiesen})
#: Statuses that end the case's hold on a place (a taken place too: the child left or never
#: came).
RELEASES_TAKEN = frozenset({S.verzogen, S.nicht_erschienen, S.zurueckgezogen})
#: Statuses after which the proposal is over: its place is given back.
RELEASES = RELEASES_TAKEN | {S.abgelehnt, S.beraten, S.wartet_auf_beratung}

_WAITING = frozenset({S.beraten, S.vorgeschlagen, S.an_schulamt_gemeldet, S.abgelehnt})

#: The statuses each status may follow.
ALLOWED_AFTER: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    S.wartet_auf_beratung: frozenset({S.wartet_auf_beratung, *(CLOSED - {S.aufgenommen})}),
    S.beraten: frozenset(set(PlacementStatus) - {S.zugewiesen, S.aufgenommen}),
    S.vorgeschlagen: _WAITING,
    S.an_schulamt_gemeldet: _WAITING,
    S.zugewiesen: _WAITING | {S.zugewiesen},
    S.aufgenommen: _WAITING | {S.zugewiesen},
    S.abgelehnt: frozenset(
        {S.vorgeschlagen, S.an_schulamt_gemeldet, S.zugewiesen, S.beraten, S.abgelehnt}
    ),
    S.nicht_erschienen: frozenset(set(PlacementStatus) - {S.aufgenommen}),
    S.verzogen: frozenset(PlacementStatus),
    S.zurueckgezogen: frozenset(set(PlacementStatus) - {S.aufgenommen}),
}

_HINTS: dict[PlacementStatus, str] = {
    S.vorgeschlagen: "Einen Vorschlag gibt es für einen beratenen Fall ohne Schulplatz; nach "
    "einer Ablehnung ('abgelehnt') wieder.",
    S.an_schulamt_gemeldet: "An das Schulamt gemeldet wird ein beratener Fall ohne Schulplatz.",
    S.zugewiesen: "Zugewiesen wird ein beratener Fall ohne Schulplatz.",
    S.aufgenommen: "Aufgenommen wird ein Fall nach Vorschlag, Meldung oder Zuweisung.",
    S.abgelehnt: "Ablehnen kann eine Schule einen Vorschlag oder eine Zuweisung.",
    S.beraten: "Nach einer Zuweisung oder Aufnahme: 'abgelehnt', 'nicht_erschienen' oder "
    "'verzogen' eintragen.",
    S.wartet_auf_beratung: "Ein beratener Fall wartet nicht mehr auf die Beratung; ein "
    "abgeschlossener Fall kann so wieder geöffnet werden.",
    S.nicht_erschienen: "Nach der Aufnahme: 'verzogen' eintragen, wenn das Kind die Schule "
    "verlassen hat.",
    S.zurueckgezogen: "Nach der Aufnahme: 'verzogen' eintragen, wenn das Kind die Schule "
    "verlassen hat.",
}


def check_transition(case_id: str, previous: PlacementStatus, target: PlacementStatus) -> None:
    """Refuse a status that cannot follow ``previous`` (one German sentence and a hint)."""
    if previous in ALLOWED_AFTER[target]:
        return
    raise CaseStoreError(
        f"Fall {case_id}: '{target.value}' kann nicht auf '{previous.value}' "
        f"({STATUS_LABELS[previous]}) folgen",
        hint=_HINTS.get(target),
    )


def missing_school(case_id: str, target: PlacementStatus) -> CaseStoreError:
    """A status that needs a school, without one (no ``--school``, no reserved place)."""
    if target is S.vorgeschlagen:
        return CaseStoreError(
            f"Fall {case_id}: ein Vorschlag nennt eine Schule und reserviert dort einen Platz",
            hint=f"Schulen mit freiem Platz zeigt 'seiteneinsteiger case propose {case_id}'; "
            f"vorschlagen mit 'case propose {case_id} --choose SCHULNUMMER'.",
        )
    what = {
        S.zugewiesen: "Zugewiesen an welche Schule?",
        S.aufgenommen: "Aufgenommen an welcher Schule?",
        S.abgelehnt: "Welche Schule hat abgelehnt?",
    }[target]
    return CaseStoreError(
        f"Fall {case_id}: '{target.value}' braucht eine Schule, und der Fall hat keinen "
        f"Vorschlag. {what}",
        hint="Die Schulnummer mit --school SCHULNUMMER angeben (6 Ziffern).",
    )
