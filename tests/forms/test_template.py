"""``form template``: a printable, fillable workbook for every language of the form."""

from __future__ import annotations

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
from seiteneinsteiger.forms.values import bilingual

LANGUAGES = load_form().languages
RIGHT_TO_LEFT = {"ar", "fa", "prs", "ps", "ckb"}


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


@pytest.mark.parametrize("language", LANGUAGES)
def test_template_for_every_language(runner: CliRunner, tmp_path: Path, language: str) -> None:
    target = tmp_path / f"erfassung-{language}.xlsx"
    result = runner.invoke(app, ["form", "template", "--lang", language, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Vorlage geschrieben: {target}" in result.stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    form = load_form()
    workbook = load_workbook(target)
    sheet = workbook["Formular"]
    assert sheet.sheet_view.rightToLeft is (language in RIGHT_TO_LEFT)
    assert sheet.protection.sheet is True
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == ("portrait" if language == "de" else "landscape")
    assert workbook["_codes"].sheet_state == "hidden"
    codes = {
        (row[2].value, row[3].value): row[0].value
        for row in workbook["_codes"].iter_rows(min_row=9)
        if row[0].value
    }
    header_row = next(row for row in sheet.iter_rows(max_row=10) if row[0].value == "Nr.")
    header = [cell.value for cell in header_row]
    if language == "de":
        assert header == ["Nr.", "Frage (Deutsch)", "Antwort", "Hinweis"]
        answer = "C"
    else:
        assert header[:2] == ["Nr.", "Frage (Deutsch)"]
        assert header[3] == bilingual(form.file.texts.answer, language)
        answer = "D"
    for question in form.questions:
        row = codes[(question.name, None)]
        assert sheet[f"A{row}"].value == str(question.number)
        assert str(sheet[f"B{row}"].value).startswith(pick(question.label, "de"))
        if language != "de" and not question.counsellor_only:
            assert str(sheet[f"C{row}"].value).startswith(pick(question.label, language))
        cells: list[tuple[str, list[str]]] = []
        if question.type == "select_one":
            labels = [
                bilingual(c.label, language)
                if not question.counsellor_only
                else pick(c.label, "de")
                for c in form.choices(question)
            ]
            cells.append((f"{answer}{row}", labels))
        elif question.type == "boolean":
            cells.append(
                (
                    f"{answer}{row}",
                    [
                        bilingual(form.file.texts.yes, language),
                        bilingual(form.file.texts.no, language),
                    ],
                )
            )
        elif question.type == "select_multiple":
            yes_no = [
                bilingual(form.file.texts.yes, language),
                bilingual(form.file.texts.no, language),
            ]
            for choice in form.choices(question):
                cells.append((f"{answer}{codes[(question.name, choice.code)]}", yes_no))
        else:
            input_cell = sheet[f"{answer}{row}"]
            assert input_cell.protection.locked is False
        for coordinate, labels in cells:
            validation = validation_for(sheet, coordinate)
            assert validation.type == "list"
            assert validation.showErrorMessage is True
            assert validation.errorStyle == "stop"
            assert list_values(workbook, validation.formula1.lstrip("=")) == labels
            assert sheet[coordinate].protection.locked is False


def test_arabic_labels_read_right_to_left_next_to_german(tmp_path: Path, kit: Any) -> None:
    target = tmp_path / "ar.xlsx"
    target.write_bytes(kit.template_bytes("ar")[0])
    sheet = load_workbook(target)["Formular"]
    row = next(r for r in sheet.iter_rows(min_row=8) if r[0].value == "11")
    assert row[1].value == "Geburtsdatum des Kindes *"
    assert row[2].value == "تاريخ ميلاد الطفل *"
    assert row[2].alignment.readingOrder == 2
    assert "11.02.2013" in str(row[4].value)


def test_unreviewed_translation_is_marked_for_the_counsellor(
    runner: CliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["form", "template", "--lang", "uk", "-o", str(tmp_path / "uk.xlsx")]
    )
    assert result.exit_code == 0
    assert "noch nicht muttersprachlich geprüft" in result.stderr
    sheet = load_workbook(tmp_path / "uk.xlsx")["Formular"]
    assert "noch nicht muttersprachlich geprüft" in str(sheet["A5"].value)


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
