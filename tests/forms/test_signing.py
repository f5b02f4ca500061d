"""The signed hidden codes of the templates, tick boxes and the family copy on import."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import stat
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import FormError
from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.engine import answers_from_intake
from seiteneinsteiger.forms.excel_import import import_workbook
from seiteneinsteiger.forms.signing import installation_key, key_id, key_path
from seiteneinsteiger.forms.template import TICKED, write_template

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "intakes"
TODAY = dt.date(2026, 1, 15)
OTHER_KEY = b"another installation's key, 32 b"


def amal(kit: Any) -> dict[str, Any]:
    return answers_from_intake(load_form(), kit.example_intake(EXAMPLES / "amal-haddad.yaml"))


def refusal(path: Path, **options: Any) -> FormError:
    with pytest.raises(FormError) as caught:
        import_workbook(path, load_form(), today=TODAY, display=path.name, **options)
    return caught.value


def codes_rows(workbook: Any) -> dict[str, int]:
    """question name -> row of the hidden codes sheet (question rows only)."""
    sheet = workbook["_codes"]
    return {
        str(row[3].value): row[0].row
        for row in sheet.iter_rows(min_row=12)
        if row[0].value and not row[4].value
    }


def test_key_is_created_once_private_and_stable(tmp_path: Path) -> None:
    key_path().unlink()  # the kit wrote one; start without
    first = installation_key()
    assert len(first) == 32
    assert stat.S_IMODE(key_path().stat().st_mode) == 0o600
    assert installation_key() == first


def test_a_broken_key_file_is_a_clear_error() -> None:
    key_path().write_text("kein Schluessel\n", encoding="ascii")
    with pytest.raises(FormError) as caught:
        installation_key()
    assert "ist beschädigt" in caught.value.message
    assert caught.value.hint is not None and "Löschen Sie die Datei" in caught.value.hint


def test_swapped_fields_with_a_recomputed_plain_checksum_are_refused(
    kit: Any, tmp_path: Path
) -> None:
    target = tmp_path / "gut.xlsx"
    kit.fill("de", amal(kit), target)
    workbook = load_workbook(target)
    codes = workbook["_codes"]
    rows = codes_rows(workbook)
    # the attacker swaps what two rows mean and recomputes a keyless checksum
    codes[f"D{rows['family_name']}"], codes[f"D{rows['given_names']}"] = (
        "given_names",
        "family_name",
    )
    values = [[c.value for c in row] for row in codes.iter_rows()]
    codes["B8"] = hashlib.sha256(repr(values).encode()).hexdigest()
    workbook.save(tmp_path / "getauscht.xlsx")
    error = refusal(tmp_path / "getauscht.xlsx")
    assert error.message == (
        "getauscht.xlsx: die versteckten Codes der Vorlage wurden verändert; die Antworten "
        "können nicht sicher zugeordnet werden"
    )


def test_a_template_of_another_installation_is_refused_with_a_way_out(
    kit: Any, tmp_path: Path
) -> None:
    foreign = tmp_path / "fremd.xlsx"
    with foreign.open("wb") as handle:
        write_template(load_form(), "ar", handle, key=OTHER_KEY, copy="counsellor")
    error = refusal(foreign)
    assert error.message == (
        f"fremd.xlsx: Vorlage einer anderen Installation (Schlüssel {key_id(OTHER_KEY)}); "
        "ihre versteckten Codes lassen sich hier nicht prüfen"
    )
    assert error.hint is not None and "--unverified" in error.hint


def test_unverified_reads_a_foreign_template_that_fits_this_form(kit: Any, tmp_path: Path) -> None:
    data_path = tmp_path / "fremd.xlsx"
    buffer = io.BytesIO()
    codes = write_template(load_form(), "ar", buffer, key=OTHER_KEY, copy="counsellor")
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    for sheet, row, _n, name, choice in codes.rows:
        if name == "family_name":
            workbook[sheet][f"{codes.answer_columns[sheet]}{row}"] = "Haddad"
        elif name == "given_names":
            workbook[sheet][f"{codes.answer_columns[sheet]}{row}"] = "Amal"
        elif name == "birth_date":
            workbook[sheet][f"{codes.answer_columns[sheet]}{row}"] = "11.02.2013"
        elif name == "first_language":
            workbook[sheet][f"{codes.answer_columns[sheet]}{row}"] = "العربية"
        elif name == "intake_date":
            workbook[sheet][f"{codes.answer_columns[sheet]}{row}"] = "15.01.2026"
        elif name == "school_type" and choice == "primary":
            workbook[sheet][f"{codes.answer_columns[sheet]}{row}"] = TICKED
    workbook.save(data_path)
    result = import_workbook(data_path, load_form(), today=TODAY, unverified=True)
    assert result.ok, [p.render() for p in result.problems]
    assert result.intake is not None and result.intake.pupil.family_name == "Haddad"
    assert result.intake.schooling.school_type == "primary"
    assert result.intake.intake_date == TODAY
    warnings = [p.message for p in result.problems if not p.is_error]
    assert warnings[0].startswith("Vorlage einer anderen Installation (mit --unverified gelesen)")


def test_unverified_still_refuses_rows_that_do_not_fit_this_form(kit: Any, tmp_path: Path) -> None:
    crafted = tmp_path / "gebaut.xlsx"
    with crafted.open("wb") as handle:
        write_template(load_form(), "de", handle, key=OTHER_KEY, copy="counsellor")
    workbook = load_workbook(crafted)
    rows = codes_rows(workbook)
    codes = workbook["_codes"]
    codes[f"D{rows['family_name']}"], codes[f"D{rows['given_names']}"] = (
        "given_names",
        "family_name",
    )
    workbook.save(crafted)  # signed with the attacker's key or not: it does not fit
    assert (
        "die versteckten Codes der Vorlage wurden verändert"
        in refusal(crafted, unverified=True).message
    )


def test_cli_refuses_a_foreign_template_and_reads_it_with_unverified(
    runner: CliRunner, tmp_path: Path
) -> None:
    foreign = tmp_path / "fremd.xlsx"
    with foreign.open("wb") as handle:
        write_template(load_form(), "de", handle, key=OTHER_KEY)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    refused = runner.invoke(app, ["intake", "import", str(foreign), "-o", str(out_dir)])
    assert refused.exit_code == 1
    assert "Vorlage einer anderen Installation" in refused.stderr
    assert ". Wenn Sie wissen, woher die Datei kommt" in refused.stderr  # the hint, in the line
    read = runner.invoke(
        app, ["intake", "import", str(foreign), "-o", str(out_dir), "--unverified"]
    )
    assert "Vorlage einer anderen Installation" in read.stderr
    assert "Pflichtfrage ist nicht beantwortet" in read.stderr  # an empty form: no name


# ---------------------------------------------------------------------------------------------
# Tick boxes and the family copy


@pytest.mark.parametrize("language", ["de", "ar"])
def test_choices_ticked_on_paper_read_back_like_the_dropdown(
    kit: Any, tmp_path: Path, language: str
) -> None:
    form = load_form()
    original = kit.example_intake(EXAMPLES / "amal-haddad.yaml")
    target = tmp_path / f"angekreuzt-{language}.xlsx"
    kit.fill(language, answers_from_intake(form, original), target, ticked="☒", tick_single=True)
    result = import_workbook(target, form, today=TODAY)
    assert result.ok, [p.render() for p in result.problems]
    assert result.intake is not None
    assert kit.comparable(result.intake) == kit.comparable(original)


def test_two_ticks_for_one_answer_and_a_contradiction_are_errors(kit: Any, tmp_path: Path) -> None:
    answers = amal(kit)
    target = tmp_path / "doppelt.xlsx"
    codes = kit.fill("de", answers, target)
    workbook = load_workbook(target)
    place = {(name, choice): (sheet, row) for sheet, row, _n, name, choice in codes.rows}
    for key in (("gender", "w"), ("gender", "m")):
        sheet, row = place[key]
        workbook[sheet][f"C{row}"] = "x"
    sheet, row = place[("literacy", "none")]  # the list says other_script
    workbook[sheet][f"C{row}"] = "x"
    workbook.save(target)
    result = import_workbook(target, load_form(), today=TODAY, display="doppelt.xlsx")
    assert result.intake is None
    found = {p.render() for p in result.problems}
    gender_row = place[("gender", "")][1]
    literacy_row = place[("literacy", "")][1]
    assert found == {
        f"doppelt.xlsx Formular!C{gender_row}: Geschlecht des Kindes: 2 Kästchen angekreuzt; "
        "bei dieser Frage passt nur eine Antwort",
        f"doppelt.xlsx Formular!C{literacy_row}: Kann Ihr Kind lesen und schreiben?: Antwort in "
        "der Liste und angekreuztes Kästchen widersprechen sich",
    }


def test_the_family_copy_reads_back_without_counsellor_answers(kit: Any, tmp_path: Path) -> None:
    answers = amal(kit)
    target = tmp_path / "familie.xlsx"
    kit.fill("ar", answers, target, copy="family")
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Formular", "_listen", "_codes"]
    result = import_workbook(target, load_form(), today=TODAY)
    assert result.ok, [p.render() for p in result.problems]
    assert result.intake is not None
    assert result.intake.intake_date == TODAY
    assert result.intake.case_id is None and result.intake.competences.maths is None
    assert result.intake.pupil.family_name == "Haddad"
    assert [p.message for p in result.problems] == [
        "Exemplar für die Familie: die Angaben der Beratung (z. B. Datum der Beratung, "
        "Sprachmittlung) stehen nicht in dieser Datei; das Datum der Beratung ist auf heute "
        "gesetzt. Bitte in der Intake-Datei prüfen und ergänzen."
    ]
