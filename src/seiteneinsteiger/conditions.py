"""The closed condition vocabulary shared by rule files and questionnaires.

A condition is a YAML mapping from a field name to a test; all tests must hold::

    when:
      age: {from: 10, to: 15}              # inclusive range
      languages.german: {max: A2}          # ordered code lists compare by rank (none < A1 ...)
      languages.literacy: [none, other_script]   # a list means "one of"
      pupil.residence: state_facility      # a plain value means "equals" (list field: contains)
      support_needs.documented: {contains_any: [hearing, vision]}
      schooling.years: {known: true}
      any_of:                              # at least one of these mappings holds
        - {schooling.years: 0}
        - {schooling.interrupted_years: {min: 2}}

Operators: ``in``, ``not_in``, ``min``, ``max``, ``from``/``to`` (= ``min``/``max``), ``below``,
``above``, ``not``, ``contains``, ``contains_any``, ``contains_all``, ``empty``, ``known``; the
combinators ``any_of``, ``all_of`` and ``none_of`` take lists of condition mappings. There is no
expression language and nothing is ever evaluated as code.

Every field is looked up in a :class:`Catalogue` when a file is loaded: an unknown field, an
operator that does not fit the field's type, or a value outside a code list is an :class:`Issue`
with a did-you-mean, located by its path inside the file. A test on an unknown (``None``) value is
false, except ``known: false`` and ``empty: true``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.dates import german
from seiteneinsteiger.errors import brief

Kind = Literal["enum", "bool", "int", "date", "text", "list"]
COMBINATORS = ("any_of", "all_of", "none_of")
_COMPARISONS = ("min", "max", "from", "to", "below", "above")
_OPERATORS = {
    "enum": {"in", "not_in", "not", "known", *_COMPARISONS},
    "bool": {"not", "known"},
    "int": {"in", "not_in", "not", "known", *_COMPARISONS},
    "date": {"not", "known", *_COMPARISONS},
    "text": {"in", "not_in", "not", "known"},
    "list": {"contains", "contains_any", "contains_all", "empty", "known", "not"},
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A field a condition may test: its type, its allowed values and its German label."""

    name: str
    kind: Kind
    label: str
    values: tuple[str, ...] = ()  # code list of an enum, or of the items of a list field
    ordered: bool = False  # enum values are ranked in the order given
    low: int | None = None
    high: int | None = None

    def rank(self, value: Any) -> Any:
        if self.kind == "enum" and self.ordered:
            return self.values.index(value) if value in self.values else None
        return value


Catalogue = Mapping[str, FieldSpec]


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem in a condition, located by its path inside the file."""

    path: tuple[str | int, ...]
    message: str
    code: str = "SE-C001"


@dataclass(frozen=True, slots=True)
class Test:
    """One field test: ``field`` compared by ``operator`` with ``operand``."""

    field: str
    operator: str
    operand: Any
    path: tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Condition:
    """A parsed condition: all ``tests`` hold and every combinator holds."""

    tests: tuple[Test, ...] = ()
    any_of: tuple[Condition, ...] = ()
    all_of: tuple[Condition, ...] = ()
    none_of: tuple[Condition, ...] = ()

    def fields(self) -> set[str]:
        names = {test.field for test in self.tests}
        for group in (self.any_of, self.all_of, self.none_of):
            for child in group:
                names |= child.fields()
        return names


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a condition did not hold: the first failing test, in German."""

    test: Test | None
    text: str


