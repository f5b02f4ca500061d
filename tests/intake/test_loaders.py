"""Loading YAML, JSON and JSON Lines: positions, YAML 1.1 traps, broken and hostile files."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from seiteneinsteiger import intake_io
from seiteneinsteiger.intake_io import LoadedIntake, load_intake_file, load_intakes
from seiteneinsteiger.yamlsource import parse_yaml

TODAY = dt.date(2026, 11, 23)

VALID_YAML = """\
format: seiteneinsteiger/intake@1
case_id: ME-2025-0001
intake_date: 2025-09-15
pupil:
  family_name: Haddad
  given_names: Amal
  birth_date: 2013-02-11
  country_of_birth: NO
  first_languages: [ar]
  address: {street: Weg 1, postcode: "04087"}
languages:
  german: none
schooling:
  years: 5
"""


def _load(tmp_path: Path, name: str, text: str) -> list[LoadedIntake]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_intake_file(path, name, today=TODAY)


def _lines(results: list[LoadedIntake]) -> list[str]:
    return [problem.render() for result in results for problem in result.problems]


def test_valid_yaml_keeps_yaml_11_traps_as_data(tmp_path: Path) -> None:
    [result] = _load(tmp_path, "a.yaml", VALID_YAML)
    assert result.ok and result.intake is not None
    assert result.intake.pupil.country_of_birth == "NO"  # Norway, not False
    assert result.intake.pupil.address is not None
    assert result.intake.pupil.address.postcode == "04087"  # leading zero kept
    assert result.intake.pupil.birth_date == dt.date(2013, 2, 11)


def test_yaml_error_names_line_and_field(tmp_path: Path) -> None:
    text = VALID_YAML.replace("german: none", "german: B3")
    assert _lines(_load(tmp_path, "a.yaml", text)) == [
        "a.yaml:12: languages.german: 'B3' ist nicht erlaubt (meinten Sie 'B2'?). "
        "Erlaubt: none, A1, A2, B1, B2, C1, C2"
    ]


def test_residence_basis_codes_and_did_you_mean(tmp_path: Path) -> None:
    """pupil.residence_basis is optional; an unknown code names the line and the nearest code."""
    [result] = _load(tmp_path, "a.yaml", VALID_YAML)
    assert result.intake is not None and result.intake.pupil.residence_basis is None
    text = VALID_YAML.replace(
        "  first_languages", "  residence_basis: temporary_protection\n  first_languages"
    )
    [result] = _load(tmp_path, "b.yaml", text)
    assert result.ok and result.intake is not None
    assert result.intake.pupil.residence_basis == "temporary_protection"
    text = VALID_YAML.replace("  first_languages", "  residence_basis: asylum\n  first_languages")
    assert _lines(_load(tmp_path, "c.yaml", text)) == [
        "c.yaml:9: pupil.residence_basis: 'asylum' ist nicht erlaubt (meinten Sie "
        "'asylum_applicant'?). Erlaubt: asylum_applicant, temporary_protection, eu_citizen, "
        "tolerated, other"
    ]


def test_unquoted_octal_like_number_stays_text(tmp_path: Path) -> None:
    text = VALID_YAML.replace('postcode: "04087"', "postcode: 04087")
    [result] = _load(tmp_path, "a.yaml", text)
    assert result.ok and result.intake is not None and result.intake.pupil.address is not None
    assert result.intake.pupil.address.postcode == "04087"


def test_yes_no_are_not_booleans(tmp_path: Path) -> None:
    text = VALID_YAML + "  online_home_school: yes\n"
    assert _lines(_load(tmp_path, "a.yaml", text)) == [
        "a.yaml:15: schooling.online_home_school: true oder false erwartet, nicht 'yes'"
    ]


def test_integer_is_never_read_as_a_timestamp(tmp_path: Path) -> None:
    text = VALID_YAML.replace("birth_date: 2013-02-11", "birth_date: 20130211")
    [line] = _lines(_load(tmp_path, "a.yaml", text))
    assert line.startswith("a.yaml:7: pupil.birth_date: Datum im Format JJJJ-MM-TT erwartet")


def test_duplicate_key_is_an_error_with_line(tmp_path: Path) -> None:
    text = VALID_YAML.replace("  given_names: Amal\n", "  given_names: Amal\n  given_names: Aya\n")
    [line] = _lines(_load(tmp_path, "a.yaml", text))
    assert line.startswith("a.yaml:7:3: doppelter Schlüssel 'given_names'")


def test_all_problems_of_a_file_are_reported(tmp_path: Path) -> None:
    text = VALID_YAML.replace("german: none", "german: B3").replace("years: 5", "years: 99")
    text = text.replace("first_languages: [ar]", "first_languages: [arabic]")
    lines = _lines(_load(tmp_path, "a.yaml", text))
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines] == [
        "a.yaml:9: pupil.first_languages.0",
        "a.yaml:12: languages.german",
        "a.yaml:14: schooling.years",
    ]


def test_json_error_names_line_and_field(tmp_path: Path) -> None:
    data = {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": "2025-09-15",
        "pupil": {"family_name": "A", "given_names": "B", "birth_date": "2013-02-11"},
        "languages": {"german": "B3"},
    }
    [line] = _lines(_load(tmp_path, "a.json", json.dumps(data, indent=2)))
    assert line.startswith("a.json:10: languages.german: 'B3' ist nicht erlaubt")


def test_json_syntax_error(tmp_path: Path) -> None:
    [line] = _lines(_load(tmp_path, "a.json", '{\n  "format": "x",\n  "pupil": \n}'))
    assert line.startswith("a.json:4:1: JSON-Syntaxfehler")


def test_json_lines_one_bad_line_does_not_stop_the_others(tmp_path: Path) -> None:
    good = {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": "2025-09-15",
        "pupil": {"family_name": "A", "given_names": "B", "birth_date": "2013-02-11"},
    }
    bad = {**good, "languages": {"german": "B3"}}
    text = "\n".join([json.dumps(good), json.dumps(bad), "{broken", json.dumps(good)]) + "\n"
    results = _load(tmp_path, "b.jsonl", text)
    assert [(r.line, r.ok) for r in results] == [(1, True), (2, False), (3, False), (4, True)]
    assert _lines(results)[0].startswith("b.jsonl:2: languages.german:")
    assert _lines(results)[1] == (
        "b.jsonl:3:2: JSON-Syntaxfehler: Feldname in doppelten Anführungszeichen erwartet"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "b.yaml: Datei ist leer"),
        (b"  \n\n", "b.yaml: Datei ist leer"),
        (b"\x00\x01\x02garbage", "b.yaml: Datei ist binär"),
        (b"name: \xff\xfe\n", "b.yaml:1: Datei ist nicht in UTF-8 kodiert"),
        (b"- a\n- b\n", "b.yaml:1: eine Abbildung mit den Feldern von intake@1 erwartet"),
        (b"a: 1\n---\nb: 2\n", "b.yaml:2:1: YAML-Syntaxfehler: die Datei darf nur ein Dokument"),
    ],
)
def test_broken_files_get_one_clear_message(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "b.yaml").write_bytes(content)
    results = load_intake_file(tmp_path / "b.yaml", "b.yaml", today=TODAY)
    assert len(results) == 1 and not results[0].ok
    assert _lines(results)[0].startswith(message)


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text("format: x\n")
    missing = load_intake_file(tmp_path / "nope.yaml", "nope.yaml", today=TODAY)
    unknown = load_intake_file(tmp_path / "c.txt", "c.txt", today=TODAY)
    assert _lines(missing) == ["nope.yaml: Datei nicht gefunden"]
    assert _lines(unknown)[0].startswith("c.txt: unbekannte Dateiendung '.txt'")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # CI runs as root, where file modes do not stop reading: simulate the refusal instead.
    path = tmp_path / "secret.yaml"
    path.write_text(VALID_YAML)

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("seiteneinsteiger.yamlsource.os.open", refuse)
    results = load_intake_file(path, "secret.yaml", today=TODAY)
    assert _lines(results) == ["secret.yaml: keine Leseberechtigung"]


def test_directory_means_every_intake_file_below_it(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.yaml").write_text(VALID_YAML)
    (tmp_path / "sub" / "b.yml").write_text(VALID_YAML)
    (tmp_path / ".hidden" / "c.yaml").write_text("broken: [")
    (tmp_path / "notes.txt").write_text("not an intake")
    results = list(load_intakes([tmp_path], today=TODAY))
    assert [Path(r.source).name for r in results] == ["a.yaml", "b.yml"]
    assert all(r.ok for r in results)


@pytest.mark.parametrize("group", [1, 3, 8])
def test_a_folder_loads_as_its_files_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group: int
) -> None:
    """load_intakes reads a few files ahead (speed); the intakes, their problems and their
    order are those of loading each file on its own: broken and valid files, a JSON Lines file
    with broken lines among good ones, a named pipe."""
    folder = tmp_path / "eingang"
    shutil.copytree(Path(__file__).parents[2] / "examples" / "invalid", folder)
    (folder / "m-gueltig.yaml").write_text(VALID_YAML, encoding="utf-8")
    os.mkfifo(folder / "n-pipe.yaml")
    monkeypatch.setattr(intake_io, "GROUP", group)
    loaded = list(load_intakes([folder], today=TODAY))
    one_by_one = [
        item
        for path, shown in intake_io.expand_paths([folder])
        for item in load_intake_file(path, shown, today=TODAY)
    ]
    assert len(loaded) > 2 * group
    assert [(i.label, i.ok, _lines([i])) for i in loaded] == [
        (i.label, i.ok, _lines([i])) for i in one_by_one
    ]
    assert [i.intake for i in loaded] == [i.intake for i in one_by_one]
    assert any(i.ok for i in loaded) and any(i.line for i in loaded)


@pytest.mark.parametrize("name", ["bom.yaml", "bom.json"])
def test_a_byte_order_mark_is_not_part_of_the_file(tmp_path: Path, name: str) -> None:
    """Editors on Windows start UTF-8 files with a byte order mark: it is not read as text."""
    text = VALID_YAML if name.endswith(".yaml") else json.dumps(_valid_data(), default=str)
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    [loaded] = load_intake_file(path, name, today=TODAY)
    assert loaded.ok, _lines([loaded])
    assert loaded.intake is not None and loaded.intake.pupil.family_name == "Haddad"


def test_a_byte_that_is_not_utf8_is_located_after_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    text = VALID_YAML.replace("Weg 1", "Stra\u00dfe 1")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("latin-1"))
    [line] = _lines(load_intake_file(path, "latin1.yaml", today=TODAY))
    assert line.startswith("latin1.yaml:10: Datei ist nicht in UTF-8 kodiert. ")


def _valid_data() -> object:
    """VALID_YAML's data as this tool reads it (``NO`` is Norway, not false)."""
    return parse_yaml(VALID_YAML, "valid.yaml").data
