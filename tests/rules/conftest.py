"""Fixtures for the rule-engine tests: small rule sets under tests/rules/fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.api import load_ruleset_dir
from seiteneinsteiger.rules.compiled import RuleSet

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = FIXTURES.parent.parent.parent


@pytest.fixture(autouse=True)
def _in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    """File names in messages are relative to the working directory: make it the repository."""
    monkeypatch.chdir(REPO)


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def basic() -> RuleSet:
    return load_ruleset_dir(FIXTURES / "basic")


@pytest.fixture(scope="session")
def district() -> RuleSet:
    return load_ruleset_dir(FIXTURES / "kreis-test")


def make_intake(birth: str, *, day: str = "2025-09-15", **sections: Any) -> Intake:
    """An intake with a birth date and a few sections; everything else left out."""
    pupil = {"family_name": "Test", "given_names": "Fall", "birth_date": birth}
    pupil.update(sections.pop("pupil", {}))
    data = {"format": "seiteneinsteiger/intake@1", "intake_date": day, "pupil": pupil, **sections}
    return Intake.model_validate(data)


@pytest.fixture(scope="session")
def intake_factory() -> Any:
    return make_intake
