"""``seiteneinsteiger export ...``: workbooks for the school, the Schulamt, statistics, SchILD."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seiteneinsteiger.cli.options import (
    DistrictOption,
    ForceOption,
    FormatOption,
    IntakePaths,
    RulesOption,
)
from seiteneinsteiger.cli.output import (
    OutputFormat,
    emit_json,
    err,
    out,
    problem_json,
    show_problem,
)
from seiteneinsteiger.errors import ExitCode

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.export.run import Options, Outcome

app = typer.Typer(
    name="export",
    help="Exporte: Arbeitsmappe für die aufnehmende Schule, Fallübersicht für das Schulamt, "
    "anonyme Statistik, Stammdaten für SchILD-NRW, Exportprotokoll.",
    no_args_is_help=True,
)

OutputFile = Annotated[
    Path,
    typer.Option(
        "--output", "-o", help="Die Arbeitsmappe, die entsteht (.xlsx).", show_default=False
    ),
]
Ki = Annotated[
    str | None,
    typer.Option("--ki", help="Name des Kommunalen Integrationszentrums für das Deckblatt."),
]


IncludeUnplaced = Annotated[
    bool,
    typer.Option(
        "--include-unplaced",
        help="Auch Kinder ohne empfohlene Schulstufe exportieren (z. B. Antrag auf vorzeitige "
        "Einschulung).",
    ),
]


def _options(
    district: str | None,
    rules: Path | None,
    force: bool,
    ki: str | None = None,
    counsellor: str | None = None,
    include_unplaced: bool = False,
) -> Options:
    from seiteneinsteiger.export.run import Options

    return Options(
        district=district,
        rules_dir=rules,
        force=force,
        ki=ki,
        counsellor=counsellor,
        include_unplaced=include_unplaced,
    )


@app.command()
def school(
    ctx: typer.Context,
    output: OutputFile,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Intake-Dateien oder Verzeichnisse (ohne: Fälle aus dem Fallregister mit "
            "--school oder --case).",
            show_default=False,
            metavar="PFAD",
        ),
    ] = None,
    school_number: Annotated[
        str | None,
        typer.Option(
            "--school",
            metavar="SCHULNUMMER",
            help="Die aufnehmende Schule: Name und Schulnummer auf Deckblatt und im Protokoll; "
            "ohne PFAD die Fälle, die ihr laut Fallregister vorgeschlagen oder zugewiesen sind.",
            show_default=False,
        ),
    ] = None,
    cases: Annotated[
        list[str] | None,
        typer.Option(
            "--case",
            metavar="FALL",
            help="Nur diesen Fall aus dem Fallregister (mehrfach möglich).",
            show_default=False,
        ),
    ] = None,
    district: DistrictOption = None,
    rules: RulesOption = None,
    force: ForceOption = False,
    counsellor: Annotated[
        str | None, typer.Option("--counsellor", help="Beraterin bzw. Berater für das Deckblatt.")
    ] = None,
    ki: Ki = None,
    include_unplaced: IncludeUnplaced = False,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Arbeitsmappe für die aufnehmende Schule.

    Deckblatt, Übersicht und ein Blatt je Schülerin bzw. Schüler, druckfertig. Nur Kinder, deren
    Familie der Weitergabe an die Schule zugestimmt hat; keine vertraulichen Angaben
    (Aufenthaltsstatus, Gesundheit, Beratungsnotizen). Jede Weitergabe wird protokolliert.
    Mit --school steht die Schule (Name, Schulnummer, Anschrift) auf dem Deckblatt und im
    Exportprotokoll; ohne Intake-Dateien kommen die Fälle aus dem Fallregister.

    Beispiel: seiteneinsteiger export school --school 189601 -o schule-189601.xlsx
    """
    from seiteneinsteiger.errors import UsageError
    from seiteneinsteiger.export.run import run_school, run_school_from_register
    from seiteneinsteiger.store.status import check_school_number

    options = _options(district, rules, force, ki, counsellor, include_unplaced)
    number = check_school_number(school_number) if school_number is not None else None
    if paths and cases:
        raise UsageError(
            "Bitte entweder Intake-Dateien oder --case angeben, nicht beides.",
            hint="--case nimmt Fälle aus dem Fallregister.",
        )
    if paths:
        from seiteneinsteiger.export.register_cases import receiving_school

        recipient = receiving_school(number) if number is not None else None
        outcome = run_school(paths, output, options, school=recipient)
    elif number is not None or cases:
        outcome = run_school_from_register(
            output, options, schulnummer=number, case_ids=cases or ()
        )
    else:
        raise UsageError(
            "Was soll in die Mappe? Intake-Dateien (PFAD), --school SCHULNUMMER oder --case FALL "
            "angeben.",
            hint="Beispiel: seiteneinsteiger export school examples/intakes -o schule.xlsx",
        )
    _report(outcome, fmt, noun=("Schülerin bzw. Schüler", "Schülerinnen und Schüler"))


