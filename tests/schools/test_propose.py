"""Ranking schools for the demo children: what a counsellor would notice."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Protocol

import pytest

from seiteneinsteiger.codes import SchoolForm
from seiteneinsteiger.models.intake import Family, Intake, Sibling
from seiteneinsteiger.rules.result import Result
from seiteneinsteiger.schools import ATTRIBUTION
from seiteneinsteiger.schools.capacity import CapacityRow, CapacityTable
from seiteneinsteiger.schools.directory import Directory
from seiteneinsteiger.schools.districts import SchoolDistrict
from seiteneinsteiger.schools.geo import Gazetteer, Precision
from seiteneinsteiger.schools.offers import Offer
from seiteneinsteiger.schools.propose import (
    ProposalOptions,
    ProposalResult,
    need_of,
    propose,
)

CaseLoader = Callable[[str], tuple[Intake, Result]]


class Run(Protocol):
    def __call__(
        self,
        stem: str,
        *,
        day: dt.date | None = None,
        intake: Intake | None = None,
        recommendation: Result | None = None,
        table: CapacityTable | None = None,
        options: ProposalOptions | None = None,
    ) -> ProposalResult: ...


@pytest.fixture
def run(
    case: CaseLoader,
    shipped: Directory,
    capacity: CapacityTable,
    districts: dict[str, SchoolDistrict],
    gazetteer: Gazetteer,
) -> Run:
    """Propose for a demo child (its intake, recommendation or capacity optionally changed)."""

    def go(
        stem: str,
        *,
        day: dt.date | None = None,
        intake: Intake | None = None,
        recommendation: Result | None = None,
        table: CapacityTable | None = None,
        options: ProposalOptions | None = None,
    ) -> ProposalResult:
        loaded, recommended = case(stem)
        intake = intake or loaded
        assert intake.district is not None
        return propose(
            intake,
            recommendation or recommended,
            shipped,
            table or capacity,
            day or intake.intake_date,
            district=districts[intake.district],
            gazetteer=gazetteer,
            options=options,
        )

    return go


def numbers(result: ProposalResult) -> list[str]:
    return [proposal.school.schulnummer for proposal in result.proposals]


def excluded(result: ProposalResult, number: str) -> str:
    return next(e.reason.text for e in result.excluded if e.school.schulnummer == number)


def row(
    number: str, offer: Offer, *, free: int = 2, grades: tuple[int, int] = (5, 10)
) -> CapacityRow:
    return CapacityRow(
        schulnummer=number,
        offer=offer,
        grade_from=grades[0],
        grade_to=grades[1],
        total=10,
        taken=10 - free,
        reserved=0,
        valid_from=dt.date(2025, 8, 1),
        valid_until=None,
        reported_by="Test",
        reported_on=dt.date(2025, 9, 1),
        where="test.csv:2",
    )


def rule_source(case: CaseLoader, stem: str, rule_id: str) -> str:
    """How a proposal cites a rule: id, file and line as the recommendation's trace has them."""
    entry = next(item for item in case(stem)[1].trace if item.rule == rule_id)
    return f"Regel {rule_id} ({entry.file}:{entry.line})"


def test_amal_gets_the_nearest_public_school_with_a_literacy_place(
    run: Run, case: CaseLoader, capacity: CapacityTable
) -> None:
    result = run("amal-haddad")
    first = result.proposals[0]
    assert first.school.schulnummer == "189601"  # Ratingen, GE Martin-Luther-King
    assert first.offer is Offer.erstalphabetisierung and first.grade == 7
    assert first.capacity.free == 3
    public = [p for p in result.proposals if not p.school.private]
    assert first.distance.metres == min(p.distance.metres or 0 for p in public)
    texts = [reason.text for reason in first.reasons]
    assert texts[0] == "Schulform Gesamtschule empfohlen (Rang 1 der Empfehlung)"
    assert first.reasons[0].source == rule_source(case, "amal-haddad", "NRW-SF-02")
    assert texts[2].startswith("3 freie Plätze Erstalphabetisierung Klasse 7 (12 gesamt, 9 belegt")
    assert "gemeldet am 01.09.2025 von Schulamt für den Kreis Mettmann" in texts[2]
    assert first.reasons[2].source == "Kapazitätstabelle examples/capacity/kreis-mettmann.csv:2"
    assert texts[3] == "1,9 km Luftlinie, Genauigkeit: PLZ-Mittelpunkt (aus Schulstandorten)"
    assert result.origin is Precision.postcode


