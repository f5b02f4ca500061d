"""The one way a value gets into a spreadsheet cell.

openpyxl infers a cell's type from its value: a string starting with ``=`` becomes a live formula
(``=HYPERLINK(...)`` in a pupil's name would run when the school opens the file) and ``#REF!``
becomes an error cell. Every exporter therefore writes through :func:`put` (normal worksheets),
:func:`write_only_cell` (write-only worksheets) or :class:`StyledRows` (the rows of a big
write-only sheet, the same cells faster), which

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
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # pragma: no cover - typing only; openpyxl is imported lazily
    from openpyxl import Workbook
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
#: The longest text a cell holds; openpyxl cuts longer text (``Cell.check_string``).
MAX_TEXT = 32_767


def write_only_cell(
    ws: WriteOnlyWorksheet, value: CellValue, *, number_format: str | None = None
) -> Cell:
    """A write-only cell holding ``value``, for ``ws.append`` in write-only mode.

    Never append plain values to a write-only sheet: openpyxl binds them the same unsafe way.
    """
    cell = _quiet_cell_class()(ws, column=1, row=1)  # what openpyxl's WriteOnlyCell(ws) makes
    put(cell, value, number_format=number_format)
    return cell


@lru_cache(maxsize=512)
def stored_date(day: dt.date, epoch: dt.datetime) -> float:
    """The number openpyxl writes into the file for the date ``day`` (a serial day number).

    A cell holding this number and a date format is written byte for byte as a cell holding
    the date, which openpyxl converts while writing: the date is converted once, when the
    shared cell is filled. The last 512 dates are remembered (intake and reference dates
    repeat from row to row); few enough that memory stays flat.
    """
    from openpyxl.utils.datetime import to_excel

    serial: float = to_excel(dt.date(day.year, day.month, day.day), epoch)  # type: ignore[no-untyped-call]
    return serial


class StyledRows:
    """The rows of a big write-only sheet, each value safe as with :func:`put`, fast.

    Every cell of a kind -- its number format (a date, an estimated date) and quote prefix, on
    top of the sheet's ``alignment`` if it has one -- has the same style, so the rows share
    one cell per kind: it gets its style once, openpyxl looks the style up once, and the cell
    is filled with each value just before openpyxl writes it (:meth:`row` is a generator).
    A date is stored as the number openpyxl would write for it (:func:`stored_date`). Without
    an alignment, values openpyxl binds exactly as :func:`put` would (``None``, numbers, clean
    text that is not an error code) stay plain values.

    The workbook is the same, byte for byte, as one with a cell from :func:`write_only_cell`
    for every value (with ``alignment`` set on each); styles and number formats are registered
    in the same order, as each kind is made when its first value comes.
    """

    def __init__(self, ws: WriteOnlyWorksheet, alignment: Alignment | None = None) -> None:
        workbook: Any = ws.parent  # openpyxl's stubs do not know its style registers
        if workbook.iso_dates:
            raise ValueError("StyledRows stores dates as serial numbers, not ISO 8601 text")
        self._ws = ws
        self._epoch: dt.datetime = workbook.epoch
        self._alignment = alignment
        self._kinds: dict[_Kind, Any] = {}  # Any: openpyxl's private slots

    def row(self, values: Iterable[CellValue]) -> Iterator[object]:
        """The items of one row for ``ws.append``, made as openpyxl writes them.

        Append the generator itself and draw nothing from it before: each shared cell is
        filled again for the next value of its kind.
        """
        item = self._item
        for value in values:
            yield item(value)

    def _item(self, value: CellValue) -> object:
        if isinstance(value, str):  # the most common value first
            return self._text(value)
        if value is None:
            return None if self._alignment is None else self._fill(_PLAIN, None, "n", None)
        if isinstance(value, bool):
            return self._text("ja" if value else "nein")
        if isinstance(value, int | float):
            return value if self._alignment is None else self._fill(_PLAIN, value, "n", value)
        if isinstance(value, dt.datetime):
            value = value.date()
        kind = _ESTIMATED if isinstance(value, EstimatedDate) else _DATE
        return self._fill(kind, stored_date(value, self._epoch), "n", value)

    def _text(self, value: str) -> object:
        text = value if value.isprintable() else clean_text(value)
        quoted = needs_quote_prefix(text)
        if self._alignment is None and not quoted:
            if text and text not in _ERROR_CODES:
                return text  # openpyxl binds it as put would
            return write_only_cell(self._ws, text)  # rare: no shared cell without a style
        if type(text) is not str or len(text) > MAX_TEXT:
            text = str(text)[:MAX_TEXT]  # as openpyxl's check_string
        return self._fill(_QUOTED if quoted else _PLAIN, text, "s", text)

    def _fill(self, kind: _Kind, value: object, data_type: str, first: CellValue) -> Cell:
        """The shared cell of ``kind`` holding ``value`` as put would leave it in the cell."""
        cell: Any = self._kinds.get(kind)
        if cell is None:  # the first value of its kind makes the cell, as put makes any cell
            cell = _shared_cell_class()(self._ws, column=1, row=1)
            if self._alignment is not None:
                cell.alignment = self._alignment
            put(cell, first)
            self._kinds[kind] = cell
        cell._value = value  # openpyxl writes it as it is
        cell.data_type = data_type
        return cast("Cell", cell)


#: The kinds of cell in StyledRows: (number format, quote prefix).
_Kind = tuple[str | None, bool]
_PLAIN: _Kind = (None, False)
_QUOTED: _Kind = (None, True)
_DATE: _Kind = (DATE_FORMAT, False)
_ESTIMATED: _Kind = (ESTIMATED_DATE_FORMAT, False)


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


@cache
def _shared_cell_class() -> type[Cell]:
    """A quiet cell that looks its style up once: the shared cell of a kind in StyledRows.

    It always has a style (every kind has one: an alignment, a number format or the quote
    prefix) that never changes after its first value.
    """

    class SharedCell(_quiet_cell_class()):  # type: ignore[misc]
        __slots__ = ("_style_id",)

        def __init__(self, ws: WriteOnlyWorksheet, *, column: int, row: int) -> None:
            super().__init__(ws, column=column, row=row)
            self._style_id: int | None = None

        @property
        def style_id(self) -> int:
            if self._style_id is None:
                self._style_id = int(self.parent.parent._cell_styles.add(self._style))
            return self._style_id

        @property
        def has_style(self) -> bool:
            return True

    return SharedCell


def cell_sheet(workbook: Workbook, title: str) -> WriteOnlyWorksheet:
    """A new write-only sheet of ``workbook`` (added last) for the rows of :class:`StyledRows`.

    openpyxl's write-only sheet tries every appended item as a plain value first and takes it
    as a cell only when that fails: an exception per cell, a fifth of the time of a 10,000-pupil
    overview whose every cell has a style (``benchmarks/export_bench.py``). This sheet takes a
    cell as a cell; plain values it binds as openpyxl does. The file is the same.
    """
    if not workbook.write_only:
        raise ValueError("cell_sheet is for write-only workbooks")
    sheet = _cell_sheet_class()(parent=workbook, title=title)
    book: Any = workbook  # openpyxl's stubs do not know _add_sheet
    book._add_sheet(sheet)  # what create_sheet does with the sheet it makes
    return sheet


@cache
def _cell_sheet_class() -> type[WriteOnlyWorksheet]:
    from openpyxl.cell.cell import Cell, WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    class CellSheet(WriteOnlyWorksheet):
        """openpyxl 3.1's ``WriteOnlyWorksheet._values_to_row``, with cells checked first."""

        def _values_to_row(self, values: Iterable[object], row_idx: int) -> Iterator[Cell]:
            plain = WriteOnlyCell(self)
            for col_idx, value in enumerate(values, 1):
                if value is None:
                    continue
                if isinstance(value, Cell):
                    cell = value
                else:
                    plain.value = value  # type: ignore[assignment] # ValueError if no cell can hold it
                    cell = plain
                cell.column = col_idx
                cell.row = row_idx
                if cell.hyperlink is not None:
                    cell.hyperlink.ref = cell.coordinate
                yield cell
                if cell is plain and (plain.has_style or plain.hyperlink):
                    plain = WriteOnlyCell(self)  # a date gave it a number format

    return CellSheet
