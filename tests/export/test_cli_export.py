"""``seiteneinsteiger export ...`` as a counsellor uses it: files, messages, exit codes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.export.rows import ExportRow
from seiteneinsteiger.fsutil import data_dir

pytestmark = pytest.mark.usefixtures("fake_engine")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_school_export_writes_a_private_file_and_says_who_was_left_out(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    result = runner.invoke(app, ["export", "school", str(intakes_dir), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert f"Geschrieben: {target}" in result.stdout
    # 2 without consent for the school, 3 for whom no school is recommended (ZUE, 5, 19)
    assert "12 Schülerinnen und Schüler exportiert; 5 nicht exportiert" in result.stdout
    assert _mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schule.xlsx"]
    # the consent messages name the file and the case id, never the child
    assert (
        "Nicht exportiert: examples/intakes/hawre-aziz.yaml (Fall UN-2025-0089): keine "
        "Einwilligung für die Weitergabe an die aufnehmende Schule" in result.stderr
    )
    assert "Hawre" not in result.stderr and "Aziz" not in result.stderr.replace("hawre-aziz", "")
    assert (
        "Nicht exportiert: examples/intakes/berfin-murad.yaml (Fall UN-2025-0058): keine "
        "Schulaufnahme empfohlen (noch nicht schulpflichtig); mit --include-unplaced dennoch "
        "exportieren" in result.stderr
    )
    book = load_workbook(target)
    assert len(book.sheetnames) == 2 + 12 + 1  # cover, overview, pupils, Grundlagen


def test_openpyxl_leaves_no_temp_files_behind(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    result = runner.invoke(app, ["export", "school", str(intakes_dir), "-o", str(target)])
    assert result.exit_code == 0
    private_tmp = data_dir() / "tmp"
    assert private_tmp.is_dir()
    assert _mode(private_tmp) == 0o700
    # only this process's (empty) private directory is left: openpyxl removed its sheet files
    assert [p for p in private_tmp.rglob("*") if not p.is_dir()] == []


def test_an_existing_file_is_kept_without_force_and_replaced_with_it(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    target.write_bytes(b"alt")
    result = runner.invoke(app, ["export", "school", str(intakes_dir), "-o", str(target)])
    assert result.exit_code == 1
    assert f"Fehler: {target} existiert bereits" in result.stderr
    assert "Mit --force überschreiben" in result.stderr
    assert target.read_bytes() == b"alt"

    result = runner.invoke(
        app, ["export", "school", str(intakes_dir), "-o", str(target), "--force"]
    )
    assert result.exit_code == 0, result.stderr
    assert load_workbook(target).sheetnames[0] == "Deckblatt"
    assert _mode(target) == 0o600


def test_a_file_open_in_excel_gets_a_clear_message(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "schule.xlsx"
    target.write_bytes(b"alt")

    def locked(source: object, destination: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("seiteneinsteiger.fsutil.os.replace", locked)
    result = runner.invoke(
        app, ["export", "school", str(intakes_dir), "-o", str(target), "--force"]
    )
    assert result.exit_code == 1
    assert f"{target} kann nicht ersetzt werden" in result.stderr
    assert "Ist die Datei noch in Excel geöffnet?" in result.stderr
    assert target.read_bytes() == b"alt"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schule.xlsx"]


def test_nobody_with_consent_means_exit_1_and_no_file(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    no_consent = [
        str(intakes_dir / "hawre-aziz.yaml"),
        str(intakes_dir / "nasrullah-stanikzai.yaml"),
    ]
    result = runner.invoke(app, ["export", "school", *no_consent, "-o", str(target)])
    assert result.exit_code == 1
    assert "Keine Datei geschrieben" in result.stderr
    assert result.stderr.count("Nicht exportiert:") == 2
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_intake_is_reported_and_the_others_are_exported(
    runner: CliRunner, intakes_dir: Path, examples: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    broken = examples / "invalid" / "german-b3.yaml"
    result = runner.invoke(
        app,
        ["export", "school", str(intakes_dir / "amal-haddad.yaml"), str(broken), "-o", str(target)],
    )
    assert result.exit_code == 1
    assert "german-b3.yaml" in result.stderr and "languages.german" in result.stderr
    assert "1 Schülerin bzw. Schüler exportiert" in result.stdout
    assert load_workbook(target).sheetnames[2] == "Schülerinformation – Haddad, A."


def test_the_output_must_be_an_xlsx_file(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["export", "school", str(intakes_dir), "-o", str(tmp_path / "schule.csv")]
    )
    assert result.exit_code == 2
    assert "muss auf .xlsx enden" in result.stderr


def test_json_report_for_scripts(runner: CliRunner, intakes_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "schule.xlsx"
    result = runner.invoke(
        app, ["export", "school", str(intakes_dir), "-o", str(target), "--format", "json"]
    )
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["written"] == [str(target)]
    assert report["exported"] == 12
    reasons = {left["case_id"]: left["reason"] for left in report["left_out"]}
    assert reasons["UN-2025-0089"].startswith("keine Einwilligung")
    assert reasons["ME-2025-0151"].startswith("keine Einwilligung")
    unplaced = {case for case, reason in reasons.items() if "keine Schulaufnahme" in reason}
    assert len(unplaced) == len(reasons) - 2 == 3
    assert len(report["sha256"][0]) == 64


def test_pupils_without_a_school_stage_only_on_request(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    args = ["export", "school", str(intakes_dir), "-o", str(target), "--include-unplaced"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "15 Schülerinnen und Schüler exportiert; 2 nicht exportiert" in result.stdout
    assert "keine Schulaufnahme empfohlen" not in result.stderr


def test_overview_and_statistics_commands_write_their_workbooks(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    overview = tmp_path / "uebersicht.xlsx"
    result = runner.invoke(app, ["export", "overview", str(intakes_dir), "-o", str(overview)])
    assert result.exit_code == 0, result.stderr
    assert "16 Fälle exportiert; 1 nicht exportiert" in result.stdout  # hawre: no consent at all
    assert load_workbook(overview).sheetnames == ["Deckblatt", "Fälle", "Auswertung"]
    statistics = tmp_path / "statistik.xlsx"
    result = runner.invoke(app, ["export", "statistics", str(intakes_dir), "-o", str(statistics)])
    assert result.exit_code == 0, result.stderr
    assert load_workbook(statistics).sheetnames == ["Deckblatt", "Tabellen"]
    assert _mode(overview) == _mode(statistics) == 0o600


def test_export_help_does_not_import_openpyxl() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from typer.testing import CliRunner; "
        "from seiteneinsteiger.cli.main import app; "
        "r = CliRunner().invoke(app, ['export', '--help']); assert r.exit_code == 0, r.output; "
        "print('openpyxl' in sys.modules)"
    )
    env = dict(os.environ)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "False"


def test_district_and_rules_reach_the_rule_engine(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import fake_recommend

    seen: dict[str, object] = {}

    def make(**options: object) -> object:
        seen.update(options)
        return fake_recommend

    monkeypatch.setattr("seiteneinsteiger.export.pipeline.make_recommender", make)
    rules = tmp_path / "regeln"
    rules.mkdir()
    result = runner.invoke(
        app,
        [
            "export", "overview", str(intakes_dir / "amal-haddad.yaml"),
            "-o", str(tmp_path / "u.xlsx"), "--district", "kreis-unna", "--rules", str(rules),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert seen == {"district": "kreis-unna", "rules_dir": rules}


def test_early_admission_is_suggested_only_where_the_rules_offer_it(
    example_rows: list[ExportRow],
) -> None:
    """A not-yet-schulpflichtig child may be exported for an early admission only when the
    recommendation still offers one (KANN_KIND_OPTION; § 35 Abs. 2 SchulG)."""
    from seiteneinsteiger.export.rows import no_school_reason

    berfin = next(row for row in example_rows if row.intake.case_id == "UN-2025-0058")
    assert "vorzeitige Einschulung" not in no_school_reason(berfin)
    flags = [*berfin.recommendation.flags, "KANN_KIND_OPTION"]
    offered = ExportRow(berfin.intake, berfin.recommendation.replace(flags=flags), berfin.source)
    assert no_school_reason(offered) == (
        "keine Schulaufnahme empfohlen (noch nicht schulpflichtig); bei einem Antrag auf "
        "vorzeitige Einschulung mit --include-unplaced exportieren"
    )
