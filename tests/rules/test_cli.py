"""The ``recommend`` and ``rules`` commands, through the CLI as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger import intake_io
from seiteneinsteiger.cli import recommend as recommend_cli
from seiteneinsteiger.cli.main import app

AMAL = "examples/intakes/amal-haddad.yaml"
BERFIN = "examples/intakes/berfin-murad.yaml"
BASIC = "tests/rules/fixtures/basic"
DAY = ["--reference-date", "2025-09-15"]


def test_recommend_json_is_an_array_in_input_order(runner: CliRunner) -> None:
    result = runner.invoke(app, ["recommend", AMAL, BERFIN, "--rules", BASIC, "-f", "json", *DAY])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [item["case_id"] for item in data] == ["ME-2025-0142", "UN-2025-0058"]
    assert data[0]["format"] == "seiteneinsteiger/recommendation@1"
    assert data[0]["source"] == AMAL
    assert data[0]["ruleset"] == {"id": "basic", "version": "2025.1", "extends": []}
    assert data[0]["schulpflicht"] == {
        "status": "schulpflichtig",
        "since": "2019-08-01",
        "starts": None,
        "until": "2031-07-31",
    }
    assert (data[0]["stage"], data[0]["grade"]) == ("sek1", 7)
    assert data[1]["school_forms"] == []


def test_recommend_json_is_written_as_it_goes_and_reads_like_one_document(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The array is streamed item by item (flat memory), yet it is exactly the indented JSON
    of the whole list; a batch with one broken file still gives a valid array."""
    broken = tmp_path / "kaputt.yaml"
    broken.write_text("format: [\n", encoding="utf-8")
    args = ["recommend", AMAL, str(broken), BERFIN, "--rules", BASIC, *DAY]
    streamed = runner.invoke(app, [*args, "-f", "json"])
    lines = runner.invoke(app, [*args, "-f", "jsonl"])
    assert streamed.exit_code == lines.exit_code == 1
    items = [json.loads(line) for line in lines.stdout.splitlines()]
    expected = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    assert streamed.stdout == expected
    assert "kaputt.yaml" in streamed.stderr
    none = runner.invoke(app, ["recommend", str(broken), "-f", "json"])
    assert (none.exit_code, none.stdout) == (1, "[]\n")


def test_recommend_jsonl_is_one_object_per_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["recommend", AMAL, BERFIN, "--rules", BASIC, "-f", "jsonl", *DAY])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line)["case_id"] for line in lines] == ["ME-2025-0142", "UN-2025-0058"]


def test_recommend_text_puts_flags_first(runner: CliRunner) -> None:
    result = runner.invoke(app, ["recommend", AMAL, "--rules", BASIC, *DAY])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert text.index("Bitte prüfen:") < text.index("Schulpflicht:")
    assert "Schulpflicht:         schulpflichtig seit 01.08.2019, bis 31.07.2031" in text
    assert "Schulformen:          1. Gesamtschule  2. Sekundarschule" in text
    assert "Klasse:               7 (wählbar: 5, 6, 7)" in text
    assert "Aufnahme unterhalb der Altersstufe kann erwogen werden" in text
    assert "Begründung:" not in text
    assert "\x1b[" not in text


def test_recommend_explain_shows_trace_and_why_not(runner: CliRunner) -> None:
    result = runner.invoke(app, ["recommend", AMAL, "--rules", BASIC, "--explain", *DAY])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Begründung:" in text
    assert "  1. T-SP-YES: 12 Jahre am Stichtag 30.09.2025" in text
    assert "Quelle: SchulG NRW §§ 35, 37, 38 (fixtures/basic/10-schulpflicht.yaml:26)" in text
    assert "Warum nicht:" in text
    assert (
        "  Gymnasium: Deutsch keine Kenntnisse; das Gymnasium setzt B1 voraus (Regel T-GY)." in text
    )


def test_invalid_intake_is_reported_and_the_rest_goes_on(runner: CliRunner) -> None:
    bad = "examples/invalid/german-b3.yaml"
    result = runner.invoke(app, ["recommend", bad, AMAL, "--rules", BASIC, "-f", "jsonl", *DAY])
    assert result.exit_code == 1
    assert [json.loads(line)["case_id"] for line in result.stdout.splitlines()] == ["ME-2025-0142"]
    assert (
        "examples/invalid/german-b3.yaml:39: languages.german: 'B3' ist nicht erlaubt"
        in result.stderr
    )
    assert "1 von 2 Intakes ohne Empfehlung." in result.stderr


def test_reference_date_outside_the_rule_set(runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["recommend", AMAL, "--rules", BASIC, "--reference-date", "2027-01-01"]
    )
    assert result.exit_code == 1
    assert "SE-T001" in result.stderr
    assert result.stdout == ""


