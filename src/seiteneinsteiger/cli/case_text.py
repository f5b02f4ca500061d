"""Text and JSON of the allocation: status changes with their places, the proposal footer, the
waiting days per step of ``case stats``. No names: cases appear by their number."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from seiteneinsteiger.store.status import STATUS_LABELS, Figures, StageWait

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.placement import CaseSearch
    from seiteneinsteiger.store import Reservation, StatusChange


def _de(day: Any) -> str:
    return f"{day:%d.%m.%Y}"


def school_text(number: str, labels: dict[str, str]) -> str:
    """``Ratingen, GE Martin-Luther-King (189601)``, or the number alone."""
    label = labels.get(number)
    return f"{label} ({number})" if label else f"Schule {number}"


def change_lines(change: StatusChange, labels: dict[str, str]) -> list[str]:
    """The status change (first line) and what happened to the place; the notes of the change
    (``change.notes``) are not among them: they go to stderr as hints."""
    event = change.event
    head = (
        f"{change.case_id}: {change.previous.value} → {event.status.value} ({event.label}) "
        f"am {_de(event.at)}"
    )
    if event.school_number:
        head += f": {school_text(event.school_number, labels)}"
    lines = [head]
    if change.reserved is not None:
        held = change.reserved
        lines.append(
            f"Platz reserviert: {school_text(held.schulnummer, labels)}, {held.place_text()}."
        )
    if change.confirmed is not None:
        lines.append(
            f"Aufnahme bestätigt: der reservierte Platz an "
            f"{school_text(change.confirmed.schulnummer, labels)} ist jetzt belegt."
        )
    if change.released is not None and not change.notes:
        lines.append(
            f"Platz freigegeben: {school_text(change.released.schulnummer, labels)}, "
            f"{change.released.place_text()}."
        )
    return lines


def reservation_json(held: Reservation) -> dict[str, Any]:
    return {
        "schulnummer": held.schulnummer,
        "offer": held.offer.value,
        "grade": held.grade,
        "status": held.status.value,
        "since": held.since.isoformat(),
        "confirmed_on": held.confirmed_on.isoformat() if held.confirmed_on else None,
        "ended_on": held.ended_on.isoformat() if held.ended_on else None,
        "end_reason": held.end_reason,
    }


def change_json(change: StatusChange) -> dict[str, Any]:
    event = change.event
    return {
        "case_id": change.case_id,
        "previous": change.previous.value,
        "status": event.status.value,
        "at": event.at.isoformat(),
        "school_number": event.school_number,
        "recorded_at": event.recorded_at,
        "recorded_by": event.actor,
        "reserved": reservation_json(change.reserved) if change.reserved else None,
        "released": reservation_json(change.released) if change.released else None,
        "confirmed": reservation_json(change.confirmed) if change.confirmed else None,
        "notes": list(change.notes),
    }


def propose_footer(search: CaseSearch, labels: dict[str, str]) -> list[str]:
    """Below the ranking: the place the case holds, and how to propose one of the schools."""
    lines: list[str] = []
    held = search.holding
    case_id = search.record.case_id
    if held is not None:
        what = "belegt (Aufnahme bestätigt)" if held.status.value == "belegt" else "reserviert"
        lines.append(
            f"Platz {what}: {school_text(held.schulnummer, labels)}, {held.place_text()}, "
            f"seit {_de(held.since)} (Status {search.record.status.value})."
        )
    from seiteneinsteiger.store.allocation import ALLOWED_AFTER
    from seiteneinsteiger.store.status import PlacementStatus

    if (
        search.result.proposals
        and search.record.status in ALLOWED_AFTER[PlacementStatus.vorgeschlagen]
    ):
        first = search.result.proposals[0].school.schulnummer
        lines.append(
            f"Vorschlagen (reserviert einen Platz): seiteneinsteiger case propose {case_id} "
            f"--choose {first}"
        )
    return lines


#: The rows of ``case stats``: each step and the one before it in the usual order.
STEP_LABELS = {
    "vorgeschlagen": "beraten → vorgeschlagen",
    "an_schulamt_gemeldet": "vorgeschlagen → an Schulamt gemeldet",
    "zugewiesen": "an Schulamt gemeldet → zugewiesen",
    "aufgenommen": "zugewiesen → aufgenommen",
}


def _figure(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return str(int(value))


def stage_lines(stages: list[StageWait]) -> list[str]:
    """``case stats``: waiting days per step of the allocation, done and still waiting."""
    header = ("Schritt", "erreicht", "Median", "längste", "wartet", "Median", "längste")
    rows = [header]
    for stage in stages:
        done, waiting = stage.done, stage.waiting
        rows.append(
            (
                STEP_LABELS[stage.step.value],
                str(done.count),
                _figure(done.median_days),
                _figure(done.max_days),
                str(waiting.count),
                _figure(waiting.median_days),
                _figure(waiting.max_days),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "Wartetage je Schritt (erreicht: Tage ab dem vorigen erreichten Schritt; wartet: Tage "
        "seit der letzten Statusänderung):"
    ]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(widths[i]) for i, cell in enumerate(row[1:], 1)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "count": figures.count,
        "median_days": figures.median_days,
        "max_days": figures.max_days,
    }


def stages_json(stages: list[StageWait]) -> list[dict[str, Any]]:
    return [
        {
            "step": stage.step.value,
            "label": STATUS_LABELS[stage.step],
            "reached": _figures_json(stage.done),
            "waiting": _figures_json(stage.waiting),
        }
        for stage in stages
    ]
