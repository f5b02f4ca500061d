"""Benchmark: ``recommend`` over 10,000 intake files.

Generates varied, valid intake files in a temporary directory and measures

(a) the engine alone: ``evaluate`` over intakes already loaded, in intakes per second;
(b) the whole command ``seiteneinsteiger recommend DIR --format jsonl`` (subprocess, wall time);
(c) merely parsing the same files with ``yaml.load(..., Loader=yaml.CSafeLoader)`` (subprocess,
    wall time).

The target is (b) / (c) <= 3. Usage: ``python benchmarks/recommend_bench.py [--count N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

DISTRICT = "nrw"
REFERENCE_FIRST = dt.date(2025, 8, 1)
REFERENCE_DAYS = 330  # intake dates inside the rule set's validity (2025/26)

_LEVELS = ["none", "A1", "A2", "B1", "B2", "C1"]
_LANGUAGES = ["ar", "uk", "ru", "tr", "fa", "prs", "ps", "kmr", "ckb", "ti", "ro", "bg", "sq", "so"]
_COUNTRIES = ["SY", "UA", "AF", "IQ", "TR", "ER", "RO", "BG", "XK", "SO", "IR", "GE"]
_SCRIPTS = {
    "ar": "arabic",
    "fa": "arabic",
    "prs": "arabic",
    "ps": "arabic",
    "uk": "cyrillic",
    "ru": "cyrillic",
    "bg": "cyrillic",
    "ti": "geez",
}
_NEEDS = ["learning", "language", "emotional_social", "hearing", "vision", "physical_motor"]
_FORMS = ["gymnasium", "gesamtschule", "realschule", "hauptschule", "grundschule", None]


def make_intake(rng: random.Random, index: int) -> dict[str, Any]:
    """One varied, valid intake@1 document."""
    intake_date = REFERENCE_FIRST + dt.timedelta(days=rng.randrange(REFERENCE_DAYS))
    age_days = rng.randrange(4 * 365, 21 * 365)
    birth = intake_date - dt.timedelta(days=age_days)
    age = (intake_date - birth).days // 365
    language = rng.choice(_LANGUAGES)
    literacy = rng.choice(["none", "other_script", "latin", "latin", None])
    years = rng.randint(0, max(0, age - 5)) if age >= 6 else 0
    data: dict[str, Any] = {
        "format": "seiteneinsteiger/intake@1",
        "case_id": f"BM-2025-{index:05d}",
        "intake_date": intake_date,
        "pupil": {
            "family_name": f"Muster{index}",
            "given_names": rng.choice(["Amal", "Yonas", "Sofiia", "Arman", "Elif", "Mykyta"]),
            "gender": rng.choice(["m", "w", "d", "x"]),
            "birth_date": birth,
            "birth_date_estimated": False,
            "country_of_birth": rng.choice(_COUNTRIES),
            "nationalities": [rng.choice(_COUNTRIES)],
            "arrival_date": intake_date - dt.timedelta(days=rng.randrange(0, 400)),
            "municipality": "Ratingen",
            "residence": rng.choice(["municipality"] * 9 + ["state_facility"]),
            "first_languages": [language],
            "address": {"street": "Musterweg 1", "postcode": "40878"},
        },
        "family": {"contact_language": language, "interpreter_needed": rng.random() < 0.7},
        "languages": {
            "german": rng.choice(_LEVELS),
            "english": rng.choice(_LEVELS),
            "literacy": literacy,
            "scripts": _scripts(literacy, language),
        },
        "schooling": {
            "years": years,
            "last_grade": min(years, 13),
            "interrupted_years": rng.choice([0, 0, 0, 1, 2]),
            "school_type": rng.choice(["none", "primary", "lower_secondary", "upper_secondary"]),
            "german_school_years": 0,
            "foreign_languages": rng.choice([[], ["en"], ["en", "fr"]]),
            "online_home_school": rng.random() < 0.2,
            "certificates": _certificates(rng, age, intake_date),
        },
        "competences": {"maths": rng.choice(["well_below", "below", "at_grade", "above"])},
        "support_needs": {
            "indications": rng.sample(_NEEDS, rng.choice([0, 0, 0, 1])),
            "documented": rng.sample(_NEEDS[3:], rng.choice([0, 0, 0, 0, 1])),
        },
        "wishes": {"school_form": rng.choice(_FORMS)},
    }
    return data


def _scripts(literacy: str | None, language: str) -> list[str]:
    if literacy == "latin":
        return ["latin"]
    if literacy == "other_script":
        return [_SCRIPTS.get(language, "other")]
    return []


def _certificates(rng: random.Random, age: int, day: dt.date) -> list[dict[str, Any]]:
    if age < 15 or rng.random() < 0.6:
        return []
    kind = rng.choice(["grade_report", "lower_secondary", "upper_secondary"])
    return [{"kind": kind, "country": rng.choice(_COUNTRIES), "year": day.year - 1}]


def generate(directory: Path, count: int, seed: int = 20250801) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for index in range(count):
        path = directory / f"intake-{index:05d}.yaml"
        text = yaml.safe_dump(make_intake(rng, index), allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def _wall(command: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    completed = subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        sys.stderr.write(completed.stderr.decode("utf-8", "replace")[-2000:])
    return elapsed, completed.returncode


_PARSE_ONLY = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)


def engine_rate(directory: Path) -> tuple[float, int]:
    """Intakes per second of ``evaluate`` alone (intakes and rule set loaded beforehand)."""
    from seiteneinsteiger.intake_io import load_intakes
    from seiteneinsteiger.rules.api import RuleSetCache
    from seiteneinsteiger.rules.engine import evaluate

    loaded = [item for item in load_intakes([directory]) if item.ok]
    ruleset = RuleSetCache().district(DISTRICT)
    intakes = [item.intake for item in loaded if item.intake is not None]
    start = time.perf_counter()
    for intake in intakes:
        evaluate(intake, ruleset)
    elapsed = time.perf_counter() - start
    return len(intakes) / elapsed, len(intakes)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="se-bench-") as tmp:
        directory = Path(tmp)
        generate(directory, args.count)
        rate, valid = engine_rate(directory)
        command = [
            sys.executable,
            "-m",
            "seiteneinsteiger",
            "recommend",
            str(directory),
            "--format",
            "jsonl",
            "--district",
            DISTRICT,
        ]
        whole, code = _wall(command)
        parse, _ = _wall([sys.executable, "-c", _PARSE_ONLY, str(directory)])
    ratio = whole / parse
    print(f"recommend: {args.count} Intake-Dateien ({valid} gültig)")
    print(f"  (a) Engine allein (evaluate):          {rate:10.0f} Intakes/s")
    print(f"  (b) recommend --format jsonl (gesamt): {whole:10.2f} s  (Exit-Code {code})")
    print(f"  (c) nur YAML parsen (CSafeLoader):     {parse:10.2f} s")
    print(f"  Verhältnis (b)/(c): {ratio:.2f}  (Ziel <= 3) {'OK' if ratio <= 3 else 'VERFEHLT'}")
    return 0 if code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
