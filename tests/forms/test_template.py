"""``form template``: a printable, fillable workbook for every language of the form.

These tests read the workbook's properties (cells, alignment, fonts, print settings); how it looks
on paper is checked by rendering it with LibreOffice (docs/cli/form.md, "Druckbild prüfen").
"""

from __future__ import annotations

import io
import stat
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.model import pick
from seiteneinsteiger.forms.template import (
    HINT_SIZE,
    TICK,
    TICKED,
    fit_scale,
)
from seiteneinsteiger.forms.values import bilingual

FORM = load_form()
LANGUAGES = FORM.languages
RIGHT_TO_LEFT = {"ar", "fa", "prs", "ps", "ckb"}
COUNSELLOR_QUESTIONS = [q for q in FORM.questions if q.counsellor_only]


def list_values(workbook: Any, name: str) -> list[str]:
    reference = workbook.defined_names[name].attr_text
    sheet_name, cells = reference.split("!")
    sheet = workbook[sheet_name.strip("'")]
    assert sheet.sheet_state == "hidden"
    return [str(row[0].value) for row in sheet[cells.replace("$", "")]]


def validation_for(sheet: Worksheet, coordinate: str) -> Any:
    found = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, coordinate
    return found[0]


def codes_of(workbook: Any) -> dict[tuple[str, str], tuple[str, int]]:
    """(question, choice) -> (sheet, row), read from the hidden codes sheet."""
    rows = workbook["_codes"].iter_rows(min_row=12, values_only=True)
    return {(row[3], row[4] or ""): (row[0], row[1]) for row in rows if row[0]}


