"""Bounds for untrusted input: how large, how deep and how repetitive a file may be.

Every file the tool reads is refused, with one clear message, when it is not a regular file (a
named pipe, a device such as ``/dev/zero``, a socket) or when it is larger than the limit of its
kind in :class:`InputKind`. A YAML or JSON document is refused when it nests deeper than
:data:`MAX_DEPTH` levels or when its aliases (``*anker``) would add more than
:data:`MAX_ALIAS_NODES` entries or :data:`MAX_ALIAS_TEXT` characters. The limits are generous
for real files (an intake is about 3 KB and 5 levels deep, the bundled questionnaire 270 KB and
8 levels, the deepest rule file 12 levels) and small enough that a hostile file is refused in
milliseconds instead of running for minutes.

The README's table "Grenzen für Eingabedateien" shows the same figures; ``tests/test_docs.py``
checks that it agrees with this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

KIB = 1024
MIB = 1024 * KIB

#: Nesting levels of lists and mappings in one YAML/JSON document (the root counts as level 1).
MAX_DEPTH = 50

#: Entries that aliases may add to a YAML document when expanded (a "billion laughs" file would
#: add billions); the document's own entries do not count.
MAX_ALIAS_NODES = 10_000

#: Characters of text that aliases may add (a long text repeated a thousand times).
MAX_ALIAS_TEXT = 1_000_000


@dataclass(frozen=True, slots=True)
class FileLimit:
    label: str  # German, for the README table
    phrase: str  # German, for messages: "eine Intake-Datei darf höchstens 1 MB groß sein"
    max_bytes: int


class InputKind(Enum):
    """The kinds of files the tool reads, each with its size limit."""

    INTAKE = FileLimit("Intake-Datei (`.yaml`, `.yml`, `.json`)", "eine Intake-Datei", 1 * MIB)
    INTAKE_LINES = FileLimit(
        "Intake-Sammeldatei (`.jsonl`, ein Intake je Zeile)", "eine .jsonl-Datei", 64 * MIB
    )
    RULES = FileLimit("Regeldatei (`ruleset.yaml`, Regeltabellen)", "eine Regeldatei", 2 * MIB)
    RULE_TESTS = FileLimit(
        "Testfälle eines Regelsatzes (`*.tests.yaml`)", "eine Testdatei", 4 * MIB
    )
    FORM = FileLimit("Fragebogen (`.yaml`)", "ein Fragebogen", 4 * MIB)
    FORM_TESTS = FileLimit(
        "Testfälle eines Fragebogens (`*.tests.yaml`)", "eine Testdatei", 4 * MIB
    )
    PROFILE = FileLimit("Exportprofil (`.yaml`)", "ein Exportprofil", 1 * MIB)
    CONFIG = FileLimit("Einstellungen (`config.yaml`)", "die Datei config.yaml", 64 * KIB)
    LETTER = FileLimit(
        "Texte und Einstellungen des Familienbriefs (`.yaml`)",
        "eine Datei des Familienbriefs",
        1 * MIB,
    )
    WORKBOOK = FileLimit(
        "ausgefülltes Excel-Formular (`.xlsx`)", "ein ausgefülltes Formular", 10 * MIB
    )
    SCHOOL_DIRECTORY = FileLimit(
        "Schulverzeichnis NRW (`schuldaten.csv`; ganz NRW hat 1,7 MB)",
        "ein Schulverzeichnis",
        50 * MIB,
    )
    SCHOOL_DISTRICTS = FileLimit(
        "Zuordnung der Gemeinden zu Kreisen (`districts.yaml`)", "eine Zuordnungsdatei", 1 * MIB
    )
    CAPACITY = FileLimit(
        "Kapazitätstabelle des Schulamts (`.csv`, `.xlsx`)", "eine Kapazitätstabelle", 10 * MIB
    )

    @property
    def label(self) -> str:
        return self.value.label

    @property
    def max_bytes(self) -> int:
        return self.value.max_bytes


def size_text(size: int) -> str:
    """A file size for people, in German notation: ``64 KB``, ``1 MB``, ``75,3 MB``."""
    if size < MIB:
        kilobytes = size / KIB
        return f"{kilobytes:.0f} KB" if kilobytes >= 1 or size == 0 else f"{size} Bytes"
    megabytes = size / MIB
    text = f"{megabytes:.0f}" if megabytes.is_integer() else f"{megabytes:.1f}".replace(".", ",")
    return f"{text} MB"
