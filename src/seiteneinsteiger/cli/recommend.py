"""``seiteneinsteiger recommend``: the recommendation with its reasons, for one or many intakes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from seiteneinsteiger.cli.options import DistrictOption, IntakePaths, RulesOption, parse_date
from seiteneinsteiger.cli.output import (
    JsonArrayWriter,
    StreamFormat,
    err,
    json_for_terminal,
    out,
    settle_start_up,
    show_problem,
    write_json_bytes,
)
from seiteneinsteiger.errors import ExitCode, SeiteneinsteigerError, UsageError

if TYPE_CHECKING:
    from seiteneinsteiger.intake_io import LoadedIntake
    from seiteneinsteiger.rules.api import RuleSetCache
    from seiteneinsteiger.rules.result import Result

    #: an intake's outcome: its result and the rule set's flag labels, the error that stopped
    #: it, or None when it is not valid
    _Evaluated = tuple[Result, Mapping[str, str]] | SeiteneinsteigerError | None

DateOption = Annotated[
    str | None,
    typer.Option(
        "--reference-date",
        help="Bezugsdatum, TT.MM.JJJJ oder JJJJ-MM-TT (Standard: das Beratungsdatum des Intakes).",
        show_default=False,
    ),
]
FormatOption = Annotated[
    StreamFormat, typer.Option("--format", "-f", help="Ausgabeformat: text, json oder jsonl.")
]
ExplainOption = Annotated[
    bool, typer.Option("--explain", help="Begründung (Regeln, Quellen) und 'Warum nicht' zeigen.")
]


def recommend(
    ctx: typer.Context,
    paths: IntakePaths,
    district: DistrictOption = None,
    rules: RulesOption = None,
    reference_date: DateOption = None,
    fmt: FormatOption = StreamFormat.text,
    explain: ExplainOption = False,
) -> None:
    """Empfehlung für jedes Intake: Schulpflicht, Schulstufe, Schulformen, Klasse, Maßnahmen.

    Hinweise, die ein Mensch prüfen muss, stehen zuerst. Ungültige Intakes werden gemeldet
    (stderr), die übrigen trotzdem ausgewertet; dann ist der Exit-Code 1.

    Beispiel: seiteneinsteiger recommend examples/intakes --explain
    """
    if district is not None and rules is not None:
        raise UsageError("Bitte entweder --district oder --rules angeben, nicht beides.")
    day = parse_date(reference_date, "--reference-date") if reference_date else None
    from seiteneinsteiger.districts import known_districts
    from seiteneinsteiger.intake_io import load_intakes
    from seiteneinsteiger.rules.api import RuleSetCache

    cache = RuleSetCache()
    if rules is not None:
        cache.directory(rules)  # a broken rule set stops here, before any intake
    elif district is not None:
        cache.district(district, usage=True)
    run = _Run(cache, rules, district, day, fmt, explain)
    settle_start_up()
    loading = load_intakes(paths, districts=known_districts(rules))
    while group := list(islice(loading, GROUP)):
        run.group(group)
    run.finish()


#: Intakes loaded, then evaluated, then written together (see :meth:`_Run.group`).
GROUP = 8


class _Run:
    """Evaluates intakes, a group at a time, and prints them in the chosen format."""

    def __init__(
        self,
        cache: RuleSetCache,
        rules: Path | None,
        district: str | None,
        day: dt.date | None,
        fmt: StreamFormat,
        explain: bool,
    ) -> None:
        self.cache, self.rules, self.district, self.day = cache, rules, district, day
        self.fmt, self.explain = fmt, explain
        self.array = JsonArrayWriter() if fmt is StreamFormat.json else None
        self.count = self.failed = 0
        self.reported: set[str] = set()

    def group(self, group: list[LoadedIntake]) -> None:
        """Evaluate a few intakes, then serialise them, then write them in order.

        Each of the three steps runs its own code and caches (validation, rule tables, trace
        texts) for several intakes in a row, where the processor still holds them: 15 % less
        time per intake than one intake after the other (benchmarks/recommend_bench.py). What
        is written, and in which order, is the same as one by one.
        """
        evaluated = [self._evaluate(loaded) for loaded in group]
        texts = [self._json(outcome) for outcome in evaluated]
        for loaded, outcome, text in zip(group, evaluated, texts, strict=True):
            self._show(loaded, outcome, text)

    def _evaluate(self, loaded: LoadedIntake) -> _Evaluated:
        from seiteneinsteiger.rules.engine import evaluate

        if loaded.intake is None or not loaded.ok:
            return None
        try:
            ruleset = self.cache.select(
                rules_dir=self.rules, district=self.district, intake=loaded.intake
            )
            result = evaluate(loaded.intake, ruleset, reference_date=self.day, source=loaded.label)
        except SeiteneinsteigerError as exc:
            return exc
        return result, ruleset.flags

    def _json(self, outcome: _Evaluated) -> bytes | None:
        if not isinstance(outcome, tuple):
            return None
        if self.fmt is StreamFormat.jsonl:
            return outcome[0].to_json_bytes(escape=json_for_terminal)
        if self.fmt is StreamFormat.json:
            return outcome[0].to_json_bytes(indent=2, escape=json_for_terminal)
        return None

    def _show(self, loaded: LoadedIntake, outcome: _Evaluated, text: bytes | None) -> None:
        self.count += 1
        for problem in loaded.problems:
            show_problem(problem, to_err=True)
        if outcome is None:
            self.failed += 1
        elif isinstance(outcome, SeiteneinsteigerError):
            self.failed += 1
            self._report(loaded.label, outcome)
        elif text is None:
            self._render(*outcome, loaded)
        elif self.array is not None:
            self.array.add(text)
        else:
            write_json_bytes(text)

    def _report(self, label: str, exc: SeiteneinsteigerError) -> None:
        if exc.message in self.reported:
            err(f"{label}: keine Empfehlung (siehe oben).", fg="red")
            return
        self.reported.add(exc.message)
        err(f"{label}: keine Empfehlung. {exc.message}", fg="red")
        if exc.hint:
            err(f"Hinweis: {exc.hint}")

    def _render(self, result: Result, flag_labels: Mapping[str, str], loaded: LoadedIntake) -> None:
        from seiteneinsteiger.cli.recommend_text import render

        intake = loaded.intake
        assert intake is not None
        if self.count - self.failed > 1:
            out()
        out(render(result, intake, explain=self.explain, flag_labels=flag_labels))

    def finish(self) -> None:
        if self.count == 0:
            err("Keine Intake-Dateien gefunden (.yaml, .yml, .json, .jsonl).")
            raise typer.Exit(ExitCode.INPUT)
        if self.array is not None:
            self.array.close()
        if self.failed:
            err(f"{self.failed} von {self.count} Intakes ohne Empfehlung.", fg="red")
            raise typer.Exit(ExitCode.INPUT)
