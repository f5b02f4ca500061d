"""Loading rule sets: every mistake an administrator can make gets FILE:LINE:COL and a fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seiteneinsteiger.dates import Age
from seiteneinsteiger.errors import Problem, RuleSetError
from seiteneinsteiger.rules.api import builtin_ids, load_ruleset_dir
from seiteneinsteiger.rules.compiled import RuleSet


def _problems(fixtures: Path, name: str) -> list[Problem]:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(fixtures / name)
    return caught.value.problems


def _only(fixtures: Path, name: str) -> Problem:
    problems = _problems(fixtures, name)
    assert len(problems) == 1, [p.render() for p in problems]
    return problems[0]


def test_renamed_field_is_located_with_did_you_mean(fixtures: Path) -> None:
    problem = _only(fixtures, "bad-field")
    assert problem.render() == (
        "tests/rules/fixtures/bad-field/50-x.yaml:9:11 SE-C002: unbekanntes Feld "
        "'languages.germna'; meinten Sie 'languages.german'?"
    )


def test_yaml_syntax_error_has_line_and_column(fixtures: Path) -> None:
    problem = _only(fixtures, "bad-yaml")
    assert (problem.file, problem.line, problem.column, problem.code) == (
        "tests/rules/fixtures/bad-yaml/50-x.yaml",
        5,
        15,
        "SE-R001",
    )
    assert "Liste nicht geschlossen" in problem.message


def test_rule_without_source_is_refused(fixtures: Path) -> None:
    problem = _only(fixtures, "bad-source")
    assert (problem.line, problem.code) == (7, "SE-R004")
    assert "Regel X-01 hat keine Quelle" in problem.message


def test_discretion_without_flag_is_refused(fixtures: Path) -> None:
    problem = _only(fixtures, "bad-discretion")
    assert (problem.line, problem.code) == (8, "SE-R005")
    assert "muss einen Hinweis setzen" in problem.message


def test_district_may_not_replace_a_rule_that_is_not_overridable(fixtures: Path) -> None:
    problem = _only(fixtures, "bad-override")
    assert (problem.file, problem.line, problem.code) == (
        "tests/rules/fixtures/bad-override/50-x.yaml",
        3,
        "SE-R010",
    )
    assert "T-SP-ZUE" in problem.message
    assert "basic/10-schulpflicht.yaml:8" in problem.message


def test_unknown_and_closed_parameters(fixtures: Path) -> None:
    problems = _problems(fixtures, "bad-param")
    rendered = [p.render() for p in problems]
    assert rendered == [
        "tests/rules/fixtures/bad-param/ruleset.yaml:7:3 SE-R012: Parameter 'stichtag' ist im "
        "Regelsatz 'basic' nicht offen ('open: true') und kann hier nicht gesetzt werden",
        "tests/rules/fixtures/bad-param/50-x.yaml:9:30 SE-R009: unbekannter Parameter "
        "'sek2_boundary_ag'; meinten Sie 'sek2_boundary_age'?",
    ]


def test_all_errors_of_all_files_in_one_run(fixtures: Path) -> None:
    problems = _problems(fixtures, "bad-many")
    codes = sorted((p.file.rsplit("/", 1)[-1], p.line, p.code) for p in problems)
    assert codes == [
        ("50-a.yaml", 5, "SE-R002"),  # hit_policy: first does not exist
        ("50-a.yaml", 13, "SE-R006"),  # unknown flag
        ("50-a.yaml", 13, "SE-R007"),  # output not in decides
        ("50-a.yaml", 14, "SE-R014"),  # unknown placeholder
        ("50-a.yaml", 18, "SE-R007"),
        ("60-b.yaml", 12, "SE-R002"),  # unknown key 'color'
    ]


def test_error_message_lists_every_problem(fixtures: Path) -> None:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(fixtures / "bad-many")
    assert caught.value.message.startswith(
        "Der Regelsatz in tests/rules/fixtures/bad-many enthält 6"
    )
    assert "60-b.yaml:12:9 SE-R002: color: unbekanntes Feld 'color'" in caught.value.message


def test_foerderschule_is_never_a_recommendation(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    text = (root / "20-stufe.yaml").read_text(encoding="utf-8")
    (root / "20-stufe.yaml").write_text(
        text.replace("school_forms: [grundschule]", "school_forms: [grundschule, foerderschule]"),
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(root)
    (problem,) = caught.value.problems
    assert problem.code == "SE-R008"
    assert "AO-SF: fehlende Deutschkenntnisse" in problem.message


def test_condition_on_a_later_output_is_refused(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    path = root / "10-schulpflicht.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("pupil.residence: state_facility", "stage: none", 1), encoding="utf-8"
    )
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(root)
    (problem,) = caught.value.problems
    assert (problem.line, problem.code) == (10, "SE-R015")


def test_missing_required_parameter(tmp_path: Path, fixtures: Path) -> None:
    root = tmp_path / "basic"
    shutil.copytree(fixtures / "basic", root)
    header = root / "ruleset.yaml"
    lines = [
        line
        for line in header.read_text(encoding="utf-8").splitlines()
        if not line.strip().startswith("vollzeit_years")
    ]
    header.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(root)
    assert [p.code for p in caught.value.problems] == ["SE-R012"]
    assert "vollzeit_years" in caught.value.problems[0].message


def test_district_merges_onto_its_parent(district: RuleSet) -> None:
    assert district.extends == ("basic",)
    assert district.parameters["sek2_boundary_age"].value == Age(17)
    assert district.parameters["sek2_boundary_age"].set_by == "kreis-test"
    assert district.parameters["sek2_boundary_age"].parent_value == Age(16)
    assert district.params.sek2_boundary_age == Age(17)
    ids = [rule.id for rule in district.rules()]
    assert "T-ST-SEK1" not in ids
    assert ids.index("KT-ST-SEK1") == ids.index("T-ST-PRIMAR") + 1  # keeps the position
    replacing = next(rule for rule in district.rules() if rule.id == "KT-ST-SEK1")
    assert (replacing.replaces, replacing.replaced_ruleset) == ("T-ST-SEK1", "basic")
    assert district.tables[-1].id == "kreis-hinweise"
    assert district.flag_origins == {"GO_IN_REGELKLASSE": "kreis-test"}


def test_edited_copy_extends_a_sibling_first(tmp_path: Path, fixtures: Path) -> None:
    shutil.copytree(fixtures / "basic", tmp_path / "basic")
    shutil.copytree(fixtures / "kreis-test", tmp_path / "kreis-test")
    header = tmp_path / "basic" / "ruleset.yaml"
    header.write_text(
        header.read_text(encoding="utf-8").replace('"2025.1"', '"2025.9"'), encoding="utf-8"
    )
    ruleset = load_ruleset_dir(tmp_path / "kreis-test")
    assert ruleset.versions["basic"] == "2025.9"


def test_directory_without_ruleset_yaml(tmp_path: Path) -> None:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(tmp_path)
    assert "ruleset.yaml" in caught.value.message


def test_shipped_rule_sets_load_without_errors() -> None:
    from seiteneinsteiger.rules.api import builtin_dir

    ids = builtin_ids()
    assert "nrw" in ids
    for ruleset_id in ids:
        ruleset = load_ruleset_dir(builtin_dir(ruleset_id))
        assert ruleset.rules(), ruleset_id


def _with_boundary(tmp_path: Path, fixtures: Path, value: str) -> Path:
    """The test district with ``sek2_boundary_age`` written as ``value``; the age conditions of
    both layers compare in months, as an age with months requires."""
    shutil.copytree(fixtures / "basic", tmp_path / "basic")
    root = tmp_path / "kreis-test"
    shutil.copytree(fixtures / "kreis-test", root)
    for path in (tmp_path / "basic" / "20-stufe.yaml", root / "50-kreis.yaml"):
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            "age: {max: {param: sek2_boundary_age, minus: 1}}",
            "admission_age_months: {below: {param: sek2_boundary_age}}",
        ).replace(
            "age: {min: {param: sek2_boundary_age}}",
            "admission_age_months: {min: {param: sek2_boundary_age}}",
        )
        path.write_text(text, encoding="utf-8")
    header = root / "ruleset.yaml"
    text = header.read_text(encoding="utf-8")
    header.write_text(
        text.replace("sek2_boundary_age: {value: 17,", f"sek2_boundary_age: {{value: {value},"),
        encoding="utf-8",
    )
    return root


def test_age_parameter_with_months(tmp_path: Path, fixtures: Path) -> None:
    district = load_ruleset_dir(_with_boundary(tmp_path, fixtures, "{years: 15, months: 6}"))
    assert district.params.sek2_boundary_age == Age(15, 6)
    assert district.param_facts["param.sek2_boundary_age"] == 186  # compared in months


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{years: 15, months: 13}", "'months' muss zwischen 0 und 11 liegen, nicht 13"),
        ("{years: 15, monts: 6}", "unbekannter Schlüssel 'monts' (erlaubt: years, months)"),
        ("{months: 6}", "'years' fehlt"),
        ("{years: 30, months: 0}", "muss zwischen 10 und 25 Jahren liegen"),
        ("fünfzehn", "Alter als ganze Zahl (Jahre) oder als {years: 15, months: 6} erwartet"),
    ],
)
def test_nonsense_ages_are_refused_at_file_and_line(
    tmp_path: Path, fixtures: Path, value: str, message: str
) -> None:
    root = _with_boundary(tmp_path, fixtures, value)
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(root)
    (problem,) = caught.value.problems
    assert problem.code == "SE-R012"
    assert (problem.file, problem.line) == (f"{root}/ruleset.yaml", 8)
    assert f"Parameter 'sek2_boundary_age': {message}" in problem.message


def test_age_with_months_cannot_be_compared_in_whole_years(tmp_path: Path, fixtures: Path) -> None:
    root = _with_boundary(tmp_path, fixtures, "{years: 15, months: 6}")
    (root / "60-extra.yaml").write_text(
        "format: seiteneinsteiger/rules@1\n"
        "tables:\n"
        "  - id: extra\n"
        "    decides: [flags]\n"
        "    hit_policy: collect\n"
        "    rules:\n"
        "      - id: X-AGE\n"
        "        when: {age: {min: {param: sek2_boundary_age}}}\n"
        "        then: {flags: [GO_IN_REGELKLASSE]}\n"
        "        because: Test\n"
        "        source: [Test]\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleSetError) as caught:
        load_ruleset_dir(root)
    (problem,) = caught.value.problems
    assert (problem.line, problem.code) == (8, "SE-R009")
    assert "Alter mit Monaten (15 Jahre und 6 Monate)" in problem.message
    assert "admission_age_months" in problem.message
