"""An unknown district (a typo such as ``kreis-metman``) is refused with a suggestion, before it
reaches the register; districts of the installation and of ``--rules`` stay accepted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.config import config_file
from seiteneinsteiger.districts import known_districts

REPO = Path(__file__).resolve().parents[2]
AMAL = REPO / "examples" / "intakes" / "amal-haddad.yaml"
FIXTURES = REPO / "tests" / "rules" / "fixtures"
MESSAGE = "district: unbekannter Kreis 'kreis-metman' (meinten Sie 'kreis-mettmann'?)"


def _intake(tmp_path: Path, district: str) -> Path:
    text = AMAL.read_text(encoding="utf-8").replace(
        "district: kreis-mettmann", f"district: {district}"
    )
    path = tmp_path / f"{district}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_names_the_line_and_suggests(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["intake", "validate", str(_intake(tmp_path, "kreis-metman"))])
    assert result.exit_code == 1
    [line] = [x for x in result.stdout.splitlines() if "district:" in x]
    assert line.startswith(f"{tmp_path / 'kreis-metman.yaml'}:4: {MESSAGE}")
    assert "bekannt sind kreis-mettmann, kreis-unna, nrw, stadt-herne" in line


def test_case_add_does_not_pollute_the_register(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["case", "add", str(_intake(tmp_path, "kreis-metman"))])
    assert result.exit_code == 1
    assert MESSAGE in result.stderr
    listed = runner.invoke(app, ["case", "list", "--format", "json"])
    assert json.loads(listed.stdout)["cases"] == []


def test_case_add_district_option_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["case", "add", "--district", "kreis-metman", str(AMAL)])
    assert result.exit_code == 2
    assert "Fehler: --district: unbekannter Kreis 'kreis-metman' (meinten Sie" in result.stderr
    listed = runner.invoke(app, ["case", "list", "--format", "json"])
    assert json.loads(listed.stdout)["cases"] == []


def test_recommend_and_export_report_it_and_go_on(runner: CliRunner, tmp_path: Path) -> None:
    bad = _intake(tmp_path, "kreis-metman")
    result = runner.invoke(app, ["recommend", "--format", "json", str(bad), str(AMAL)])
    assert result.exit_code == 1
    assert len(json.loads(result.stdout)) == 1
    assert MESSAGE in result.stderr
    target = tmp_path / "schule.xlsx"
    export = runner.invoke(app, ["export", "school", str(bad), str(AMAL), "-o", str(target)])
    assert export.exit_code == 1 and target.exists()
    assert MESSAGE in export.stderr


@pytest.mark.parametrize("how", ["environment", "config"])
def test_the_installation_district_is_accepted(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "environment":
        monkeypatch.setenv("SEITENEINSTEIGER_DISTRICT", "kreis-borken")
    else:
        config_file().parent.mkdir(parents=True)
        config_file().write_text("district: kreis-borken\n", encoding="utf-8")
    assert "kreis-borken" in known_districts()
    result = runner.invoke(app, ["intake", "validate", str(_intake(tmp_path, "kreis-borken"))])
    assert result.exit_code == 0, result.output


def test_a_rule_set_given_with_rules_is_accepted(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "regeln"
    shutil.copytree(FIXTURES / "kreis-test", rules / "kreis-test")
    shutil.copytree(FIXTURES / "basic", rules / "basic")
    intake = _intake(tmp_path, "kreis-test")
    assert known_districts(rules / "kreis-test") >= {"kreis-test", "basic", "nrw"}
    without = runner.invoke(app, ["intake", "validate", str(intake)])
    assert without.exit_code == 1 and "unbekannter Kreis 'kreis-test'" in without.stdout
    result = runner.invoke(
        app, ["recommend", "--rules", str(rules / "kreis-test"), "--format", "json", str(intake)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["ruleset"]["id"] == "kreis-test"
