"""What the benchmarks share: generated intake files and measuring a command in its own process.

Not a benchmark itself (``run.py`` runs ``*_bench.py`` only).
"""

from __future__ import annotations

import compileall
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
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
    """One varied, valid intake@1 document, as a counsellor fills it in (about 45 lines)."""
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
        "counselling": {
            "consent": {"date": intake_date, "scope": ["school", "schulamt", "statistics"]}
        },
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


def make_small_intake(rng: random.Random, index: int) -> dict[str, Any]:
    """The smallest intake a counsellor saves: the required fields and the first language."""
    intake_date = REFERENCE_FIRST + dt.timedelta(days=rng.randrange(REFERENCE_DAYS))
    birth = intake_date - dt.timedelta(days=rng.randrange(6 * 365, 18 * 365))
    return {
        "format": "seiteneinsteiger/intake@1",
        "intake_date": intake_date,
        "pupil": {
            "family_name": f"Klein{index}",
            "given_names": "Sam",
            "birth_date": birth,
            "first_languages": [rng.choice(_LANGUAGES)],
        },
        "languages": {"german": rng.choice(_LEVELS)},
    }


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


def generate(directory: Path, count: int, *, small: bool = False, seed: int = 20250801) -> None:
    """``count`` intake files in ``directory`` (the same files for the same arguments)."""
    rng = random.Random(seed)
    make = make_small_intake if small else make_intake
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        text = yaml.safe_dump(make(rng, index), allow_unicode=True, sort_keys=False)
        (directory / f"intake-{index:05d}.yaml").write_text(text, encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Run:
    """One command in its own process: wall seconds, its own peak RSS (MB), its exit code."""

    seconds: float
    peak_mb: float
    code: int


#: Starts the measured command from a small process: a child's peak RSS (``ru_maxrss``) counts
#: the memory of the process it was forked from, and a benchmark holding thousands of intakes
#: would otherwise be measured instead of the command.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - start
peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
print(json.dumps([seconds, peak, os.waitstatus_to_exitcode(status)]))
"""


@cache
def compile_package() -> None:
    """Byte-compile ``src`` once per benchmark process, so that start-up figures do not depend
    on whether the shell sets ``PYTHONDONTWRITEBYTECODE`` (then no import writes a .pyc and
    every start compiles the modules changed since the last ``compileall``)."""
    compileall.compile_dir(REPO / "src", quiet=1)


def run(command: list[str], *, env: dict[str, str] | None = None) -> Run:
    """Run ``command`` with stdout discarded: its wall time, its own peak RSS, its exit code.
    The package is byte-compiled first (:func:`compile_package`)."""
    compile_package()
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *command],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    seconds, peak, code = json.loads(done.stdout)
    if code not in (0, 1):
        sys.stderr.write(done.stderr[-2000:])
    return Run(seconds, peak, code)


def best(command: list[str], repeat: int, *, env: dict[str, str] | None = None) -> Run:
    """The fastest of ``repeat`` runs (the least disturbed by other work on the machine), with
    the largest peak RSS seen."""
    return _fastest([run(command, env=env) for _ in range(repeat)])


def _fastest(runs: list[Run]) -> Run:
    """The fastest run's time and exit code, with the largest peak RSS of all runs."""
    fastest = min(runs, key=lambda item: item.seconds)
    return Run(fastest.seconds, max(item.peak_mb for item in runs), fastest.code)


def best_interleaved(commands: dict[str, list[str]], repeat: int) -> dict[str, Run]:
    """:func:`best` of each command, the commands taking turns round by round: a command and
    its floor meet the same moments of a shared machine, so their ratio does not depend on
    which of them ran while the machine was busy."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(run(command))
    return {name: _fastest(items) for name, items in runs.items()}


def median_ms(command: list[str], repeat: int, *, env: dict[str, str] | None = None) -> float:
    return statistics.median(run(command, env=env).seconds for _ in range(repeat)) * 1000


PARSE_ONLY = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).rglob('*.yaml')):\n"
    "    yaml.load(p.read_text(encoding='utf-8'), Loader=yaml.CSafeLoader)\n"
)


def verdict(ratio: float, target: float) -> str:
    return f"(Ziel <= {target:g}) {'OK' if ratio <= target else 'VERFEHLT'}"


def at_least(value: float, target: float) -> str:
    return f"(Ziel >= {target:,.0f}) {'OK' if value >= target else 'VERFEHLT'}".replace(",", ".")