def all_text(workbook: Any) -> str:
    return "\n".join(
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def columns_for(language: str) -> dict[str, str]:
    if language == "de":
        return {"de": "B", "answer": "C"}
    if language in RIGHT_TO_LEFT:
        return {"other": "B", "de": "C", "answer": "D"}
    return {"de": "B", "other": "C", "answer": "D"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_template_for_every_language(runner: CliRunner, tmp_path: Path, language: str) -> None:
    target = tmp_path / f"erfassung-{language}.xlsx"
    result = runner.invoke(app, ["form", "template", "--lang", language, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Vorlage geschrieben: {target}" in result.stdout
    assert "Exemplar für die Familie, ohne Fragen der Beratung" in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Formular", "_listen", "_codes"]
    sheet = workbook["Formular"]
    assert sheet.sheet_view.rightToLeft is (language in RIGHT_TO_LEFT)
    assert sheet.protection.sheet is True
    assert workbook["_codes"].sheet_state == "hidden"
    codes = codes_of(workbook)
    column = columns_for(language)
    header_row = next(row for row in sheet.iter_rows(max_row=12) if row[0].value == "Nr.")
    header = {cell.column_letter: cell.value for cell in header_row if cell.value}
    assert header[column["de"]] == "Frage (Deutsch)"
    assert header[column["answer"]] == bilingual(FORM.file.texts.answer, language)
    answer = column["answer"]
    for question in FORM.questions:
        if question.counsellor_only:
            assert (question.name, "") not in codes
            continue
        _sheet, row = codes[(question.name, "")]
        assert sheet[f"A{row}"].value == str(question.number)
        assert str(sheet[f"{column['de']}{row}"].value).startswith(pick(question.label, "de"))
        if language != "de":
            translated = str(sheet[f"{column['other']}{row}"].value)
            assert translated.startswith(pick(question.label, language))
        if question.type == "select_multiple":
            assert sheet[f"{answer}{row}"].protection.locked is True
        else:
            assert sheet[f"{answer}{row}"].protection.locked is False
        if question.type == "select_one":
            validation = validation_for(sheet, f"{answer}{row}")
            assert validation.showErrorMessage is True
            assert validation.errorStyle == "stop"
            assert list_values(workbook, validation.formula1.lstrip("=")) == [
                bilingual(c.label, language) for c in FORM.choices(question)
            ]
        choices = (
            [("yes", FORM.file.texts.yes), ("no", FORM.file.texts.no)]
            if question.type == "boolean"
            else [(c.code, c.label) for c in FORM.choices(question)]
            if question.type in ("select_one", "select_multiple")
            else []
        )
        for code, label in choices:  # on paper: one tick box per choice, in both languages
            _sheet, choice_row = codes[(question.name, code)]
            assert sheet[f"{column['de']}{choice_row}"].value == pick(label, "de")
            if language != "de" and pick(label, language) != pick(label, "de"):
                assert sheet[f"{column['other']}{choice_row}"].value == pick(label, language)
            tick = sheet[f"{answer}{choice_row}"]
            assert tick.value == TICK
            assert tick.protection.locked is False
            validation = validation_for(sheet, tick.coordinate)
            assert list_values(workbook, validation.formula1.lstrip("=")) == [TICKED, TICK]


@pytest.mark.parametrize("language", LANGUAGES)
def test_printed_on_a4_fitted_to_width_with_readable_hints(kit: Any, language: str) -> None:
    workbook = load_workbook(io.BytesIO(kit.template_bytes(language, "family")[0]))
    sheet = workbook["Formular"]
    setup = sheet.page_setup
    assert setup.paperSize == 9  # A4
    assert setup.orientation == ("portrait" if language == "de" else "landscape")
    properties = sheet.sheet_properties.pageSetUpPr
    assert properties is not None and properties.fitToPage is True
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    widths = [sheet.column_dimensions[c].width for c in ["A", *columns_for(language).values()]]
    scale = fit_scale(widths, setup.orientation, sheet.page_margins.left)
    assert scale == 100  # fitting to the width never shrinks the print
    hint_sizes = [
        cell.font.size
        for row in sheet.iter_rows()
        for cell in row
        if cell.value and cell.font.color is not None and cell.font.color.rgb == "00404040"
    ]
    assert hint_sizes and min(hint_sizes) * scale / 100 >= 10
    last = columns_for(language)["answer"]
    assert sheet.print_area == f"'Formular'!$A$1:${last}${sheet.max_row}"
    header = next(r[0].row for r in sheet.iter_rows(max_row=12) if r[0].value == "Nr.")
    assert sheet.print_title_rows == f"${header}:${header}"


@pytest.mark.parametrize("language", ["de", "ar", "uk", "ti"])
def test_page_breaks_never_separate_a_question_from_its_choices(kit: Any, language: str) -> None:
    workbook = load_workbook(io.BytesIO(kit.template_bytes(language, "family")[0]))
    sheet = workbook["Formular"]
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    assert breaks  # a long form has several pages
    question_rows = {row for (name, choice), (_s, row) in codes_of(workbook).items() if not choice}
    section_rows = {
        r[0].row for r in sheet.iter_rows() if r[1].fill.fgColor.rgb == "00D9E2F3" and r[1].value
    }
    for after in breaks:
        assert after + 1 in question_rows | section_rows, after  # a page starts with a block


def test_arabic_reads_right_to_left_next_to_german(kit: Any) -> None:
    workbook = load_workbook(io.BytesIO(kit.template_bytes("ar", "family")[0]))
    sheet = workbook["Formular"]
    row = codes_of(workbook)[("birth_date", "")][1]
    # the reader's language comes first: in a right-to-left sheet column B is read before C
    assert sheet[f"B{row}"].value == "تاريخ ميلاد الطفل *"
    assert sheet[f"C{row}"].value == "Geburtsdatum des Kindes *"
    assert sheet[f"B{row}"].alignment.readingOrder == 2
    assert sheet[f"B{row}"].alignment.horizontal == "right"
    assert sheet[f"C{row}"].alignment.readingOrder == 1
    hint_de, hint_ar = sheet[f"C{row + 1}"], sheet[f"B{row + 1}"]
    assert hint_de.value.startswith("Bitte so schreiben: Tag.Monat.Jahr")
    assert hint_ar.value.startswith("يرجى كتابة التاريخ الميلادي هكذا")
    assert (hint_ar.alignment.readingOrder, hint_ar.alignment.horizontal) == (2, "right")
    assert (hint_de.alignment.readingOrder, hint_de.alignment.horizontal) == (1, "left")
    assert hint_ar.font.size >= HINT_SIZE and hint_de.font.size >= HINT_SIZE
    assert not hint_ar.font.italic  # no slanted Arabic
    gender = codes_of(workbook)[("gender", "d")][1]
    assert sheet[f"B{gender}"].value == "divers (خيار ثالث في القانون الألماني: لا أنثى ولا ذكر)"
    assert sheet[f"D{gender}"].value == TICK


def test_ukrainian_reads_left_to_right_german_first(kit: Any) -> None:
    workbook = load_workbook(io.BytesIO(kit.template_bytes("uk", "family")[0]))
    sheet = workbook["Formular"]
    assert sheet.sheet_view.rightToLeft is False
    codes = codes_of(workbook)
    row = codes[("nationality_2", "")][1]
    assert sheet[f"B{row}"].value == "Hat Ihr Kind noch eine zweite Staatsangehörigkeit? Welche?"
    assert sheet[f"C{row}"].value == "Чи має ваша дитина друге громадянство? Яке?"
    hint = sheet[f"C{row + 1}"]
    assert hint.value == (
        "Якщо у вашої дитини немає другого громадянства, залиште це поле порожнім."
    )
    assert (hint.alignment.readingOrder, hint.font.size) == (1, HINT_SIZE)
    youth = codes[("guardian_1_relation", "youth_office")][1]
    assert sheet[f"B{youth}"].value == "Jugendamt"
    assert sheet[f"C{youth}"].value == "Jugendamt (міська служба у справах дітей і молоді)"


def test_family_copy_holds_no_counsellor_question(kit: Any) -> None:
    workbook = load_workbook(io.BytesIO(kit.template_bytes("ar", "family")[0]))
    text = all_text(workbook)
    for question in COUNSELLOR_QUESTIONS:
        assert pick(question.label, "de") not in text
        assert question.name not in text
    assert "Aufenthaltsgrundlage" not in text
    assert "Duldung" not in text


def test_counsellor_copy_adds_the_german_sheet_beratung(kit: Any, runner: CliRunner) -> None:
    data, _codes = kit.template_bytes("ar", "counsellor")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Formular", "Beratung", "_listen", "_codes"]
    sheet = workbook["Beratung"]
    assert sheet.sheet_view.rightToLeft is False
    assert sheet.page_setup.orientation == "portrait"
    found = codes_of(workbook)
    for question in COUNSELLOR_QUESTIONS:
        sheet_name, row = found[(question.name, "")]
        assert sheet_name == "Beratung"
        assert str(sheet[f"B{row}"].value).startswith(pick(question.label, "de"))
    basis = found[("residence_basis", "tolerated")][1]
    assert sheet[f"B{basis}"].value == "Duldung / ausreisepflichtig"
    family = workbook["Formular"]
    assert "Aufenthaltsgrundlage" not in "".join(
        str(c.value) for r in family.iter_rows() for c in r if c.value
    )


def test_signature_line_below_the_consent(kit: Any) -> None:
    workbook = load_workbook(io.BytesIO(kit.template_bytes("uk", "family")[0]))
    sheet = workbook["Formular"]
    row = next(r[1].row for r in sheet.iter_rows() if r[1].value == FORM.text("signature", "de"))
    assert sheet[f"C{row}"].value == "Підпис одного з батьків або опікуна"
    assert sheet[f"D{row}"].border.bottom.style == "medium"
    consent = codes_of(workbook)[("consent_date", "")][1]
    assert row > consent


def test_unreviewed_translation_is_marked_for_the_counsellor(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["form", "template", "--lang", "uk", "-o", str(tmp_path / "uk.xlsx")]
    )
    assert result.exit_code == 0
    assert "noch nicht muttersprachlich geprüft" in result.stderr
    sheet = load_workbook(tmp_path / "uk.xlsx")["Formular"]
    assert any(
        "noch nicht muttersprachlich geprüft" in str(sheet[f"A{row}"].value) for row in range(1, 9)
    )


def test_unknown_language_and_wrong_suffix_are_usage_errors(
    runner: CliRunner, tmp_path: Path
) -> None:
    unknown = runner.invoke(
        app, ["form", "template", "--lang", "xx", "-o", str(tmp_path / "x.xlsx")]
    )
    assert unknown.exit_code == 2
    assert "Sprache 'xx' hat der Fragebogen nicht" in unknown.stderr
    suffix = runner.invoke(app, ["form", "template", "-o", str(tmp_path / "x.xls")])
    assert suffix.exit_code == 2
    assert ".xlsx" in suffix.stderr
    copy = runner.invoke(app, ["form", "template", "--copy", "schule", "-o", str(tmp_path / "x")])
    assert copy.exit_code == 2


def test_existing_file_is_not_overwritten_without_force(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "de.xlsx"
    target.write_bytes(b"old")
    refused = runner.invoke(app, ["form", "template", "-o", str(target)])
    assert refused.exit_code == 1
    assert "existiert bereits" in refused.stderr
    assert target.read_bytes() == b"old"
    forced = runner.invoke(app, ["form", "template", "-o", str(target), "--force"])
    assert forced.exit_code == 0
    assert target.read_bytes()[:2] == b"PK"