def test_a_school_without_a_literacy_group_is_excluded_for_an_eligible_child(run: Run) -> None:
    result = run("amal-haddad")
    assert "159438" not in numbers(result)  # Friedrich-Ebert-Schule: only an Erstförderungsgruppe
    assert excluded(result, "159438") == (
        "kein Angebot Erstalphabetisierung gemeldet (gemeldet: Erstförderungsgruppe)"
    )
    assert all(p.offer is Offer.erstalphabetisierung for p in result.proposals)


def test_a_private_school_ranks_after_the_public_ones_unless_the_family_asks(run: Run) -> None:
    result = run("amal-haddad")
    ranks = {p.school.schulnummer: p for p in result.proposals}
    liebfrauen = ranks["159440"]  # Erzbischöfliche Liebfrauenschule, nearer than all others
    assert liebfrauen.school.private
    assert all(p.rank < liebfrauen.rank for p in result.proposals if not p.school.private)
    assert (liebfrauen.distance.metres or 0) < (result.proposals[0].distance.metres or 0)
    assert "nach den öffentlichen Schulen gereiht" in liebfrauen.reasons[-1].text
    wished = run("amal-haddad", options=ProposalOptions(prefer_private=True))
    assert numbers(wished)[0] == "159440"
    assert "weil die Familie eine Privatschule wünscht" in wished.proposals[0].reasons[-1].text


def test_a_closed_school_and_a_foerderschule_are_never_proposed(
    run: Run, case: CaseLoader, capacity: CapacityTable
) -> None:
    _, recommendation = case("artur-schmidt")
    forms = [*recommendation.school_forms, SchoolForm.foerderschule]
    widened = recommendation.replace(school_forms=forms)
    table = CapacityTable(
        [
            *capacity,
            row("196782", Offer.erstalphabetisierung),  # Rosa-Parks-Schule, Monheim: closing
            row("194931", Offer.erstalphabetisierung),  # Förderzentrum Süd, Monheim
        ]
    )
    result = run("artur-schmidt", recommendation=widened, table=table)
    assert "196782" not in numbers(result) and "194931" not in numbers(result)
    assert excluded(result, "196782") == (
        "Schule laut Schulverzeichnis nicht in Betrieb (Schulbetriebsschlüssel 2, Datum 31.07.2024)"
    )
    assert excluded(result, "194931").startswith("Förderschule: eine Aufnahme setzt ein AO-SF")
    assert next(e for e in result.excluded if e.school.schulnummer == "194931").reason.source == (
        "§ 18 AO-SF"
    )
    assert all(p.school.form_code is not SchoolForm.foerderschule for p in result.proposals)


def test_within_the_travel_limit_the_recommended_school_form_comes_first(run: Run) -> None:
    result = run("zahra-ahmadi")
    first, second = result.proposals[:2]
    assert (first.school.schulnummer, second.school.schulnummer) == ("189297", "139099")
    assert first.school_form is SchoolForm.gesamtschule
    assert second.school_form is SchoolForm.hauptschule
    assert (second.distance.metres or 0) < (first.distance.metres or 0) < 3500
    assert not first.hints or all(h.code != "FAHRKOSTEN" for h in first.hints)


def test_beyond_the_limit_travel_costs_are_a_hint_not_a_barrier(run: Run) -> None:
    result = run("artur-schmidt")
    first = result.proposals[0]
    assert first.school.schulnummer == "191000"  # Langenfeld: Monheim has no free literacy place
    assert [h.code for h in first.hints] == ["FAHRKOSTEN", "KAPAZITAET_ALT"]
    assert first.hints[0].source == "SchfkVO § 5 Abs. 2 (Schulweg: kürzester Fußweg, § 7 Abs. 1)"
    assert excluded(result, "100069").startswith(
        "keine freien Plätze: Erstalphabetisierung Klassen 5–7: 10 gesamt, 9 belegt, 1 reserviert"
    )


