"""Loading a rule-set directory into a checked, compiled :class:`RuleSet`.

A rule set is a directory with ``ruleset.yaml`` and decision-table files (``*.yaml`` in name order;
``*.tests.yaml`` are tests and skipped). A district rule set ``extends`` a parent: it may add rules
and tables, replace rules marked ``overridable``, set parameters marked ``open`` and define new
flags. Anything else is an error located at ``FILE:LINE:COL``.

Loading collects every problem of every file before it fails, so an administrator sees all of them
in one run. Files are read with the strict YAML loader (no YAML 1.1 surprises, no duplicate keys).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from seiteneinsteiger.codes import FLAGS, SchoolForm, suggest
from seiteneinsteiger.conditions import Condition, FieldSpec, Parser, Test
from seiteneinsteiger.districts import rule_set_ids, rules_root
from seiteneinsteiger.errors import InputFileError, Problem, RuleSetError, UsageError, brief
from seiteneinsteiger.intake_io import explain_validation_error
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.models.types import IsoDate
from seiteneinsteiger.rules import facts as facts_mod
from seiteneinsteiger.rules.compiled import (
    Assignment,
    Otherwise,
    Parameter,
    Rule,
    RuleSet,
    Table,
    Template,
    Where,
    compile_condition,
    parse_template,
)
from seiteneinsteiger.yamlsource import Document, parse_yaml, read_text

FORMAT = "seiteneinsteiger/rules@1"
HEADER = "ruleset.yaml"
Path_ = tuple[str | int, ...]

# ---------------------------------------------------------------------------------------------
# File format (pydantic models; semantic checks follow below)

RuleSetId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,59}$")]
Sources = list[str] | str


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ParameterModel(_Model):
    value: bool | int | str | list[str] | dict[str, Any]
    label: str | None = None
    source: Sources | None = None
    open: bool = False


class HeaderModel(_Model):
    format: Literal["seiteneinsteiger/rules@1"]
    id: RuleSetId
    title: str
    version: str
    extends: RuleSetId | None = None
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    review_by: IsoDate | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    flags: dict[str, str] = Field(default_factory=dict)


class RuleModel(_Model):
    id: Identifier
    title: str | None = None
    overridable: bool = False
    discretion: bool = False
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    review_by: IsoDate | None = None
    when: Any = None
    then: dict[str, Any] = Field(default_factory=dict)
    because: str
    why_not: str | None = None
    source: Sources | None = None


class OtherwiseModel(_Model):
    flags: list[str] = Field(default_factory=list)
    then: dict[str, Any] = Field(default_factory=dict)
    because: str
    source: Sources | None = None


class TableModel(_Model):
    id: Identifier
    title: str | None = None
    decides: list[str]
    hit_policy: Literal["unique", "collect"]
    otherwise: Any = None
    rules: list[Any] = Field(default_factory=list)


class AddModel(_Model):
    table: str
    rules: list[Any]


class ReplaceModel(_Model):
    replaces: str
    rule: Any


class TableFileModel(_Model):
    format: Literal["seiteneinsteiger/rules@1"]
    tables: list[Any] = Field(default_factory=list)
    add: list[Any] = Field(default_factory=list)
    replace: list[Any] = Field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Problems


@dataclass(slots=True)
class _Source:
    """A parsed file of a layer: where it is shown, where the trace points, its document."""

    doc: Document
    display: str
    trace: str

    def where(self, path: Path_) -> Where:
        position = self.doc.locator.find(path)
        line, column = (position.line, position.column) if position else (1, 1)
        return Where(self.display, self.trace, line, column)


@dataclass(slots=True)
class Problems:
    """Collects located problems; never raises."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        source: _Source,
        path: Path_,
        code: str,
        message: str,
        *,
        key: bool = False,
        severity: str = "error",
    ) -> None:
        position = source.doc.locator.find(path, key=key)
        self.items.append(
            Problem(
                file=source.display,
                line=position.line if position else None,
                column=position.column if position else None,
                code=code,
                message=message,
                severity=severity,
            )
        )

    def plain(
        self, file: str, code: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.items.append(Problem(file=file, line=line, column=column, code=code, message=message))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.items if problem.is_error]


