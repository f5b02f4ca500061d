"""``seiteneinsteiger case ...``: the case register with placement status and waiting times."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seiteneinsteiger.cli.options import (
    DistrictsOption,
    ForceOption,
    FormatOption,
    PrivateOption,
    RulesOption,
    TopOption,
    WhyNotOption,
    parse_date,
)
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
    from seiteneinsteiger.intake_io import LoadedIntake
    from seiteneinsteiger.schools.districts import SchoolDistrict
    from seiteneinsteiger.store import (
        CaseRecord,
        CaseStats,
        CaseStore,
        CaseSummary,
        ScrubOutcome,
        StatusChange,
    )

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


def open_register() -> CaseStore:
    """The configured register, with a note when opening changed something the user should know."""
    from seiteneinsteiger.store import HEAD_REVISION, CaseStore

    store = CaseStore.open()
    if store.migrated_from is not None:
        before = "" if store.location.path is None else " (vorher eine Sicherung daneben)"
        err(
            f"Hinweis: Fallregister auf Schema {HEAD_REVISION} aktualisiert{before}.",
            fg="yellow",
        )
    if store.scrub_pending:
        err(
            "Hinweis: Gelöschte Fälle sind noch nicht überschrieben, weil ein anderes Programm "
            "das Register offen hat; das geschieht beim nächsten Öffnen.",
            fg="yellow",
        )
    return store


def _config_int(key: str, option: str, default: int, *, minimum: int) -> int:
    """A whole number from config.yaml (``key``), else ``default``."""
    from seiteneinsteiger.config import config_file, config_value

    value = config_value(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise UsageError(
            f"{config_file()}: {key}: ganze Zahl ab {minimum} erwartet, nicht '{value}'",
            hint=f"Oder auf der Kommandozeile {option} angeben.",
        )
    return value


def _scrub_failed(what: str, outcome: ScrubOutcome) -> None:
    """Deleted from the register, but not yet off the disk: say so, exit 1."""
    err(
        f"Fehler: {what} aus dem Register gelöscht, aber noch nicht überschrieben: "
        f"{outcome.reason}.",
        fg="red",
    )
    err(
        "Hinweis: Das andere Programm schließen; seiteneinsteiger überschreibt den Rest beim "
        "nächsten Öffnen des Registers von selbst (auch mit 'seiteneinsteiger case list')."
    )
    raise typer.Exit(ExitCode.INPUT)


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
    write_back: Annotated[
        bool,
        typer.Option(
            "--write-back/--no-write-back",
            help="Eine vergebene Fallnummer in die Intake-Datei eintragen (Standard).",
        ),
    ] = True,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Intakes prüfen und als Fälle ins Register aufnehmen.

    Ungültige Intakes werden wie bei 'intake validate' gemeldet und nicht gespeichert, die
    übrigen schon. Ohne case_id vergibt das Register eine Fallnummer (z. B. ME-2025-0007) und
    trägt sie als Zeile 'case_id: …' in die Datei ein (Kommentare bleiben; in .jsonl-Dateien nur
    die Zeilen der neuen Fälle). Neue Fälle beginnen mit dem Status 'beraten' am Beratungsdatum.
    Exit-Code 0, wenn alle gespeichert wurden, sonst 1.

    Beispiel: seiteneinsteiger case add examples/intakes/amal-haddad.yaml
    """
    from seiteneinsteiger.districts import check_district_option, known_districts
    from seiteneinsteiger.intake_io import load_intakes

    known = known_districts()
    if district is not None:
        from seiteneinsteiger.store.ids import check_district

        check_district_option(check_district(district), known)
    results = list(load_intakes(paths, districts=known))
    if not results:
        err("Keine Intake-Dateien gefunden (.yaml, .yml, .json, .jsonl).")
        raise typer.Exit(ExitCode.INPUT)
    stored: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    assigned: dict[str, dict[int | None, str]] = {}
    with open_register() as store:
        for result in results:
            item, problems = _add_one(store, result, district, replace)
            if item is not None:
                stored.append(item)
                if item.pop("assigned") and write_back:
                    assigned.setdefault(result.source, {})[result.line] = item["case_id"]
            _report(result, problems, failed, fmt)
    updated = _write_back(assigned, stored, fmt)
    if fmt is OutputFormat.json:
        emit_json({"stored": stored, "failed": failed})
    else:
        width = max((len(item["case_id"]) for item in stored), default=0)
        for item in stored:
            label = f"{item['source']}:{item['line']}" if item["line"] else item["source"]
            out(f"{item['case_id']:<{width}}  {item['action']:<8}  {label}")
        _add_summary(len(stored), len(failed))
        if updated:
            noun = "Datei" if updated == 1 else "Dateien"
            err(f"Fallnummer in {updated} {noun} eingetragen.")
    if failed:
        raise typer.Exit(ExitCode.INPUT)


