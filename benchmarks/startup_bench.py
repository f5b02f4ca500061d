"""Benchmark: start-up of single commands a counsellor runs one after the other (issue 13).

Median wall time of fresh processes for ``--help``, ``--version``, ``intake validate`` and
``recommend`` of one intake and ``case add`` of one intake (a new register each time), each
against the floor of a bare ``python -c pass`` and of ``import typer, pydantic, yaml`` (the
libraries every command needs). Then the bytecode question: the same commands from a copy of
the package without ``__pycache__`` and with ``PYTHONDONTWRITEBYTECODE=1`` (every start
compiles every module, as on a read-only install without .pyc), against the same copy
compiled with ``compileall`` (what pip does when it installs the wheel).

Last, ``case add`` as a counsellor adds children one by one during appointments, in a session
(``seiteneinsteiger session``, lines piped in): a new register, ``case list``, then 1 or 11
``case add``; the difference / 10 is what each further child costs.

Usage: ``python benchmarks/startup_bench.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchlib import REPO, median_ms

INTAKE = str(REPO / "examples" / "intakes" / "amal-haddad.yaml")


def _commands() -> dict[str, list[str]]:
    cli = [sys.executable, "-m", "seiteneinsteiger"]
    return {
        "--help": [*cli, "--help"],
        "--version": [*cli, "--version"],
        "intake validate (1 Intake)": [*cli, "intake", "validate", INTAKE],
        "recommend (1 Intake)": [*cli, "recommend", INTAKE, "--format", "json"],
        "case add (neues Register)": [*cli, "case", "add", INTAKE],
        "case add (im Register)": [*cli, "case", "add", INTAKE],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    repeat = args.repeat
    with tempfile.TemporaryDirectory(prefix="se-start-") as tmp:
        env = dict(os.environ, SEITENEINSTEIGER_HOME=str(Path(tmp) / "home"))
        (Path(tmp) / "case").mkdir()
        bare = median_ms([sys.executable, "-c", "pass"], repeat, env=env)
        typer_only = median_ms([sys.executable, "-c", "import typer"], repeat, env=env)
        libraries = median_ms(
            [sys.executable, "-c", "import typer, pydantic, yaml"], repeat, env=env
        )
        print(f"Start einzelner Befehle, Median aus {repeat} Läufen (ms):")
        print(
            f"  Böden: python -c pass {bare:4.0f}, import typer {typer_only:4.0f}, "
            f"import typer+pydantic+yaml {libraries:4.0f}"
        )
        times: dict[str, float] = {}
        for label, command in _commands().items():
            if label == "case add (neues Register)":  # the process creates the register
                command = [sys.executable, "-c", _CASE_ADD, str(Path(tmp) / "case"), INTAKE]
            elif label == "case add (im Register)":  # the everyday case: one more child
                command = [sys.executable, "-c", _CASE_ADD_ANOTHER, str(Path(tmp) / "case"), INTAKE]
            times[label] = median_ms(command, repeat, env=env)
            floor, name = (typer_only, "typer") if label.startswith("--") else (libraries, "alle")
            ratio = times[label] / floor
            print(
                f"  {label:<28}{times[label]:6.0f}  Verhältnis zum Boden ({name}) {ratio:4.2f}"
                f" ({times[label] - floor:+4.0f} ms)"
            )
        adds = [sys.executable, "-c", _SESSION_ADDS, str(Path(tmp) / "case"), INTAKE]
        once, eleven = (median_ms([*adds, n], repeat, env=env) for n in ("1", "11"))
        print(
            f"  case add in einer Sitzung, jedes weitere Kind {(eleven - once) / 10:6.0f}"
            f"  (Sitzung mit 1 Kind {once:.0f}, mit 11 Kindern {eleven:.0f})"
        )
        print("Bytecode (.pyc) des Pakets, eine Kopie in einem eigenen Verzeichnis:")
        copy = Path(tmp) / "src"
        shutil.copytree(REPO / "src", copy, ignore=shutil.ignore_patterns("__pycache__"))
        cold_env = dict(env, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
        cold = {label: median_ms(cmd, repeat, env=cold_env) for label, cmd in _pyc_commands()}
        compileall.compile_dir(copy, quiet=1)
        warm = {label: median_ms(cmd, repeat, env=cold_env) for label, cmd in _pyc_commands()}
        for label in cold:
            print(
                f"  {label:<28} ohne .pyc {cold[label]:6.0f}  mit .pyc {warm[label]:6.0f}  "
                f"(Ersparnis {cold[label] - warm[label]:4.0f})"
            )
    return 0


def _pyc_commands() -> list[tuple[str, list[str]]]:
    commands = _commands()
    return [(label, commands[label]) for label in ("--help", "recommend (1 Intake)")]


#: ``case add`` into a fresh register directory each time (the measured process creates it).
_CASE_ADD = (
    "import os, sys, tempfile\n"
    "os.environ['SEITENEINSTEIGER_HOME'] = tempfile.mkdtemp(dir=sys.argv[1])\n"
    "sys.argv = ['seiteneinsteiger', 'case', 'add', sys.argv[2]]\n"
    "from seiteneinsteiger.cli.main import run\n"
    "run()\n"
)

#: ``case add`` of one more child into a register that exists (the home is the same every run;
#: the child gets a new family name each time, so it is never a duplicate). The copy of the
#: intake is written before the measured command starts its work, and costs well under 1 ms.
_CASE_ADD_ANOTHER = (
    "import os, pathlib, sys, uuid\n"
    "home = pathlib.Path(sys.argv[1]) / 'register'\n"
    "os.environ['SEITENEINSTEIGER_HOME'] = str(home)\n"
    "home.mkdir(exist_ok=True)\n"
    "text = pathlib.Path(sys.argv[2]).read_text(encoding='utf-8')\n"
    "lines = [line for line in text.splitlines() if not line.startswith('case_id:')]\n"
    "text = '\\n'.join(lines).replace('family_name: Haddad', 'family_name: H' + uuid.uuid4().hex)\n"
    "intake = home / (uuid.uuid4().hex + '.yaml')\n"
    "intake.write_text(text, encoding='utf-8')\n"
    "sys.argv = ['seiteneinsteiger', 'case', 'add', str(intake)]\n"
    "from seiteneinsteiger.cli.main import run\n"
    "run()\n"
)

#: A session in a new register: ``case list``, then ``case add`` of N children, one per line.
_SESSION_ADDS = (
    "import os, pathlib, subprocess, sys, tempfile\n"
    "home = pathlib.Path(tempfile.mkdtemp(dir=sys.argv[1]))\n"
    "text = pathlib.Path(sys.argv[2]).read_text(encoding='utf-8')\n"
    "text = '\\n'.join(l for l in text.splitlines() if not l.startswith('case_id:'))\n"
    "lines = ['case list']\n"
    "for n in range(int(sys.argv[3])):\n"
    "    intake = home / f'kind-{n}.yaml'\n"
    "    named = text.replace('family_name: Haddad', f'family_name: H{n}')\n"
    "    intake.write_text(named, encoding='utf-8')\n"
    "    lines.append(f'case add {intake}')\n"
    "env = dict(os.environ, SEITENEINSTEIGER_HOME=str(home))\n"
    "done = subprocess.run([sys.executable, '-m', 'seiteneinsteiger', 'session'],\n"
    "    input='\\n'.join(lines) + '\\n', text=True, env=env, capture_output=True)\n"
    "assert done.returncode == 0, done.stderr\n"
)


if __name__ == "__main__":
    raise SystemExit(main())
