"""The engine as it was before it was made fast (issue 13): the oracle of test_equivalence.py.

It evaluates conditions with the interpreter ``conditions.holds``, computes the facts as they
were computed then (``reference_facts.py``), renders every text at once, explains every why-not
without a cache and validates the result with the pydantic contract model ``Recommendation``.
The optimised engine must produce exactly the same JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from seiteneinsteiger.conditions import (
    failure,
    holds,
    show,
)
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.models.recommendation import Recommendation
from seiteneinsteiger.rules.compiled import Assignment, Rule, RuleSet, Table, Where
from seiteneinsteiger.rules.engine import (  # the helpers that did not change
    _FOERDERSCHULE_WHY_NOT,
    _FORMS,
    _PHASE_STATUS,
    NO_RULE_MATCHED,
    RuleConflictError,
    _forms,
    _overlap,
    _readable,
)
from seiteneinsteiger.rules.facts import (
    LIST_OUTPUTS,
    WHY_NOT_PREFIX,
    school_form_facts,
)

from .reference_facts import compute_facts


def evaluate(
    intake: Intake,
    ruleset: RuleSet,
    *,
    reference_date: dt.date | None = None,
    source: str | None = None,
) -> Recommendation:
    """The recommendation for ``intake`` under ``ruleset`` on ``reference_date``.

    The reference date defaults to the intake date. Raises ``RuleSetNotInForce`` (SE-T001) when
    the rule set is not in force on that date, and :class:`RuleConflictError` when the rule set
    is ambiguous for this intake.
    """
    day = reference_date or intake.intake_date
    ruleset.ensure_in_force(day)
    facts = compute_facts(intake, day, ruleset.params)
    facts.update(ruleset.param_facts)
    facts["flags"] = ()
    run = _Run(ruleset, day, facts)
    for table in ruleset.tables:
        run.table(table)
    return run.result(intake, source)


@dataclass(slots=True)
class _Run:
    ruleset: RuleSet
    day: dt.date
    facts: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    flags: dict[str, None] = field(default_factory=dict)
    trace: list[dict[str, Any]] = field(default_factory=list)
    why_not: dict[str, str] = field(default_factory=dict)

    def table(self, table: Table) -> None:
        facts, day = self.facts, self.day
        matched = [
            rule
            for rule in table.rules
            if holds(rule.condition, facts, self.ruleset.catalogue)
            and (rule.timeless or rule.in_force(day))
        ]
        if len(matched) > 1 and table.hit_policy == "unique":
            raise _overlap(table, matched)
        set_here: dict[str, Rule] = {}
        for rule in matched:
            outcome = self._apply(rule.assignments, rule.flags, set_here, rule)
            because = rule.because.render(facts, outcome)
            self._trace(rule.id, rule.ruleset, rule.where, outcome, because, rule.sources)
        if not matched:
            self._no_match(table)
        outputs = self.outputs
        for name, default in table.defaults:
            value = outputs.get(name, default)
            facts[name] = tuple(value) if type(value) is list else value
        if len(self.flags) != len(facts["flags"]):
            facts["flags"] = tuple(self.flags)
        if table.decides_forms:
            facts.update(school_form_facts(facts["school_forms"], facts["wishes.school_form"]))

    def _no_match(self, table: Table) -> None:
        otherwise = table.otherwise
        if otherwise is not None:
            outcome = self._apply(otherwise.assignments, otherwise.flags, {}, None)
            because = otherwise.because.render(self.facts, outcome)
            rule_id = f"{table.id}/otherwise"
            self._trace(
                rule_id, table.ruleset, otherwise.where, outcome, because, otherwise.sources
            )
        elif table.hit_policy == "unique":
            self.flags[NO_RULE_MATCHED] = None
            because = f"Keine Regel der Tabelle „{table.title}“ trifft zu."
            outcome = {"flags": [NO_RULE_MATCHED]}
            self._trace(f"{table.id}/keine-Regel", table.ruleset, table.where, outcome, because, ())

    def _apply(
        self,
        assignments: tuple[Assignment, ...],
        flags: tuple[str, ...],
        set_here: dict[str, Rule],
        rule: Rule | None,
    ) -> dict[str, Any]:
        outcome: dict[str, Any] = {}
        for assignment in assignments:
            name, value = assignment.output, assignment.value(self.facts)
            if name in LIST_OUTPUTS:
                items = list(value) if value is not None else []
                current = self.outputs.setdefault(name, [])
                current.extend(item for item in items if item not in current)
                value = items
            elif name.startswith(WHY_NOT_PREFIX):
                self.why_not.setdefault(name[len(WHY_NOT_PREFIX) :], value)
            else:
                self._set_scalar(name, value, set_here, rule)
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

    def _trace(
        self,
        rule: str,
        ruleset: str,
        where: Where,
        outcome: dict[str, Any],
        because: str,
        sources: tuple[str, ...],
    ) -> None:
        self.trace.append(
            {
                "rule": rule,
                "ruleset": ruleset,
                "file": where.trace_file,
                "line": where.line,
                "outcome": outcome,
                "because": because,
                "sources": sources,
            }
        )

    def result(self, intake: Intake, source: str | None) -> Recommendation:
        """The recommendation, validated once as a whole (defaults and guards applied)."""
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
        return Recommendation.model_validate(
            {
                "case_id": intake.case_id,
                "source": source,
                "reference_date": self.day,
                "ruleset": ruleset.reference,
                "age": self.facts["age"],
                "schulpflicht": {
                    "status": status,
                    "since": outputs.get("schulpflicht.since"),
                    "starts": outputs.get("schulpflicht.starts"),
                    "until": outputs.get("schulpflicht.until"),
                },
                "stage": stage,
                "school_forms": forms,
                "grade": grade,
                "grade_options": sorted(options),
                "erstfoerderung": outputs.get("erstfoerderung", False),
                "erstalphabetisierung": alpha,
                "bk_ifk": outputs.get("bk_ifk", False),
                "measures": outputs.get("measures", []),
                "flags": list(self.flags),
                "trace": self.trace,
                "why_not": self._why_not(forms),
            }
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
                result[form] = self._explain_now(candidates[form])
            elif form == "foerderschule" and self.facts.get("wishes.school_form") == form:
                result[form] = _FOERDERSCHULE_WHY_NOT
        return result

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
