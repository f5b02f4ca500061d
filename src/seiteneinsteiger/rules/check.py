"""Static analysis of a loaded rule set (``seiteneinsteiger rules check``).

The inputs of our rules have small domains, so instead of reasoning about conditions symbolically
the checker enumerates representative values: every code of an enum, true/false/empty for
booleans, and for numbers and dates the cut points around every literal a condition compares with
(``v − 1``, ``v``, ``v + 1``). Facts that follow from the birth date and the reference date
(``age``, ``age_on_stichtag``, ``schulpflicht_phase``, ...) are never combined freely: they are
computed together from real birth dates and reference dates, so the checker reports no overlap
for impossible combinations such as "16 years old, but 9 on the Stichtag".

Reported: two rules of a ``unique`` table that can both match (with the example), a rule no input
can fire, a rule another rule completely covers, inputs no rule of a ``unique`` table covers
(warning), two ``collect`` rules that set one output to different values, and passed
``review_by`` / ``valid_until`` dates (warnings).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from seiteneinsteiger.conditions import FieldSpec, show, values_of
from seiteneinsteiger.dates import add_months
from seiteneinsteiger.errors import Problem
from seiteneinsteiger.rules.compiled import Rule, RuleSet, Table, Where
from seiteneinsteiger.rules.facts import (
    DATE_FACTS,
    INTAKE_FACTS,
    LIST_OUTPUTS,
    OUTPUT_DEFAULTS,
    OUTPUTS,
    PARAM_PREFIX,
    date_values,
)

#: Gap search stops after this many combinations (the domains of a table multiplied).
MAX_POINTS = 300_000
_NEVER_NONE = frozenset({"pupil.birth_date", "pupil.birth_date_estimated"})
_INTAKE = frozenset(fact.name for fact in INTAKE_FACTS)
_OPTIONAL_DERIVED = frozenset(
    {
        "schooling_deficit",
        "years_since_arrival",
        "short_stay_in_german_school",
        "recommended_school_form",
    }
)

Point = dict[str, Any]


def check_ruleset(ruleset: RuleSet, *, today: dt.date | None = None) -> list[Problem]:
    """Every static problem of ``ruleset`` (errors and warnings), in file order."""
    day = today or dt.date.today()
    space = _Space(ruleset)
    problems = _date_warnings(ruleset, day)
    for table in ruleset.tables:
        problems.extend(_check_table(table, space))
    return problems


def _problem(where: Where, code: str, message: str, severity: str = "error") -> Problem:
    return Problem(
        file=where.file,
        line=where.line,
        column=where.column,
        code=code,
        message=message,
        severity=severity,
    )


def _date_warnings(ruleset: RuleSet, day: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    if ruleset.review_by is not None and day > ruleset.review_by:
        problems.append(
            _problem(
                ruleset.header,
                "SE-R024",
                f"Das Prüfdatum 'review_by' ({show(ruleset.review_by)}) ist überschritten: bitte "
                "die Regeln mit der aktuellen Rechtslage abgleichen und 'review_by' neu setzen",
                "warning",
            )
        )
    for rule in ruleset.rules():
        if rule.review_by is not None and day > rule.review_by:
            problems.append(
                _problem(
                    rule.where,
                    "SE-R024",
                    f"Regel {rule.id}: das Prüfdatum 'review_by' ({show(rule.review_by)}) ist "
                    "überschritten: bitte die Quelle der Regel neu prüfen und 'review_by' neu "
                    "setzen",
                    "warning",
                )
            )
    if ruleset.valid_until is not None and day > ruleset.valid_until:
        problems.append(
            _problem(
                ruleset.header,
                "SE-R025",
                f"Der Regelsatz gilt nur bis {show(ruleset.valid_until)}; für spätere Beratungen "
                "wird er abgelehnt (SE-T001)",
                "warning",
            )
        )
    return problems


# ---------------------------------------------------------------------------------------------
# The input space


class _Space:
    """Representative values for every fact, and consistent combinations of the date facts."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.catalogue = ruleset.catalogue
        self.literals: dict[str, set[Any]] = {}
        for rule in ruleset.rules():
            for name, values in values_of(rule.condition).items():
                self.literals.setdefault(name, set()).update(values)
        self.output_values = _output_values(ruleset, self.literals)
        self._dates = _date_combinations(ruleset)
        self._projections: dict[tuple[str, ...], list[Point]] = {}

    def dates(self, names: tuple[str, ...]) -> list[Point]:
        """Distinct combinations of the date facts ``names`` that real pupils can have."""
        found = self._projections.get(names)
        if found is None:
            unique = {tuple(_key(combo[name]) for name in names): combo for combo in self._dates}
            found = [{name: combo[name] for name in names} for combo in unique.values()]
            self._projections[names] = found
        return found

    def domain(self, name: str) -> list[Any]:
        spec = self.catalogue[name]
        if name.startswith(PARAM_PREFIX):
            return self._parameter_domain(name, spec)
        if name in OUTPUTS:
            return self.output_values.get(name) or _generic(
                spec, self.literals.get(name, set()), True
            )
        optional = (name in _INTAKE and name not in _NEVER_NONE) or name in _OPTIONAL_DERIVED
        return _generic(spec, self.literals.get(name, set()), optional)

    def _parameter_domain(self, name: str, spec: FieldSpec) -> list[Any]:
        """A parameter is a constant, unless it is open: then a district may set any value."""
        value = self.ruleset.param_facts[name]
        parameter = self.ruleset.parameters[name[len(PARAM_PREFIX) :]]
        if not parameter.open:
            return [value]
        values = _generic(spec, self.literals.get(name, set()), False)
        return values if value in values else [value, *values]

    def points(self, names: Sequence[str]) -> Iterator[Point]:
        """Every combination of representative values of ``names``."""
        ordered = sorted(set(names))
        date_names = tuple(name for name in ordered if name in DATE_FACTS)
        other = [name for name in ordered if name not in DATE_FACTS]
        date_points = self.dates(date_names) if date_names else [{}]
        domains = [self.domain(name) for name in other]
        for combo in date_points:
            for values in itertools.product(*domains):
                point = dict(combo)
                point.update(zip(other, values, strict=True))
                yield point

    def size(self, names: Sequence[str]) -> int:
        ordered = sorted(set(names))
        date_names = tuple(name for name in ordered if name in DATE_FACTS)
        total = len(self.dates(date_names)) if date_names else 1
        for name in ordered:
            if name not in DATE_FACTS:
                total *= len(self.domain(name))
        return total


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _generic(spec: FieldSpec, literals: set[Any], optional: bool) -> list[Any]:
    values: list[Any]
    if spec.kind == "enum":
        values = list(spec.values)
    elif spec.kind == "bool":
        values = [True, False]
    elif spec.kind == "int":
        ints = {v for v in literals if isinstance(v, int) and not isinstance(v, bool)}
        values = sorted({v + d for v in ints for d in (-1, 0, 1)} or {0})
    elif spec.kind == "date":
        days = {v for v in literals if isinstance(v, dt.date)}
        step = dt.timedelta(days=1)
        values = sorted({v + d * step for v in days for d in (-1, 0, 1)} or {dt.date(2000, 1, 1)})
    elif spec.kind == "text":
        values = [*sorted(str(v) for v in literals if isinstance(v, str)), "\x00anderer Wert"]
    else:
        values = _list_domain(spec, literals)
        optional = False
    return [*values, None] if optional else values


