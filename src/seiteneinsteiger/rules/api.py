"""The entry point other parts of the product use: loading a rule set, which rule set applies,
and the recommendation.

Loading (:func:`load_ruleset_dir`) reads a rule-set directory and its parents
(:mod:`.layers`, file format in :mod:`.schema`), merges them and compiles the result
(:mod:`.compile`). It collects every problem of every file before it fails, so an administrator
sees all of them in one run.

Which rule set applies, in this order: an explicit rule-set directory (``--rules DIR``), an
explicit district (``--district ID``), the intake's own ``district`` field, and finally the
default district: ``SEITENEINSTEIGER_DISTRICT``, else ``district:`` in the user's
``config.yaml`` (``$XDG_CONFIG_HOME/seiteneinsteiger/``), else ``nrw``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from seiteneinsteiger.config import config_dir as config_dir
from seiteneinsteiger.config import config_file as config_file
from seiteneinsteiger.districts import DISTRICT_ENV as DISTRICT_ENV  # re-exported
from seiteneinsteiger.districts import FALLBACK_DISTRICT as FALLBACK_DISTRICT
from seiteneinsteiger.districts import default_district as default_district
from seiteneinsteiger.errors import Problem, RuleSetError
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.compile import compile_ruleset
from seiteneinsteiger.rules.compiled import RuleSet
from seiteneinsteiger.rules.engine import evaluate
from seiteneinsteiger.rules.layers import builtin_dir as builtin_dir  # re-exported
from seiteneinsteiger.rules.layers import builtin_ids as builtin_ids
from seiteneinsteiger.rules.layers import builtin_root as builtin_root
from seiteneinsteiger.rules.layers import display_prefix, merge, read_chain, validity
from seiteneinsteiger.rules.result import Result
from seiteneinsteiger.rules.schema import HEADER as HEADER
from seiteneinsteiger.rules.schema import Problems


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
    head = f"Der Regelsatz in {display_prefix(root)} enthält {count} Fehler:"
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
    chain = read_chain(root, problems)
    if not chain or chain[0].header.extends is not None:
        return None, problems.items  # the parent chain is broken: nothing to merge onto
    merged = merge(chain, overrides or {}, problems)
    valid_from, valid_until = validity(chain, problems)
    ruleset = compile_ruleset(chain, merged, problems, valid_from, valid_until)
    return ruleset, problems.items


class RuleSetCache:
    """Loaded rule sets, by directory; a rule set is loaded once per process."""

    def __init__(self) -> None:
        self._loaded: dict[tuple[Path, tuple[tuple[str, Any], ...]], RuleSet] = {}
        self._districts: dict[str, RuleSet] = {}  # by id: no directory listing per intake
        self._default: str | None = None  # the default district, read once (env, config.yaml)

    def directory(self, root: Path, overrides: Mapping[str, Any] | None = None) -> RuleSet:
        """The rule set in ``root`` (with open parameters set by ``overrides``, for tests)."""
        frozen = tuple(sorted((k, _hashable(v)) for k, v in (overrides or {}).items()))
        key = (root.resolve(), frozen)
        ruleset = self._loaded.get(key)
        if ruleset is None:
            ruleset = self._loaded[key] = load_ruleset_dir(root, overrides)
        return ruleset

    def district(self, district: str, *, usage: bool = False) -> RuleSet:
        """A built-in rule set by id (``usage``: named on the command line, see builtin_dir)."""
        ruleset = self._districts.get(district)
        if ruleset is None:
            ruleset = self._districts[district] = self.directory(builtin_dir(district, usage=usage))
        return ruleset

    def select(
        self,
        *,
        rules_dir: Path | None = None,
        district: str | None = None,
        intake: Intake | None = None,
    ) -> RuleSet:
        """The rule set for an intake, by the precedence in the module docstring."""
        if rules_dir is not None:
            return self.directory(rules_dir)
        chosen = district or (intake.district if intake is not None else None)
        if chosen is None:
            if self._default is None:  # a broken config.yaml is reported for every intake
                self._default = default_district()
            chosen = self._default
        return self.district(chosen)

    def clear(self) -> None:
        """Forget every loaded rule set and the default district: read them anew when asked."""
        self._loaded.clear()
        self._districts.clear()
        self._default = None


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    return value


DEFAULT_CACHE = RuleSetCache()


def forget_loaded_rules() -> None:
    """Read rule sets and the default district anew from the next call on.

    One command is one process, so a rule set is loaded once per command. A session
    (``seiteneinsteiger session``) runs many commands in one process and calls this between
    them: a rule file or ``config.yaml`` edited during the session counts from the next command.
    """
    DEFAULT_CACHE.clear()


def recommend(
    intake: Intake,
    *,
    source: str | None = None,
    district: str | None = None,
    rules_dir: Path | None = None,
    reference_date: dt.date | None = None,
    cache: RuleSetCache | None = None,
) -> Result:
    """The recommendation for one intake, with the rule set chosen by precedence."""
    ruleset = (cache or DEFAULT_CACHE).select(rules_dir=rules_dir, district=district, intake=intake)
    return evaluate(intake, ruleset, reference_date=reference_date, source=source)


@functools.cache
def builtin_flag_labels() -> dict[str, str]:
    """German labels of the flags the built-in district rule sets add (``flags:`` in ruleset.yaml).

    Exports show these labels instead of the bare code; a flag of an edited copy given with
    ``--rules`` keeps its code.
    """
    from seiteneinsteiger.yamlsource import load_documents

    labels: dict[str, str] = {}
    for ruleset_id in builtin_ids():
        [document] = load_documents(
            builtin_root() / ruleset_id / "ruleset.yaml", kind=InputKind.RULES
        )
        flags = document.data.get("flags") if isinstance(document.data, dict) else None
        if isinstance(flags, dict):
            labels.update({str(code): " ".join(str(text).split()) for code, text in flags.items()})
    return labels
