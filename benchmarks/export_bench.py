"""Overview export for 10,000 pupils: write-only mode (used) against normal mode (rejected).

Each variant runs in its own process, so ``ru_maxrss`` (peak resident memory) belongs to it
alone. Reported: seconds for building and saving the workbook, peak RSS after the rows were
built, peak RSS at the end, and the difference (what the workbook itself cost).

The rows are the 17 example intakes repeated with their own case ids and a hand-made
recommendation, so the benchmark needs no rule set.

Usage: ``python benchmarks/export_bench.py [PUPILS]`` (default 10000).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PUPILS = 10_000
REPEAT = 3


def _rows(count: int) -> list[Any]:
    from seiteneinsteiger.codes import SchoolForm, SchulpflichtStatus, Stage
    from seiteneinsteiger.dates import completed_years
    from seiteneinsteiger.export.rows import ExportRow
    from seiteneinsteiger.intake_io import load_intakes
    from seiteneinsteiger.models.recommendation import Recommendation, RuleSetRef, Schulpflicht
    from seiteneinsteiger.rules.result import Result

    intakes = [
        loaded.intake
        for loaded in load_intakes([REPO / "examples" / "intakes"], today=dt.date(2026, 3, 1))
        if loaded.intake is not None
    ]
    rows = []
    for index in range(count):
        base = intakes[index % len(intakes)]
        intake = base.model_copy(update={"case_id": f"BM-{index:06d}"})
        age = completed_years(intake.pupil.birth_date, intake.intake_date)
        flags = ["HSU_OFFER"] if index % 3 else ["HSU_OFFER", "LATIN_SCRIPT_LITERACY"]
        recommendation = Recommendation(
            case_id=intake.case_id,
            reference_date=intake.intake_date,
            ruleset=RuleSetRef(id="bench", version="1"),
            age=age,
            schulpflicht=Schulpflicht(status=SchulpflichtStatus.schulpflichtig),
            stage=Stage.sek1,
            school_forms=[SchoolForm.gesamtschule, SchoolForm.realschule],
            grade=7,
            grade_options=[6, 7],
            erstfoerderung=True,
            flags=flags if index % 5 else [],
        )
        rows.append(ExportRow(intake, Result.from_model(recommendation), f"bench/{index}.yaml"))
    return rows


def _normal_mode(rows: list[Any], profile: Any, target: Path) -> None:
    """The rejected approach: the same cases sheet, built in memory (normal mode)."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    from seiteneinsteiger.export.cells import put

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Fälle"
    specs = list(profile.fields)
    for column, spec in enumerate(specs, 1):
        put(sheet.cell(row=1, column=column), spec.header)
    for line, row in enumerate(rows, 2):
        for column, spec in enumerate(specs, 1):
            put(sheet.cell(row=line, column=column), spec.field.value(row))
    last = get_column_letter(len(specs))
    sheet.freeze_panes = "D2"
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    sheet.conditional_formatting.add(
        f"A2:{last}{len(rows) + 1}",
        FormulaRule(formula=["$AD2>0"], fill=PatternFill("solid", bgColor="FFF2CC")),  # type: ignore[no-untyped-call]
    )
    workbook.save(target)


def _write_only_mode(rows: list[Any], profile: Any, target: Path) -> None:
    """The approach used by ``export overview``."""
    from seiteneinsteiger.export.overview import OverviewCover, build_overview_workbook

    result = build_overview_workbook(rows, profile, OverviewCover(created=dt.date(2026, 3, 1)))
    result.workbook.save(target)


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def worker(mode: str, count: int) -> dict[str, Any]:
    from seiteneinsteiger.export.profiles import load_profile

    profile = load_profile("schulamt")
    rows = _rows(count)
    before = _peak_mb()
    with tempfile.TemporaryDirectory() as directory:
        target = Path(directory) / "uebersicht.xlsx"
        start = time.perf_counter()
        (_write_only_mode if mode == "write-only" else _normal_mode)(rows, profile, target)
        seconds = time.perf_counter() - start
        size = target.stat().st_size
    after = _peak_mb()
    return {
        "mode": mode,
        "pupils": count,
        "seconds": round(seconds, 2),
        "peak_mb_rows": round(before, 1),
        "peak_mb_end": round(after, 1),
        "delta_mb": round(after - before, 1),
        "file_mb": round(size / 1e6, 2),
    }


def _run(mode: str, count: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(count)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--worker":
        print(json.dumps(worker(argv[1], int(argv[2]))))
        return 0
    count = int(argv[0]) if argv else DEFAULT_PUPILS
    print(f"Fallübersicht (Profil schulamt, 31 Spalten) für {count} Schülerinnen und Schüler,")
    print(f"Median aus {REPEAT} Läufen je Modus, jeder Lauf ein eigener Prozess")
    header = ("Modus", "Sekunden", "RSS Zeilen MB", "RSS Ende MB", "Δ MB", "Datei MB")
    print(f"{header[0]:<22}" + "".join(f"{h:>14}" for h in header[1:]))
    results: dict[str, list[dict[str, Any]]] = {"write-only": [], "normal": []}
    for _ in range(REPEAT):
        for mode in results:  # alternate, so machine noise hits both alike
            results[mode].append(_run(mode, count))
    for mode, label in (("write-only", "write-only (genutzt)"), ("normal", "normal (verworfen)")):
        runs = results[mode]
        values = [
            statistics.median(r[key] for r in runs)
            for key in ("seconds", "peak_mb_rows", "peak_mb_end", "delta_mb", "file_mb")
        ]
        print(f"{label:<22}" + "".join(f"{v:>14.2f}" for v in values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
