"""Options and arguments shared by several commands, so that they read the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from seiteneinsteiger.cli.output import OutputFormat

IntakePaths = Annotated[
    list[Path],
    typer.Argument(
        help="Intake-Dateien (.yaml, .yml, .json, .jsonl) oder Verzeichnisse.",
        show_default=False,
        metavar="PFAD",
    ),
]
FormatOption = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="Ausgabeformat: text oder json.")
]
DistrictOption = Annotated[
    str | None,
    typer.Option(
        "--district",
        help="Regelsatz eines Kreises oder einer Stadt, z. B. kreis-mettmann (sonst: Angabe im "
        "Intake, SEITENEINSTEIGER_DISTRICT oder nrw).",
    ),
]
RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help="Verzeichnis eines (bearbeiteten) Regelsatzes mit ruleset.yaml.",
        file_okay=False,
        exists=True,
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Eine vorhandene Datei überschreiben.")]
FormFileOption = Annotated[
    Path | None,
    typer.Option(
        "--form", help="Eigener Fragebogen (.yaml) statt des mitgelieferten.", dir_okay=False
    ),
]
