"""The school export with the real rule engine and the bundled rule sets (as in make demo)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.codes import FLAGS
from seiteneinsteiger.export.profiles import SCHOOL_FLAG_TEXTS

from .conftest import rows_from


def test_demo_school_export_with_the_rule_engine_leaks_nothing(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "schule.xlsx"
    result = runner.invoke(
        app, ["export", "school", str(intakes_dir), "-o", str(target), "--force"]
    )
    assert result.exit_code == 0, result.stderr
    assert f"Geschrieben: {target}" in result.stdout
    book = load_workbook(target)
    text = "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    )
    allowed = set(SCHOOL_FLAG_TEXTS.values())
    for flag, description in FLAGS.items():
        # "Schulbesuch unterbrochen" is also how the school history shows interruptions
        if flag not in SCHOOL_FLAG_TEXTS and flag != "INTERRUPTED_SCHOOLING":
            assert description not in text, flag  # e.g. ZUE_NOT_ASSIGNED's text
    assert any(text_ in text for text_ in allowed)
    for row in rows_from([intakes_dir]):
        intake = row.intake
        for secret in (intake.confidential_notes, intake.support_needs.health_note):
            assert not secret or secret[:30] not in text
    assert "Landeseinrichtung" not in text
    assert "AO-SF prüfen" in text  # Ermira: documented hearing impairment, consent for the school


def test_children_without_a_school_to_go_to_stay_out_of_the_school_workbook(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    """Yusuf's family is still in a state reception facility, Berfin is five, Arman nineteen."""
    target = tmp_path / "schule.xlsx"
    result = runner.invoke(app, ["export", "school", str(intakes_dir), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    assert (
        "Nicht exportiert: examples/intakes/yusuf-al-khatib.yaml (Fall UN-2025-0066): keine "
        "Schulaufnahme empfohlen (Familie noch in einer Landesunterkunft, keiner Gemeinde "
        "zugewiesen); mit --include-unplaced dennoch exportieren" in result.stderr
    )
    assert "arman-rezaei.yaml (Fall HE-2026-0003): keine Schulaufnahme empfohlen (nicht mehr" in (
        result.stderr
    )
    names = {ws["B1"].value for ws in load_workbook(target).worksheets[2:-1]}  # w/o Grundlagen
    assert len(names) == 12
    assert not any(name and ("Al-Khatib" in name or "Rezaei" in name) for name in names)


def test_district_flags_read_as_german_text_in_the_overview(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    """Kreis Unna's own flag GO_IN_REGELKLASSE shows its label from rules/kreis-unna."""
    target = tmp_path / "uebersicht.xlsx"
    result = runner.invoke(app, ["export", "overview", str(intakes_dir), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    book = load_workbook(target, read_only=True)
    try:
        cells = [
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell
        ]
    finally:
        book.close()  # read-only workbooks keep the file open until closed
    text = "\n".join(cells)
    assert "Kreis Unna „Go-In“: Aufnahme direkt in eine Regelklasse" in text
    assert "GO_IN_REGELKLASSE" not in text


def test_the_residence_basis_never_reaches_the_school_or_schild(
    runner: CliRunner, intakes_dir: Path, tmp_path: Path
) -> None:
    """A Ukrainian child with § 24 AufenthG in a state facility is schulpflichtig (§ 34 Abs. 1),
    so it is exported to the school and to SchILD – without its residence basis."""
    import yaml

    from seiteneinsteiger.codes import RESIDENCE_BASIS_LABELS

    data = yaml.safe_load((intakes_dir / "mykyta-kovalenko.yaml").read_text(encoding="utf-8"))
    data["pupil"]["residence"] = "state_facility"
    data["pupil"]["residence_basis"] = "temporary_protection"
    source = tmp_path / "in" / "mykyta.yaml"
    source.parent.mkdir()
    source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    school = tmp_path / "schule.xlsx"
    result = runner.invoke(app, ["export", "school", str(source.parent), "-o", str(school)])
    assert result.exit_code == 0, result.stderr
    schild = tmp_path / "schild"
    result = runner.invoke(app, ["export", "schild", str(source.parent), "-o", str(schild)])
    assert result.exit_code == 0, result.stderr
    texts = [
        str(cell.value)
        for path in (school, *schild.glob("*.xlsx"))
        for sheet in load_workbook(path).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value
    ]
    texts += [path.read_bytes().decode("cp1252") for path in schild.glob("*.dat")]
    text = "\n".join(texts)
    assert "Kovalenko" in text  # exported at all
    for secret in ("temporary_protection", "§ 24", *RESIDENCE_BASIS_LABELS.values()):
        assert secret not in text