@dataclass(slots=True)
class Parser:
    """Parses raw condition mappings against a catalogue, collecting issues instead of raising."""

    catalogue: Catalogue
    issues: list[Issue] = field(default_factory=list)

    def parse(self, raw: Any, path: tuple[str | int, ...]) -> Condition:
        if raw is None or raw is True:
            return Condition()
        if not isinstance(raw, Mapping):
            self.issues.append(Issue(path, "Bedingung muss eine Abbildung 'feld: test' sein"))
            return Condition()
        tests: list[Test] = []
        groups: dict[str, list[Condition]] = {name: [] for name in COMBINATORS}
        for key, value in raw.items():
            key_path = (*path, str(key))
            if key in COMBINATORS:
                groups[str(key)] = self._group(value, key_path)
            else:
                tests.extend(self._tests(str(key), value, key_path))
        return Condition(
            tuple(tests),
            tuple(groups["any_of"]),
            tuple(groups["all_of"]),
            tuple(groups["none_of"]),
        )

    def _group(self, value: Any, path: tuple[str | int, ...]) -> list[Condition]:
        if not isinstance(value, list) or not value:
            self.issues.append(Issue(path, "Liste von Bedingungen erwartet"))
            return []
        return [self.parse(item, (*path, index)) for index, item in enumerate(value)]

    def _tests(self, name: str, value: Any, path: tuple[str | int, ...]) -> list[Test]:
        spec = self.catalogue.get(name)
        if spec is None:
            near = suggest(name, list(self.catalogue), cutoff=0.6)
            hint = f"; meinten Sie '{near}'?" if near else ""
            self.issues.append(Issue(path, f"unbekanntes Feld '{name}'{hint}", code="SE-C002"))
            return []
        if isinstance(value, Mapping):
            return [
                self._operator(spec, str(op), operand, (*path, str(op)))
                for op, operand in value.items()
            ]
        if isinstance(value, list):
            operator = "contains_any" if spec.kind == "list" else "in"
            return [self._operator(spec, operator, value, path)]
        operator = "contains" if spec.kind == "list" else "eq"
        return [self._operator(spec, operator, value, path)]

    def _operator(
        self, spec: FieldSpec, operator: str, operand: Any, path: tuple[str | int, ...]
    ) -> Test:
        allowed = _OPERATORS[spec.kind] | {"eq"}
        if operator not in allowed:
            listing = ", ".join(sorted(allowed - {"eq"}))
            self.issues.append(
                Issue(
                    path,
                    f"Operator '{operator}' passt nicht zu Feld '{spec.name}' ({spec.kind}); "
                    f"erlaubt: {listing}",
                    code="SE-C003",
                )
            )
        elif operator in {"known", "empty"}:
            if not isinstance(operand, bool):
                self.issues.append(Issue(path, f"'{operator}' erwartet true oder false"))
        else:
            for item in operand if isinstance(operand, list) else [operand]:
                self._check_value(spec, operator, item, path)
        if operator in _COMPARISONS and spec.kind == "enum" and not spec.ordered:
            self.issues.append(
                Issue(path, f"'{spec.name}' hat keine Reihenfolge; bitte 'in' verwenden", "SE-C003")
            )
        if operator in {"in", "not_in", "contains_any", "contains_all"} and not isinstance(
            operand, list
        ):
            self.issues.append(Issue(path, f"'{operator}' erwartet eine Liste"))
        return Test(spec.name, operator, _normalise(spec, operand), path)

    def _check_value(
        self, spec: FieldSpec, operator: str, value: Any, path: tuple[str | int, ...]
    ) -> None:
        if value is None and operator in {"eq", "not"}:
            return
        if spec.values and spec.kind in {"enum", "list"}:
            if brief(value) not in spec.values:  # never str() of a (possibly huge) list
                near = suggest(brief(value), list(spec.values))
                hint = f"; meinten Sie '{near}'?" if near else ""
                self.issues.append(
                    Issue(
                        path,
                        f"'{brief(value)}' ist kein Wert von '{spec.name}'{hint}. Erlaubt: "
                        + ", ".join(spec.values),
                        code="SE-C004",
                    )
                )
            return
        expected = {"bool": bool, "int": int, "text": str}.get(spec.kind)
        if spec.kind == "date":
            if not _is_date(value):
                self.issues.append(
                    Issue(path, f"Datum JJJJ-MM-TT erwartet, nicht '{brief(value)}'")
                )
        elif expected is int and (isinstance(value, bool) or not isinstance(value, int)):
            self.issues.append(
                Issue(path, f"ganze Zahl erwartet, nicht '{brief(value)}'", "SE-C004")
            )
        elif expected is not None and expected is not int and not isinstance(value, expected):
            self.issues.append(
                Issue(path, f"Wert '{brief(value)}' passt nicht zum Typ {spec.kind}", "SE-C004")
            )


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _normalise(spec: FieldSpec, operand: Any) -> Any:
    if spec.kind == "date" and isinstance(operand, str) and _is_date(operand):
        return dt.date.fromisoformat(operand)
    if isinstance(operand, list):
        return tuple(operand)
    return operand


# ---------------------------------------------------------------------------------------------
# Evaluation


