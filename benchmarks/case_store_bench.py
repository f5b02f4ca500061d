"""Case register speed on each backend: concurrent adds, listing 100,000 cases, single operations.

Run: ``.venv/bin/python benchmarks/case_store_bench.py [CASES]`` (default 2,000 for the
single-process figures). PostgreSQL is measured when ``SEITENEINSTEIGER_TEST_DATABASE_URL``
names a test database (scripts/test-postgres); each run uses a fresh schema, dropped afterwards.

1. 4 processes × 1,000 adds at once into one new register (each add its own transaction, as one
   ``case add`` of one file): wall time, adds/s, and the check that no case is lost and no id is
   handed out twice.
2. ``case list`` over 100,000 cases (filled in bulk): the store call, and the whole command.
3. Single-process figures for add, list, stats, show and delete (+ overwrite) on 2,000 cases.
Figures are wall-clock medians on a shared 2-core machine; the floor for listing is the plain
``SELECT`` of the same rows through SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from seiteneinsteiger.intake_io import load_intake_file
from seiteneinsteiger.intake_yaml import intake_to_yaml
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.store import CaseStore, PlacementStatus
from seiteneinsteiger.store.schema import cases, status_events

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "intakes" / "amal-haddad.yaml"
TODAY = dt.date(2026, 11, 23)
PG_ENV = "SEITENEINSTEIGER_TEST_DATABASE_URL"

ADDER = textwrap.dedent(
    """
    import datetime as dt, json, sys, time
    from pathlib import Path
    from seiteneinsteiger.models.intake import Intake
    from seiteneinsteiger.store import CaseStore

    where, worker, count, start = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    target = where if "://" in where else Path(where)
    intakes = [Intake.model_validate({
        "format": "seiteneinsteiger/intake@1", "intake_date": "2025-09-15",
        "district": "kreis-mettmann",
        "pupil": {"family_name": f"W{worker}", "given_names": f"K{n}", "birth_date": "2013-02-11"},
    }) for n in range(count)]
    time.sleep(max(0.0, start - time.time()))
    with CaseStore.open(target) as store:
        ids = [store.add(intake, today=dt.date(2026, 11, 23)).case_id for intake in intakes]
    print(json.dumps(ids))
    """
)


def _timed(action: Callable[[], object], repeat: int = 5) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


@contextmanager
def _register(backend: str) -> Iterator[str]:
    """A new, empty register: a file in a temporary directory, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield str(Path(directory) / "cases.sqlite3")
        return
    base = sa.make_url(os.environ[PG_ENV]).set(drivername="postgresql+psycopg")
    name = f"bench_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, poolclass=NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    try:
        url = base.update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {name} CASCADE")
        engine.dispose()


def _target(where: str) -> Path | str:
    return where if "://" in where else Path(where)


def concurrent_adds(where: str, processes: int = 4, each: int = 1000) -> str:
    start = time.time() + 3.0
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", ADDER, where, str(n), str(each), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(processes)
    ]
    results = [worker.communicate(timeout=1800) for worker in workers]
    wall = time.time() - start
    failed = [err for worker, (_, err) in zip(workers, results, strict=True) if worker.returncode]
    if failed:
        raise SystemExit(f"a worker failed: {failed[0][-2000:]}")
    ids = [case_id for out, _ in results for case_id in json.loads(out)]
    with CaseStore.open(_target(where)) as store:
        stored = [c.case_id for c in store.list_cases(names=False, audit=False)]
    total = processes * each
    expected = [f"ME-2025-{n:04d}" for n in range(1, total + 1)]
    ok = len(ids) == len(set(ids)) == total and sorted(stored) == sorted(ids) == expected
    if not ok:
        raise SystemExit(f"lost or duplicate cases: {len(ids)} ids, {len(set(ids))} distinct")
    return (
        f"{processes} Prozesse × {each} Fälle: {wall:.1f} s, {total / wall:,.0f} Fälle/s, "
        f"{len(stored)} gespeichert, 0 verloren, 0 doppelt"
    )


