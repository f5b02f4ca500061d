"""Benchmark: hostile input files are refused in bounded time and memory.

Each case runs ``seiteneinsteiger intake validate FILE`` in a fresh process under a 2 GiB address
space limit and reports wall time and peak memory (max RSS of the child), next to the floor of
validating one real example intake in the same run:

* a 2 KB YAML alias bomb (10 levels of 9 aliases: 3.5 billion strings when expanded; before the
  alias check this ran minutes and several GB and ended in "Interner Fehler (MemoryError)"),
* 300 and 5,000 levels of nested lists (YAML) and 50,000 levels (JSON),
* a sparse 75 MB intake file and ``/dev/zero``.

Also the price of the checks for every file: parsing the example intakes about 200 times with
the strict loader, with and without the depth and alias check.
Target: every hostile file refused (exit code 1) within 5 × the floor, the checks <= 10 %.
Usage: ``python benchmarks/hostile_bench.py``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "intakes" / "amal-haddad.yaml"
LIMIT = 2 << 30  # the address space a refused file may never need


def alias_bomb(levels: int = 10, width: int = 9) -> str:
    lines = ["format: seiteneinsteiger/intake@1"]
    lines.append("a0: &a0 [" + ", ".join(["lol"] * width) + "]")
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    lines.append(f"pupil: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run(path: Path) -> tuple[float, float, int, str]:
    """Wall seconds, peak MB, exit code and the first message line of one validation."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryDirectory() as home:
        child = subprocess.Popen(
            [sys.executable, "-m", "seiteneinsteiger", "intake", "validate", str(path)],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_limit_memory,
            env={**os.environ, "SEITENEINSTEIGER_HOME": home},
        )
        _, status, usage = os.wait4(child.pid, 0)  # the rusage of this child alone
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        first = (out.read().splitlines() or [""])[0]
    return wall, usage.ru_maxrss / 1024, child.returncode, first


def parse_overhead() -> tuple[float, float]:
    from seiteneinsteiger.yamlsource import StrictLoader, parse_yaml

    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLE.parent.glob("*.yaml"))]

    def plain(text: str) -> None:  # the same strict loader without the depth and alias check
        loader = StrictLoader(text)
        try:
            loader.construct_document(loader.get_single_node())
        finally:
            loader.dispose()

    timings = []
    for parse in (plain, lambda text: parse_yaml(text, "x.yaml")):
        best = float("inf")
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(200 // len(texts) + 1):
                for text in texts:
                    parse(text)
            best = min(best, time.perf_counter() - start)
        timings.append(best)
    return timings[0], timings[1]


def main() -> int:
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        cases: dict[str, Path] = {}
        (base / "bomb.yaml").write_text(alias_bomb())
        cases["Alias-Bombe (2 KB, 3,5 Mrd. Einträge)"] = base / "bomb.yaml"
        for levels in (300, 5000):
            path = base / f"deep{levels}.yaml"
            path.write_text("pupil: " + "[" * levels + "]" * levels + "\n")
            cases[f"{levels} Ebenen YAML"] = path
        (base / "deep.json").write_text('{"pupil": ' + "[" * 50_000 + "]" * 50_000 + "}")
        cases["50.000 Ebenen JSON"] = base / "deep.json"
        big = base / "list.yaml"
        with big.open("wb") as handle:
            handle.truncate(75 * 1024 * 1024)
        cases["75 MB (Datei)"] = big
        cases["/dev/zero"] = Path("/dev/zero")

        floor, floor_mb, code, _ = run(EXAMPLE)
        label = "Boden: ein gültiges Intake prüfen"
        print(f"{label:38} {floor:6.2f} s {floor_mb:7.0f} MB  Exit {code}")
        for label, path in cases.items():
            wall, peak, code, first = run(path)
            ok = code == 1 and wall <= 5 * floor and peak < LIMIT / (1 << 20)
            failed += not ok
            print(
                f"{label:38} {wall:6.2f} s {peak:7.0f} MB  ×{wall / floor:4.1f}  "
                f"Exit {code}  {'OK' if ok else 'VERFEHLT'}"
            )
            print(f"    {first[:110]}")
    plain, strict = parse_overhead()
    share = strict / plain - 1
    print(
        f"Tiefen- und Alias-Prüfung beim Laden der Beispiel-Intakes: {strict * 1000:.0f} ms "
        f"statt {plain * 1000:.0f} ms ({share:+.0%}, Ziel <= 10 %)"
    )
    failed += share > 0.10
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
