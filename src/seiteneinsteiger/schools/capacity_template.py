"""The Excel template the Schulamt fills in: the sheet ``Kapazitäten`` that :mod:`capacity` reads.

Dropdowns and checks help whoever types (the offer codes, the district's Schulnummern, whole
numbers for classes and places, dates); they are a convenience, not a control: the reader checks
every value again. The lists live on a hidden, protected sheet behind defined names (Excel
limits an inline list to 255 characters). A sheet ``Schulen`` lists the district's schools from
the Ministry's directory, with the licence attribution; ``Hinweise`` explains the columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING, Literal

from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.capacity import COLUMNS, SHEET
from seiteneinsteiger.schools.directory import School
from seiteneinsteiger.schools.offers import Offer, offer_label

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

ROWS = 1000  # rows with checks below the header
LISTS = "Listen"
SCHOOLS = "Schulen"

_HELP: dict[str, str] = {
    "schulnummer": "Schulnummer aus dem Schulverzeichnis (6 Ziffern; Liste im Blatt 'Schulen')",
    "schule": "nur zur Orientierung, wird nicht eingelesen",
    "angebot": "eines von: "
    + "; ".join(f"{offer.value} = {offer_label(offer)}" for offer in Offer),
    "klasse_von": "erste Klasse des Angebots (1–13); leer mit 'Klasse bis' = alle Klassen",
    "klasse_bis": "letzte Klasse des Angebots; beim Berufskolleg meist leer",
    "gesamt": "Plätze des Angebots insgesamt",
    "belegt": "besetzte Plätze (leer = 0)",
    "reserviert": "zugesagte, noch nicht besetzte Plätze für Kinder, die nicht über das KI "
    "(seiteneinsteiger) kommen (leer = 0); Vorschläge des KI zählt das Programm selbst",
    "gueltig_von": "Datum TT.MM.JJJJ, ab dem die Angabe gilt",
    "gueltig_bis": "Datum TT.MM.JJJJ; leer = bis zur nächsten Meldung",
    "gemeldet_von": "wer die Zahlen gemeldet hat (Schulamt, Schule)",
    "gemeldet_am": "Datum TT.MM.JJJJ der Meldung",
    "bemerkung": "freier Text ohne Angaben zu einzelnen Kindern",
}
_WIDTHS = {"schule": 40, "angebot": 28, "gemeldet_von": 32, "bemerkung": 40}
_INTEGER_CHECKS = {
    "klasse_von": (1, 13),
    "klasse_bis": (1, 13),
    "gesamt": (0, 9999),
    "belegt": (0, 9999),
    "reserviert": (0, 9999),
}
_DATES = ("gueltig_von", "gueltig_bis", "gemeldet_am")
_VALUE_REQUIRED = frozenset(
    {"schulnummer", "angebot", "gesamt", "gueltig_von", "gemeldet_von", "gemeldet_am"}
)


def write_capacity_template(handle: IO[bytes], *, schools: Sequence[School] = ()) -> None:
    """Write the template workbook to ``handle``; ``schools`` fill the sheet 'Schulen'."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.defined_name import DefinedName

    from seiteneinsteiger.export.cells import DATE_FORMAT, put

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    letters = {key: get_column_letter(index) for index, (key, _, _) in enumerate(COLUMNS, 1)}
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for key, name, _ in COLUMNS:
        cell = sheet[f"{letters[key]}1"]
        put(cell, name)
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[letters[key]].width = _WIDTHS.get(key, max(12, len(name) + 2))
    sheet.freeze_panes = "A2"
    for key in _DATES:
        for row in range(2, ROWS + 2):
            sheet[f"{letters[key]}{row}"].number_format = DATE_FORMAT

    lists = workbook.create_sheet(LISTS)
    for row, offer in enumerate(Offer, 1):
        put(lists.cell(row=row, column=1), offer.value)
    workbook.defined_names["Angebote"] = DefinedName(
        "Angebote", attr_text=f"'{LISTS}'!$A$1:$A${len(Offer)}"
    )
    lists.sheet_state = "hidden"
    lists.protection.sheet = True

    _checks(sheet, letters, has_schools=bool(schools))
    if schools:
        _schools_sheet(workbook.create_sheet(SCHOOLS), schools)
        workbook.defined_names["Schulnummern"] = DefinedName(
            "Schulnummern", attr_text=f"'{SCHOOLS}'!$A$3:$A${len(schools) + 2}"
        )
    _help_sheet(workbook.create_sheet("Hinweise"))
    workbook.active = 0
    workbook.save(handle)


