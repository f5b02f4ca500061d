"""SchILD-NRW text interface and SVWS-Import workbook."""

from __future__ import annotations

import datetime as dt
import re
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.codes import ConsentScope
from seiteneinsteiger.export.profiles import load_profile
from seiteneinsteiger.export.rows import ExportRow, split_by_consent
from seiteneinsteiger.export.schild import (
    ALWAYS_EMPTY,
    DAT_HEADER,
    DAT_NAME,
    SVWS_COLUMNS,
    XLSX_NAME,
    build_dat,
    build_schild_export,
    dat_values,
    split_street,
)

from .conftest import fake_recommend

HEADER_LINE = (
    "Nachname|Vorname|Geburtsdatum|Geschlecht|Status|PLZ|Ort|Straße|Aussiedler|1. Staatsang.|"
    "Konfession|StatistikKrz Konfession|Aufnahmedatum|Abmeldedatum Religionsunterricht|"
    "Anmeldedatum Religionsunterricht|Schulpflicht erf.|Reform-Pädagogik|Nr. Stammschule|Jahr|"
    "Abschnitt|Jahrgang|Klasse|Schulgliederung|OrgForm|Klassenart|Fachklasse|Noch frei|"
    "Verpflichtung Sprachförderkurs|Teilnahme Sprachförderkurs|Einschulungsjahr|"
    "Übergangsempf. JG5|Jahr Wechsel S1|1. Schulform S1|Jahr Wechsel S2|Förderschwerpunkt|"
    "2. Förderschwerpunkt|Schwerstbehinderung|Autist|LS Schulnr.|LS Schulform|Herkunft|"
    "LS Entlassdatum|LS Jahrgang|LS Versetzung|LS Reformpädagogik|LS Gliederung|LS Fachklasse|"
    "LS Abschluss|Abschluss|Schulnr. neue Schule"
)


@pytest.fixture
def school_rows(example_rows: list[ExportRow]) -> list[ExportRow]:
    kept, _ = split_by_consent(example_rows, ConsentScope.school)
    return kept


def test_header_is_the_50_column_interface() -> None:
    assert len(DAT_HEADER) == 50
    assert "|".join(DAT_HEADER) == HEADER_LINE


def test_dat_file_column_by_column(school_rows: list[ExportRow]) -> None:
    export, refused = build_schild_export(school_rows, load_profile("schild"))
    raw = export.dat
    text = raw.decode("cp1252")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")
    lines = text.split("\r\n")[:-1]
    assert lines[0] == HEADER_LINE
    assert len(lines) == 1 + len(school_rows) - len(refused)
    for line in lines:
        assert line.count("|") == 49
        assert '"' not in line
    records = [dict(zip(DAT_HEADER, line.split("|"), strict=True)) for line in lines[1:]]
    amal = next(r for r in records if r["Nachname"] == "Haddad")
    assert amal["Vorname"] == "Amal"
    assert amal["Geburtsdatum"] == "11.02.2013"
    assert amal["Geschlecht"] == "w"
    assert amal["Status"] == "0"
    assert (amal["PLZ"], amal["Ort"], amal["Straße"]) == ("40878", "Ratingen", "Mühlenweg 3")
    assert amal["1. Staatsang."] == "475"  # Syrien (Destatis)
    assert amal["Jahrgang"] == "07"
    assert amal["Klasse"] == ""
    assert amal["Schulpflicht erf."] == "N"
    # the pre-school language course of § 36 SchulG, not the Erstförderung: never filled
    assert amal["Verpflichtung Sprachförderkurs"] == amal["Teilnahme Sprachförderkurs"] == ""
    assert amal["Einschulungsjahr"] == "" and amal["Aufnahmedatum"] == ""
    for record in records:
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", record["Geburtsdatum"])
        for column in ALWAYS_EMPTY:
            assert record[column] == ""
        for column in DAT_HEADER:
            if column.startswith("LS "):
                assert record[column] == ""
    ermira = next(r for r in records if r["Nachname"] == "Krasniqi")
    assert ermira["1. Staatsang."] == "150"  # Kosovo
    assert ermira["Förderschwerpunkt"] == ermira["Schwerstbehinderung"] == ""


def test_sen_columns_stay_empty_even_for_documented_needs(school_rows: list[ExportRow]) -> None:
    ermira = next(r for r in school_rows if r.intake.pupil.family_name == "Krasniqi")
    assert ermira.intake.support_needs.documented
    values = dict(zip(DAT_HEADER, dat_values(ermira, load_profile("schild")), strict=True))
    assert [values[c] for c in sorted(ALWAYS_EMPTY)] == ["", "", "", ""]


def test_umlauts_are_windows_1252(school_rows: list[ExportRow]) -> None:
    amal = next(r for r in school_rows if r.intake.pupil.family_name == "Haddad")
    raw = build_dat([amal], load_profile("schild"))
    assert "Mühlenweg".encode("cp1252") in raw
    assert "Mühlenweg".encode() not in raw