def _add_one(
    store: CaseStore, result: LoadedIntake, district: str | None, replace: bool
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Store one loaded intake; the stored item (or None) and the problems to report."""
    from seiteneinsteiger.store import CaseExistsError

    problems = list(result.problems)
    if not result.ok or result.intake is None:
        return None, problems
    try:
        added = store.add(result.intake, source=result.label, district=district, replace=replace)
    except CaseExistsError as exc:
        message = f"{exc.message}. {exc.hint}" if exc.hint else exc.message
        problems.append(
            Problem(file=result.source, line=result.line, field="case_id", message=message)
        )
        return None, problems
    if added.scrub is not None and not added.scrub.complete:
        problems.append(
            Problem(
                file=result.source,
                line=result.line,
                severity="warning",
                message="die alte Fassung ist noch nicht überschrieben: "
                f"{added.scrub.reason}; das geschieht beim nächsten Öffnen des Registers",
            )
        )
    item = {
        "case_id": added.case_id,
        "source": result.source,
        "line": result.line,
        "action": "ersetzt" if added.replaced else "angelegt",
        "status": added.status.value,
        "assigned": added.assigned,
        "file_updated": False,
        "warnings": [problem_json(p) for p in problems],
    }
    return item, problems


def _report(
    result: LoadedIntake, problems: list[Problem], failed: list[dict[str, Any]], fmt: OutputFormat
) -> None:
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


def _write_back(
    assigned: dict[str, dict[int | None, str]], stored: list[dict[str, Any]], fmt: OutputFormat
) -> int:
    """Enter assigned case ids into their files; a file that cannot take them gets a warning."""
    from seiteneinsteiger.intake_case_id import WriteBackError, write_case_ids

    updated = 0
    for source, ids in assigned.items():
        items = [item for item in stored if item["source"] == source and item["line"] in ids]
        try:
            write_case_ids(Path(source), ids)
        except WriteBackError as exc:
            for number, case_id in ids.items():
                problem = Problem(
                    file=source,
                    line=number,
                    field="case_id",
                    severity="warning",
                    message=f"Fall {case_id} ist gespeichert, aber die Fallnummer konnte nicht in "
                    f"die Datei eingetragen werden ({exc.message}). Bitte 'case_id: {case_id}' "
                    "von Hand eintragen.",
                )
                if fmt is OutputFormat.text:
                    show_problem(problem, to_err=True)
                for item in items:
                    if item["line"] == number:
                        item["warnings"].append(problem_json(problem))
            continue
        updated += 1
        for item in items:
            item["file_updated"] = True
    return updated


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
    die älteste Beratung steht oben. Die JSON-Ausgabe enthält Namen nur mit --with-names. Das
    Protokoll vermerkt jede Liste mit Namen (Anzahl, nie Inhalte).
    """
    from seiteneinsteiger.store.status import parse_status

    wanted = parse_status(status) if status is not None else None
    today = dt.date.today()
    names = with_names or fmt is OutputFormat.text
    with open_register() as store:
        cases = store.list_cases(status=wanted, district=district, today=today, names=names)
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
        "school_number": case.school_number,
        "school_name": case.school_name,
    }
    if with_names:
        data["family_name"] = case.family_name
        data["given_names"] = case.given_names
    return data


