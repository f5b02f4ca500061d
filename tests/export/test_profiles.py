"""Export profiles: strict loading, and fields that no edit can put into a school export."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seiteneinsteiger.codes import FLAGS, ConsentScope
from seiteneinsteiger.errors import ExportError
from seiteneinsteiger.export.fields import CATALOGUE
from seiteneinsteiger.export.profiles import (
    ALWAYS_DENIED,
    PROFILE_DIR,
    SCHOOL_DENIED,
    SCHOOL_FLAG_TEXTS,
    load_profile,
    load_profile_file,
    school_notes,
)
from seiteneinsteiger.export.rows import ExportRow

BUILTIN = ["school", "schulamt", "statistics", "schild"]


@pytest.mark.parametrize("name", BUILTIN)
def test_builtin_profiles_load_with_a_legal_basis_for_every_field(name: str) -> None:
    profile = load_profile(name)
    assert profile.id == name
    assert profile.fields
    assert all(spec.basis.strip() and spec.header.strip() for spec in profile.fields)


def test_each_recipient_needs_its_own_consent() -> None:
    assert load_profile("school").consent is ConsentScope.school
    assert load_profile("schild").consent is ConsentScope.school
    assert load_profile("schulamt").consent is ConsentScope.schulamt
    assert load_profile("statistics").consent is ConsentScope.statistics


def test_the_school_profile_carries_nothing_confidential() -> None:
    names = set(load_profile("school").field_names)
    assert names.isdisjoint(SCHOOL_DENIED)
    for required_out in (
        "pupil.residence",
        "pupil.residence_basis",
        "confidential_notes",
        "support_needs.health_note",
        "counselling.interpreter",
        "family.siblings",
        "support_needs.indications",
        "support_needs.documented",
    ):
        assert required_out in SCHOOL_DENIED
        assert required_out not in names


def _school_profile_with(tmp_path: Path, extra_field: str) -> Path:
    text = (PROFILE_DIR / "school.yaml").read_text(encoding="utf-8")
    text += f"  - {{field: {extra_field}, basis: 'Einwilligung der Familie'}}\n"
    target = tmp_path / "school.yaml"
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.parametrize("field", sorted(SCHOOL_DENIED))
def test_the_school_profile_cannot_be_edited_to_include_a_denied_field(
    tmp_path: Path, field: str
) -> None:
    path = _school_profile_with(tmp_path, field)
    lines = path.read_text(encoding="utf-8").splitlines()
    with pytest.raises(ExportError) as caught:
        load_profile_file(path, "profiles/school.yaml")
    message = caught.value.message
    assert f"profiles/school.yaml:{len(lines)}:" in message
    assert f"'{field}' darf nicht exportiert werden" in message


@pytest.mark.parametrize("field", sorted(ALWAYS_DENIED))
def test_confidential_notes_and_health_notes_go_to_nobody(tmp_path: Path, field: str) -> None:
    text = (PROFILE_DIR / "schulamt.yaml").read_text(encoding="utf-8")
    path = tmp_path / "schulamt.yaml"
    path.write_text(text + f"  - {{field: {field}, basis: x}}\n", encoding="utf-8")
    with pytest.raises(ExportError, match="darf nicht exportiert werden"):
        load_profile_file(path)


PROFILE_HEAD = (
    "format: seiteneinsteiger/export-profile@1\n"
    "id: test\n"
    "title: T\n"
    "recipient: R\n"
    "consent: school\n"
    "purpose: P\n"
    "fields:\n"
)


def test_an_unknown_field_gets_file_line_and_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        PROFILE_HEAD + "  - {field: pupil.family_name, basis: b}\n"
        "  - {field: pupil.birthdate, basis: b}\n",
        encoding="utf-8",
    )
    with pytest.raises(ExportError) as caught:
        load_profile_file(path, "p.yaml")
    assert "p.yaml:9:" in caught.value.message
    assert "unbekanntes Feld 'pupil.birthdate' (meinten Sie 'pupil.birth_date'?)" in (
        caught.value.message
    )


def test_an_unknown_key_and_a_missing_basis_are_located(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        PROFILE_HEAD + "  - field: pupil.family_name\n    heder: Name\n",
        encoding="utf-8",
    )
    with pytest.raises(ExportError) as caught:
        load_profile_file(path, "p.yaml")
    message = caught.value.message
    assert "p.yaml:9: fields.0.heder: unbekanntes Feld 'heder' (meinten Sie 'header'?)" in message
    assert "fields.0.basis: Pflichtfeld fehlt" in message


def test_statistics_profiles_accept_only_countable_fields(tmp_path: Path) -> None:
    text = (PROFILE_DIR / "statistics.yaml").read_text(encoding="utf-8")
    for field in (
        "pupil.family_name",
        "pupil.birth_date",
        "case_id",
        "wishes.note",
        "pupil.residence_basis",
    ):
        path = tmp_path / "statistics.yaml"
        path.write_text(text + f"  - {{field: {field}, basis: x}}\n", encoding="utf-8")
        with pytest.raises(ExportError, match="kein zählbares Merkmal"):
            load_profile_file(path)


def test_a_field_listed_twice_is_an_error(tmp_path: Path) -> None:
    path = _school_profile_with(tmp_path, "pupil.family_name")
    with pytest.raises(ExportError, match="steht doppelt"):
        load_profile_file(path)


def test_school_flags_are_a_whitelist_without_residence() -> None:
    assert "ZUE_NOT_ASSIGNED" not in SCHOOL_FLAG_TEXTS
    assert "RESIDENCE_BASIS_CHECK" not in SCHOOL_FLAG_TEXTS
    assert not any(
        "Landesunterkunft" in text or "Aufenthalt" in text for text in SCHOOL_FLAG_TEXTS.values()
    )
    assert set(SCHOOL_FLAG_TEXTS) <= set(FLAGS)
    notes = school_notes(
        ["ZUE_NOT_ASSIGNED", "AOSF_CHECK", "AOSF_CHECK_LATER", "HSU_OFFER", "KREIS_X"]
    )
    assert notes == ["AO-SF prüfen", SCHOOL_FLAG_TEXTS["HSU_OFFER"]]


def test_every_catalogue_field_gives_a_value_for_every_example(
    example_rows: list[ExportRow],
) -> None:
    for row in example_rows:
        for field in CATALOGUE.values():
            field.value(row)
            if field.category is not None:
                assert field.category(row) is not None


_FIELD_NAMES = sorted(CATALOGUE)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    names=st.lists(st.sampled_from(_FIELD_NAMES), min_size=1, max_size=8, unique=True),
    consent=st.sampled_from(["school", "schulamt", "statistics"]),
)
def test_a_profile_loads_exactly_when_its_fields_are_allowed(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], consent: str
) -> None:
    lines = [
        "format: seiteneinsteiger/export-profile@1",
        "id: generated",
        "title: T",
        "recipient: R",
        f"consent: {consent}",
        "purpose: P",
        "fields:",
        *(f"  - {{field: {name}, basis: 'b'}}" for name in names),
    ]
    path = tmp_path_factory.mktemp("profile") / "generated.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    scope = ConsentScope(consent)
    denied = SCHOOL_DENIED if scope is ConsentScope.school else ALWAYS_DENIED
    allowed = all(
        name not in denied and (scope is not ConsentScope.statistics or CATALOGUE[name].countable)
        for name in names
    )
    if allowed:
        assert load_profile_file(path).field_names == names
    else:
        with pytest.raises(ExportError) as caught:
            load_profile_file(path, "generated.yaml")
        bad = next(
            index
            for index, name in enumerate(names)
            if name in denied
            or (scope is ConsentScope.statistics and not CATALOGUE[name].countable)
        )
        assert f"generated.yaml:{8 + bad}: fields.{bad}.field:" in caught.value.message