@app.command()
def overview(
    ctx: typer.Context,
    paths: IntakePaths,
    output: OutputFile,
    district: DistrictOption = None,
    rules: RulesOption = None,
    force: ForceOption = False,
    ki: Ki = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Fallübersicht für Beratung und Schulamt, mit Auswertung.

    Ein Fall je Zeile mit Empfehlung, Hinweisen und Daten; Fälle mit Hinweisen sind markiert.
    Nur Fälle mit Einwilligung für das Schulamt. Auch für 10.000 Fälle geeignet.

    Beispiel: seiteneinsteiger export overview examples/intakes -o uebersicht.xlsx
    """
    from seiteneinsteiger.export.run import run_overview

    outcome = run_overview(paths, output, _options(district, rules, force, ki))
    _report(outcome, fmt, noun=("Fall", "Fälle"))


@app.command()
def statistics(
    ctx: typer.Context,
    paths: IntakePaths,
    output: OutputFile,
    district: DistrictOption = None,
    rules: RulesOption = None,
    force: ForceOption = False,
    ki: Ki = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Anonyme Statistik: nur Anzahlen, kleine Zahlen unterdrückt.

    Keine Namen, keine Geburtsdaten, keine Freitexte, keine Fallnummern. Zahlen unter 5 stehen
    als „< 5“, eine weitere Zahl als „x“, damit nichts zurückgerechnet werden kann. Gezählt
    werden Fälle mit Einwilligung für die Statistik.

    Beispiel: seiteneinsteiger export statistics examples/intakes -o statistik.xlsx
    """
    from seiteneinsteiger.export.run import run_statistics

    outcome = run_statistics(paths, output, _options(district, rules, force, ki))
    _report(outcome, fmt, noun=("Fall", "Fälle"), verb="gezählt")


@app.command()
def schild(
    ctx: typer.Context,
    paths: IntakePaths,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Verzeichnis für SchuelerBasisdaten.dat und die SVWS-Import-Mappe.",
            show_default=False,
            metavar="VERZ",
        ),
    ],
    district: DistrictOption = None,
    rules: RulesOption = None,
    force: ForceOption = False,
    include_unplaced: IncludeUnplaced = False,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Stammdaten für SchILD-NRW (SchuelerBasisdaten.dat) und SVWS-Import (.xlsx).

    Namen, die der Zeichensatz von SchILD-NRW (Windows-1252) nicht kennt, werden nicht
    umgeschrieben: Diese Kinder werden mit einer Meldung ausgelassen (Exit-Code 1), die anderen
    exportiert. Förderschwerpunkte und Behinderungen bleiben immer leer.

    Beispiel: seiteneinsteiger export schild examples/intakes -o schild/
    """
    from seiteneinsteiger.export.run import run_schild

    options = _options(district, rules, force, include_unplaced=include_unplaced)
    outcome = run_schild(paths, output, options)
    _report(outcome, fmt, noun=("Schülerin bzw. Schüler", "Schülerinnen und Schüler"))


@app.command("log")
def log_command(
    ctx: typer.Context,
    case: Annotated[
        str | None,
        typer.Option("--case", help="Nur Exporte, die diesen Fall enthalten (Fallnummer)."),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Exportprotokoll: wer wann welche Daten an wen weitergegeben hat.

    Für Auskünfte an Familien (Art. 15 DSGVO, VO-DV I § 3 Abs. 4). Das Protokoll enthält
    Fallnummern und Feldnamen, nie die Angaben selbst.

    Beispiel: seiteneinsteiger export log --case ME-2025-0142
    """
    from seiteneinsteiger.export.log import entries_for_case, log_path, read_entries, recover

    recover()  # an export a killed process left pending is settled before it is shown
    entries = entries_for_case(case) if case else list(read_entries())
    if fmt is OutputFormat.json:
        emit_json([entry.to_json() for entry in entries])
        return
    if not entries:
        where = f" mit Fall {case}" if case else ""
        out(f"Keine Exporte{where} im Protokoll ({log_path()}).")
        return
    for entry in entries:
        cases = len(entry.cases)
        noun = "Fall" if cases == 1 else "Fälle"
        out(f"{entry.timestamp}  {entry.command}  an: {entry.recipient}")
        out(f"    Datei: {entry.output}{_STATUS_NOTES.get(entry.status, '')}")
        out(f"    SHA-256: {entry.sha256 or '–'}")
        out(f"    {cases} {noun}; Benutzer: {entry.user}; Profil: {entry.profile}")
        if case:
            out(f"    Felder: {', '.join(entry.fields)}")
    out(f"{len(entries)} Export(e) im Protokoll.")


_STATUS_NOTES = {
    "pending": " (wird gerade geschrieben)",
    "abandoned": " (abgebrochen, nicht geschrieben)",
}