def _list_domain(spec: FieldSpec, literals: set[Any]) -> list[Any]:
    """Subsets of the items conditions mention (all of them when few, else singletons)."""
    items = sorted((v for v in literals if not isinstance(v, bool)), key=str)
    if len(items) <= 4:
        subsets = [
            tuple(combo)
            for size in range(len(items) + 1)
            for combo in itertools.combinations(items, size)
        ]
    else:
        subsets = [(), *((item,) for item in items), tuple(items)]
    other = next((value for value in spec.values if value not in items), None)
    if other is not None:
        subsets.append((other,))
    return subsets


def _output_values(ruleset: RuleSet, literals: Mapping[str, set[Any]]) -> dict[str, list[Any]]:
    """Values an output can have for later tables: what the rules assign, plus the default."""
    found: dict[str, list[Any]] = {}
    for table in ruleset.tables:
        for name in table.decides:
            if name in LIST_OUTPUTS or name not in OUTPUTS:
                continue
            values = found.setdefault(name, [])
            sets_always = table.hit_policy == "unique"
            for assignments in _assignment_lists(table):
                assignment = next((a for a in assignments if a.output == name), None)
                if assignment is None:
                    sets_always = False
                elif assignment.fact is not None:
                    return_all = _generic(ruleset.catalogue[name], literals.get(name, set()), False)
                    values.extend(v for v in return_all if v not in values)
                elif assignment.constant not in values:
                    values.append(assignment.constant)
            default = OUTPUT_DEFAULTS.get(name)
            if not sets_always and default not in values:
                values.append(default)
    return found


