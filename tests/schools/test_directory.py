"""The Ministry's school directory is read exactly as published; bad rows get located messages."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from seiteneinsteiger.codes import SchoolForm
from seiteneinsteiger.schools.directory import (
    Directory,
    DirectoryReport,
    join_name,
    parse_directory,
    read_directory,
)
from seiteneinsteiger.schools.shipped import filter_published

from .conftest import REAL, Mutation, mutate, mutations

LINES = REAL.read_bytes().split(b"\n")
HEAD = LINES[:2]  # sep=; and the header


def sample(*rows: bytes) -> bytes:
    return b"\n".join([*HEAD, *rows]) + b"\n"


def row_of(number: str) -> bytes:
    return next(line for line in LINES if line.startswith(f'"{number}"'.encode()))


def messages(report: DirectoryReport) -> list[str]:
    return [problem.render() for problem in report.problems]


# --- the real file -----------------------------------------------------------------------------


def test_the_real_file_reads_without_a_single_problem(real_report: DirectoryReport) -> None:
    assert real_report.problems == []
    assert real_report.rows == 5507
    assert len(real_report.schools) == 5409
    assert len(real_report.authorities) == 59  # Ministry, Bezirksregierungen, Schulämter
    assert dict(real_report.skipped) == {"0A": 59, "81": 2, "83": 37}


def test_district_counts_of_the_readme(nrw: Directory) -> None:
    text = REAL.read_text(encoding="utf-8")
    for prefix, rows, schools in (("05158", 144, 143), ("05978", 113, 111), ("05916000", 43, 42)):
        published = filter_published(text, [prefix]).splitlines()
        assert len(published) - 2 == rows  # the README's count: every row of the district
        # the Schulamt (0A) is no school; Kreis Unna also has a Klinikschule (83)
        assert len(nrw.in_area([prefix])) == schools


def test_a_school_as_the_ministry_publishes_it(nrw: Directory) -> None:
    school = nrw.get("100011")
    assert school is not None
    assert school.name == "Städt. Gesamtschule Schule d. Sekundarstufe I u. II"
    assert school.short_name == "Haan, GE Walder Straße"
    assert school.form_key == "15" and school.form_code is SchoolForm.gesamtschule
    assert school.address == "Walder Str. 15, 42781 Haan"
    assert school.gemeindeschluessel == "05158008"
    assert not school.private and school.rechtsform == "öffentlich"
    assert school.in_operation and school.betrieb_date == dt.date(2017, 8, 1)
    assert (school.easting, school.northing) == (361466, 5673192)
    assert school.phone == "02129 3754950"
    assert school.email == "100011@schule.nrw.de"


def test_names_broken_over_three_lines_are_joined_as_words(nrw: Directory) -> None:
    waldorf = nrw.get("100018")
    assert waldorf is not None
    assert waldorf.name.startswith("Freie Waldorfschule Rudolf Steiner Schule u. Parzivalsch.")
    assert "Förderschule,Staatl." in waldorf.name
    assert join_name(["Grund-", "und Hauptschule"]) == "Grund- und Hauptschule"
    assert join_name(["Private Ökumenische Montessori-", "Gesamtschule"]) == (
        "Private Ökumenische Montessori-Gesamtschule"
    )
    assert join_name(["Städt. Gesamtschule", "- Sekundarstufe I und II -", ""]) == (
        "Städt. Gesamtschule - Sekundarstufe I und II -"
    )


def test_epsg_null_means_the_same_system(nrw: Directory) -> None:
    [line] = [line for line in LINES[2:] if b'"null"' in line]
    number = line.split(b";")[0].strip(b'"').decode()
    school = nrw.get(number)
    assert school is not None and school.easting is not None and school.northing is not None


def test_school_forms_are_mapped_and_foerderschulen_kept(nrw: Directory) -> None:
    volksschule = nrw.get("150873")
    assert volksschule is not None
    assert [code for code, _ in volksschule.schulform.serves] == [
        SchoolForm.grundschule,
        SchoolForm.hauptschule,
    ]
    foerder = [s for s in nrw if s.form_key in {"08", "19", "85", "87", "88"}]
    assert len(foerder) == 441 + 13 + 1 + 1 + 18
    assert all(s.form_code is SchoolForm.foerderschule for s in foerder)
    assert all(s.schulform.never_proposed for s in foerder)
    waldorf = [s for s in nrw if s.form_key in {"17", "18"}]
    assert waldorf and all(s.form_code is None and s.schulform.never_proposed for s in waldorf)
    assert nrw.get("600158") is None  # the Schulamt Kreis Mettmann is no school
    assert any(a.schulnummer == "600158" for a in nrw.authorities)


def test_a_closing_school_is_not_in_operation(nrw: Directory) -> None:
    school = nrw.get("159414")  # Carl-Fuhlrott-Realschule Mettmann, Schlüssel 2 bis 31.07.2026
    assert school is not None and not school.in_operation
    assert school.operation_text() == (
        "laut Schulverzeichnis nicht in Betrieb (Schulbetriebsschlüssel 2, Datum 31.07.2026)"
    )


# --- format traps ------------------------------------------------------------------------------


def test_newer_files_with_bezirksregierung_read_the_same() -> None:
    def with_column(line: bytes, value: bytes) -> bytes:
        cells = line.split(b";")
        return b";".join([*cells[:6], value, *cells[6:]])

    newer = b"\n".join(
        [HEAD[0], with_column(HEAD[1], b"Bezirksregierung")]
        + [with_column(line, b'"D\xc3\xbcsseldorf"') for line in LINES[2:12]]
    )
    report = parse_directory(newer, "neu.csv")
    old = parse_directory(b"\n".join(LINES[:12]), "alt.csv")
    assert report.problems == []
    assert [s.schulnummer for s in report.schools] == [s.schulnummer for s in old.schools]
    assert {s.bezirksregierung for s in report.schools} == {"Düsseldorf"}
    assert [s.name for s in report.schools] == [s.name for s in old.schools]


def test_a_file_without_the_sep_line_reads_the_same() -> None:
    report = parse_directory(b"\n".join(LINES[1:12]), "ohne-sep.csv")
    assert report.problems == [] and len(report.schools) == 10


def test_windows_line_ends_and_a_byte_order_mark() -> None:
    data = b"\xef\xbb\xbf" + b"\r\n".join(LINES[:12])
    report = parse_directory(data, "crlf.csv")
    assert report.problems == [] and len(report.schools) == 10


def test_wrong_column_count_is_located_and_the_other_rows_are_read() -> None:
    short = row_of("100011").rsplit(b";", 1)[0]
    long = row_of("100014") + b';"x"'
    report = parse_directory(sample(row_of("100010"), short, long, row_of("100018")), "s.csv")
    assert messages(report) == [
        "s.csv:4: 22 Werte statt 23 (fehlt ein Trennzeichen oder eine Spalte?)",
        "s.csv:5: 24 Werte statt 23 (Trennzeichen in einem Wert ohne Anführungszeichen?)",
    ]
    assert [s.schulnummer for s in report.schools] == ["100010", "100018"]


def test_bad_schulnummer_and_duplicates() -> None:
    bad = row_of("100011").replace(b'"100011"', b'"10OO11"', 1)
    report = parse_directory(sample(row_of("100010"), bad, row_of("100010")), "s.csv")
    assert messages(report) == [
        "s.csv:4: Schulnummer: '10OO11' ist keine Schulnummer (6 Ziffern)",
        "s.csv:5: Schulnummer: Schulnummer 100010 doppelt (zuerst in Zeile 3); Zeile nicht "
        "übernommen",
    ]
    assert [s.schulnummer for s in report.schools] == ["100010"]


def test_bad_coordinates_are_a_warning_and_the_school_stays() -> None:
    text = row_of("100011").replace(b'"361466"', b'"36146x"')
    outside = row_of("100014").replace(b'"EPSG:25832"', b'"EPSG:4326"')
    report = parse_directory(sample(text, outside), "s.csv")
    assert messages(report) == [
        "s.csv:3: UTMRechtswert: '36146x' ist keine Koordinate in Metern; Koordinaten nicht "
        "übernommen",
        "s.csv:4: EPSG: Koordinatensystem 'EPSG:4326' unbekannt (erwartet EPSG:25832); "
        "Koordinaten nicht übernommen",
    ]
    assert report.ok  # warnings only
    assert [(s.schulnummer, s.easting) for s in report.schools] == [
        ("100011", None),
        ("100014", None),
    ]


def test_a_coordinate_outside_nrw_is_caught() -> None:
    row = row_of("100011").replace(b'"5673192"', b'"673192"')
    report = parse_directory(sample(row), "s.csv")
    assert messages(report) == [
        "s.csv:3: UTMHochwert: 673192 liegt nicht in NRW (UTM Zone 32: 5.550.000–5.850.000); "
        "Koordinaten nicht übernommen"
    ]


def test_broken_quotes_are_located() -> None:
    broken = row_of("100011").replace(b';"15";', b';"15;', 1)
    report = parse_directory(sample(row_of("100010"), broken, row_of("100014")), "s.csv")
    assert messages(report) == [
        "s.csv:4: CSV-Fehler: nach einem schließenden Anführungszeichen muss das Trennzeichen "
        "folgen"
    ]
    assert [s.schulnummer for s in report.schools] == ["100010", "100014"]
    unclosed = sample(row_of("100010"), row_of("100011")[:-1])
    assert messages(parse_directory(unclosed[:-1], "s.csv")) == [
        "s.csv:4: CSV-Fehler: Datei endet in einem Wert in Anführungszeichen "
        "(Anführungszeichen nicht geschlossen)"
    ]


def test_unknown_keys_and_invalid_values() -> None:
    unknown = row_of("100011").replace(b'"15"', b'"99"', 1)
    kreis = row_of("100014").replace(b'"05916000"', b'"5916000"', 1)
    form = row_of("100018").replace(b';"2";"', b';"3";"', 1)
    report = parse_directory(sample(unknown, kreis, form), "s.csv")
    assert messages(report) == [
        "s.csv:3: Schulform: unbekannter Schulformschlüssel '99'; Zeile nicht übernommen",
        "s.csv:4: Gemeindeschluessel: '5916000' ist kein Gemeindeschlüssel (8 Ziffern)",
        "s.csv:5: Rechtsform: Rechtsform '3' unbekannt (1 öffentlich, 2 privat)",
    ]
    assert report.schools == []


def test_a_missing_header_column_is_one_message() -> None:
    header = HEAD[1].replace(b"UTMHochwert;", b"")
    report = parse_directory(b"\n".join([HEAD[0], header, *LINES[2:6]]), "s.csv")
    assert messages(report) == ["s.csv:2: Kopfzeile: Spalte 'UTMHochwert' fehlt"]


def test_files_that_are_not_the_directory_get_one_clear_message(tmp_path: Path) -> None:
    workbook = io.BytesIO()
    with zipfile.ZipFile(workbook, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    cases = {
        "schulen.xlsx": workbook.getvalue(),
        "liste.csv": b"Name;Alter\nAmal;12\n",
        "leer.csv": b"  \n",
        "latin1.csv": b"\n".join(LINES[:3]).decode("utf-8").encode("latin-1"),
    }
    found = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        found[name] = messages(read_directory(tmp_path / name, display=name))
    not_ours = (
        "kein Schulverzeichnis im Format des Ministeriums (Schulgrunddaten NRW, schuldaten.csv: "
        "Semikolon-getrennt, Kopfzeile mit Schulnummer;Schulform;…)"
    )
    assert found == {
        "schulen.xlsx": [f"schulen.xlsx: Excel- oder Zip-Datei: {not_ours}"],
        "liste.csv": [f"liste.csv:1: {not_ours}"],
        "leer.csv": ["leer.csv: Datei ist leer"],
        "latin1.csv": [
            "latin1.csv:3: Datei ist nicht in UTF-8 kodiert (das Ministerium veröffentlicht "
            "UTF-8; wurde die Datei in Excel gespeichert?)"
        ],
    }
    assert messages(read_directory(tmp_path / "fehlt.csv", display="fehlt.csv")) == [
        "fehlt.csv: Datei nicht gefunden"
    ]


def test_typos_in_a_schulnummer_find_the_near_schools(nrw: Directory, shipped: Directory) -> None:
    assert [s.schulnummer for s in shipped.near_numbers("189610")] == ["189601"]  # swapped
    assert [s.schulnummer for s in nrw.near_numbers("189610")] == ["186910", "189601"]
    assert "189601" in [s.schulnummer for s in nrw.near_numbers("189701")]  # one digit


# --- any mutation: clean problems, never an exception --------------------------------------

SAMPLE = b"\n".join(LINES[:40]) + b"\n"
ALPHABET = [b'"', b";", b"\n", b"\r", b",", b"x", b"9", b"\xc3", b" ", b"-"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations(len(SAMPLE), ALPHABET))
def test_any_mutation_gives_located_problems_and_never_an_exception(edits: list[Mutation]) -> None:
    data = mutate(SAMPLE, edits)
    report = parse_directory(data, "m.csv")
    lines = len(data.splitlines()) + 2  # a bare CR ends a line too, for csv and for editors
    for problem in report.problems:
        assert problem.file == "m.csv"
        assert problem.line is None or 1 <= problem.line <= lines
        assert problem.message and "Traceback" not in problem.message
    numbers = [school.schulnummer for school in report.schools]
    assert len(numbers) == len(set(numbers))
    assert all(len(n) == 6 and n.isdigit() for n in numbers)
    assert all(len(s.gemeindeschluessel) == 8 for s in report.schools)