def _bulk_fill(where: str, count: int, base: dict[str, object]) -> None:
    """``count`` cases and their first status events in one transaction (not through add)."""
    with CaseStore.open(_target(where)) as store:
        engine = store._engine
    now = "2026-11-23T10:00:00+01:00"
    rows, events = [], []
    for number in range(count):
        case_id = f"ME-2025-{number + 1:06d}"
        pupil = dict(base["pupil"], given_names=f"Kind {number}")  # type: ignore[call-overload]
        intake = dict(base, case_id=case_id, pupil=pupil)
        day = dt.date(2025, 1, 1) + dt.timedelta(days=number % 600)
        rows.append(
            {
                "case_id": case_id,
                "district": "kreis-mettmann",
                "intake_date": day,
                "birth_date": dt.date(2012, 1, 1),
                "created_at": now,
                "updated_at": now,
                "status": "beraten",
                "intake": intake,
                "source": None,
            }
        )
        events.append(
            {"case_id": case_id, "at": day, "status": "beraten", "recorded_at": now, "actor": "x"}
        )
    with engine.begin() as conn:
        for start in range(0, count, 5000):
            conn.execute(sa.insert(cases), rows[start : start + 5000])
            conn.execute(sa.insert(status_events), events[start : start + 5000])
    engine.dispose()


def list_100k(where: str, base: dict[str, object], count: int = 100_000) -> str:
    _bulk_fill(where, count, base)
    with CaseStore.open(_target(where)) as store:
        listed = _timed(lambda: store.list_cases(today=TODAY, audit=False), repeat=3)
        floor = _timed(
            lambda: store._conn.execute(
                sa.select(cases.c.case_id, cases.c.intake_date, cases.c.status)
            ).all(),
            repeat=3,
        )
        store._conn.commit()
    env = dict(os.environ, SEITENEINSTEIGER_DATABASE_URL=_sqlalchemy_url(where))
    command = [str(Path(sys.executable).parent / "seiteneinsteiger"), "case", "list"]

    def run() -> None:
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)

    whole = _timed(run, repeat=3)
    return (
        f"case list über {count:,} Fälle: Register {listed:.2f} s "
        f"(= {listed / floor:.1f} × SELECT allein, {floor:.2f} s), ganzer Befehl {whole:.2f} s"
    )


def _sqlalchemy_url(where: str) -> str:
    return where if "://" in where else f"sqlite:///{where}"


def single_process(where: str, intakes: list[Intake]) -> list[str]:
    count = len(intakes)
    with CaseStore.open(_target(where)) as store:
        start = time.perf_counter()
        ids = [store.add(intake, today=TODAY).case_id for intake in intakes]
        added = time.perf_counter() - start
        for case_id in ids[::3]:
            assigned = PlacementStatus.zugewiesen
            store.set_status(case_id, assigned, at=TODAY, school_number="189601", today=TODAY)
        listing = _timed(lambda: store.list_cases(today=TODAY, audit=False))
        figures = _timed(lambda: store.stats(today=TODAY))
        show = _timed(lambda: intake_to_yaml(store.get(ids[-1], today=TODAY).intake))
        start = time.perf_counter()
        for case_id in ids[:50]:
            store.delete(case_id)
        deleted = (time.perf_counter() - start) / 50
    opened = _timed(lambda: CaseStore.open(_target(where)).close())
    return [
        f"add (eine Transaktion je Fall): {added * 1000 / count:.2f} ms/Fall, "
        f"{count / added:,.0f}/s",
        f"list {count}:                   {listing * 1000:.1f} ms",
        f"stats:                          {figures * 1000:.1f} ms",
        f"show one (YAML):                {show * 1000:.2f} ms",
        f"delete one (+ überschreiben):   {deleted * 1000:.2f} ms",
        f"open existing register:         {opened * 1000:.2f} ms",
    ]


def main(count: int = 2000) -> None:
    [loaded] = load_intake_file(EXAMPLE, today=TODAY)
    assert loaded.intake is not None
    base = loaded.intake.model_dump(mode="json", exclude_unset=True)
    base.pop("case_id", None)
    intakes = []
    for number in range(count):
        birth = dt.date(2008, 1, 1) + dt.timedelta(days=number % 4000)
        pupil = dict(base["pupil"], given_names=f"Kind {number}", birth_date=str(birth))
        intakes.append(Intake.model_validate(dict(base, district="kreis-mettmann", pupil=pupil)))
    backends = ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]
    for backend in backends:
        print(f"Fallregister, {backend}")
        with _register(backend) as where:
            print("  " + concurrent_adds(where))
        with _register(backend) as where:
            print("  " + list_100k(where, base))
        with _register(backend) as where:
            for line in single_process(where, intakes):
                print("  " + line)
    if "postgresql" not in backends:
        print(f"PostgreSQL nicht gemessen: {PG_ENV} ist nicht gesetzt (scripts/test-postgres).")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
