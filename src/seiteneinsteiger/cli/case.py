"""``seiteneinsteiger case ...``: the case register with placement status and waiting times."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seiteneinsteiger.cli.options import ForceOption, FormatOption, parse_date
from seiteneinsteiger.cli.output import (
    OutputFormat,
    emit_json,
    err,
    for_terminal,
    out,
    problem_json,
    show_problem,
)
from seiteneinsteiger.errors import ExitCode, Problem, UsageError

if TYPE_CHECKING:
    from seiteneinsteiger.store import CaseRecord, CaseStats, CaseSummary

app = typer.Typer(
    name="case",
    help="Fallregister: Fälle speichern, Stand der Schulplatzvergabe führen, Wartezeiten zählen.",
    no_args_is_help=True,
)


class ShowFormat(StrEnum):
    yaml = "yaml"
    json = "json"


CaseIdArgument = Annotated[
    str, typer.Argument(help="Fallnummer, z. B. ME-2025-0142.", show_default=False)
]
DistrictFilter = Annotated[
    str | None,
    typer.Option(
        "--district", help="Nur Fälle dieses Kreises (z. B. kreis-mettmann).", show_default=False
    ),
]


def _de(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _days(days: int | None) -> str:
    return "–" if days is None else str(days)


# ---------------------------------------------------------------------------------------------
# case add


@app.command()
def add(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Intake-Dateien (.yaml, .yml, .json, .jsonl) oder Verzeichnisse.",
            show_default=False,
        ),
    ],
    district: Annotated[
        str | None,
        typer.Option(
            "--district",
            envvar="SEITENEINSTEIGER_DISTRICT",
            help="Kreis für Intakes ohne 'district' (bestimmt auch das Kürzel der Fallnummer).",
            show_default=False,
        ),
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Vorhandene Fälle mit gleicher Fallnummer ersetzen.")
    ] = False,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Intakes prüfen und als Fälle ins Register aufnehmen.

    Ungültige Intakes werden wie bei 'intake validate' gemeldet und nicht gespeichert, die
    übrigen schon. Ohne case_id vergibt das Register eine Fallnummer (z. B. ME-2025-0007).
    Neue Fälle beginnen mit dem Status 'beraten' am Beratungsdatum.
    Exit-Code 0, wenn alle gespeichert wurden, sonst 1.

    Beispiel: seiteneinsteiger case add examples/intakes/amal-haddad.yaml
    """
    from seiteneinsteiger.districts import check_district_option, known_districts
    from seiteneinsteiger.intake_io import load_intakes
    from seiteneinsteiger.store import CaseExistsError, CaseStore, check_district

    known = known_districts()
    if district is not None:
        check_district_option(check_district(district), known)
    stored: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    with CaseStore.open() as store:
        results = list(load_intakes(paths, districts=known))
        if not results:
            err("Keine Intake-Dateien gefunden (.yaml, .yml, .json, .jsonl).")
            raise typer.Exit(ExitCode.INPUT)
        for result in results:
            problems = list(result.problems)
            if result.ok and result.intake is not None:
                try:
                    added = store.add(
                        result.intake, source=result.label, district=district, replace=replace
                    )
                except CaseExistsError as exc:
                    problems.append(
                        Problem(
                            file=result.source,
                            line=result.line,
                            field="case_id",
                            message=f"{exc.message}. {exc.hint}" if exc.hint else exc.message,
                        )
                    )
                else:
                    stored.append(
                        {
                            "case_id": added.case_id,
                            "source": result.source,
                            "line": result.line,
                            "action": "ersetzt" if added.replaced else "angelegt",
                            "status": added.status.value,
                            "warnings": [problem_json(p) for p in problems],
                        }
                    )
            if fmt is OutputFormat.text:
                for problem in problems:
                    show_problem(problem, to_err=True)
            if any(problem.is_error for problem in problems):
                failed.append(
                    {
                        "source": result.source,
                        "line": result.line,
                        "problems": [problem_json(p) for p in problems],
                    }
                )
    if fmt is OutputFormat.json:
        emit_json({"stored": stored, "failed": failed})
    else:
        width = max((len(item["case_id"]) for item in stored), default=0)
        for item in stored:
            label = f"{item['source']}:{item['line']}" if item["line"] else item["source"]
            out(f"{item['case_id']:<{width}}  {item['action']:<8}  {label}")
        _add_summary(len(stored), len(failed))
    if failed:
        raise typer.Exit(ExitCode.INPUT)


