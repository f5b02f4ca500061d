"""The German text output of ``schools ...``: check summaries, school lists, proposals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from seiteneinsteiger.codes import SCHOOL_FORM_LABELS
from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.directory import School
from seiteneinsteiger.schools.geo import PRECISION_LABELS, format_km
from seiteneinsteiger.schools.propose import Hint, Proposal, ProposalResult, Reason
from seiteneinsteiger.schools.schulformen import SCHULFORMEN

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.schools.capacity import CapacityRow
    from seiteneinsteiger.store import DirectoryImport

_WIDTH = 20


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _counted(errors: int, warnings: int) -> str:
    parts = [f"{errors} Fehler"]
    if warnings:
        parts.append(f"{warnings} Warnung{'en' if warnings != 1 else ''}")
    return ", ".join(parts)


def check_summary(report: dict[str, Any]) -> str:
    """One line per checked file."""
    counted = _counted(report["errors"], report["warnings"])
    if report["kind"] == "directory":
        skipped = ", ".join(
            f"{count} {SCHULFORMEN[key].label} ({key})" for key, count in report["skipped"].items()
        )
        return (
            f"{report['file']}: Schulverzeichnis, {_number(report['rows'])} Zeilen: "
            f"{_number(report['schools'])} Schulen übernommen"
            + (f"; keine Schulen: {skipped}" if skipped else "")
            + f"; {counted}."
        )
    rows = report["rows"]
    noun = "Zeile" if rows == 1 else "Zeilen"
    return f"{report['file']}: Kapazitätstabelle, {rows} {noun} übernommen; {counted}."


def import_summary(done: DirectoryImport, skipped: Counter[str]) -> str:
    """What ``schools import`` stored."""
    left = ", ".join(
        f"{count} {SCHULFORMEN[key].label} ({key})"
        for key, count in sorted(skipped.items())
        if key != "0A"
    )
    lines = [
        f"Schulverzeichnis eingelesen: {done.source} ({_number(done.rows)} Zeilen): "
        f"{_number(done.schools)} Schulen, {_number(done.authorities)} Schulverwaltungen"
        + (f"; keine Schulen: {left}" if left else "")
        + f"; {done.left_out} Zeilen mit Fehlern ausgelassen.",
        "Das bisherige Schulverzeichnis im Fallregister ist ersetzt.",
    ]
    if done.unlisted:
        lines.append(
            f"{_number(done.unlisted)} Schulen früherer Verzeichnisse bleiben im Register, "
            "weil Kapazitätsmeldungen sie nennen; vorgeschlagen werden sie nicht mehr."
        )
    return "\n".join(lines)


def school_table(schools: Sequence[School]) -> str:
    rows = [("Schulnummer", "Schulform", "Schule", "Rechtsform", "Betrieb")]
    for school in schools:
        rows.append(
            (
                school.schulnummer,
                school.schulform.label,
                school.label,
                school.rechtsform,
                "in Betrieb" if school.in_operation else f"Schlüssel {school.betrieb_key}",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(value.ljust(widths[i]) if i < 4 else value for i, value in enumerate(row))
        for row in rows
    )


def _row(label: str, value: str | None) -> str:
    return f"{label + ':':<{_WIDTH}}{value or '–'}"


def school_details(school: School, *, credit: str = f"Schuldaten: {ATTRIBUTION}") -> str:
    schulform = school.schulform
    codes = ", ".join(
        SCHOOL_FORM_LABELS[code.value] + (f" (Klassen {grades[0]}–{grades[1]})" if grades else "")
        for code, grades in schulform.serves
    )
    coordinates = (
        f"{school.easting} / {school.northing} (UTM Zone 32, EPSG:25832)"
        if school.easting is not None
        else None
    )
    lines = [
        f"{school.name} ({school.schulnummer})",
        "",
        _row("Kurzbezeichnung", school.short_name),
        _row("Schulform", f"{schulform.label} (Schlüssel {school.form_key})"),
        _row("Für Empfehlung", codes or "keine Schulform der Empfehlung"),
        _row("Vorschlag", schulform.never_proposed or "ja, bei freiem Platz"),
        _row("Adresse", school.address),
        _row("Gemeindeschlüssel", school.gemeindeschluessel),
        _row("Rechtsform", school.rechtsform),
        _row("Betrieb", school.operation_text()),
        _row("Koordinaten", coordinates),
        _row("Telefon", school.phone),
        _row("E-Mail", school.email),
        _row("Internet", school.homepage),
        "",
        credit,
    ]
    return "\n".join(lines)


def _reason(reason: Reason) -> str:
    return f"     - {reason.text}" + (f"  [{reason.source}]" if reason.source else "")


def _hint(hint: Hint, indent: str = "     ") -> str:
    return f"{indent}! {hint.text} ({hint.code})" + (f"  [{hint.source}]" if hint.source else "")


def _proposal(proposal: Proposal) -> list[str]:
    school = proposal.school
    far = (
        format_km(proposal.distance.metres)
        if proposal.distance.metres is not None
        else "Entfernung unbekannt"
    )
    head = (
        f"  {proposal.rank}. {school.label} ({school.schulnummer}) – "
        f"{SCHOOL_FORM_LABELS[proposal.school_form.value]}, {school.rechtsform}, {far}, "
        f"{proposal.capacity.free} frei"
    )
    return [
        head,
        f"     {school.address}",
        *(_reason(reason) for reason in proposal.reasons),
        *(_hint(hint) for hint in proposal.hints),
    ]


def proposal_text(result: ProposalResult, *, top: int, show_excluded: bool) -> str:
    need = result.need
    head = " · ".join(part for part in (result.case_id, result.source) if part)
    forms = ", ".join(SCHOOL_FORM_LABELS[form.value] for form in need.school_forms) or "–"
    lines = [
        head,
        f"{result.district.title} · Stichtag {result.day:%d.%m.%Y} · Wohnort: "
        f"{PRECISION_LABELS[result.origin]}",
        f"Gesucht: {forms} · {need.grades_text()} · {need.offers_text()}",
        "",
    ]
    if result.hints:
        lines += ["Bitte prüfen:", *(_hint(hint, "  ") for hint in result.hints), ""]
    shown = result.proposals if top == 0 else result.proposals[:top]
    if shown:
        count = len(result.proposals)
        lines.append(
            f"Vorschläge ({count}{'' if len(shown) == count else f', davon {len(shown)} gezeigt'}):"
        )
        for proposal in shown:
            lines += _proposal(proposal)
    if result.summary:
        lines.append(f"Kein Vorschlag. {result.summary}")
    if result.alternatives:
        lines.append("Beim Schulamt nachfragen (nächste passende Schulen ohne freien Platz):")
        for item in result.alternatives:
            far = format_km(item.distance.metres) if item.distance.metres is not None else "?"
            extra = (
                f"; {item.other_free} freie Plätze in anderen Erstförderangeboten"
                if item.other_free
                else ""
            )
            lines.append(
                f"  - {item.school.label} ({item.school.schulnummer}), {far}: "
                f"{item.reason.text}{extra}"
            )
    if result.excluded:
        lines.append(
            f"Nicht vorgeschlagen: {len(result.excluded)} Schulen der gesuchten Schulformen"
            + (":" if show_excluded else " (Gründe mit --why-not)")
        )
    if show_excluded:
        for item in result.excluded:
            lines.append(f"  - {item.school.label} ({item.school.schulnummer}): {item.reason.text}")
    if result.other_forms:
        counted = ", ".join(f"{other.schulform} {other.schools}" for other in result.other_forms)
        lines.append(f"Andere Schulformen im Gebiet ({result.district.title}): {counted}")
        if show_excluded:
            for other in result.other_forms:
                lines.append(f"  - {other.schulform}: {other.reason.text}")
    return "\n".join(lines)


def capacity_table(rows: Sequence[CapacityRow], schools: dict[str, School]) -> str:
    """``schools capacity list``: one line per report, the free places last but one."""
    header = (
        "Schulnummer",
        "Schule",
        "Angebot",
        "Klassen",
        "gesamt",
        "belegt",
        "reserviert",
        "Register",
        "frei",
        "gültig",
        "gemeldet am",
    )
    lines = [header]
    for row in rows:
        school = schools.get(row.schulnummer)
        grades = (
            "alle"
            if row.grade_from is None or row.grade_to is None
            else f"{row.grade_from}–{row.grade_to}"
        )
        until = f"{row.valid_until:%d.%m.%Y}" if row.valid_until else "offen"
        lines.append(
            (
                row.schulnummer,
                school.label if school else "(nicht im Verzeichnis)",
                row.offer.value,
                grades,
                str(row.total),
                str(row.taken),
                str(row.reserved),
                str(row.held),
                str(row.free),
                f"{row.valid_from:%d.%m.%Y}–{until}",
                f"{row.reported_on:%d.%m.%Y}",
            )
        )
    numeric = {4, 5, 6, 7, 8}
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ).rstrip()
        for line in lines
    )
