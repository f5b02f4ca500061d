"""A loaded rule set in the form the engine runs: everything resolved and precomputed.

Conditions are compiled into closures with exactly the semantics of
:func:`seiteneinsteiger.conditions.holds` (a property test keeps the two in step), so that the hot
path never interprets a condition tree. ``because`` texts are split into literal parts and fact
names at load time; parameters are already substituted.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seiteneinsteiger.codes import (
    CERTIFICATE_LABELS,
    LEVEL_LABELS,
    LITERACY_LABELS,
    MATHS_LABELS,
    MEASURE_LABELS,
    NEED_LABELS,
    RESIDENCE_BASIS_LABELS,
    RESIDENCE_LABELS,
    SCHOOL_FORM_LABELS,
    SCHOOL_TYPE_LABELS,
    SCHULPFLICHT_LABELS,
    SCRIPT_LABELS,
    STAGE_LABELS,
    language_name,
)
from seiteneinsteiger.conditions import Condition, FieldSpec, Test, show
from seiteneinsteiger.dates import Age, german, month_day_text
from seiteneinsteiger.errors import RuleSetError
from seiteneinsteiger.rules.facts import (
    LIST_OUTPUTS,
    OUTPUT_DEFAULTS,
    WHY_NOT_PREFIX,
    DateCache,
    Parameters,
)
from seiteneinsteiger.rules.result import RuleSetRef, TraceStep

Facts = Mapping[str, Any]
Predicate = Callable[[Facts], bool]
ValueFn = Callable[[Facts], Any]

# ---------------------------------------------------------------------------------------------
# Conditions


def compile_condition(condition: Condition, catalogue: Mapping[str, FieldSpec]) -> Predicate:
    """A closure that answers ``conditions.holds(condition, facts, catalogue)`` quickly."""
    checks = [_compile_test(test, catalogue[test.field]) for test in condition.tests]
    checks += [compile_condition(child, catalogue) for child in condition.all_of]
    if condition.any_of:
        alternatives = tuple(compile_condition(child, catalogue) for child in condition.any_of)
        checks.append(_any(alternatives))
    if condition.none_of:
        excluded = _any(tuple(compile_condition(child, catalogue) for child in condition.none_of))
        checks.append(lambda facts: not excluded(facts))
    return _all(tuple(checks))


def _all(checks: tuple[Predicate, ...]) -> Predicate:
    """All of ``checks``, short-circuiting; small cases unrolled (this is the hot path)."""
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda facts: first(facts) and second(facts)
    if len(checks) == 3:
        first, second, third = checks
        return lambda facts: first(facts) and second(facts) and third(facts)

    def every(facts: Facts) -> bool:
        for check in checks:  # noqa: SIM110 (a plain loop is faster than all() on a generator)
            if not check(facts):
                return False
        return True

    return every


def _any(checks: tuple[Predicate, ...]) -> Predicate:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda facts: first(facts) or second(facts)

    def some(facts: Facts) -> bool:
        for check in checks:  # noqa: SIM110 (a plain loop is faster than any() on a generator)
            if check(facts):
                return True
        return False

    return some


def _always(facts: Facts) -> bool:
    return True


def _compile_test(test: Test, spec: FieldSpec) -> Predicate:
    name, op, operand = test.field, test.operator, test.operand
    if op == "known":
        return lambda facts: (facts.get(name) not in (None, ())) is operand
    if op == "empty":
        return lambda facts: (not facts.get(name)) is operand
    if op == "not":
        if operand is None:
            return lambda facts: facts.get(name) is not None
        return lambda facts: (value := facts.get(name)) is None or bool(value != operand)
    simple = _simple_test(name, op, operand)
    if simple is not None:
        return simple
    return _comparison(name, op, spec.rank(operand), spec)


def _hashable_set(operand: Any) -> frozenset[Any] | None:
    try:
        items = frozenset(operand)
    except TypeError:
        return None
    return None if None in items else items


def _simple_test(name: str, op: str, operand: Any) -> Predicate | None:
    if op == "eq":
        if operand is None:
            return lambda facts: False
        return lambda facts: bool(facts.get(name) == operand)
    if op in {"in", "not_in"}:
        return _membership(name, op, operand)
    if op == "contains":
        return lambda facts: operand in (facts.get(name) or ())
    wanted = _hashable_set(operand)
    if op == "contains_any":
        if wanted is not None:
            return lambda facts: not wanted.isdisjoint(facts.get(name) or ())
        return lambda facts: any(item in (facts.get(name) or ()) for item in operand)
    if op == "contains_all":
        items = tuple(operand)
        return lambda facts: (
            (value := facts.get(name)) is not None and all(item in value for item in items)
        )
    return None


def _membership(name: str, op: str, operand: Any) -> Predicate:
    members: Any = _hashable_set(operand) or tuple(operand)
    if op == "in":
        return lambda facts: (value := facts.get(name)) is not None and value in members
    return lambda facts: (value := facts.get(name)) is not None and value not in members


def _comparison(name: str, op: str, right: Any, spec: FieldSpec) -> Predicate:
    if right is None:
        return lambda facts: False
    if spec.kind == "enum" and spec.ordered:
        ranks = {value: index for index, value in enumerate(spec.values)}
        compare = _COMPARE[op]

        def ranked(facts: Facts) -> bool:
            left = ranks.get(facts.get(name))  # type: ignore[arg-type]
            return left is not None and compare(left, right)

        return ranked
    if op in {"min", "from"}:
        return lambda facts: (left := facts.get(name)) is not None and left >= right
    if op in {"max", "to"}:
        return lambda facts: (left := facts.get(name)) is not None and left <= right
    if op == "below":
        return lambda facts: (left := facts.get(name)) is not None and left < right
    return lambda facts: (left := facts.get(name)) is not None and left > right


def _ge(left: Any, right: Any) -> bool:
    return bool(left >= right)


def _le(left: Any, right: Any) -> bool:
    return bool(left <= right)


def _lt(left: Any, right: Any) -> bool:
    return bool(left < right)


def _gt(left: Any, right: Any) -> bool:
    return bool(left > right)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "min": _ge,
    "from": _ge,
    "max": _le,
    "to": _le,
    "below": _lt,
    "above": _gt,
}


Matcher = Callable[[Facts, dt.date], "list[Rule]"]


def compile_table(rules: tuple[Rule, ...], catalogue: Mapping[str, FieldSpec]) -> Matcher:
    """``match(facts, day)``: the rules of a table that fire (condition holds, in force on
    ``day``), in table order; one generated Python function for the whole table.

    The generated source holds only names this function makes up (``k0`` for a field name,
    ``c0`` for an operand, ``r0`` for a rule, ``p0`` for a compiled test, ``v0`` for the value
    of a fact, read once at the start) and fixed operators;
    every value written in a rule file stays a Python object in the function's namespace and is
    never part of the source. The tests the generator does not inline call their closure from
    :func:`_compile_test`; a property test keeps the result equal to ``conditions.holds``.
    """
    generator = _TableSource(catalogue)
    body = []
    for rule in rules:
        expression = generator.condition(rule.condition)
        if not rule.timeless:
            expression = f"{expression} and {generator.constant(rule, 'r')}.in_force(day)"
        body += [f"    if {expression}:", f"        m.append({generator.constant(rule, 'r')})"]
    # every fact the table reads, read once (rules of a table mostly test the same facts)
    reads = [f"    {local} = g({key})" for key, local in generator.reads.values()]
    lines = ["def match(f, day):", "    g = f.get", *reads, "    m = []", *body, "    return m"]
    code = compile("\n".join(lines), "<rules: decision table>", "exec")
    exec(code, generator.namespace)
    match: Matcher = generator.namespace["match"]
    return match


class _TableSource:
    """Python expressions for conditions; values go into :attr:`namespace` under made-up names."""

    def __init__(self, catalogue: Mapping[str, FieldSpec]) -> None:
        self.catalogue = catalogue
        self.namespace: dict[str, Any] = {"__builtins__": {}, "_EMPTY": (None, ())}
        self._names: dict[int, str] = {}
        #: by fact: the constant that holds its name (``k0``), the local variable with its value
        self.reads: dict[str, tuple[str, str]] = {}

    def constant(self, value: Any, prefix: str = "c") -> str:
        name = self._names.get(id(value))
        if name is None or self.namespace.get(name) is not value:
            name = f"{prefix}{len(self.namespace)}"
            self._names[id(value)] = name
            self.namespace[name] = value
        return name

    def read(self, name: str) -> str:
        """The local variable that holds the value of the fact ``name``."""
        found = self.reads.get(name)
        if found is None:
            found = self.reads[name] = (self.constant(name, "k"), f"v{len(self.reads)}")
        return found[1]

    def condition(self, condition: Condition) -> str:
        parts = [self.test(test) for test in condition.tests]
        parts += [self.condition(child) for child in condition.all_of]
        if condition.any_of:
            parts.append("(" + " or ".join(map(self.condition, condition.any_of)) + ")")
        if condition.none_of:
            parts.append("not (" + " or ".join(map(self.condition, condition.none_of)) + ")")
        if not parts:
            return "True"
        return "(" + " and ".join(parts) + ")"

    def test(self, test: Test) -> str:
        spec = self.catalogue[test.field]
        op, operand = test.operator, test.operand
        key = self.read(test.field)
        if op in {"known", "empty"}:
            truth = self.constant(operand)
            if op == "known":
                return f"(({key} not in _EMPTY) is {truth})"
            return f"((not {key}) is {truth})"
        if op == "not":
            if operand is None:
                return f"({key} is not None)"
            return f"((_v := {key}) is None or _v != {self.constant(operand)})"
        if op == "eq":
            return "False" if operand is None else f"({key} == {self.constant(operand)})"
        if op in {"in", "not_in"}:
            members = self.constant(_hashable_set(operand) or tuple(operand))
            check = "in" if op == "in" else "not in"
            return f"((_v := {key}) is not None and _v {check} {members})"
        if op == "contains":
            return f"({self.constant(operand)} in ({key} or ()))"
        if op == "contains_any" and _hashable_set(operand) is not None:
            return f"(not {self.constant(_hashable_set(operand))}.isdisjoint({key} or ()))"
        if op in _ORDER:
            right = spec.rank(operand)
            if right is None:
                return "False"
            if spec.kind == "enum" and spec.ordered:
                ranks = self.constant({value: index for index, value in enumerate(spec.values)})
                key = f"{ranks}.get({key})"
            return f"((_v := {key}) is not None and _v {_ORDER[op]} {self.constant(right)})"
        return f"{self.constant(_compile_test(test, spec), 'p')}(f)"


_ORDER = {"min": ">=", "from": ">=", "max": "<=", "to": "<=", "below": "<", "above": ">"}


# ---------------------------------------------------------------------------------------------
# Templates ("because", "why_not")

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


class _LanguageNames(Mapping[str, str]):
    """German language names by code ("ar" → "Arabisch"), looked up on demand and cached."""

    def __getitem__(self, code: str) -> str:
        return _language_name(code)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@functools.cache
def _language_name(code: str) -> str:
    return language_name(code)


_LANGUAGES = _LanguageNames()

#: German labels for coded values, so an explanation reads "Deutsch keine Kenntnisse", not "none".
VALUE_LABELS: dict[str, Mapping[str, str]] = {
    "pupil.first_languages": _LANGUAGES,
    "pupil.residence": RESIDENCE_LABELS,
    "pupil.residence_basis": RESIDENCE_BASIS_LABELS,
    "schooling.foreign_languages": _LANGUAGES,
    "support_needs.indications": NEED_LABELS,
    "support_needs.documented": NEED_LABELS,
    "recommended_school_form": SCHOOL_FORM_LABELS,
    "languages.german": LEVEL_LABELS,
    "languages.english": LEVEL_LABELS,
    "languages.literacy": LITERACY_LABELS,
    "languages.scripts": SCRIPT_LABELS,
    "competences.maths": MATHS_LABELS,
    "schooling.school_type": SCHOOL_TYPE_LABELS,
    "wishes.school_form": SCHOOL_FORM_LABELS,
    "school_forms": SCHOOL_FORM_LABELS,
    "stage": STAGE_LABELS,
    "schulpflicht.status": SCHULPFLICHT_LABELS,
    "measures": MEASURE_LABELS,
    "certificate_kinds": CERTIFICATE_LABELS,
}


def render_value(name: str, value: Any) -> str:
    """A fact value as a counsellor reads it (dates TT.MM.JJJJ, codes by their German label)."""
    if type(value) is dt.date:
        return german(value)
    if type(value) is int:
        return str(value)
    labels = VALUE_LABELS.get(name)
    if labels is not None and value is not None:
        if isinstance(value, tuple | list):
            return ", ".join(labels.get(str(item), str(item)) for item in value) or "keine"
        return labels.get(str(value), str(value))
    return show(value)


def render_parameter(value: Any) -> str:
    """A parameter value in a text: ``"09-30"`` reads as ``30.09.``, an age as ``16 Jahre``."""
    if isinstance(value, Age):
        return str(value)
    if isinstance(value, str):
        return month_day_text(value) or show(value)
    return show(value)


_RENDERED_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Template:
    """A German text with ``{fact}`` placeholders; literal parts and fact names alternate."""

    parts: tuple[tuple[str, str | None], ...]
    names: tuple[str, ...] = field(init=False)  # the placeholders, in order
    constant: str | None = field(init=False)  # the text, when it has no placeholder
    #: texts already rendered, by the values shown (a batch repeats most of them)
    rendered: dict[tuple[Any, ...], str] = field(
        init=False, default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        names = tuple(name for _, name in self.parts if name is not None)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "constant", None if names else "".join(p for p, _ in self.parts))

    def render(self, facts: Facts, first: Facts | None = None) -> str:
        """The text with the values of ``first`` (a rule's own outcome) or else ``facts``."""
        if self.constant is not None:
            return self.constant
        return self.render_values(tuple(map(facts.get, self.names)), first)

    def render_values(self, values: tuple[Any, ...], first: Facts | None = None) -> str:
        """The text with ``values`` (of :attr:`names`, taken earlier), or those of ``first``."""
        if self.constant is not None:
            return self.constant
        if first:
            values = tuple(
                first.get(name, value) for name, value in zip(self.names, values, strict=True)
            )
        cache = self.rendered
        try:
            text = cache.get(values)
        except TypeError:  # a list among the values: render without the cache
            return self._render(values)
        if text is None:
            if len(cache) > _RENDERED_LIMIT:
                cache.clear()
            text = cache[values] = self._render(values)
        return text

    def _render(self, values: tuple[Any, ...]) -> str:
        out: list[str] = []
        index = 0
        for literal, name in self.parts:
            out.append(literal)
            if name is not None:
                out.append(render_value(name, values[index]))
                index += 1
        return "".join(out)


def parse_template(
    text: str, facts: Mapping[str, Any], parameters: Mapping[str, Any]
) -> tuple[Template, list[str]]:
    """Split ``text``; unknown placeholders are returned (by name) instead of raising."""
    parts: list[tuple[str, str | None]] = []
    unknown: list[str] = []
    literal: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        literal.append(text[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in {"{{", "}}"}:
            literal.append(token[0])
            continue
        name = (match.group(1) or "").strip()
        if name in facts:
            parts.append(("".join(literal), name))
            literal = []
        elif name in parameters:
            literal.append(render_parameter(parameters[name]))
        else:
            unknown.append(name)
    literal.append(text[position:])
    parts.append(("".join(literal), None))
    return Template(tuple(parts)), unknown


# ---------------------------------------------------------------------------------------------
# Rules, tables, rule sets


def _text(because: Template) -> str | Template:
    """A text without placeholders as the string itself (nothing to render later)."""
    return because.constant if because.constant is not None else because


@dataclass(frozen=True, slots=True)
class Where:
    """Where something is written: the display path for messages and the trace path."""

    file: str  # as shown in messages (a path the user can open)
    trace_file: str  # "rules/nrw/10-schulpflicht.yaml"
    line: int
    column: int

    def render(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


LIST, WHY_NOT, SCALAR = "list", "why_not", "scalar"  # kinds of output (identity-compared)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One output a rule sets: a constant, or a value read from a fact at evaluation time."""

    output: str
    constant: Any = None
    fact: str | None = None
    template: Template | None = None  # why_not.<form> texts
    kind: str = field(init=False)  # LIST, WHY_NOT or SCALAR: how the engine merges it
    is_constant: bool = field(init=False)  # the value is ``constant``

    def __post_init__(self) -> None:
        object.__setattr__(self, "is_constant", self.template is None and self.fact is None)
        kind = SCALAR
        if self.output in LIST_OUTPUTS:
            kind = LIST
        elif self.output.startswith(WHY_NOT_PREFIX):
            kind = WHY_NOT
        object.__setattr__(self, "kind", kind)

    def value(self, facts: Facts) -> Any:
        if self.template is not None:
            return self.template.render(facts)
        if self.fact is not None:
            return facts.get(self.fact)
        return self.constant


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled rule."""

    id: str
    title: str
    ruleset: str
    table: str
    where: Where
    condition: Condition
    predicate: Predicate
    assignments: tuple[Assignment, ...]
    flags: tuple[str, ...]
    because: Template
    why_not: Template | None
    sources: tuple[str, ...]
    discretion: bool = False
    overridable: bool = False
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    review_by: dt.date | None = None  # its source must be checked again after this day
    replaces: str | None = None  # id of the parent rule this rule replaced
    replaced_ruleset: str | None = None
    replaced_where: Where | None = None
    explain_fields: tuple[str, ...] = ()  # the facts a why-not text of this rule depends on
    timeless: bool = field(init=False)  # no validity dates of its own
    step: TraceStep = field(init=False, compare=False, repr=False)  # its trace entries

    def __post_init__(self) -> None:
        object.__setattr__(self, "timeless", self.valid_from is None and self.valid_until is None)
        step = TraceStep(
            self.id,
            self.ruleset,
            self.where.trace_file,
            self.where.line,
            _text(self.because),
            self.sources,
            constant_outcome=all(assignment.is_constant for assignment in self.assignments),
        )
        object.__setattr__(self, "step", step)

    def in_force(self, day: dt.date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until

    @property
    def recommends(self) -> tuple[str, ...]:
        """School forms this rule puts into ``school_forms`` when it fires (literal lists)."""
        for assignment in self.assignments:
            if assignment.output == "school_forms" and isinstance(assignment.constant, tuple):
                return assignment.constant
        return ()


@dataclass(frozen=True, slots=True)
class Otherwise:
    """What a table does when none of its rules match."""

    where: Where
    assignments: tuple[Assignment, ...]
    flags: tuple[str, ...]
    because: Template
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    title: str
    ruleset: str
    where: Where
    decides: tuple[str, ...]
    hit_policy: str  # "unique" | "collect"
    rules: tuple[Rule, ...]
    #: ``match(facts, day)``: the rules in force on ``day`` whose condition holds, in order
    #: (:func:`compile_table`)
    match: Matcher = field(compare=False, repr=False)
    otherwise: Otherwise | None = None
    #: (output, default) of every decided output, for the facts of later tables
    defaults: tuple[tuple[str, Any], ...] = field(init=False)
    decides_forms: bool = field(init=False)  # recompute the school-form facts after the table
    unique: bool = field(init=False)  # hit policy "unique"
    otherwise_step: TraceStep | None = field(init=False, compare=False, repr=False)
    no_rule_step: TraceStep = field(init=False, compare=False, repr=False)  # NO_RULE_MATCHED

    def __post_init__(self) -> None:
        decided = tuple((name, OUTPUT_DEFAULTS.get(name)) for name in self.decides)
        object.__setattr__(self, "defaults", decided)
        object.__setattr__(self, "decides_forms", "school_forms" in self.decides)
        object.__setattr__(self, "unique", self.hit_policy == "unique")
        otherwise, where = self.otherwise, self.where
        if otherwise is not None:
            step: TraceStep | None = TraceStep(
                f"{self.id}/otherwise",
                self.ruleset,
                otherwise.where.trace_file,
                otherwise.where.line,
                _text(otherwise.because),
                otherwise.sources,
                constant_outcome=all(item.is_constant for item in otherwise.assignments),
            )
        else:
            step = None
        object.__setattr__(self, "otherwise_step", step)
        nothing = f"Keine Regel der Tabelle „{self.title}“ trifft zu."
        no_rule = TraceStep(
            f"{self.id}/keine-Regel",
            self.ruleset,
            where.trace_file,
            where.line,
            nothing,
            constant_outcome=True,
        )
        object.__setattr__(self, "no_rule_step", no_rule)


@dataclass(frozen=True, slots=True)
class Parameter:
    """An effective parameter value and where it comes from."""

    name: str
    value: Any
    label: str
    sources: tuple[str, ...]
    open: bool
    declared_in: str  # rule-set id
    declared_where: Where
    set_by: str | None = None  # district rule-set id that set the value
    set_where: Where | None = None
    parent_value: Any = None  # the value the parent declared, when a district set it


class RuleSetNotInForce(RuleSetError):
    """The rule set is not in force on the reference date (SE-T001)."""

    code: str = "SE-T001"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """An effective, compiled rule set (a district already merged onto its parent)."""

    id: str
    title: str
    version: str
    extends: tuple[str, ...]  # the parent chain, nearest first
    root: Path
    valid_from: dt.date
    valid_until: dt.date | None
    review_by: dt.date | None
    parameters: Mapping[str, Parameter]
    params: Parameters
    flags: Mapping[str, str]  # every flag code with its German label
    tables: tuple[Table, ...]
    catalogue: Mapping[str, FieldSpec]
    header: Where
    versions: Mapping[str, str] = field(default_factory=dict)  # id -> version of every layer
    roots: Mapping[str, Path] = field(default_factory=dict)  # id -> directory of every layer
    flag_origins: Mapping[str, str] = field(default_factory=dict)  # flags a rule set added
    param_facts: Mapping[str, Any] = field(default_factory=dict)  # "param.<name>" -> value
    #: for each school form the first rule (in table order) that would recommend it (why_not)
    why_not_candidates: Mapping[str, Rule] = field(default_factory=dict)
    #: why-not texts already rendered, by rule and the values they depend on (engine cache)
    explained: dict[tuple[Any, ...], str] = field(default_factory=dict, compare=False, repr=False)
    #: the dates of days and birth dates already seen (engine cache)
    dates: DateCache = field(init=False, compare=False, repr=False)
    reference_ref: RuleSetRef = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "dates", DateCache(self.params))
        ref = RuleSetRef(self.id, self.version, tuple(self.extends))
        object.__setattr__(self, "reference_ref", ref)

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def ensure_in_force(self, day: dt.date) -> None:
        if self.in_force(day):
            return
        until = f" bis {show(self.valid_until)}" if self.valid_until else ""
        raise RuleSetNotInForce(
            f"SE-T001: Der Regelsatz '{self.id}' (Version {self.version}) gilt vom "
            f"{show(self.valid_from)}{until}; für den {show(day)} ist kein Regelsatz in Kraft.",
            hint="Bitte ein anderes Bezugsdatum (--reference-date) oder einen passenden "
            "Regelsatz wählen.",
        )

    @property
    def reference(self) -> dict[str, Any]:
        """The ``ruleset`` object of a recommendation."""
        return {"id": self.id, "version": self.version, "extends": list(self.extends)}

    def rules(self) -> tuple[Rule, ...]:
        """Every rule of the effective rule set, in table order."""
        return tuple(rule for table in self.tables for rule in table.rules)