def _add_summary(stored: int, failed: int) -> None:
    total = stored + failed
    noun = "Intake" if total == 1 else "Intakes"
    if not failed:
        err(f"{total} {noun} gespeichert.", fg="green")
    else:
        err(f"{total} {noun}: {stored} gespeichert, {failed} nicht gespeichert.", fg="red")


# ---------------------------------------------------------------------------------------------
# case list


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Nur Fälle mit diesem Status (z. B. beraten).", show_default=False
        ),
    ] = None,
    district: DistrictFilter = None,
    fmt: FormatOption = OutputFormat.text,
    with_names: Annotated[
        bool,
        typer.Option("--with-names", help="Namen auch in der JSON-Ausgabe (Text zeigt sie immer)."),
    ] = False,
) -> None:
    """Fälle auflisten: Fallnummer, Beratungsdatum, Status, Wartetage, Kreis, Name.

    Wartetage zählen ab der Beratung bis zum Schulplatz (zugewiesen/aufgenommen) oder bis heute;
    die älteste Beratung steht oben. Die JSON-Ausgabe enthält Namen nur mit --with-names.
    """
    from seiteneinsteiger.store import CaseStore, parse_status

    wanted = parse_status(status) if status is not None else None
    today = dt.date.today()
    with CaseStore.open() as store:
        cases = store.list_cases(status=wanted, district=district, today=today)
    if fmt is OutputFormat.json:
        emit_json(
            {
                "as_of": today.isoformat(),
                "cases": [_case_json(case, with_names=with_names) for case in cases],
            }
        )
        return
    if not cases:
        filtered = status is not None or district is not None
        err("Keine Fälle mit diesen Filtern." if filtered else "Keine Fälle im Register.")
        return
    _case_table(cases)


def _case_json(case: CaseSummary, *, with_names: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "case_id": case.case_id,
        "intake_date": case.intake_date.isoformat(),
        "status": case.status.value,
        "status_label": case.label,
        "waiting_days": case.waiting_days,
        "district": case.district,
    }
    if with_names:
        data["family_name"] = case.family_name
        data["given_names"] = case.given_names
    return data