def test_usage_errors_exit_2(runner: CliRunner) -> None:
    both = runner.invoke(app, ["recommend", AMAL, "--rules", BASIC, "--district", "nrw"])
    assert both.exit_code == 2
    assert "entweder --district oder --rules" in both.stderr
    bad_date = runner.invoke(
        app, ["recommend", AMAL, "--rules", BASIC, "--reference-date", "31.09.2025"]
    )
    assert bad_date.exit_code == 2
    assert "'31.09.2025' ist kein gültiges Datum (diesen Tag gibt es nicht)" in bad_date.stderr
    unknown = runner.invoke(app, ["recommend", AMAL, "--district", "kreis-metmann"])
    assert unknown.exit_code == 2
    assert "meinten Sie 'kreis-mettmann'?" in unknown.stderr


def test_broken_rule_set_stops_before_any_intake(runner: CliRunner) -> None:
    result = runner.invoke(app, ["recommend", AMAL, "--rules", "tests/rules/fixtures/bad-field"])
    assert result.exit_code == 1
    assert "50-x.yaml:9:11 SE-C002: unbekanntes Feld 'languages.germna'" in result.stderr


def test_rules_check_exit_codes(runner: CliRunner) -> None:
    clean = runner.invoke(app, ["rules", "check", "tests/rules/fixtures/kreis-test"])
    assert clean.exit_code == 0
    bad = runner.invoke(app, ["rules", "check", "tests/rules/fixtures/check-overlap"])
    assert bad.exit_code == 1
    assert "50-x.yaml:15:9 SE-R020: Regeln X-LOW" in bad.stdout
    warned = runner.invoke(app, ["rules", "check", "tests/rules/fixtures/check-gap"])
    assert warned.exit_code == 0
    assert (
        "SE-R024: Warnung: Das Prüfdatum 'review_by' (01.01.2020) ist überschritten"
        in warned.stdout
    )
    broken = runner.invoke(app, ["rules", "check", "tests/rules/fixtures/bad-yaml", "-f", "json"])
    assert broken.exit_code == 1
    report = json.loads(broken.stdout)
    assert report["ok"] is False
    assert report["rulesets"][0]["problems"][0]["code"] == "SE-R001"


def test_rules_test_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["rules", "test", BASIC, "tests/rules/fixtures/kreis-test"])
    assert ok.exit_code == 0, ok.stdout
    assert "basic: 11 Fälle, 11 bestanden, 0 fehlgeschlagen; 0 Regel(n) ohne Testfall" in ok.stdout
    root = tmp_path / "basic"
    shutil.copytree(BASIC, root)
    tests = root / "basic.tests.yaml"
    tests.write_text(
        tests.read_text(encoding="utf-8").replace("grade: 7", "grade: 8"), encoding="utf-8"
    )
    failed = runner.invoke(app, ["rules", "test", str(root)])
    assert failed.exit_code == 1
    assert "grade: erwartet 8, erhalten 7" in failed.stdout


