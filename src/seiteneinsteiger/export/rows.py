"""What every exporter works on: one intake, its recommendation and where it came from.

:func:`split_by_consent` keeps only the pupils whose family agreed to the transfer
(``counselling.consent.scope``); everyone else is left out with a German reason that names the
file and the case id, never the child.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from seiteneinsteiger.codes import ConsentScope
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.result import Result

RECIPIENT_LABELS: dict[str, str] = {
    "school": "die aufnehmende Schule",
    "schulamt": "das Schulamt",
    "gesundheitsamt": "das Gesundheitsamt",
    "statistics": "die Statistik",
}


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One pupil to export."""

    intake: Intake
    recommendation: Result
    source: str


@dataclass(frozen=True, slots=True)
class LeftOut:
    """A pupil not exported, with the German reason (file and case id only)."""

    source: str
    case_id: str | None
    reason: str

    def render(self) -> str:
        case = f"Fall {self.case_id}" if self.case_id else "ohne Fallnummer"
        return f"{self.source} ({case}): {self.reason}"


def consent_reason(recipient: ConsentScope) -> str:
    label = RECIPIENT_LABELS[recipient.value]
    return (
        f"keine Einwilligung für die Weitergabe an {label} "
        f"(counselling.consent.scope enthält nicht '{recipient.value}')"
    )


def split_by_consent(
    rows: Iterable[ExportRow], recipient: ConsentScope
) -> tuple[list[ExportRow], list[LeftOut]]:
    """The rows whose consent names ``recipient``, and the ones left out with their reason."""
    left: list[LeftOut] = []
    kept = list(consenting(rows, recipient, left))
    return kept, left


def consenting(
    rows: Iterable[ExportRow], recipient: ConsentScope, left: list[LeftOut]
) -> Iterator[ExportRow]:
    """The rows whose consent names ``recipient``, one at a time; the others go to ``left``."""
    for row in rows:
        if row.intake.consents_to(recipient):
            yield row
        else:
            left.append(LeftOut(row.source, row.intake.case_id, consent_reason(recipient)))


def no_school_reason(row: ExportRow) -> str:
    status = row.recommendation.schulpflicht.status
    why = {
        "not_yet": "noch nicht schulpflichtig",
        "no_longer": "nicht mehr schulpflichtig",
    }.get(status.value, "keine Schulstufe empfohlen")
    if "ZUE_NOT_ASSIGNED" in row.recommendation.flags:
        why = "Familie noch in einer Landesunterkunft, keiner Gemeinde zugewiesen"
    if "KANN_KIND_OPTION" in row.recommendation.flags:
        return (
            f"keine Schulaufnahme empfohlen ({why}); bei einem Antrag auf vorzeitige Einschulung "
            "mit --include-unplaced exportieren"
        )
    return f"keine Schulaufnahme empfohlen ({why}); mit --include-unplaced dennoch exportieren"


def split_by_placement(rows: Iterable[ExportRow]) -> tuple[list[ExportRow], list[LeftOut]]:
    """Rows with a school stage to be placed in, and the ones for whom no school is recommended.

    A school receives data only for pupils it is to admit (data minimisation, Art. 5 Abs. 1 c
    DSGVO): not for a child who is not yet or no longer schulpflichtig, or still in a state
    reception facility.
    """
    kept: list[ExportRow] = []
    left: list[LeftOut] = []
    for row in rows:
        if row.recommendation.stage.value != "none":
            kept.append(row)
        else:
            left.append(LeftOut(row.source, row.intake.case_id, no_school_reason(row)))
    return kept, left