def test_the_berufskolleg_with_ifk_for_a_sixteen_year_old(run: Run) -> None:
    result = run("abdirahman-warsame")
    assert numbers(result) == ["173472", "173563"]  # Hilden, then Ratingen
    assert all(p.offer is Offer.ifk for p in result.proposals)
    assert excluded(result, "173551").startswith("keine freien Plätze: Internationale Förderklasse")
    assert "Schulform Berufskolleg entspricht dem Wunsch der Familie" in [
        r.text for r in result.proposals[0].reasons
    ]
    yonas = run("yonas-tesfay")
    assert numbers(yonas)[0] == "180798"  # Lünen, from the town (no postcode in the intake)
    assert yonas.origin is Precision.municipality
    assert "ALPHABETISIERUNG_IN_IFK" in [h.code for h in yonas.proposals[0].hints]


def test_the_grade_must_lie_in_the_reported_classes(run: Run) -> None:
    ermira = run("ermira-krasniqi")
    assert "131039" not in numbers(ermira)  # Claudiusschule reports classes 1–2 only
    assert excluded(ermira, "131039") == (
        "gemeldet nur Regelklasse mit Erstförderung Klassen 1–2, gebraucht Klasse 3"
    )
    viktoria = run("viktoria-petrova")
    assert "131039" in numbers(viktoria)


def test_a_grade_option_is_used_when_the_grade_has_no_place(run: Run) -> None:
    table = CapacityTable([row("186960", Offer.erstalphabetisierung, grades=(5, 6))])
    result = run("amal-haddad", table=table)
    [proposal] = result.proposals
    assert proposal.grade == 6
    assert "Klasse 6 statt 7: Wahlmöglichkeit der Empfehlung" in [r.text for r in proposal.reasons]


def test_a_report_must_be_valid_on_the_day(run: Run, case: CaseLoader) -> None:
    _, recommendation = case("amal-haddad")
    no_literacy = recommendation.replace(
        erstalphabetisierung=recommendation.erstalphabetisierung.no
    )
    early = run("amal-haddad", recommendation=no_literacy)
    assert "159438" in numbers(early)
    late = run(
        "amal-haddad",
        recommendation=no_literacy,
        day=dt.date(2026, 2, 15),
    )
    assert excluded(late, "159438") == (
        "Meldung für Erstförderungsgruppe oder Regelklasse mit Erstförderung gilt nicht am "
        "15.02.2026 (gültig ab 01.08.2025 bis 31.01.2026)"
    )


def test_a_sibling_at_the_school_ranks_it_first_and_says_so(run: Run, case: CaseLoader) -> None:
    intake, _ = case("elif-yildirim")
    plain = run("elif-yildirim")
    assert numbers(plain)[0] == "194487"
    assert "GESCHWISTER_SCHULE_UNKLAR" in [h.code for h in plain.hints]  # "GS Kamen-Mitte"
    family = Family(siblings=[Sibling(given_names="Emir", school="Hauptschule Kamen")])
    sibling = run("elif-yildirim", intake=intake.model_copy(update={"family": family}))
    first = sibling.proposals[0]
    assert first.school.schulnummer == "194566" and first.sibling
    assert any(
        r.text.startswith("Geschwisterkind an dieser Schule (Angabe „Hauptschule Kamen“")
        for r in first.reasons
    )
    assert "Emir" not in json.dumps(sibling.to_json_dict(), ensure_ascii=False)


def test_a_wish_for_a_school_form_that_is_not_recommended(run: Run) -> None:
    result = run("elif-yildirim")
    [wish] = [h for h in result.hints if h.code == "WUNSCH_NICHT_EMPFOHLEN"]
    assert wish.text.startswith("Wunsch der Familie: Gymnasium; nicht unter den empfohlenen")
    assert excluded(result, "170434").startswith(
        "Schulform Gymnasium nicht empfohlen: Deutsch A1: das Gymnasium wird erst ab Deutsch B1"
    )


def test_when_nothing_fits_say_why_and_whom_to_ask(run: Run, capacity: CapacityTable) -> None:
    table = CapacityTable([r for r in capacity if r.schulnummer in {"188293", "100069"}])
    result = run("artur-schmidt", table=table)
    assert result.proposals == ()
    assert result.summary is not None
    assert result.summary.startswith(
        "Kreis Mettmann: keine Schule mit einem freien Platz Erstalphabetisierung für Klasse 6 "
        "(Gesamtschule, Sekundarschule, Realschule, Hauptschule) am 26.01.2026."
    )
    assert "1 ohne freie Plätze" in result.summary and "1 ohne dieses Angebot" in result.summary
    # first the school with free places in another Erstförderung offer, then by distance
    assert [a.school.schulnummer for a in result.alternatives][:2] == ["188293", "100069"]
    assert result.alternatives[0].other_free == 2


