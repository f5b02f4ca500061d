"""``intake new``: the questionnaire in the terminal, scripted through CliRunner."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.interactive import Discarded, Interrupted, Questionnaire
from seiteneinsteiger.intake_io import load_intake_file

#: One line per prompt, in the order the questionnaire asks (skip logic included).
SESSION = [
    "",  # 1 Datum der Beratung: Enter takes today's date
    "ME-2025-0999",  # 2 Fallnummer
    "",  # 3 Kreis
    "",  # 4 Beraterin
    "4",  # 5 Sprachmittlung: keine -> no question about its language
    "Haddad",  # 7 Familienname
    "Amal",  # 8 Vorname
    "",  # 9 Name in eigener Schrift
    "weiblich",  # 10 Geschlecht, by its label
    "31.02.2013",  # 11 Geburtsdatum: there is no 31 February
    "11.02.2013",  # 11 again
    "",  # 12 nur Geburtsjahr bekannt?
    "Syrien",  # 13 Geburtsland by name
    "SY",  # 14 Staatsangehörigkeit by code
    "",  # 15 zweite Staatsangehörigkeit
    "",  # 16 Einreise
    "",  # 17 Wohnform
    "",  # 18 Gemeinde
    "Mühlweg 3",  # 19 Straße (a typo)
    "4087",  # 20 Postleitzahl: four digits
    ":z",  # back to 19
    "Mühlenweg 3",  # 19 corrected
    "40878",  # 20
    "",  # 21 erste sorgeberechtigte Person
    "",  # 25 zweite Person
    "",  # 29 Kontaktsprache
    "",  # 30 Dolmetscher
    "",  # 31 Geschwister
    "",  # 37 Sprache zu Hause: required
    "ar",  # 37 again
    "",  # 38 zweite Sprache
    "",  # 39 Deutsch
    "",  # 40 Englisch
    "",  # 41 andere Sprache
    "?",  # 43 lesen und schreiben: show the hint (there is none)
    "",  # 43
    "none",  # 45 zuletzt besuchte Schule: none -> no years, grade, breaks
    "",  # 51 Jahre in Deutschland
    "",  # 52 seit wann
    "",  # 53 Online-Unterricht
    "",  # 54 Zeugnis
    "",  # 62 Ausbildung
    "",  # 63 Unterstützung
    "",  # 64 Schulform
    "",  # 65 Wünsche
    "1,2",  # 66 Einwilligung: Schule und Schulamt
    "",  # 67 Datum der Einwilligung: today
    "",  # 68 Mathematik
    "",  # 69 Grundlage
    "",  # 70 belegter Bedarf
    "8",  # summary: change question 8
    "Amal Rana",  # 8
    "j",  # save
]


def run(runner: CliRunner, tmp_path: Path, lines: list[str], *args: str) -> tuple[object, Path]:
    target = tmp_path / "neu.yaml"
    result = runner.invoke(
        app, ["intake", "new", "-o", str(target), *args], input="\n".join(lines) + "\n"
    )
    return result, target


def test_a_whole_intake_in_the_terminal(runner: CliRunner, tmp_path: Path) -> None:
    result, target = run(runner, tmp_path, SESSION)
    stdout = result.stdout  # type: ignore[attr-defined]
    assert result.exit_code == 0, stdout  # type: ignore[attr-defined]
    # the rejected answers, with the form's German messages
    assert "  ! Bitte geben Sie ein Datum ein: Tag.Monat.Jahr, zum Beispiel 11.02.2013." in stdout
    assert "  ! Bitte geben Sie die Postleitzahl mit 5 Ziffern ein, zum Beispiel 40878." in stdout
    assert "  ! Bitte beantworten Sie diese Frage." in stdout
    assert "Zu dieser Frage gibt es keinen Hinweis." in stdout
    # skip logic: no question about the interpreter's language or the years at school
    assert "[6] Sprache der Sprachmittlung" not in stdout
    assert "[46] Wie viele Jahre ist Ihr Kind insgesamt zur Schule gegangen?" not in stdout
    # going back shows the earlier answer
    assert "[bisher: Mühlweg 3]" in stdout
    assert "== Zusammenfassung ==" in stdout
    assert f"Gespeichert: {target} (nur für Sie lesbar)." in stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text(encoding="utf-8")
    assert "birth_date: 2013-02-11\n" in text
    assert 'postcode: "40878"' in text
    loaded = load_intake_file(target)[0]
    assert loaded.ok, loaded.problems
    intake = loaded.intake
    assert intake is not None
    assert intake.case_id == "ME-2025-0999"
    assert intake.intake_date == dt.date.today()
    assert intake.pupil.given_names == "Amal Rana"
    assert intake.pupil.address is not None
    assert intake.pupil.address.street == "Mühlenweg 3"
    assert intake.pupil.country_of_birth == "SY"
    assert intake.pupil.first_languages == ["ar"]
    assert intake.counselling.interpreter is not None
    assert intake.counselling.interpreter.kind == "none"
    assert intake.schooling.years == 0
    assert intake.counselling.consent is not None
    assert intake.counselling.consent.scope == ["school", "schulamt"]
    assert intake.counselling.consent.date == dt.date.today()


def test_questions_in_german_and_the_family_language(runner: CliRunner, tmp_path: Path) -> None:
    result, target = run(runner, tmp_path, SESSION, "--lang", "uk")
    stdout = result.stdout  # type: ignore[attr-defined]
    assert result.exit_code == 0, stdout  # type: ignore[attr-defined]
    assert "[7] Familienname des Kindes *\n     Прізвище дитини\n" in stdout
    assert "   1  weiblich / жіноча  [w]" in stdout
    assert "    Будь ласка, введіть дату: день.місяць.рік, наприклад 11.02.2013." in stdout
    assert target.exists()


def test_end_of_input_asks_before_discarding(runner: CliRunner, tmp_path: Path) -> None:
    result, target = run(runner, tmp_path, SESSION[:8])
    assert result.exit_code == 130  # type: ignore[attr-defined]
    assert "Eingaben verwerfen? (j/n)" in result.stdout  # type: ignore[attr-defined]
    assert "Eingaben verworfen; es wurde nichts gespeichert." in result.stderr  # type: ignore[attr-defined]
    assert not target.exists()
    assert os.listdir(tmp_path) == []


def test_unknown_language_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result, _ = run(runner, tmp_path, [], "--lang", "klingonisch")
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "Sprache 'klingonisch' hat der Fragebogen nicht" in result.stderr  # type: ignore[attr-defined]


def test_default_file_name_in_the_current_directory(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / f"intake-{dt.date.today().isoformat()}-1.yaml").write_text("x", "utf-8")
    result = runner.invoke(app, ["intake", "new"], input="\n".join(SESSION) + "\n")
    expected = f"intake-{dt.date.today().isoformat()}-2.yaml"
    assert result.exit_code == 0, result.stdout
    assert f"Gespeichert: {expected}" in result.stdout
    assert (tmp_path / expected).exists()


def questionnaire(lines: list[str | type[BaseException]]) -> tuple[Questionnaire, list[str]]:
    said: list[str] = []
    pending = list(lines)

    def ask(prompt: str) -> str:
        said.append(prompt)
        if not pending:
            raise Interrupted()
        line = pending.pop(0)
        if isinstance(line, type):
            raise Interrupted()
        return line

    return Questionnaire(load_form(), "de", ask, said.append, dt.date(2025, 9, 15)), said


def test_ctrl_c_then_no_goes_on_with_the_same_question() -> None:
    lines: list[str | type[BaseException]] = ["", "ME-1", KeyboardInterrupt, "n", "kreis-unna"]
    session, said = questionnaire(lines)
    with pytest.raises(Discarded):
        session.run()  # the script ends later: end of input discards
    assert said.count("Eingaben verwerfen? (j/n) ") >= 2
    assert session.answers["case_id"] == "ME-1"
    assert session.answers["district"] == "kreis-unna"


def test_ctrl_c_then_yes_discards_everything() -> None:
    session, said = questionnaire(["", "ME-1", KeyboardInterrupt, "j"])
    with pytest.raises(Discarded):
        session.run()
    assert said[-1] == "Eingaben verwerfen? (j/n) "