def _case_table(cases: list[CaseSummary]) -> None:
    header = ("Fall", "Beratung", "Status", "Wartetage", "Kreis", "Schule", "Name")
    rows = [
        (
            case.case_id,
            _de(case.intake_date),
            case.status.value,
            _days(case.waiting_days),
            case.district or "–",
            _school_cell(case),
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


def _school_cell(case: CaseSummary) -> str:
    if case.school_number is None:
        return "–"
    if case.school_name is None:
        return case.school_number
    return for_terminal(f"{case.school_name} ({case.school_number})", one_line=True)


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
    from seiteneinsteiger.cli.case_text import reservation_json
    from seiteneinsteiger.intake_yaml import intake_to_yaml

    today = dt.date.today()
    with open_register() as store:
        record = store.get(case_id, today=today)
        held = store.reservations(case_id)
        labels = store.school_labels(e.school_number for e in record.history if e.school_number)
    if fmt is ShowFormat.json:
        data = _record_json(record, today)
        data["reservations"] = [reservation_json(reservation) for reservation in held]
        emit_json(data)
        return
    typer.echo(intake_to_yaml(record.intake), nl=False)
    out(_history_comment(record, labels))


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
                "school_number": event.school_number,
                "recorded_at": event.recorded_at,
                "recorded_by": event.actor,
            }
            for event in record.history
        ],
    }


def _history_comment(record: CaseRecord, labels: dict[str, str]) -> str:
    lines = [
        "",
        "# Statusverlauf (nicht Teil des Intakes):",
    ]
    for event in record.history:
        line = f"#   {_de(event.at)}  {event.status.value:<19}  {event.label}"
        if event.school_number:
            name = labels.get(event.school_number)
            school = f"{name}, {event.school_number}" if name else event.school_number
            line += for_terminal(f"  (Schule {school})", one_line=True)
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
    from seiteneinsteiger.store import AuditAction

    if output.suffix.lower() not in {".yaml", ".yml"}:
        raise UsageError(
            f"-o: {output} muss auf .yaml oder .yml enden",
            hint="Das Register schreibt Intakes als YAML (intake@1).",
        )
    with open_register() as store:
        record = store.get(case_id, audit=None)
        with atomic_write(output, force=force) as handle:
            handle.write(intake_to_yaml(record.intake).encode("utf-8"))
        store.log(case_id, AuditAction.exported)
    err(f"Fall {record.case_id} nach {output} geschrieben.", fg="green")


# ---------------------------------------------------------------------------------------------
# case propose


