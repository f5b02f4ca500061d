"""``seiteneinsteiger schools capacity ...``: the Schulamt's capacity reports in the case register.

A report (a row of a file, or ``set`` after a phone call) replaces the stored rows of the same
school and offer whose classes and validity overlap it; everything else stays
(store/places.py). A file with an error is refused as a whole: nothing of it is stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seiteneinsteiger.cli.options import FormatOption, parse_date
from seiteneinsteiger.cli.output import (
    OutputFormat,
    emit_json,
    err,
    out,
    problem_json,
    show_problem,
)
from seiteneinsteiger.errors import ExitCode, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.errors import Problem
    from seiteneinsteiger.schools.directory import Directory
    from seiteneinsteiger.store import CapacityChange, CaseStore, DirectoryImport

app = typer.Typer(
    name="capacity",
    help="Kapazitätsmeldungen des Schulamts im Fallregister: einlesen, telefonisch ändern, "
    "auflisten.",
    no_args_is_help=True,
)

#: ``schools capacity set``: the option of each column of the capacity table.
OPTIONS = {
    "schulnummer": "SCHULNUMMER",
    "angebot": "--angebot",
    "klasse_von": "--klassen",
    "klasse_bis": "--klassen",
    "gesamt": "--plaetze",
    "belegt": "--belegt",
    "reserviert": "--reserviert",
    "gueltig_von": "--gueltig-ab",
    "gueltig_bis": "--gueltig-bis",
    "gemeldet_von": "--gemeldet-von",
    "gemeldet_am": "--gemeldet-am",
    "bemerkung": "--bemerkung",
}
PHONE = "Schulamt (telefonisch)"
SET = "schools capacity set"


def _register_directory(store: CaseStore) -> tuple[Directory, DirectoryImport]:
    from seiteneinsteiger.placement import no_directory

    loaded = store.directory()
    if loaded is None:
        raise no_directory()
    return loaded


# ---------------------------------------------------------------------------------------------


@app.command("import")
def import_capacity(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Kapazitätstabellen des Schulamts (.csv, .xlsx; Vorlage: schools template).",
            metavar="DATEI",
            show_default=False,
            dir_okay=False,
        ),
    ],
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Kapazitätstabellen des Schulamts ins Fallregister einlesen.

    Jede Zeile ist eine Meldung: Sie ersetzt die gespeicherten Zeilen derselben Schule und
    desselben Angebots, deren Klassen und Gültigkeitszeitraum sich mit ihr überschneiden; alle
    anderen Zeilen bleiben. Reservierungen des Registers gehen auf die neue Zeile über. Jede Datei
    wird ganz oder gar nicht gespeichert: eine Datei mit Fehlern (DATEI:ZEILE: Spalte: Meldung)
    wird abgewiesen, die anderen trotzdem eingelesen.

    Beispiel: seiteneinsteiger schools capacity import examples/capacity/kreis-mettmann.csv
    """
    from seiteneinsteiger.cli.case import open_register
    from seiteneinsteiger.schools import ATTRIBUTION
    from seiteneinsteiger.schools.capacity import read_capacity

    today = dt.date.today()
    results: list[dict[str, Any]] = []
    failed = 0
    with open_register() as store:
        directory, imported = _register_directory(store)
        for path in paths:
            report = read_capacity(path, directory=directory, today=today)
            if fmt is OutputFormat.text:
                for problem in report.problems:
                    show_problem(problem, to_err=True)
            result: dict[str, Any] = {
                "file": str(path),
                "stored": 0,
                "problems": [problem_json(p) for p in report.problems],
            }
            results.append(result)
            if not report.ok or not report.rows:
                failed += 1
                if fmt is OutputFormat.text:
                    why = "enthält Fehler" if not report.ok else "enthält keine Zeilen"
                    err(f"{path}: {why}; nichts gespeichert.", fg="red")
                continue
            change = store.add_capacity(report.rows, source=str(path))
            result.update(_change_json(change))
            if fmt is OutputFormat.text:
                _report_change(str(path), change)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "files": results,
                "failed": failed,
                "attribution": ATTRIBUTION,
                "directory": imported.credit(),
            }
        )
    else:
        out(imported.credit())
    if failed:
        raise typer.Exit(ExitCode.INPUT)


def _change_json(change: CapacityChange) -> dict[str, Any]:
    return {
        "stored": len(change.added),
        "replaced": change.replaced,
        "reservations_moved": change.moved,
        "reservations_without_row": [
            {"case_id": case_id, "schulnummer": number} for case_id, number in change.stranded
        ],
        "overbooked": [row.to_json_dict() for row in change.overbooked],
    }


