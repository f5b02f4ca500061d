"""Every file in examples/invalid/ gets the message a counsellor needs: file, line, field, what."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app

INVALID = Path(__file__).resolve().parents[2] / "examples" / "invalid"

# file -> the exact location prefix and a fragment of the German message
EXPECTED = {
    "arrival-before-birth.yaml": (
        "arrival-before-birth.yaml:23: pupil.arrival_date:",
        "vor der Geburt",
    ),
    "batch.jsonl": (
        "batch.jsonl:2: languages.german:",
        "'B3' ist nicht erlaubt (meinten Sie 'B2'?)",
    ),
    "birth-date-after-intake.yaml": (
        "birth-date-after-intake.yaml:18: pupil.birth_date:",
        "in der Zukunft",
    ),
    "country-of-birth-xy1.yaml": (
        "country-of-birth-xy1.yaml:21: pupil.country_of_birth:",
        "'XY1' ist kein Ländercode",
    ),
    "duplicate-key-gender.yaml": (
        "duplicate-key-gender.yaml:20:3:",
        "doppelter Schlüssel 'gender'",
    ),
    "empty.yaml": ("empty.yaml:", "Datei ist leer"),
    "first-language-arabic.yaml": (
        "first-language-arabic.yaml:26: pupil.first_languages.0:",
        "meinten Sie 'ar' (Arabisch)?",
    ),
    "german-b3.yaml": (
        "german-b3.yaml:39: languages.german:",
        "Erlaubt: none, A1, A2, B1, B2, C1, C2",
    ),
    "impossible-date.yaml": ("impossible-date.yaml:19: pupil.birth_date:", "kein gültiges Datum"),
    "intake-date-too-far-ahead.yaml": (
        "intake-date-too-far-ahead.yaml:4: intake_date:",
        "mehr als ein Jahr in der Zukunft",
    ),
    "last-grade-14.yaml": ("last-grade-14.yaml:47: schooling.last_grade:", "höchstens 13"),
    "missing-family-name.yaml": (
        "missing-family-name.yaml:15: pupil.family_name:",
        "Pflichtfeld fehlt",
    ),
    "not-yaml.yaml": ("not-yaml.yaml:", "Datei ist binär"),
    "syntax-unclosed-bracket.yaml": ("syntax-unclosed-bracket.yaml:14:6:", "YAML-Syntaxfehler"),
    "unknown-key-birthdate.yaml": (
        "unknown-key-birthdate.yaml:19: pupil.birthdate:",
        "unbekanntes Feld 'birthdate' (meinten Sie 'birth_date'?)",
    ),
    "wrong-format-version.yaml": ("wrong-format-version.yaml:2: format:", "intake@2"),
    "years-exceed-age.yaml": ("years-exceed-age.yaml:46: schooling.years:", "nicht möglich"),
    "years-not-a-number.yaml": (
        "years-not-a-number.yaml:46: schooling.years:",
        "ganze Zahl erwartet",
    ),
}


def test_every_invalid_example_is_covered() -> None:
    assert sorted(p.name for p in INVALID.iterdir() if p.is_file()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_example_message(runner: CliRunner, name: str) -> None:
    result = runner.invoke(app, ["intake", "validate", str(INVALID / name)])
    assert result.exit_code == 1
    location, fragment = EXPECTED[name]
    lines = [line for line in result.stdout.splitlines() if location in line]
    assert lines, result.stdout
    assert any(fragment in line for line in lines), result.stdout
    assert "Traceback" not in result.output


def test_all_invalid_examples_in_one_run(runner: CliRunner) -> None:
    files = sorted(str(p) for p in INVALID.iterdir())
    result = runner.invoke(app, ["intake", "validate", *files])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    # two JSON Lines records are valid; every other file is named as invalid in the summary
    assert "20 Intakes geprüft: 2 gültig, 18 ungültig." in result.stdout
    summary = result.stdout.splitlines()[-1]
    for name in EXPECTED:
        assert name in summary