@app.command()
def propose(
    ctx: typer.Context,
    case_id: CaseIdArgument,
    choose: Annotated[
        str | None,
        typer.Option(
            "--choose",
            metavar="SCHULNUMMER",
            help="Diese Schule vorschlagen: einen Platz dort reservieren und den Status "
            "'vorgeschlagen' eintragen.",
            show_default=False,
        ),
    ] = None,
    top: TopOption = 5,
    show_excluded: WhyNotOption = False,
    private: PrivateOption = False,
    note: Annotated[
        str | None,
        typer.Option("--note", help="Notiz zum Vorschlag (mit --choose).", show_default=False),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Stichtag der freien Plätze und Datum des Vorschlags (Standard: heute).",
            show_default=False,
        ),
    ] = None,
    rules: RulesOption = None,
    districts: DistrictsOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Schulen mit freiem Platz für einen Fall vorschlagen, mit Begründung; mit --choose einen
    Platz reservieren.

    Schulform, Klasse und Förderung kommen aus der Empfehlung für das gespeicherte Intake, die
    Schulen aus dem eingelesenen Schulverzeichnis (schools import), die freien Plätze aus den
    Kapazitätsmeldungen im Register (schools capacity) abzüglich der Plätze, die das Register
    für andere Fälle reserviert hat. --choose SCHULNUMMER reserviert den Platz und trägt
    'vorgeschlagen' mit der Schule ein; die freien Plätze werden dabei noch einmal gezählt: den
    letzten Platz bekommt nur ein Fall.

    Beispiel: seiteneinsteiger case propose ME-2025-0142 --choose 189601
    """
    from seiteneinsteiger.cli.case_text import propose_footer
    from seiteneinsteiger.cli.schools_text import proposal_text
    from seiteneinsteiger.placement import choose as choose_school
    from seiteneinsteiger.placement import search_case
    from seiteneinsteiger.schools.propose import ProposalOptions
    from seiteneinsteiger.store.status import check_school_number

    chosen = check_school_number(choose, "--choose") if choose is not None else None
    day = parse_date(date, "--date") if date is not None else dt.date.today()
    with open_register() as store:
        search = search_case(
            store,
            case_id,
            day=day,
            rules_dir=rules,
            districts=_school_districts(districts),
            options=ProposalOptions(prefer_private=private),
        )
        change = None
        if chosen is not None:
            change = choose_school(store, search, chosen, day=day, note=note)
            labels = _labels(store, change)
        elif search.holding is not None:
            labels = store.school_labels([search.holding.schulnummer])
        else:
            labels = {}
    credit = search.directory_import.credit()
    if fmt is OutputFormat.json:
        emit_json(_propose_json(search, change, top, credit))
        return
    if change is not None:
        _report_change(change, labels)
        out(credit)
        return
    out(proposal_text(search.result, top=top, show_excluded=show_excluded))
    for line in propose_footer(search, labels):
        out(line)
    out()
    out(credit)


def _propose_json(
    search: Any, change: StatusChange | None, top: int, credit: str
) -> dict[str, Any]:
    from seiteneinsteiger.cli.case_text import change_json, reservation_json

    data: dict[str, Any] = search.result.to_json_dict(limit=top or None)
    data["holding"] = reservation_json(search.holding) if search.holding else None
    data["directory"] = credit
    if change is not None:
        data["chosen"] = change_json(change)
    return data


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
            help="wartet_auf_beratung, beraten, vorgeschlagen, an_schulamt_gemeldet, abgelehnt, "
            "zugewiesen, aufgenommen, nicht_erschienen, verzogen oder zurueckgezogen.",
            show_default=False,
        ),
    ],
    note: Annotated[
        str | None,
        typer.Option("--note", help="Kurze Notiz, z. B. Ablehnungsgrund.", show_default=False),
    ] = None,
    school: Annotated[
        str | None,
        typer.Option(
            "--school",
            help="Schulnummer der Schule (6 Ziffern, NRW-Schuldatei), um die es geht.",
            show_default=False,
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

    Jede Änderung wird mit Datum, Zeitpunkt und Benutzerkonto im Statusverlauf geführt.
    vorgeschlagen --school reserviert einen Platz an der Schule (wie case propose --choose);
    aufgenommen macht ihn zum belegten Platz; abgelehnt, zurueckgezogen, verzogen und
    nicht_erschienen geben ihn frei. zugewiesen, aufgenommen und abgelehnt brauchen eine Schule
    (--school, sonst die des Vorschlags).

    Beispiel: seiteneinsteiger case status ME-2025-0142 zugewiesen --date 06.10.2025
    """
    from seiteneinsteiger.store import PlacementStatus
    from seiteneinsteiger.store.status import check_school_number, parse_status

    wanted = parse_status(new_status)
    effective = parse_date(date, "--date") if date is not None else None
    school_number = check_school_number(school) if school is not None else None
    with open_register() as store:
        if wanted is PlacementStatus.vorgeschlagen and school_number is not None:
            change = _choose(store, case_id, school_number, effective, note)
        else:
            change = store.set_status(
                case_id, wanted, at=effective, note=note, school_number=school_number
            )
        labels = _labels(store, change)
    _report_change(change, labels)


def _report_change(change: StatusChange, labels: dict[str, str]) -> None:
    from seiteneinsteiger.cli.case_text import change_lines

    for line in change_lines(change, labels):
        out(line)
    for note in change.notes:
        err(f"Hinweis: {note}", fg="yellow")