def _did_you_mean(name: str, options: list[str]) -> str:
    near = suggest(name, options, cutoff=0.6)
    return f"; meinten Sie '{near}'?" if near and near != name else ""


def _validate(
    model: type[_Model], data: Any, source: _Source, path: Path_, problems: Problems
) -> Any:
    """Validate ``data`` (found at ``path``) against ``model``; problems instead of exceptions."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for loc, message, unknown in explain_validation_error(exc, model, data):
            full = (*path, *loc)
            field_name = ".".join(str(part) for part in loc) or None
            text = f"{field_name}: {message}" if field_name else message
            problems.add(source, full, "SE-R002", text, key=unknown)
        return None


# ---------------------------------------------------------------------------------------------
# Reading the layers of a rule set (the rule set and its parents)


@dataclass(slots=True)
class _RawRule:
    model: RuleModel
    source: _Source
    path: Path_
    ruleset: str
    replaces: _RawRule | None = None


@dataclass(slots=True)
class _RawTable:
    model: TableModel
    source: _Source
    path: Path_
    ruleset: str
    rules: list[_RawRule]


@dataclass(slots=True)
class _Layer:
    id: str
    root: Path
    header: HeaderModel
    header_source: _Source
    files: list[tuple[_Source, TableFileModel]]


def builtin_root() -> Path:
    """The directory of the rule sets shipped with the package."""
    return rules_root()


def builtin_ids() -> list[str]:
    """Ids of the built-in rule sets (directories with a ``ruleset.yaml``)."""
    return rule_set_ids(builtin_root())


def _display_prefix(root: Path) -> str:
    """How files of a rule set are named in messages: a path the user can open."""
    if root.parent.resolve() == builtin_root().resolve():
        return f"rules/{root.name}"
    relative = os.path.relpath(root)
    return str(root) if relative.startswith("..") else relative


def _parse(path: Path, display: str, trace: str, problems: Problems) -> _Source | None:
    try:
        doc = parse_yaml(read_text(path, display, kind=InputKind.RULES), display)
    except InputFileError as exc:
        where = exc.as_problem(display)
        problems.plain(display, "SE-R001", where.message, where.line, where.column)
        return None
    return _Source(doc, display, trace)


def _table_files(root: Path) -> list[Path]:
    return sorted(
        path
        for path in root.iterdir()
        if path.is_file()
        and path.suffix in {".yaml", ".yml"}
        and path.name != HEADER
        and not path.name.endswith((".tests.yaml", ".tests.yml"))
        and not path.name.startswith(".")
    )


def _read_layer(root: Path, problems: Problems) -> _Layer | None:
    prefix = _display_prefix(root)
    trace_prefix = f"{root.parent.name}/{root.name}"
    header_source = _parse(
        root / HEADER, f"{prefix}/{HEADER}", f"{trace_prefix}/{HEADER}", problems
    )
    if header_source is None:
        return None
    header = _validate(HeaderModel, header_source.doc.data, header_source, (), problems)
    if header is None:
        return None
    if header.id != root.name:
        problems.add(
            header_source,
            ("id",),
            "SE-R013",
            f"die Kennung '{header.id}' muss dem Verzeichnisnamen '{root.name}' entsprechen",
        )
    files: list[tuple[_Source, TableFileModel]] = []
    for path in _table_files(root):
        source = _parse(path, f"{prefix}/{path.name}", f"{trace_prefix}/{path.name}", problems)
        if source is None:
            continue
        model = _validate(TableFileModel, source.doc.data, source, (), problems)
        if model is not None:
            files.append((source, model))
    return _Layer(header.id, root, header, header_source, files)


def _parent_root(child: Path, parent_id: str) -> Path | None:
    """``extends: nrw`` resolves to a sibling directory first, then to the built-in rule set."""
    for candidate in (child.parent / parent_id, builtin_root() / parent_id):
        if (candidate / HEADER).is_file():
            return candidate
    return None


def _read_chain(root: Path, problems: Problems) -> list[_Layer]:
    """The layers from the base rule set to ``root`` (parents first)."""
    chain: list[_Layer] = []
    seen: set[Path] = set()
    current: Path | None = root
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            problems.add(
                chain[0].header_source,
                ("extends",),
                "SE-R013",
                "'extends' bildet einen Kreis (Regelsätze erweitern sich gegenseitig)",
            )
            break
        seen.add(resolved)
        layer = _read_layer(current, problems)
        if layer is None:
            break
        chain.insert(0, layer)
        parent_id = layer.header.extends
        if parent_id is None:
            break
        current = _parent_root(current, parent_id)
        if current is None:
            known = builtin_ids()
            problems.add(
                layer.header_source,
                ("extends",),
                "SE-R013",
                f"Regelsatz '{parent_id}' nicht gefunden{_did_you_mean(parent_id, known)}"
                f" (vorhanden: {', '.join(known) or 'keine'})",
            )
    return chain


# ---------------------------------------------------------------------------------------------
# Merging: parameters, flags, tables


def _sources(raw: Sources | None) -> tuple[str, ...]:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    return tuple(item.strip() for item in items if item.strip())


@dataclass(slots=True)
class _Merged:
    parameters: dict[str, Parameter] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=lambda: dict(FLAGS))
    flag_origin: dict[str, str] = field(default_factory=dict)
    tables: list[_RawTable] = field(default_factory=list)


def _merge_parameters(layer: _Layer, merged: _Merged, problems: Problems) -> None:
    source = layer.header_source
    for name, raw in layer.header.parameters.items():
        path: Path_ = ("parameters", name)
        decl = _validate(ParameterModel, raw, source, path, problems)
        if decl is None:
            continue
        existing = merged.parameters.get(name)
        if layer.header.extends is None:
            _declare_parameter(layer, name, decl, merged, problems)
        elif existing is None:
            problems.add(
                source,
                path,
                "SE-R009",
                f"unbekannter Parameter '{name}'"
                f"{_did_you_mean(name, list(merged.parameters))}; ein Kreis kann nur "
                "Parameter setzen, die der übergeordnete Regelsatz als 'open' erklärt",
                key=True,
            )
        elif not existing.open:
            problems.add(
                source,
                path,
                "SE-R012",
                f"Parameter '{name}' ist im Regelsatz '{existing.declared_in}' nicht "
                "offen ('open: true') und kann hier nicht gesetzt werden",
                key=True,
            )
        else:
            _set_parameter(layer, name, decl, existing, merged, problems)


def _declare_parameter(
    layer: _Layer, name: str, decl: ParameterModel, merged: _Merged, problems: Problems
) -> None:
    source = layer.header_source
    path: Path_ = ("parameters", name)
    sources = _sources(decl.source)
    if not sources:
        problems.add(source, path, "SE-R004", f"Parameter '{name}' hat keine Quelle ('source')")
    required = facts_mod.REQUIRED_PARAMETERS.get(name)
    is_age = required is not None and required.kind == "age"
    value = _parameter_value(name, decl.value, is_age, source, path, problems)
    if value is None:
        value = _UNREADABLE_AGE
    elif required is not None:
        message = facts_mod.check_parameter(required, value)
        if message:
            problems.add(source, (*path, "value"), "SE-R012", f"Parameter '{name}': {message}")
    label = decl.label or (required.label if required else name)
    merged.parameters[name] = Parameter(
        name, value, label, sources, decl.open, layer.id, source.where(path)
    )


def _parameter_value(
    name: str, raw: Any, is_age: bool, source: _Source, path: Path_, problems: Problems
) -> Any:
    """The value of a parameter; ``{years: 15, months: 6}`` (and any value of an age
    parameter) becomes an :class:`~seiteneinsteiger.rules.facts.Age`, checked at FILE:LINE."""
    if not isinstance(raw, dict) and not is_age:
        return raw
    age = facts_mod.parse_age(raw)
    if isinstance(age, str):
        problems.add(source, (*path, "value"), "SE-R012", f"Parameter '{name}': {age}")
        return None
    return age


_UNREADABLE_AGE = facts_mod.Age(0)  # stands in for a refused age, so that no error follows from it


def _set_parameter(
    layer: _Layer,
    name: str,
    decl: ParameterModel,
    existing: Parameter,
    merged: _Merged,
    problems: Problems,
) -> None:
    source = layer.header_source
    path: Path_ = ("parameters", name)
    is_age = isinstance(existing.value, facts_mod.Age)
    value = _parameter_value(name, decl.value, is_age, source, path, problems)
    if value is None:
        value = existing.value
    elif type(value) is not type(existing.value):
        problems.add(
            source,
            (*path, "value"),
            "SE-R012",
            f"Parameter '{name}' erwartet denselben Typ wie im Regelsatz "
            f"'{existing.declared_in}' ({_shown(existing.value)})",
        )
    required = facts_mod.REQUIRED_PARAMETERS.get(name)
    message = None
    if required is not None and value is not existing.value:
        message = facts_mod.check_parameter(required, value)
    if message:
        problems.add(source, (*path, "value"), "SE-R012", f"Parameter '{name}': {message}")
    sources = _sources(decl.source)
    if not sources:
        problems.add(
            source,
            path,
            "SE-R004",
            f"Parameter '{name}': bitte die Quelle des Kreises angeben ('source')",
        )
    if decl.open:
        problems.add(
            source,
            (*path, "open"),
            "SE-R012",
            "'open' kann nur der Regelsatz setzen, der den Parameter erklärt",
        )
    merged.parameters[name] = Parameter(
        name,
        value,
        existing.label,
        sources or existing.sources,
        True,
        existing.declared_in,
        existing.declared_where,
        layer.id,
        source.where(path),
        existing.value,
    )


def _shown(value: Any) -> str:
    """A parameter value in a message: an age as written ("15 Jahre 6 Monate"), else bounded."""
    return str(value) if isinstance(value, facts_mod.Age) else repr(brief(value))


_FLAG_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,59}$")


def _merge_flags(layer: _Layer, merged: _Merged, problems: Problems) -> None:
    source = layer.header_source
    for code, label in layer.header.flags.items():
        path: Path_ = ("flags", code)
        if code in FLAGS:
            problems.add(
                source,
                path,
                "SE-R017",
                f"Hinweis '{code}' gehört zum Hinweiskatalog des Landes (rules show) und darf "
                "nicht neu definiert werden",
                key=True,
            )
        elif code in merged.flag_origin:
            problems.add(
                source,
                path,
                "SE-R017",
                f"Hinweis '{code}' ist schon im Regelsatz '{merged.flag_origin[code]}' definiert",
                key=True,
            )
        elif not _FLAG_CODE.match(code):
            problems.add(
                source,
                path,
                "SE-R017",
                f"Hinweis '{code}': nur Großbuchstaben, Ziffern und '_' (z. B. GO_IN_REGELKLASSE)",
                key=True,
            )
        else:
            merged.flags[code] = label
            merged.flag_origin[code] = layer.id


def _raw_rules(
    items: list[Any], source: _Source, path: Path_, ruleset: str, problems: Problems
) -> list[_RawRule]:
    rules: list[_RawRule] = []
    for index, item in enumerate(items):
        rule_path = (*path, index)
        model = _validate(RuleModel, item, source, rule_path, problems)
        if model is not None:
            rules.append(_RawRule(model, source, rule_path, ruleset))
    return rules


def _merge_tables(layer: _Layer, merged: _Merged, problems: Problems) -> None:
    for source, model in layer.files:
        for index, item in enumerate(model.tables):
            path: Path_ = ("tables", index)
            table = _validate(TableModel, item, source, path, problems)
            if table is None:
                continue
            if any(existing.model.id == table.id for existing in merged.tables):
                problems.add(
                    source, (*path, "id"), "SE-R011", f"Tabelle '{table.id}' gibt es schon"
                )
                continue
            rules = _raw_rules(table.rules, source, (*path, "rules"), layer.id, problems)
            merged.tables.append(_RawTable(table, source, path, layer.id, rules))
    for source, model in layer.files:
        if (model.add or model.replace) and layer.header.extends is None:
            key = "add" if model.add else "replace"
            problems.add(
                source,
                (key,),
                "SE-R010",
                f"'{key}' gibt es nur in einem Regelsatz mit 'extends' (Kreis/Stadt); "
                "eigene Regeln bitte in 'tables' schreiben",
                key=True,
            )
            continue
        _apply_add(layer, source, model, merged, problems)
        _apply_replace(layer, source, model, merged, problems)


def _apply_add(
    layer: _Layer, source: _Source, model: TableFileModel, merged: _Merged, problems: Problems
) -> None:
    tables = {table.model.id: table for table in merged.tables}
    for index, item in enumerate(model.add):
        path: Path_ = ("add", index)
        block = _validate(AddModel, item, source, path, problems)
        if block is None:
            continue
        target = tables.get(block.table)
        if target is None:
            problems.add(
                source,
                (*path, "table"),
                "SE-R010",
                f"Tabelle '{block.table}' gibt es nicht{_did_you_mean(block.table, list(tables))}",
            )
            continue
        target.rules.extend(_raw_rules(block.rules, source, (*path, "rules"), layer.id, problems))


def _find_rule(merged: _Merged, rule_id: str) -> tuple[_RawTable, int] | None:
    for table in merged.tables:
        for index, rule in enumerate(table.rules):
            if rule.model.id == rule_id:
                return table, index
    return None


def _apply_replace(
    layer: _Layer, source: _Source, model: TableFileModel, merged: _Merged, problems: Problems
) -> None:
    for index, item in enumerate(model.replace):
        path: Path_ = ("replace", index)
        block = _validate(ReplaceModel, item, source, path, problems)
        if block is None:
            continue
        found = _find_rule(merged, block.replaces)
        if found is None:
            known = [rule.model.id for table in merged.tables for rule in table.rules]
            problems.add(
                source,
                (*path, "replaces"),
                "SE-R010",
                f"Regel '{block.replaces}' gibt es nicht{_did_you_mean(block.replaces, known)}",
            )
            continue
        table, position = found
        old = table.rules[position]
        if old.ruleset == layer.id:
            problems.add(
                source,
                (*path, "replaces"),
                "SE-R010",
                f"Regel '{block.replaces}' gehört zu diesem Regelsatz; bitte direkt ändern",
            )
            continue
        if not old.model.overridable:
            where = old.source.where(old.path)
            problems.add(
                source,
                (*path, "replaces"),
                "SE-R010",
                f"Regel '{block.replaces}' ({where.render()}) ist nicht als "
                "'overridable: true' markiert und kann nicht ersetzt werden. Bitte "
                "entweder eine Regel ergänzen ('add') oder die Landesregel ändern lassen",
            )
            continue
        rules = _raw_rules([block.rule], source, (*path, "rule"), layer.id, problems)
        if rules:
            rules[0].replaces = old
            table.rules[position] = rules[0]


def _check_unique_ids(merged: _Merged, problems: Problems) -> None:
    seen: dict[str, _RawRule] = {}
    for table in merged.tables:
        for rule in table.rules:
            first = seen.get(rule.model.id)
            if first is not None:
                where = first.source.where(first.path)
                problems.add(
                    rule.source,
                    (*rule.path, "id"),
                    "SE-R011",
                    f"Regel-ID '{rule.model.id}' gibt es schon ({where.render()})",
                )
            else:
                seen[rule.model.id] = rule


def _apply_overrides(
    layer: _Layer, overrides: Mapping[str, Any], merged: _Merged, problems: Problems
) -> None:
    """Values for open parameters given from outside (a rule test's ``parameters:``)."""
    file = layer.header_source.display
    for name, value in overrides.items():
        existing = merged.parameters.get(name)
        if existing is None or not existing.open:
            state = "unbekannt" if existing is None else "nicht offen ('open: true')"
            problems.plain(
                file,
                "SE-R012",
                f"Parameter '{name}' ist {state} und kann im Testfall nicht gesetzt werden",
            )
            continue
        if isinstance(existing.value, facts_mod.Age) or isinstance(value, dict):
            age = facts_mod.parse_age(value)
            value = age if isinstance(existing.value, facts_mod.Age) else value
            if isinstance(age, str):
                problems.plain(file, "SE-R012", f"Parameter '{name}': {age}")
                continue
        if type(value) is not type(existing.value):
            problems.plain(
                file,
                "SE-R012",
                f"Parameter '{name}' erwartet denselben Typ wie "
                f"im Regelsatz ({_shown(existing.value)}), nicht {_shown(value)}",
            )
            continue
        merged.parameters[name] = Parameter(
            name,
            value,
            existing.label,
            existing.sources,
            True,
            existing.declared_in,
            existing.declared_where,
            "Testfall",
            None,
            existing.value,
        )


def _check_required_parameters(layer: _Layer, merged: _Merged, problems: Problems) -> None:
    for name, spec in facts_mod.REQUIRED_PARAMETERS.items():
        if name not in merged.parameters:
            problems.add(
                layer.header_source,
                ("parameters",),
                "SE-R012",
                f"Parameter '{name}' fehlt ({spec.label}); die Regel-Engine braucht ihn",
                key=True,
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

    def resolve(self, value: Any, source: _Source, path: Path_) -> Any:
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

    def _param(self, ref: Mapping[str, Any], source: _Source, path: Path_) -> Any:
        name = ref["param"]
        if not isinstance(name, str) or name not in self.parameters:
            self.problems.add(
                source,
                (*path, "param"),
                "SE-R009",
                f"unbekannter Parameter '{name}'{_did_you_mean(str(name), list(self.parameters))}",
            )
            return None
        value = self.parameters[name]
        if isinstance(value, facts_mod.Age):
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

    def _age_operand(
        self, name: str, age: facts_mod.Age, source: _Source, path: Path_
    ) -> int | None:
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

    def condition(self, raw: Any, source: _Source, path: Path_) -> Condition:
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
        source: _Source,
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
                    f"{label}: unbekanntes Ergebnis '{name}'{_did_you_mean(name, options)}",
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

    def flag_list(self, raw: Any, source: _Source, path: Path_) -> tuple[str, ...]:
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
                    f"unbekannter Hinweis '{flag}'{_did_you_mean(flag, list(self.flags))}"
                    "; neue Hinweise unter 'flags:' in ruleset.yaml definieren",
                )
        return tuple(dict.fromkeys(items))

    def assignment(
        self, spec: facts_mod.OutputSpec, raw: Any, source: _Source, path: Path_, label: str
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
        self, spec: facts_mod.OutputSpec, name: Any, source: _Source, path: Path_, label: str
    ) -> Assignment | None:
        fact = self.catalogue.get(name) if isinstance(name, str) else None
        if fact is None:
            self.problems.add(
                source,
                (*path, "fact"),
                "SE-R008",
                f"{label}: unbekannte Angabe '{name}'"
                f"{_did_you_mean(str(name), list(self.catalogue))}",
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

    def template(self, text: str, source: _Source, path: Path_) -> Template:
        template, unknown = parse_template(text, self.catalogue, self.parameters)
        for name in unknown:
            options = [*self.catalogue, *self.parameters]
            self.problems.add(
                source,
                path,
                "SE-R014",
                f"Platzhalter '{{{name}}}' ist weder eine Angabe noch ein Parameter"
                f"{_did_you_mean(name, options)}",
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
            near = _did_you_mean(brief(value), list(spec.values))
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


def _label(rule: _RawRule) -> str:
    return f"Regel {rule.model.id}"


def _check_rule(raw: _RawRule, flags: tuple[str, ...], problems: Problems) -> None:
    """A source on every rule, a flag on every discretion rule, a sensible validity."""
    model, source, path = raw.model, raw.source, raw.path
    if not _sources(model.source):
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
    raw: _RawRule, table: _RawTable, decides: tuple[str, ...], compiler: _Compiler
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
        sources=_sources(model.source),
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
    table: _RawTable, decides: tuple[str, ...], compiler: _Compiler
) -> Otherwise | None:
    if table.model.otherwise is None:
        return None
    path = (*table.path, "otherwise")
    model = _validate(OtherwiseModel, table.model.otherwise, table.source, path, compiler.problems)
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
        sources=_sources(model.source),
    )


def _check_decides(table: _RawTable, compiler: _Compiler) -> tuple[str, ...]:
    decides: list[str] = []
    for index, name in enumerate(table.model.decides):
        path = (*table.path, "decides", index)
        spec = facts_mod.output_spec(name, compiler.flags)
        if spec is None:
            compiler.problems.add(
                table.source,
                path,
                "SE-R007",
                f"unbekanntes Ergebnis '{name}'{_did_you_mean(name, list(facts_mod.OUTPUTS))}",
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


def _compile_table(table: _RawTable, compiler: _Compiler) -> Table:
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
        otherwise=otherwise,
    )


# ---------------------------------------------------------------------------------------------
# Public entry points


def _validity(chain: list[_Layer], problems: Problems) -> tuple[dt.date, dt.date | None]:
    """The intersection of the validity periods of all layers."""
    starts = [layer.header.valid_from for layer in chain if layer.header.valid_from]
    ends = [layer.header.valid_until for layer in chain if layer.header.valid_until]
    base = chain[0]
    if base.header.valid_from is None:
        problems.add(
            base.header_source,
            (),
            "SE-R002",
            "valid_from: Pflichtfeld fehlt (Datum, ab dem der Regelsatz gilt)",
        )
    valid_from = max(starts) if starts else dt.date.min
    valid_until = min(ends) if ends else None
    for layer in chain:
        header = layer.header
        if header.valid_from and header.valid_until and header.valid_until < header.valid_from:
            problems.add(
                layer.header_source,
                ("valid_until",),
                "SE-R002",
                "'valid_until' liegt vor 'valid_from'",
            )
    return valid_from, valid_until


def load_ruleset_dir(root: Path, overrides: Mapping[str, Any] | None = None) -> RuleSet:
    """Load, merge and compile the rule set in ``root``; raise :class:`RuleSetError` on problems.

    ``overrides`` sets open parameters (rule tests use it to cover district variants).
    """
    ruleset, problems = _load(root, overrides or {})
    errors = [problem for problem in problems if problem.is_error]
    if ruleset is None or errors:
        raise _error(root, errors or problems)
    return ruleset


def load_with_problems(root: Path) -> tuple[RuleSet | None, list[Problem]]:
    """Like :func:`load_ruleset_dir`, but returns every problem (errors and warnings)."""
    return _load(root)


def _error(root: Path, problems: list[Problem]) -> RuleSetError:
    count = len(problems)
    head = f"Der Regelsatz in {_display_prefix(root)} enthält {count} Fehler:"
    lines = "\n".join(problem.render() for problem in problems)
    return RuleSetError(
        f"{head}\n{lines}",
        hint="Die Regeldatei-Formate beschreibt docs/regeln.md; "
        "'seiteneinsteiger rules check' prüft einen Regelsatz.",
        problems=problems,
    )


def _load(
    root: Path, overrides: Mapping[str, Any] | None = None
) -> tuple[RuleSet | None, list[Problem]]:
    problems = Problems()
    if not (root / HEADER).is_file():
        problems.plain(
            str(root), "SE-R013", f"kein Regelsatz: '{HEADER}' fehlt in diesem Verzeichnis"
        )
        return None, problems.items
    chain = _read_chain(root, problems)
    if not chain or chain[0].header.extends is not None:
        return None, problems.items  # the parent chain is broken: nothing to merge onto
    merged = _Merged()
    for layer in chain:
        _merge_parameters(layer, merged, problems)
        _merge_flags(layer, merged, problems)
        _merge_tables(layer, merged, problems)
    _apply_overrides(chain[-1], overrides or {}, merged, problems)
    _check_required_parameters(chain[0], merged, problems)
    _check_unique_ids(merged, problems)
    valid_from, valid_until = _validity(chain, problems)
    ruleset = _compile(chain, merged, problems, valid_from, valid_until)
    return ruleset, problems.items


def _compile(
    chain: list[_Layer],
    merged: _Merged,
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


def builtin_dir(ruleset_id: str, *, usage: bool = False) -> Path:
    """The directory of a built-in rule set; an error with a did-you-mean if there is none.

    ``usage``: the id was given on the command line (exit code 2), not read from an intake.
    """
    known = builtin_ids()
    if ruleset_id not in known:
        error = UsageError if usage else RuleSetError
        raise error(
            f"Für '{ruleset_id}' gibt es keinen Regelsatz{_did_you_mean(ruleset_id, known)}",
            hint=f"Vorhandene Regelsätze: {', '.join(known) or 'keine'}. Einen eigenen Regelsatz "
            "mit --rules VERZEICHNIS angeben.",
        )
    return builtin_root() / ruleset_id
