"""``form check``: the bundled form is clean; broken forms get located, German problems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import FormError
from seiteneinsteiger.forms.check import check_form, load_form

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def lines(path: Path) -> list[str]:
    return [problem.render() for problem in check_form(path, path.name).problems]


def test_bundled_form_has_no_errors_and_no_warnings(runner: CliRunner) -> None:
    result = runner.invoke(app, ["form", "check"])
    assert result.exit_code == 0, result.output
    assert "71 Fragen in 9 Abschnitten, 20 Sprachen." in result.stdout
    assert "Muttersprachlich geprüft: de; noch ungeprüft: en, ar, uk" in result.stdout
    assert "Formulartests" in result.stdout and "alle bestanden." in result.stdout
    assert result.stdout.rstrip().endswith("0 Fehler, 0 Warnungen.")


def test_bundled_form_offers_the_required_languages() -> None:
    form = load_form()
    required = {"de", "en", "ar", "uk", "ru", "tr", "fa", "ro"}
    more = {"prs", "ps", "kmr", "ckb", "ti", "bg", "sq", "sr", "pl", "fr", "es", "so"}
    assert required | more <= set(form.languages)
    assert [code for code in form.languages if form.reviewed(code)] == ["de"]


def test_unknown_target_is_named_at_its_line_with_a_suggestion() -> None:
    found = lines(FIXTURES / "unknown-target.yaml")
    assert (
        "unknown-target.yaml:47 SE-F002: birth_date.target: unbekanntes Zielfeld "
        "'pupil.birthdate': 'birthdate' gibt es in pupil nicht; meinten Sie 'pupil.birth_date'?"
    ) in "\n".join(found)
    assert any(
        "Pflichtfeld 'pupil.birth_date' von intake@1 wird von keiner Frage" in f for f in found
    )


def test_missing_translations_are_one_warning_per_language_listing_them() -> None:
    report = check_form(FIXTURES / "missing-translation.yaml", "missing-translation.yaml")
    assert report.errors == []
    assert [p.render() for p in report.warnings] == [
        "missing-translation.yaml:11 SE-F007: Übersetzung 'uk' unvollständig, 2 Texte fehlen: "
        "gender: label (Zeile 54); school_years: label (Zeile 60)"
    ]


def test_unknown_language_codes_are_errors_at_their_line() -> None:
    assert lines(FIXTURES / "unknown-language.yaml") == [
        "unknown-language.yaml:11 SE-F006: settings.languages.2.code: unbekannter Sprachcode: "
        "'arabic' ist kein Sprachcode nach BCP-47 / ISO 639; meinten Sie 'ar' (Arabisch)?",
        "unknown-language.yaml:45 SE-F006: given_names.label.ua: unbekannter Sprachcode: 'ua' "
        "ist kein Sprachcode nach BCP-47 / ISO 639",
    ]


def test_references_to_unknown_questions_get_a_did_you_mean() -> None:
    assert lines(FIXTURES / "unknown-question.yaml") == [
        "unknown-question.yaml:57 SE-C002: school_years.constraint.gendr: unbekannte Frage "
        "'gendr'; meinten Sie 'gender'?",
        "unknown-question.yaml:63 SE-C002: last_grade.relevant.school_yaers: unbekannte Frage "
        "'school_yaers'; meinten Sie 'school_years'?",
    ]


def test_questions_that_can_never_be_shown() -> None:
    found = "\n".join(lines(FIXTURES / "never-shown.yaml"))
    # skip logic on a later question
    assert (
        "never-shown.yaml:53 SE-F009: gender.relevant: hängt von der späteren Frage "
        "'school_years' (Nr. 6) ab"
    ) in found
    # a choice value no list has
    assert (
        "never-shown.yaml:58 SE-C004: school_years.relevant.gender: 'female' ist kein Wert "
        "von 'gender'. Erlaubt: w, m; die Frage kann so nie angezeigt werden"
    ) in found
    # contradictory conditions
    assert (
        "never-shown.yaml:65 SE-F009: last_grade.relevant: Frage 'last_grade' (Nr. 7) wird "
        "nie angezeigt: keine Antwort auf 'school_years' erfüllt diese Bedingung"
    ) in found


def test_duplicates_are_errors() -> None:
    assert lines(FIXTURES / "duplicates.yaml") == [
        "duplicates.yaml:60 SE-F004: school_years.name: Frage 'school_years' gibt es schon (Nr. 6)",
        "duplicates.yaml:62 SE-F004: school_years.target: Zielfeld 'schooling.years' füllt schon "
        "Frage 'school_years' (Nr. 6)",
        "duplicates.yaml:68 SE-F004: lists.genders.1.code: Code 'w' steht in Liste 'genders' "
        "zweimal",
    ]


def test_structure_errors_are_located(tmp_path: Path) -> None:
    text = (FIXTURES / "small.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.replace('version: "2025-01-01.1"', "version: 2025").replace(
            "        required: true\n        label: {de: Datum",
            "        requird: true\n        label: {de: Datum",
        ),
        encoding="utf-8",
    )
    found = lines(broken)
    assert found[0] == (
        "broken.yaml:5 SE-F001: settings.version: Text erwartet, nicht '2025' "
        "(Text in Anführungszeichen setzen)"
    )
    assert found[1].startswith(
        "broken.yaml:33 SE-F001: intake_date.requird: unbekanntes Feld "
        "'requird' (meinten Sie 'required'?)"
    )


def test_cli_reports_errors_with_exit_code_1(runner: CliRunner) -> None:
    result = runner.invoke(app, ["form", "check", str(FIXTURES / "never-shown.yaml")])
    assert result.exit_code == 1
    assert "wird nie angezeigt" in result.stdout
    assert result.stdout.rstrip().endswith("4 Fehler, 0 Warnungen.")


def test_cli_json(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["form", "check", str(FIXTURES / "missing-translation.yaml"), "--format", "json"]
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["errors"] == 0 and data["warnings"] == 1
    assert data["languages"]["uk"] == {"reviewed": False}
    assert data["problems"][0]["line"] == 11


def test_a_broken_form_cannot_be_used() -> None:
    with pytest.raises(FormError) as caught:
        load_form(FIXTURES / "unknown-target.yaml")
    assert "Formular" in caught.value.message and "2 Fehler" in caught.value.message


def test_failing_form_tests_fail_the_check_at_their_line(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "small.yaml").write_text((FIXTURES / "small.yaml").read_text("utf-8"), "utf-8")
    (tmp_path / "small.tests.yaml").write_text(
        (FIXTURES / "small-failing-tests.yaml").read_text("utf-8"), "utf-8"
    )
    result = runner.invoke(app, ["form", "check", str(tmp_path / "small.yaml")])
    assert result.exit_code == 1
    assert (
        "small.tests.yaml:10 SE-F011: Formulartest 'falsche Erwartung zur Sichtbarkeit': "
        "'last_grade' sollte angezeigt werden, wird aber nicht angezeigt"
    ) in result.stdout
    assert "Meldung 'من 0 إلى 13.', erwartet 'خطأ'" in result.stdout
    assert "3 Fälle, 2 fehlgeschlagen." in result.stdout
