"""The school workbook: what a school sees, and what it must never see."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from seiteneinsteiger.codes import RESIDENCE_LABELS, ConsentScope
from seiteneinsteiger.export.fields import get
from seiteneinsteiger.export.profiles import load_profile
from seiteneinsteiger.export.rows import ExportRow, split_by_consent
from seiteneinsteiger.export.school import (
    PUPIL_PREFIX,
    CoverInfo,
    build_school_workbook,
    pupil_sheet_name,
)

from .conftest import fake_recommend, rows_from


def _reload(workbook: Workbook) -> Workbook:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def _build(rows: list[ExportRow], **cover: Any) -> Workbook:
    kept, _ = split_by_consent(rows, ConsentScope.school)
    info = CoverInfo(created=dt.date(2026, 3, 1), **cover)
    return _reload(build_school_workbook(kept, load_profile("school"), info))


def _all_text(workbook: Workbook) -> Iterator[tuple[str, str, str]]:
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell.coordinate, str(cell.value)


@pytest.fixture
def school_book(example_rows: list[ExportRow]) -> Workbook:
    return _build(example_rows, ki="KI Kreis Mettmann", counsellor="S. Yilmaz")


def test_sheets_cover_overview_and_one_per_pupil(school_book: Workbook) -> None:
    names = school_book.sheetnames
    assert names[:2] == ["Deckblatt", "Übersicht"]
    assert names[-1] == "Grundlagen"  # the fields and their legal basis
    pupils = names[2:-1]
    assert len(pupils) == 15  # 17 examples, 2 without consent for the school
    assert "Schülerinformation – Haddad, A." in pupils
    for name in pupils:
        assert name.startswith(PUPIL_PREFIX)
        assert len(name) <= 31
        assert not re.search(r"[\[\]:*?/\\]", name)
    assert len({name.casefold() for name in names}) == len(names)


def test_pupil_sheet_holds_the_basisinformationen(school_book: Workbook) -> None:
    sheet = school_book["Schülerinformation – Haddad, A."]
    assert sheet["B1"].value == "Haddad, Amal"
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert values["Geburtsdatum"] == dt.datetime(2013, 2, 11)
    assert values["Erziehungsberechtigte und Kontakt"] == (
        "Rana Haddad (Mutter), Tel. +49 151 00000142\nKhaled Haddad (Vater), Tel. +49 151 00000143"
    )
    assert values["Sprache für den Kontakt mit der Familie"] == "Arabisch"
    assert values["Dolmetschen für Elterngespräche nötig"] == "ja"
    assert values["Unterbrechungen"] == "Schulbesuch unterbrochen: 2 Jahre"
    assert values["Erstsprache(n)"] == "Arabisch"
    assert values["Deutsch (GeR)"] == "keine Kenntnisse"
    assert values["Mathematik (Einschätzung)"] == "unter dem Altersniveau"
    assert values["Empfohlene Schulform"] == "Gesamtschule"
    assert values["Klasse / Jahrgangsstufe"] == 7
    assert values["Erstförderung"] == "ja"
    assert "lateinische Schrift muss noch gelernt werden" in str(values["Hinweise für die Schule"])
    sections = [
        row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] and row[1] is None
    ]
    assert sections == [
        "Person und Kontakt",
        "Bisheriger Schulbesuch",
        "Sprachen und Schriften",
        "Mathematik",
        "Empfehlung und Förderung",
        "Erstberatung",
    ]
    grade = next(c for c in sheet["A"] if c.value == "Klasse / Jahrgangsstufe")
    assert sheet.cell(row=grade.row, column=2).data_type == "n"


def test_nothing_confidential_anywhere_in_the_workbook(
    school_book: Workbook, example_rows: list[ExportRow]
) -> None:
    kept, _ = split_by_consent(example_rows, ConsentScope.school)
    forbidden: list[str] = [
        RESIDENCE_LABELS["state_facility"],
        "Landesunterkunft",
        "Dolmetscherpool",
    ]
    forbidden += ["Dolmetschen im Erstgespräch", "Geschwister", "Hören", "Schwerhörigkeit"]
    for row in kept:
        intake = row.intake
        for text in (intake.confidential_notes, intake.support_needs.health_note):
            if text:
                forbidden.append(text[:25])
        forbidden += [s.given_names for s in intake.family.siblings if s.given_names]
        forbidden += [s.school for s in intake.family.siblings if s.school]
    cells = list(_all_text(school_book))
    for needle in forbidden:
        pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
        hits = [(sheet, coord) for sheet, coord, text in cells if pattern.search(text)]
        assert not hits, f"{needle!r} found in {hits}"


def test_support_needs_reach_the_school_only_as_aosf_hint(school_book: Workbook) -> None:
    sheet = school_book["Schülerinformation – Krasniqi"]
    notes = next(
        row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "Hinweise für die Schule"
    )
    assert "AO-SF prüfen" in str(notes)


def test_pupils_without_consent_for_the_school_are_not_in_it(school_book: Workbook) -> None:
    text = " ".join(value for _, _, value in _all_text(school_book))
    assert "Aziz" not in text and "Stanikzai" not in text
    cover = {row[0]: row[1] for row in school_book["Deckblatt"].iter_rows(values_only=True)}
    assert cover["Schülerinnen und Schüler in dieser Mappe"] == 15


def test_cover_sheet_says_who_for_whom_and_why(school_book: Workbook) -> None:
    cover = school_book["Deckblatt"]
    values: dict[str, object] = {}
    for label, value in cover.iter_rows(values_only=True):
        if isinstance(label, str):
            values.setdefault(label, value)
    assert values["Erstellt am"] == dt.datetime(2026, 3, 1)
    assert values["Erstellt von"] == "KI Kreis Mettmann"
    assert values["Beraterin / Berater"] == "S. Yilmaz"
    assert values["Empfänger"] == "Aufnehmende Schule"
    assert str(values["Zweck"]).startswith("Aufnahme der Schülerin oder des Schülers")
    text = " ".join(str(v) for row in cover.iter_rows(values_only=True) for v in row if v)
    assert "Nur für die aufnehmende Schule" in text
    assert "Bitte nicht weitergeben" in text
    assert "So lesen Sie diese Arbeitsmappe" in text
    assert "Blatt „Grundlagen“" in text
    basis = school_book["Grundlagen"]
    rows = {row[0]: row[1] for row in basis.iter_rows(min_row=3, values_only=True)}
    assert rows["Geburtsdatum"] == "VO-DV I § 7 Abs. 2 (Geburtsdatum)"


def test_overview_has_one_row_per_pupil_with_filter_and_frozen_header(
    school_book: Workbook,
) -> None:
    sheet = school_book["Übersicht"]
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["Nachname", "Vorname(n)", "Geburtsdatum"]
    assert "Hinweise für die Schule" in header
    assert sheet.max_row == 16
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}16"
    assert sheet.freeze_panes == "C2"
    family_names = [str(row[0]) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert family_names == sorted(family_names, key=str.casefold)


def test_every_sheet_is_print_ready(school_book: Workbook) -> None:
    for sheet in school_book.worksheets:
        assert int(sheet.page_setup.paperSize or 0) == 9  # A4
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.sheet_properties.pageSetUpPr is not None
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert school_book["Übersicht"].page_setup.orientation == "landscape"
    assert school_book["Übersicht"].print_title_rows == "$1:$1"
    pupil = school_book.worksheets[2]
    assert pupil.page_setup.orientation == "portrait"
    assert pupil.column_dimensions["B"].width > 50


INJECTED = """\
format: seiteneinsteiger/intake@1
case_id: TEST-0001
intake_date: 2025-09-15
counselling:
  counsellor: '=HYPERLINK("http://x","y")'
  consent: {scope: [school]}
