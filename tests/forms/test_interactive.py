"""``intake new``: the questionnaire in the terminal, scripted through CliRunner."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.drafts import drafts_dir
from seiteneinsteiger.forms.interactive import Interrupted, Questionnaire, Stopped
from seiteneinsteiger.intake_io import load_intake_file

#: One line per prompt, in the order the questionnaire asks (skip logic included).
SESSION = [
    "Haddad",  # 1 Familienname
    "Amal",  # 2 Vorname
    "",  # 3 Name in eigener Schrift
    "weiblich",  # 4 Geschlecht, by its label
    "31.02.2013",  # 5 Geburtsdatum: there is no 31 February
    "11.02.2013",  # 5 again
    "",  # 6 nur Geburtsjahr bekannt?
    "سوريا",  # 7 Geburtsland: the common Arabic name, in a German session
    "Сирия",  # 8 Staatsangehörigkeit: the Russian name
    "",  # 9 zweite Staatsangehörigkeit
    "",  # 10 Einreise
    "2",  # 11 Wohnform: Unterkunft des Landes -> the counsellor is asked the residence basis
    "",  # 12 Gemeinde
    "Mühlweg 3",  # 13 Straße (a typo)
    "4087",  # 14 Postleitzahl: four digits
    ":z",  # back to 13
    "Mühlenweg 3",  # 13 corrected
    "40878",  # 14
    "",  # 15 erste sorgeberechtigte Person -> no relation, phone, e-mail
    "",  # 19 zweite Person
    "",  # 23 Kontaktsprache
    "",  # 24 Dolmetscher
    "",  # 25 Geschwister
    "",  # 31 Sprache zu Hause: required
    "ar",  # 31 again
    "",  # 32 zweite Sprache
    "",  # 33 Deutsch
    "",  # 34 Englisch
    "",  # 35 andere Sprache
    "?",  # 37 lesen und schreiben: show the hint (there is none)
    "2",  # 37 ja, aber nicht in lateinischer Schrift
    "1,2",  # 38 Schriften: lateinisch und arabisch -> contradiction, shown at once
    "none",  # 39 zuletzt besuchte Schule: none -> no years, grade, breaks, German school
    "",  # 56 Ausbildung
    "",  # 57 Unterstützung
    "",  # 58 Schulform
    "",  # 59 Wünsche
    "1,2",  # 60 Einwilligung: Schule und Schulamt
    "",  # 61 Datum der Einwilligung: today
    "",  # 62 Datum der Beratung: Enter takes today's date
    "ME-2025-0999",  # 63 Fallnummer
    "",  # 64 Kreis
    "",  # 65 Beraterin
    "4",  # 66 Sprachmittlung: keine -> no question about its language
    "asylum_applicant",  # 68 Aufenthaltsgrundlage
    "",  # 69 Mathematik
    "",  # 70 Grundlage
    "",  # 71 belegter Bedarf
    "2",  # summary: change question 2
    "Amal Rana",  # 2
    "j",  # save
]
CONTRADICTION = (
    "  ! Achtung: Nr. 38 In welcher Schrift kann Ihr Kind lesen und schreiben?: nicht in "
    "lateinischer Schrift alphabetisiert ('other_script'), aber 'latin' bei den Schriften "
    "angegeben"
)


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
    # the contradiction is shown right after the answer that caused it, before question 39
    assert CONTRADICTION in stdout
    assert stdout.index(CONTRADICTION) < stdout.index("[39] Welche Schule")
    # skip logic: nothing about the interpreter's language, school years or German school
    assert "[67] Sprache der Sprachmittlung" not in stdout
    assert "[40] Wie viele Jahre ist Ihr Kind insgesamt zur Schule gegangen?" not in stdout
    assert "[45] Wie viele Jahre ist Ihr Kind in Deutschland" not in stdout
    assert "[48] Haben Sie ein Zeugnis" not in stdout
    assert "[68] Aufenthaltsgrundlage" in stdout
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
    assert intake.pupil.nationalities == ["SY"]
    assert intake.pupil.residence == "state_facility"
    assert intake.pupil.residence_basis == "asylum_applicant"
    assert intake.pupil.first_languages == ["ar"]
    assert intake.languages.scripts == ["latin", "arabic"]
    assert intake.counselling.interpreter is not None
    assert intake.counselling.interpreter.kind == "none"
    assert intake.schooling.years == 0
    assert intake.schooling.german_school_years == 0
    assert intake.counselling.consent is not None
    assert intake.counselling.consent.scope == ["school", "schulamt"]
    assert intake.counselling.consent.date == dt.date.today()
    assert list(drafts_dir().iterdir()) == []  # the draft is gone once the intake is written


def test_questions_in_german_and_the_family_language(runner: CliRunner, tmp_path: Path) -> None:
    result, target = run(runner, tmp_path, SESSION, "--lang", "uk")
    stdout = result.stdout  # type: ignore[attr-defined]
    assert result.exit_code == 0, stdout  # type: ignore[attr-defined]
    assert "[1] Familienname des Kindes *\n     Прізвище дитини\n" in stdout
    assert "   1  weiblich / жіноча  [w]" in stdout
    assert "    Будь ласка, введіть дату: день.місяць.рік, наприклад 11.02.2013." in stdout
    assert target.exists()


def test_end_of_input_keeps_a_draft_and_writes_nothing_else(
    runner: CliRunner, tmp_path: Path
) -> None:
    result, target = run(runner, tmp_path, SESSION[:8])
    assert result.exit_code == 130  # type: ignore[attr-defined]
    assert "Unterbrechen? Die Antworten bleiben als Entwurf. (j/n)" in result.stdout  # type: ignore[attr-defined]
    assert (
        "Unterbrochen. Die Antworten sind als Entwurf gespeichert (nur für Sie lesbar); "
        "'seiteneinsteiger intake new' bietet an, ihn fortzusetzen."
    ) in result.stderr  # type: ignore[attr-defined]
    assert not target.exists()
    assert os.listdir(tmp_path) == []
    (draft,) = drafts_dir().iterdir()
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600
    assert stat.S_IMODE(drafts_dir().stat().st_mode) == 0o700
    saved = json.loads(draft.read_text("utf-8"))
    assert saved["answers"] == {
        "family_name": "Haddad",
        "given_names": "Amal",
        "gender": "w",
        "birth_date": "2013-02-11",
        "country_of_birth": "SY",
    }
    assert saved["language"] == "de"


def test_a_draft_is_offered_and_resumed_where_it_stopped(runner: CliRunner, tmp_path: Path) -> None:
    first, target = run(runner, tmp_path, SESSION[:18])  # up to the postcode
    assert first.exit_code == 130  # type: ignore[attr-defined]
    result, _ = run(runner, tmp_path, ["1", *SESSION[18:]])
    stdout = result.stdout  # type: ignore[attr-defined]
    assert result.exit_code == 0, stdout  # type: ignore[attr-defined]
    listing = stdout.split("Nummer = fortsetzen")[0]
    assert "Nicht abgeschlossene Entwürfe (nur für Sie lesbar):" in listing
    assert "Deutsch; 9 Antworten" in listing
    assert "Haddad" not in listing and "Amal" not in listing and "2013" not in listing
    assert "Entwurf fortgesetzt: 9 Antworten sind schon da." in stdout
    assert "[1] Familienname" not in stdout  # answered questions are not asked again
    loaded = load_intake_file(target)[0]
    assert loaded.ok and loaded.intake is not None
    assert loaded.intake.pupil.family_name == "Haddad"
    assert loaded.intake.pupil.given_names == "Amal Rana"
    assert list(drafts_dir().iterdir()) == []


def test_a_draft_can_be_deleted_from_the_list(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, tmp_path, SESSION[:3])
    assert len(list(drafts_dir().iterdir())) == 1
    result, _ = run(runner, tmp_path, ["v1", "j", *SESSION])
    stdout = result.stdout  # type: ignore[attr-defined]
    assert result.exit_code == 0, stdout  # type: ignore[attr-defined]
    assert "Entwurf 1 endgültig löschen? (j/n)" in stdout
    assert "Entwurf gelöscht." in stdout
    assert list(drafts_dir().iterdir()) == []


def test_no_answer_no_draft(runner: CliRunner, tmp_path: Path) -> None:
    result, _ = run(runner, tmp_path, [])
    assert result.exit_code == 130  # type: ignore[attr-defined]
    assert "es gab noch keine Antwort, es wurde nichts gespeichert" in result.stderr  # type: ignore[attr-defined]
    assert list(drafts_dir().iterdir()) == []


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
    lines: list[str | type[BaseException]] = ["Haddad", "Amal", KeyboardInterrupt, "n", "Ḥ"]
    session, said = questionnaire(lines)
    with pytest.raises(Stopped):
        session.run()  # the script ends later: end of input stops
    assert said.count("Unterbrechen? Die Antworten bleiben als Entwurf. (j/n) ") >= 2
    assert session.answers["given_names"] == "Amal"
    assert session.answers["name_original"] == "Ḥ"


def test_ctrl_c_then_yes_stops() -> None:
    session, said = questionnaire(["Haddad", "Amal", KeyboardInterrupt, "j"])
    with pytest.raises(Stopped):
        session.run()
    assert said[-1] == "Unterbrechen? Die Antworten bleiben als Entwurf. (j/n) "
    assert session.answers == {"family_name": "Haddad", "given_names": "Amal"}


def test_every_answer_reaches_on_change() -> None:
    seen: list[dict[str, object]] = []
    session, _ = questionnaire(["Haddad", "Amal", ""])
    session.on_change = lambda q: seen.append(dict(q.answers))
    with pytest.raises(Stopped):
        session.run()
    assert seen == [
        {"family_name": "Haddad"},
        {"family_name": "Haddad", "given_names": "Amal"},
        {"family_name": "Haddad", "given_names": "Amal"},
    ]
