"""``seiteneinsteiger schools ...``: the school directory, capacity reports and a proposal preview.

``schools import`` stores the Ministry's directory in the case register and ``schools capacity``
(cli/schools_capacity.py) the Schulamt's reports; everything else here only reads. Which
directory the reading commands use: ``--directory`` (a file of the Ministry), else the one
imported into the register, else the copy shipped for the built-in districts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seiteneinsteiger.cli.options import (
    DistrictOption,
    DistrictsOption,
    ForceOption,
    FormatOption,
    IntakePaths,
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
    out,
    problem_json,
    show_problem,
)
from seiteneinsteiger.cli.schools_capacity import app as capacity_app
from seiteneinsteiger.errors import ExitCode, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.errors import Problem
    from seiteneinsteiger.schools.capacity import CapacityTable
    from seiteneinsteiger.schools.directory import Directory
    from seiteneinsteiger.schools.districts import SchoolDistrict
    from seiteneinsteiger.store import DirectoryImport

app = typer.Typer(
    name="schools",
    help="Schulverzeichnis NRW und Kapazitätstabellen: ins Fallregister einlesen, prüfen, "
    "nachschlagen, Vorlage für das Schulamt, Schulvorschlag als Vorschau.",
    no_args_is_help=True,
)
app.add_typer(capacity_app)

DirectoryOption = Annotated[
    Path | None,
    typer.Option(
        "--directory",
        help="Schulverzeichnis des Ministeriums (schuldaten.csv) statt der mitgelieferten Kopie "
        "für Kreis Mettmann, Kreis Unna und Stadt Herne.",
        dir_okay=False,
    ),
]


@dataclass(frozen=True, slots=True)
class DirectorySource:
    """The directory a command works with, and the line naming its source and licence."""

    directory: Directory
    credit: str
    registered: bool = False  # imported into the case register

    @property
    def shipped(self) -> bool:
        return not self.registered and self.directory.source == SHIPPED


SHIPPED = "data/schools/schuldaten.csv"
SHIPPED_HINT = (
    "Mitgeliefert sind die Schulen von Kreis Mettmann, Kreis Unna und Stadt Herne; für andere "
    "Schulen 'schools import schuldaten.csv' (ins Fallregister) oder --directory "
    "schuldaten.csv angeben."
)


def _directory(path: Path | None) -> DirectorySource:
    """``--directory`` (its bad rows reported, the rest used), else the register's imported
    directory, else the shipped copy."""
    from seiteneinsteiger.errors import InputFileError
    from seiteneinsteiger.schools import ATTRIBUTION
    from seiteneinsteiger.schools.directory import Directory, read_directory
    from seiteneinsteiger.schools.shipped import shipped_directory

    credit = f"Schuldaten: {ATTRIBUTION}"
    if path is None:
        registered = registered_directory()
        if registered is not None:
            directory, imported = registered
            return DirectorySource(directory, imported.credit(), registered=True)
        return DirectorySource(shipped_directory(), credit)
    report = read_directory(path)
    for problem in report.problems:
        show_problem(problem, to_err=True)
    if not report.schools:
        raise InputFileError(f"{path}: keine Schulen gelesen")
    return DirectorySource(Directory.from_report(report), credit)


def registered_directory() -> tuple[Directory, DirectoryImport] | None:
    from seiteneinsteiger.cli.case import open_register
    from seiteneinsteiger.placement import registered_directory as imported

    return imported(open_register)


def _districts(path: Path | None) -> dict[str, SchoolDistrict]:
    from seiteneinsteiger.schools.districts import builtin_districts, load_districts

    base = builtin_districts()
    if path is None:
        return base
    return load_districts(path, base=base)


def _district(district_id: str, known: dict[str, SchoolDistrict]) -> SchoolDistrict:
    from seiteneinsteiger.schools.search import find_district

    return find_district(district_id, known)


# ---------------------------------------------------------------------------------------------


@app.command("import")
def import_directory(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help="schuldaten.csv des Ministeriums (ohne: die mitgelieferte Kopie für Kreis "
            "Mettmann, Kreis Unna und Stadt Herne).",
            metavar="DATEI",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Das Schulverzeichnis des Ministeriums ins Fallregister einlesen.

    Ersetzt das bisher eingelesene Verzeichnis in einem Schritt (ganz oder gar nicht). Zeilen
    mit Fehlern werden gemeldet und ausgelassen (Exit-Code 1), die übrigen eingelesen; eine
    Datei in einem anderen Format wird abgewiesen, das Register bleibt unverändert. Danach
    nutzen case propose, schools capacity und schools list/show dieses Verzeichnis.

    Beispiel: seiteneinsteiger schools import ../shared/data/schuldaten-nrw/schuldaten.csv
    """
    from seiteneinsteiger.cli.case import open_register
    from seiteneinsteiger.cli.schools_text import import_summary
    from seiteneinsteiger.errors import InputFileError
    from seiteneinsteiger.schools import ATTRIBUTION
    from seiteneinsteiger.schools.directory import read_directory
    from seiteneinsteiger.schools.shipped import DISPLAY, shipped_path

    shown = DISPLAY if path is None else str(path)
    report = read_directory(path or shipped_path(), display=shown)
    if fmt is OutputFormat.text:
        for problem in report.problems:
            show_problem(problem, to_err=True)
    if not report.schools or report.errors > len(report.schools):
        if fmt is OutputFormat.json:
            emit_json({"imported": None, "problems": [problem_json(p) for p in report.problems]})
        why = "keine Schulen gelesen"
        if report.schools:
            why = "mehr fehlerhafte als gültige Zeilen"
        raise InputFileError(
            f"{shown}: {why}; das Schulverzeichnis im Fallregister bleibt unverändert",
            hint="Gelesen wird schuldaten.csv des Ministeriums (Schulgrunddaten NRW), wie "
            "veröffentlicht.",
        )
    with open_register() as store:
        done = store.import_directory(
            report, source=shown, sha256=report.sha256, attribution=ATTRIBUTION
        )
    if fmt is OutputFormat.json:
        emit_json(
            {
                "imported": {
                    "source": done.source,
                    "sha256": done.sha256,
                    "imported_at": done.imported_at,
                    "imported_by": done.imported_by,
                    "rows": done.rows,
                    "schools": done.schools,
                    "authorities": done.authorities,
                    "left_out": done.left_out,
                    "kept_for_capacity": done.unlisted,
                    "skipped": dict(sorted(report.skipped.items())),
                },
                "problems": [problem_json(p) for p in report.problems],
                "attribution": ATTRIBUTION,
            }
        )
    else:
        out(import_summary(done, report.skipped))
        out(done.credit())
    if report.errors:
        raise typer.Exit(ExitCode.INPUT)


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Schulverzeichnis (schuldaten.csv) oder Kapazitätstabellen (.csv, .xlsx).",
            metavar="DATEI",
            show_default=False,
        ),
    ],
    directory: DirectoryOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Schulverzeichnis oder Kapazitätstabellen prüfen, ohne etwas zu speichern.

    Jedes Problem erscheint als DATEI:ZEILE: Spalte: Meldung (bei Excel: DATEI Blatt!Zelle).
    Kapazitäten werden gegen das Schulverzeichnis geprüft. Exit-Code 0, wenn keine Datei
    Fehler hat (Warnungen zählen nicht), sonst 1.

    Beispiel: seiteneinsteiger schools check examples/capacity/kreis-mettmann.csv
    """
    from seiteneinsteiger.cli.schools_text import check_summary
    from seiteneinsteiger.schools import ATTRIBUTION

    checked: list[tuple[dict[str, Any], list[Problem]]] = []
    against: DirectorySource | None = None
    for path in paths:
        if _kind(path) == "directory":
            checked.append(_check_directory(path))
        else:
            against = against or _directory(directory)
            checked.append(_check_capacity(path, against.directory))
    credit = against.credit if against is not None else f"Schuldaten: {ATTRIBUTION}"
    reports = [report for report, _ in checked]
    failed = [r["file"] for r in reports if r["errors"]]
    if fmt is OutputFormat.json:
        emit_json(
            {
                "files": len(reports),
                "failed": len(failed),
                "results": reports,
                "attribution": ATTRIBUTION,
                "directory": credit,
            }
        )
    else:
        for _, problems in checked:
            for problem in problems:
                show_problem(problem)
        for report in reports:
            out(check_summary(report))
        if len(reports) > 1:
            verdict = "alle ohne Fehler" if not failed else f"{len(failed)} mit Fehlern"
            out(f"{len(reports)} Dateien geprüft: {verdict}.", fg="red" if failed else "green")
        shipped = against is not None and against.shipped
        if failed and shipped and any(r.get("unknown_schools") for r in reports):
            out(
                "Hinweis: geprüft gegen die mitgelieferten Schulen (Kreis Mettmann, Kreis "
                "Unna, Stadt Herne); für andere Schulen --directory schuldaten.csv angeben."
            )
        out(credit)
    if failed:
        raise typer.Exit(ExitCode.INPUT)


def _kind(path: Path) -> str:
    """``directory`` for a Ministry file (header with Schulform), else ``capacity``."""
    if path.suffix.lower() != ".csv":
        return "capacity"
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return "capacity"  # the capacity reader reports the file as unreadable
    lines = [line for line in head.splitlines()[:3] if not line.lower().startswith("sep=")]
    header = lines[0] if lines else ""
    return "directory" if "Schulform" in header and "Angebot" not in header else "capacity"


def _check_directory(path: Path) -> tuple[dict[str, Any], list[Problem]]:
    from seiteneinsteiger.schools.directory import read_directory

    report = read_directory(path)
    return _result(
        path,
        "directory",
        report.problems,
        rows=report.rows,
        schools=len(report.schools),
        authorities=len(report.authorities),
        skipped=dict(sorted(report.skipped.items())),
    )


def _check_capacity(path: Path, directory: Directory) -> tuple[dict[str, Any], list[Problem]]:
    from seiteneinsteiger.schools.capacity import read_capacity

    report = read_capacity(path, directory=directory, today=dt.date.today())
    unknown = sum("steht nicht im Schulverzeichnis" in p.message for p in report.problems)
    return _result(
        path, "capacity", report.problems, rows=len(report.rows), unknown_schools=unknown
    )


def _result(
    path: Path, kind: str, problems: list[Problem], **counts: Any
) -> tuple[dict[str, Any], list[Problem]]:
    report = {
        "file": str(path),
        "kind": kind,
        "errors": sum(p.is_error for p in problems),
        "warnings": sum(not p.is_error for p in problems),
        **counts,
        "problems": [problem_json(p) for p in problems],
    }
    return report, problems


# ---------------------------------------------------------------------------------------------


@app.command(name="list")
def list_schools(
    ctx: typer.Context,
    district: Annotated[
        str | None,
        typer.Option("--district", help="Nur die Schulen dieses Kreises, z. B. kreis-unna."),
    ] = None,
    form: Annotated[
        str | None,
        typer.Option("--form", help="Nur diese Schulform, z. B. gesamtschule oder berufskolleg."),
    ] = None,
    include_closed: Annotated[
        bool, typer.Option("--all", help="Auch Schulen zeigen, die nicht in Betrieb sind.")
    ] = False,
    directory: DirectoryOption = None,
    districts: DistrictsOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Schulen des Schulverzeichnisses auflisten: Schulnummer, Schulform, Name, Ort.

    Beispiel: seiteneinsteiger schools list --district stadt-herne --form gesamtschule
    """
    from seiteneinsteiger.cli.schools_text import school_table
    from seiteneinsteiger.codes import SchoolForm, suggest
    from seiteneinsteiger.schools import ATTRIBUTION

    source = _directory(directory)
    schools = list(source.directory)
    if district is not None:
        area = _district(district, _districts(districts))
        schools = [s for s in schools if area.contains(s.gemeindeschluessel)]
    if form is not None:
        codes = [code.value for code in SchoolForm]
        if form not in codes:
            near = suggest(form, codes)
            raise UsageError(
                f"--form: '{form}' ist keine Schulform"
                + (f"; meinten Sie '{near}'?" if near else "")
                + " Erlaubt: "
                + ", ".join(codes)
            )
        schools = [s for s in schools if form in {c.value for c, _ in s.schulform.serves}]
    if not include_closed:
        schools = [s for s in schools if s.in_operation]
    if fmt is OutputFormat.json:
        emit_json(
            {
                "schools": [s.to_json_dict() for s in schools],
                "count": len(schools),
                "attribution": ATTRIBUTION,
                "directory": source.credit,
            }
        )
        return
    out(school_table(schools))
    out(f"{len(schools)} Schulen. {source.credit}")


