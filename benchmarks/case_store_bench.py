"""Case register speed: adding, listing, counting and deleting cases in a fresh register.

Run: ``.venv/bin/python benchmarks/case_store_bench.py [CASES]`` (default 2,000). Each add is its
own ``BEGIN IMMEDIATE`` transaction, as in ``case add``; the figures are wall-clock medians.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from seiteneinsteiger.intake_io import load_intake_file
from seiteneinsteiger.intake_yaml import intake_to_yaml
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.store import CaseStore, PlacementStatus

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "intakes" / "amal-haddad.yaml"
TODAY = dt.date(2026, 11, 23)


def _timed(action: Callable[[], object], repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main(count: int = 2000) -> None:
    [loaded] = load_intake_file(EXAMPLE, today=TODAY)
    assert loaded.intake is not None
    base = loaded.intake.model_dump(mode="json", exclude_unset=True)
    intakes = []
    for number in range(count):
        data = dict(base, case_id=None, district="kreis-mettmann")
        birth = dt.date(2008, 1, 1) + dt.timedelta(days=number % 4000)
        data["pupil"] = dict(base["pupil"], given_names=f"Kind {number}", birth_date=str(birth))
        data.pop("case_id")
        intakes.append(Intake.model_validate(data))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "cases.sqlite3"
        with CaseStore.open(path) as store:
            start = time.perf_counter()
            ids = [store.add(intake, today=TODAY).case_id for intake in intakes]
            added = time.perf_counter() - start
            for case_id in ids[::3]:
                store.set_status(case_id, PlacementStatus.zugewiesen, at=TODAY, today=TODAY)
            listing = _timed(lambda: store.list_cases(today=TODAY))
            figures = _timed(lambda: store.stats(today=TODAY))
            show = _timed(lambda: intake_to_yaml(store.get(ids[-1], today=TODAY).intake))
            size = path.stat().st_size
            start = time.perf_counter()
            for case_id in ids[:100]:
                store.delete(case_id)
            deleted = (time.perf_counter() - start) / 100
        opened = _timed(lambda: CaseStore.open(path).close())
    print(f"case register, {count} cases of {len(intake_to_yaml(intakes[0]))} bytes YAML each")
    print(
        f"  add (one transaction each): {added * 1000 / count:.2f} ms/case, {count / added:,.0f}/s"
    )
    print(f"  list all:                   {listing * 1000:.1f} ms")
    print(f"  stats:                      {figures * 1000:.1f} ms")
    print(f"  show one (YAML):            {show * 1000:.2f} ms")
    print(f"  delete one (+ checkpoint):  {deleted * 1000:.2f} ms")
    print(f"  open existing register:     {opened * 1000:.2f} ms")
    print(f"  file size:                  {size / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
