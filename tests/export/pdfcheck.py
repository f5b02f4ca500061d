"""Reading a rendered PDF the way a printer and a reader see it (for the family-letter tests).

pypdf parses the file; this module walks the page content streams itself to get every text run
with its font, position and width, the glyphs it draws (and whether each one has an outline in
the embedded font, i.e. is no empty box) and its text through the font's ToUnicode map. Handles
what fpdf2 writes: Type0 fonts with Identity-H, CIDToGIDMap, ``Td``/``Tm``/``Tj``/``TJ``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ContentStream

A4 = (595.28, 841.89)  # points
MM = 72 / 25.4


@dataclass(frozen=True)
class Glyph:
    cid: int
    gid: int
    text: str  # what the glyph stands for (ToUnicode)
    has_outline: bool

    @property
    def visible(self) -> bool:
        """Whether the glyph must show ink (not a space, joiner or direction mark)."""
        return any(c.strip() and unicodedata.category(c) != "Cf" for c in self.text)

    @property
    def tofu(self) -> bool:
        """An empty box on paper: the font's .notdef, or no outline where ink is due."""
        return self.gid == 0 or (self.visible and not self.has_outline)


@dataclass(frozen=True)
class Run:
    page: int
    font: str  # the embedded font's name without the subset tag
    size: float
    x: float
    y: float
    width: float
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        """The run's text in the order the glyphs are drawn (left to right)."""
        return "".join(glyph.text for glyph in self.glyphs)

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def rtl(self) -> bool:
        return any(unicodedata.bidirectional(c) in ("R", "AL") for c in self.text)

    def logical(self) -> str:
        """The text in reading order: a right-to-left run is drawn last glyph first."""
        units = [glyph.text for glyph in self.glyphs]
        return "".join(reversed(units)) if self.rtl else "".join(units)


class _Font:
    def __init__(self, font: Any) -> None:
        descendant = font["/DescendantFonts"][0].get_object()
        self.name = str(font["/BaseFont"]).split("+", 1)[-1]
        self.widths = _widths(descendant.get("/W", []))
        self.default_width = float(descendant.get("/DW", 1000))
        cid_map = descendant.get("/CIDToGIDMap")
        raw = cid_map.get_object().get_data() if cid_map is not None else b""
        self.cid_to_gid = {
            cid: int.from_bytes(raw[2 * cid : 2 * cid + 2], "big") for cid in range(len(raw) // 2)
        }
        self.to_unicode = _to_unicode(font["/ToUnicode"].get_object().get_data())
        program = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        self.face = TTFont(io.BytesIO(program.get_data()))
        self.glyph_order = self.face.getGlyphOrder()

    def glyph(self, cid: int) -> Glyph:
        gid = self.cid_to_gid.get(cid, cid)
        text = self.to_unicode.get(cid, "")
        return Glyph(cid, gid, text, self._has_outline(gid))

    def _has_outline(self, gid: int) -> bool:
        if gid == 0 or gid >= len(self.glyph_order):
            return False
        glyph = self.face["glyf"][self.glyph_order[gid]]
        return bool(glyph.numberOfContours)

    def width(self, cids: list[int], size: float) -> float:
        return sum(self.widths.get(cid, self.default_width) for cid in cids) * size / 1000


def _widths(array: Any) -> dict[int, float]:
    widths: dict[int, float] = {}
    items = list(array)
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1]
        if isinstance(following, list) or hasattr(following, "__iter__"):
            for offset, width in enumerate(following):
                widths[first + offset] = float(width)
            index += 2
        else:
            for cid in range(first, int(following) + 1):
                widths[cid] = float(items[index + 2])
            index += 3
    return widths


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def _utf16(hexdigits: bytes) -> str:
    return bytes.fromhex(hexdigits.decode()).decode("utf-16-be")


def _to_unicode(cmap: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, text in _BFCHAR.findall(block):
            mapping[int(code, 16)] = _utf16(text)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in _BFRANGE.findall(block):
            first = ord(_utf16(start))
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


class RenderedPdf:
    """A PDF and its text runs."""

    def __init__(self, data: bytes) -> None:
        self.reader = PdfReader(io.BytesIO(data))

    @property
    def page_sizes(self) -> list[tuple[float, float]]:
        return [(float(p.mediabox.width), float(p.mediabox.height)) for p in self.reader.pages]

    @cached_property
    def runs(self) -> list[Run]:
        runs: list[Run] = []
        for number, page in enumerate(self.reader.pages, 1):
            resources: Any = page["/Resources"]
            fonts = {str(name): _Font(ref.get_object()) for name, ref in resources["/Font"].items()}
            runs.extend(_page_runs(number, page, fonts, self.reader))
        return runs

    @cached_property
    def embedded_fonts(self) -> set[str]:
        return {run.font for run in self.runs}


def _codes(operand: Any) -> list[int]:
    raw = bytes(getattr(operand, "original_bytes", operand))
    return [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw) - 1, 2)]


