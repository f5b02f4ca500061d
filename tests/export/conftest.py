"""Fixtures for the export tests: a stand-in rule engine and export rows from the examples.

The exporters are pure functions over (intake, recommendation, source); the stand-in engine
below builds plausible recommendations by hand so that the exports can be tested without a rule
set. It is deliberately simple and not a statement about NRW law.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from seiteneinsteiger.codes import (
    Erstalphabetisierung,
    Measure,
    SchoolForm,
    SchulpflichtStatus,
    Stage,
)
from seiteneinsteiger.dates import completed_years
from seiteneinsteiger.export.rows import ExportRow
from seiteneinsteiger.intake_io import load_intakes
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.models.recommendation import Recommendation, RuleSetRef, Schulpflicht
from seiteneinsteiger.rules.result import Result

REPO = Path(__file__).resolve().parents[2]
INTAKES = REPO / "examples" / "intakes"
TODAY = dt.date(2026, 3, 1)

Recommend = Callable[[Intake, str], Result]


def fake_recommend(intake: Intake, source: str) -> Result:
    age = completed_years(intake.pupil.birth_date, intake.intake_date)
    flags: list[str] = []
    if 6 <= age <= 9:
        stage, forms, grade = Stage.primarstufe, [SchoolForm.grundschule], max(1, age - 5)
    elif 10 <= age <= 15:
        stage = Stage.sek1
        forms = [SchoolForm.gesamtschule, SchoolForm.sekundarschule, SchoolForm.realschule]
        grade = min(age - 5, 10)
    elif 16 <= age <= 18:
        stage, forms, grade = Stage.sek2, [SchoolForm.berufskolleg], None
    else:
        stage, forms, grade = Stage.none, [], None
    german = intake.languages.german
    erstfoerderung = stage is not Stage.none and german in (None, "none", "A1", "A2")
    literacy = intake.languages.literacy
    if stage is Stage.none:
        alpha = Erstalphabetisierung.not_applicable
    elif literacy == "none":
        alpha = Erstalphabetisierung.eligible
        flags.append("ERSTALPHABETISIERUNG")
    else:
        alpha = Erstalphabetisierung.no
    if literacy == "other_script":
        flags.append("LATIN_SCRIPT_LITERACY")
    if intake.pupil.residence == "state_facility":
        flags.append("ZUE_NOT_ASSIGNED")
    if intake.support_needs.documented:
        flags.append("AOSF_CHECK")
    elif intake.support_needs.indications:
        flags.append("AOSF_CHECK_LATER")
    if any(language != "de" for language in intake.pupil.first_languages):
        flags.append("HSU_OFFER")
    wish = intake.wishes.school_form
    if wish is not None and wish not in forms:
        flags.append("FAMILY_WISH_CHECK")
    measures = [Measure.erstfoerderung] if erstfoerderung else []
    if alpha is Erstalphabetisierung.eligible:
        measures.append(Measure.erstalphabetisierung)
    if "HSU_OFFER" in flags:
        measures.append(Measure.hsu)
    status = (
        SchulpflichtStatus.not_yet
        if age < 6
        else SchulpflichtStatus.no_longer
        if age >= 19
        else SchulpflichtStatus.schulpflichtig
    )
    model = Recommendation(
        case_id=intake.case_id,
        source=source,
        reference_date=intake.intake_date,
        ruleset=RuleSetRef(id=intake.district or "nrw", version="test", extends=["nrw"]),
        age=age,
        schulpflicht=Schulpflicht(status=status, until=dt.date(2031, 7, 31)),
        stage=stage,
        school_forms=forms,
        grade=grade,
        grade_options=[grade] if grade else [],
        erstfoerderung=erstfoerderung,
        erstalphabetisierung=alpha,
        bk_ifk=stage is Stage.sek2,
        measures=measures,
        flags=flags,
    )
    return Result.from_model(model)


def rows_from(paths: list[Path]) -> list[ExportRow]:
    rows = []
    for loaded in load_intakes(paths, today=TODAY):
        assert loaded.ok and loaded.intake is not None, loaded.problems
        rows.append(
            ExportRow(loaded.intake, fake_recommend(loaded.intake, loaded.label), loaded.label)
        )
    return rows


@pytest.fixture
def example_rows() -> list[ExportRow]:
    return rows_from([INTAKES])


@pytest.fixture
def intakes_dir() -> Path:
    return INTAKES


@pytest.fixture
def fake_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every export command uses the stand-in engine instead of the rule engine."""

    def make(**_: Any) -> Recommend:
        return fake_recommend

    monkeypatch.setattr("seiteneinsteiger.export.pipeline.make_recommender", make)
    yield