def _checks(sheet: Worksheet, letters: dict[str, str], *, has_schools: bool) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    last = ROWS + 1

    def column(key: str) -> str:
        return f"{letters[key]}2:{letters[key]}{last}"

    def dropdown(
        name: str, key: str, style: Literal["stop", "warning"], title: str, message: str
    ) -> None:
        check = DataValidation(
            type="list",
            formula1=f"={name}",
            allow_blank=True,
            showErrorMessage=True,  # openpyxl's default would accept any typed value
            errorStyle=style,
            errorTitle=title,
            error=message,
        )
        check.add(column(key))
        sheet.data_validations.append(check)

    dropdown("Angebote", "angebot", "stop", "Angebot", "Bitte ein Angebot aus der Liste wählen.")
    if has_schools:
        dropdown(
            "Schulnummern",
            "schulnummer",
            "warning",
            "Schulnummer",
            "Diese Schulnummer steht nicht im Blatt 'Schulen'. Trotzdem übernehmen?",
        )
    for key, (low, high) in _INTEGER_CHECKS.items():
        check = DataValidation(
            type="whole",
            operator="between",
            formula1=str(low),
            formula2=str(high),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop",
            errorTitle="Ganze Zahl",
            error=f"Bitte eine ganze Zahl von {low} bis {high} eingeben.",
        )
        check.add(column(key))
        sheet.data_validations.append(check)
    dates = DataValidation(
        type="date",
        operator="greaterThan",
        formula1="36526",  # 01.01.2000
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle="Datum",
        error="Bitte ein Datum TT.MM.JJJJ eingeben.",
    )
    for key in _DATES:
        dates.add(column(key))
    sheet.data_validations.append(dates)


def _schools_sheet(sheet: Worksheet, schools: Sequence[School]) -> None:
    from openpyxl.styles import Font

    from seiteneinsteiger.export.cells import put

    put(sheet["A1"], f"Schulen aus dem Schulverzeichnis – {ATTRIBUTION}")
    sheet["A1"].font = Font(italic=True)
    for column, title in enumerate(("Schulnummer", "Schule", "Schulform", "Ort", "Rechtsform"), 1):
        cell = sheet.cell(row=2, column=column)
        put(cell, title)
        cell.font = Font(bold=True)
    for row, school in enumerate(schools, 3):
        values = (
            school.schulnummer,
            school.label,
            school.schulform.label,
            school.town,
            school.rechtsform,
        )
        for column, value in enumerate(values, 1):
            put(sheet.cell(row=row, column=column), value)
    for letter, width in zip("ABCDE", (13, 48, 22, 24, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A3"


def _help_sheet(sheet: Worksheet) -> None:
    from openpyxl.styles import Font

    from seiteneinsteiger.export.cells import put

    put(sheet["A1"], "Kapazitätstabelle für die Schulplatzsuche (seiteneinsteiger)")
    sheet["A1"].font = Font(bold=True)
    lines = [
        "Eine Zeile je Schule, Angebot und Zeitraum. Frei = Plätze gesamt − belegt − reserviert.",
        "Keine Namen oder anderen Angaben zu einzelnen Kindern eintragen.",
        "Vom KI vorgeschlagene Kinder nicht als 'reserviert' melden: das Programm zählt sie, "
        "bis sie in 'belegt' stehen.",
        "Prüfen: seiteneinsteiger schools check DATEI.xlsx; einlesen: seiteneinsteiger schools "
        "capacity import DATEI.xlsx (eine Meldung ersetzt die bisherige derselben Schule, "
        "desselben Angebots und derselben Klassen)",
        "",
    ]
    for row, text in enumerate(lines, 2):
        put(sheet.cell(row=row, column=1), text or None)
    start = len(lines) + 2
    put(sheet.cell(row=start, column=1), "Spalte")
    put(sheet.cell(row=start, column=2), "Bedeutung")
    for offset, (key, name, _) in enumerate(COLUMNS, 1):
        marker = " *" if key in _VALUE_REQUIRED else ""
        put(sheet.cell(row=start + offset, column=1), name + marker)
        put(sheet.cell(row=start + offset, column=2), _HELP[key])
    put(sheet.cell(row=start + len(COLUMNS) + 2, column=1), "* muss ausgefüllt sein")
    put(sheet.cell(row=start + len(COLUMNS) + 3, column=1), f"Schuldaten: {ATTRIBUTION}")
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100
