"""The family letter as a printable A4 PDF (fpdf2 with HarfBuzz text shaping).

Layout: the German text and the text in the family's language side by side, paragraph by
paragraph, so that the family and the school read the same letter. The family's column is
where its reader starts: on the left for left-to-right languages, on the right for Arabic,
Persian, Dari, Pashto and Sorani. Right-to-left text is shaped by HarfBuzz and ordered by the
Unicode bidirectional algorithm with the paragraph direction set explicitly (a paragraph that
begins with a Latin name stays a right-to-left paragraph) and is right-aligned. A German-only
letter uses the full width.

Every font is embedded (subset) from ``data/fonts``, so the PDF prints the same everywhere
without installed fonts. Only imported by the ``export family-letter`` command: fpdf2 is heavy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from fpdf import FPDF  # noqa: TID253 - the letter is rendered lazily, inside the command
from fpdf.enums import XPos, YPos  # noqa: TID253 - the letter is rendered lazily

from seiteneinsteiger.export.letter.content import Block, Kind, Letter
from seiteneinsteiger.export.letter.fonts import FAMILIES, fallback_order
from seiteneinsteiger.export.letter.texts import Language

PAGE_WIDTH = 210.0  # A4, mm
PAGE_HEIGHT = 297.0
MARGIN_X = 18.0
MARGIN_TOP = 16.0
MARGIN_BOTTOM = 18.0
GAP = 8.0
PT = 0.3528  # mm per point

#: Body size per font family in points; Naskh has a small x-height and needs a larger size.
BODY_SIZE = {"sans": 10.0, "arabic": 12.0, "ethiopic": 10.5}
LINE_FACTOR = 1.42
MARKER_WIDTH = 6.0  # the number or bullet of a list item, mm
LABEL_WIDTH = 33.0  # the label of a contact row, mm
GREY = (90, 90, 90)
BLACK = (0, 0, 0)
ACCENT = (31, 78, 121)


@dataclass(frozen=True, slots=True)
class Style:
    size_factor: float = 1.0
    bold: bool = False
    colour: tuple[int, int, int] = BLACK
    space_before: float = 0.0
    space_after: float = 1.6


LABEL_STYLE = Style(bold=True)
STYLES: dict[Kind, Style] = {
    Kind.headline: Style(1.45, bold=True, colour=ACCENT, space_after=2.0),
    Kind.heading: Style(1.15, bold=True, colour=ACCENT, space_before=2.4, space_after=1.2),
    Kind.paragraph: Style(),
    Kind.item: Style(space_after=0.8),
    Kind.note: Style(0.92, colour=GREY, space_after=0.6),
}


@dataclass(frozen=True, slots=True)
class Column:
    """Where one language is printed."""

    x: float
    width: float
    language: Language

    @property
    def font(self) -> str:
        return self.language.font


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    pdf: bytes
    pages: int


def render_letter(letter: Letter, *, created: dt.date) -> RenderedLetter:
    """The letter as PDF bytes (deterministic for the same letter and date)."""
    pdf = _new_pdf(letter, created)
    german, family = columns(letter)
    pdf.add_page()
    _sender(pdf, letter, german)
    _column_labels(pdf, german, family)
    for block in [*letter.meta, *letter.body]:
        _block(pdf, block, german, family)
    _contacts(pdf, letter, german, family)
    for block in letter.closing:
        _block(pdf, block, german, family)
    _signature(pdf, letter, german)
    return RenderedLetter(pdf=bytes(pdf.output()), pages=pdf.pages_count)


class _LetterPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_text_shaping(True, direction="ltr")
        self.set_font(FAMILIES["sans"].name, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")


def _new_pdf(letter: Letter, created: dt.date) -> FPDF:
    pdf = _LetterPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
    pdf.set_auto_page_break(True, margin=MARGIN_BOTTOM)
    pdf.c_margin = 0
    for family in FAMILIES.values():
        pdf.add_font(family.name, "", str(family.path(bold=False)))
        pdf.add_font(family.name, "B", str(family.path(bold=True)))
    pdf.set_text_shaping(True)
    pdf.set_title("Ergebnis der schulischen Erstberatung")  # never the child's name
    pdf.set_subject("Familienbrief")
    pdf.set_creator("seiteneinsteiger")
    pdf.set_lang(letter.language.code)
    pdf.set_creation_date(dt.datetime.combine(created, dt.time(12), tzinfo=dt.UTC))
    return pdf


def columns(letter: Letter) -> tuple[Column, Column | None]:
    """The German column and the family's column (``None`` for a German-only letter)."""
    german_language = Language("de", "Deutsch", "Deutsch", "ltr", "sans", True, "")
    full = PAGE_WIDTH - 2 * MARGIN_X
    if letter.german_only:
        return Column(MARGIN_X, full, german_language), None
    half = (full - GAP) / 2
    left, right = MARGIN_X, MARGIN_X + half + GAP
    if letter.language.rtl:
        return Column(left, half, german_language), Column(right, half, letter.language)
    return Column(right, half, german_language), Column(left, half, letter.language)


