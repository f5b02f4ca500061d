"""Run every ``benchmarks/*_bench.py`` as its own process and print its results.

``src`` is byte-compiled first: the start-up figures must not depend on whether the shell sets
``PYTHONDONTWRITEBYTECODE`` (each benchmark's measuring helper checks it again, benchlib.run).

Usage: ``python benchmarks/run.py [NAME ...]`` (names without ``_bench.py`` select benchmarks).
Exit code 1 when any benchmark fails.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchlib import compile_package

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    compile_package()
    scripts = sorted(HERE.glob("*_bench.py"))
    if argv:
        scripts = [s for s in scripts if s.name.removesuffix("_bench.py") in argv]
    failed = 0
    for script in scripts:
        print(f"== {script.name} " + "=" * max(0, 60 - len(script.name)), flush=True)
        start = time.perf_counter()
        completed = subprocess.run([sys.executable, str(script)], check=False)
        print(
            f"   ({time.perf_counter() - start:.1f} s, Exit-Code {completed.returncode})\n",
            flush=True,
        )
        failed += completed.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
