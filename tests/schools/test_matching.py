"""A sibling's school is matched only when the free text names exactly one school."""

from __future__ import annotations

from seiteneinsteiger.schools.directory import Directory
from seiteneinsteiger.schools.matching import match_school


def test_conservative_matching_of_free_text(shipped: Directory) -> None:
    unna = shipped.in_area(["05978"])

    def found(text: str) -> str | None:
        school = match_school(text, unna)
        return school.schulnummer if school else None

    assert found("Gesamtschule Kamen") == "194487"
    assert found("Kamen, GE Gutenbergstraße") == "194487"
    assert found("GS Eichendorffschule Kamen") == "135604"
    assert found("Realschule Kamen") == "194578"
    assert found("GS Kamen-Mitte") is None  # no Grundschule "Mitte" in Kamen
    assert found("Grundschule Kamen") is None  # six of them: ambiguous
    assert found("Kamen") is None
    assert found("Gymnasium Gesamtschule Kamen") is None  # two forms named
    assert found("") is None
