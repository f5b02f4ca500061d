"""From intake files to export rows: load, validate, ask the rule engine.

One bad file never stops the others: invalid intakes and intakes the engine cannot evaluate come
back as located problems, the rest as :class:`ExportRow` values. The engine is passed in as a
:data:`Recommender`, so exporters and their tests do not depend on a rule set.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from seiteneinsteiger.errors import Problem, RuleSetError, SeiteneinsteigerError
from seiteneinsteiger.export.rows import ExportRow
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.result import Result

#: ``recommender(intake, source) -> Result``
Recommender = Callable[[Intake, str], Result]


@dataclass(slots=True)
class Prepared:
    rows: list[ExportRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files_seen: int = 0


def make_recommender(
    *,
    district: str | None = None,
    rules_dir: Path | None = None,
    reference_date: dt.date | None = None,
) -> Recommender:
    """The rule engine with one rule-set cache for the whole batch."""
    from seiteneinsteiger.rules.api import RuleSetCache, recommend

    cache = RuleSetCache()

    def run(intake: Intake, source: str) -> Result:
        return recommend(
            intake,
            source=source,
            district=district,
            rules_dir=rules_dir,
            reference_date=reference_date,
            cache=cache,
        )

    return run


def prepare_rows(
    paths: Sequence[Path],
    recommender: Recommender,
    *,
    today: dt.date | None = None,
    districts: frozenset[str] | None = None,
) -> Prepared:
    """Load every intake below ``paths`` and evaluate it; never raises for one bad file."""
    prepared = Prepared()
    prepared.rows = list(iter_rows(paths, recommender, prepared, today=today, districts=districts))
    return prepared


def iter_rows(
    paths: Sequence[Path],
    recommender: Recommender,
    prepared: Prepared,
    *,
    today: dt.date | None = None,
    districts: frozenset[str] | None = None,
) -> Iterator[ExportRow]:
    """The rows of every intake below ``paths``, one at a time (an export of 10,000 pupils
    never holds them all); problems, warnings and the number of files go into ``prepared``.

    A rule-set problem (no rule set for a district, a broken rule file) is the same for every
    intake it hits: it is reported once, with the number of further files it concerns. A row
    keeps the recommendation without trace and why-not texts (no exporter shows them).
    """
    from seiteneinsteiger.intake_io import load_intakes

    ruleset_errors: dict[str, tuple[Problem, int]] = {}
    for loaded in load_intakes(paths, today=today, districts=districts):
        prepared.files_seen += 1
        prepared.warnings.extend(p for p in loaded.problems if not p.is_error)
        if not loaded.ok or loaded.intake is None:
            prepared.problems.extend(p for p in loaded.problems if p.is_error)
            continue
        try:
            recommendation = recommender(loaded.intake, loaded.label)
        except RuleSetError as exc:
            message = _first_line(exc.message)
            first, count = ruleset_errors.get(message, (None, 0))
            if first is None:
                first = Problem(file=loaded.source, line=loaded.line, message=message)
                prepared.problems.append(first)
            ruleset_errors[message] = (first, count + 1)
            continue
        except SeiteneinsteigerError as exc:
            prepared.problems.append(
                Problem(file=loaded.source, line=loaded.line, message=_first_line(exc.message))
            )
            continue
        yield ExportRow(loaded.intake, recommendation.without_explanations(), loaded.label)
    for message, (first, count) in ruleset_errors.items():
        if count > 1:
            index = prepared.problems.index(first)
            prepared.problems[index] = Problem(
                file=first.file,
                line=first.line,
                message=f"{message} (ebenso für {count - 1} weitere Intake-Dateien)",
            )


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else text