def holds(condition: Condition, facts: Mapping[str, Any], catalogue: Catalogue) -> bool:
    """Whether ``condition`` holds for ``facts``. Pure; never raises for valid conditions."""
    return failure(condition, facts, catalogue) is None


def failure(condition: Condition, facts: Mapping[str, Any], catalogue: Catalogue) -> Failure | None:
    """The first reason ``condition`` does not hold, or ``None`` when it holds."""
    for test in condition.tests:
        if not _test(test, facts.get(test.field), catalogue[test.field]):
            return Failure(
                test, describe_failure(test, facts.get(test.field), catalogue[test.field])
            )
    for child in condition.all_of:
        reason = failure(child, facts, catalogue)
        if reason is not None:
            return reason
    if condition.any_of:
        reasons = [failure(child, facts, catalogue) for child in condition.any_of]
        if all(reason is not None for reason in reasons):
            texts = [reason.text for reason in reasons if reason is not None]
            first = next(reason for reason in reasons if reason is not None)
            return Failure(first.test, " und ".join(texts))
    for child in condition.none_of:
        if failure(child, facts, catalogue) is None:
            return Failure(None, "eine ausgeschlossene Bedingung trifft zu")
    return None


def _test(test: Test, value: Any, spec: FieldSpec) -> bool:
    op, operand = test.operator, test.operand
    if op == "known":
        return (value is not None and value != ()) is operand
    if op == "empty":
        return (not value) is operand
    if value is None:
        return op == "not" and operand is not None
    if op == "eq":
        return bool(value == operand)
    if op == "not":
        return bool(value != operand)
    if op == "in":
        return value in operand
    if op == "not_in":
        return value not in operand
    if op == "contains":
        return operand in value
    if op == "contains_any":
        return any(item in value for item in operand)
    if op == "contains_all":
        return all(item in value for item in operand)
    left, right = spec.rank(value), spec.rank(operand)
    if left is None or right is None:
        return False
    if op in {"min", "from"}:
        return bool(left >= right)
    if op in {"max", "to"}:
        return bool(left <= right)
    if op == "below":
        return bool(left < right)
    if op == "above":
        return bool(left > right)
    raise AssertionError(f"unknown operator {op}")  # pragma: no cover - rejected by the parser


_EXPECT = {
    "eq": "verlangt {operand}",
    "not": "darf nicht {operand} sein",
    "in": "verlangt eines von {operand}",
    "not_in": "darf nicht eines von {operand} sein",
    "min": "verlangt mindestens {operand}",
    "from": "verlangt mindestens {operand}",
    "max": "verlangt höchstens {operand}",
    "to": "verlangt höchstens {operand}",
    "below": "verlangt weniger als {operand}",
    "above": "verlangt mehr als {operand}",
    "contains": "verlangt {operand}",
    "contains_any": "verlangt eines von {operand}",
    "contains_all": "verlangt alle von {operand}",
    "empty": "verlangt {empty}",
    "known": "verlangt {known}",
}


def show(value: Any) -> str:
    """A value as a counsellor reads it: dates German, lists comma-separated, booleans ja/nein."""
    if value is None or value == ():
        return "nicht angegeben"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, dt.date):
        return german(value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(show(item) for item in value) or "keine"
    return str(value)


def describe_failure(test: Test, value: Any, spec: FieldSpec) -> str:
    template = _EXPECT.get(test.operator, "verlangt {operand}")
    text = template.format(
        operand=show(test.operand),
        empty="keinen Eintrag" if test.operand else "einen Eintrag",
        known="eine Angabe" if test.operand else "keine Angabe",
    )
    return f"{spec.label} ist {show(value)}, {text}"


def values_of(condition: Condition) -> dict[str, set[Any]]:
    """Every literal each field is compared with (cut points for static analysis)."""
    found: dict[str, set[Any]] = {}
    for test in condition.tests:
        operands = test.operand if isinstance(test.operand, tuple) else (test.operand,)
        found.setdefault(test.field, set()).update(
            operand
            for operand in operands
            if not isinstance(operand, Sequence) or isinstance(operand, str)
        )
    for group in (condition.any_of, condition.all_of, condition.none_of):
        for child in group:
            for name, values in values_of(child).items():
                found.setdefault(name, set()).update(values)
    return found