pupil:
  family_name: '=HYPERLINK("http://x","y")'
  given_names: "+49 170"
  birth_date: 2013-02-11
  municipality: "-5"
  address: {street: "@SUM(A1)", postcode: "40878"}
family:
  guardians: [{name: "=cmd|' /C calc'!A0", relation: mother, phone: "+49 151 1"}]
schooling:
  certificates: [{kind: grade_report, note: "\\t=1+1"}]
"""


def test_formula_payloads_in_names_and_free_text_stay_text(tmp_path: Path) -> None:
    source = tmp_path / "payload.yaml"
    source.write_text(INJECTED, encoding="utf-8")
    book = _build(rows_from([source]))
    sheet = book[book.sheetnames[2]]
    dangerous = [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t"
    ]
    values = {cell.value for cell in dangerous}
    assert {'=HYPERLINK("http://x","y")', "+49 170", "-5", "@SUM(A1)"} <= values
    assert "=cmd|' /C calc'!A0 (Mutter), Tel. +49 151 1" in values
    for cell in dangerous:
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    for each in book.worksheets:
        assert all(cell.data_type != "f" for row in each.iter_rows() for cell in row)


def test_sheet_names_are_shortened_safely_and_stay_unique(example_rows: list[ExportRow]) -> None:
    base = example_rows[1]
    assert pupil_sheet_name(base) == "Schülerinformation – Haddad, A."
    twins = []
    for given in ("Amal", "Amira"):
        pupil = base.intake.pupil.model_copy(update={"given_names": given, "family_name": "Ab:c/d"})
        intake = base.intake.model_copy(update={"pupil": pupil})
        twins.append(ExportRow(intake, fake_recommend(intake, "x"), "x"))
    book = _build(twins)
    assert book.sheetnames[2:] == [
        "Schülerinformation – Ab-c-d, A.",
        "Schülerinformation – Ab-c-d (2)",
        "Grundlagen",
    ]


def test_guardian_fields_come_from_the_field_catalogue(example_rows: list[ExportRow]) -> None:
    amal = example_rows[1]
    assert get("family.guardians").value(amal) is not None
    assert get("pupil.residence").value(amal) == "Kommune"