def _use(pdf: FPDF, column: Column, style: Style) -> float:
    """Select font, size and direction for ``column``; return the line height in mm."""
    size = BODY_SIZE[column.font] * style.size_factor
    pdf.set_font(FAMILIES[column.font].name, "B" if style.bold else "", size)
    pdf.set_fallback_fonts([FAMILIES[s].name for s in fallback_order(column.font)[1:]])
    pdf.set_text_shaping(True, direction="rtl" if column.language.rtl else "ltr")
    pdf.set_text_color(*style.colour)
    return size * PT * LINE_FACTOR


def _align(column: Column) -> str:
    return "R" if column.language.rtl else "L"


def _height(pdf: FPDF, column: Column, text: str, style: Style, indent: float) -> float:
    line = _use(pdf, column, style)
    lines = pdf.multi_cell(
        column.width - indent, line, text, align=_align(column), dry_run=True, output="LINES"
    )
    return float(len(cast(list[str], lines))) * line


def _write(pdf: FPDF, column: Column, text: str, style: Style, y: float, marker: str) -> None:
    line = _use(pdf, column, style)
    indent = MARKER_WIDTH if marker else 0.0
    if column.language.rtl:
        text_x, marker_x = column.x, column.x + column.width - indent
    else:
        text_x, marker_x = column.x + indent, column.x
    pdf.set_xy(text_x, y)
    pdf.multi_cell(column.width - indent, line, text, align=_align(column))
    if marker:
        pdf.set_xy(marker_x, y)
        pdf.set_text_shaping(True, direction="ltr")
        pdf.cell(indent, line, marker, align="R" if column.language.rtl else "L")


def _marker(block: Block) -> str:
    if block.kind is not Kind.item:
        return ""
    return f"{block.number}." if block.number is not None else "•"


def _block(pdf: FPDF, block: Block, german: Column, family: Column | None) -> None:
    """One block in both columns, kept together on one page."""
    style = STYLES[block.kind]
    marker = _marker(block)
    indent = MARKER_WIDTH if marker else 0.0
    parts: list[tuple[Column, str]] = [(german, block.german)]
    if family is not None and block.family is not None:
        parts.append((family, block.family))
    height = max(_height(pdf, column, text, style, indent) for column, text in parts)
    y = pdf.get_y() + style.space_before
    if y + height > PAGE_HEIGHT - MARGIN_BOTTOM:
        pdf.add_page()
        y = pdf.get_y()
    for column, text in parts:
        _write(pdf, column, text, style, y, marker)
    pdf.set_xy(MARGIN_X, y + height + style.space_after)


def _sender(pdf: FPDF, letter: Letter, german: Column) -> None:
    full = Column(MARGIN_X, PAGE_WIDTH - 2 * MARGIN_X, german.language)
    for index, line in enumerate(letter.sender):
        height = _use(pdf, full, Style(0.9, bold=index == 0, colour=GREY))
        pdf.set_x(MARGIN_X)
        pdf.multi_cell(full.width, height, line, align="L")
    pdf.ln(4)