def _labels(store: CaseStore, change: StatusChange) -> dict[str, str]:
    numbers = {change.event.school_number}
    numbers |= {r.schulnummer for r in (change.reserved, change.released, change.confirmed) if r}
    return store.school_labels(n for n in numbers if n)


def _choose(
    store: CaseStore,
    case_id: str,
    schulnummer: str,
    day: dt.date | None,
    note: str | None,
    *,
    rules: Path | None = None,
    districts: Path | None = None,
    private: bool = False,
) -> StatusChange:
    """Propose a school the ranking lists for the case: its place is reserved."""
    from seiteneinsteiger.placement import choose, search_case
    from seiteneinsteiger.schools.propose import ProposalOptions

    on = day or dt.date.today()
    search = search_case(
        store,
        case_id,
        day=on,
        rules_dir=rules,
        districts=_school_districts(districts),
        options=ProposalOptions(prefer_private=private),
    )
    return choose(store, search, schulnummer, day=on, note=note)


def _school_districts(path: Path | None) -> dict[str, SchoolDistrict] | None:
    if path is None:
        return None
    from seiteneinsteiger.schools.districts import builtin_districts, load_districts

    return load_districts(path, base=builtin_districts())


@app.command()
def delete(
    ctx: typer.Context,
    case_id: CaseIdArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ohne Rückfrage löschen.")] = False,
) -> None:
    """Einen Fall mit Intake und Statusverlauf endgültig löschen.

    Der Inhalt wird auch auf der Festplatte überschrieben; hält ein anderes Programm das
    Register offen, sagt der Befehl das (Exit-Code 1) und das Überschreiben folgt beim nächsten
    Öffnen. Im Protokoll bleibt nur ein Eintrag 'gelöscht' mit Fallnummer und Datum, ohne
    Inhalt. Sicherungskopien des Registers enthalten den Fall weiterhin.
    """
    with open_register() as store:
        store.get(case_id, audit=None)  # an unknown case is reported before asking
        if not yes and not _confirm(f"Fall {case_id} mit Intake und Statusverlauf löschen?"):
            err("Abgebrochen, nichts gelöscht.")
            raise typer.Exit(ExitCode.INPUT)
        deleted = store.delete(case_id)
    if not deleted.scrub.complete:
        _scrub_failed(f"Fall {case_id} ist", deleted.scrub)
    err(f"Fall {case_id} gelöscht.", fg="green")


# ---------------------------------------------------------------------------------------------
# case purge

DEFAULT_RETENTION_YEARS = 5


