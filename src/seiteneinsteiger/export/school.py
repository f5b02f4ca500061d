"""The workbook for the receiving school.

Sheets: ``Deckblatt`` (who, when, for whom, how to read it, data protection; one page),
``Übersicht`` (one row per pupil), one ``Schülerinformation – <Name>`` sheet per pupil and
``Grundlagen`` (the fields and their legal basis). What a pupil sheet shows is the school
profile (``profiles/school.yaml``); confidential fields cannot be in it (see
:mod:`seiteneinsteiger.export.profiles`). Only pupils whose consent names the school may be
passed in (:func:`seiteneinsteiger.export.rows.split_by_consent`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook  # noqa: TID253 - exporters load lazily
from openpyxl.styles import Font  # noqa: TID253 - exporters load lazily
from openpyxl.utils import get_column_letter  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet.worksheet import Worksheet  # noqa: TID253 - exporters load lazily

from seiteneinsteiger.export import layout
from seiteneinsteiger.export.cells import CellValue, put
from seiteneinsteiger.export.profiles import AOSF_TEXT, Profile, ProfileField
from seiteneinsteiger.export.rows import ExportRow

PUPIL_PREFIX = "Schülerinformation – "
OVERVIEW_TITLE = "Übersicht"
COVER_TITLE = "Deckblatt"
BASIS_TITLE = "Grundlagen"
LABEL_WIDTH = 38
VALUE_WIDTH = 72
#: The cover is one portrait page: columns that fit its width at full size.
COVER_LABEL_WIDTH = 32
COVER_VALUE_WIDTH = 64


@dataclass(frozen=True, slots=True)
class ReceivingSchool:
    """The school the workbook is for, from the Ministry's directory (with its licence note)."""

    schulnummer: str
    name: str
    label: str  # the short name people know: "Ratingen, GE Martin-Luther-King"
    address: str
    credit: str  # "Schuldaten: Land NRW / … dl-de/by-2-0 (Stand: …)"

    @property
    def recipient(self) -> str:
        """How the export log names the recipient."""
        return f"Aufnehmende Schule: {self.label} ({self.schulnummer})"


@dataclass(frozen=True, slots=True)
class CoverInfo:
    """What the cover sheet says about the export."""

    created: dt.date
    ki: str | None = None
    counsellor: str | None = None
    left_out: int = 0
    school: ReceivingSchool | None = None


def sort_key(row: ExportRow) -> tuple[str, str, dt.date]:
    pupil = row.intake.pupil
    return (pupil.family_name.casefold(), pupil.given_names.casefold(), pupil.birth_date)


def pupil_sheet_name(row: ExportRow) -> str:
    """``Schülerinformation – Nachname, Vorname``, shortened to Excel's 31 characters.

    When the full name does not fit: ``Nachname, V.``, then ``Nachname V.``, then the family
    name alone (cut if needed). The full name is always in cell B1 of the sheet.
    """
    pupil = row.intake.pupil
    family, given = pupil.family_name.strip(), pupil.given_names.strip()
    room = layout.MAX_SHEET_TITLE - len(PUPIL_PREFIX)
    initial = given[:1]
    for candidate in (
        f"{family}, {given}",
        f"{family}, {initial}.",
        f"{family} {initial}.",
        family,
    ):
        if len(candidate) <= room:
            return PUPIL_PREFIX + candidate
    return PUPIL_PREFIX + family[:room]


def build_school_workbook(
    rows: Sequence[ExportRow], profile: Profile, cover: CoverInfo
) -> Workbook:
    """The school workbook for ``rows`` (already filtered by consent) under ``profile``.

    Pupils appear in alphabetical order of family name, given names and birth date.
    """
    rows = sorted(rows, key=sort_key)
    workbook = Workbook()
    taken: set[str] = set()
    cover_sheet = workbook.active
    assert cover_sheet is not None
    cover_sheet.title = layout.sheet_title(COVER_TITLE, taken)
    _write_cover(cover_sheet, rows, profile, cover)
    overview = workbook.create_sheet(layout.sheet_title(OVERVIEW_TITLE, taken))
    _write_overview(overview, rows, profile)
    for row in rows:
        sheet = workbook.create_sheet(layout.sheet_title(pupil_sheet_name(row), taken))
        _write_pupil(sheet, row, profile)
    _write_basis(workbook.create_sheet(layout.sheet_title(BASIS_TITLE, taken)), profile)
    return workbook


# --- cover ---------------------------------------------------------------------------------


