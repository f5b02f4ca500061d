"""The user's configuration file, ``config.yaml`` in the platform's configuration directory.

Light on purpose (no rule engine, no database library): commands read single keys from it, such as
``district`` (the default rule set), ``database_url`` (the case register) or ``retention_years``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from seiteneinsteiger.errors import InputFileError


def config_dir() -> Path:
    """The user's configuration directory for seiteneinsteiger (platform convention)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if base:
        return Path(base) / "seiteneinsteiger"
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return Path(os.environ.get("APPDATA", Path.home())) / "seiteneinsteiger"
    if sys.platform == "darwin":  # pragma: no cover - exercised on macOS only
        return Path.home() / "Library" / "Application Support" / "seiteneinsteiger"
    return Path.home() / ".config" / "seiteneinsteiger"


def config_file() -> Path:
    return config_dir() / "config.yaml"


def config_value(key: str) -> Any:
    """The value of ``key`` in config.yaml, ``None`` when the file or the key is missing."""
    from seiteneinsteiger.limits import InputKind
    from seiteneinsteiger.yamlsource import parse_yaml, read_text

    path = config_file()
    if not path.is_file():
        return None
    data = parse_yaml(read_text(path, kind=InputKind.CONFIG), str(path)).data
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: Schlüssel und Werte erwartet, z. B. 'district: kreis-unna'")
    return data.get(key)
