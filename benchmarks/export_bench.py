"""Benchmark: ``export overview`` for 10,000 pupils against openpyxl's write-only floor.

Each figure runs in its own process (peak RSS of that process alone, see benchlib.run):

(a) the workbook: ``build_overview_workbook`` + save from rows already evaluated (streamed
    from a generator), against (b) the floor: openpyxl write-only writing the same values
    (10,000 rows x 31 columns, no styles) -- target (a)/(b) <= 2 with flat memory;
(c) the whole command ``seiteneinsteiger export overview DIR`` on 10,000 intake files,
    against (d) its floor: parsing the files (CSafeLoader) plus (b) -- target (c)/(d) <= 2,
    peak RSS flat (compare with 1,000 files).

Usage: ``python benchmarks/export_bench.py [PUPILS]`` (default 10000).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchlib import PARSE_ONLY, best, generate, verdict

DEFAULT_PUPILS = 10_000
REPEAT = 3


def _rows(directory: Path) -> Iterator[Any]:
    from seiteneinsteiger.export.pipeline import Prepared, iter_rows, make_recommender

    return iter_rows([directory], make_recommender(district="nrw"), Prepared())


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def worker(mode: str, directory: Path) -> dict[str, Any]:
    """In its own process: the rows' values are computed first (not timed), then written."""
    from openpyxl import Workbook

    from seiteneinsteiger.export.overview import OverviewCover, build_overview_workbook
    from seiteneinsteiger.export.profiles import load_profile

    profile = load_profile("schulamt")
    specs = list(profile.fields)
    rows = list(_rows(directory))
    values = [[spec.field.value(row) for spec in specs] for row in rows] if mode == "floor" else []
    if mode == "floor":
        rows = []
    before = _peak_mb()
    start = time.perf_counter()
    if mode == "floor":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Fälle")
        for line in values:
            sheet.append(line)
        workbook.save(io.BytesIO())
    else:
        cover = OverviewCover(created=dt.date(2026, 3, 1))
        build_overview_workbook(iter(rows), profile, cover).workbook.save(io.BytesIO())
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "delta_mb": _peak_mb() - before, "cases": len(rows or values)}


def _worker_run(mode: str, directory: Path) -> dict[str, Any]:
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(directory)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _fastest(mode: str, directory: Path) -> dict[str, Any]:
    runs = [_worker_run(mode, directory) for _ in range(REPEAT)]
    return min(runs, key=lambda run: float(run["seconds"]))


def _command(directory: Path, target: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "seiteneinsteiger",
        "export",
        "overview",
        str(directory),
        "-o",
        str(target),
        "--district",
        "nrw",
        "--force",
    ]


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--worker":
        print(json.dumps(worker(argv[1], Path(argv[2]))))
        return 0
    count = int(argv[0]) if argv else DEFAULT_PUPILS
    with tempfile.TemporaryDirectory(prefix="se-bench-") as tmp:
        directory, few = Path(tmp) / "intakes", Path(tmp) / "wenige"
        generate(directory, count)
        generate(few, max(1, count // 10), seed=7)
        env = dict(os.environ, SEITENEINSTEIGER_HOME=str(Path(tmp) / "home"))
        ours, floor = _fastest("overview", directory), _fastest("floor", directory)
        target = Path(tmp) / "uebersicht.xlsx"
        whole = best(_command(directory, target), REPEAT, env=env)
        small = best(_command(few, target), REPEAT, env=env)
        parse = best([sys.executable, "-c", PARSE_ONLY, str(directory)], REPEAT)
    book_ratio = ours["seconds"] / floor["seconds"]
    floor_whole = parse.seconds + floor["seconds"]
    whole_ratio = whole.seconds / floor_whole
    print(f"export overview (Profil schulamt, 31 Spalten) für {count} Schülerinnen und Schüler")
    print(f"Schnellster von {REPEAT} Läufen, jeder in einem eigenen Prozess")
    print("  Arbeitsmappe aus ausgewerteten Zeilen:")
    print(
        f"    (b) openpyxl write-only, gleiche Werte: {floor['seconds']:7.2f} s  "
        f"+{floor['delta_mb']:5.0f} MB"
    )
    print(
        f"    (a) build_overview_workbook + save:    {ours['seconds']:7.2f} s  "
        f"+{ours['delta_mb']:5.0f} MB  Verhältnis {book_ratio:.2f} {verdict(book_ratio, 2)}"
    )
    print("  Ganzer Befehl (Intakes lesen, auswerten, schreiben):")
    print(f"    (d) Boden: YAML parsen {parse.seconds:.2f} s + (b) = {floor_whole:7.2f} s")
    print(
        f"    (c) export overview:                   {whole.seconds:7.2f} s  "
        f"{whole.peak_mb:5.0f} MB  Verhältnis {whole_ratio:.2f} {verdict(whole_ratio, 2)}"
    )
    print(
        f"    Spitzenspeicher {count} gegen {max(1, count // 10)} Fälle: "
        f"{whole.peak_mb:.0f} MB / {small.peak_mb:.0f} MB (flach: gleich)"
    )
    ok = whole.code == small.code == 0 and book_ratio <= 2 and whole_ratio <= 2
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
