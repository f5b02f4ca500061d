"""The fonts bundled for the family letter, and which characters they can print.

Every script of the supported languages is covered by one bundled family (regular and bold) in
``data/fonts`` (Noto, SIL Open Font License 1.1; see ``data/fonts/README.md``): ``sans`` for
Latin, Cyrillic and Greek, ``arabic``, ``ethiopic``. A language names its family in the letter
texts (``font:``); that family is the main font of its column, the others are fallbacks for what
the text quotes (a Latin name inside Arabic text, German terms in parentheses).

:func:`missing_characters` answers, before anything is drawn, whether a text can be printed:
a character no bundled font has would come out as an empty box ("tofu").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[2] / "data" / "fonts"


@dataclass(frozen=True, slots=True)
class FontFamily:
    """One bundled family: the name the PDF uses and its two files."""

    name: str
    regular: str
    bold: str

    def path(self, bold: bool = False) -> Path:
        return FONT_DIR / (self.bold if bold else self.regular)


FAMILIES: dict[str, FontFamily] = {
    "sans": FontFamily("NotoSans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    "arabic": FontFamily(
        "NotoNaskhArabic", "NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"
    ),
    "ethiopic": FontFamily(
        "NotoSansEthiopic", "NotoSansEthiopic-Regular.ttf", "NotoSansEthiopic-Bold.ttf"
    ),
}

FONT_NAMES: tuple[str, ...] = tuple(FAMILIES)

#: Characters that are never drawn (line breaks, joiners, direction marks).
_INVISIBLE = frozenset("\n\t\u200b\u200c\u200d\u200e\u200f\u2066\u2067\u2068\u2069\ufeff")


def fallback_order(font: str) -> list[str]:
    """The language's own family first, then the others (the Latin-Cyrillic sans first)."""
    return [font, *(other for other in FONT_NAMES if other != font)]


@cache
def coverage(font: str) -> frozenset[int]:
    """The code points the regular face of family ``font`` maps to a glyph (its ``cmap``)."""
    from fontTools.ttLib import TTFont

    with TTFont(FAMILIES[font].path(), lazy=True) as face:
        return frozenset(face.getBestCmap())


def printable(character: str) -> bool:
    """Whether some bundled font has a glyph for ``character`` (invisible ones count as yes)."""
    if character in _INVISIBLE:
        return True
    point = ord(character)
    return any(point in coverage(font) for font in FONT_NAMES)


def missing_characters(texts: Iterable[str]) -> list[str]:
    """The characters of ``texts`` that no bundled font can print, each once, in order."""
    missing: list[str] = []
    for text in texts:
        for character in text:
            if character not in missing and not printable(character):
                missing.append(character)
    return missing


def describe(characters: Iterable[str]) -> str:
    """``U+4E2D (CJK UNIFIED IDEOGRAPH-4E2D)``, for messages: the code, never the text around it."""
    return ", ".join(
        f"U+{ord(c):04X} ({unicodedata.name(c, 'unbenanntes Zeichen')})" for c in characters
    )
