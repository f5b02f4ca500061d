"""Reading a rule-set directory and merging district layers over their parent.

A district rule set ``extends`` a parent: it may add rules and tables (``add``), replace rules
marked ``overridable`` (``replace``), set parameters marked ``open`` and define new flags. Anything
else is a problem located at ``FILE:LINE:COL``; every problem of every file is collected.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seiteneinsteiger.codes import FLAGS
from seiteneinsteiger.dates import Age
from seiteneinsteiger.districts import rule_set_ids, rules_root
from seiteneinsteiger.errors import InputFileError, RuleSetError, UsageError, brief
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.rules import facts as facts_mod
from seiteneinsteiger.rules.compiled import Parameter
from seiteneinsteiger.rules.schema import (
    HEADER,
    AddModel,
    HeaderModel,
    ParameterModel,
    Path_,
    Problems,
    ReplaceModel,
    RuleModel,
    Source,
    TableFileModel,
    TableModel,
    did_you_mean,
    source_list,
    validate,
)
from seiteneinsteiger.yamlsource import parse_yaml, read_text

# ---------------------------------------------------------------------------------------------
# Reading the layers of a rule set (the rule set and its parents)


@dataclass(slots=True)
class RawRule:
    model: RuleModel
    source: Source
    path: Path_
    ruleset: str
    replaces: RawRule | None = None


@dataclass(slots=True)
class RawTable:
    model: TableModel
    source: Source
    path: Path_
    ruleset: str
    rules: list[RawRule]


@dataclass(slots=True)
class Layer:
    id: str
    root: Path
    header: HeaderModel
    header_source: Source
    files: list[tuple[Source, TableFileModel]]


def builtin_root() -> Path:
    """The directory of the rule sets shipped with the package."""
    return rules_root()


def builtin_ids() -> list[str]:
    """Ids of the built-in rule sets (directories with a ``ruleset.yaml``)."""
    return rule_set_ids(builtin_root())


def builtin_dir(ruleset_id: str, *, usage: bool = False) -> Path:
    """The directory of a built-in rule set; an error with a did-you-mean if there is none.

    ``usage``: the id was given on the command line (exit code 2), not read from an intake.
    """
    known = builtin_ids()
    if ruleset_id not in known:
        error = UsageError if usage else RuleSetError
        raise error(
            f"Für '{ruleset_id}' gibt es keinen Regelsatz{did_you_mean(ruleset_id, known)}",
            hint=f"Vorhandene Regelsätze: {', '.join(known) or 'keine'}. Einen eigenen Regelsatz "
            "mit --rules VERZEICHNIS angeben.",
        )
    return builtin_root() / ruleset_id


def display_prefix(root: Path) -> str:
    """How files of a rule set are named in messages: a path the user can open."""
    if root.parent.resolve() == builtin_root().resolve():
        return f"rules/{root.name}"
    relative = os.path.relpath(root)
    return str(root) if relative.startswith("..") else relative


def _parse(path: Path, display: str, trace: str, problems: Problems) -> Source | None:
    try:
        doc = parse_yaml(read_text(path, display, kind=InputKind.RULES), display)
    except InputFileError as exc:
        where = exc.as_problem(display)
        problems.plain(display, "SE-R001", where.message, where.line, where.column)
        return None
    return Source(doc, display, trace)


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


def _read_layer(root: Path, problems: Problems) -> Layer | None:
    prefix = display_prefix(root)
    trace_prefix = f"{root.parent.name}/{root.name}"
    header_source = _parse(
        root / HEADER, f"{prefix}/{HEADER}", f"{trace_prefix}/{HEADER}", problems
    )
    if header_source is None:
        return None
    header = validate(HeaderModel, header_source.doc.data, header_source, (), problems)
    if header is None:
        return None
    if header.id != root.name:
        problems.add(
            header_source,
            ("id",),
            "SE-R013",
            f"die Kennung '{header.id}' muss dem Verzeichnisnamen '{root.name}' entsprechen",
        )
    files: list[tuple[Source, TableFileModel]] = []
    for path in _table_files(root):
        source = _parse(path, f"{prefix}/{path.name}", f"{trace_prefix}/{path.name}", problems)
        if source is None:
            continue
        model = validate(TableFileModel, source.doc.data, source, (), problems)
        if model is not None:
            files.append((source, model))
    return Layer(header.id, root, header, header_source, files)


def _parent_root(child: Path, parent_id: str) -> Path | None:
    """``extends: nrw`` resolves to a sibling directory first, then to the built-in rule set."""
    for candidate in (child.parent / parent_id, builtin_root() / parent_id):
        if (candidate / HEADER).is_file():
            return candidate
    return None


def read_chain(root: Path, problems: Problems) -> list[Layer]:
    """The layers from the base rule set to ``root`` (parents first)."""
    chain: list[Layer] = []
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
                f"Regelsatz '{parent_id}' nicht gefunden{did_you_mean(parent_id, known)}"
                f" (vorhanden: {', '.join(known) or 'keine'})",
            )
    return chain


# ---------------------------------------------------------------------------------------------
# Merging: parameters, flags, tables


@dataclass(slots=True)
class Merged:
    parameters: dict[str, Parameter] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=lambda: dict(FLAGS))
    flag_origin: dict[str, str] = field(default_factory=dict)
    tables: list[RawTable] = field(default_factory=list)


def _merge_parameters(layer: Layer, merged: Merged, problems: Problems) -> None:
    source = layer.header_source
    for name, raw in layer.header.parameters.items():
        path: Path_ = ("parameters", name)
        decl = validate(ParameterModel, raw, source, path, problems)
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
                f"{did_you_mean(name, list(merged.parameters))}; ein Kreis kann nur "
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
    layer: Layer, name: str, decl: ParameterModel, merged: Merged, problems: Problems
) -> None:
    source = layer.header_source
    path: Path_ = ("parameters", name)
    sources = source_list(decl.source)
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
    name: str, raw: Any, is_age: bool, source: Source, path: Path_, problems: Problems
) -> Any:
    """The value of a parameter; ``{years: 15, months: 6}`` (and any value of an age
    parameter) becomes an :class:`~seiteneinsteiger.dates.Age`, checked at FILE:LINE."""
    if not isinstance(raw, dict) and not is_age:
        return raw
    age = facts_mod.parse_age(raw)
    if isinstance(age, str):
        problems.add(source, (*path, "value"), "SE-R012", f"Parameter '{name}': {age}")
        return None
    return age


_UNREADABLE_AGE = Age(0)  # stands in for a refused age, so that no error follows from it


def _set_parameter(
    layer: Layer,
    name: str,
    decl: ParameterModel,
    existing: Parameter,
    merged: Merged,
    problems: Problems,
) -> None:
    source = layer.header_source
    path: Path_ = ("parameters", name)
    is_age = isinstance(existing.value, Age)
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
    sources = source_list(decl.source)
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
    return str(value) if isinstance(value, Age) else repr(brief(value))


_FLAG_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,59}$")


def _merge_flags(layer: Layer, merged: Merged, problems: Problems) -> None:
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
    items: list[Any], source: Source, path: Path_, ruleset: str, problems: Problems
) -> list[RawRule]:
    rules: list[RawRule] = []
    for index, item in enumerate(items):
        rule_path = (*path, index)
        model = validate(RuleModel, item, source, rule_path, problems)
        if model is not None:
            rules.append(RawRule(model, source, rule_path, ruleset))
    return rules


def _merge_tables(layer: Layer, merged: Merged, problems: Problems) -> None:
    for source, model in layer.files:
        for index, item in enumerate(model.tables):
            path: Path_ = ("tables", index)
            table = validate(TableModel, item, source, path, problems)
            if table is None:
                continue
            if any(existing.model.id == table.id for existing in merged.tables):
                problems.add(
                    source, (*path, "id"), "SE-R011", f"Tabelle '{table.id}' gibt es schon"
                )
                continue
            rules = _raw_rules(table.rules, source, (*path, "rules"), layer.id, problems)
            merged.tables.append(RawTable(table, source, path, layer.id, rules))
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
    layer: Layer, source: Source, model: TableFileModel, merged: Merged, problems: Problems
) -> None:
    tables = {table.model.id: table for table in merged.tables}
    for index, item in enumerate(model.add):
        path: Path_ = ("add", index)
        block = validate(AddModel, item, source, path, problems)
        if block is None:
            continue
        target = tables.get(block.table)
        if target is None:
            problems.add(
                source,
                (*path, "table"),
                "SE-R010",
                f"Tabelle '{block.table}' gibt es nicht{did_you_mean(block.table, list(tables))}",
            )
            continue
        target.rules.extend(_raw_rules(block.rules, source, (*path, "rules"), layer.id, problems))


def _find_rule(merged: Merged, rule_id: str) -> tuple[RawTable, int] | None:
    for table in merged.tables:
        for index, rule in enumerate(table.rules):
            if rule.model.id == rule_id:
                return table, index
    return None


def _apply_replace(
    layer: Layer, source: Source, model: TableFileModel, merged: Merged, problems: Problems
) -> None:
    for index, item in enumerate(model.replace):
        path: Path_ = ("replace", index)
        block = validate(ReplaceModel, item, source, path, problems)
        if block is None:
            continue
        found = _find_rule(merged, block.replaces)
        if found is None:
            known = [rule.model.id for table in merged.tables for rule in table.rules]
            problems.add(
                source,
                (*path, "replaces"),
                "SE-R010",
                f"Regel '{block.replaces}' gibt es nicht{did_you_mean(block.replaces, known)}",
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


def _check_unique_ids(merged: Merged, problems: Problems) -> None:
    seen: dict[str, RawRule] = {}
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
    layer: Layer, overrides: Mapping[str, Any], merged: Merged, problems: Problems
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
        if isinstance(existing.value, Age) or isinstance(value, dict):
            age = facts_mod.parse_age(value)
            value = age if isinstance(existing.value, Age) else value
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


def _check_required_parameters(layer: Layer, merged: Merged, problems: Problems) -> None:
    for name, spec in facts_mod.REQUIRED_PARAMETERS.items():
        if name not in merged.parameters:
            problems.add(
                layer.header_source,
                ("parameters",),
                "SE-R012",
                f"Parameter '{name}' fehlt ({spec.label}); die Regel-Engine braucht ihn",
                key=True,
            )


def merge(chain: list[Layer], overrides: Mapping[str, Any], problems: Problems) -> Merged:
    """Every layer merged over its parent (parents first), then the test overrides applied."""
    merged = Merged()
    for layer in chain:
        _merge_parameters(layer, merged, problems)
        _merge_flags(layer, merged, problems)
        _merge_tables(layer, merged, problems)
    _apply_overrides(chain[-1], overrides, merged, problems)
    _check_required_parameters(chain[0], merged, problems)
    _check_unique_ids(merged, problems)
    return merged


def validity(chain: list[Layer], problems: Problems) -> tuple[dt.date, dt.date | None]:
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
