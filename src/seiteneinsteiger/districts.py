"""Which districts this installation knows, and the district configured for it.

An intake names its district (``district: kreis-mettmann``); the register files the case under
it and the recommendation uses its rule set. A mistyped district (``kreis-metman``) would pass
as a well-formed id and pollute the register, so intakes are checked against the known ones:

* the rule sets installed with the program (``rules/``: ``nrw``, ``kreis-mettmann``, ...),
* the district configured for the installation (``SEITENEINSTEIGER_DISTRICT`` or
  ``district:`` in ``config.yaml``), even without an installed rule set: an installation that
  keeps its own rule set elsewhere and passes it with ``--rules`` is not refused,
* with ``--rules VERZ``: that rule set and the rule sets it extends.

This module is light on purpose (no rule engine): ``intake validate`` uses it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from seiteneinsteiger import DATA_DIR
from seiteneinsteiger.codes import suggest
from seiteneinsteiger.config import config_dir as config_dir  # re-exported
from seiteneinsteiger.config import config_file, config_value
from seiteneinsteiger.errors import InputFileError, UsageError
from seiteneinsteiger.limits import InputKind

DISTRICT_ENV = "SEITENEINSTEIGER_DISTRICT"
FALLBACK_DISTRICT = "nrw"
RULESET_FILE = "ruleset.yaml"


def rules_root() -> Path:
    """The directory of the rule sets shipped with the package."""
    return DATA_DIR / "rules"


def rule_set_ids(root: Path) -> list[str]:
    """Ids of the rule sets below ``root`` (directories with a ``ruleset.yaml``)."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / RULESET_FILE).is_file())


def default_district() -> str:
    """The district used when neither the command line nor the intake names one."""
    value = os.environ.get(DISTRICT_ENV, "").strip()
    if value:
        return value
    configured = config_value("district")
    if configured is None:
        return FALLBACK_DISTRICT
    if not isinstance(configured, str):
        raise InputFileError(
            f"{config_file()}: 'district: <kennung>' erwartet, z. B. 'district: kreis-mettmann'"
        )
    return configured.strip() or FALLBACK_DISTRICT


def known_districts(rules_dir: Path | None = None) -> frozenset[str]:
    """The districts an intake may name (see the module docstring)."""
    known = set(rule_set_ids(rules_root()))
    with contextlib.suppress(InputFileError):  # reported by the commands that read config.yaml
        known.add(default_district())
    if rules_dir is not None:
        known |= _chain(rules_dir)
    return frozenset(known)


def _chain(rules_dir: Path) -> set[str]:
    """The ids of a rule-set directory and of the rule sets it extends (best effort: a broken
    rule set is reported by the rule loader, not here)."""
    from seiteneinsteiger.yamlsource import parse_yaml, read_text

    ids: set[str] = set()
    directory: Path | None = rules_dir
    while directory is not None and len(ids) < 20:
        try:
            text = read_text(directory / RULESET_FILE, kind=InputKind.RULES)
            data = parse_yaml(text, str(directory / RULESET_FILE)).data
        except InputFileError:
            break
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            break
        ids.add(data["id"])
        parent = data.get("extends")
        directory = directory.parent / parent if isinstance(parent, str) else None
    return ids


def unknown_district(district: str, known: frozenset[str]) -> str | None:
    """Why ``district`` is not accepted (with a did-you-mean), or None when it is known."""
    if district in known:
        return None
    listing = sorted(known)
    near = suggest(district, listing, cutoff=0.6)
    hint = f" (meinten Sie '{near}'?)" if near else ""
    return (
        f"unbekannter Kreis '{district}'{hint}; bekannt sind {', '.join(listing)} (ein eigener "
        "Regelsatz: --rules VERZ oder 'district:' in config.yaml)"
    )


def check_district_option(district: str, known: frozenset[str], option: str = "--district") -> str:
    """A district given on the command line: a usage error (exit 2) when it is not known."""
    why = unknown_district(district, known)
    if why is not None:
        raise UsageError(f"{option}: {why}")
    return district
