"""Rendering ``rules show`` (the effective rule set with provenance) and ``rules fields``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from seiteneinsteiger.cli.recommend_text import MARKS_LEGEND
from seiteneinsteiger.conditions import FieldSpec
from seiteneinsteiger.dates import Age, german
from seiteneinsteiger.rules.compiled import Parameter, Rule, RuleSet, Table, Where, render_parameter
from seiteneinsteiger.rules.facts import REQUIRED_PARAMETERS, Fact, all_facts

_GROUPS = {
    "intake": "Angaben aus dem Intake",
    "derived": "Abgeleitete Angaben (aus Intake, Bezugsdatum und Parametern berechnet)",
    "output": "Ergebnisse früherer Tabellen",
}
_KINDS = {
    "enum": "Auswahl",
    "bool": "ja/nein",
    "int": "Zahl",
    "date": "Datum",
    "text": "Text",
    "list": "Liste",
}
_OPERATORS = {
    "enum": "gleich, in, not_in, not, known (geordnet auch min, max, from, to, below, above)",
    "bool": "gleich (true/false), not, known",
    "int": "gleich, in, not_in, not, min, max, from, to, below, above, known",
    "date": "min, max, from, to, below, above, not, known",
    "text": "gleich, in, not_in, not, known",
    "list": "enthält (Wert), contains, contains_any, contains_all, empty, known, not",
}


def _date(day: dt.date | None) -> str:
    return german(day) if day else "offen"


def _at(where: Where) -> str:
    return f"{where.file}:{where.line}"


# ---------------------------------------------------------------------------------------------
# show


def show_text(ruleset: RuleSet) -> str:
    lines = [f"Regelsatz {ruleset.id} {ruleset.version} – {ruleset.title}"]
    if ruleset.extends:
        parents = ", ".join(f"{p} {ruleset.versions.get(p, '')}".strip() for p in ruleset.extends)
        lines.append(f"  erweitert: {parents}")
    lines.append(f"  gilt: {_date(ruleset.valid_from)} bis {_date(ruleset.valid_until)}")
    if ruleset.review_by:
        lines.append(f"  prüfen bis: {_date(ruleset.review_by)}")
    lines.append(f"  {MARKS_LEGEND}")
    lines += ["", "Parameter:"]
    lines += [_parameter_text(p) for p in ruleset.parameters.values()]
    if ruleset.flag_origins:
        lines += ["", "Zusätzliche Hinweise:"]
        for code, origin in ruleset.flag_origins.items():
            lines.append(f"  {code} ({origin}): {ruleset.flags[code]}")
    for table in ruleset.tables:
        lines += ["", *_table_text(table)]
    return "\n".join(lines)


def _parameter_text(parameter: Parameter) -> str:
    value = render_parameter(parameter.value)
    text = f"  {parameter.name} = {value} – {parameter.label}"
    origin = f"{parameter.declared_in}, {_at(parameter.declared_where)}"
    if parameter.set_by and parameter.set_where:
        parent = render_parameter(parameter.parent_value)
        text += (
            f"\n      gesetzt von {parameter.set_by} ({_at(parameter.set_where)}); "
            f"Wert in {parameter.declared_in}: {parent}"
        )
    else:
        text += f"\n      aus {origin}{'; offen für Kreise' if parameter.open else ''}"
    if parameter.sources:
        text += f"\n      Quelle: {'; '.join(parameter.sources)}"
    return text


def _table_text(table: Table) -> list[str]:
    lines = [
        f"Tabelle {table.id} – {table.title} ({table.hit_policy}; entscheidet: "
        f"{', '.join(table.decides)}) {_at(table.where)}"
    ]
    for rule in table.rules:
        lines.append(f"  {rule.id} [{rule.ruleset}] {_at(rule.where)}: {rule.title}")
        notes = _rule_notes(rule)
        if notes:
            lines.append(f"      {'; '.join(notes)}")
    if table.otherwise is not None:
        lines.append(
            f"  sonst: Hinweise {', '.join(table.otherwise.flags) or '–'} "
            f"{_at(table.otherwise.where)}"
        )
    return lines


def _rule_notes(rule: Rule) -> list[str]:
    notes = []
    if rule.replaces and rule.replaced_where:
        notes.append(
            f"ersetzt {rule.replaces} ({rule.replaced_ruleset}, {_at(rule.replaced_where)})"
        )
    if rule.overridable:
        notes.append("ersetzbar durch Kreise")
    if rule.discretion:
        notes.append("Ermessen: setzt einen Hinweis")
    if rule.valid_from or rule.valid_until:
        notes.append(f"gilt {_date(rule.valid_from)} bis {_date(rule.valid_until)}")
    if rule.review_by:
        notes.append(f"Quelle prüfen bis {_date(rule.review_by)}")
    return notes


def _where_json(where: Where | None) -> dict[str, Any] | None:
    if where is None:
        return None
    return {"file": where.file, "line": where.line, "column": where.column}


def show_json(ruleset: RuleSet) -> dict[str, Any]:
    return {
        "id": ruleset.id,
        "title": ruleset.title,
        "version": ruleset.version,
        "extends": [{"id": p, "version": ruleset.versions.get(p)} for p in ruleset.extends],
        "valid_from": ruleset.valid_from.isoformat(),
        "valid_until": ruleset.valid_until.isoformat() if ruleset.valid_until else None,
        "review_by": ruleset.review_by.isoformat() if ruleset.review_by else None,
        "parameters": [_parameter_json(p) for p in ruleset.parameters.values()],
        "flags": [
            {"code": code, "label": label, "ruleset": ruleset.flag_origins.get(code)}
            for code, label in ruleset.flags.items()
        ],
        "tables": [_table_json(table) for table in ruleset.tables],
    }


def _parameter_json(parameter: Parameter) -> dict[str, Any]:
    return {
        "name": parameter.name,
        "value": _json_value(parameter.value),
        "label": parameter.label,
        "sources": list(parameter.sources),
        "open": parameter.open,
        "required": parameter.name in REQUIRED_PARAMETERS,
        "declared_in": parameter.declared_in,
        "declared_at": _where_json(parameter.declared_where),
        "set_by": parameter.set_by,
        "set_at": _where_json(parameter.set_where),
        "parent_value": _json_value(parameter.parent_value) if parameter.set_by else None,
    }


def _json_value(value: Any) -> Any:
    """Parameter values as JSON: an age as ``{"years": 15, "months": 6}``."""
    return value.as_dict() if isinstance(value, Age) else value


def _table_json(table: Table) -> dict[str, Any]:
    return {
        "id": table.id,
        "title": table.title,
        "ruleset": table.ruleset,
        "hit_policy": table.hit_policy,
        "decides": list(table.decides),
        "at": _where_json(table.where),
        "otherwise": None
        if table.otherwise is None
        else {"flags": list(table.otherwise.flags), "at": _where_json(table.otherwise.where)},
        "rules": [_rule_json(rule) for rule in table.rules],
    }


def _rule_json(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title,
        "ruleset": rule.ruleset,
        "at": _where_json(rule.where),
        "sources": list(rule.sources),
        "overridable": rule.overridable,
        "discretion": rule.discretion,
        "flags": list(rule.flags),
        "valid_from": rule.valid_from.isoformat() if rule.valid_from else None,
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
        "review_by": rule.review_by.isoformat() if rule.review_by else None,
        "replaces": None
        if rule.replaces is None
        else {
            "id": rule.replaces,
            "ruleset": rule.replaced_ruleset,
            "at": _where_json(rule.replaced_where),
        },
    }


# ---------------------------------------------------------------------------------------------
# fields


def _kind(spec: FieldSpec) -> str:
    if spec.kind == "enum" and spec.ordered:
        return "Stufe, geordnet"
    return _KINDS[spec.kind]


def _values(spec: FieldSpec) -> str:
    if not spec.values:
        if spec.kind == "list":
            return "beliebige Codes"
        if spec.low is not None and spec.high is not None:
            return f"{spec.low}–{spec.high}"
        return ""
    joiner = " < " if spec.ordered else ", "
    return joiner.join(spec.values)


_PARAM_KINDS = {
    "monthday": "MM-TT in Anführungszeichen",
    "int": "Zahl",
    "age": "Alter: Jahre oder {years: J, months: M}",
}


def fields_text() -> str:
    facts = all_facts()
    lines: list[str] = []
    for group, title in _GROUPS.items():
        lines += [title + ":", ""]
        for fact in facts.values():
            if fact.group == group:
                lines += _fact_lines(fact)
        lines.append("")
    lines += ["Vergleiche je Typ (Beispiele: docs/regeln.md):", ""]
    for kind, text in _OPERATORS.items():
        lines.append(f"  {_KINDS[kind]}: {text}")
    lines.append("")
    lines += ["Parameter, die die Regel-Engine braucht (in ruleset.yaml):", ""]
    for spec in REQUIRED_PARAMETERS.values():
        kind = _PARAM_KINDS[spec.kind]
        lines.append(f"  {spec.name} ({kind}): {spec.label}")
    return "\n".join(lines).rstrip()


def _fact_lines(fact: Fact) -> list[str]:
    spec = fact.spec
    values = _values(spec)
    lines = [f"  {spec.name} ({_kind(spec)}): {spec.label}"]
    if values:
        lines.append(f"      Werte: {values}")
    if fact.description:
        lines.append(f"      {fact.description}")
    if fact.source:
        lines.append(f"      Quelle: {'; '.join(fact.source)}")
    return lines


def fields_json() -> dict[str, Any]:
    return {
        "fields": [
            {
                "name": fact.name,
                "group": fact.group,
                "kind": fact.spec.kind,
                "ordered": fact.spec.ordered,
                "label": fact.spec.label,
                "values": list(fact.spec.values),
                "low": fact.spec.low,
                "high": fact.spec.high,
                "operators": _OPERATORS[fact.spec.kind],
                "description": fact.description,
                "sources": list(fact.source),
            }
            for fact in all_facts().values()
        ],
        "parameters": [
            {
                "name": spec.name,
                "kind": spec.kind,
                "label": spec.label,
                "low": spec.low,
                "high": spec.high,
            }
            for spec in REQUIRED_PARAMETERS.values()
        ],
    }