def _case_table(cases: list[CaseSummary]) -> None:
    header = ("Fall", "Beratung", "Status", "Wartetage", "Kreis", "Name")
    rows = [
        (
            case.case_id,
            _de(case.intake_date),
            case.status.value,
            _days(case.waiting_days),
            case.district or "–",
            for_terminal(f"{case.family_name}, {case.given_names}", one_line=True),
        )
        for case in cases
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        cells = [
            cell.rjust(widths[i]) if i == 3 else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        out("  ".join([*cells, row[-1]]))


# ---------------------------------------------------------------------------------------------
# case show / export


@app.command()
def show(
    ctx: typer.Context,
    case_id: CaseIdArgument,
    fmt: Annotated[
        ShowFormat, typer.Option("--format", "-f", help="Ausgabeformat: yaml oder json.")
    ] = ShowFormat.yaml,
) -> None:
    """Einen Fall zeigen: das gespeicherte Intake (intake@1) und den Statusverlauf.

    Die YAML-Ausgabe ist eine gültige Intake-Datei; der Statusverlauf steht als Kommentar am Ende.
    """
    from seiteneinsteiger.intake_yaml import intake_to_yaml
    from seiteneinsteiger.store import CaseStore

    today = dt.date.today()
    with CaseStore.open() as store:
        record = store.get(case_id, today=today)
    if fmt is ShowFormat.json:
        emit_json(_record_json(record, today))
        return
    typer.echo(intake_to_yaml(record.intake), nl=False)
    out(_history_comment(record))


def _record_json(record: CaseRecord, today: dt.date) -> dict[str, Any]:
    return {
        "case_id": record.case_id,
        "district": record.district,
        "status": record.status.value,
        "status_label": record.history[-1].label,
        "waiting_days": record.waiting_days,
        "as_of": today.isoformat(),
        "source": record.source,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "intake": record.intake.model_dump(mode="json", exclude_unset=True),
        "history": [
            {
                "at": event.at.isoformat(),
                "status": event.status.value,
                "status_label": event.label,
                "note": event.note,
                "recorded_at": event.recorded_at,
            }
            for event in record.history
        ],
    }


def _history_comment(record: CaseRecord) -> str:
    lines = [
        "",
        "# Statusverlauf (nicht Teil des Intakes):",
    ]
    for event in record.history:
        line = f"#   {_de(event.at)}  {event.status.value:<19}  {event.label}"
        if event.note:
            line += "  – " + " ".join(event.note.split())
        lines.append(line)
    lines.append(f"# Wartetage seit der Beratung: {_days(record.waiting_days)}")
    return "\n".join(lines)


@app.command()
def export(
    ctx: typer.Context,
    case_id: CaseIdArgument,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Zieldatei (.yaml oder .yml).", show_default=False),
    ],
    force: Annotated[bool, typer.Option("--force", help="Vorhandene Datei überschreiben.")] = False,
) -> None:
    """Das gespeicherte Intake eines Falls als intake@1-YAML-Datei schreiben (nur für Sie lesbar).

    Die Datei kann an 'recommend' oder 'export' übergeben werden.

    Beispiel: seiteneinsteiger case export ME-2025-0142 -o amal.yaml
    """
    from seiteneinsteiger.fsutil import atomic_write
    from seiteneinsteiger.intake_yaml import intake_to_yaml
    from seiteneinsteiger.store import AuditAction, CaseStore

    if output.suffix.lower() not in {".yaml", ".yml"}:
        raise UsageError(
            f"-o: {output} muss auf .yaml oder .yml enden",
            hint="Das Register schreibt Intakes als YAML (intake@1).",
        )
    with CaseStore.open() as store:
        record = store.get(case_id, audit=None)
        with atomic_write(output, force=force) as handle:
            handle.write(intake_to_yaml(record.intake).encode("utf-8"))
        store.log(case_id, AuditAction.exported)
    err(f"Fall {record.case_id} nach {output} geschrieben.", fg="green")


# ---------------------------------------------------------------------------------------------
# case status / delete


@app.command()
def status(
    ctx: typer.Context,
    case_id: CaseIdArgument,
    new_status: Annotated[
        str,
        typer.Argument(
            metavar="STATUS",
            help="wartet_auf_beratung, beraten, vorgeschlagen, abgelehnt, zugewiesen, "
            "aufgenommen, nicht_erschienen oder verzogen.",
            show_default=False,
        ),
    ],
    note: Annotated[
        str | None,
        typer.Option(
            "--note", help="Kurze Notiz, z. B. Schule oder Ablehnungsgrund.", show_default=False
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Datum der Änderung (Standard: heute), TT.MM.JJJJ oder JJJJ-MM-TT.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Den Stand der Schulplatzvergabe eines Falls ändern.

    Beispiel: seiteneinsteiger case status ME-2025-0142 zugewiesen --date 2025-10-06
    """
    from seiteneinsteiger.store import CaseStore, parse_status

    wanted = parse_status(new_status)
    effective = parse_date(date, "--date") if date is not None else None
    with CaseStore.open() as store:
        change = store.set_status(case_id, wanted, at=effective, note=note)
    out(
        f"{change.case_id}: {change.previous.value} → {change.event.status.value} "
        f"({change.event.label}) am {_de(change.event.at)}"
    )


@app.command()
def delete(
    ctx: typer.Context,
    case_id: CaseIdArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ohne Rückfrage löschen.")] = False,
) -> None:
    """Einen Fall mit Intake und Statusverlauf endgültig löschen.

    Im Protokoll bleibt nur ein Eintrag 'gelöscht' mit Fallnummer und Datum, ohne Inhalt.
    Sicherungskopien des Registers enthalten den Fall weiterhin.
    """
    from seiteneinsteiger.store import CaseStore

    with CaseStore.open() as store:
        store.get(case_id, audit=None)  # an unknown case is reported before asking
        if not yes and not _confirm(f"Fall {case_id} mit Intake und Statusverlauf löschen?"):
            err("Abgebrochen, nichts gelöscht.")
            raise typer.Exit(ExitCode.INPUT)
        store.delete(case_id)
    err(f"Fall {case_id} gelöscht.", fg="green")


def _confirm(question: str) -> bool:
    """Ask yes/no in German: 'j', 'ja', 'y' and 'yes' mean yes; anything else (or EOF) no."""
    try:
        answer = typer.prompt(f"{question} [j/N]", default="", show_default=False, err=True)
    except typer.Abort:
        return False
    return answer.strip().casefold() in {"j", "ja", "y", "yes"}


# ---------------------------------------------------------------------------------------------
# case backup


@app.command()
def backup(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Die Sicherungsdatei, die entsteht.", show_default=False
        ),
    ],
    force: ForceOption = False,
) -> None:
    """Das Fallregister sichern: eine vollständige, in sich stimmige Kopie in einer Datei.

    Auch während der Arbeit sicher (SQLite-Sicherungsfunktion); die Datei ist nur für Sie lesbar.
    Zum Zurückspielen die Sicherung bei geschlossenem Programm als cases.sqlite3 in das
    Datenverzeichnis kopieren. Gelöschte Fälle bleiben in älteren Sicherungen: Sicherungen nach
    der Aufbewahrungsfrist löschen.
    """
    from seiteneinsteiger.store import CaseStore

    with CaseStore.open() as store:
        count = store.backup(output, force=force)
    out(f"Sicherung geschrieben: {output} ({count} Fälle)")


# ---------------------------------------------------------------------------------------------
# case stats


@app.command()
def stats(
    ctx: typer.Context,
    district: DistrictFilter = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Fälle je Status und Wartezeit der Fälle ohne Schulplatz (Median, längste), ohne Namen."""
    from seiteneinsteiger.store import STATUS_LABELS, CaseStore

    with CaseStore.open() as store:
        figures = store.stats(district=district)
    if fmt is OutputFormat.json:
        emit_json(_stats_json(figures))
        return
    scope = f", {district}" if district else ""
    out(f"Fälle im Register: {figures.total} (Stand {_de(figures.as_of)}{scope})")
    code_width = max(len(code.value) for code in figures.by_status)
    label_width = max(len(label) for label in STATUS_LABELS.values())
    for code, count in figures.by_status.items():
        out(f"  {code.value:<{code_width}}  {STATUS_LABELS[code]:<{label_width}}  {count:>5}")
    if figures.median_waiting_days is None:
        out("Ohne Schulplatz nach der Beratung: keine Fälle")
    else:
        out(
            f"Ohne Schulplatz nach der Beratung: {figures.waiting_for_place} Fälle, "
            f"Wartetage Median {_number(figures.median_waiting_days)}, "
            f"längste {figures.max_waiting_days}"
        )


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")


def _stats_json(figures: CaseStats) -> dict[str, Any]:
    return {
        "as_of": figures.as_of.isoformat(),
        "total": figures.total,
        "by_status": {code.value: count for code, count in figures.by_status.items()},
        "waiting_for_place": {
            "count": figures.waiting_for_place,
            "median_days": figures.median_waiting_days,
            "max_days": figures.max_waiting_days,
        },
    }