@app.command()
def purge(
    ctx: typer.Context,
    years: Annotated[
        int | None,
        typer.Option(
            "--years",
            min=1,
            help="Aufbewahrungsfrist in Jahren nach Abschluss (sonst retention_years in "
            "config.yaml, sonst 5).",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Nur zeigen, was gelöscht würde.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ohne Rückfrage löschen.")] = False,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Abgeschlossene Fälle löschen, deren Aufbewahrungsfrist abgelaufen ist.

    Abgeschlossen ist ein Fall, dessen letzter Status aufgenommen, nicht_erschienen, verzogen
    oder zurueckgezogen ist; die Frist läuft ab dem Datum dieses Status. Gelöscht wird wie mit
    'case delete' (auch auf der Festplatte überschrieben); das Protokoll vermerkt nur die Anzahl.
    """
    period = years or _config_int("retention_years", "--years", DEFAULT_RETENTION_YEARS, minimum=1)
    with open_register() as store:
        plan = store.plan_purge(period)
        if dry_run or not plan.due:
            _purge_report(plan, deleted=False, fmt=fmt)
            return
        question = f"{len(plan.due)} abgeschlossene Fälle endgültig löschen?"
        if not yes and not _confirm(question):
            err("Abgebrochen, nichts gelöscht.")
            raise typer.Exit(ExitCode.INPUT)
        plan, deleted = store.purge(period)
    _purge_report(plan, deleted=True, fmt=fmt)
    if not deleted.scrub.complete:
        _scrub_failed(f"{len(deleted.case_ids)} Fälle sind", deleted.scrub)


def _purge_report(plan: Any, *, deleted: bool, fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        emit_json(
            {
                "as_of": plan.as_of.isoformat(),
                "retention_years": plan.years,
                "closed_on_or_before": plan.cutoff.isoformat(),
                "deleted": deleted,
                "count": len(plan.due),
                "cases": [
                    {"case_id": case_id, "closed_on": closed.isoformat()}
                    for case_id, closed in plan.due
                ],
            }
        )
        return
    scope = (
        f"abgeschlossen am {_de(plan.cutoff)} oder früher (Aufbewahrungsfrist {plan.years} Jahre)"
    )
    if not plan.due:
        err(f"Keine Fälle zu löschen: keiner {scope}.")
        return
    if not deleted:
        for case_id, closed in plan.due:
            out(f"{case_id}  abgeschlossen am {_de(closed)}")
        err(f"{len(plan.due)} Fälle würden gelöscht: {scope}. Nichts gelöscht (--dry-run).")
        return
    err(f"{len(plan.due)} Fälle gelöscht: {scope}.", fg="green")


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
            "--output",
            "-o",
            help="Eine Sicherungsdatei, oder ein Verzeichnis für fortlaufende Sicherungen.",
            show_default=False,
        ),
    ],
    keep: Annotated[
        int | None,
        typer.Option(
            "--keep",
            min=1,
            help="In einem Verzeichnis: so viele neueste Sicherungen behalten (sonst backup_keep "
            "in config.yaml, sonst 10).",
            show_default=False,
        ),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Das Fallregister sichern: eine vollständige, in sich stimmige Kopie in einer Datei.

    Auch während der Arbeit sicher (SQLite-Sicherungsfunktion); die Datei ist nur für Sie lesbar.
    Ist -o ein Verzeichnis, entsteht dort seiteneinsteiger-register-JJJJMMTT-HHMMSS.sqlite3, und
    nur die neuesten Sicherungen bleiben (--keep). Zum Zurückspielen die Sicherung bei
    geschlossenem Programm als cases.sqlite3 in das Datenverzeichnis kopieren. Gelöschte Fälle
    bleiben in älteren Sicherungen. Ein PostgreSQL-Register sichert man mit pg_dump.
    """
    from seiteneinsteiger.store.backup import DEFAULT_KEEP

    generations = keep or _config_int("backup_keep", "--keep", DEFAULT_KEEP, minimum=1)
    with open_register() as store:
        result = store.backup(output, force=force, keep=generations)
    out(f"Sicherung geschrieben: {result.path} ({result.cases} Fälle)")
    if result.removed:
        noun = "ältere Sicherung" if len(result.removed) == 1 else "ältere Sicherungen"
        err(f"{len(result.removed)} {noun} entfernt, die neuesten {generations} bleiben.")


# ---------------------------------------------------------------------------------------------
# case stats


@app.command()
def stats(
    ctx: typer.Context,
    district: DistrictFilter = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Fälle je Status und Wartezeit der Fälle ohne Schulplatz (Median, längste), ohne Namen."""
    from seiteneinsteiger.store.status import STATUS_LABELS

    with open_register() as store:
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
            f"Ohne Schulplatz nach der Beratung: {figures.waiting_for_place} "
            f"{'Fall' if figures.waiting_for_place == 1 else 'Fälle'}, "
            f"Wartetage Median {_number(figures.median_waiting_days)}, "
            f"längste {figures.max_waiting_days}"
        )
    from seiteneinsteiger.cli.case_text import stage_lines

    for line in stage_lines(figures.stages):
        out(line)


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")


def _stats_json(figures: CaseStats) -> dict[str, Any]:
    from seiteneinsteiger.cli.case_text import stages_json

    return {
        "as_of": figures.as_of.isoformat(),
        "total": figures.total,
        "by_status": {code.value: count for code, count in figures.by_status.items()},
        "waiting_for_place": {
            "count": figures.waiting_for_place,
            "median_days": figures.median_waiting_days,
            "max_days": figures.max_waiting_days,
        },
        "stages": stages_json(figures.stages),
    }
