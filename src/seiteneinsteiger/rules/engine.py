"""Evaluating a compiled rule set for one intake: pure and deterministic.

Tables run in order. Under ``unique`` at most one rule may match (two matches are an error that
``rules check`` finds statically); under ``collect`` every matching rule fires, list outputs are
concatenated without duplicates, and two different values for a single output are an error. After
each table its outputs become facts for the tables that follow.

Outputs no table sets take the defaults of recommendation-format.md. A required output that no rule
decides (``schulpflicht.status``, ``stage``) is never silently defaulted: the engine raises
``NO_RULE_MATCHED`` so that a person decides.

This is the hot path of ``recommend`` and the exports (see benchmarks/recommend_bench.py): each
table matches its rules with one generated function (:mod:`.compiled`), ``because`` texts are
rendered when they are read, the date facts of a day and of a birth date are cached per rule set,
and the result is a plain :class:`~seiteneinsteiger.rules.result.Result` (validated against the
contract model in the tests, not per intake).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from seiteneinsteiger.codes import (
    Erstalphabetisierung,
    Measure,
    SchoolForm,
    SchulpflichtStatus,
    Stage,
)
from seiteneinsteiger.conditions import Failure, FieldSpec, Test, describe_failure, failure, show
from seiteneinsteiger.errors import RuleSetError
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.compiled import (
    LIST,
    VALUE_LABELS,
    WHY_NOT,
    Assignment,
    Rule,
    RuleSet,
    Table,
)
from seiteneinsteiger.rules.facts import (
    WHY_NOT_PREFIX,
    compute_facts,
    school_form_facts,
)
from seiteneinsteiger.rules.result import Result, Schulpflicht, TraceEntry, TraceStep, member_lookup

NO_RULE_MATCHED = "NO_RULE_MATCHED"
_FORMS = tuple(form.value for form in SchoolForm)
_PHASE_STATUS = {
    "before_start": "not_yet",
    "vollzeit": "schulpflichtig",
    "sek2": "schulpflichtig",
    "ended": "no_longer",
}
_FOERDERSCHULE_WHY_NOT = (
    "Eine Förderschule wird bei der Erstberatung nicht empfohlen: fehlende Deutschkenntnisse, "
    "fehlender Schulbesuch oder fehlende Alphabetisierung begründen keinen sonderpädagogischen "
    "Unterstützungsbedarf (AO-SF; in der gelesenen Fassung § 18 Abs. 1)."
)
_STATUS = member_lookup(SchulpflichtStatus)
_STAGE = member_lookup(Stage)
_FORM = member_lookup(SchoolForm)
_MEASURE = member_lookup(Measure)
_ALPHA = member_lookup(Erstalphabetisierung)


class RuleConflictError(RuleSetError):
    """Two rules of a ``unique`` table matched (SE-T002), or two collect rules set a single
    output to different values (SE-T003)."""

    def __init__(self, message: str, *, code: str, hint: str | None = None) -> None:
        super().__init__(f"{code}: {message}", hint=hint)
        self.code = code


def evaluate(
    intake: Intake,
    ruleset: RuleSet,
    *,
    reference_date: dt.date | None = None,
    source: str | None = None,
) -> Result:
    """The recommendation for ``intake`` under ``ruleset`` on ``reference_date``.

    The reference date defaults to the intake date. Raises ``RuleSetNotInForce`` (SE-T001) when
    the rule set is not in force on that date, and :class:`RuleConflictError` when the rule set
    is ambiguous for this intake.
    """
    day = reference_date or intake.intake_date
    ruleset.ensure_in_force(day)
    facts = compute_facts(intake, day, ruleset.params, ruleset.dates)
    facts.update(ruleset.param_facts)
    facts["flags"] = ()
    run = _Run(ruleset, day, facts)
    run.tables(ruleset.tables)
    return run.result(intake, source)


class _Run:
    __slots__ = ("day", "facts", "flags", "outputs", "ruleset", "trace", "why_not")

    def __init__(self, ruleset: RuleSet, day: dt.date, facts: dict[str, Any]) -> None:
        self.ruleset, self.day, self.facts = ruleset, day, facts
        self.outputs: dict[str, Any] = {}
        self.flags: dict[str, None] = {}
        self.trace: list[TraceEntry] = []
        self.why_not: dict[str, str] = {}

    def tables(self, tables: tuple[Table, ...]) -> None:
        """Run the tables in order (the hot loop: names bound locally)."""
        facts, day, outputs, flags, trace = (
            self.facts,
            self.day,
            self.outputs,
            self.flags,
            self.trace,
        )
        apply, get, setdefault = self._apply, facts.get, facts.setdefault
        for table in tables:
            matched = table.match(facts, day)
            if matched:
                if table.unique and len(matched) > 1:
                    raise _overlap(table, matched)
                set_here: dict[str, Rule] = {}
                for rule in matched:
                    if rule.assignments:
                        outcome = apply(rule.assignments, rule.flags, set_here, rule)
                    else:  # flags only (half the rules of the NRW rule set)
                        for flag in rule.flags:
                            flags[flag] = None
                        outcome = {"flags": list(rule.flags)} if rule.flags else {}
                    step = rule.step  # values that later tables change are taken now
                    changing = step.changing
                    taken = tuple(map(get, changing)) if changing else ()
                    trace.append(TraceEntry((step, outcome, facts, taken)))
            elif table.otherwise is not None or table.unique:
                self._no_match(table)
            if matched or table.otherwise is not None:
                for name, default in table.defaults:
                    value = outputs.get(name, default)
                    facts[name] = tuple(value) if type(value) is list else value
            else:
                # No output set. Only the tables that decide an output set it (the compiler
                # refuses anything else), and each copies it into the facts, so its fact is
                # already what this copy would give; an output no table has set yet gets its
                # default.
                for name, default in table.defaults:
                    setdefault(name, default)
            if len(flags) != len(facts["flags"]):
                facts["flags"] = tuple(flags)
            if table.decides_forms:
                facts.update(school_form_facts(facts["school_forms"], facts["wishes.school_form"]))

    def _no_match(self, table: Table) -> None:
        otherwise = table.otherwise
        if otherwise is not None:
            assert table.otherwise_step is not None
            outcome = self._apply(otherwise.assignments, otherwise.flags, {}, None)
            self._trace(table.otherwise_step, outcome)
        elif table.unique:
            self.flags[NO_RULE_MATCHED] = None
            self._trace(table.no_rule_step, {"flags": [NO_RULE_MATCHED]})

    def _trace(self, step: TraceStep, outcome: dict[str, Any]) -> None:
        """One trace entry; its text is rendered when read, with the values of now."""
        taken = tuple(map(self.facts.get, step.changing))
        self.trace.append(TraceEntry((step, outcome, self.facts, taken)))

    def _apply(
        self,
        assignments: tuple[Assignment, ...],
        flags: tuple[str, ...],
        set_here: dict[str, Rule],
        rule: Rule | None,
    ) -> dict[str, Any]:
        outcome: dict[str, Any] = {}
        facts, outputs = self.facts, self.outputs
        for assignment in assignments:
            name, kind = assignment.output, assignment.kind
            value = assignment.constant if assignment.is_constant else assignment.value(facts)
            if kind is LIST:
                items = list(value) if value is not None else []
                current = outputs.setdefault(name, [])
                current.extend(item for item in items if item not in current)
                value = items
            elif kind is WHY_NOT:
                self.why_not.setdefault(name[len(WHY_NOT_PREFIX) :], value)
            elif name in set_here:
                self._set_scalar(name, value, set_here, rule)
            else:
                outputs[name] = value
                if rule is not None:
                    set_here[name] = rule
            outcome[name] = value
        if flags:
            for flag in flags:
                self.flags[flag] = None
            outcome["flags"] = list(flags)
        return outcome

    def _set_scalar(
        self, name: str, value: Any, set_here: dict[str, Rule], rule: Rule | None
    ) -> None:
        earlier = set_here.get(name)
        if earlier is not None and rule is not None and self.outputs.get(name) != value:
            raise RuleConflictError(
                f"Regeln {earlier.id} ({earlier.where.render()}) und {rule.id} "
                f"({rule.where.render()}) setzen '{name}' auf verschiedene Werte "
                f"({show(self.outputs.get(name))} / {show(value)})",
                code="SE-T003",
                hint="Bitte eine der Bedingungen einschränken ('rules check' zeigt solche Fälle).",
            )
        self.outputs[name] = value
        if rule is not None:
            set_here[name] = rule

    def result(self, intake: Intake, source: str | None) -> Result:
        """The recommendation, with the defaults and guards of the contract applied."""
        outputs, ruleset = self.outputs, self.ruleset
        status = outputs.get("schulpflicht.status")
        if status is None:
            self.flags[NO_RULE_MATCHED] = None
            status = _PHASE_STATUS[self.facts["schulpflicht_phase"]]
        stage = outputs.get("stage")
        if stage is None:
            self.flags[NO_RULE_MATCHED] = None
            stage = "none"
        forms = _forms(stage, outputs.get("school_forms", ()))
        grade = outputs.get("grade")
        options = set(outputs.get("grade_options", ()))
        if grade is not None:
            options.add(grade)
        alpha = outputs.get("erstalphabetisierung", "n/a")
        if stage == "none" or grade == 1:
            alpha = "n/a"
        return Result(
            case_id=intake.case_id,
            source=source,
            reference_date=self.day,
            ruleset=ruleset.reference_ref,
            age=self.facts["age"],
            schulpflicht=Schulpflicht(
                _STATUS[status],
                outputs.get("schulpflicht.since"),
                outputs.get("schulpflicht.starts"),
                outputs.get("schulpflicht.until"),
            ),
            stage=_STAGE[stage],
            school_forms=[_FORM[form] for form in forms],
            grade=grade,
            grade_options=sorted(options),
            erstfoerderung=outputs.get("erstfoerderung", False),
            erstalphabetisierung=_ALPHA[alpha],
            bk_ifk=outputs.get("bk_ifk", False),
            measures=[_MEASURE[measure] for measure in outputs.get("measures", ())],
            flags=list(self.flags),
            trace=self.trace,
            why_not=lambda: self._why_not(forms),  # computed when read
        )

    def _why_not(self, recommended: list[str]) -> dict[str, str]:
        result: dict[str, str] = {}
        candidates = self.ruleset.why_not_candidates
        for form in _FORMS:
            if form in recommended:
                continue
            if form in self.why_not:
                result[form] = self.why_not[form]
            elif form in candidates:
                result[form] = self._explain(candidates[form])
            elif form == "foerderschule" and self.facts.get("wishes.school_form") == form:
                result[form] = _FOERDERSCHULE_WHY_NOT
        return result

    def _explain(self, rule: Rule) -> str:
        """Why ``rule`` did not recommend its forms; cached by the values the text depends on."""
        facts = self.facts
        key = (
            rule.id,
            rule.timeless or rule.in_force(self.day),
            *map(facts.get, rule.explain_fields),
        )
        cache = self.ruleset.explained
        text = cache.get(key)
        if text is None:
            if len(cache) > _CACHE_LIMIT:
                cache.clear()
            text = cache[key] = self._explain_now(rule)
        return text

    def _explain_now(self, rule: Rule) -> str:
        suffix = f" (Regel {rule.id})"
        if rule.why_not is not None:
            text = rule.why_not.render(self.facts).rstrip()
            if rule.id in text:
                return text
            return f"{text[:-1]}{suffix}." if text.endswith(".") else text + suffix
        if not rule.in_force(self.day):
            start = show(rule.valid_from) if rule.valid_from else "…"
            end = show(rule.valid_until) if rule.valid_until else "…"
            return f"die Regel gilt nur vom {start} bis {end}{suffix}"
        reason = failure(rule.condition, self.facts, self.ruleset.catalogue)
        if reason is None:
            return f"eine andere Regel derselben Tabelle hat entschieden{suffix}"
        return _readable(reason, self.facts, self.ruleset.catalogue) + suffix


_CACHE_LIMIT = 100_000


def _forms(stage: str, forms: Any) -> list[str]:
    """Recommended school forms: none without a stage, and never a Förderschule (§ 18 AO-SF)."""
    if stage == "none":
        return []
    return [form for form in forms if form != "foerderschule"]


def _readable(reason: Failure, facts: Mapping[str, Any], catalogue: Mapping[str, FieldSpec]) -> str:
    """The failure text with German labels for coded values ("keine Kenntnisse", not "none")."""
    test = reason.test
    if test is None:
        return reason.text
    spec = catalogue[test.field]
    value = facts.get(test.field)
    if reason.text != describe_failure(test, value, spec):
        return reason.text  # a combined text (any_of): keep it as it is
    labelled = Test(test.field, test.operator, _label(test.field, test.operand), test.path)
    return describe_failure(labelled, _label(test.field, value), spec)


def _label(name: str, value: Any) -> Any:
    labels = VALUE_LABELS.get(name)
    if labels is None or value is None or isinstance(value, bool):
        return value
    if isinstance(value, tuple | list):
        return tuple(labels.get(str(item), str(item)) for item in value)
    return labels.get(str(value), str(value))


def _overlap(table: Table, matched: list[Rule]) -> RuleConflictError:
    names = ", ".join(f"{rule.id} ({rule.where.render()})" for rule in matched)
    return RuleConflictError(
        f"In der Tabelle '{table.id}' (hit_policy: unique) treffen mehrere Regeln zu: {names}",
        code="SE-T002",
        hint="Bitte die Bedingungen so einschränken, dass höchstens eine Regel zutrifft "
        "('seiteneinsteiger rules check' findet solche Überschneidungen).",
    )