@app.command()
def show(
    ctx: typer.Context,
    schulnummer: Annotated[
        str, typer.Argument(help="Schulnummer (6 Ziffern).", metavar="SCHULNUMMER")
    ],
    directory: DirectoryOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Eine Schule mit Adresse, Schulform, Rechtsform, Betrieb und Kontakt zeigen.

    Beispiel: seiteneinsteiger schools show 189601
    """
    from seiteneinsteiger.cli.schools_text import school_details
    from seiteneinsteiger.errors import InputFileError
    from seiteneinsteiger.schools import ATTRIBUTION

    source = _directory(directory)
    school = source.directory.get(schulnummer.strip())
    if school is None:
        near = source.directory.near_numbers(schulnummer.strip())[:3]
        guess = " oder ".join(f"{s.schulnummer} ({s.label})" for s in near)
        raise InputFileError(
            f"Schulnummer '{schulnummer}' steht nicht im Schulverzeichnis"
            + (f"; meinten Sie {guess}?" if guess else ""),
            hint=SHIPPED_HINT if source.shipped else None,
        )
    if fmt is OutputFormat.json:
        emit_json(school.to_json_dict() | {"attribution": ATTRIBUTION, "directory": source.credit})
        return
    out(school_details(school, credit=source.credit))


@app.command()
def template(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Die Vorlage, die entsteht (.xlsx).", show_default=False
        ),
    ],
    district: Annotated[
        str | None,
        typer.Option(
            "--district",
            help="Schulen dieses Kreises ins Blatt 'Schulen' (sonst: SEITENEINSTEIGER_DISTRICT "
            "oder die Einstellung in config.yaml).",
        ),
    ] = None,
    directory: DirectoryOption = None,
    districts: DistrictsOption = None,
    force: ForceOption = False,
) -> None:
    """Excel-Vorlage der Kapazitätstabelle für das Schulamt schreiben.

    Auswahllisten für Angebot und Schulnummer, Prüfungen für Klassen, Plätze und Daten; das
    Blatt 'Schulen' nennt die Schulen des Kreises. Einlesen mit 'schools check'.

    Beispiel: seiteneinsteiger schools template --district kreis-unna -o kapazitaet.xlsx
    """
    from seiteneinsteiger.fsutil import atomic_write, check_target
    from seiteneinsteiger.schools.capacity_template import write_capacity_template

    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"{output}: die Vorlage ist eine Excel-Datei (.xlsx)")
    check_target(output, force=force)
    if district is None:
        from seiteneinsteiger.rules.api import default_district

        district = default_district()
    area = _district(district, _districts(districts))
    schools = [
        s
        for s in _directory(directory).directory
        if area.contains(s.gemeindeschluessel) and s.in_operation and not s.schulform.never_proposed
    ]
    with atomic_write(output, force=force) as handle:
        write_capacity_template(handle, schools=schools)
    out(f"Vorlage geschrieben: {output} ({area.title}, {len(schools)} Schulen im Blatt 'Schulen')")


# ---------------------------------------------------------------------------------------------


@app.command()
def propose(
    ctx: typer.Context,
    paths: IntakePaths,
    capacity: Annotated[
        list[Path],
        typer.Option(
            "--capacity",
            help="Kapazitätstabelle des Schulamts (.csv oder .xlsx); mehrfach möglich.",
            dir_okay=False,
            show_default=False,
        ),
    ],
    day: Annotated[
        str | None,
        typer.Option("--date", help="Stichtag für freie Plätze, TT.MM.JJJJ (Standard: heute)."),
    ] = None,
    private: PrivateOption = False,
    top: TopOption = 5,
    show_excluded: WhyNotOption = False,
    district: DistrictOption = None,
    rules: RulesOption = None,
    directory: DirectoryOption = None,
    districts: DistrictsOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Schulen mit freiem Platz für jedes Intake vorschlagen, mit Begründung (Vorschau).

    Die Schulform, Klasse und Förderung kommen aus der Empfehlung, die freien Plätze aus den
    Kapazitätstabellen. Gereiht wird nach öffentlich/privat, Geschwisterkind, Entfernung
    (Fahrkostengrenze), Rangfolge der Schulformen und Entfernung. Es wird nichts reserviert.

    Beispiel: seiteneinsteiger schools propose examples/intakes/amal-haddad.yaml
    --capacity examples/capacity/kreis-mettmann.csv --date 2025-09-15
    """
    if district is not None and rules is not None:
        raise UsageError("Bitte entweder --district oder --rules angeben, nicht beides.")
    on = parse_date(day, "--date") if day is not None else dt.date.today()
    source = _directory(directory)
    known = _districts(districts)
    table, capacity_errors = _capacity(capacity, source.directory)
    run = _ProposeRun(source.directory, table, known, on, private, district, rules)
    from seiteneinsteiger.intake_io import load_intakes

    for loaded in load_intakes(paths):
        run.one(loaded)
    if run.count == 0:
        err("Keine Intake-Dateien gefunden (.yaml, .yml, .json, .jsonl).")
        raise typer.Exit(ExitCode.INPUT)
    if fmt is OutputFormat.json:
        emit_json([result.to_json_dict(limit=top or None) for result in run.results])
    else:
        from seiteneinsteiger.cli.schools_text import proposal_text

        for index, result in enumerate(run.results):
            if index:
                out()
            out(proposal_text(result, top=top, show_excluded=show_excluded))
        out()
        out(source.credit)
    if run.failed or capacity_errors:
        if run.failed:
            err(f"{run.failed} von {run.count} Intakes ohne Vorschlag.", fg="red")
        raise typer.Exit(ExitCode.INPUT)


def _capacity(paths: list[Path], directory: Directory) -> tuple[CapacityTable, int]:
    """All rows of the capacity files; their problems go to stderr, bad rows are left out."""
    from seiteneinsteiger.schools.capacity import CapacityTable, read_capacity

    rows = []
    errors = 0
    for path in paths:
        report = read_capacity(path, directory=directory, today=dt.date.today())
        for problem in report.problems:
            show_problem(problem, to_err=True)
        errors += sum(p.is_error for p in report.problems)
        rows.extend(report.rows)
    return CapacityTable(rows), errors


class _ProposeRun:
    def __init__(
        self,
        directory: Directory,
        table: CapacityTable,
        known: dict[str, SchoolDistrict],
        day: dt.date,
        private: bool,
        district: str | None,
        rules: Path | None,
    ) -> None:
        from seiteneinsteiger.rules.api import RuleSetCache
        from seiteneinsteiger.schools.geo import Gazetteer
        from seiteneinsteiger.schools.propose import ProposalOptions, ProposalResult

        self.directory, self.table, self.known, self.day = directory, table, known, day
        self.district, self.rules = district, rules
        self.options = ProposalOptions(prefer_private=private)
        self.gazetteer = Gazetteer(directory)
        self.cache = RuleSetCache()
        if rules is not None:
            self.cache.directory(rules)
        elif district is not None:
            self.cache.district(district, usage=True)
        self.results: list[ProposalResult] = []
        self.count = self.failed = 0

    def one(self, loaded: Any) -> None:
        from seiteneinsteiger.errors import SeiteneinsteigerError
        from seiteneinsteiger.rules.engine import evaluate
        from seiteneinsteiger.schools.search import rank_case

        self.count += 1
        for problem in loaded.problems:
            show_problem(problem, to_err=True)
        intake = loaded.intake
        if intake is None or not loaded.ok:
            self.failed += 1
            return
        try:
            ruleset = self.cache.select(rules_dir=self.rules, district=self.district, intake=intake)
            recommendation = evaluate(intake, ruleset, source=loaded.label)
            result = rank_case(
                intake,
                recommendation,
                self.directory,
                self.table,
                self.day,
                districts=self.known,
                district_id=self.district,
                gazetteer=self.gazetteer,
                options=self.options,
            )
        except SeiteneinsteigerError as exc:
            self.failed += 1
            err(f"{loaded.label}: kein Vorschlag. {exc.message}", fg="red")
            return
        self.results.append(result)
