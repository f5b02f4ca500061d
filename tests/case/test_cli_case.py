"""`seiteneinsteiger case ...` through Typer's CliRunner, on a private data directory per test."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import seiteneinsteiger.store.netfs as netfs_module
from seiteneinsteiger.cli.main import app
from seiteneinsteiger.fsutil import os_user
from seiteneinsteiger.store import CaseStore

AMAL = "intakes/amal-haddad.yaml"


def _add(runner: CliRunner, *paths: Path | str) -> None:
    result = runner.invoke(app, ["case", "add", *map(str, paths)])
    assert result.exit_code == 0, result.output


def _new_intake(directory: Path, name: str = "neu.yaml", **pupil: str) -> Path:
    fields = {"family_name": "Neumann", "given_names": "Lea", "birth_date": "2014-05-01"} | pupil
    pupil_yaml = "\n".join(f"  {key}: {value}" for key, value in fields.items())
    path = directory / name
    path.write_text(
        f"format: seiteneinsteiger/intake@1\nintake_date: 2025-10-06\npupil:\n{pupil_yaml}\n",
        encoding="utf-8",
    )
    return path


def _days_since(day: str) -> int:
    return (dt.date.today() - dt.date.fromisoformat(day)).days


# ---------------------------------------------------------------------------------------------
# add


def test_add_examples(runner: CliRunner, examples: Path) -> None:
    result = runner.invoke(app, ["case", "add", str(examples / "intakes")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 17
    assert lines[1].split()[:2] == ["ME-2025-0142", "angelegt"]
    assert lines[1].endswith("amal-haddad.yaml")
    assert result.stderr.strip() == "17 Intakes gespeichert."


def test_add_refuses_a_case_id_already_stored(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "add", str(examples / AMAL)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "amal-haddad.yaml: case_id: Fall ME-2025-0142 ist schon im Register" in result.stderr
    assert "Mit --replace ersetzen" in result.stderr
    assert "1 Intake: 0 gespeichert, 1 nicht gespeichert." in result.stderr


def test_add_replace(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "add", "--replace", str(examples / AMAL)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[:2] == ["ME-2025-0142", "ersetzt"]


def test_add_stores_the_valid_and_reports_the_invalid(runner: CliRunner, examples: Path) -> None:
    result = runner.invoke(
        app, ["case", "add", str(examples / AMAL), str(examples / "invalid" / "german-b3.yaml")]
    )
    assert result.exit_code == 1
    assert result.stdout.split()[:2] == ["ME-2025-0142", "angelegt"]
    # the same line `intake validate` prints
    assert "german-b3.yaml:39: languages.german: 'B3' ist nicht erlaubt (meinten Sie 'B2'?)" in (
        result.stderr
    )
    assert "2 Intakes: 1 gespeichert, 1 nicht gespeichert." in result.stderr
    listed = runner.invoke(app, ["case", "list", "--format", "json"])
    assert [c["case_id"] for c in json.loads(listed.stdout)["cases"]] == ["ME-2025-0142"]


def test_add_assigns_ids_and_reports_them_as_json(runner: CliRunner, tmp_path: Path) -> None:
    first = _new_intake(tmp_path, "lea.yaml")
    second = _new_intake(tmp_path, "ben.yaml", given_names="Ben")
    result = runner.invoke(
        app,
        ["case", "add", "--district", "kreis-unna", "--format", "json", str(first), str(second)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(s["case_id"], s["action"], s["status"]) for s in data["stored"]] == [
        ("UN-2025-0001", "angelegt", "beraten"),
        ("UN-2025-0002", "angelegt", "beraten"),
    ]
    assert data["failed"] == []


def test_add_district_from_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SEITENEINSTEIGER_DISTRICT", "stadt-herne")
    result = runner.invoke(app, ["case", "add", str(_new_intake(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("HE-2025-0001")


def test_add_the_same_file_twice_does_not_duplicate_the_child(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _new_intake(tmp_path)
    _add(runner, "--no-write-back", path)  # a copy without the id, e.g. from a colleague
    result = runner.invoke(app, ["case", "add", str(path)])
    assert result.exit_code == 1
    assert "dasselbe Kind (Name und Geburtsdatum) ist schon als Fall NRW-2025-0001" in (
        result.stderr
    )
    assert "Neumann" not in result.stderr


def test_add_malformed_district_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["case", "add", "--district", "Kreis Unna", str(_new_intake(tmp_path))]
    )
    assert result.exit_code == 2
    assert "--district: 'Kreis Unna' ist keine gültige Kennung eines Kreises" in result.stderr


def test_add_without_files(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["case", "add", str(tmp_path)])
    assert result.exit_code == 1
    assert "Keine Intake-Dateien gefunden" in result.stderr


# ---------------------------------------------------------------------------------------------
# list


def test_list_text_shows_names_and_waiting_days(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL, examples / "intakes" / "hawre-aziz.yaml")
    runner.invoke(app, ["case", "status", "UN-2025-0089", "an_schulamt_gemeldet"])
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.split() == [
        "Fall",
        "Beratung",
        "Status",
        "Wartetage",
        "Kreis",
        "Schule",
        "Name",
    ]
    assert rows[0].split() == [
        "ME-2025-0142",
        "15.09.2025",
        "beraten",
        str(_days_since("2025-09-15")),
        "kreis-mettmann",
        "–",
        "Haddad,",
        "Amal",
    ]
    assert rows[1].split()[:3] == ["UN-2025-0089", "08.12.2025", "an_schulamt_gemeldet"]


def test_list_json_has_no_names_unless_asked(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "list", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["as_of"] == dt.date.today().isoformat()
    assert data["cases"] == [
        {
            "case_id": "ME-2025-0142",
            "intake_date": "2025-09-15",
            "status": "beraten",
            "status_label": "beraten – wartet auf einen Schulplatz",
            "waiting_days": _days_since("2025-09-15"),
            "district": "kreis-mettmann",
            "school_number": None,
            "school_name": None,
        }
    ]
    assert "Haddad" not in result.stdout and "Amal" not in result.stdout
    named = runner.invoke(app, ["case", "list", "--format", "json", "--with-names"])
    case = json.loads(named.stdout)["cases"][0]
    assert (case["family_name"], case["given_names"]) == ("Haddad", "Amal")


def test_list_filters(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / "intakes")
    runner.invoke(app, ["case", "status", "UN-2025-0089", "zugewiesen", "--school", "121599"])
    by_status = runner.invoke(app, ["case", "list", "--status", "zugewiesen"])
    assert [line.split()[0] for line in by_status.stdout.splitlines()[1:]] == ["UN-2025-0089"]
    by_district = runner.invoke(
        app, ["case", "list", "--district", "stadt-herne", "--format", "json"]
    )
    assert {c["district"] for c in json.loads(by_district.stdout)["cases"]} == {"stadt-herne"}
    none = runner.invoke(app, ["case", "list", "--status", "verzogen"])
    assert none.exit_code == 0 and none.stdout == ""
    assert "Keine Fälle mit diesen Filtern." in none.stderr


def test_list_unknown_status_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["case", "list", "--status", "zugewisen"])
    assert result.exit_code == 2
    assert "Fehler: unbekannter Status 'zugewisen' (meinten Sie 'zugewiesen'?)" in result.stderr


def test_list_empty_register(runner: CliRunner) -> None:
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 0
    assert result.stderr.strip() == "Keine Fälle im Register."


# ---------------------------------------------------------------------------------------------
# show


def test_show_yaml_is_a_valid_intake_with_the_history(
    runner: CliRunner, examples: Path, tmp_path: Path
) -> None:
    _add(runner, examples / AMAL)
    status = ["case", "status", "ME-2025-0142", "an_schulamt_gemeldet", "--note", "GE Ratingen"]
    runner.invoke(app, status)
    result = runner.invoke(app, ["case", "show", "ME-2025-0142"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("format: seiteneinsteiger/intake@1\ncase_id: ME-2025-0142\n")
    assert "# Statusverlauf (nicht Teil des Intakes):" in result.stdout
    assert "#   15.09.2025  beraten" in result.stdout
    assert "an_schulamt_gemeldet  an das Schulamt gemeldet  – GE Ratingen" in result.stdout
    shown = tmp_path / "shown.yaml"
    shown.write_text(result.stdout, encoding="utf-8")
    validated = runner.invoke(app, ["intake", "validate", str(shown)])
    assert validated.exit_code == 0, validated.output


def test_show_json(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "show", "ME-2025-0142", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["intake"]["pupil"]["family_name"] == "Haddad"
    assert data["intake"]["pupil"]["address"]["postcode"] == "40878"
    assert [(h["at"], h["status"]) for h in data["history"]] == [("2025-09-15", "beraten")]
    assert data["waiting_days"] == _days_since("2025-09-15")


def test_show_unknown_case(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "show", "ME-2025-142"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Fehler: Fall ME-2025-142 ist nicht im Register",
        "Hinweis: Meinten Sie ME-2025-0142?",
    ]


# ---------------------------------------------------------------------------------------------
# status


def test_status_change(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    assigned = ["zugewiesen", "--date", "06.10.2025", "--school", "166452"]
    result = runner.invoke(app, ["case", "status", "ME-2025-0142", *assigned])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "ME-2025-0142: beraten → zugewiesen (vom Schulamt zugewiesen) am 06.10.2025: Schule 166452"
    )
    listed = json.loads(runner.invoke(app, ["case", "list", "--format", "json"]).stdout)
    assert listed["cases"][0]["waiting_days"] == 21


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["zugewisen"], "unbekannter Status 'zugewisen' (meinten Sie 'zugewiesen'?)"),
        (["zugewiesen", "--date", "6.10."], "--date: '6.10.' ist kein Datum"),
        (["zugewiesen", "--date", "2025-02-30"], "--date: '2025-02-30' ist kein gültiges Datum"),
    ],
)
def test_status_usage_errors(
    runner: CliRunner, examples: Path, args: list[str], message: str
) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "status", "ME-2025-0142", *args])
    assert result.exit_code == 2
    assert f"Fehler: {message}" in result.stderr
    assert "Traceback" not in result.output


def test_status_in_the_future_is_refused(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    result = runner.invoke(
        app, ["case", "status", "ME-2025-0142", "aufgenommen", "--date", tomorrow]
    )
    assert result.exit_code == 1
    assert "liegt in der Zukunft" in result.stderr


def test_status_of_unknown_case(runner: CliRunner) -> None:
    result = runner.invoke(app, ["case", "status", "ME-2025-0142", "zugewiesen"])
    assert result.exit_code == 1
    assert "Fall ME-2025-0142 ist nicht im Register" in result.stderr
    assert "seiteneinsteiger case list" in result.stderr


# ---------------------------------------------------------------------------------------------
# export


def test_export_writes_a_private_valid_intake(
    runner: CliRunner, examples: Path, tmp_path: Path
) -> None:
    _add(runner, examples / AMAL)
    target = tmp_path / "amal.yaml"
    result = runner.invoke(app, ["case", "export", "ME-2025-0142", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert f"Fall ME-2025-0142 nach {target} geschrieben." in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["amal.yaml"]  # no temporary file left
    validated = runner.invoke(app, ["intake", "validate", str(target)])
    assert validated.exit_code == 0, validated.output
    with CaseStore.open() as store:
        assert store.audit_entries("ME-2025-0142")[-1].action == "exportiert"


def test_export_does_not_overwrite_without_force(
    runner: CliRunner, examples: Path, tmp_path: Path
) -> None:
    _add(runner, examples / AMAL)
    target = tmp_path / "amal.yaml"
    target.write_text("alt\n")
    result = runner.invoke(app, ["case", "export", "ME-2025-0142", "-o", str(target)])
    assert result.exit_code == 1
    assert "existiert bereits" in result.stderr and "--force" in result.stderr
    assert target.read_text() == "alt\n"
    forced = runner.invoke(app, ["case", "export", "ME-2025-0142", "-o", str(target), "--force"])
    assert forced.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("format: seiteneinsteiger/intake@1")


def test_export_only_yaml(runner: CliRunner, examples: Path, tmp_path: Path) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "export", "ME-2025-0142", "-o", str(tmp_path / "a.xlsx")])
    assert result.exit_code == 2
    assert "muss auf .yaml oder .yml enden" in result.stderr


# ---------------------------------------------------------------------------------------------
# delete


def test_delete_with_yes(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "delete", "ME-2025-0142", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == "Fall ME-2025-0142 gelöscht."
    assert runner.invoke(app, ["case", "show", "ME-2025-0142"]).exit_code == 1


@pytest.mark.parametrize("answer", ["j", "ja", "y"])
def test_delete_after_confirmation(runner: CliRunner, examples: Path, answer: str) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "delete", "ME-2025-0142"], input=f"{answer}\n")
    assert result.exit_code == 0, result.output
    assert "Fall ME-2025-0142 mit Intake und Statusverlauf löschen? [j/N]" in result.stderr


@pytest.mark.parametrize("answer", ["n\n", "\n", ""])
def test_delete_declined_keeps_the_case(runner: CliRunner, examples: Path, answer: str) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "delete", "ME-2025-0142"], input=answer)
    assert result.exit_code == 1
    assert "Abgebrochen, nichts gelöscht." in result.stderr
    assert runner.invoke(app, ["case", "show", "ME-2025-0142"]).exit_code == 0


def test_delete_unknown_case_asks_nothing(runner: CliRunner) -> None:
    result = runner.invoke(app, ["case", "delete", "ME-2025-0142"], input="j\n")
    assert result.exit_code == 1
    assert "löschen?" not in result.output
    assert "Fall ME-2025-0142 ist nicht im Register" in result.stderr


# ---------------------------------------------------------------------------------------------
# stats


def test_stats(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / "intakes")
    admitted = ["aufgenommen", "--date", "2025-10-06", "--school", "189601"]
    runner.invoke(app, ["case", "status", "ME-2025-0142", *admitted])
    result = runner.invoke(app, ["case", "stats", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["total"] == 17
    assert data["by_status"]["beraten"] == 16
    assert data["by_status"]["aufgenommen"] == 1
    assert data["waiting_for_place"]["count"] == 16
    assert data["waiting_for_place"]["max_days"] == _days_since("2025-08-20")  # Viktoria
    text = runner.invoke(app, ["case", "stats"])
    assert text.stdout.splitlines()[0] == (
        f"Fälle im Register: 17 (Stand {dt.date.today():%d.%m.%Y})"
    )
    assert "  aufgenommen           aufgenommen (Schule hat bestätigt)" in text.stdout
    for name in ("Haddad", "Amal", "Petrova"):
        assert name not in text.stdout and name not in result.stdout


def test_stats_of_an_empty_register(runner: CliRunner) -> None:
    result = runner.invoke(app, ["case", "stats"])
    assert result.exit_code == 0
    assert "Ohne Schulplatz nach der Beratung: keine Fälle" in result.stdout


def test_stats_of_one_waiting_child_says_fall_in_the_singular(
    runner: CliRunner, examples: Path
) -> None:
    _add(runner, examples / AMAL)
    result = runner.invoke(app, ["case", "stats"])
    assert result.exit_code == 0
    days = _days_since("2025-09-15")  # Amal's counselling
    assert (
        f"Ohne Schulplatz nach der Beratung: 1 Fall, Wartetage Median {days}, längste {days}"
    ) in result.stdout


# ---------------------------------------------------------------------------------------------
# the register itself


@pytest.mark.sqlite_only
def test_register_on_a_network_share_is_refused(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = os.environ["SEITENEINSTEIGER_HOME"]
    monkeypatch.setattr(netfs_module, "read_mounts", lambda: [("/", "ext4"), (home, "cifs")])
    result = runner.invoke(app, ["case", "list"])
    assert result.exit_code == 1
    assert "liegt auf einem Netzlaufwerk (cifs)" in result.stderr
    assert "Hinweis: SEITENEINSTEIGER_HOME auf ein Verzeichnis" in result.stderr
    assert not (Path(home) / "cases.sqlite3").exists()


@pytest.mark.sqlite_only
def test_register_file_is_private(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    path = Path(os.environ["SEITENEINSTEIGER_HOME"]) / "cases.sqlite3"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_case_help_is_german_and_light() -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['seiteneinsteiger', 'case', '--help']\n"
        "from seiteneinsteiger.cli.main import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('seiteneinsteiger.store', "
        "'sqlite3', 'sqlalchemy', 'alembic', 'psycopg', 'openpyxl', 'seiteneinsteiger.rules', "
        "'rich.table'))), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"TERMINAL_WIDTH": "100", "PATH": ""},
    )
    assert "Fallregister" in done.stdout
    for command in ("add", "list", "show", "status", "export", "delete", "stats"):
        assert command in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------------------------------------
# backup


@pytest.mark.sqlite_only
def test_backup_is_a_complete_private_register_that_opens_again(
    runner: CliRunner, examples: Path, tmp_path: Path
) -> None:
    _add(runner, examples / AMAL, examples / "intakes" / "zahra-ahmadi.yaml")
    target = tmp_path / "sicherung.sqlite3"
    result = runner.invoke(app, ["case", "backup", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Sicherung geschrieben: {target} (2 Fälle)"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sicherung.sqlite3"]  # no -wal, no .part
    with CaseStore.open(target) as copy:
        assert sorted(case.case_id for case in copy.list_cases()) == [
            "ME-2025-0142",
            "ME-2025-0167",
        ]
    again = runner.invoke(app, ["case", "backup", "-o", str(target)])
    assert again.exit_code == 1
    assert "existiert bereits" in again.stderr
    assert runner.invoke(app, ["case", "backup", "-o", str(target), "--force"]).exit_code == 0
    with CaseStore.open() as register:
        assert [e.action for e in register.audit_entries() if e.case_id is None][-1] == "gesichert"


# ---------------------------------------------------------------------------------------------
# allocation tracking: who, which school, new statuses; reads in the audit log


def test_status_with_school_number_and_the_new_statuses(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL)
    sent = runner.invoke(
        app,
        ["case", "status", "ME-2025-0142", "an-schulamt-gemeldet", "--school", "166452"],
    )
    assert sent.exit_code == 0, sent.output
    assert "beraten → an_schulamt_gemeldet (an das Schulamt gemeldet)" in sent.stdout
    withdrawn = runner.invoke(app, ["case", "status", "ME-2025-0142", "zurückgezogen"])
    assert "→ zurueckgezogen (zurückgezogen)" in withdrawn.stdout
    shown = json.loads(runner.invoke(app, ["case", "show", "ME-2025-0142", "-f", "json"]).stdout)
    events = shown["history"]
    assert [(e["status"], e["school_number"]) for e in events] == [
        ("beraten", None),
        ("an_schulamt_gemeldet", "166452"),
        ("zurueckgezogen", None),
    ]
    assert {e["recorded_by"] for e in events} == {os_user()}
    assert shown["waiting_days"] == _days_since("2025-09-15")  # the wait ended today
    text = runner.invoke(app, ["case", "show", "ME-2025-0142"]).stdout
    assert "an das Schulamt gemeldet  (Schule 166452)" in text
    bad = runner.invoke(app, ["case", "status", "ME-2025-0142", "aufgenommen", "--school", "1664"])
    assert bad.exit_code == 2
    assert "Fehler: --school: '1664' ist keine Schulnummer" in bad.stderr


def test_reading_names_is_in_the_audit_log(runner: CliRunner, examples: Path) -> None:
    _add(runner, examples / AMAL, examples / "intakes" / "hawre-aziz.yaml")
    runner.invoke(app, ["case", "list"])
    runner.invoke(app, ["case", "list", "--format", "json"])
    runner.invoke(app, ["case", "show", "UN-2025-0089"])
    with CaseStore.open() as store:
        entries = [(e.action, e.case_id, e.detail, e.os_user) for e in store.audit_entries()]
    assert entries[-3:] == [
        ("aufgelistet", None, "2 Fälle, mit Namen", os_user()),
        ("aufgelistet", None, "2 Fälle, ohne Namen", os_user()),
        ("angesehen", "UN-2025-0089", None, os_user()),
    ]
