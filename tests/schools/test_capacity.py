"""The Schulamt's capacity table: CSV and Excel, checked against the directory, every problem
located."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook, load_workbook

from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.capacity import (
    HEADER,
    CapacityReport,
    CapacityTable,
    parse_capacity_csv,
    read_capacity,
)
from seiteneinsteiger.schools.capacity_template import write_capacity_template
from seiteneinsteiger.schools.directory import Directory
from seiteneinsteiger.schools.offers import Offer
from seiteneinsteiger.xlsx_guard import Limits

from .conftest import CAPACITY, Mutation, mutate, mutations

HEAD = ";".join(HEADER)
AMT = "Schulamt für den Kreis Mettmann"


def csv(*rows: str, head: str = HEAD) -> bytes:
    return ("\n".join([head, *rows]) + "\n").encode("utf-8")


def row(number: str = "189601", offer: str = "erstalphabetisierung", **change: str) -> str:
    values = {
        "von": "5",
        "bis": "7",
        "gesamt": "12",
        "belegt": "9",
        "reserviert": "0",
        "ab": "01.08.2025",
        "bis_datum": "",
        "wer": AMT,
        "am": "01.09.2025",
    } | change
    return ";".join(
        [
            number,
            offer,
            values["von"],
            values["bis"],
            values["gesamt"],
            values["belegt"],
            values["reserviert"],
            values["ab"],
            values["bis_datum"],
            values["wer"],
            values["am"],
        ]
    )


def messages(report: CapacityReport) -> list[str]:
    return [problem.render() for problem in report.problems]


def test_the_examples_read_cleanly_against_the_shipped_directory(shipped: Directory) -> None:
    counts = {}
    for path in sorted(CAPACITY.glob("*.csv")):
        report = read_capacity(path, directory=shipped, display=path.name)
        assert report.problems == [], messages(report)
        counts[path.name] = len(report.rows)
        for item in report.rows:
            school = shipped.get(item.schulnummer)
            assert school is not None and school.in_operation
    assert counts == {"kreis-mettmann.csv": 20, "kreis-unna.csv": 15, "stadt-herne.csv": 9}


def test_a_row_as_the_schulamt_reports_it(shipped: Directory) -> None:
    report = parse_capacity_csv(csv(row(reserviert="1")), "k.csv", directory=shipped)
    [item] = report.rows
    assert (item.schulnummer, item.offer, item.grade_from, item.grade_to) == (
        "189601",
        Offer.erstalphabetisierung,
        5,
        7,
    )
    assert (item.total, item.taken, item.reserved, item.free) == (12, 9, 1, 2)
    assert item.valid_from == dt.date(2025, 8, 1) and item.valid_until is None
    assert item.reported_by == AMT and item.reported_on == dt.date(2025, 9, 1)
    assert item.where == "k.csv:2"
    assert item.valid_on(dt.date(2030, 1, 1)) and not item.valid_on(dt.date(2025, 7, 31))
    assert CapacityTable(report.rows).for_school("189601") == [item]


def test_spreadsheet_habits_are_accepted() -> None:
    comma = HEAD.replace(";", ",")
    labelled = row(offer="Erstalphabetisierung").replace(";", ",")
    report = parse_capacity_csv(csv(labelled, head=comma), "komma.csv")
    assert report.ok and report.rows[0].offer is Offer.erstalphabetisierung
    sep_line = parse_capacity_csv(b"sep=;\n" + csv(row(belegt="", reserviert="")), "sep.csv")
    assert sep_line.ok and sep_line.rows[0].free == 12
    assert messages(sep_line) == []


def test_a_windows_1252_file_is_read_with_a_warning() -> None:
    data = csv(row(wer="Schulamt für den Kreis Mettmann")).decode("utf-8").encode("cp1252")
    report = parse_capacity_csv(data, "ansi.csv")
    assert report.rows[0].reported_by == AMT
    assert messages(report) == [
        "ansi.csv: Datei ist nicht in UTF-8 kodiert; als Windows-1252 gelesen (Umlaute prüfen; "
        "besser in Excel als 'CSV UTF-8' speichern)"
    ]
    assert report.ok and report.problems[0].severity == "warning"


def test_bad_values_are_located_by_line_and_column() -> None:
    report = parse_capacity_csv(
        csv(
            row(gesamt="-3"),
            row(gesamt="10", belegt="9", reserviert="2"),
            row(am="31.02.2025"),
            row(ab="2025-08-01"),
            row(offer="deutschkurs"),
            row(ab="01.09.2025", bis_datum="31.08.2025"),
            row(von="8", bis="6"),
            row(number="18960"),
            row(von="11", bis=""),
            row(gesamt=""),
        ),
        "k.csv",
    )
    assert messages(report) == [
        "k.csv:2: Plätze gesamt: -3: negative Platzzahl",
        "k.csv:3: belegt: belegt (9) und reserviert (2) sind zusammen mehr als Plätze gesamt (10)",
        "k.csv:4: gemeldet am: '31.02.2025': diesen Tag gibt es nicht",
        "k.csv:5: gültig von: '2025-08-01' ist kein Datum im Format TT.MM.JJJJ",
        "k.csv:6: Angebot: 'deutschkurs' ist kein Angebot; erlaubt: regelklasse_erstfoerderung, "
        "erstfoerderungsgruppe, erstalphabetisierung, ifk",
        "k.csv:7: gültig bis: 31.08.2025 liegt vor 'gültig von' (01.09.2025)",
        "k.csv:8: Klasse bis: Klasse bis (6) liegt vor Klasse von (8)",
        "k.csv:9: Schulnummer: '18960' ist keine Schulnummer (6 Ziffern)",
        "k.csv:10: Klasse bis: fehlt (beide Klassen angeben oder beide leer lassen für alle "
        "Klassen)",
        "k.csv:11: Plätze gesamt: fehlt",
    ]
    assert report.rows == []


def test_rows_are_checked_against_the_directory(shipped: Directory) -> None:
    report = parse_capacity_csv(
        csv(
            row(number="189610"),
            row(number="600158"),
            row(number="159414"),
            row(number="130618", von="3", bis="5"),
            row(number="159438", offer="ifk"),
            row(number="199746", offer="erstfoerderungsgruppe"),
            row(number="188980"),
        ),
        "k.csv",
        directory=shipped,
    )
    assert messages(report) == [
        "k.csv:2: Schulnummer: Schulnummer 189610 steht nicht im Schulverzeichnis; meinten Sie "
        "189601 (Ratingen, GE Martin-Luther-King)?",
        "k.csv:3: Schulnummer: 600158 ist keine Schule, sondern eine Schulverwaltung (Mettmann, "
        "Schulamt Kreis Mettmann)",
        "k.csv:4: Schulnummer: Mettmann, RS Carl-Fuhlrott-Realschule: laut Schulverzeichnis nicht "
        "in Betrieb (Schulbetriebsschlüssel 2, Datum 31.07.2026); für diese Schule können keine "
        "Plätze gemeldet werden",
        "k.csv:5: Klasse bis: Klassen 3–5 gibt es an einer Schule der Schulform Grundschule nicht "
        "(Klassen 1–4; Herne, GG an der Max-Wiethoff-Straße)",
        "k.csv:6: Angebot: Internationale Förderklasse (IFK) gibt es an einer Schule der "
        "Schulform Realschule nicht (Ratingen, RS Friedrich-Ebert-Schule)",
        "k.csv:7: Schulnummer: Hilden, FÖ ES, LE, SQ Förderzentr. Mitte: Förderschule: eine "
        "Aufnahme setzt ein AO-SF-Verfahren voraus; bei der Erstberatung wird keine Förderschule "
        "vorgeschlagen (§ 18 AO-SF); die Zeile wird gelesen, aber nie vorgeschlagen",
        "k.csv:8: Schulnummer: Haan, FW Haan-Gruiten: Ersatzschule eigener Art "
        "(Waldorfpädagogik): keine Schulform der Empfehlung; die Schule entscheidet selbst über "
        "die Aufnahme; die Zeile wird gelesen, aber nie vorgeschlagen",
    ]
    assert [p.severity for p in report.problems][-2:] == ["warning", "warning"]
    assert [item.schulnummer for item in report.rows] == ["199746", "188980"]


def test_overlapping_rows_for_the_same_school_and_offer(shipped: Directory) -> None:
    report = parse_capacity_csv(
        csv(
            row(von="5", bis="6"),
            row(von="7", bis="7"),  # other classes: fine
            row(von="6", bis="7", ab="01.02.2026"),  # the first row has no end date
            row(offer="erstfoerderungsgruppe", von="5", bis="6"),  # other offer: fine
            row(number="173472", offer="ifk", von="", bis="", bis_datum="31.01.2026"),
            row(number="173472", offer="ifk", von="", bis="", ab="01.02.2026"),  # next period
            row(number="173472", offer="ifk", von="", bis="", ab="15.01.2026"),
        ),
        "k.csv",
        directory=shipped,
    )
    assert messages(report) == [
        "k.csv:4: Angebot: überschneidet sich mit Zeile 2: gleiche Schule, gleiches Angebot "
        "(Erstalphabetisierung), Klassen und Gültigkeitszeitraum überlappen",
        "k.csv:8: Angebot: überschneidet sich mit Zeile 6: gleiche Schule, gleiches Angebot "
        "(Internationale Förderklasse (IFK)), Klassen und Gültigkeitszeitraum überlappen",
    ]
    assert len(report.rows) == 5


def test_a_report_date_in_the_future_is_a_warning() -> None:
    report = parse_capacity_csv(csv(row(am="01.10.2025")), "k.csv", today=dt.date(2025, 9, 1))
    assert messages(report) == ["k.csv:2: gemeldet am: 01.10.2025 liegt in der Zukunft"]
    assert report.ok and len(report.rows) == 1


def test_files_that_are_no_capacity_table(tmp_path: Path) -> None:
    names = {
        "liste.csv": b"Name;Alter\nAmal;12\n",
        "halb.csv": "Schulnummer;Angebot;Plätze gesamt\n189601;ifk;3\n".encode(),
        "leer.csv": b"",
        "tabelle.ods": b"PK",
    }
    found = {}
    for name, data in names.items():
        (tmp_path / name).write_bytes(data)
        found[name] = messages(read_capacity(tmp_path / name, display=name))
    assert found == {
        "liste.csv": [
            "liste.csv:1: keine Kapazitätstabelle (Kopfzeile mit Schulnummer; Angebot; Klasse "
            "von; … erwartet)"
        ],
        "halb.csv": [
            "halb.csv:1: Kopfzeile: Spalten 'Klasse von', 'Klasse bis', 'belegt', 'reserviert', "
            "'gültig von', 'gültig bis', 'gemeldet von', 'gemeldet am' fehlen (erwartet: "
            + "; ".join(HEADER)
            + ")"
        ],
        "leer.csv": ["leer.csv: Datei ist leer"],
        "tabelle.ods": [
            "tabelle.ods: unbekannte Dateiendung '.ods' (gelesen werden .csv und .xlsx)"
        ],
    }


# --- Excel ---------------------------------------------------------------------------------


def _filled_template(path: Path, shipped: Directory, rows: list[list[Any]]) -> Path:
    with path.open("wb") as handle:
        write_capacity_template(handle, schools=shipped.in_area(["05916000"]))
    workbook = load_workbook(path)
    sheet = workbook["Kapazitäten"]
    for number, values in enumerate(rows, 2):
        for column, value in enumerate(values, 1):
            sheet.cell(row=number, column=column, value=value)
    workbook.save(path)
    return path


def test_the_template_round_trips(tmp_path: Path, shipped: Directory) -> None:
    path = _filled_template(
        tmp_path / "kapazitaet.xlsx",
        shipped,
        [
            [
                "130618",
                "GG Max-Wiethoff",
                "erstfoerderungsgruppe",
                1,
                4,
                12,
                10,
                0,
                dt.date(2025, 8, 1),
                None,
                "Schulamt für die Stadt Herne",
                dt.date(2025, 8, 22),
            ],
            [
                180658,
                None,
                "ifk",
                None,
                None,
                20,
                16,
                None,
                dt.datetime(2025, 8, 1),
                None,
                "Schulamt für die Stadt Herne",
                "22.08.2025",
            ],
        ],
    )
    report = read_capacity(path, directory=shipped, display="kapazitaet.xlsx")
    assert messages(report) == []
    assert [(r.schulnummer, r.offer.value, r.free) for r in report.rows] == [
        ("130618", "erstfoerderungsgruppe", 2),
        ("180658", "ifk", 4),
    ]
    assert report.rows[0].where == "kapazitaet.xlsx Kapazitäten!A2"


def test_excel_problems_name_sheet_and_cell(tmp_path: Path, shipped: Directory) -> None:
    path = _filled_template(
        tmp_path / "k.xlsx",
        shipped,
        [
            [
                "130618",
                None,
                "erstfoerderungsgruppe",
                1,
                4,
                "=10+2",
                10,
                0,
                dt.date(2025, 8, 1),
                None,
                "Schulamt",
                dt.date(2025, 8, 22),
            ],
            [
                "130618",
                None,
                "ifk",
                1,
                4,
                12,
                14,
                0,
                dt.date(2025, 8, 1),
                None,
                "Schulamt",
                dt.date(2025, 8, 22),
            ],
        ],
    )
    assert messages(read_capacity(path, directory=shipped, display="k.xlsx")) == [
        "k.xlsx Kapazitäten!F2: Plätze gesamt: Formel ohne gespeicherten Wert; bitte den Wert "
        "selbst eintragen",
        "k.xlsx Kapazitäten!G3: belegt: belegt (14) und reserviert (0) sind zusammen mehr als "
        "Plätze gesamt (12)",
        "k.xlsx Kapazitäten!C3: Angebot: Internationale Förderklasse (IFK) gibt es an einer "
        "Schule der Schulform Grundschule nicht (Herne, GG an der Max-Wiethoff-Straße)",
    ]


def test_a_plain_workbook_with_the_header_further_down(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Meldung Oktober"
    sheet["A1"] = "Kapazitäten Schulamt Kreis Mettmann, Stand 01.10.2025"
    sheet.append([])
    sheet.append(list(HEADER))
    sheet.append([189601, "erstalphabetisierung", 5, 7, 12, 9, 0, "01.08.2025", None, AMT, 45931])
    workbook.save(tmp_path / "meldung.xlsx")
    assert messages(read_capacity(tmp_path / "meldung.xlsx", display="meldung.xlsx")) == [
        "meldung.xlsx Meldung Oktober!K4: gemeldet am: Zahl statt Datum (Zelle als Datum "
        "formatieren, TT.MM.JJJJ)"
    ]


def test_the_template_helps_whoever_fills_it(tmp_path: Path, shipped: Directory) -> None:
    path = tmp_path / "vorlage.xlsx"
    with path.open("wb") as handle:
        write_capacity_template(handle, schools=shipped.in_area(["05916000"]))
    workbook = load_workbook(path)
    sheet = workbook["Kapazitäten"]
    assert [cell.value for cell in sheet[1]][:3] == ["Schulnummer", "Schule", "Angebot"]
    validations = sheet.data_validations.dataValidation
    assert all(v.showErrorMessage for v in validations)
    assert {v.formula1 for v in validations if v.type == "list"} == {
        "=Angebote",
        "=Schulnummern",
    }
    assert workbook["Listen"].sheet_state == "hidden"
    assert [workbook["Listen"].cell(row=n, column=1).value for n in range(1, 5)] == [
        offer.value for offer in Offer
    ]
    schools = workbook["Schulen"]
    assert schools["A1"].value == f"Schulen aus dem Schulverzeichnis – {ATTRIBUTION}"
    assert schools["A3"].value is not None and len(str(schools["A3"].value)) == 6
    empty = read_capacity(path, directory=shipped)
    assert empty.problems == [] and empty.rows == []


def test_hostile_workbooks_are_refused_with_the_shared_guards(tmp_path: Path) -> None:
    encrypted = tmp_path / "passwort.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    macro = tmp_path / "makro.xlsm"
    macro.write_bytes(b"PK")
    big = tmp_path / "gross.xlsx"
    workbook = Workbook()
    workbook.save(big)
    with zipfile.ZipFile(big, "a") as archive:
        archive.writestr("xl/media/bombe.bin", b"\0" * (2 << 20), zipfile.ZIP_DEFLATED)
    tiny = Limits(max_ratio=10, ratio_from=1024)
    assert messages(read_capacity(encrypted, display="passwort.xlsx")) == [
        "passwort.xlsx: Datei ist mit einem Kennwort verschlüsselt oder im alten .xls-Format"
    ]
    assert messages(read_capacity(macro, display="makro.xlsm")) == [
        "makro.xlsm: Datei mit Makros (.xlsm) wird aus Sicherheitsgründen nicht gelesen"
    ]
    [bomb] = messages(read_capacity(big, display="gross.xlsx", limits=tiny))
    assert bomb.startswith("gross.xlsx: ein Teil der Datei ist ungewöhnlich stark komprimiert")
    huge = tmp_path / "riesig.xlsx"
    with huge.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)  # sparse: no disk space, no content
    assert messages(read_capacity(huge, display="riesig.xlsx")) == [
        "riesig.xlsx: Datei ist zu groß (11 MB; eine Kapazitätstabelle darf höchstens 10 MB "
        "groß sein)"
    ]


def test_a_workbook_without_a_capacity_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active["A1"] = "Name"
    workbook.save(tmp_path / "fremd.xlsx")
    assert messages(read_capacity(tmp_path / "fremd.xlsx", display="fremd.xlsx")) == [
        "fremd.xlsx: Tabelle 'Sheet' ist keine Kapazitätstabelle (Kopfzeile mit Schulnummer, "
        "Angebot, Klasse von, … in den ersten 20 Zeilen erwartet)"
    ]


# --- any mutation: clean problems, never an exception --------------------------------------

SAMPLE = (CAPACITY / "kreis-mettmann.csv").read_bytes()
ALPHABET = [b'"', b";", b"\n", b",", b"-", b"x", b"0", b".", b"\xfc", b" "]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=mutations(len(SAMPLE), ALPHABET))
def test_any_mutation_gives_located_problems_and_never_an_exception(
    shipped: Directory, edits: list[Mutation]
) -> None:
    data = mutate(SAMPLE, edits)
    report = parse_capacity_csv(data, "m.csv", directory=shipped)
    lines = data.count(b"\n") + 2
    for problem in report.problems:
        assert problem.file == "m.csv"
        assert problem.line is None or 1 <= problem.line <= lines
    for item in report.rows:
        assert item.free >= 0 and item.taken + item.reserved <= item.total
        assert shipped.get(item.schulnummer) is not None
        assert item.valid_until is None or item.valid_until >= item.valid_from
