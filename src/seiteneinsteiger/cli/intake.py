"""``seiteneinsteiger intake ...``: validate intake files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seiteneinsteiger.cli.output import (
    OutputFormat,
    emit_json,
    err,
    is_debug,
    out,
    problem_json,
    reported_errors,
    show_problem,
)

app = typer.Typer(
    name="intake",
    help="Intake-Dateien (intake@1) prüfen, erfassen und aus Excel-Formularen einlesen.",
    no_args_is_help=True,
)

Paths = Annotated[
    list[Path],
    typer.Argument(
        help="Intake-Dateien (.yaml, .yml, .json, .jsonl) oder Verzeichnisse.", show_default=False
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Ausgabeformat: text oder json.")
]


@app.command()
def validate(ctx: typer.Context, paths: Paths, fmt: FormatOption = OutputFormat.text) -> None:
    """Intake-Dateien gegen das Format intake@1 prüfen.

    Jedes Problem erscheint als DATEI:ZEILE: feld: Meldung, danach eine Zusammenfassung.
    Exit-Code 0, wenn alle Intakes gültig sind, sonst 1.

    Beispiel: seiteneinsteiger intake validate examples/intakes
    """
    with reported_errors(is_debug(ctx)):
        from seiteneinsteiger.intake_io import load_intakes

        results = list(load_intakes(paths))
        if not results:
            err("Keine Intake-Dateien gefunden (.yaml, .yml, .json, .jsonl).")
            raise typer.Exit(1)
        valid = [r for r in results if r.ok]
        invalid = [r for r in results if not r.ok]
        if fmt is OutputFormat.json:
            emit_json(
                {
                    "valid": len(valid),
                    "invalid": len(invalid),
                    "results": [
                        {
                            "source": r.source,
                            "line": r.line,
                            "case_id": r.intake.case_id if r.intake else None,
                            "valid": r.ok,
                            "problems": [problem_json(p) for p in r.problems],
                        }
                        for r in results
                    ],
                }
            )
        else:
            for result in results:
                for problem in result.problems:
                    show_problem(problem)
            _summary(len(valid), [r.label for r in invalid])
        if invalid:
            raise typer.Exit(1)


def _summary(valid: int, invalid: list[str]) -> None:
    total = valid + len(invalid)
    noun = "Intake" if total == 1 else "Intakes"
    if not invalid:
        out(f"{total} {noun} geprüft: alle gültig.", fg="green")
        return
    out(f"{total} {noun} geprüft: {valid} gültig, {len(invalid)} ungültig.", fg="red")
    # dict.fromkeys keeps order and drops repeats (several broken lines of one JSONL file)
    out("Ungültig: " + ", ".join(dict.fromkeys(invalid)))
