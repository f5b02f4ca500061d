"""``seiteneinsteiger rules ...``: check, test and show rule sets; list the fact catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from seiteneinsteiger.cli.options import DistrictOption, FormatOption, RulesOption
from seiteneinsteiger.cli.output import (
    OutputFormat,
    emit_json,
    out,
    problem_json,
)
from seiteneinsteiger.errors import ExitCode, Problem, UsageError

if TYPE_CHECKING:
    from seiteneinsteiger.rules.compiled import RuleSet
    from seiteneinsteiger.rules.testing import SuiteResult

app = typer.Typer(
    name="rules",
    help="Regelsätze prüfen, testen und anzeigen; Feldkatalog für Regeldateien.",
    no_args_is_help=True,
)

DirArgument = Annotated[
    Path | None,
    typer.Argument(help="Verzeichnis eines Regelsatzes (mit ruleset.yaml).", show_default=False),
]


def _targets(directory: Path | None, district: str | None) -> list[Path]:
    from seiteneinsteiger.rules.api import builtin_dir, builtin_ids

    if directory is not None and district is not None:
        raise UsageError("Bitte entweder ein Verzeichnis oder --district angeben, nicht beides.")
    if directory is not None:
        return [directory]
    if district is not None:
        return [builtin_dir(district, usage=True)]
    return [builtin_dir(ruleset_id) for ruleset_id in builtin_ids()]


def _line(problem: Problem) -> str:
    if problem.is_error:
        return problem.render()
    head = f"{problem.location()} {problem.code}" if problem.code else problem.location()
    return f"{head}: Warnung: {problem.message}"


def _count(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(1 for problem in problems if problem.is_error)
    return errors, len(problems) - errors


# ---------------------------------------------------------------------------------------------
# check


@app.command()
def check(
    ctx: typer.Context,
    directory: DirArgument = None,
    district: DistrictOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Regelsatz prüfen: Format, Felder, Quellen, Überschneidungen, Lücken, nie greifende Regeln.

    Jedes Problem erscheint als DATEI:ZEILE:SPALTE CODE: Meldung. Ohne Angabe werden alle
    eingebauten Regelsätze geprüft. Exit-Code 1 bei Fehlern; Warnungen (z. B. überschrittenes
    Prüfdatum review_by) ändern ihn nicht.

    Beispiel: seiteneinsteiger rules check --district nrw
    """
    from seiteneinsteiger.rules.api import load_with_problems
    from seiteneinsteiger.rules.check import check_ruleset

    reports: list[dict[str, Any]] = []
    failed = False
    for root in _targets(directory, district):
        ruleset, problems = load_with_problems(root)
        if ruleset is not None:
            problems = problems + check_ruleset(ruleset)
        errors, warnings = _count(problems)
        failed = failed or errors > 0 or ruleset is None
        reports.append(
            {
                "ruleset": root.name,
                "directory": str(root),
                "errors": errors,
                "warnings": warnings,
                "rules": len(ruleset.rules()) if ruleset else None,
                "problems": problems,
            }
        )
    _print_check(reports, fmt)
    if failed:
        raise typer.Exit(ExitCode.INPUT)


def _print_check(reports: list[dict[str, Any]], fmt: OutputFormat) -> None:
    if fmt is OutputFormat.json:
        for report in reports:
            report["problems"] = [problem_json(p) for p in report["problems"]]
        emit_json({"ok": all(r["errors"] == 0 for r in reports), "rulesets": reports})
        return
    for report in reports:
        for problem in report["problems"]:
            out(_line(problem))
        errors, warnings = report["errors"], report["warnings"]
        if errors == 0 and warnings == 0:
            out(f"{report['ruleset']}: keine Probleme ({report['rules']} Regeln geprüft).")
        else:
            out(f"{report['ruleset']}: {errors} Fehler, {warnings} Warnung(en).")


# ---------------------------------------------------------------------------------------------
# test