def _assignment_lists(table: Table) -> Iterator[tuple[Any, ...]]:
    for rule in table.rules:
        yield rule.assignments
    if table.otherwise is not None:
        yield table.otherwise.assignments


def _date_combinations(ruleset: RuleSet) -> list[Point]:
    """Date facts for birth dates around every relevant day, on days across the validity."""
    params = ruleset.params
    first = ruleset.valid_from
    last = ruleset.valid_until or first + dt.timedelta(days=365)
    last = min(last, first + dt.timedelta(days=3 * 366))
    days = _reference_days(
        first, last, params.school_year_start, params.stichtag, params.next_school_year_from
    )
    combos: dict[tuple[Any, ...], Point] = {}
    months = params.sek2_boundary_age.months
    for day in days:
        for birth in _birth_days(day, params.stichtag, params.school_year_start, months):
            values = date_values(birth, day, params)
            values["pupil.birth_date"] = birth
            combos.setdefault(tuple(_key(values[name]) for name in sorted(values)), values)
    return list(combos.values())


def _reference_days(
    first: dt.date,
    last: dt.date,
    start: tuple[int, int],
    stichtag: tuple[int, int],
    next_year_from: tuple[int, int],
) -> list[dt.date]:
    days = {first, last}
    for year in range(first.year, last.year + 1):
        for month in range(1, 13):
            days.add(dt.date(year, month, 1))
            days.add(dt.date(year, month, 15))
        for month, day in (start, stichtag, next_year_from):
            anchor = dt.date(year, month, day)
            days.update(anchor + dt.timedelta(days=d) for d in (-1, 0, 1))
    return sorted(day for day in days if first <= day <= last)


def _birth_days(
    day: dt.date, stichtag: tuple[int, int], start: tuple[int, int], months: int = 0
) -> list[dt.date]:
    """Birth dates 0–30 years before ``day`` on the days that change an age or a school year;
    ``months`` (of an age boundary like 15 years and 6 months) adds the days that change it."""
    result: list[dt.date] = []
    anchors = {(1, 1), (12, 31), start, stichtag, (2, 28), (3, 1)}
    for delta in (-1, 0, 1):
        shifted = day + dt.timedelta(days=delta)
        anchors.add((shifted.month, shifted.day))
    for month, mday in (start, stichtag, (day.month, day.day)):
        for delta in (-1, 1):
            shifted = dt.date(2001, month, mday) + dt.timedelta(days=delta)
            anchors.add((shifted.month, shifted.day))
        if months:
            for delta in (-1, 0, 1):
                shifted = add_months(dt.date(2001, month, min(mday, 28)), -months)
                shifted += dt.timedelta(days=delta)
                anchors.add((shifted.month, shifted.day))
    for years in range(0, 31):
        for month, mday in anchors:
            try:
                result.append(dt.date(day.year - years, month, mday))
            except ValueError:
                continue
    return [birth for birth in result if birth <= day]


# ---------------------------------------------------------------------------------------------
# Checks of one table


@dataclass(frozen=True, slots=True)
class _Pair:
    first: Rule
    second: Rule


def _check_table(table: Table, space: _Space) -> list[Problem]:
    problems: list[Problem] = []
    firing = [rule for rule in table.rules if _can_fire(rule, space, problems)]
    for index, second in enumerate(firing):
        for first in firing[:index]:
            problem = _check_pair(_Pair(first, second), table, space)
            if problem is not None:
                problems.append(problem)
    if table.hit_policy == "unique" and table.otherwise is None and firing:
        gap = _gap(table, space)
        if gap is not None:
            problems.append(gap)
    return problems


