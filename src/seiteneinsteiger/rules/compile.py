"""Compiling merged rules into the form the engine runs (:mod:`.compiled`).

Operands with ``{param: NAME}`` are resolved, conditions parsed against the fact catalogue and
compiled, outputs and flags checked, ``because``/``why_not`` texts split into parts. Problems are
collected, located at ``FILE:LINE:COL``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from seiteneinsteiger.codes import SchoolForm
from seiteneinsteiger.conditions import Condition, FieldSpec, Parser, Test
from seiteneinsteiger.dates import Age
from seiteneinsteiger.errors import brief
from seiteneinsteiger.rules import facts as facts_mod
from seiteneinsteiger.rules.compiled import (
    Assignment,
    Otherwise,
    Rule,
    RuleSet,
    Table,
    Template,
    compile_condition,
    compile_table,
    parse_template,
)
from seiteneinsteiger.rules.layers import Layer, Merged, RawRule, RawTable
from seiteneinsteiger.rules.schema import (
    OtherwiseModel,
    Path_,
    Problems,
    Source,
    did_you_mean,
    source_list,
    validate,
)

# ---------------------------------------------------------------------------------------------
# Compiling rules: operands, conditions, outputs, texts


def _is_param_ref(value: Any) -> bool:
    return (
        isinstance(value, Mapping) and "param" in value and set(value) <= {"param", "plus", "minus"}
    )


@dataclass(slots=True)
class _Compiler:
    """Compiles the merged tables against the effective parameters, flags and catalogue."""

    parameters: dict[str, Any]
    flags: dict[str, str]
    catalogue: dict[str, FieldSpec]
    problems: Problems
    decided: set[str] = field(default_factory=set)  # outputs decided by earlier tables
    scalar_owner: dict[str, str] = field(default_factory=dict)

    # -- operands --------------------------------------------------------------------------

    def resolve(self, value: Any, source: Source, path: Path_) -> Any:
        """Replace every ``{param: NAME, plus/minus: n}`` inside ``value`` by its value."""
        if _is_param_ref(value):
            return self._param(value, source, path)
        if isinstance(value, Mapping):
            return {
                key: self.resolve(item, source, (*path, str(key))) for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.resolve(item, source, (*path, index)) for index, item in enumerate(value)]
        return value

    def _param(self, ref: Mapping[str, Any], source: Source, path: Path_) -> Any:
        name = ref["param"]
        if not isinstance(name, str) or name not in self.parameters:
            self.problems.add(
                source,
                (*path, "param"),
                "SE-R009",
                f"unbekannter Parameter '{name}'{did_you_mean(str(name), list(self.parameters))}",
            )
            return None
        value = self.parameters[name]
        if isinstance(value, Age):
            value = self._age_operand(name, value, source, path)
            if value is None:
                return None
        shift = 0
        for key, sign in (("plus", 1), ("minus", -1)):
            amount = ref.get(key)
            if amount is None:
                continue
            if isinstance(amount, bool) or not isinstance(amount, int):
                self.problems.add(
                    source, (*path, key), "SE-R009", f"'{key}' erwartet eine ganze Zahl"
                )
                return None
            shift += sign * amount
        if shift:
            if isinstance(value, bool) or not isinstance(value, int):
                self.problems.add(
                    source,
                    path,
                    "SE-R009",
                    f"'plus'/'minus' nur bei Parametern mit ganzen Zahlen ('{name}')",
                )
                return None
            return value + shift
        return value

    def _age_operand(self, name: str, age: Age, source: Source, path: Path_) -> int | None:
        """An age parameter as months for an age in months, as years for any other field."""
        field = next((p for p in reversed(path) if p in self.catalogue), None)
        if field in facts_mod.AGE_MONTH_FACTS:
            return age.total_months
        if not age.months and field is not None:
            return age.years
        months = ", ".join(sorted(facts_mod.AGE_MONTH_FACTS))
        self.problems.add(
            source,
            (*path, "param"),
            "SE-R009",
            f"Parameter '{name}' ist ein Alter mit Monaten ({age}); bitte mit einer Angabe in "
            f"Monaten vergleichen ({months})",
        )
        return None

    # -- conditions ------------------------------------------------------------------------

    def condition(self, raw: Any, source: Source, path: Path_) -> Condition:
        before = len(self.problems.items)
        resolved = self.resolve(raw, source, path)
        if len(self.problems.items) > before:
            return Condition()  # an operand could not be resolved: already reported
        parser = Parser(self.catalogue)
        condition = parser.parse(resolved, path)
        for issue in parser.issues:
            key = issue.code == "SE-C002"
            self.problems.add(source, issue.path, issue.code, issue.message, key=key)
        for test in _tests(condition):
            base = facts_mod.OUTPUT_DERIVED.get(test.field, test.field)
            if base in facts_mod.OUTPUTS and base not in self.decided:
                self.problems.add(
                    source,
                    test.path,
                    "SE-R015",
                    f"'{test.field}' ist ein Ergebnis, das keine frühere Tabelle "
                    "festlegt; Bedingungen dürfen nur Ergebnisse früherer Tabellen "
                    "prüfen",
                    key=True,
                )
        return condition

    # -- outputs ---------------------------------------------------------------------------

    def assignments(
        self,
        then: Mapping[str, Any],
        decides: tuple[str, ...],
        source: Source,
        path: Path_,
        label: str,
    ) -> tuple[tuple[Assignment, ...], tuple[str, ...]]:
        assignments: list[Assignment] = []
        flags: tuple[str, ...] = ()
        for name, raw in then.items():
            key_path = (*path, name)
            if name == "flags":
                flags = self.flag_list(raw, source, key_path)
                continue
            spec = facts_mod.output_spec(name, self.flags)
            if spec is None:
                options = [*facts_mod.OUTPUTS, *(f"why_not.{f.value}" for f in SchoolForm)]
                self.problems.add(
                    source,
                    key_path,
                    "SE-R007",
                    f"{label}: unbekanntes Ergebnis '{name}'{did_you_mean(name, options)}",
                    key=True,
                )
                continue
            if name not in decides and not name.startswith(facts_mod.WHY_NOT_PREFIX):
                self.problems.add(
                    source,
                    key_path,
                    "SE-R007",
                    f"{label}: '{name}' steht nicht in 'decides' der Tabelle "
                    f"({', '.join(decides)})",
                    key=True,
                )
                continue
            assignment = self.assignment(spec, raw, source, key_path, label)
            if assignment is not None:
                assignments.append(assignment)
        return tuple(assignments), flags

    def flag_list(self, raw: Any, source: Source, path: Path_) -> tuple[str, ...]:
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            self.problems.add(source, path, "SE-R006", "Liste von Hinweis-Codes erwartet")
            return ()
        for index, flag in enumerate(items):
            if flag not in self.flags:
                self.problems.add(
                    source,
                    (*path, index) if isinstance(raw, list) else path,
                    "SE-R006",
                    f"unbekannter Hinweis '{flag}'{did_you_mean(flag, list(self.flags))}"
                    "; neue Hinweise unter 'flags:' in ruleset.yaml definieren",
                )
        return tuple(dict.fromkeys(items))

    def assignment(
        self, spec: facts_mod.OutputSpec, raw: Any, source: Source, path: Path_, label: str
    ) -> Assignment | None:
        if spec.kind == "text":
            if not isinstance(raw, str):
                self.problems.add(source, path, "SE-R008", f"{label}: Text erwartet")
                return None
            return Assignment(spec.name, template=self.template(raw, source, path))
        if isinstance(raw, Mapping) and set(raw) == {"fact"}:
            return self._fact_assignment(spec, raw["fact"], source, path, label)
        value = self.resolve(raw, source, path)
        checked = _check_output_value(spec, value)
        if isinstance(checked, str):
            self.problems.add(source, path, "SE-R008", f"{label}: {spec.name}: {checked}")
            return None
        return Assignment(spec.name, constant=checked[0])

    def _fact_assignment(
        self, spec: facts_mod.OutputSpec, name: Any, source: Source, path: Path_, label: str
    ) -> Assignment | None:
        fact = self.catalogue.get(name) if isinstance(name, str) else None
        if fact is None:
            self.problems.add(
                source,
                (*path, "fact"),
                "SE-R008",
                f"{label}: unbekannte Angabe '{name}'"
                f"{did_you_mean(str(name), list(self.catalogue))}",
            )
            return None
        base = facts_mod.OUTPUT_DERIVED.get(name, name)
        if base in facts_mod.OUTPUTS and base not in self.decided:
            self.problems.add(
                source,
                (*path, "fact"),
                "SE-R015",
                f"{label}: '{name}' legt keine frühere Tabelle fest",
            )
            return None
        compatible = fact.kind == spec.kind and (
            not spec.values or not fact.values or set(fact.values) <= set(spec.values)
        )
        if not compatible:
            self.problems.add(
                source,
                (*path, "fact"),
                "SE-R008",
                f"{label}: '{name}' ({fact.kind}) passt nicht zu '{spec.name}' ({spec.kind})",
            )
            return None
        return Assignment(spec.name, fact=name)

    def template(self, text: str, source: Source, path: Path_) -> Template:
        template, unknown = parse_template(text, self.catalogue, self.parameters)
        for name in unknown:
            options = [*self.catalogue, *self.parameters]
            self.problems.add(
                source,
                path,
                "SE-R014",
                f"Platzhalter '{{{name}}}' ist weder eine Angabe noch ein Parameter"
                f"{did_you_mean(name, options)}",
            )
        return template


def _tests(condition: Condition) -> Iterator[Test]:
    yield from condition.tests
    for group in (condition.any_of, condition.all_of, condition.none_of):
        for child in group:
            yield from _tests(child)


def _check_output_value(spec: facts_mod.OutputSpec, value: Any) -> tuple[Any] | str:
    """``(normalised value,)`` or a German message."""
    if spec.kind == "list":
        items = value if isinstance(value, list) else [value]
        checked = [_check_scalar(spec, item) for item in items]
        for item in checked:
            if isinstance(item, str):
                return item
        normalised = tuple(dict.fromkeys(item[0] for item in checked if not isinstance(item, str)))
        if spec.name == "school_forms" and "foerderschule" in normalised:
            return (
                "'foerderschule' wird bei der Erstberatung nie empfohlen (AO-SF: fehlende "
                "Deutschkenntnisse begründen keinen sonderpädagogischen Unterstützungsbedarf); "
                "bitte stattdessen den Hinweis AOSF_CHECK setzen"
            )
        return (normalised,)
    return _check_scalar(spec, value)


def _check_scalar(spec: facts_mod.OutputSpec, value: Any) -> tuple[Any] | str:
    if spec.values:
        if value not in spec.values:
            near = did_you_mean(brief(value), list(spec.values))
            return f"'{brief(value)}' ist nicht erlaubt{near}. Erlaubt: {', '.join(spec.values)}"
        return (str(value),)
    if spec.kind == "bool":
        return (
            (value,)
            if isinstance(value, bool)
            else f"true oder false erwartet, nicht '{brief(value)}'"
        )
    if spec.kind == "date":
        try:
            return (dt.date.fromisoformat(str(value)),)
        except ValueError:
            return f"Datum JJJJ-MM-TT erwartet, nicht '{brief(value)}'"
    if isinstance(value, bool) or not isinstance(value, int):
        return f"ganze Zahl erwartet, nicht '{brief(value)}'"
    low, high = spec.low, spec.high
    if (low is not None and value < low) or (high is not None and value > high):
        return f"{value} liegt außerhalb von {low}–{high}"
    return (value,)


# ---------------------------------------------------------------------------------------------
# Compiling tables


def _label(rule: RawRule) -> str:
    return f"Regel {rule.model.id}"


def _check_rule(raw: RawRule, flags: tuple[str, ...], problems: Problems) -> None:
    """A source on every rule, a flag on every discretion rule, a sensible validity."""
    model, source, path = raw.model, raw.source, raw.path
    if not source_list(model.source):
        problems.add(
            source,
            (*path, "id"),
            "SE-R004",
            f"Regel {model.id} hat keine Quelle. Bitte 'source:' mit der Rechtsgrundlage "
            'angeben (z. B. "SchulG NRW § 35 Abs. 1")',
        )
    if model.discretion and not flags:
        problems.add(
            source,
            (*path, "discretion"),
            "SE-R005",
            f"Regel {model.id} ist ein Ermessensfall ('discretion: true') und muss "
            "einen Hinweis setzen (then: flags: [...]), damit ein Mensch entscheidet",
        )
    if model.valid_from and model.valid_until and model.valid_until < model.valid_from:
        problems.add(
            source,
            (*path, "valid_until"),
            "SE-R002",
            f"Regel {model.id}: 'valid_until' liegt vor 'valid_from'",
        )


def _compile_rule(
    raw: RawRule, table: RawTable, decides: tuple[str, ...], compiler: _Compiler
) -> Rule:
    model, source, path = raw.model, raw.source, raw.path
    condition = compiler.condition(model.when, source, (*path, "when"))
    assignments, flags = compiler.assignments(
        model.then, decides, source, (*path, "then"), _label(raw)
    )
    _check_rule(raw, flags, compiler.problems)
    because = compiler.template(model.because, source, (*path, "because"))
    why_not = (
        compiler.template(model.why_not, source, (*path, "why_not"))
        if model.why_not is not None
        else None
    )
    replaced = raw.replaces
    return Rule(
        id=model.id,
        title=model.title or model.id,
        ruleset=raw.ruleset,
        table=table.model.id,
        where=source.where(path),
        condition=condition,
        predicate=compile_condition(condition, compiler.catalogue),
        assignments=assignments,
        flags=flags,
        because=because,
        why_not=why_not,
        sources=source_list(model.source),
        discretion=model.discretion,
        overridable=model.overridable,
        valid_from=model.valid_from,
        valid_until=model.valid_until,
        review_by=model.review_by,
        replaces=replaced.model.id if replaced else None,
        replaced_ruleset=replaced.ruleset if replaced else None,
        replaced_where=replaced.source.where(replaced.path) if replaced else None,
        explain_fields=tuple(sorted({*condition.fields(), *(why_not.names if why_not else ())})),
    )


def _compile_otherwise(
    table: RawTable, decides: tuple[str, ...], compiler: _Compiler
) -> Otherwise | None:
    if table.model.otherwise is None:
        return None
    path = (*table.path, "otherwise")
    model = validate(OtherwiseModel, table.model.otherwise, table.source, path, compiler.problems)
    if model is None:
        return None
    label = f"Tabelle {table.model.id} (otherwise)"
    assignments, flags = compiler.assignments(
        model.then, decides, table.source, (*path, "then"), label
    )
    extra = compiler.flag_list(model.flags, table.source, (*path, "flags"))
    return Otherwise(
        where=table.source.where(path),
        assignments=assignments,
        flags=tuple(dict.fromkeys((*extra, *flags))),
        because=compiler.template(model.because, table.source, (*path, "because")),
        sources=source_list(model.source),
    )


def _check_decides(table: RawTable, compiler: _Compiler) -> tuple[str, ...]:
    decides: list[str] = []
    for index, name in enumerate(table.model.decides):
        path = (*table.path, "decides", index)
        spec = facts_mod.output_spec(name, compiler.flags)
        if spec is None:
            compiler.problems.add(
                table.source,
                path,
                "SE-R007",
                f"unbekanntes Ergebnis '{name}'{did_you_mean(name, list(facts_mod.OUTPUTS))}",
            )
            continue
        if spec.kind != "list" and not name.startswith(facts_mod.WHY_NOT_PREFIX):
            owner = compiler.scalar_owner.get(name)
            if owner is not None:
                compiler.problems.add(
                    table.source,
                    path,
                    "SE-R016",
                    f"'{name}' entscheidet schon die Tabelle '{owner}'; jedes "
                    "einzelne Ergebnis legt genau eine Tabelle fest",
                )
            compiler.scalar_owner.setdefault(name, table.model.id)
        decides.append(name)
    return tuple(decides)


def _compile_table(table: RawTable, compiler: _Compiler) -> Table:
    decides = _check_decides(table, compiler)
    rules = tuple(_compile_rule(rule, table, decides, compiler) for rule in table.rules)
    otherwise = _compile_otherwise(table, decides, compiler)
    compiler.decided.update(decides)
    compiler.decided.add("flags")
    return Table(
        id=table.model.id,
        title=table.model.title or table.model.id,
        ruleset=table.ruleset,
        where=table.source.where(table.path),
        decides=decides,
        hit_policy=table.model.hit_policy,
        rules=rules,
        match=compile_table(rules, compiler.catalogue),
        otherwise=otherwise,
    )


def compile_ruleset(
    chain: list[Layer],
    merged: Merged,
    problems: Problems,
    valid_from: dt.date,
    valid_until: dt.date | None,
) -> RuleSet | None:
    values = {name: parameter.value for name, parameter in merged.parameters.items()}
    catalogue = facts_mod.catalogue(merged.flags)
    catalogue.update({n: f.spec for n, f in facts_mod.parameter_facts(values).items()})
    compiler = _Compiler(values, merged.flags, catalogue, problems)
    tables = tuple(_compile_table(table, compiler) for table in merged.tables)
    if problems.errors:
        return None
    top = chain[-1]
    return RuleSet(
        id=top.id,
        title=top.header.title,
        version=top.header.version,
        extends=tuple(layer.id for layer in reversed(chain[:-1])),
        root=top.root,
        valid_from=valid_from,
        valid_until=valid_until,
        review_by=min(
            (lay.header.review_by for lay in chain if lay.header.review_by), default=None
        ),
        parameters=dict(merged.parameters),
        params=facts_mod.Parameters.from_values(values),
        flags=dict(merged.flags),
        tables=tables,
        catalogue=compiler.catalogue,
        header=top.header_source.where(()),
        versions={layer.id: layer.header.version for layer in chain},
        roots={layer.id: layer.root for layer in chain},
        flag_origins=dict(merged.flag_origin),
        param_facts=facts_mod.parameter_values(values),
        why_not_candidates=_candidates(tables),
    )


def _candidates(tables: tuple[Table, ...]) -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for table in tables:
        for rule in table.rules:
            for form in rule.recommends:
                found.setdefault(form, rule)
    return found
