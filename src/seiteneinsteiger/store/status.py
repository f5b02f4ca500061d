"""Placement status: where a case stands, its history, the waiting time and when it is closed.

The codes are part of users' registers and scripts (``case status``, ``--format json``): never
rename one; add new ones. Every status event records when it took effect (``at``), when and by whom
(OS user) it was recorded, and optionally the school (Schulnummer, six digits) and a short note.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.errors import UsageError


class PlacementStatus(StrEnum):
    """Where a case stands in the placement process (ki-practice.md §1.8)."""

    wartet_auf_beratung = "wartet_auf_beratung"
    beraten = "beraten"
    vorgeschlagen = "vorgeschlagen"
    an_schulamt_gemeldet = "an_schulamt_gemeldet"
    abgelehnt = "abgelehnt"
    zugewiesen = "zugewiesen"
    aufgenommen = "aufgenommen"
    nicht_erschienen = "nicht_erschienen"
    verzogen = "verzogen"
    zurueckgezogen = "zurueckgezogen"


STATUS_LABELS: dict[PlacementStatus, str] = {
    PlacementStatus.wartet_auf_beratung: "wartet auf die Erstberatung",
    PlacementStatus.beraten: "beraten – wartet auf einen Schulplatz",
    PlacementStatus.vorgeschlagen: "Vorschlag an Schule oder Schulamt",
    PlacementStatus.an_schulamt_gemeldet: "an das Schulamt gemeldet",
    PlacementStatus.abgelehnt: "von der Schule abgelehnt",
    PlacementStatus.zugewiesen: "vom Schulamt zugewiesen",
    PlacementStatus.aufgenommen: "aufgenommen (Schule hat bestätigt)",
    PlacementStatus.nicht_erschienen: "nicht erschienen",
    PlacementStatus.verzogen: "verzogen",
    PlacementStatus.zurueckgezogen: "zurückgezogen",
}

#: Counselled, no school place yet: the queue whose waiting time districts report.
WAITING_FOR_PLACE = frozenset(
    {
        PlacementStatus.beraten,
        PlacementStatus.vorgeschlagen,
        PlacementStatus.an_schulamt_gemeldet,
        PlacementStatus.abgelehnt,
    }
)
#: Statuses that only exist after the counselling (not dated before it).
AFTER_COUNSELLING = frozenset(
    {
        PlacementStatus.beraten,
        PlacementStatus.vorgeschlagen,
        PlacementStatus.an_schulamt_gemeldet,
        PlacementStatus.abgelehnt,
        PlacementStatus.zugewiesen,
        PlacementStatus.aufgenommen,
    }
)
#: The wait for a place is over: a place was found, or the child is no longer there.
WAIT_ENDED = frozenset(
    {
        PlacementStatus.zugewiesen,
        PlacementStatus.aufgenommen,
        PlacementStatus.nicht_erschienen,
        PlacementStatus.verzogen,
        PlacementStatus.zurueckgezogen,
    }
)
#: The case is finished: nothing more will happen unless someone reopens it. ``zugewiesen`` is
#: not closed: the school has not confirmed the admission yet.
CLOSED = frozenset(
    {
        PlacementStatus.aufgenommen,
        PlacementStatus.nicht_erschienen,
        PlacementStatus.verzogen,
        PlacementStatus.zurueckgezogen,
    }
)

_SCHOOL_NUMBER = re.compile(r"^[0-9]{6}$")
NOTE_MAX = 2000


def parse_status(text: str) -> PlacementStatus:
    """A status code as typed on the command line (case, ``-``/``_``, spaces, umlauts forgiven)."""
    cleaned = text.strip().casefold().replace("-", "_").replace(" ", "_")
    cleaned = cleaned.replace("ü", "ue").replace("ä", "ae").replace("ö", "oe")
    try:
        return PlacementStatus(cleaned)
    except ValueError:
        pass
    codes = [status.value for status in PlacementStatus]
    near = suggest(cleaned, codes)
    hint = f" (meinten Sie '{near}'?)" if near else ""
    raise UsageError(
        f"unbekannter Status '{text}'{hint}",
        hint="Erlaubt: " + ", ".join(codes),
    )


def check_school_number(text: str, option: str = "--school") -> str:
    """A Schulnummer of the NRW Schuldatei: six digits."""
    cleaned = text.strip()
    if not _SCHOOL_NUMBER.match(cleaned):
        raise UsageError(
            f"{option}: '{text}' ist keine Schulnummer",
            hint="Die Schulnummer der NRW-Schuldatei hat sechs Ziffern, z. B. 166452.",
        )
    return cleaned


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """One entry of a case's status history."""

    at: dt.date
    status: PlacementStatus
    note: str | None
    recorded_at: str
    actor: str | None = None  # OS user; unknown for events recorded before schema 0002
    school_number: str | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def waiting_days(
    intake_date: dt.date, history: Sequence[StatusEvent], today: dt.date
) -> int | None:
    """Days between the counselling and a school place (or today, while the case waits).

    ``None`` while the counselling is still to come (or never took place: a family that moved
    away before it). The wait ends with the status change from which the case no longer waits
    (zugewiesen, aufgenommen, nicht_erschienen, verzogen, zurueckgezogen); a case that is open
    again afterwards (a school refuses) waits on from its counselling date.
    """
    if not any(event.status in AFTER_COUNSELLING for event in history):
        return None
    end = today
    if history[-1].status in WAIT_ENDED:
        for event in reversed(history):
            if event.status not in WAIT_ENDED:
                break
            end = event.at
    return max(0, (end - intake_date).days)