def _column_labels(pdf: FPDF, german: Column, family: Column | None) -> None:
    if family is None:
        return
    y = pdf.get_y()
    style = Style(0.8, bold=True, colour=GREY)
    for column in (german, family):
        line = _use(pdf, column, style)
        pdf.set_xy(column.x, y)
        pdf.cell(column.width, line, column.language.native, align=_align(column))
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    rule_y = y + BODY_SIZE["sans"] * 0.8 * PT * LINE_FACTOR + 0.8
    for column in (german, family):
        pdf.line(column.x, rule_y, column.x + column.width, rule_y)
    pdf.set_xy(MARGIN_X, rule_y + 2.5)


def _contacts(pdf: FPDF, letter: Letter, german: Column, family: Column | None) -> None:
    """The contact rows: the labels in both languages, the value once (left to right)."""
    rows = letter.contacts.rows
    if not rows:
        return
    _block(pdf, letter.contacts.heading, german, family)
    for german_label, family_label, value in rows:
        height = _row_height(pdf, german, family, (german_label, family_label), value)
        y = pdf.get_y()
        if y + height > PAGE_HEIGHT - MARGIN_BOTTOM:
            pdf.add_page()
            y = pdf.get_y()
        _row(pdf, german, f"{german_label}:", value, y)
        if family is not None:
            _row(pdf, family, f"{family_label}:", value, y)
        pdf.set_xy(MARGIN_X, y + height + 0.6)
    pdf.ln(2.5)


def _row(pdf: FPDF, column: Column, label: str, value: str, y: float) -> None:
    line = _use(pdf, column, LABEL_STYLE)
    if column.language.rtl:
        label_x, value_x = column.x + column.width - LABEL_WIDTH, column.x
    else:
        label_x, value_x = column.x, column.x + LABEL_WIDTH
    pdf.set_xy(label_x, y)
    pdf.multi_cell(LABEL_WIDTH, line, label, align=_align(column))
    _use_value_font(pdf)
    pdf.set_xy(value_x, y)
    pdf.multi_cell(
        column.width - LABEL_WIDTH,
        line,  # the label's line height: label and value share their first baseline
        value,
        align="R" if column.language.rtl else "L",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )


def _row_height(
    pdf: FPDF, german: Column, family: Column | None, labels: tuple[str, str], value: str
) -> float:
    """The height of a contact row: the longest of the labels and the value."""
    heights = []
    for column, label in ((german, labels[0]), (family, labels[1])):
        if column is None:
            continue
        heights.append(_height(pdf, column, f"{label}:", LABEL_STYLE, column.width - LABEL_WIDTH))
        heights.append(_value_height(pdf, column, value))
    return max(heights)


def _use_value_font(pdf: FPDF) -> None:
    """Contact values (phone numbers, addresses, e-mail) are Latin, left to right everywhere."""
    pdf.set_font(FAMILIES["sans"].name, "", BODY_SIZE["sans"])
    pdf.set_fallback_fonts([FAMILIES[name].name for name in fallback_order("sans")[1:]])
    pdf.set_text_shaping(True, direction="ltr")
    pdf.set_text_color(*BLACK)


def _value_height(pdf: FPDF, column: Column, value: str) -> float:
    line = _use(pdf, column, LABEL_STYLE)
    _use_value_font(pdf)
    lines = pdf.multi_cell(column.width - LABEL_WIDTH, line, value, dry_run=True, output="LINES")
    return float(len(cast(list[str], lines))) * line


def _signature(pdf: FPDF, letter: Letter, german: Column) -> None:
    full = Column(MARGIN_X, PAGE_WIDTH - 2 * MARGIN_X, german.language)
    line = _use(pdf, full, Style())
    needed = line * len(letter.signature) + 2
    if pdf.get_y() + needed > PAGE_HEIGHT - MARGIN_BOTTOM:
        pdf.add_page()
    pdf.ln(2)
    for text in letter.signature:
        _use(pdf, full, Style())
        pdf.set_x(MARGIN_X)
        pdf.multi_cell(full.width, line, text, align="L")
