"""The one way a value gets into a spreadsheet cell.

openpyxl infers a cell's type from its value: a string starting with ``=`` becomes a live formula
(``=HYPERLINK(...)`` in a pupil's name would run when the school opens the file) and ``#REF!``
becomes an error cell. Every exporter therefore writes through :func:`put` (normal worksheets) or
:func:`write_only_cell` (write-only worksheets), which

* write text as a string cell (``data_type "s"``) and set ``quotePrefix`` (Excel's leading
  apostrophe) when it starts with ``= + - @`` tab, CR or LF (OWASP, ASVS 5.0 V1.2.10), so the
  text is never evaluated, not even after the cell is edited, and reads back unchanged;
* strip NUL and the other control characters XML cannot hold; tab and line breaks stay, CR and
  CRLF become LF (Excel's own line break; an XML reader would turn a raw CR into LF anyway, so
  this is the only way the text reads back exactly as written);
* write dates as real dates shown ``TT.MM.JJJJ`` (an :class:`EstimatedDate` as
  ``TT.MM.JJJJ (geschätzt)``), integers as numbers, ``None`` as an empty cell and booleans as
  ``ja``/``nein``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only; openpyxl is imported lazily
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.styles import Alignment
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CellValue = str | int | float | bool | dt.date | None

#: First characters that make a spreadsheet treat text as a formula or split it into cells.
DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Excel number format for dates (Excel shows it as TT.MM.JJJJ in a German locale).
DATE_FORMAT = "DD.MM.YYYY"
#: An estimated date reads "01.01.2012 (geschätzt)" and stays a date (sorting, filtering).
ESTIMATED_DATE_FORMAT = 'DD.MM.YYYY" (geschätzt)"'


class EstimatedDate(dt.date):
    """A date that is only estimated (``pupil.birth_date_estimated``); cells mark it."""

    @classmethod
    def of(cls, day: dt.date) -> EstimatedDate:
        return cls(day.year, day.month, day.day)


# C0 controls except tab, LF and CR, DEL, C1 controls, and the non-characters XML 1.0 forbids.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` without NUL and other control characters; line breaks as LF, tabs kept."""
    if text.isprintable():  # nothing to remove or change (the common case)
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def needs_quote_prefix(text: str) -> bool:
    return text.startswith(DANGEROUS_FIRST)


def put(cell: Cell | MergedCell, value: CellValue, *, number_format: str | None = None) -> None:
    """Put ``value`` into a cell of a normal worksheet, safely (see the module docstring)."""
    from openpyxl.cell.cell import MergedCell

    if isinstance(cell, MergedCell):
        raise ValueError(f"{cell.coordinate} is covered by a merged cell")
    if value is None:
        cell.value = None
        return
    if isinstance(value, bool):
        value = "ja" if value else "nein"
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        cell.data_type = "s"  # undo openpyxl's "=..." -> formula and "#REF!" -> error inference
        if needs_quote_prefix(text):
            cell.quotePrefix = True
        return
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, EstimatedDate):
        cell.value = dt.date(value.year, value.month, value.day)
        cell.number_format = ESTIMATED_DATE_FORMAT
        return
    if isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return
    cell.value = value
    if number_format is not None:
        cell.number_format = number_format


#: Strings openpyxl itself would turn into error cells (``openpyxl.cell.cell.ERROR_CODES``).
_ERROR_CODES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


def write_only_row(ws: WriteOnlyWorksheet, values: Iterable[CellValue]) -> list[object]:
    """A row for ``ws.append`` in write-only mode, as fast as it is safe.

    A value that openpyxl binds exactly as :func:`put` would (``None``, a number, a clean string
    that neither starts with a dangerous character nor is an error code) is passed as it is;
    everything else becomes a cell from :func:`write_only_cell`. Building a cell for every
    value costs a third of the time of a 10,000-pupil export (openpyxl formats an exception
    for each one), see ``benchmarks/export_bench.py``.
    """
    row: list[object] = []
    for value in values:
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            row.append(value)
        elif isinstance(value, str):
            text = clean_text(value)
            if text and not needs_quote_prefix(text) and text not in _ERROR_CODES:
                row.append(text)
            else:
                row.append(write_only_cell(ws, text))
        else:
            row.append(write_only_cell(ws, value))
    return row


def write_only_cell(
    ws: WriteOnlyWorksheet, value: CellValue, *, number_format: str | None = None
) -> Cell:
    """A write-only cell holding ``value``, for ``ws.append`` in write-only mode.

    Never append plain values to a write-only sheet: openpyxl binds them the same unsafe way.
    """
    cell = _quiet_cell_class()(ws, column=1, row=1)  # what openpyxl's WriteOnlyCell(ws) makes
    put(cell, value, number_format=number_format)
    return cell


def write_only_cells(
    ws: WriteOnlyWorksheet,
    values: Iterable[CellValue],
    alignment: Alignment,
    reuse: list[Cell] | None = None,
) -> list[Cell]:
    """One write-only cell per value (:func:`write_only_cell`), each with ``alignment``.

    The same cells as setting ``cell.alignment = alignment`` on each, but the alignment is
    registered once per row, not hashed again for every cell (a fifth of the time of a tall
    row in a 10,000-pupil overview, see ``benchmarks/export_bench.py``).

    ``reuse``: the cells of the sheet's previous such row, filled again (a write-only sheet
    writes a row's cells when the row is appended and keeps none of them); new cells are
    added to it as needed. Every cell gets a fresh style, so nothing of the last row stays.
    """
    from openpyxl.styles.cell_style import StyleArray

    workbook: Any = ws.parent  # openpyxl's stubs do not know its style registers
    aligned = StyleArray()
    aligned.alignmentId = workbook._alignments.add(alignment)
    cells: list[Any] = reuse if reuse is not None else []  # Any: openpyxl's private _style
    cell_class = _quiet_cell_class()
    count = 0
    for count, value in enumerate(values, 1):
        if count > len(cells):
            cells.append(cell_class(ws, column=1, row=1))
        cell = cells[count - 1]
        cell._style = StyleArray(aligned)  # what openpyxl's StyleDescriptor would store
        put(cell, value)
    del cells[count:]
    return cells


@cache
def _quiet_cell_class() -> type[Cell]:
    """openpyxl's cell with a short ``repr``.

    A write-only sheet first tries every appended item as a plain value and formats the item
    into the message of the ``ValueError`` that tells it is a cell; the usual ``repr`` works
    out the cell's coordinate each time. Only the ``repr`` differs: the file is the same.
    """
    from openpyxl.cell.cell import Cell

    class QuietCell(Cell):
        __slots__ = ()

        def __repr__(self) -> str:
            return "<Zelle>"

    return QuietCell
