"""Options and arguments shared by several commands, so that they read the same everywhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from seiteneinsteiger.cli.output import OutputFormat
from seiteneinsteiger.dates import NoSuchDay, NotADate, parse_typed
from seiteneinsteiger.errors import UsageError, brief


def parse_date(text: str, option: str) -> dt.date:
    """A date typed on the command line: ``TT.MM.JJJJ`` (15.09.2025) or ``JJJJ-MM-TT``.

    A usage error (exit code 2) when it is no date or a day that does not exist. Files keep
    ISO dates only (see models.types).
    """
    value = text.strip()
    try:
        return parse_typed(value)
    except NotADate:
        raise UsageError(
            f"{option}: '{brief(value)}' ist kein Datum",
            hint="Datum als TT.MM.JJJJ oder JJJJ-MM-TT angeben, z. B. 15.09.2025.",
        ) from None
    except NoSuchDay:
        raise UsageError(
            f"{option}: '{value}' ist kein gültiges Datum (diesen Tag gibt es nicht)"
        ) from None


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

# The school search (schools propose, case propose)
TopOption = Annotated[
    int,
    typer.Option("--top", min=0, help="So viele Vorschläge zeigen, auch in JSON (0 = alle)."),
]
WhyNotOption = Annotated[
    bool,
    typer.Option("--why-not", help="Jede nicht vorgeschlagene Schule mit ihrem Grund zeigen."),
]
PrivateOption = Annotated[
    bool,
    typer.Option(
        "--privat",
        help="Die Familie wünscht eine Privatschule: Schulen in freier Trägerschaft zuerst.",
    ),
]
DistrictsOption = Annotated[
    Path | None,
    typer.Option(
        "--districts",
        help="Eigene Kreiszuordnung der Schulen (Format wie data/schools/districts.yaml); "
        "ergänzt die mitgelieferte.",
        dir_okay=False,
    ),
]
