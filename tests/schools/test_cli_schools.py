"""``seiteneinsteiger schools ...`` through the command line."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.schools import ATTRIBUTION

from .conftest import CAPACITY, INTAKES, REAL


def test_check_reads_directory_and_capacity_files(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["schools", "check", str(CAPACITY / "kreis-mettmann.csv"), str(REAL)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"{CAPACITY / 'kreis-mettmann.csv'}: Kapazitätstabelle, 20 Zeilen übernommen; 0 Fehler."
    )
    assert lines[1] == (
        f"{REAL}: Schulverzeichnis, 5.507 Zeilen: 5.409 Schulen übernommen; keine Schulen: 59 "
        "Schulverwaltung (0A), 2 Schulischer Lernort (81), 37 Schule für Kranke (83); 0 Fehler."
    )
    assert lines[-1] == f"Schuldaten: {ATTRIBUTION}"


def test_check_reports_every_bad_row_and_fails(runner: CliRunner, tmp_path: Path) -> None:
    good = (CAPACITY / "stadt-herne.csv").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "kapazitaet.csv"
    bad.write_text(
        "\n".join(
            [
                good[0],
                good[1].replace(";12;10;0;", ";12;10;-1;"),
                good[2].replace("130734", "130743"),
                good[3],
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["schools", "check", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:2: reserviert: -1: negative Platzzahl" in result.stdout
    assert f"{bad}:3: Schulnummer: Schulnummer 130743 steht nicht im Schulverzeichnis" in (
        result.stdout
    )
    assert f"{bad}: Kapazitätstabelle, 1 Zeile übernommen; 2 Fehler." in result.stdout
    assert "Traceback" not in result.output


def test_check_as_json(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "tabelle.xlsx"
    broken.write_text("kein Excel", encoding="utf-8")
    result = runner.invoke(
        app,
        ["schools", "check", str(CAPACITY / "kreis-unna.csv"), str(broken), "--format", "json"],
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["files"] == 2 and data["failed"] == 1
    assert data["attribution"] == ATTRIBUTION
    first, second = data["results"]
    assert (first["kind"], first["rows"], first["errors"]) == ("capacity", 15, 0)
    assert second["problems"][0]["message"] == "keine Excel-Datei (.xlsx)"


def test_show_a_school(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schools", "show", "189601"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "Martin-Luther-King-Gesamtschule Städt. Gesamtschule Ratingen - Sekundarstufen I und II "
        "- (189601)"
    )
    assert "Adresse:            Erfurter Str. 36, 40880 Ratingen" in result.stdout
    assert result.stdout.rstrip().endswith(f"Schuldaten: {ATTRIBUTION}")
    data = json.loads(runner.invoke(app, ["schools", "show", "199746", "-f", "json"]).stdout)
    assert data["school_form"] == "foerderschule" and data["attribution"] == ATTRIBUTION


def test_show_an_unknown_number_suggests_the_typo(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schools", "show", "189610"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Fehler: Schulnummer '189610' steht nicht im Schulverzeichnis; meinten Sie 189601 "
        "(Ratingen, GE Martin-Luther-King)?"
    )


def test_list_schools_of_a_district(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["schools", "list", "--district", "stadt-herne", "--form", "berufskolleg"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:3] == [
        "180658       Berufskolleg  Herne, BK Mulvany     öffentlich  in Betrieb",
        "180804       Berufskolleg  Herne, BK Emschertal  öffentlich  in Betrieb",
    ]
    data = json.loads(
        runner.invoke(app, ["schools", "list", "--district", "kreis-mettmann", "-f", "json"]).stdout
    )
    assert data["count"] == len(data["schools"]) == 137  # 143 schools, 6 not in operation
    closed = runner.invoke(
        app, ["schools", "list", "--district", "kreis-mettmann", "--all", "-f", "json"]
    )
    assert json.loads(closed.stdout)["count"] == 143


def test_unknown_district_or_form_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schools", "list", "--district", "kreis-metmann"])
    assert result.exit_code == 2
    assert "Kreis 'kreis-metmann' ist unbekannt; meinten Sie 'kreis-mettmann'?" in result.stderr
    result = runner.invoke(app, ["schools", "list", "--form", "gymnasiun"])
    assert result.exit_code == 2
    assert "'gymnasiun' ist keine Schulform; meinten Sie 'gymnasium'?" in result.stderr


def test_template_for_the_schulamt(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "kapazitaet.xlsx"
    result = runner.invoke(
        app, ["schools", "template", "--district", "kreis-unna", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        # 111 schools, 2 not in operation, 6 Förderschulen (never proposed)
        f"Vorlage geschrieben: {target} (Kreis Unna, 103 Schulen im Blatt 'Schulen')"
    )
    workbook = load_workbook(target)
    assert workbook.sheetnames == ["Kapazitäten", "Listen", "Schulen", "Hinweise"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = runner.invoke(
        app, ["schools", "template", "--district", "kreis-unna", "-o", str(target)]
    )
    assert again.exit_code == 1 and "existiert bereits" in again.stderr


def test_propose_for_a_demo_child(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        [
            "schools",
            "propose",
            str(INTAKES / "amal-haddad.yaml"),
            "--capacity",
            str(CAPACITY / "kreis-mettmann.csv"),
            "--date",
            "2025-09-15",
            "--top",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == (
        "Kreis Mettmann · Stichtag 15.09.2025 · Wohnort: PLZ-Mittelpunkt (aus Schulstandorten)"
    )
    assert lines[2] == (
        "Gesucht: Gesamtschule, Sekundarschule, Realschule, Hauptschule · Klasse 7 (oder 6, 5) · "
        "Erstalphabetisierung"
    )
    assert "Vorschläge (7, davon 1 gezeigt):" in lines
    assert (
        "  1. Ratingen, GE Martin-Luther-King (189601) – Gesamtschule, öffentlich, 1,9 km, 3 frei"
        in lines
    )
    assert lines[-1] == f"Schuldaten: {ATTRIBUTION}"
    assert "Haddad" not in result.stdout  # the proposal names the case, not the child


def test_propose_json_and_why_not(runner: CliRunner) -> None:
    args = [
        "schools",
        "propose",
        str(INTAKES / "ermira-krasniqi.yaml"),
        "--capacity",
        str(CAPACITY / "stadt-herne.csv"),
        "--date",
        "2026-03-02",
    ]
    data = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    [result] = data
    assert [p["schulnummer"] for p in result["proposals"]] == ["130618", "131064"]
    why = runner.invoke(app, [*args, "--why-not"])
    assert (
        "  - Herne, GG Claudiusschule (131039): gemeldet nur Regelklasse mit Erstförderung "
        "Klassen 1–2, gebraucht Klasse 3" in why.stdout.splitlines()
    )


def test_propose_with_bad_input(runner: CliRunner, tmp_path: Path) -> None:
    capacity = str(CAPACITY / "kreis-mettmann.csv")
    wrong_date = runner.invoke(
        app,
        ["schools", "propose", str(INTAKES), "--capacity", capacity, "--date", "30.02.2025"],
    )
    assert wrong_date.exit_code == 2
    assert "--date: '30.02.2025' ist kein gültiges Datum" in wrong_date.stderr
    broken = tmp_path / "kaputt.csv"
    broken.write_text("Schulnummer;Angebot\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "schools",
            "propose",
            str(INTAKES / "amal-haddad.yaml"),
            "--capacity",
            str(broken),
            "--date",
            "2025-09-15",
        ],
    )
    assert result.exit_code == 1
    assert f"{broken}:1: Kopfzeile: Spalten 'Klasse von'" in result.stderr
    assert "Kein Vorschlag. Kreis Mettmann: keine Schule mit einem freien Platz" in result.stdout
    assert "Traceback" not in result.output
