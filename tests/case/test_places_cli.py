"""The whole allocation path through the command line, on the Ministry's real directory file:
import, capacity, propose, reserve, the last place, refuse and release, assign, confirm, and the
receiving school's workbook. Runs on each backend (tests/case/conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.intake_io import load_intake_file
from seiteneinsteiger.store import CaseStore

from .conftest import Target, rows, stock

REPO = Path(__file__).resolve().parents[2]
REAL = REPO.parent / "shared" / "data" / "schuldaten-nrw" / "schuldaten.csv"
INTAKES = REPO / "examples" / "intakes"
CAPACITY = REPO / "examples" / "capacity"
ATTRIBUTION = "Land NRW / Ministerium für Schule und Bildung NRW, Schulgrunddaten NRW, dl-de/by-2-0"
TODAY = dt.date.today()
RATINGEN = "Ratingen, GE Martin-Luther-King (189601)"


def _ok(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result


def _failed(runner: CliRunner, *args: str, code: int = 1) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def _credit() -> str:
    return f"Schuldaten: {ATTRIBUTION} (Stand: schuldaten.csv, eingelesen am {TODAY:%d.%m.%Y})"


def test_the_allocation_on_the_real_directory(runner: CliRunner, tmp_path: Path) -> None:
    imported = _ok(runner, "schools", "import", str(REAL))
    assert imported.stdout.splitlines() == [
        f"Schulverzeichnis eingelesen: {REAL} (5.507 Zeilen): 5.409 Schulen, 59 "
        "Schulverwaltungen; keine Schulen: 2 Schulischer Lernort (81), 37 Schule für Kranke "
        "(83); 0 Zeilen mit Fehlern ausgelassen.",
        "Das bisherige Schulverzeichnis im Fallregister ist ersetzt.",
        _credit(),
    ]
    capacity = _ok(runner, "schools", "capacity", "import", *map(str, CAPACITY.glob("*.csv")))
    assert f"{CAPACITY / 'kreis-mettmann.csv'}: 20 Zeilen gespeichert." in capacity.stdout
    # a phone call: one place left in the literacy group of the Gesamtschule in Ratingen
    phone = _ok(
        runner,
        *("schools", "capacity", "set", "189601", "--angebot", "erstalphabetisierung"),
        *("--klassen", "5-7", "--plaetze", "12", "--belegt", "11"),
    )
    assert phone.stdout.splitlines()[0] == (
        f"Gespeichert: {RATINGEN}, erstalphabetisierung Klassen 5–7: 12 gesamt, 11 belegt, "
        f"0 reserviert, 1 frei; gültig ab {TODAY:%d.%m.%Y} ohne Enddatum."
    )
    assert "1 ältere Meldung ersetzt" in phone.stdout
    _ok(runner, "case", "add", "--no-write-back", str(INTAKES))

    ranked = json.loads(_ok(runner, "case", "propose", "ME-2025-0142", "-f", "json").stdout)
    first = ranked["proposals"][0]
    assert (first["schulnummer"], first["offer"], first["grade"], first["free_places"]) == (
        "189601",
        "erstalphabetisierung",
        7,
        1,
    )
    assert ranked["attribution"] == ATTRIBUTION and ranked["directory"] == _credit()
    assert ranked["holding"] is None and "Haddad" not in json.dumps(ranked)

    chosen = _ok(runner, "case", "propose", "ME-2025-0142", "--choose", "189601")
    assert chosen.stdout.splitlines()[:2] == [
        f"ME-2025-0142: beraten → vorgeschlagen (Vorschlag an Schule oder Schulamt) am "
        f"{TODAY:%d.%m.%Y}: {RATINGEN}",
        f"Platz reserviert: {RATINGEN}, Erstalphabetisierung Klasse 7.",
    ]
    # the last place is gone for Zahra, and the ranking says why
    full = _failed(runner, "case", "status", "ME-2025-0167", "vorgeschlagen", "--school", "189601")
    assert (
        "Fehler: Ratingen, GE Martin-Luther-King (189601) kann für Fall ME-2025-0167 nicht "
        "vorgeschlagen werden: keine freien Plätze: Erstalphabetisierung Klassen 5–7: 12 gesamt, "
        "11 belegt, 0 reserviert, 1 im Fallregister vorgemerkt"
    ) in full.stderr
    refused = _ok(runner, "case", "status", "ME-2025-0142", "abgelehnt", "--note", "voll")
    assert f"Platz freigegeben: {RATINGEN}, Erstalphabetisierung Klasse 7." in refused.stdout
    _ok(runner, "case", "propose", "ME-2025-0167", "--choose", "189601")
    _ok(runner, "case", "status", "ME-2025-0167", "an_schulamt_gemeldet")
    assigned = _ok(runner, "case", "status", "ME-2025-0167", "zugewiesen")
    assert assigned.stdout.strip().endswith(
        f"(vom Schulamt zugewiesen) am {TODAY:%d.%m.%Y}: {RATINGEN}"
    )

    workbook = tmp_path / "schule-189601.xlsx"
    exported = _ok(runner, "export", "school", "--school", "189601", "-o", str(workbook))
    assert "1 Schülerin bzw. Schüler exportiert." in exported.stdout
    cover = {
        row[0]: row[1] for row in load_workbook(workbook)["Deckblatt"].iter_rows(values_only=True)
    }
    assert cover["Empfänger"] == (
        "Aufnehmende Schule: Martin-Luther-King-Gesamtschule Städt. Gesamtschule Ratingen - "
        "Sekundarstufen I und II -"
    )
    assert cover["Schulnummer"] == "189601"
    assert cover["Anschrift der Schule"] == "Erfurter Str. 36, 40880 Ratingen"
    assert cover["Schuldaten"] == _credit().removeprefix("Schuldaten: ")
    names = [row[:2] for row in load_workbook(workbook)["Übersicht"].iter_rows(values_only=True)]
    assert names[1:] == [("Ahmadi", "Zahra")]  # Amal was refused there: not in the workbook
    [entry] = json.loads(_ok(runner, "export", "log", "-f", "json").stdout)
    assert entry["recipient"] == f"Aufnehmende Schule: {RATINGEN}"
    assert entry["cases"] == ["ME-2025-0167"]
    assert entry["extra"]["school_number"] == "189601"
    logged = _ok(runner, "export", "log").stdout
    assert f"export school  an: Aufnehmende Schule: {RATINGEN}" in logged

    admitted = _ok(runner, "case", "status", "ME-2025-0167", "aufgenommen")
    assert f"Aufnahme bestätigt: der reservierte Platz an {RATINGEN} ist jetzt belegt." in (
        admitted.stdout
    )
    places = json.loads(
        _ok(runner, "schools", "capacity", "list", "--school", "189601", "-f", "json").stdout
    )
    [alpha] = [row for row in places["rows"] if row["offer"] == "erstalphabetisierung"]
    assert (alpha["held"], alpha["free"]) == (1, 0)
    assert alpha["school"] == "Ratingen, GE Martin-Luther-King"
    listed = _ok(runner, "case", "list", "--status", "aufgenommen").stdout.splitlines()
    assert RATINGEN in listed[1] and listed[1].startswith("ME-2025-0167")
    stats = json.loads(_ok(runner, "case", "stats", "-f", "json").stdout)
    steps = {stage["step"]: stage["reached"]["count"] for stage in stats["stages"]}
    assert steps == {
        "vorgeschlagen": 2,
        "an_schulamt_gemeldet": 1,
        "zugewiesen": 1,
        "aufgenommen": 1,
    }
    with CaseStore.open() as store:
        actions = [(e.action, e.detail) for e in store.audit_entries("ME-2025-0167")]
    assert ("angesehen", "Schulvorschlag") in actions
    assert ("exportiert", "export school an Schule 189601") in actions


# ---------------------------------------------------------------------------------------------
# Bad input


def test_a_file_that_is_not_the_directory_changes_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    _ok(runner, "schools", "import")
    other = tmp_path / "schulen.csv"
    other.write_text("Name;Ort\nGrundschule;Herne\n", encoding="utf-8")
    result = _failed(runner, "schools", "import", str(other))
    assert f"{other}:1: kein Schulverzeichnis im Format des Ministeriums" in result.stderr
    assert (
        f"Fehler: {other}: keine Schulen gelesen; das Schulverzeichnis im Fallregister bleibt "
        "unverändert"
    ) in result.stderr
    shown = _ok(runner, "schools", "show", "189601")
    assert "(Stand: schuldaten.csv, eingelesen am" in shown.stdout  # still the shipped copy


def test_bad_rows_of_the_directory_are_left_out(runner: CliRunner, tmp_path: Path) -> None:
    lines = REAL.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = '"12345"' + lines[2][8:]  # a Schulnummer with five digits
    damaged = tmp_path / "schuldaten.csv"
    damaged.write_text("".join([lines[0], lines[1], broken, *lines[3:]]), encoding="utf-8")
    result = _failed(runner, "schools", "import", str(damaged))
    assert f"{damaged}:3: Schulnummer: '12345' ist keine Schulnummer (6 Ziffern)" in result.stderr
    assert "5.408 Schulen" in result.stdout and "1 Zeilen mit Fehlern ausgelassen" in result.stdout


def test_capacity_files_with_errors_are_refused_with_their_lines(
    runner: CliRunner, tmp_path: Path
) -> None:
    _ok(runner, "schools", "import")
    _ok(runner, "schools", "capacity", "import", str(CAPACITY / "kreis-mettmann.csv"))
    before = _ok(runner, "schools", "capacity", "list", "-f", "json").stdout
    bad = tmp_path / "kapazitaet-maerz.csv"
    header = (CAPACITY / "kreis-mettmann.csv").read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(
        "\n".join(
            [
                header,
                "189601;;erstalphabetisierung;5;7;12;9;0;01.03.2026;;Schulamt;01.03.2026;",
                "189610;;erstalphabetisierung;5;7;12;9;0;01.03.2026;;Schulamt;01.03.2026;",
                "159438;;erstfoerderungsgruppe;5;7;6;-1;0;01.03.2026;;Schulamt;01.03.2026;",
                "186960;;erstfoerderungsgruppe;5;7;6;5;2;01.03.2026;;Schulamt;01.03.2026;",
                "159414;;erstfoerderungsgruppe;5;7;6;1;0;01.03.2026;;Schulamt;01.03.2026;",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = _failed(runner, "schools", "capacity", "import", str(bad))
    assert result.stderr.splitlines()[:5] == [
        f"{bad}:3: Schulnummer: Schulnummer 189610 steht nicht im Schulverzeichnis; meinten Sie "
        "189601 (Ratingen, GE Martin-Luther-King)?",
        f"{bad}:4: belegt: -1: negative Platzzahl",
        f"{bad}:5: belegt: belegt (5) und reserviert (2) sind zusammen mehr als Plätze gesamt (6)",
        f"{bad}:6: Schulnummer: Mettmann, RS Carl-Fuhlrott-Realschule: laut Schulverzeichnis "
        "nicht in Betrieb (Schulbetriebsschlüssel 2, Datum 31.07.2026); für diese Schule können "
        "keine Plätze gemeldet werden",
        f"{bad}: enthält Fehler; nichts gespeichert.",
    ]
    assert _ok(runner, "schools", "capacity", "list", "-f", "json").stdout == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["189610"], 1, "Fehler: SCHULNUMMER: Schulnummer 189610 steht nicht im Schulverzeichnis; "
         "meinten Sie 189601 (Ratingen, GE Martin-Luther-King)?"),
        (["189601", "--plaetze", "-2", "--belegt", "0"], 1, "Fehler: --plaetze: -2: negative "
         "Platzzahl"),
        (["189601", "--belegt", "13"], 1, "Fehler: --belegt: belegt (13) und reserviert (0) sind "
         "zusammen mehr als Plätze gesamt (12)"),
        (["159414"], 1, "Fehler: SCHULNUMMER: Mettmann, RS Carl-Fuhlrott-Realschule: laut "
         "Schulverzeichnis nicht in Betrieb"),
        (["189601", "--klassen", "5 bis 7"], 2, "Fehler: --klassen: '5 bis 7' ist keine "
         "Klassenangabe"),
        (["189601", "--angebot", "alpha"], 1, "Fehler: --angebot: 'alpha' ist kein Angebot"),
    ],
)  # fmt: skip
def test_capacity_set_errors_name_the_option(
    runner: CliRunner, args: list[str], code: int, message: str
) -> None:
    _ok(runner, "schools", "import")
    base = ["--angebot", "erstalphabetisierung", "--plaetze", "12", "--klassen", "5-7"]
    result = _failed(runner, "schools", "capacity", "set", *args[:1], *base, *args[1:], code=code)
    assert message in result.stderr
    assert _ok(runner, "schools", "capacity", "list", "-f", "json").stdout.count('"id"') == 0


def test_places_need_an_imported_directory(runner: CliRunner) -> None:
    _ok(runner, "case", "add", "--no-write-back", str(INTAKES / "amal-haddad.yaml"))
    for args in (["case", "propose", "ME-2025-0142"], ["schools", "capacity", "list"]):
        result = _failed(runner, *args)
        assert "Fehler: Im Fallregister ist noch kein Schulverzeichnis" in result.stderr
        assert "seiteneinsteiger schools import" in result.stderr


def test_choosing_a_school_the_ranking_does_not_list(runner: CliRunner) -> None:
    _ok(runner, "schools", "import")
    _ok(runner, "schools", "capacity", "import", str(CAPACITY / "kreis-mettmann.csv"))
    _ok(runner, "case", "add", "--no-write-back", str(INTAKES / "amal-haddad.yaml"))
    cases = {
        "173472": "Hilden, BK Am Hölterhöfchen (173472) kann für Fall ME-2025-0142 nicht "
        "vorgeschlagen werden: Schulform Berufskolleg wird nicht gesucht",
        "130618": "Herne, GG an der Max-Wiethoff-Straße (130618) kann für Fall ME-2025-0142 nicht "
        "vorgeschlagen werden: sie liegt nicht im Gebiet Kreis Mettmann",
        "600158": "600158 ist keine Schule, sondern eine Schulverwaltung",
        "189610": "Schulnummer 189610 steht nicht im Schulverzeichnis des Registers; meinten Sie "
        "189601",
    }
    for number, message in cases.items():
        result = _failed(runner, "case", "propose", "ME-2025-0142", "--choose", number)
        assert message in result.stderr, result.stderr
    with CaseStore.open() as store:
        assert store.reservations("ME-2025-0142") == []


# ---------------------------------------------------------------------------------------------
# Two counsellors, one place


WORKER = textwrap.dedent(
    """
    import datetime as dt, json, os, sys, time
    from pathlib import Path
    from seiteneinsteiger.placement import choose, search_case
    from seiteneinsteiger.store import CaseStore, CaseStoreError

    where, case_id, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    target = where if "://" in where else Path(where)
    with CaseStore.open(target) as store:
        search = search_case(store, case_id, day=dt.date.today())  # 1 place free for everyone
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.0005)
        try:
            choose(store, search, "189601", day=dt.date.today())
            print(json.dumps({"won": True}), flush=True)
        except CaseStoreError as exc:
            print(json.dumps({"won": False, "message": exc.message}), flush=True)
    """
)


def _register_amal_copies(target: Target, count: int) -> list[str]:
    [loaded] = load_intake_file(INTAKES / "amal-haddad.yaml")
    assert loaded.intake is not None
    ids = []
    with CaseStore.open(target) as store:
        stock(store)
        from .test_allocation import _report

        store.add_capacity(
            [_report(total=10, taken=9, reported_on=TODAY, valid_from=TODAY)], source="t"
        )
        for number in range(count):
            pupil = loaded.intake.pupil.model_copy(update={"given_names": f"Kind{number}"})
            case_id = f"ME-2025-{900 + number:04d}"
            store.add(loaded.intake.model_copy(update={"case_id": case_id, "pupil": pupil}))
            ids.append(case_id)
    return ids


def test_three_counsellors_propose_the_last_place_at_once(target: Target, tmp_path: Path) -> None:
    ids = _register_amal_copies(target, 3)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(target), case_id, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for case_id in ids
    ]
    deadline = time.monotonic() + 120
    for worker in workers:  # every worker has ranked the schools and waits
        assert worker.stdout is not None
        while time.monotonic() < deadline:
            ready, _, _ = select.select([worker.stdout], [], [], 1)
            if ready:
                assert worker.stdout.readline().strip() == "ready"
                break
            assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
    go.touch()
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    winners = [r for r in results if r["won"]]
    losers = [r for r in results if not r["won"]]
    assert len(winners) == 1 and len(losers) == 2
    for loser in losers:
        assert loser["message"].startswith("Kein freier Platz mehr: Schule 189601")
        assert "Der Platz wurde gerade anders vergeben; nichts reserviert" in loser["message"]
    assert rows(target, "SELECT count(*) FROM reservations WHERE status = 'aktiv'") == [(1,)]
    [(events,)] = rows(target, "SELECT count(*) FROM status_events WHERE status = 'vorgeschlagen'")
    assert events == 1


def test_the_ranking_says_what_the_case_holds_and_how_to_propose(runner: CliRunner) -> None:
    _ok(runner, "schools", "import")
    _ok(runner, "schools", "capacity", "import", str(CAPACITY / "kreis-mettmann.csv"))
    _ok(runner, "case", "add", "--no-write-back", str(INTAKES / "amal-haddad.yaml"))
    before = _ok(runner, "case", "propose", "ME-2025-0142", "--top", "1").stdout.splitlines()
    assert before[-3:] == [
        "Vorschlagen (reserviert einen Platz): seiteneinsteiger case propose ME-2025-0142 "
        "--choose 189601",
        "",
        f"Schuldaten: {ATTRIBUTION} (Stand: schuldaten.csv, eingelesen am {TODAY:%d.%m.%Y})",
    ]
    _ok(runner, "case", "propose", "ME-2025-0142", "--choose", "189601", "--note", "GE")
    _ok(runner, "case", "status", "ME-2025-0142", "zugewiesen")
    after = _ok(runner, "case", "propose", "ME-2025-0142", "--top", "1").stdout
    assert (
        f"Platz reserviert: {RATINGEN}, Erstalphabetisierung Klasse 7, seit {TODAY:%d.%m.%Y} "
        "(Status zugewiesen)."
    ) in after
    assert "--choose" not in after  # an assigned case is not proposed again
    assert "3 freie Plätze" in after  # its own place does not count against it
    shown = json.loads(_ok(runner, "case", "show", "ME-2025-0142", "-f", "json").stdout)
    assert [(r["schulnummer"], r["status"], r["grade"]) for r in shown["reservations"]] == [
        ("189601", "aktiv", 7)
    ]
    history = _ok(runner, "case", "show", "ME-2025-0142").stdout
    assert f"(Schule {RATINGEN.replace(' (189601)', ', 189601')})  – GE" in history
    stats = _ok(runner, "case", "stats").stdout.splitlines()
    [proposed] = [line for line in stats if "beraten → vorgeschlagen" in line]
    assert proposed.split()[3:] == ["1", str(_waited()), str(_waited()), "0", "–", "–"]


def _waited() -> int:
    return (TODAY - dt.date(2025, 9, 15)).days  # from Amal's counselling to today's proposal