def _write_cover(
    ws: Worksheet, rows: Sequence[ExportRow], profile: Profile, cover: CoverInfo
) -> None:
    ws.column_dimensions["A"].width = COVER_LABEL_WIDTH
    ws.column_dimensions["B"].width = COVER_VALUE_WIDTH
    line = 1

    def text(value: CellValue, *, font: Font | None = None, label: str | None = None) -> None:
        nonlocal line
        cells: list[tuple[object, float]] = []
        if label is not None:
            put(ws.cell(row=line, column=1), label)
            ws.cell(row=line, column=1).font = layout.BOLD
            ws.cell(row=line, column=1).alignment = layout.WRAP
            target = ws.cell(row=line, column=2)
            cells = [(label, COVER_LABEL_WIDTH), (value, COVER_VALUE_WIDTH)]
        else:
            target = ws.cell(row=line, column=1)
            ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=2)
            cells = [(value, COVER_LABEL_WIDTH + COVER_VALUE_WIDTH)]
        put(target, value)
        target.alignment = layout.VALUE
        if font is not None:
            target.font = font
        size = font.sz if font is not None and font.sz else layout.BODY_PT
        height = layout.row_height(cells, font_pt=size)
        if height:
            ws.row_dimensions[line].height = height
        line += 1

    counsellors = cover.counsellor or _distinct(r.intake.counselling.counsellor for r in rows)
    rulesets = _distinct(
        f"{r.recommendation.ruleset.id} {r.recommendation.ruleset.version}" for r in rows
    )
    text(profile.title, font=layout.TITLE_FONT)
    text(layout.CONFIDENTIAL, font=layout.NOTE_FONT)
    line += 1
    text(cover.created, label="Erstellt am")
    text(cover.ki or "Kommunales Integrationszentrum", label="Erstellt von")
    text(counsellors, label="Beraterin / Berater")
    school = cover.school
    if school is None:
        text(profile.recipient, label="Empfänger")
    else:
        text(f"{profile.recipient}: {school.name}", label="Empfänger")
        text(school.schulnummer, label="Schulnummer")
        text(school.address, label="Anschrift der Schule")
    text(len(rows), label="Schülerinnen und Schüler in dieser Mappe")
    if cover.left_out:
        text(
            f"{cover.left_out} (ohne Einwilligung der Familie zur Weitergabe an die Schule)",
            label="Nicht aufgenommen",
        )
    text(rulesets, label="Regelwerk der Empfehlung")
    line += 1
    text("So lesen Sie diese Arbeitsmappe", font=layout.BOLD)
    for paragraph in (
        f"• Das Blatt „{OVERVIEW_TITLE}“ zeigt jede Schülerin und jeden Schüler in einer Zeile; "
        "die Spalten lassen sich filtern.",
        f"• Für jede Schülerin und jeden Schüler gibt es ein Blatt „{PUPIL_PREFIX}Name“ mit den "
        "Angaben aus der Erstberatung, nach Themen gegliedert.",
        "• Die Empfehlung ist eine Entscheidungshilfe aus der Erstberatung. Über Aufnahme, "
        "Klasse und Förderung entscheiden die Schule und die Schulaufsicht.",
        f"• „{AOSF_TEXT}“ heißt: Eine besondere schulische Betreuung kommt in Betracht. Die "
        "Mappe enthält keine Gesundheits- oder Förderdiagnosen; Einzelheiten erfahren Sie von "
        "den Eltern.",
        "• Sprachstände sind nach dem Gemeinsamen Europäischen Referenzrahmen (GeR) angegeben: "
        "A1 (Anfänger) bis C2; „keine Kenntnisse“ heißt: noch kein Deutsch bzw. Englisch.",
    ):
        text(paragraph)
    line += 1
    text("Datenschutz", font=layout.BOLD)
    text(profile.purpose, label="Zweck")
    text(
        "Nur für die aufnehmende Schule. Bitte nicht weitergeben, nicht unverschlüsselt per "
        "E-Mail versenden und nicht auf privaten Geräten speichern.",
        label="Weitergabe",
    )
    if profile.retention:
        text(profile.retention, label="Aufbewahrung")
    text(
        "Die Weitergabe ist im Exportprotokoll des Kommunalen Integrationszentrums vermerkt "
        "(Art. 15 DSGVO, VO-DV I § 3 Abs. 4).",
        label="Nachweis",
    )
    text(
        f"Welche Angaben diese Mappe enthält und auf welcher Grundlage: Blatt „{BASIS_TITLE}“.",
        label="Angaben",
    )
    if school is not None:
        text(school.credit.removeprefix("Schuldaten: "), label="Schuldaten")
    layout.setup_print(ws, landscape=False, header=layout.CONFIDENTIAL, one_page=True)
    ws.print_area = f"A1:B{line - 1}"