def test_no_school_form_no_proposal(run: Run) -> None:
    result = run("arman-rezaei")
    assert result.proposals == () and result.excluded == ()
    assert result.summary == (
        "Die Empfehlung nennt keine Schulform (nicht mehr schulpflichtig, keine Schulstufe): es "
        "gibt keinen Schulvorschlag."
    )


def test_an_unknown_home_gives_unknown_distances_not_an_error(run: Run, case: CaseLoader) -> None:
    intake, _ = case("amal-haddad")
    pupil = intake.pupil.model_copy(update={"address": None, "municipality": "Atlantis"})
    result = run("amal-haddad", intake=intake.model_copy(update={"pupil": pupil}))
    assert result.origin is Precision.unknown and result.proposals
    assert all(p.distance.metres is None for p in result.proposals)
    assert "WOHNORT_UNBEKANNT" in [h.code for h in result.hints]


def test_the_result_as_json(run: Run, case: CaseLoader) -> None:
    result = run("amal-haddad")
    data = json.loads(json.dumps(result.to_json_dict(), ensure_ascii=False))
    assert data["format"] == "seiteneinsteiger/school-proposals@1"
    assert data["attribution"] == ATTRIBUTION
    assert data["case_id"] == "ME-2025-0142" and data["district"] == "kreis-mettmann"
    assert data["need"] == {
        "school_forms": ["gesamtschule", "sekundarschule", "realschule", "hauptschule"],
        "grades": [7, 6, 5],
        "offers": ["erstalphabetisierung"],
        "stage": "sek1",
    }
    first = data["proposals"][0]
    assert first["schulnummer"] == "189601" and first["free_places"] == 3
    assert first["distance_m"] == round(result.proposals[0].distance.metres or 0)
    assert first["reasons"][0] == {
        "text": "Schulform Gesamtschule empfohlen (Rang 1 der Empfehlung)",
        "source": rule_source(case, "amal-haddad", "NRW-SF-02"),
    }
    others = {item["schulform"]: item for item in data["other_school_forms"]}
    assert others["Grundschule"]["schools"] == 77
    assert others["Gymnasium"]["reason"].startswith("Schulform Gymnasium nicht empfohlen: Deutsch")
    assert others["Förderschule"]["source"] == "§ 18 AO-SF"
    counted = len(data["proposals"]) + len(data["excluded"])
    assert data["considered"] == 143 == counted + sum(o["schools"] for o in others.values())
    assert "Haddad" not in json.dumps(data, ensure_ascii=False)  # no personal values


def test_the_offer_follows_the_recommendation(case: CaseLoader) -> None:
    def offers(stem: str) -> list[str]:
        _, recommendation = case(stem)
        return [offer.value for offer in need_of(recommendation).offers]

    assert offers("amal-haddad") == ["erstalphabetisierung"]
    assert offers("sofiia-melnyk") == ["ifk"]
    assert offers("mykyta-kovalenko") == ["regelklasse_erstfoerderung", "erstfoerderungsgruppe"]
    assert offers("ermira-krasniqi") == ["erstfoerderungsgruppe", "regelklasse_erstfoerderung"]
    assert offers("ioana-dumitru") == ["regelklasse_erstfoerderung"]  # no Erstförderung needed


def test_the_whole_of_nrw(
    case: CaseLoader, nrw: Directory, districts: dict[str, SchoolDistrict]
) -> None:
    intake, recommendation = case("amal-haddad")
    table = CapacityTable(
        [row(school.schulnummer, Offer.erstalphabetisierung) for school in list(nrw)[::7]]
    )
    result = propose(
        intake, recommendation, nrw, table, intake.intake_date, district=districts["nrw"]
    )
    assert result.considered == len(nrw) and result.outside == 0
    others = sum(other.schools for other in result.other_forms)
    assert len(result.proposals) + len(result.excluded) + others == len(nrw)
    assert result.proposals[0].distance.metres is not None
    public = sum(not p.school.private for p in result.proposals)
    assert all(not p.school.private for p in result.proposals[:public])