def _report_change(label: str, change: CapacityChange) -> None:
    stored = len(change.added)
    text = f"{label}: {stored} {'Zeile' if stored == 1 else 'Zeilen'} gespeichert"
    if change.replaced:
        text += f", {change.replaced} ältere Meldung{'en' if change.replaced != 1 else ''} ersetzt"
    if change.moved:
        moved = len(change.moved)
        text += f"; {moved} Reservierung{'en' if moved != 1 else ''} übernommen"
    out(text + ".")
    for case_id, number in change.stranded:
        err(
            f"Warnung: Fall {case_id}: die neue Meldung für Schule {number} umfasst die Klasse "
            "des reservierten Platzes nicht; der Platz zählt bis zu einer passenden Meldung "
            "nirgends. Bitte mit dem Schulamt klären.",
            fg="yellow",
        )
    for row in change.overbooked:
        err(
            f"Warnung: Schule {row.schulnummer}, {row.offer.value} {row.grades_text()}: mehr "
            f"vergeben als vorhanden ({row.counts_text()}). Bitte mit dem Schulamt klären.",
            fg="yellow",
        )


# ---------------------------------------------------------------------------------------------


_GRADES = re.compile(r"^\s*(\d{1,2})\s*(?:[-–]\s*(\d{1,2}))?\s*$")


def parse_grades(text: str | None) -> tuple[int | None, int | None]:
    """``--klassen 5-7`` (or ``7``, or ``alle``/empty for every class)."""
    if text is None or text.strip().casefold() in {"", "alle"}:
        return None, None
    match = _GRADES.match(text)
    if match is None:
        raise UsageError(
            f"--klassen: '{text}' ist keine Klassenangabe",
            hint="Klassen als VON-BIS angeben, z. B. --klassen 5-7 (oder eine Klasse: 7; "
            "alle Klassen: alle).",
        )
    low = int(match.group(1))
    return low, int(match.group(2) or low)