def _write_basis(ws: Worksheet, profile: Profile) -> None:
    """The fields of the workbook and their legal basis (printed with a repeated header)."""
    ws.column_dimensions["A"].width = COVER_LABEL_WIDTH
    ws.column_dimensions["B"].width = COVER_VALUE_WIDTH
    put(ws.cell(row=1, column=1), "Angaben in dieser Mappe und ihre Grundlage")
    ws.cell(row=1, column=1).font = layout.TITLE_FONT
    ws.row_dimensions[1].height = layout.row_height([], font_pt=14)
    for column, title in enumerate(("Angabe", "Grundlage"), 1):
        cell = ws.cell(row=2, column=column)
        put(cell, title)
        cell.font = layout.HEADER_FONT
        cell.fill = layout.HEADER_FILL
    line = 3
    for spec in profile.fields:
        put(ws.cell(row=line, column=1), spec.header)
        put(ws.cell(row=line, column=2), spec.basis)
        ws.cell(row=line, column=1).alignment = layout.WRAP
        ws.cell(row=line, column=2).alignment = layout.WRAP
        height = layout.row_height(
            [(spec.header, COVER_LABEL_WIDTH), (spec.basis, COVER_VALUE_WIDTH)]
        )
        if height:
            ws.row_dimensions[line].height = height
        line += 1
    ws.freeze_panes = "A3"
    layout.setup_print(ws, landscape=False, title_rows="1:2", header=layout.CONFIDENTIAL)


# --- overview ------------------------------------------------------------------------------


def _column_width(spec: ProfileField) -> int:
    """Widths that fit the overview on one landscape page wide, 11 pt printing at 8 pt or more."""
    name = spec.name
    if name == "pupil.birth_date":
        return 22  # room for "01.01.2012 (geschätzt)"
    if name.endswith("_date"):
        return 12
    if name in {"recommendation.grade", "recommendation.erstfoerderung"}:
        return 14
    if name in {"recommendation.school_notes", "recommendation.flags"}:
        return 44
    if name == "recommendation.measures":
        return 32
    return max(12, min(20, len(spec.header) + 2))


def _write_overview(ws: Worksheet, rows: Sequence[ExportRow], profile: Profile) -> None:
    specs = profile.overview_fields
    widths = [_column_width(spec) for spec in specs]
    for column, (spec, width) in enumerate(zip(specs, widths, strict=True), 1):
        ws.column_dimensions[get_column_letter(column)].width = width
        cell = ws.cell(row=1, column=column)
        put(cell, spec.header)
        cell.font = layout.HEADER_FONT
        cell.fill = layout.HEADER_FILL
        cell.alignment = layout.WRAP
    header_height = layout.row_height(zip([spec.header for spec in specs], widths, strict=True))
    if header_height:
        ws.row_dimensions[1].height = header_height
    for line, row in enumerate(rows, 2):
        values = [spec.field.value(row) for spec in specs]
        for column, value in enumerate(values, 1):
            cell = ws.cell(row=line, column=column)
            put(cell, value)
            cell.alignment = layout.WRAP
            cell.border = layout.GRID
        height = layout.row_height(zip(values, widths, strict=True))
        if height:
            ws.row_dimensions[line].height = height
    last = get_column_letter(max(len(specs), 1))
    ws.freeze_panes = "C2" if len(specs) > 2 else "A2"
    ws.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
    layout.setup_print(ws, landscape=True, title_rows="1:1", header=layout.CONFIDENTIAL)


# --- one sheet per pupil -------------------------------------------------------------------


def _write_pupil(ws: Worksheet, row: ExportRow, profile: Profile) -> None:
    ws.column_dimensions["A"].width = LABEL_WIDTH
    ws.column_dimensions["B"].width = VALUE_WIDTH
    pupil = row.intake.pupil
    put(ws.cell(row=1, column=1), "Schülerinformation")
    ws.cell(row=1, column=1).font = layout.TITLE_FONT
    put(ws.cell(row=1, column=2), f"{pupil.family_name}, {pupil.given_names}")
    ws.cell(row=1, column=2).font = layout.TITLE_FONT
    put(ws.cell(row=2, column=1), layout.CONFIDENTIAL)
    ws.cell(row=2, column=1).font = layout.NOTE_FONT
    ws.merge_cells("A2:B2")
    line = 4
    for section, specs in profile.sections():
        for column in (1, 2):
            ws.cell(row=line, column=column).fill = layout.SECTION_FILL
        put(ws.cell(row=line, column=1), section)
        ws.cell(row=line, column=1).font = layout.BOLD
        line += 1
        for spec in specs:
            value = spec.field.value(row)
            label_cell = ws.cell(row=line, column=1)
            put(label_cell, spec.header)
            label_cell.alignment = layout.TOP
            value_cell = ws.cell(row=line, column=2)
            put(value_cell, value if value is not None else "–")
            value_cell.alignment = layout.VALUE
            if spec.name == "recommendation.school_notes" and value:
                value_cell.fill = layout.FLAG_FILL
            height = layout.row_height([(value, VALUE_WIDTH)])
            if height:
                ws.row_dimensions[line].height = height
            line += 1
        line += 1
    ws.freeze_panes = "A3"
    layout.setup_print(ws, landscape=False, title_rows="1:2", header=layout.CONFIDENTIAL)


def _distinct(values: Iterable[str | None]) -> str | None:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return ", ".join(seen) or None
