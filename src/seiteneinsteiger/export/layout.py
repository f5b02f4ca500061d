"""Print-ready layout shared by the workbooks: A4, fit to width, repeated header rows, footers,
header styles, safe and unique sheet titles.

Only imported by exporters (it imports openpyxl styles at module level).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import cast

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet.properties import PageSetupProperties  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet.worksheet import Worksheet  # noqa: TID253 - exporters load lazily

from seiteneinsteiger.export.cells import clean_text

MAX_SHEET_TITLE = 31
_FORBIDDEN_IN_TITLE = re.compile(r"[\[\]:*?/\\]")

TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, color="7F1D1D")
HEADER_FONT = Font(bold=True, color="FFFFFF")
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


def setup_print(
    ws: Worksheet,
    *,
    landscape: bool,
    title_rows: str | None = None,
    header: str | None = None,
) -> None:
    """A4, portrait or landscape, scaled to the page width, page numbers in the footer."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    properties = ws.sheet_properties.pageSetUpPr
    if properties is None:
        properties = ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    properties.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    if title_rows:
        ws.print_title_rows = title_rows
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


def text_lines(text: str, width: int) -> int:
    """How many printed lines ``text`` needs in a wrapped column ``width`` units wide."""
    per_line = max(width * CHARS_PER_WIDTH, 1.0)
    return sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))


def row_height(values: Iterable[tuple[object, int]]) -> float | None:
    """A row height that shows wrapped text fully: ``values`` are (value, column width)."""
    lines = max((text_lines(v, w) for v, w in values if isinstance(v, str)), default=1)
    return None if lines <= 1 else 15.0 * lines