@app.command("set")
def set_capacity(
    ctx: typer.Context,
    schulnummer: Annotated[
        str, typer.Argument(help="Schulnummer (6 Ziffern).", metavar="SCHULNUMMER")
    ],
    angebot: Annotated[
        str,
        typer.Option(
            "--angebot",
            help="regelklasse_erstfoerderung, erstfoerderungsgruppe, erstalphabetisierung oder "
            "ifk.",
            show_default=False,
        ),
    ],
    plaetze: Annotated[int, typer.Option("--plaetze", help="Plätze gesamt.", show_default=False)],
    klassen: Annotated[
        str | None,
        typer.Option("--klassen", help="Klassen VON-BIS, z. B. 5-7 (ohne: alle Klassen)."),
    ] = None,
    belegt: Annotated[int, typer.Option("--belegt", help="Davon belegt.")] = 0,
    reserviert: Annotated[
        int,
        typer.Option(
            "--reserviert",
            help="Vom Schulamt für Kinder außerhalb des Fallregisters zurückgehalten.",
        ),
    ] = 0,
    gueltig_ab: Annotated[
        str | None,
        typer.Option(
            "--gueltig-ab", help="Gültig ab (Standard: heute), TT.MM.JJJJ.", metavar="DATUM"
        ),
    ] = None,
    gueltig_bis: Annotated[
        str | None,
        typer.Option(
            "--gueltig-bis", help="Gültig bis (ohne: bis zur nächsten Meldung).", metavar="DATUM"
        ),
    ] = None,
    gemeldet_von: Annotated[
        str, typer.Option("--gemeldet-von", help="Wer die Zahlen genannt hat.")
    ] = PHONE,
    gemeldet_am: Annotated[
        str | None,
        typer.Option("--gemeldet-am", help="Wann (Standard: heute), TT.MM.JJJJ.", metavar="DATUM"),
    ] = None,
    bemerkung: Annotated[
        str | None, typer.Option("--bemerkung", help="Kurze Bemerkung.", show_default=False)
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Eine Kapazitätsmeldung eintragen, etwa nach einem Anruf beim Schulamt.

    Geprüft wie eine Zeile der Kapazitätstabelle (Schule im Verzeichnis und in Betrieb, keine
    negativen Plätze, belegt und reserviert nicht mehr als gesamt). Ersetzt die gespeicherten
    Zeilen derselben Schule und desselben Angebots, deren Klassen und Gültigkeit sich
    überschneiden.

    Beispiel: seiteneinsteiger schools capacity set 189601 --angebot erstalphabetisierung
    --klassen 5-7 --plaetze 12 --belegt 10
    """
    from seiteneinsteiger.cli.case import open_register
    from seiteneinsteiger.schools.capacity import check_capacity_entry

    today = dt.date.today()
    low, high = parse_grades(klassen)
    values: dict[str, Any] = {
        "schulnummer": schulnummer,
        "angebot": angebot,
        "klasse_von": low,
        "klasse_bis": high,
        "gesamt": plaetze,
        "belegt": belegt,
        "reserviert": reserviert,
        "gueltig_von": parse_date(gueltig_ab, "--gueltig-ab") if gueltig_ab else today,
        "gueltig_bis": parse_date(gueltig_bis, "--gueltig-bis") if gueltig_bis else None,
        "gemeldet_von": gemeldet_von,
        "gemeldet_am": parse_date(gemeldet_am, "--gemeldet-am") if gemeldet_am else today,
        "bemerkung": bemerkung,
    }
    with open_register() as store:
        directory, imported = _register_directory(store)
        report = check_capacity_entry(values, SET, directory=directory, today=today)
        for problem in report.problems:
            _show_option_problem(problem)
        if not report.ok:
            raise typer.Exit(ExitCode.INPUT)
        where = f"{SET} am {today:%d.%m.%Y}"  # where proposals cite the report from
        rows = [dataclasses.replace(row, where=where) for row in report.rows]
        change = store.add_capacity(rows, source=SET)
    [row] = change.added
    if fmt is OutputFormat.json:
        data = {"row": row.to_json_dict(), **_change_json(change)}
        emit_json(data | {"directory": imported.credit()})
        return
    school = directory.get(row.schulnummer)
    label = f"{school.label} ({row.schulnummer})" if school else row.schulnummer
    out(
        f"Gespeichert: {label}, {row.offer.value} {row.grades_text()}: {row.counts_text()}, "
        f"{row.free} frei; {row.period_text()}."
    )
    if change.replaced or change.moved or change.overbooked:
        _report_change("Meldung", change)


def _show_option_problem(problem: Problem) -> None:
    from seiteneinsteiger.schools.capacity import COLUMN_KEYS

    option = OPTIONS.get(COLUMN_KEYS.get(problem.field or "", ""), problem.field or "")
    prefix = "Fehler" if problem.is_error else "Warnung"
    err(f"{prefix}: {option}: {problem.message}", fg="red" if problem.is_error else "yellow")


# ---------------------------------------------------------------------------------------------


@app.command("list")
def list_capacity(
    ctx: typer.Context,
    district: Annotated[
        str | None,
        typer.Option("--district", help="Nur Schulen dieses Kreises, z. B. kreis-unna."),
    ] = None,
    school: Annotated[
        str | None, typer.Option("--school", help="Nur diese Schule (Schulnummer).")
    ] = None,
    day: Annotated[
        str | None,
        typer.Option("--date", help="Nur Meldungen, die an diesem Tag gelten (TT.MM.JJJJ)."),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Die gültigen Kapazitätsmeldungen im Fallregister, mit freien Plätzen.

    Frei = gesamt − belegt − reserviert (gemeldet) − im Fallregister vorgemerkt (vorgeschlagene
    Kinder und bestätigte Aufnahmen, die noch in keiner Meldung stehen).

    Beispiel: seiteneinsteiger schools capacity list --district kreis-mettmann
    """
    from seiteneinsteiger.cli.case import open_register
    from seiteneinsteiger.cli.schools_text import capacity_table
    from seiteneinsteiger.schools import ATTRIBUTION
    from seiteneinsteiger.schools.districts import builtin_districts
    from seiteneinsteiger.schools.search import find_district

    on = parse_date(day, "--date") if day is not None else None
    area = find_district(district, builtin_districts()) if district is not None else None
    with open_register() as store:
        directory, imported = _register_directory(store)
        rows = store.capacity(day=on, schulnummer=school.strip() if school else None)
    labels = {s.schulnummer: s for s in directory}
    if area is not None:
        inside = {number for number, s in labels.items() if area.contains(s.gemeindeschluessel)}
        rows = [row for row in rows if row.schulnummer in inside]
    if fmt is OutputFormat.json:
        emit_json(
            {
                "rows": [
                    row.to_json_dict() | {"school": _label(labels, row.schulnummer)} for row in rows
                ],
                "count": len(rows),
                "free": sum(row.free for row in rows),
                "attribution": ATTRIBUTION,
                "directory": imported.credit(),
            }
        )
        return
    if not rows:
        err("Keine Kapazitätsmeldungen mit diesen Filtern im Fallregister.")
    else:
        out(capacity_table(rows, labels))
        out(f"{len(rows)} Meldungen, {sum(row.free for row in rows)} Plätze frei.")
    out(imported.credit())


def _label(schools: dict[str, Any], schulnummer: str) -> str | None:
    school = schools.get(schulnummer)
    return None if school is None else str(school.label)