def _page_runs(number: int, page: Any, fonts: dict[str, _Font], reader: PdfReader) -> list[Run]:
    runs: list[Run] = []
    font: _Font | None = None
    size = 0.0
    line_x = line_y = x = 0.0
    saved: list[tuple[_Font | None, float]] = []  # the text state is part of the graphics state
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            saved.append((font, size))
        elif operator == b"Q" and saved:
            font, size = saved.pop()
        elif operator == b"BT":
            line_x = line_y = x = 0.0
        elif operator == b"Tf":
            font, size = fonts[str(operands[0])], float(operands[1])
        elif operator == b"Td":
            line_x += float(operands[0])
            line_y += float(operands[1])
            x = line_x
        elif operator == b"Tm":
            line_x, line_y = float(operands[4]), float(operands[5])
            x = line_x
        elif operator in (b"Tj", b"TJ") and font is not None:
            parts = operands[0] if operator == b"TJ" else [operands[0]]
            for part in parts:
                if isinstance(part, int | float) or type(part).__name__ in (
                    "FloatObject",
                    "NumberObject",
                ):
                    x -= float(part) / 1000 * size
                    continue
                cids = _codes(part)
                width = font.width(cids, size)
                glyphs = tuple(font.glyph(cid) for cid in cids)
                runs.append(Run(number, font.name, size, x, line_y, width, glyphs))
                x += width
    return runs


def _direction(run: Run) -> str:
    """``R`` (right-to-left letters), ``L`` (letters or digits written left to right), ``N``."""
    classes = {unicodedata.bidirectional(c) for c in run.text}
    if classes & {"R", "AL"}:
        return "R"
    if classes & {"L", "EN", "AN"}:
        return "L"
    return "N"


def _reading_order(visual: list[Run], rtl: bool) -> list[Run]:
    """The runs of one line (given left to right) in the order they are read.

    For a right-to-left line this undoes the bidirectional reordering: the line is read from
    the right, but a sequence of left-to-right runs (a Latin name, a date, a case number) is
    read left to right; neutral runs between two such runs belong to them.
    """
    if not rtl:
        return visual
    kinds = [_direction(run) for run in visual]
    for index, kind in enumerate(kinds):
        if kind == "N":
            before = next((k for k in reversed(kinds[:index]) if k != "N"), "R")
            after = next((k for k in kinds[index + 1 :] if k != "N"), "R")
            kinds[index] = "L" if before == after == "L" else "R"
    ordered: list[Run] = []
    index = len(visual) - 1
    while index >= 0:
        if kinds[index] == "L":
            start = index
            while start > 0 and kinds[start - 1] == "L":
                start -= 1
            ordered.extend(visual[start : index + 1])
            index = start - 1
        else:
            ordered.append(visual[index])
            index -= 1
    return ordered


def _joined(runs: list[Run]) -> str:
    """Runs of one line joined; a visible gap between two runs is a space."""
    text = ""
    previous: Run | None = None
    for run in runs:
        if previous is not None:
            gap = run.x - previous.right if run.x >= previous.x else previous.x - run.right
            text += " " if gap > 1.0 else ""
        text += run.logical()
        previous = run
    return text


def _marks_only(run: Run) -> bool:
    return all(unicodedata.category(c) == "Mn" or not c.strip() for c in run.text)


#: Runs below this height (points from the bottom of the page) are the footer (page numbers).
FOOTER = 15 * MM


def column_text(runs: list[Run], *, left: float, right: float, rtl: bool) -> str:
    """The text of the runs that start inside [left, right), in reading order, without footer.

    Lines top to bottom, page by page; within a line right to left for a right-to-left column
    (see :func:`_reading_order`). Combining marks placed on their own (Arabic vowel signs
    shifted by the font) are left out: compare with :func:`words`, which drops them too.
    """
    chosen = [
        run
        for run in runs
        if left - 0.5 <= run.x < right and run.y > FOOTER and not _marks_only(run)
    ]
    parts = [_joined(_reading_order(line, rtl)) for line in _lines(chosen)]
    return "\n".join(parts)


#: Runs of one line may sit a little higher or lower (a label and a value in different fonts).
LINE_TOLERANCE = 2.5


def _lines(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into lines (page by page, top to bottom), each line left to right."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (r.page, -r.y)):
        line = lines[-1] if lines else None
        if line and line[0].page == run.page and abs(line[0].y - run.y) <= LINE_TOLERANCE:
            line.append(run)
        else:
            lines.append([run])
    return [sorted(line, key=lambda r: r.x) for line in lines]


def words(text: str) -> list[str]:
    """The words and numbers of ``text``: punctuation, brackets, spaces and combining marks
    (vowel signs) dropped, tatweel and joiners ignored."""
    plain = "".join(
        c
        for c in unicodedata.normalize("NFD", text)
        if unicodedata.category(c) not in ("Mn", "Cf") and c != "\u0640"
    )
    return re.findall(r"\w+", unicodedata.normalize("NFC", plain))


def line_edges(
    runs: list[Run], *, left: float, right: float
) -> list[tuple[int, float, float, float]]:
    """(page, baseline, left edge, right edge) of every line inside [left, right), no footer."""
    chosen = [
        run
        for run in runs
        if left - 0.5 <= run.x < right
        and run.y > FOOTER
        and run.text.strip()
        and not _marks_only(run)
    ]
    return [
        (line[0].page, line[0].y, min(r.x for r in line), max(r.right for r in line))
        for line in _lines(chosen)
    ]
