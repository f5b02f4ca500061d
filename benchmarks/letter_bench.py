"""Family letter: time to build and render one letter, against a floor, and start-up cost.

Reported (median of REPEAT runs in this process, after one warm-up):

* the letter for Amal (German/Arabic, two pages), for Yonas (German/Tigrinya) and German only;
* the floor: one short paragraph with the same fonts (fpdf2, font loading, HarfBuzz), so the
  ratio shows what the layout itself costs;
* ``import fpdf`` in a fresh interpreter (what ``export family-letter`` pays once and what
  ``seiteneinsteiger --help`` must not pay: it does not import fpdf, see tests/test_startup.py).

Usage: ``python benchmarks/letter_bench.py``
"""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
REPEAT = 5
CREATED = dt.date(2025, 9, 16)


def _median(action: Callable[[], object]) -> float:
    action()  # warm-up: fonts parsed, caches filled
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _letter(name: str, lang: str) -> Callable[[], object]:
    from seiteneinsteiger.export.letter.content import build_letter
    from seiteneinsteiger.export.letter.districts import district_info
    from seiteneinsteiger.export.letter.render import render_letter
    from seiteneinsteiger.export.letter.texts import load_texts
    from seiteneinsteiger.intake_io import load_intakes
    from seiteneinsteiger.rules.api import recommend

    [loaded] = list(load_intakes([REPO / "examples" / "intakes" / f"{name}.yaml"]))
    assert loaded.intake is not None
    intake = loaded.intake
    rec = recommend(intake)
    texts = load_texts()
    district = district_info(rec.ruleset.id)

    def run() -> object:
        letter = build_letter(intake, rec, texts, texts.language(lang), district, created=CREATED)
        return render_letter(letter, created=CREATED)

    return run


def _floor() -> object:
    from fpdf import FPDF

    from seiteneinsteiger.export.letter.fonts import FAMILIES

    pdf = FPDF(format="A4")
    for family in FAMILIES.values():
        pdf.add_font(family.name, "", str(family.path()))
        pdf.add_font(family.name, "B", str(family.path(bold=True)))
    pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.set_font(FAMILIES["arabic"].name, size=12)
    pdf.multi_cell(80, 6, "هذه توصية. المقعد المدرسي تخصصه إدارة التعليم (Schulamt).", align="R")
    return pdf.output()


def _import_seconds(module: str) -> float:
    times = []
    for _ in range(REPEAT):
        code = (
            f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout))
    return statistics.median(times)


def main() -> int:
    floor = _median(_floor)
    print(f"Boden (ein Absatz, gleiche Schriften):   {floor * 1000:7.0f} ms")
    for name, lang, label in (
        ("amal-haddad", "ar", "Amal, Deutsch/Arabisch"),
        ("yonas-tesfay", "ti", "Yonas, Deutsch/Tigrinya"),
        ("amal-haddad", "de", "Amal, nur Deutsch"),
    ):
        seconds = _median(_letter(name, lang))
        print(f"{label:<40} {seconds * 1000:7.0f} ms  ({seconds / floor:4.1f} x Boden)")
    print(f"import fpdf (frischer Prozess):          {_import_seconds('fpdf') * 1000:7.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
