"""Benchmark: Excel intake forms, written and read back.

Measures, for ``--count`` forms (default 100), in seconds:

(a) writing the template (``form template``), cycling through the form's languages;
(b) filling each template with an example intake, the way a person would (openpyxl, not timed
    as part of the product; shown for scale);
(c) importing every filled form (``intake import``: pre-checks, defused XML scan, openpyxl
    read-only, validation), and checking that each comes back valid.

Usage: ``python benchmarks/forms_bench.py [--count N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.engine import answers_from_intake
from seiteneinsteiger.forms.excel_import import import_workbook
from seiteneinsteiger.forms.template import Codes, write_template
from seiteneinsteiger.intake_io import load_intake_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples" / "intakes").glob("*.yaml"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=100)
    count = parser.parse_args(argv).count
    form = load_form()
    intakes = [load_intake_file(path)[0].intake for path in EXAMPLES]
    answers = [answers_from_intake(form, intake) for intake in intakes if intake is not None]
    languages = form.languages

    key = b"benchmark-key-not-secret-0123456"
    start = time.perf_counter()
    templates: dict[str, tuple[bytes, Codes]] = {}
    for index in range(count):
        language = languages[index % len(languages)]
        buffer = io.BytesIO()
        codes = write_template(form, language, buffer, key=key, copy="counsellor")
        templates.setdefault(language, (buffer.getvalue(), codes))
    written = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as directory:
        start = time.perf_counter()
        paths = []
        for index in range(count):
            language = languages[index % len(languages)]
            path = Path(directory) / f"form-{index:03d}.xlsx"
            _fill(form, *templates[language], answers[index % len(answers)], path)
            paths.append(path)
        filled = time.perf_counter() - start

        start = time.perf_counter()
        failed = 0
        for path in paths:
            result = import_workbook(path, form, today=dt.date(2026, 1, 15), key=key)
            failed += not result.ok
        imported = time.perf_counter() - start

    print(
        f"Vorlagen schreiben ({count}, {len(languages)} Sprachen): {written:.2f} s "
        f"({written / count * 1000:.0f} ms je Vorlage)"
    )
    print(f"Formulare ausfüllen (openpyxl, nur zum Vergleich): {filled:.2f} s")
    print(
        f"Formulare einlesen ({count}): {imported:.2f} s "
        f"({imported / count * 1000:.0f} ms je Formular), {failed} ungültig"
    )
    return 1 if failed else 0


def _fill(form: Any, template: bytes, codes: Codes, answers: dict[str, Any], path: Path) -> None:
    workbook = load_workbook(io.BytesIO(template))
    for sheet_name, row, _number, name, choice in codes.rows:
        question = form.by_name[name]
        value = answers.get(question.name)
        if value is None:
            continue
        cell = workbook[sheet_name][f"{codes.answer_columns[sheet_name]}{row}"]
        if question.type == "select_multiple":
            if choice and choice in value:
                cell.value = "x"
        elif not choice:
            cell.value = value
    workbook.save(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
