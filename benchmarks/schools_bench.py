"""Benchmark: the NRW school directory and a school proposal over the whole of NRW.

Measures, on the Ministry's real ``schuldaten.csv`` (5,507 rows):

(f) the floor: reading the file with the ``csv`` module alone (no checks, no objects);
(a) ``read_directory``: the whole file checked and turned into schools;
(b) ``propose`` alone: ranking every school of NRW for one case (directory, capacity table and
    recommendation already loaded), with a capacity row for every school in operation;
(c) the whole command ``seiteneinsteiger schools propose INTAKE --directory schuldaten.csv
    --capacity nrw.csv --district nrw --format json`` (subprocess, wall time, start-up included:
    Python, the rule engine, reading and checking the directory and 4,800 capacity rows, the
    ranking, the JSON);
(r) ``seiteneinsteiger recommend INTAKE --format json`` for the same intake: the floor of any
    proposal command, which needs the recommendation; (p) Python starting and doing nothing.

Targets: (c) under 0.5 s; (a) / (f) and (c) − (r) are reported. Each figure is the best of
``--repeat`` runs (the machine is shared).

Usage: ``python benchmarks/schools_bench.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REAL = REPO.parent / "shared" / "data" / "schuldaten-nrw" / "schuldaten.csv"
INTAKE = REPO / "examples" / "intakes" / "amal-haddad.yaml"
DAY = "2025-09-15"
TARGET_SECONDS = 0.5


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def csv_floor() -> int:
    text = REAL.read_text(encoding="utf-8")
    return len(list(csv.reader(io.StringIO(text, newline=""), delimiter=";")))


def write_capacity(target: Path, seed: int = 20250915) -> int:
    """One Erstförderung row for every general school in operation, random free places."""
    from seiteneinsteiger.codes import SchoolForm
    from seiteneinsteiger.schools.capacity import HEADER
    from seiteneinsteiger.schools.directory import read_directory
    from seiteneinsteiger.schools.offers import Offer

    rng = random.Random(seed)
    report = read_directory(REAL)
    rows = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for school in report.schools:
            grades = school.schulform.all_grades()
            if not school.in_operation or school.schulform.never_proposed or grades is None:
                continue
            cells: list[str | int] = ["", ""]
            if school.form_code is SchoolForm.berufskolleg:
                offer = Offer.ifk
            else:
                offer = rng.choice([Offer.erstalphabetisierung, Offer.erstfoerderungsgruppe])
                cells = [grades[0], min(grades[1], 10)]
            total = rng.randint(4, 16)
            taken = rng.randint(0, total)
            dates = ["01.08.2025", "", "Schulamt", "01.09.2025"]
            writer.writerow([school.schulnummer, offer.value, *cells, total, taken, 0, *dates])
            rows += 1
    return rows


def core(capacity: Path, repeat: int) -> tuple[float, float, int]:
    from seiteneinsteiger.intake_io import load_intake_file
    from seiteneinsteiger.rules.api import recommend
    from seiteneinsteiger.schools.capacity import CapacityTable, read_capacity
    from seiteneinsteiger.schools.directory import Directory, read_directory
    from seiteneinsteiger.schools.districts import builtin_districts
    from seiteneinsteiger.schools.geo import Gazetteer
    from seiteneinsteiger.schools.propose import propose

    read = best(repeat, lambda: read_directory(REAL))
    directory = Directory.from_report(read_directory(REAL))
    table = CapacityTable(read_capacity(capacity, directory=directory).rows)
    [loaded] = load_intake_file(INTAKE)
    assert loaded.intake is not None
    intake = loaded.intake
    recommendation = recommend(intake)
    district = builtin_districts()["nrw"]
    day = dt.date.fromisoformat(DAY)

    def rank() -> object:
        gazetteer = Gazetteer(directory)
        return propose(
            intake, recommendation, directory, table, day, district=district, gazetteer=gazetteer
        )

    ranking = best(repeat, rank)
    result = propose(intake, recommendation, directory, table, day, district=district)
    return read, ranking, len(result.proposals)


def wall(argv: list[str], repeat: int) -> tuple[float, int]:
    """Best wall time of a command over ``repeat`` runs, and its last failing exit code."""
    code = 0

    def run() -> None:
        nonlocal code
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        if done.returncode != 0:
            code = done.returncode
            sys.stderr.write(done.stderr.decode("utf-8", "replace")[-2000:])

    return best(repeat, run), code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    floor = best(args.repeat, csv_floor)
    se = [sys.executable, "-m", "seiteneinsteiger"]
    startup, _ = wall([sys.executable, "-c", "pass"], args.repeat)
    only_recommend, _ = wall([*se, "recommend", str(INTAKE), "--format", "json"], args.repeat)
    with tempfile.TemporaryDirectory(prefix="se-schools-") as tmp:
        capacity = Path(tmp) / "nrw.csv"
        rows = write_capacity(capacity)
        read, ranking, proposals = core(capacity, args.repeat)
        options = ["--directory", str(REAL), "--capacity", str(capacity), "--district", "nrw"]
        whole, code = wall(
            [*se, "schools", "propose", str(INTAKE), *options, "--date", DAY, "-f", "json"],
            args.repeat,
        )
    ms = 1000
    print(f"schools: Schulverzeichnis NRW ({REAL.name}, 5.507 Zeilen), {rows} Kapazitätszeilen")
    print(f"  (f) nur csv-Modul lesen (Untergrenze): {floor * ms:7.1f} ms")
    print(
        f"  (a) read_directory (geprüft):          {read * ms:7.1f} ms = {read / floor:.1f} × (f)"
    )
    print(
        f"  (b) propose allein, ganz NRW:          {ranking * ms:7.1f} ms ({proposals} Vorschläge)"
    )
    print(f"  (c) schools propose --district nrw:    {whole * ms:7.1f} ms (Befehl mit Start)")
    print(
        f"  (r) recommend, dasselbe Intake:        {only_recommend * ms:7.1f} ms (Start + Regeln)"
    )
    print(f"  (p) Python-Start ohne alles:           {startup * ms:7.1f} ms")
    verdict = "OK" if whole < TARGET_SECONDS else "VERFEHLT"
    print(f"  Ziel (c) < {TARGET_SECONDS * ms:.0f} ms: {verdict}")
    print(f"  (c) − (r) = {(whole - only_recommend) * ms:.0f} ms: Schulsuche samt CSV-Prüfung")
    return 0 if code == 0 and whole < TARGET_SECONDS else 1  # a missed target fails too


if __name__ == "__main__":
    raise SystemExit(main())
