"""The case overview for the counsellor and the Schulamt, built for 10,000 pupils and more.

The workbook is written in openpyxl's write-only mode: rows are streamed to a temporary file in
the private temp directory, so memory stays flat whatever the number of pupils (see
``benchmarks/export_bench.py``). Sheets:

* ``Deckblatt``: who, when, for whom, data protection, the fields and their legal basis;
* ``Fälle``: one row per case with every field of the Schulamt profile; rows with flags are
  highlighted by a conditional fill (it follows the data if someone edits the sheet);
* ``Auswertung``: counts by stage, recommended school form, age band and country of birth.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from openpyxl import Workbook  # noqa: TID253 - exporters load lazily
from openpyxl.formatting.rule import FormulaRule  # noqa: TID253 - exporters load lazily
from openpyxl.styles import Font, PatternFill  # noqa: TID253 - exporters load lazily
from openpyxl.utils import get_column_letter  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # noqa: TID253 - exporters load lazily

from seiteneinsteiger.export import layout
from seiteneinsteiger.export.cells import CellValue, StyledRows, cell_sheet, write_only_cell
from seiteneinsteiger.export.fields import CATALOGUE, Field
from seiteneinsteiger.export.profiles import Profile, ProfileField
from seiteneinsteiger.export.rows import ExportRow

COVER_TITLE = "Deckblatt"
CASES_TITLE = "Fälle"
SUMMARY_TITLE = "Auswertung"
SUMMARY_FIELDS = (
    "recommendation.stage",
    "recommendation.school_form",
    "pupil.age_band",
    "pupil.country_of_birth",
)
SUMMARY_HEADINGS = {
    "recommendation.stage": "Nach empfohlener Stufe",
    "recommendation.school_form": "Nach empfohlener Schulform (erste Empfehlung)",
    "pupil.age_band": "Nach Altersgruppe",
    "pupil.country_of_birth": "Nach Geburtsland",
}
PERCENT = "0.0 %"


@dataclass(frozen=True, slots=True)
class OverviewCover:
    created: dt.date
    ki: str | None = None
    left_out: int = 0


@dataclass(slots=True)
class OverviewResult:
    workbook: Workbook
    cases: list[str | None]


#: The cases sheet prints at this scale over as many landscape pages as it needs, the case id
#: and the name repeated on each: 11 pt prints at 9.4 pt.
CASES_SCALE = 85
#: Columns repeated on every printed page of the cases sheet (case id, family and given names).
KEY_FIELDS = ("case_id", "pupil.family_name", "pupil.given_names")
WIDE_FIELDS = {
    "recommendation.flags": 85,
    "recommendation.measures": 45,
    "recommendation.school_forms": 45,
}
COVER_WIDTHS = (32, 64)


def _width(spec: ProfileField) -> int:
    name = spec.name
    if name in WIDE_FIELDS:
        return WIDE_FIELDS[name]
    if name == "pupil.birth_date":
        return 22  # room for "01.01.2012 (geschätzt)"
    if name.endswith(("date", "_until")):
        return max(12, min(18, len(spec.header) + 2))
    if name in {"pupil.age", "recommendation.grade", "recommendation.flag_count"}:
        return 11
    return max(14, min(18, len(spec.header) + 2))  # longer headers wrap


def build_overview_workbook(
    rows: Iterable[ExportRow],
    profile: Profile,
    cover: OverviewCover | Callable[[], OverviewCover],
    *,
    workbook: Workbook | None = None,
) -> OverviewResult:
    """Stream ``rows`` (already filtered by consent) into a write-only workbook.

    ``rows`` may be a generator that reads and evaluates each intake as it is asked for; the
    cover is written last, so ``cover`` may be a function asked after the last row. The
    workbook (a new one, or ``workbook``, empty and write-only) is returned unsaved
    (write-only workbooks can be saved exactly once).
    """
    workbook = workbook or Workbook(write_only=True)
    cover_sheet = workbook.create_sheet(COVER_TITLE)
    cases_sheet = cell_sheet(workbook, CASES_TITLE)
    summary_sheet = workbook.create_sheet(SUMMARY_TITLE)

    specs = list(profile.fields)
    counters: dict[str, Counter[str]] = {name: Counter() for name in SUMMARY_FIELDS}
    summary_fields = [CATALOGUE[name] for name in SUMMARY_FIELDS]
    case_ids: list[str | None] = []

    widths = _prepare_cases_sheet(cases_sheet, specs)
    header = []
    for spec in specs:
        cell = write_only_cell(cases_sheet, spec.header)
        cell.font = layout.HEADER_FONT
        cell.fill = layout.HEADER_FILL
        cell.alignment = layout.WRAP
        header.append(cell)
    headers = [spec.header for spec in specs]
    layout.append_row(
        cases_sheet,
        header,
        index=1,
        height=layout.row_height(zip(headers, widths, strict=True)),
    )
    count = 0
    plain, wrapped = StyledRows(cases_sheet), StyledRows(cases_sheet, layout.VALUE)
    for row in rows:
        count += 1
        case_ids.append(row.intake.case_id)
        values = [spec.field.value(row) for spec in specs]
        # a row whose text does not fit its columns is as high as its longest text, its cells
        # wrapped and top-aligned; other rows pass most values plainly
        height = layout.row_height(zip(values, widths, strict=True))
        cells = (wrapped if height else plain).row(values)
        layout.append_row(cases_sheet, cells, index=count + 1, height=height)
        for summary in summary_fields:
            category = summary.category(row) if summary.category else None
            if isinstance(category, str):
                counters[summary.name][category] += 1
    _finish_cases_sheet(cases_sheet, specs, count)
    _write_summary(summary_sheet, summary_fields, counters, count)
    _write_cover(cover_sheet, profile, cover() if callable(cover) else cover, count)
    return OverviewResult(workbook=workbook, cases=case_ids)


def _prepare_cases_sheet(sheet: WriteOnlyWorksheet, specs: list[ProfileField]) -> list[int]:
    """Widths, panes and print settings (the sheet header: before the first append)."""
    ws = layout.as_sheet(sheet)
    widths = [_width(spec) for spec in specs]
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = width
    names = [spec.name for spec in specs]
    frozen = names.index("pupil.given_names") + 2 if "pupil.given_names" in names else 1
    ws.freeze_panes = f"{get_column_letter(frozen)}2"
    keys = 0
    while keys < len(names) and names[keys] in KEY_FIELDS:
        keys += 1
    layout.setup_print(
        ws,
        landscape=True,
        title_rows="1:1",
        title_columns=f"A:{get_column_letter(keys)}" if keys else None,
        scale=CASES_SCALE,
    )
    return widths


def _finish_cases_sheet(sheet: WriteOnlyWorksheet, specs: list[ProfileField], count: int) -> None:
    ws = layout.as_sheet(sheet)
    last_column = get_column_letter(max(len(specs), 1))
    last_row = count + 1
    ws.auto_filter.ref = f"A1:{last_column}{last_row}"
    names = [spec.name for spec in specs]
    formula: str | None = None
    if "recommendation.flag_count" in names:
        letter = get_column_letter(names.index("recommendation.flag_count") + 1)
        formula = f"${letter}2>0"
    elif "recommendation.flags" in names:
        letter = get_column_letter(names.index("recommendation.flags") + 1)
        formula = f"LEN(${letter}2)>0"
    if formula is not None and count:
        ws.conditional_formatting.add(
            f"A2:{last_column}{last_row}",
            FormulaRule(  # type: ignore[no-untyped-call]
                formula=[formula], fill=PatternFill("solid", bgColor="FFF2CC")
            ),
        )


def _write_summary(
    ws: WriteOnlyWorksheet, fields: list[Field], counters: dict[str, Counter[str]], total: int
) -> None:
    sheet = layout.as_sheet(ws)
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 12
    layout.setup_print(sheet, landscape=False)  # write-only: before the first row
    bold = Font(bold=True)
    title = write_only_cell(ws, "Auswertung der Fälle in dieser Mappe")
    title.font = Font(bold=True, size=14)
    ws.append([title])
    ws.append([write_only_cell(ws, "Fälle insgesamt"), write_only_cell(ws, total)])
    for summary in fields:
        ws.append([])
        heading = write_only_cell(ws, SUMMARY_HEADINGS.get(summary.name, summary.label))
        heading.font = bold
        ws.append([heading])
        header = [write_only_cell(ws, text) for text in (summary.label, "Anzahl", "Anteil")]
        for cell in header:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
        ws.append(header)
        counter = counters[summary.name]
        for category in _ordered(summary, counter):
            number = counter.get(category, 0)
            share: CellValue = number / total if total else None
            ws.append(
                [
                    write_only_cell(ws, category),
                    write_only_cell(ws, number),
                    write_only_cell(ws, share, number_format=PERCENT),
                ]
            )


def _ordered(summary: Field, counter: Counter[str]) -> list[str]:
    """Known categories in their natural order (zeros included), then others by count."""
    known = list(summary.categories)
    others = sorted((c for c in counter if c not in known), key=lambda c: (-counter[c], c))
    return known + others


def _write_cover(
    ws: WriteOnlyWorksheet, profile: Profile, cover: OverviewCover, count: int
) -> None:
    """The cover, on one portrait page: every explanation wrapped and its row high enough."""
    sheet = layout.as_sheet(ws)
    label_width, value_width = COVER_WIDTHS
    sheet.column_dimensions["A"].width = label_width
    sheet.column_dimensions["B"].width = value_width
    layout.setup_print(sheet, landscape=False, one_page=True)  # write-only: before any row
    line = 0

    def append(cells: list[object], height: float | None = None) -> None:
        nonlocal line
        line += 1
        layout.append_row(ws, cells, index=line, height=height)

    def pair(label: str, value: CellValue) -> None:
        label_cell = write_only_cell(ws, label)
        label_cell.font = layout.BOLD
        label_cell.alignment = layout.WRAP
        value_cell = write_only_cell(ws, value)
        value_cell.alignment = layout.VALUE
        append(
            [label_cell, value_cell],
            layout.row_height([(label, label_width), (value, value_width)]),
        )

    title = write_only_cell(ws, profile.title)
    title.font = layout.TITLE_FONT
    append([title], layout.row_height([], font_pt=layout.TITLE_FONT.sz or layout.BODY_PT))
    note = write_only_cell(ws, f"Vertraulich – Empfänger: {profile.recipient}")
    note.font = layout.NOTE_FONT
    append([note])
    append([])
    pair("Erstellt am", cover.created)
    pair("Erstellt von", cover.ki or "Kommunales Integrationszentrum")
    pair("Empfänger", profile.recipient)
    pair("Fälle in dieser Mappe", count)
    if cover.left_out:
        pair("Nicht aufgenommen", f"{cover.left_out} (ohne Einwilligung zur Weitergabe)")
    pair(
        "Markierung",
        f"Zeilen mit Hinweisen der Empfehlung sind im Blatt „{CASES_TITLE}“ gelb hinterlegt.",
    )
    pair(
        "Ausdruck",
        f"Das Blatt „{CASES_TITLE}“ wird quer über mehrere Seiten gedruckt; Fallnummer und "
        "Name stehen auf jeder Seite.",
    )
    append([])
    pair("Zweck", profile.purpose)
    pair(
        "Weitergabe",
        f"Nur für den Empfänger ({profile.recipient}). Bitte nicht weitergeben und nicht "
        "unverschlüsselt per E-Mail versenden.",
    )
    if profile.retention:
        pair("Aufbewahrung", profile.retention)
    pair(
        "Nachweis",
        "Die Weitergabe ist im Exportprotokoll vermerkt (Art. 15 DSGVO, VO-DV I § 3 Abs. 4).",
    )
    append([])
    heading = write_only_cell(ws, "Angaben in dieser Mappe und ihre Grundlage")
    heading.font = layout.BOLD
    append([heading])
    for spec in profile.fields:
        pair(spec.header, spec.basis)
