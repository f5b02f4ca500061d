"""Which rule set applies: --rules, --district, the intake's district, the default district."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from seiteneinsteiger.errors import InputFileError, RuleSetError
from seiteneinsteiger.rules import layers
from seiteneinsteiger.rules.api import RuleSetCache, config_file, default_district, recommend


@pytest.fixture
def fixture_builtins(monkeypatch: pytest.MonkeyPatch, fixtures: Path) -> None:
    """Pretend the fixture rule sets are the built-in ones."""
    monkeypatch.setattr(layers, "builtin_root", lambda: fixtures)


def test_default_district_from_environment_then_config_then_nrw() -> None:
    assert default_district() == "nrw"
    path = config_file()
    path.parent.mkdir(parents=True)
    path.write_text("district: kreis-test\n", encoding="utf-8")
    assert default_district() == "kreis-test"
    os.environ["SEITENEINSTEIGER_DISTRICT"] = "basic"
    assert default_district() == "basic"


def test_broken_config_file_is_reported() -> None:
    path = config_file()
    path.parent.mkdir(parents=True)
    path.write_text("district: [a, b]\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        default_district()
    assert "config.yaml" in caught.value.message


@pytest.mark.usefixtures("fixture_builtins")
def test_precedence(fixtures: Path, intake_factory: Any) -> None:
    cache = RuleSetCache()
    intake = intake_factory("2009-01-10").model_copy(update={"district": "kreis-test"})
    assert recommend(intake, cache=cache).ruleset.id == "kreis-test"
    assert recommend(intake, district="basic", cache=cache).ruleset.id == "basic"
    from_dir = recommend(intake, district="basic", rules_dir=fixtures / "kreis-test", cache=cache)
    assert from_dir.ruleset.id == "kreis-test"
    os.environ["SEITENEINSTEIGER_DISTRICT"] = "basic"
    plain = intake_factory("2009-01-10")
    assert recommend(plain, cache=cache).ruleset.id == "basic"
    late = recommend(plain, cache=cache, reference_date=dt.date(2026, 7, 31), source="x.yaml")
    assert (late.reference_date, late.source) == (dt.date(2026, 7, 31), "x.yaml")


@pytest.mark.usefixtures("fixture_builtins")
def test_unknown_district_suggests_a_known_one(intake_factory: Any) -> None:
    with pytest.raises(RuleSetError) as caught:
        recommend(intake_factory("2009-01-10"), district="kreis-tset", cache=RuleSetCache())
    assert "meinten Sie 'kreis-test'?" in caught.value.message


def test_cache_loads_a_rule_set_once(fixtures: Path) -> None:
    cache = RuleSetCache()
    assert cache.directory(fixtures / "basic") is cache.directory(fixtures / "basic")


@pytest.mark.usefixtures("fixture_builtins")
def test_a_batch_reads_the_default_district_once(
    intake_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The environment and config.yaml are read once per batch, not once per intake."""
    from seiteneinsteiger.rules import api

    calls: list[str] = []

    def counted() -> str:
        calls.append("read")
        return "basic"

    monkeypatch.setattr(api, "default_district", counted)
    cache = RuleSetCache()
    results = [recommend(intake_factory("2009-01-10"), cache=cache) for _ in range(3)]
    assert [result.ruleset.id for result in results] == ["basic"] * 3
    assert calls == ["read"]