def _fields(*rules: Rule) -> list[str]:
    names: set[str] = set()
    for rule in rules:
        names |= rule.condition.fields()
    return sorted(names)


def _example(point: Mapping[str, Any], names: Sequence[str]) -> str:
    return ", ".join(f"{name}={_show(point.get(name))}" for name in names)


def _show(value: Any) -> str:
    if isinstance(value, str) and value.startswith("\x00"):
        return "(anderer Wert)"
    if value is None:
        return "(leer)"
    if value == ():
        return "[]"
    return show(value)


def _can_fire(rule: Rule, space: _Space, problems: list[Problem]) -> bool:
    names = _fields(rule)
    if any(rule.predicate(point) for point in space.points(names)):
        return True
    problems.append(
        _problem(
            rule.where,
            "SE-R021",
            f"Regel {rule.id} kann nie greifen: keine Eingabe erfüllt alle Bedingungen. Bitte "
            "entweder die Bedingungen prüfen (Widerspruch?) oder die Regel entfernen",
        )
    )
    return False


def _validity_overlaps(first: Rule, second: Rule) -> bool:
    start = max(first.valid_from or dt.date.min, second.valid_from or dt.date.min)
    end = min(first.valid_until or dt.date.max, second.valid_until or dt.date.max)
    return start <= end


def _check_pair(pair: _Pair, table: Table, space: _Space) -> Problem | None:
    first, second = pair.first, pair.second
    if not _validity_overlaps(first, second):
        return None
    conflict = _scalar_conflict(first, second) if table.hit_policy == "collect" else None
    if table.hit_policy == "collect" and conflict is None:
        return None
    names = _fields(first, second)
    both: Point | None = None
    second_only = False
    for point in space.points(names):
        one, two = first.predicate(point), second.predicate(point)
        if one and two and both is None:
            both = point
        if two and not one:
            second_only = True
        if both is not None and second_only:
            break
    if both is None:
        return None
    example = _example(both, names)
    where = f"{first.id} ({first.where.file}:{first.where.line})"
    if conflict is not None:
        return _problem(
            second.where,
            "SE-R026",
            f"Regeln {where} und {second.id} setzen '{conflict}' verschieden und können beide "
            f"greifen, z. B. bei {example}. Bitte entweder eine Bedingung einschränken oder den "
            "Wert angleichen",
        )
    if not second_only and table.hit_policy == "unique":
        return _problem(
            second.where,
            "SE-R022",
            f"Regel {second.id} ist von Regel {where} verdeckt: wann immer sie zutrifft, trifft "
            f"auch {first.id} zu (z. B. bei {example}). Bitte entweder die Bedingungen "
            "voneinander abgrenzen oder die Regel entfernen",
        )
    return _problem(
        second.where,
        "SE-R020",
        f"Regeln {where} und {second.id} treffen beide zu, z. B. bei {example} (hit_policy: "
        "unique). Bitte entweder eine Bedingung einschränken oder die Regeln zusammenfassen",
    )


def _scalar_conflict(first: Rule, second: Rule) -> str | None:
    values = {a.output: a for a in first.assignments if a.output not in LIST_OUTPUTS}
    for assignment in second.assignments:
        other = values.get(assignment.output)
        if other is None or assignment.output.startswith("why_not."):
            continue
        if (other.fact, other.constant) != (assignment.fact, assignment.constant):
            return assignment.output
    return None


def _gap(table: Table, space: _Space) -> Problem | None:
    names = _fields(*table.rules)
    size = space.size(names)
    if size > MAX_POINTS:
        return _problem(
            table.where,
            "SE-R023",
            f"Tabelle '{table.id}': zu viele Kombinationen ({size}) für die Lückensuche; bitte "
            "'otherwise' angeben, damit ein nicht abgedeckter Fall einen Hinweis bekommt",
            "warning",
        )
    for point in space.points(names):
        if not any(rule.predicate(point) for rule in table.rules):
            return _problem(
                table.where,
                "SE-R023",
                f"Tabelle '{table.id}': keine Regel trifft zu bei {_example(point, names)}. Dann "
                "setzt die Engine NO_RULE_MATCHED. Bitte entweder eine Regel ergänzen oder "
                "'otherwise' angeben",
                "warning",
            )
    return None