def test_a_name_windows_1252_cannot_hold_is_refused_not_transliterated(
    school_rows: list[ExportRow],
) -> None:
    export, refused = build_schild_export(school_rows, load_profile("schild"))
    assert [r.case_id for r in refused] == ["UN-2026-0012"]
    message = refused[0].render()
    assert message.startswith("examples/intakes/elif-yildirim.yaml (Fall UN-2026-0012): ")
    assert "pupil.family_name (Nachname)" in message
    assert "„ı“ (U+0131)" in message
    assert "lateinische Schreibweise" in message
    assert "Yıldırım" not in message and "Elif" not in message
    assert b"Yildirim" not in export.dat and b"Y?ld" not in export.dat
    assert all(row.intake.pupil.given_names != "Elif" for row in export.rows)


def test_a_pipe_or_a_missing_gender_is_refused(school_rows: list[ExportRow]) -> None:
    base = school_rows[0]
    piped = base.intake.model_copy(
        update={"pupil": base.intake.pupil.model_copy(update={"municipality": "Ort|X"})}
    )
    genderless = base.intake.model_copy(
        update={"pupil": base.intake.pupil.model_copy(update={"gender": None})}
    )
    rows = [ExportRow(i, fake_recommend(i, "f.yaml"), "f.yaml") for i in (piped, genderless)]
    export, refused = build_schild_export(rows, load_profile("schild"))
    assert export.rows == []
    assert "„|“" in refused[0].reason
    assert "Geschlecht" in refused[1].reason and "fehlt" in refused[1].reason


def test_svws_import_workbook(school_rows: list[ExportRow]) -> None:
    export, _ = build_schild_export(school_rows, load_profile("schild"))
    sheet = export.workbook.active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == list(SVWS_COLUMNS)
    rows = [
        dict(zip(SVWS_COLUMNS, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    amal = next(r for r in rows if r["Nachname"] == "Haddad")
    assert amal["Geburtsdatum"] == dt.date(2013, 2, 11)
    assert (amal["Klasse"], amal["Jahrgang"]) == ("07", "07")
    assert amal["Geschlecht"] == "w"
    assert (amal["Staatsangehörigkeit"], amal["Geburtsland"]) == ("SYR", "SYR")
    assert (amal["Straße"], amal["Hausnummer"], amal["PLZ"]) == ("Mühlenweg", "3", "40878")
    assert amal["Zuzugsjahr"] == 2025
    assert amal["Status"] == "neuaufnahme"
    assert amal["Aufnahmedatum"] is None
    artur = next(r for r in rows if r["Nachname"] == "Schmidt")
    assert artur["2. Staatsang."] is not None


@pytest.mark.parametrize(
    ("street", "expected"),
    [
        ("Mühlenweg 3", ("Mühlenweg", "3")),
        ("Weststraße 9a", ("Weststraße", "9a")),
        ("Am Park 12-14", ("Am Park", "12-14")),
        ("Hauptstr. 5 b", ("Hauptstr.", "5 b")),
        ("Marktplatz", ("Marktplatz", None)),
        ("Straße des 17. Juni 4", ("Straße des 17. Juni", "4")),
    ],
)
def test_street_and_house_number_are_split(street: str, expected: tuple[str, str | None]) -> None:
    assert split_street(street) == expected


@pytest.mark.usefixtures("fake_engine")
def test_schild_command_exports_the_others_and_exits_1(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "schild"
    args = ["export", "schild", str(intakes_dir), "-o", str(out), "--include-unplaced"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert (
        "Nicht exportiert: examples/intakes/elif-yildirim.yaml (Fall UN-2026-0012)" in result.stderr
    )
    assert "14 Schülerinnen und Schüler exportiert" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted([DAT_NAME, XLSX_NAME])
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    dat = (out / DAT_NAME).read_bytes().decode("cp1252").split("\r\n")
    assert len(dat) == 1 + 14 + 1  # header, pupils, empty string after the last CRLF
    assert load_workbook(out / XLSX_NAME).active.max_row == 15  # type: ignore[union-attr]
    again = runner.invoke(app, ["export", "schild", str(intakes_dir), "-o", str(out)])
    assert again.exit_code == 1 and "existiert bereits" in again.stderr


def test_state_facility_address_is_never_exported(examples: Path) -> None:
    """The address of an EAE/ZUE would tell the residence status; the municipality stays."""
    import yaml

    from seiteneinsteiger.export.fields import disclosable_address
    from seiteneinsteiger.models.intake import Intake

    data = yaml.safe_load((examples / "intakes" / "amal-haddad.yaml").read_text())
    data["pupil"]["residence"] = "state_facility"
    intake = Intake.model_validate(data)
    assert disclosable_address(intake) is None
    data["pupil"]["residence"] = "municipality"
    assert disclosable_address(Intake.model_validate(data)) is not None
