"""The texts of the family letter in every supported language (``data/letter/texts.yaml``).

The file lists the languages (code, names, writing direction, font family, whether a native speaker
has reviewed the translation) and, per text key, the German text and its translations. Loading
checks what a translator could get wrong without noticing: a missing language, an unknown key, a
placeholder (``{date}``) that the translation dropped, renamed or added. Every problem is
reported with ``FILE:LINE``.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from seiteneinsteiger.errors import Problem, UsageError
from seiteneinsteiger.export.letter.fonts import FAMILIES
from seiteneinsteiger.export.modelfile import file_error, load_model_file
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.yamlsource import Document

FORMAT = "seiteneinsteiger/family-letter-texts@1"
TEXTS_PATH = Path(__file__).resolve().parents[2] / "data" / "letter" / "texts.yaml"
GERMAN = "de"
TITLE = "Datei mit den Brieftexten"

Code = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]
Name = Annotated[str, Field(min_length=1, max_length=80)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LanguageSpec(_Model):
    code: Code
    name: Name
    native: Name
    direction: Literal["ltr", "rtl"] = "ltr"
    font: str = "sans"
    reviewed: bool = False
    date_suffix: Annotated[str, Field(max_length=20)] = ""


class TextsFile(_Model):
    format: Literal["seiteneinsteiger/family-letter-texts@1"]
    languages: Annotated[list[LanguageSpec], Field(min_length=1)]
    texts: dict[str, dict[str, Annotated[str, Field(min_length=1, max_length=1500)]]]


@dataclass(frozen=True, slots=True)
class Language:
    """A language the letter can be written in."""

    code: str
    name: str  # German name, for messages
    native: str  # the language's own name, printed above its column
    direction: str
    font: str  # the bundled font family for this language (fonts.FAMILIES)
    reviewed: bool
    date_suffix: str

    @property
    def rtl(self) -> bool:
        return self.direction == "rtl"


@dataclass(frozen=True, slots=True)
class LetterTexts:
    """Every text of the letter, by key and language code."""

    languages: dict[str, Language]
    texts: dict[str, dict[str, str]]
    source: str

    def language(self, code: str) -> Language:
        """The language ``code``; an unsupported one is a usage error listing the others."""
        language = self.languages.get(code)
        if language is None:
            raise UsageError(
                f"Für die Sprache '{code}' gibt es keinen Familienbrief",
                hint="Unterstützt: " + self.listing(),
            )
        return language

    def listing(self) -> str:
        return ", ".join(f"{lang.code} ({lang.name})" for lang in self.languages.values())

    def text(self, key: str, code: str, **values: object) -> str:
        """The text ``key`` in language ``code`` with its placeholders filled in."""
        return self.texts[key][code].format(**values).strip()


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@cache
def load_texts() -> LetterTexts:
    """The bundled letter texts (loaded and checked once per process)."""
    return load_texts_file(TEXTS_PATH, "data/letter/texts.yaml")


def load_texts_file(path: Path, display: str | None = None) -> LetterTexts:
    """Load and check a texts file; every problem is reported with ``FILE:LINE``."""
    source = display or str(path)
    document, parsed = load_model_file(
        path,
        source,
        TextsFile,
        kind=InputKind.LETTER,
        title=TITLE,
        expected="format, languages, texts",
    )
    problems = _check(document, parsed)
    if problems:
        raise file_error(TITLE, source, problems)
    languages = {
        spec.code: Language(
            code=spec.code,
            name=spec.name,
            native=spec.native,
            direction=spec.direction,
            font=spec.font,
            reviewed=spec.reviewed,
            date_suffix=spec.date_suffix,
        )
        for spec in parsed.languages
    }
    return LetterTexts(languages=languages, texts=parsed.texts, source=source)


def _check(document: Document, parsed: TextsFile) -> list[Problem]:
    problems: list[Problem] = []
    codes: list[str] = []
    for index, spec in enumerate(parsed.languages):
        if spec.code in codes:
            problems.append(
                document.problem(("languages", index, "code"), f"Sprache '{spec.code}' doppelt")
            )
        codes.append(spec.code)
        if spec.font not in FAMILIES:
            problems.append(
                document.problem(
                    ("languages", index, "font"),
                    f"unbekannte Schrift '{spec.font}' (erlaubt: {', '.join(FAMILIES)})",
                )
            )
    if GERMAN not in codes:
        problems.append(document.problem(("languages",), "Deutsch (de) fehlt"))
    for key, translations in parsed.texts.items():
        problems.extend(_check_text(document, key, translations, codes))
    return problems


def _check_text(
    document: Document, key: str, translations: dict[str, str], codes: list[str]
) -> list[Problem]:
    problems: list[Problem] = []
    for code in translations:
        if code not in codes:
            problems.append(
                document.problem(("texts", key, code), f"unbekannte Sprache '{code}'", at_key=True)
            )
    missing = [code for code in codes if code not in translations]
    if missing:
        problems.append(
            document.problem(("texts", key), f"Übersetzung fehlt für: {', '.join(missing)}")
        )
    german = translations.get(GERMAN)
    if german is None:
        return problems
    expected = placeholders(german)
    for code, text in translations.items():
        try:
            found = placeholders(text)
        except ValueError:
            problems.append(
                document.problem(("texts", key, code), "geschweifte Klammern passen nicht")
            )
            continue
        if found != expected:
            problems.append(
                document.problem(
                    ("texts", key, code),
                    f"Platzhalter {_names(found)} statt {_names(expected)} wie im deutschen Text",
                )
            )
    return problems


def _names(names: set[str]) -> str:
    return ", ".join("{" + name + "}" for name in sorted(names)) or "keine"