@app.command("test")
def test_command(
    ctx: typer.Context,
    directories: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Regelsatz-Verzeichnisse (Standard: alle eingebauten).", show_default=False
        ),
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Regeltests (*.tests.yaml) ausführen und prüfen, dass jede Regel in einem Fall greift.

    Ein fehlschlagender Fall zeigt DATEI:ZEILE, Erwartung und Ergebnis und den Ablauf der Regeln.
    Exit-Code 1, wenn ein Fall fehlschlägt oder eine Regel in keinem Fall greift.

    Beispiel: seiteneinsteiger rules test
    """
    from seiteneinsteiger.rules.api import RuleSetCache, builtin_dir, builtin_ids
    from seiteneinsteiger.rules.testing import run_suite

    roots = directories or [builtin_dir(i) for i in builtin_ids()]
    cache = RuleSetCache()
    suites = [run_suite(root, cache=cache) for root in roots]
    if fmt is OutputFormat.json:
        emit_json({"ok": all(s.ok for s in suites), "rulesets": [_suite_json(s) for s in suites]})
    else:
        for suite in suites:
            _print_suite(suite)
    if not all(suite.ok for suite in suites):
        raise typer.Exit(ExitCode.INPUT)


def _print_suite(suite: SuiteResult) -> None:
    from seiteneinsteiger.rules.testing import coverage_report

    for problem in suite.problems:
        out(_line(problem))
    for case in suite.cases:
        if not case.passed:
            out(case.report())
            out()
    if suite.uncovered:
        out(coverage_report(suite))
    passed = sum(1 for case in suite.cases if case.passed)
    failed = len(suite.cases) - passed
    status = "bestanden" if suite.ok else "NICHT bestanden"
    out(
        f"{suite.ruleset_id}: {len(suite.cases)} Fälle, {passed} bestanden, {failed} "
        f"fehlgeschlagen; {len(suite.uncovered)} Regel(n) ohne Testfall – {status}."
    )


def _suite_json(suite: SuiteResult) -> dict[str, Any]:
    return {
        "ruleset": suite.ruleset_id,
        "directory": str(suite.root),
        "ok": suite.ok,
        "problems": [problem_json(p) for p in suite.problems],
        "cases": [
            {
                "name": case.case.name,
                "file": case.case.file,
                "line": case.case.line,
                "passed": case.passed,
                "failures": case.failures,
            }
            for case in suite.cases
        ],
        "uncovered": [
            {"rule": r.id, "file": r.where.file, "line": r.where.line} for r in suite.uncovered
        ],
    }


# ---------------------------------------------------------------------------------------------
# show


@app.command()
def show(
    ctx: typer.Context,
    district: DistrictOption = None,
    rules: RulesOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Den wirksamen Regelsatz zeigen: jede Regel mit Herkunft (Regelsatz, Datei, Zeile),
    ersetzte Landesregeln und die Parameter mit ihrer Quelle.

    Ohne Angabe: der Standard-Kreis (SEITENEINSTEIGER_DISTRICT oder config.yaml, sonst nrw).

    Beispiel: seiteneinsteiger rules show --district nrw
    """
    if district is not None and rules is not None:
        raise UsageError("Bitte entweder --district oder --rules angeben, nicht beides.")
    from seiteneinsteiger.cli.rules_show import show_json, show_text
    from seiteneinsteiger.rules.api import RuleSetCache

    cache = RuleSetCache()
    if district is not None:
        cache.district(district, usage=True)
    ruleset: RuleSet = cache.select(rules_dir=rules, district=district)
    if fmt is OutputFormat.json:
        emit_json(show_json(ruleset))
    else:
        out(show_text(ruleset))


# ---------------------------------------------------------------------------------------------
# fields


@app.command()
def fields(ctx: typer.Context, fmt: FormatOption = OutputFormat.text) -> None:
    """Alle Angaben, die Bedingungen in Regeldateien prüfen dürfen, mit Typ und Werten.

    Beispiel: seiteneinsteiger rules fields --format json
    """
    from seiteneinsteiger.cli.rules_show import fields_json, fields_text

    if fmt is OutputFormat.json:
        emit_json(fields_json())
    else:
        out(fields_text())
