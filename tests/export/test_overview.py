"""The case overview for the Schulamt (write-only workbook)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections import Counter

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from seiteneinsteiger.codes import ConsentScope, Stage
from seiteneinsteiger.export.overview import OverviewCover, build_overview_workbook
from seiteneinsteiger.export.profiles import load_profile
from seiteneinsteiger.export.rows import ExportRow, split_by_consent


def _book(rows: list[ExportRow], left_out: int = 0) -> tuple[Workbook, list[str | None]]:
    result = build_overview_workbook(
        rows,
        load_profile("schulamt"),
        OverviewCover(created=dt.date(2026, 3, 1), left_out=left_out),
    )
    buffer = io.BytesIO()
    result.workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())), result.cases


def test_cases_sheet_has_every_case_with_flags_and_dates(example_rows: list[ExportRow]) -> None:
    kept, left = split_by_consent(example_rows, ConsentScope.schulamt)
    book, cases = _book(kept, len(left))
    assert book.sheetnames == ["Deckblatt", "Fälle", "Auswertung"]
    sheet = book["Fälle"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Fallnummer", "Nachname", "Vorname(n)"]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == len(kept) == len(cases) == 16
    yusuf = next(r for r in rows if r["Nachname"] == "Al-Khatib")
    assert "Landesunterkunft" in str(yusuf["Hinweise"])  # the Schulamt decides on Schulpflicht
    assert yusuf["Anzahl Hinweise"] == 2
    assert yusuf["Beratungsdatum"] == dt.datetime(2025, 10, 13)
    assert all(h != "Gesundheitsvermerk" and h != "Vertrauliche Beratungsnotizen" for h in header)


def test_cases_sheet_cells_show_dates_numbers_and_wrapped_text(
    example_rows: list[ExportRow],
) -> None:
    """What a reader sees in each cell: the header white on blue, dates as dates (an estimated
    birth date says so), numbers as numbers; a row too long for its columns wrapped, top- and
    left-aligned in every cell, empty ones included (text typed in later wraps too)."""
    book, _ = _book(example_rows)
    sheet = book["Fälle"]
    first = sheet["A1"]
    assert first.font.b and first.font.color.rgb == "00FFFFFF"
    assert first.fill.fgColor.rgb == "001F4E79" and first.alignment.wrap_text
    header = [c.value for c in sheet[1]]
    rows = {row[1].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}
    zahra, yusuf = rows["Ahmadi"], rows["Al-Khatib"]
    assert zahra["Geburtsdatum"].value == dt.datetime(2012, 1, 1)
    assert zahra["Geburtsdatum"].number_format == 'DD.MM.YYYY" (geschätzt)"'
    assert yusuf["Geburtsdatum"].value == dt.datetime(2014, 12, 1)
    assert yusuf["Geburtsdatum"].number_format == "DD.MM.YYYY"
    assert yusuf["Beratungsdatum"].number_format == "DD.MM.YYYY"
    assert yusuf["Alter"].data_type == "n" and yusuf["Alter"].value == 10
    assert yusuf["Anzahl Hinweise"].data_type == "n"
    cells = [cell for row in rows.values() for cell in row.values()]
    assert any(cell.value is None for cell in cells)
    assert all(sheet.row_dimensions[row].height for row in range(2, sheet.max_row + 1))
    for cell in cells:
        assert (cell.alignment.wrap_text, cell.alignment.vertical) == (True, "top")
        assert cell.alignment.horizontal == "left" and not cell.quotePrefix


def test_short_rows_keep_dates_and_safe_text_without_wrapping(
    example_rows: list[ExportRow],
) -> None:
    """Rows that fit their columns are neither wrapped nor high; dates, numbers and text that
    looks like a formula are the same as in long rows."""
    profile = load_profile("schulamt")
    short = {"case_id", "pupil.family_name", "pupil.birth_date", "pupil.age"}
    narrow = dataclasses.replace(
        profile, fields=tuple(spec for spec in profile.fields if spec.name in short)
    )
    row = next(r for r in example_rows if r.intake.pupil.birth_date_estimated)
    pupil = row.intake.pupil.model_copy(update={"family_name": "=1+1"})
    intake = row.intake.model_copy(update={"pupil": pupil})
    risky = ExportRow(intake, row.recommendation, row.source)
    result = build_overview_workbook(
        [risky, example_rows[0]], narrow, OverviewCover(created=dt.date(2026, 3, 1))
    )
    buffer = io.BytesIO()
    result.workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Fälle"]
    name, birth, age = sheet["B2"], sheet["C2"], sheet["D2"]
    assert (name.value, name.data_type, name.quotePrefix) == ("=1+1", "s", True)
    assert birth.value == dt.datetime(2012, 1, 1)
    assert birth.number_format == 'DD.MM.YYYY" (geschätzt)"'
    assert sheet["C3"].number_format == "DD.MM.YYYY" and sheet["C3"].value
    assert age.data_type == "n" and isinstance(age.value, int)
    for cell in (*sheet[2], *sheet[3]):
        assert not cell.alignment.wrap_text
    assert not sheet.row_dimensions[2].height and not sheet.row_dimensions[3].height


def test_flagged_rows_are_highlighted_by_a_conditional_fill(example_rows: list[ExportRow]) -> None:
    book, _ = _book(example_rows)
    sheet = book["Fälle"]
    header = [c.value for c in sheet[1]]
    count_column = get_column_letter(header.index("Anzahl Hinweise") + 1)
    formats = list(sheet.conditional_formatting)
    assert len(formats) == 1
    assert str(formats[0].sqref) == f"A2:{get_column_letter(len(header))}18"
    rule = formats[0].rules[0]
    assert rule.formula == [f"${count_column}2>0"]
    assert rule.dxf.fill is not None
    assert sheet.freeze_panes == "D2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.page_setup.orientation == "landscape"


def test_summary_counts_by_stage_school_form_age_band_and_country(
    example_rows: list[ExportRow],
) -> None:
    book, _ = _book(example_rows)
    rows = list(book["Auswertung"].iter_rows(values_only=True))
    assert ("Fälle insgesamt", 17, None) in rows
    stages = Counter(row.recommendation.stage for row in example_rows)
    sek1 = next(r for r in rows if r[0] == "Sekundarstufe I")
    assert sek1[1] == stages[Stage.sek1]
    assert sek1[2] == pytest.approx(stages[Stage.sek1] / 17)
    headings = [r[0] for r in rows if r[0] and r[1] is None]
    assert headings[1:] == [
        "Nach empfohlener Stufe",
        "Nach empfohlener Schulform (erste Empfehlung)",
        "Nach Altersgruppe",
        "Nach Geburtsland",
    ]
    eritrea = next(r for r in rows if r[0] == "Eritrea")
    assert eritrea[1] == 1
    assert eritrea[2] == pytest.approx(1 / 17)


def test_many_cases_stream_through(example_rows: list[ExportRow]) -> None:
    many = example_rows * 120  # 2,040 rows
    book, cases = _book(many)
    assert book["Fälle"].max_row == len(many) + 1
    assert len(cases) == len(many)


def test_names_with_formula_payloads_stay_text(example_rows: list[ExportRow]) -> None:
    row = example_rows[0]
    pupil = row.intake.pupil.model_copy(update={"family_name": "=1+1", "given_names": "@SUM(A1)"})
    risky = ExportRow(
        row.intake.model_copy(update={"pupil": pupil}), row.recommendation, row.source
    )
    book, _ = _book([risky])
    for cell in book["Fälle"][2][1:3]:
        assert cell.data_type == "s" and cell.quotePrefix is True
    assert book["Fälle"]["B2"].value == "=1+1"
