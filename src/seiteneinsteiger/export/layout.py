"""Print-ready layout shared by the workbooks: A4, fit to width, repeated header rows, footers,
header styles, safe and unique sheet titles.

Only imported by exporters (it imports openpyxl styles at module level).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import cast

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet.properties import PageSetupProperties  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet.worksheet import Worksheet  # noqa: TID253 - exporters load lazily

from seiteneinsteiger.export.cells import clean_text

MAX_SHEET_TITLE = 31
_FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")

#: Fonts name their family and size: a font without a name prints in the viewer's default
#: (LibreOffice: a serif), and the size is what the printed-size check reads.
FONT_NAME = "Calibri"
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
BOLD = Font(name=FONT_NAME, bold=True, size=11)
NOTE_FONT = Font(name=FONT_NAME, italic=True, color="7F1D1D", size=11)
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF", size=11)
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
SECTION_FILL = PatternFill("solid", fgColor="D9E2F3")
FLAG_FILL = PatternFill("solid", fgColor="FFF2CC")
WRAP = Alignment(wrap_text=True, vertical="top")
#: Values on a pupil sheet read like a form: numbers and dates left-aligned like the text.
VALUE = Alignment(wrap_text=True, vertical="top", horizontal="left")
TOP = Alignment(vertical="top")
THIN = Side(style="thin", color="BFBFBF")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

CONFIDENTIAL = "Vertraulich – nur für die aufnehmende Schule"


def as_sheet(ws: WriteOnlyWorksheet) -> Worksheet:
    """A write-only sheet seen as a worksheet for its layout attributes.

    Write-only sheets have the same column dimensions, panes, filter, conditional formatting
    and page setup as normal ones (``Worksheet._setup``); openpyxl's type stubs do not say so.
    """
    return cast(Worksheet, ws)


#: No printed text is smaller than this, after the page is scaled (tests check every sheet).
MIN_PRINTED_PT = 8.0
#: openpyxl's default font (Calibri 11): cells without a font of their own print in it.
BODY_PT = 11.0
#: Row height of one line of body text, in points.
LINE_PT = 15.0
A4_POINTS = (595.28, 841.89)  # portrait width, height
MARGIN_SIDE = 0.5  # inches
MARGIN_TOP_BOTTOM = 0.7  # inches


def column_points(width: float) -> float:
    """Printed width in points of a column ``width`` characters wide.

    Excel's rule for the default font (Calibri 11, digit width 7 px): 7 px per character plus
    5 px padding, at 96 px per inch.
    """
    return (7 * width + 5) * 0.75


def printable_points(*, landscape: bool) -> tuple[float, float]:
    """Width and height of the printable area of an A4 page, in points."""
    width, height = A4_POINTS[::-1] if landscape else A4_POINTS
    return width - 2 * 72 * MARGIN_SIDE, height - 2 * 72 * MARGIN_TOP_BOTTOM


def fit_scale(
    widths: Iterable[float], heights: Iterable[float] | None = None, *, landscape: bool
) -> float:
    """The scale a printer uses to fit the columns (and, with ``heights``, the rows) on a page."""
    page_width, page_height = printable_points(landscape=landscape)
    scale = min(1.0, page_width / max(sum(column_points(w) for w in widths), 1.0))
    if heights is not None:
        scale = min(scale, page_height / max(sum(heights), 1.0))
    return scale


def setup_print(
    ws: Worksheet,
    *,
    landscape: bool,
    title_rows: str | None = None,
    header: str | None = None,
    one_page: bool = False,
    scale: int | None = None,
    title_columns: str | None = None,
) -> None:
    """A4, portrait or landscape, page numbers in the footer.

    By default the sheet is scaled to the page width; ``one_page`` fits it on a single page
    (a cover), ``scale`` prints it at a fixed percentage over as many pages as it needs, left to
    right first, with ``title_rows``/``title_columns`` repeated on every page (a wide table).
    In write-only mode call this before the first row is appended: the fit flag is written in
    the sheet's header.
    """
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    properties = ws.sheet_properties.pageSetUpPr
    if properties is None:
        properties = ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    if scale is not None:
        properties.fitToPage = False
        ws.page_setup.scale = scale
        ws.page_setup.pageOrder = "overThenDown"
    else:
        properties.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP_BOTTOM
    if title_rows:
        ws.print_title_rows = title_rows
    if title_columns:
        ws.print_title_cols = title_columns
    footer, top = ws.oddFooter, ws.oddHeader
    if footer is not None:
        footer.center.text = "Seite &P von &N"
    if header and top is not None:
        top.center.text = header.replace("&", "&&")


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet title: at most 31 characters, none of ``[]:*?/\\``.

    Excel compares sheet titles case-insensitively; a clash gets `` (2)``, `` (3)``, ...
    """
    text = _FORBIDDEN_IN_TITLE.sub("-", clean_text(name)).replace("\n", " ").replace("\t", " ")
    text = text.strip().strip("'") or "Blatt"
    candidate = text[:MAX_SHEET_TITLE].rstrip()
    number = 2
    lowered = {title.casefold() for title in taken}
    while candidate.casefold() in lowered:
        suffix = f" ({number})"
        candidate = text[: MAX_SHEET_TITLE - len(suffix)].rstrip() + suffix
        number += 1
    taken.add(candidate)
    return candidate


#: A column width counts widths of the digit "0"; average text is about a tenth narrower.
CHARS_PER_WIDTH = 1.1


@lru_cache(maxsize=512)
def text_lines(text: str, width: float) -> int:
    """How many printed lines ``text`` needs in a wrapped column ``width`` units wide.

    Counted word by word, as the spreadsheet wraps: a word that does not fit on the line starts
    a new one. The last 512 texts are remembered: hints, measures and school forms repeat from
    row to row of a big overview.
    """
    per_line = max(width * CHARS_PER_WIDTH - 1, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0
        for word in paragraph.split():
            length = len(word)
            if used and used + 1 + length > per_line:
                lines += 1
                used = 0
            while length > per_line:  # a word longer than the line is broken
                lines += 1
                length -= int(per_line)
            used += (1 if used else 0) + length
    return max(lines, 1)


def row_height(values: Iterable[tuple[object, float]], *, font_pt: float = BODY_PT) -> float | None:
    """A row height that shows wrapped text fully: ``values`` are (value, column width)."""
    lines = 1
    for value, width in values:  # text_lines only where the text may not fit on one line
        if isinstance(value, str) and (
            len(value) > max(width * CHARS_PER_WIDTH - 1, 1.0) or "\n" in value
        ):
            lines = max(lines, text_lines(value, width))
    line = LINE_PT * font_pt / BODY_PT
    return None if lines <= 1 and font_pt <= BODY_PT else round(line * lines + 2, 1)


def append_row(
    ws: WriteOnlyWorksheet,
    cells: Sequence[object] | Iterator[object],
    *,
    index: int,
    height: float | None,
) -> None:
    """Append row number ``index`` of a write-only sheet with its own height.

    ``cells``: a list, or a generator such as :meth:`StyledRows.row` (drawn as it is written).

    The height is set just before the row is streamed and dropped right after, so memory stays
    flat however many rows follow.
    """
    dimensions = as_sheet(ws).row_dimensions
    if height:
        dimensions[index].height = height
    ws.append(cells)
    if height:
        del dimensions[index]
