"""Benchmark: the rule engine and ``recommend`` over many intake files (issue 13).

Generates 10,000 full intake files (about 45 lines each) and 5,000 small ones (the required
fields) in a temporary directory and measures, each figure against a floor of the same run:

(a) the engine alone: ``evaluate`` over intakes already loaded (best CPU-time pass of three),
    in intakes per second; target >= 20,000/s. Also with the JSON of each result written
    (what ``--format jsonl`` adds). Before measuring, every result's JSON is compared with the
    engine before issue 13 (tests/rules/reference_engine.py): they must be identical.
(b) ``seiteneinsteiger recommend DIR --format jsonl`` (subprocess, wall time, peak RSS)
    against (c) merely parsing the same files with ``yaml.load(..., Loader=yaml.CSafeLoader)``
    (subprocess): target (b)/(c) <= 3, for the full and for the small files;
(d) ``--format json`` (the streamed array): time and peak RSS against jsonl and the floor.

(b), (c) and (d) take turns round by round and each keeps its fastest run (three rounds for the
full files, seven for the small ones).

Usage: ``python benchmarks/recommend_bench.py [--count N] [--small N]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchlib import PARSE_ONLY, REPO, Run, at_least, best_interleaved, generate, verdict

DISTRICT = "nrw"
REPEAT = 3
#: the small files take a second a run: more rounds for the same time, a steadier minimum
SMALL_REPEAT = 7


def _loaded(directory: Path) -> list[Any]:
    from seiteneinsteiger.intake_io import load_intakes

    return [item.intake for item in load_intakes([directory]) if item.ok and item.intake]


def engine_rates(directory: Path) -> tuple[float, float, int, int]:
    """(engine alone, engine + JSON) in intakes/s, the number of intakes, and how many JSON
    texts equal the reference engine's."""
    sys.path.insert(0, str(REPO / "tests"))
    from rules.reference_engine import evaluate as reference_evaluate
    from seiteneinsteiger.cli.output import json_for_terminal
    from seiteneinsteiger.rules.api import RuleSetCache
    from seiteneinsteiger.rules.engine import evaluate

    intakes = _loaded(directory)
    ruleset = RuleSetCache().district(DISTRICT)
    same = sum(
        evaluate(intake, ruleset).to_json() == reference_evaluate(intake, ruleset).model_dump_json()
        for intake in intakes
    )
    ruleset = RuleSetCache().district(DISTRICT)  # fresh caches: no text is already rendered

    def alone() -> None:
        for intake in intakes:
            evaluate(intake, ruleset)

    def with_json() -> None:  # what --format jsonl writes for each intake
        for intake in intakes:
            evaluate(intake, ruleset).to_json_bytes(escape=json_for_terminal)

    return _rate(alone, len(intakes)), _rate(with_json, len(intakes)), len(intakes), same


def _rate(work: Any, count: int) -> float:
    """Intakes per second of the fastest of REPEAT passes, in CPU time of this process (the
    machine is shared: wall time would count the other processes' work)."""
    fastest = float("inf")
    for _ in range(REPEAT):
        start = time.process_time()
        work()
        fastest = min(fastest, time.process_time() - start)
    return count / fastest


def _command(directory: Path, fmt: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "seiteneinsteiger",
        "recommend",
        str(directory),
        "--format",
        fmt,
        "--district",
        DISTRICT,
    ]


def _line(label: str, run: Run, floor: Run) -> str:
    return (
        f"  {label:<34}{run.seconds:8.2f} s  {run.peak_mb:6.0f} MB  "
        f"Verhältnis zum Parsen {run.seconds / floor.seconds:5.2f}"
    )


def commands(directory: Path, count: int, what: str, repeat: int) -> bool:
    runs = best_interleaved(
        {
            "floor": [sys.executable, "-c", PARSE_ONLY, str(directory)],
            "jsonl": _command(directory, "jsonl"),
            "json": _command(directory, "json"),
        },
        repeat,
    )
    floor, jsonl, json_run = runs["floor"], runs["jsonl"], runs["json"]
    ratio = jsonl.seconds / floor.seconds
    print(f"recommend über {count} {what}:")
    parse = "(c) nur YAML parsen (CSafeLoader)"
    print(f"  {parse:<34}{floor.seconds:8.2f} s  {floor.peak_mb:6.0f} MB")
    print(_line("(b) recommend --format jsonl", jsonl, floor) + f"  {verdict(ratio, 3)}")
    print(_line("(d) recommend --format json", json_run, floor))
    print(
        f"  Speicher --format json / jsonl: {json_run.peak_mb / jsonl.peak_mb:.2f} "
        "(gestreamt: gleich viel, unabhängig von der Zahl der Intakes)"
    )
    return ratio <= 3 and jsonl.code == json_run.code == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="se-bench-") as tmp:
        full, small = Path(tmp) / "voll", Path(tmp) / "klein"
        generate(full, args.count)
        generate(small, args.small, small=True)
        alone, with_json, valid, same = engine_rates(full)
        print(f"Engine über {valid} Intakes (Regelsatz {DISTRICT}, CPU-Zeit, bester von {REPEAT}):")
        target = at_least(alone, 20_000)
        print(f"  (a) evaluate allein:              {alone:10.0f} Intakes/s  {target}")
        print(f"      evaluate + JSON (jsonl-Text): {with_json:10.0f} Intakes/s")
        print(f"  Ausgabe gleich der Engine vor Issue 13 (JSON mit trace, why_not): {same}/{valid}")
        ok = alone >= 20_000 and same == valid
        ok &= commands(full, args.count, "vollständige Intake-Dateien", REPEAT)
        ok &= commands(small, args.small, "kleine Intake-Dateien (Pflichtfelder)", SMALL_REPEAT)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
