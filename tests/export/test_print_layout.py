"""The workbooks print readably: read back the saved files and compute what a printer does.

For every sheet: the scale it prints at (a fixed scale, or the one that fits the columns, and
for covers the rows, on the page), the smallest font after that scale (at least 8 pt), and that
no text is cut off (text wider than its column, where the next cell is not empty, wraps, and its
row is high enough for all its lines). Labels are readable German names, estimated birth dates
are marked.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from seiteneinsteiger.codes import ConsentScope, country_name, language_name
from seiteneinsteiger.export import layout
from seiteneinsteiger.export.overview import (
    CASES_SCALE,
    OverviewCover,
    build_overview_workbook,
)
from seiteneinsteiger.export.profiles import load_profile
from seiteneinsteiger.export.rows import ExportRow, split_by_consent
from seiteneinsteiger.export.school import CoverInfo, build_school_workbook
from seiteneinsteiger.export.statistics import StatisticsCover, build_statistics_workbook

CREATED = dt.date(2026, 3, 1)


def _reload(workbook: Workbook) -> Workbook:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def _overview(rows: list[ExportRow]) -> Workbook:
    kept, _ = split_by_consent(rows, ConsentScope.schulamt)
    result = build_overview_workbook(
        kept, load_profile("schulamt"), OverviewCover(created=CREATED, left_out=1)
    )
    return _reload(result.workbook)


def _statistics(rows: list[ExportRow]) -> Workbook:
    book = build_statistics_workbook(
        rows, load_profile("statistics"), StatisticsCover(created=CREATED, left_out=2)
    )
    return _reload(book)


def _school(rows: list[ExportRow]) -> Workbook:
    kept, _ = split_by_consent(rows, ConsentScope.school)
    book = build_school_workbook(kept, load_profile("school"), CoverInfo(created=CREATED))
    return _reload(book)


@dataclass(frozen=True)
class Printed:
    """What a printer makes of one sheet."""

    scale: float
    smallest_font: float
    widths: list[float]

    @property
    def smallest_printed(self) -> float:
        return self.scale * self.smallest_font


def _widths(ws: Worksheet) -> list[float]:
    widths = [8.43] * ws.max_column  # Excel's default column width
    for dimension in ws.column_dimensions.values():
        if dimension.width:
            for column in range(dimension.min or 1, (dimension.max or 1) + 1):
                if column <= ws.max_column:
                    widths[column - 1] = dimension.width
    return widths


def _height(ws: Worksheet, row: int) -> float:
    height = ws.row_dimensions[row].height
    return float(height) if height else layout.LINE_PT


def printed(ws: Worksheet) -> Printed:
    setup = ws.page_setup
    landscape = setup.orientation == "landscape"
    widths = _widths(ws)
    properties = ws.sheet_properties.pageSetUpPr
    if properties is not None and properties.fitToPage:
        heights = [_height(ws, r) for r in range(1, ws.max_row + 1)]
        one_page = setup.fitToHeight == 1
        scale = layout.fit_scale(widths, heights if one_page else None, landscape=landscape)
    else:
        scale = (setup.scale or 100) / 100
    fonts = [
        float(cell.font.sz or layout.BODY_PT)
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    ]
    return Printed(scale, min(fonts, default=layout.BODY_PT), widths)


def cut_off(ws: Worksheet) -> list[str]:
    """Cells whose text a printer would cut: too long for the room it has and not wrapped, or
    wrapped in a row too low for its lines."""
    widths = _widths(ws)
    merged = {
        (r.min_row, r.min_col): sum(widths[c - 1] for c in range(r.min_col, r.max_col + 1))
        for r in ws.merged_cells.ranges
    }
    problems: list[str] = []
    for row in ws.iter_rows():
        for cell in row:
            if not isinstance(cell.value, str) or cell.column is None:
                continue
            column = int(cell.column)
            room = merged.get((cell.row, column), widths[column - 1])
            font = float(cell.font.sz or layout.BODY_PT)
            lines = layout.text_lines(cell.value, room * layout.BODY_PT / font)
            wrapped = bool(cell.alignment.wrap_text)
            if lines > 1 and not wrapped:
                free = column
                while free < len(widths) and ws.cell(cell.row, free + 1).value is None:
                    free += 1
                room = sum(widths[column - 1 : free])
                if layout.text_lines(cell.value, room * layout.BODY_PT / font) > 1:
                    problems.append(f"{ws.title}!{cell.coordinate}: nicht umbrochen")
            elif lines > 1:
                needed = lines * layout.LINE_PT * font / layout.BODY_PT
                if _height(ws, cell.row) < needed - 1:
                    problems.append(f"{ws.title}!{cell.coordinate}: Zeile zu niedrig")
    return problems


def _books(rows: list[ExportRow]) -> dict[str, Workbook]:
    return {
        "overview": _overview(rows),
        "statistics": _statistics(rows),
        "school": _school(rows),
    }


def test_every_sheet_prints_at_8_pt_or_more_without_cut_off_text(
    example_rows: list[ExportRow],
) -> None:
    for name, book in _books(example_rows).items():
        for ws in book.worksheets:
            result = printed(ws)
            assert result.smallest_printed >= layout.MIN_PRINTED_PT, (name, ws.title, result)
            assert ws.page_setup.paperSize == int(Worksheet.PAPERSIZE_A4)
            assert cut_off(ws) == [], name


def test_every_cover_is_one_portrait_page(example_rows: list[ExportRow]) -> None:
    for name, book in _books(example_rows).items():
        cover = book["Deckblatt"]
        assert cover.page_setup.orientation == "portrait", name
        properties = cover.sheet_properties.pageSetUpPr
        assert properties is not None and properties.fitToPage, name
        assert (cover.page_setup.fitToWidth, cover.page_setup.fitToHeight) == (1, 1), name
        # fitting on one page does not shrink the text below 8 pt
        assert printed(cover).smallest_printed >= layout.MIN_PRINTED_PT, name


def test_the_case_sheet_prints_over_several_pages_with_the_names_on_each(
    example_rows: list[ExportRow],
) -> None:
    cases = _overview(example_rows)["Fälle"]
    setup = cases.page_setup
    assert setup.orientation == "landscape"
    assert setup.scale == CASES_SCALE and setup.pageOrder == "overThenDown"
    properties = cases.sheet_properties.pageSetUpPr
    assert properties is not None and not properties.fitToPage
    assert str(cases.print_title_rows).replace("$", "") == "1:1"
    assert str(cases.print_title_cols).replace("$", "") == "A:C"
    assert [c.value for c in cases[1][:3]] == ["Fallnummer", "Nachname", "Vorname(n)"]
    result = printed(cases)
    assert result.smallest_printed >= 9  # 11 pt at 85 %
    # every other column fits on a page beside the repeated ones
    page_width, _ = layout.printable_points(landscape=True)
    room = page_width / result.scale - sum(layout.column_points(w) for w in result.widths[:3])
    assert all(layout.column_points(w) <= room for w in result.widths[3:])
    pages_across = _pages_across(result.widths[3:], room)
    assert 2 <= pages_across <= 6  # 28 columns beside the names, about five a page


def _pages_across(widths: list[float], room: float) -> int:
    pages, used = 1, 0.0
    for width in widths:
        points = layout.column_points(width)
        if used + points > room:
            pages, used = pages + 1, 0.0
        used += points
    return pages


def test_case_rows_are_as_high_as_their_hints(example_rows: list[ExportRow]) -> None:
    cases = _overview(example_rows)["Fälle"]
    header = [c.value for c in cases[1]]
    hints = header.index("Hinweise") + 1
    amal = next(row for row in cases.iter_rows(min_row=2) if row[1].value == "Haddad")
    cell = amal[hints - 1]
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
    lines = str(cell.value).count("\n") + 1
    assert cell.row is not None
    assert cases.row_dimensions[cell.row].height >= lines * layout.LINE_PT


def test_write_only_rows_keep_no_height_entries_in_memory(example_rows: list[ExportRow]) -> None:
    kept, _ = split_by_consent(example_rows * 20, ConsentScope.schulamt)
    result = build_overview_workbook(kept, load_profile("schulamt"), OverviewCover(created=CREATED))
    cases = layout.as_sheet(result.workbook["Fälle"])
    assert len(cases.row_dimensions) == 0  # heights are dropped once a row is streamed
    buffer = io.BytesIO()
    result.workbook.save(buffer)
    reloaded = load_workbook(io.BytesIO(buffer.getvalue()))["Fälle"]
    assert sum(1 for r in reloaded.row_dimensions.values() if r.height) > 100


def test_country_and_language_labels_read_like_german(example_rows: list[ExportRow]) -> None:
    assert country_name("SY") == "Syrien"
    assert country_name("IR") == "Iran"
    assert country_name("MD") == "Moldau"
    assert country_name("RU") == "Russland"
    assert country_name("XK") == "Kosovo"
    assert country_name("KR") == "Südkorea"  # pycountry's common name, in German
    assert country_name("ER") == "Eritrea"  # the ISO name where it reads well
    assert language_name("ps") == "Paschtu"
    assert language_name("prs") == "Dari"
    assert language_name("kmr") == "Kurdisch (Kurmandschi)"
    assert language_name("ckb") == "Kurdisch (Sorani)"
    assert language_name("ti") == "Tigrinya"
    assert language_name("rom") == "Romanes"
    assert language_name("sw") == "Swahili"  # no "(Makrosprache)"
    cases = _overview(example_rows)["Fälle"]
    values = {str(c.value) for row in cases.iter_rows(min_row=2) for c in row if c.value}
    assert "Syrien" in values and "Paschtu" in values
    assert not any("Arabische Republik" in v or "Afghanisch" in v for v in values)


@pytest.mark.parametrize("book", ["overview", "school"])
def test_an_estimated_birth_date_is_marked(example_rows: list[ExportRow], book: str) -> None:
    built = _books(example_rows)[book]
    sheet = built["Fälle"] if book == "overview" else built["Übersicht"]
    header = [c.value for c in sheet[1]]
    column = header.index("Geburtsdatum") + 1
    formats = {}
    for row in sheet.iter_rows(min_row=2):
        family = row[header.index("Nachname")].value
        formats[family] = (row[column - 1].value, row[column - 1].number_format)
    assert formats["Ahmadi"] == (dt.datetime(2012, 1, 1), 'DD.MM.YYYY" (geschätzt)"')
    assert formats["Haddad"] == (dt.datetime(2013, 2, 11), "DD.MM.YYYY")
    width = printed(sheet).widths[column - 1]
    assert width * layout.CHARS_PER_WIDTH >= len("01.01.2012 (geschätzt)")
    if book == "school":
        [pupil] = [ws for ws in built.worksheets if ws.title.startswith("Schülerinformation – Ahm")]
        cell = next(c for row in pupil.iter_rows() for c in row if c.value == "Geburtsdatum")
        value = pupil.cell(cell.row, 2)
        assert value.number_format == 'DD.MM.YYYY" (geschätzt)"'


def test_statistics_explanations_sit_beside_their_label(example_rows: list[ExportRow]) -> None:
    cover = _statistics(example_rows)["Deckblatt"]
    rows = [(r[0].value, r[1].value) for r in cover.iter_rows(max_col=2)]
    signs = next(i for i, (label, _) in enumerate(rows) if label == "Zeichen")
    assert rows[signs + 1][0] is None and "„x“" in str(rows[signs + 1][1])
    assert rows[signs + 2][0] is None and "zusammengefasst" in str(rows[signs + 2][1])


def test_column_points_follow_excels_rule() -> None:
    assert layout.column_points(8.43) == pytest.approx(48, abs=0.5)  # Excel's 64 px default
    assert layout.fit_scale([100], landscape=False) == pytest.approx(523.3 / 528.75, abs=0.01)
    assert get_column_letter(3) == "C"