def closed_on(history: Sequence[StatusEvent]) -> dt.date | None:
    """The day a case was closed: the date of its latest status event when that is a closing
    status (aufgenommen, nicht_erschienen, verzogen, zurueckgezogen); ``None`` while it is open.

    The latest event counts, not the first closing one: a status recorded later (aufgenommen,
    then verzogen) shows the case was still being worked on, and retention runs from there.
    """
    if not history or history[-1].status not in CLOSED:
        return None
    return history[-1].at


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """The latest closing day whose retention period of ``years`` has passed by ``today``.

    A case closed on 15.03.2021 with five years' retention is due on 15.03.2026 and deleted from
    that day on. 29 February counts as 28 February in a year without it.
    """
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


#: The steps of the allocation whose waiting times ``case stats`` reports, in order.
STEPS = (
    PlacementStatus.vorgeschlagen,
    PlacementStatus.an_schulamt_gemeldet,
    PlacementStatus.zugewiesen,
    PlacementStatus.aufgenommen,
)
#: Where each step is counted from: the latest of these events before it (a refusal starts the
#: wait for a new proposal again).
_STEP_STARTS = frozenset({PlacementStatus.beraten, PlacementStatus.abgelehnt, *STEPS[:-1]})
#: Cases waiting for a step: their current status.
WAITING_FOR_STEP: dict[PlacementStatus, frozenset[PlacementStatus]] = {
    PlacementStatus.vorgeschlagen: frozenset({PlacementStatus.beraten, PlacementStatus.abgelehnt}),
    PlacementStatus.an_schulamt_gemeldet: frozenset({PlacementStatus.vorgeschlagen}),
    PlacementStatus.zugewiesen: frozenset({PlacementStatus.an_schulamt_gemeldet}),
    PlacementStatus.aufgenommen: frozenset({PlacementStatus.zugewiesen}),
}


@dataclass(frozen=True, slots=True)
class Figures:
    """Waiting days of a group of cases: how many, median, longest."""

    count: int
    median_days: float | None
    max_days: int | None

    @classmethod
    def of(cls, days: Sequence[int]) -> Figures:
        if not days:
            return cls(0, None, None)
        return cls(len(days), float(statistics.median(days)), max(days))


@dataclass(frozen=True, slots=True)
class StageWait:
    """One step of the allocation: the days it took from the previous step (``done``, one
    entry per time a case reached it), and the cases waiting for it now, counted from their
    latest status change (``waiting``)."""

    step: PlacementStatus
    done: Figures
    waiting: Figures


def stage_waits(histories: Iterable[Sequence[StatusEvent]], today: dt.date) -> list[StageWait]:
    """Waiting days per step of the allocation (see :data:`STEPS`), without names.

    A step is reached when its status is recorded (again after a different status); it took
    the days since the latest earlier event among counselled, refused or an earlier step. So a
    case proposed, refused and proposed again counts twice for the proposal, each from where it
    started; a case sent to the Schulamt without a proposal counts from its counselling.
    """
    done: dict[PlacementStatus, list[int]] = {step: [] for step in STEPS}
    waiting: dict[PlacementStatus, list[int]] = {step: [] for step in STEPS}
    for history in histories:
        start: StatusEvent | None = None
        previous: PlacementStatus | None = None
        for event in history:
            if event.status in done and event.status is not previous and start is not None:
                done[event.status].append(max(0, (event.at - start.at).days))
            if event.status in _STEP_STARTS:
                start = event
            previous = event.status
        if history:
            current = history[-1]
            for step, statuses in WAITING_FOR_STEP.items():
                if current.status in statuses:
                    waiting[step].append(max(0, (today - current.at).days))
    return [StageWait(step, Figures.of(done[step]), Figures.of(waiting[step])) for step in STEPS]