def test_rules_show_gives_provenance(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "show", "--rules", "tests/rules/fixtures/kreis-test"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "erweitert: basic 2025.1" in text
    assert "ersetzt T-ST-SEK1 (basic, tests/rules/fixtures/basic/20-stufe.yaml:29)" in text
    assert (
        "gesetzt von kreis-test (tests/rules/fixtures/kreis-test/ruleset.yaml:8); Wert in basic: 16"
        in text
    )
    data = json.loads(
        runner.invoke(
            app, ["rules", "show", "--rules", "tests/rules/fixtures/kreis-test", "-f", "json"]
        ).stdout
    )
    rule = next(r for t in data["tables"] for r in t["rules"] if r["id"] == "KT-ST-SEK1")
    assert rule["replaces"]["id"] == "T-ST-SEK1"


def test_rules_fields_lists_the_catalogue(runner: CliRunner) -> None:
    data = json.loads(runner.invoke(app, ["rules", "fields", "-f", "json"]).stdout)
    fields = {field["name"]: field for field in data["fields"]}
    assert fields["languages.german"]["ordered"] is True
    assert fields["age_on_stichtag"]["group"] == "derived"
    assert fields["stage"]["group"] == "output"
    assert fields["pupil.residence_basis"]["values"] == [
        "asylum_applicant",
        "temporary_protection",
        "eu_citizen",
        "tolerated",
        "other",
    ]
    assert fields["admission_school_year"]["group"] == "derived"
    text = runner.invoke(app, ["rules", "fields"]).stdout
    assert "  age_on_stichtag (Zahl): Alter am Stichtag" in text
    assert "Werte: none < A1 < A2 < B1 < B2 < C1 < C2" in text


def test_counselling_before_any_encoded_law_is_refused_clearly(runner: CliRunner) -> None:
    """Issue 10: a date before the rule set's legal basis (06.12.2023) is refused with a message
    naming the rule set and both dates – exit 1, no traceback; a date after it is computed."""
    result = runner.invoke(app, ["recommend", AMAL, "--reference-date", "2020-01-01"])
    assert result.exit_code == 1
    assert (
        "SE-T001: Der Regelsatz 'kreis-mettmann' (Version 2026.1) gilt vom 06.12.2023; für den "
        "01.01.2020 ist kein Regelsatz in Kraft." in result.stderr
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    within = runner.invoke(app, ["recommend", AMAL, "--reference-date", "2024-03-01"])
    assert within.exit_code == 0, within.stderr


def test_june_counselling_is_for_the_coming_school_year(runner: CliRunner, tmp_path: Path) -> None:
    """Issue 10: counselled 10.06.2025, schulpflichtig from 01.08.2025: Grundschule, Klasse 1
    for 2025/26, while the Schulpflicht status is stated for the day of the counselling."""
    intake = tmp_path / "kind.yaml"
    intake.write_text(
        "format: seiteneinsteiger/intake@1\n"
        "intake_date: 2025-06-10\n"
        "district: nrw\n"
        "pupil: {family_name: Test, given_names: Kind, birth_date: 2019-06-15}\n"
        "languages: {german: none, literacy: none}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["recommend", str(intake), "--explain"])
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Bezugsdatum 10.06.2025" in text
    assert "Schulpflicht:         noch nicht schulpflichtig, ab 01.08.2025" in text
    assert "Schulstufe:           Primarstufe" in text
    assert "Klasse:               1" in text
    assert "die Empfehlung gilt für das kommende Schuljahr (NEXT_SCHOOL_YEAR)" in text
    assert "Für das Schuljahr 2025/26: 6 Jahre am Stichtag 30.09.2025" in text
    assert "Kennzeichen der Quellen: [A] Rechtstext oder amtliche Seite gelesen" in text
    data = json.loads(runner.invoke(app, ["recommend", str(intake), "-f", "json"]).stdout)[0]
    assert data["reference_date"] == "2025-06-10"  # the contract: the day of the counselling
    assert data["schulpflicht"]["status"] == "not_yet"
    assert data["schulpflicht"]["starts"] == "2025-08-01"


def test_rules_show_renders_an_age_with_months(runner: CliRunner) -> None:
    result = runner.invoke(app, ["rules", "show", "--district", "kreis-mettmann"])
    assert result.exit_code == 0, result.stderr
    assert "sek2_boundary_age = 15 Jahre und 6 Monate" in result.stdout
    assert "Wert in nrw: 16 Jahre" in result.stdout
    data = json.loads(
        runner.invoke(app, ["rules", "show", "--district", "kreis-mettmann", "-f", "json"]).stdout
    )
    parameter = next(p for p in data["parameters"] if p["name"] == "sek2_boundary_age")
    assert parameter["value"] == {"years": 15, "months": 6}
    assert parameter["parent_value"] == {"years": 16, "months": 0}


def _mixed_batch(folder: Path) -> Path:
    """The example intakes, with an invalid one and two the rule set does not cover (SE-T001,
    the second only pointing to the first message) between them."""
    shutil.copytree("examples/intakes", folder)
    shutil.copy("examples/invalid/german-b3.yaml", folder / "c-invalid.yaml")
    amal = Path(AMAL).read_text(encoding="utf-8")
    for name in ("f-early.yaml", "m-early.yaml"):
        (folder / name).write_text(amal.replace("2025-09-15", "2023-11-20", 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize("options", [[], ["--explain"], ["-f", "json"], ["-f", "jsonl"]], ids=str)
def test_a_batch_reads_as_if_each_intake_were_done_alone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    """recommend evaluates and writes intakes a group at a time (speed); what the counsellor
    sees, in which order, and the exit code are those of one intake after the other."""
    folder = _mixed_batch(tmp_path / "eingang")
    command = ["recommend", str(folder), *options]
    assert len(list(folder.iterdir())) > 2 * recommend_cli.GROUP
    grouped = runner.invoke(app, command)
    monkeypatch.setattr(recommend_cli, "GROUP", 1)
    monkeypatch.setattr(intake_io, "GROUP", 1)
    alone = runner.invoke(app, command)
    assert grouped.exit_code == alone.exit_code == 1
    assert (grouped.stdout, grouped.stderr) == (alone.stdout, alone.stderr)
    assert grouped.output == alone.output  # stdout and stderr interleaved as on a terminal
    assert "c-invalid.yaml:39: languages.german" in grouped.stderr
    assert "m-early.yaml: keine Empfehlung (siehe oben)." in grouped.stderr
    assert "f-early.yaml: keine Empfehlung. SE-T001" in grouped.stderr
    assert grouped.stderr.splitlines()[-1] == "3 von 20 Intakes ohne Empfehlung."


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_json_reaches_a_stdout_that_does_not_write_utf8_as_text(fmt: str) -> None:
    """recommend writes its JSON as UTF-8 bytes; to an output in another encoding (a Windows
    console: cp1252) it writes text, so that the umlauts, dashes and quotation marks of the
    reasons arrive as that encoding spells them."""
    command = ["recommend", AMAL, "--format", fmt]
    utf8 = CliRunner().invoke(app, command)
    windows = CliRunner(charset="cp1252").invoke(app, command)
    assert utf8.exit_code == windows.exit_code == 0, windows.stderr
    assert "ä" in utf8.stdout and "„" in utf8.stdout
    assert windows.stdout == utf8.stdout
    assert windows.stdout_bytes == utf8.stdout.encode("cp1252") != utf8.stdout_bytes
