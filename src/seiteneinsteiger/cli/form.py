"""``seiteneinsteiger form ...``: check the questionnaire, write the Excel intake template."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from seiteneinsteiger.cli.options import FormatOption, FormFileOption
from seiteneinsteiger.cli.output import (
    OutputFormat,
    emit_json,
    err,
    out,
    problem_json,
    show_problem,
)
from seiteneinsteiger.errors import ExitCode


class CopyChoice(StrEnum):
    family = "family"
    counsellor = "counsellor"


app = typer.Typer(
    name="form",
    help="Fragebogen (Erfassungsbogen) prüfen und als Excel-Vorlage zum Ausfüllen ausgeben.",
    no_args_is_help=True,
)


def display_path(path: Path) -> str:
    """A path as the user should read it: relative to the current directory where possible."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return relative if not relative.startswith("../../") else str(path)


@app.command()
def check(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Fragebogen (.yaml); ohne Angabe der mitgelieferte.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Fragebogen prüfen: Zielfelder, Übersetzungen, Sprachcodes, Bedingungen, Formulartests.

    Jedes Problem erscheint als DATEI:ZEILE: Meldung; fehlende Übersetzungen sind Warnungen.
    Die Formulartests (DATEI.tests.yaml daneben) laufen mit. Exit-Code 1 bei Fehlern oder
    fehlgeschlagenen Tests, sonst 0.

    Beispiel: seiteneinsteiger form check
    """
    from seiteneinsteiger.forms.check import check_form, default_form_path
    from seiteneinsteiger.forms.tests import companion_tests, run_tests

    path = file or default_form_path()
    report = check_form(path, display_path(path))
    tests = None
    tests_file = companion_tests(path)
    if report.form is not None and not report.errors and tests_file.exists():
        tests = run_tests(report.form, tests_file, display_path(tests_file))
    problems = report.problems + (tests.as_problems() if tests else [])
    errors = [p for p in problems if p.is_error]
    warnings = [p for p in problems if not p.is_error]
    form = report.form
    if fmt is OutputFormat.json:
        emit_json(
            {
                "source": report.source,
                "form_id": form.form_id if form else None,
                "version": form.version if form else None,
                "questions": len(form.questions) if form else None,
                "languages": {
                    e.code: {"reviewed": e.reviewed} for e in form.file.settings.languages
                }
                if form
                else {},
                "errors": len(errors),
                "warnings": len(warnings),
                "tests": {"total": len(tests.results), "failed": len(tests.failed)}
                if tests
                else None,
                "problems": [problem_json(p) for p in problems],
            }
        )
    else:
        for problem in problems:
            show_problem(problem)
        if form is not None:
            unreviewed = [e.code for e in form.file.settings.languages if not e.reviewed]
            reviewed = [e.code for e in form.file.settings.languages if e.reviewed]
            out(
                f"{report.source}: Formular {form.form_id}, Version {form.version}: "
                f"{len(form.questions)} Fragen in {len(form.sections)} "
                f"{'Abschnitt' if len(form.sections) == 1 else 'Abschnitten'}, "
                f"{len(form.languages)} Sprachen."
            )
            out(
                f"Muttersprachlich geprüft: {', '.join(reviewed) or 'keine'}; noch "
                f"ungeprüft: {', '.join(unreviewed) or 'keine'}."
            )
        if tests is not None:
            failed = len(tests.failed)
            out(
                f"Formulartests ({tests.source}): {len(tests.results)} Fälle, "
                + (
                    "alle bestanden."
                    if not failed and not tests.problems
                    else f"{failed} fehlgeschlagen."
                )
            )
        colour = "red" if errors else ("yellow" if warnings else "green")
        out(f"{len(errors)} Fehler, {len(warnings)} Warnungen.", fg=colour)
    if errors:
        raise typer.Exit(ExitCode.INPUT)


@app.command()
def template(
    ctx: typer.Context,
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Die Vorlage, die entsteht (.xlsx).", show_default=False
        ),
    ],
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            "-l",
            help="Sprache der Familie neben Deutsch (z. B. ar, uk, fa; de = nur Deutsch).",
        ),
    ] = "de",
    form_file: FormFileOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Eine vorhandene Datei überschreiben.")
    ] = False,
    copy: Annotated[
        CopyChoice,
        typer.Option(
            "--copy",
            help="family: nur die Fragen an die Familie (zum Ausdrucken und Mitgeben); "
            "counsellor: dazu das Blatt 'Beratung' mit den Fragen der Beratungsstelle.",
        ),
    ] = CopyChoice.family,
) -> None:
    """Excel-Vorlage zum Ausdrucken und Ausfüllen: Deutsch und die Sprache der Familie.

    Auf Papier hat jede Auswahl ein Kästchen zum Ankreuzen, am Bildschirm eine Liste im gelben
    Feld. Das Exemplar für die Familie enthält keine Fragen der Beratung. 'intake import' liest
    die ausgefüllte Datei wieder ein.

    Beispiel: seiteneinsteiger form template --lang ar -o erfassung-ar.xlsx
    """
    from seiteneinsteiger.errors import UsageError
    from seiteneinsteiger.forms.check import load_form
    from seiteneinsteiger.forms.names import RTL_LANGUAGES, language_german
    from seiteneinsteiger.forms.signing import installation_key
    from seiteneinsteiger.forms.template import write_template
    from seiteneinsteiger.fsutil import atomic_write

    if output.suffix.lower() != ".xlsx":
        raise UsageError("Bitte mit -o eine Zieldatei mit der Endung .xlsx angeben.")
    form = load_form(form_file)
    if lang not in form.languages:
        raise UsageError(
            f"Sprache '{lang}' hat der Fragebogen nicht. Vorhanden: " + ", ".join(form.languages)
        )
    key = installation_key()
    with atomic_write(output, force=force) as handle:
        codes = write_template(form, lang, handle, key=key, copy=copy.value)
    name = "Deutsch" if lang == "de" else f"Deutsch und {language_german(lang)}"
    layout = ", von rechts nach links" if lang in RTL_LANGUAGES else ""
    asked = len({name for _s, _r, _n, name, _c in codes.rows})
    which = (
        "Exemplar für die Familie, ohne Fragen der Beratung"
        if copy is CopyChoice.family
        else "mit Blatt 'Beratung'"
    )
    out(f"Vorlage geschrieben: {output} ({name}, {asked} Fragen, {which}{layout}).")
    if lang != "de" and not form.reviewed(lang):
        err(
            f"Hinweis: Die Übersetzung ({language_german(lang)}) ist noch nicht "
            "muttersprachlich geprüft."
        )