def _report(
    outcome: Outcome, fmt: OutputFormat, *, noun: tuple[str, str], verb: str = "exportiert"
) -> None:
    for problem in outcome.warnings:
        show_problem(problem, to_err=True)
    for problem in outcome.problems:
        show_problem(problem, to_err=True)
    for left in outcome.left_out:
        err(f"Nicht exportiert: {left.render()}", fg="yellow")
    for refused in outcome.refused:
        err(f"Nicht exportiert: {refused.render()}", fg="red")
    if fmt is OutputFormat.json:
        emit_json(_json(outcome))
    if outcome.nothing_written:
        if outcome.left_out or outcome.refused:
            why = "niemand bleibt für den Export übrig (siehe Meldungen oben)"
        else:
            why = "kein Intake konnte ausgewertet werden (siehe Meldungen oben)"
        err(f"Fehler: Keine Datei geschrieben: {why}.", fg="red")
        raise typer.Exit(ExitCode.INPUT)
    if fmt is OutputFormat.text:
        count = len(outcome.cases)
        word = noun[0] if count == 1 else noun[1]
        skipped = len(outcome.left_out) + len(outcome.refused)
        extra = f"; {skipped} nicht {verb} (siehe Meldungen)" if skipped else ""
        for path in outcome.written:
            out(f"Geschrieben: {path}", fg="green")
        out(f"{count} {word} {verb}{extra}. Die Weitergabe ist im Exportprotokoll vermerkt.")
        if outcome.cases_without_id:
            err(
                f"Hinweis: {outcome.cases_without_id} Fall/Fälle ohne Fallnummer; im Protokoll "
                "sind sie nur als Anzahl vermerkt."
            )
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code)


def _json(outcome: Outcome) -> dict[str, Any]:
    return {
        "command": outcome.command,
        "profile": outcome.profile,
        "recipient": outcome.recipient,
        "written": [str(path) for path in outcome.written],
        "sha256": [entry.sha256 for entry in outcome.entries],
        "exported": len(outcome.cases),
        "cases": outcome.cases,
        "left_out": [
            {"source": left.source, "case_id": left.case_id, "reason": left.reason}
            for left in [*outcome.left_out, *outcome.refused]
        ],
        "problems": [problem_json(problem) for problem in outcome.problems],
    }


# ---------------------------------------------------------------------------------------------
# export family-letter


@app.command("family-letter")
def family_letter(
    ctx: typer.Context,
    case: Annotated[
        str,
        typer.Argument(
            help="Intake-Datei (.yaml, .json) oder Fallnummer aus dem Fallregister.",
            metavar="FALL",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="Der Brief, der entsteht (.pdf).", show_default=False),
    ],
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="Sprache neben Deutsch, z. B. ar, uk, ti (sonst: Kontaktsprache der Familie "
            "aus dem Intake; de = nur Deutsch).",
        ),
    ] = None,
    district: DistrictOption = None,
    rules: RulesOption = None,
    force: ForceOption = False,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Brief für die Familie: Empfehlung und nächste Schritte, zweisprachig, als PDF (A4).

    Deutsch und die Sprache der Familie nebeneinander, Arabisch, Persisch, Dari, Paschtu und
    Sorani von rechts nach links. Schriften sind eingebettet: druckt überall gleich. Der Brief
    enthält nur, was die Familie selbst erzählt hat, und die Empfehlung in einfachen Worten:
    keine Hinweise zu AO-SF, Aufenthalt oder Gesundheit, keine Beratungsnotizen, keine Regeln.

    Beispiel: seiteneinsteiger export family-letter examples/intakes/amal-haddad.yaml -o brief.pdf
    """
    from seiteneinsteiger.errors import SeiteneinsteigerError
    from seiteneinsteiger.export.letter.run import run_family_letter

    try:
        outcome = run_family_letter(case, output, _options(district, rules, force), lang=lang)
    except SeiteneinsteigerError as exc:
        for problem in exc.problems:
            show_problem(problem, to_err=True)
        raise
    for warning in outcome.warnings:
        err(f"Hinweis: {warning}", fg="yellow")
    language = outcome.language
    if fmt is OutputFormat.json:
        emit_json(
            {
                "command": "export family-letter",
                "written": str(outcome.written),
                "sha256": outcome.sha256,
                "case_id": outcome.case_id,
                "source": outcome.source,
                "language": language.code,
                "reviewed": language.reviewed,
                "pages": outcome.pages,
                "fields": outcome.fields,
            }
        )
        return
    both = "Deutsch" if language.code == "de" else f"Deutsch und {language.name}"
    pages = "Seite" if outcome.pages == 1 else "Seiten"
    out(f"Geschrieben: {outcome.written}", fg="green")
    out(
        f"Brief für die Familie ({both}, {outcome.pages} {pages} A4). Die Weitergabe ist im "
        "Exportprotokoll vermerkt."
    )
