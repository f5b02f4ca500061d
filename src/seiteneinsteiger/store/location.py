"""Where the case register lives: an SQLite file on this computer, or a PostgreSQL database.

Chosen, in this order, by an explicit target (tests, ``case backup`` copies), the environment
variable ``SEITENEINSTEIGER_DATABASE_URL``, ``database_url:`` in config.yaml, and finally the
embedded default ``<data_dir>/cases.sqlite3``. A URL may hold a password: :attr:`Location.label`
is what messages show, with the password masked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from seiteneinsteiger.config import config_file, config_value
from seiteneinsteiger.fsutil import data_dir
from seiteneinsteiger.store.errors import CaseStoreError

DATABASE_URL_ENV = "SEITENEINSTEIGER_DATABASE_URL"
DB_NAME = "cases.sqlite3"

Backend = Literal["sqlite", "postgresql"]

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_NETLOC_PASSWORD = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://[^:/?#@]*):[^@/?#]*@")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)
_POSTGRES_SCHEMES = {"postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg3"}
_SQLITE_SCHEMES = {"sqlite", "sqlite+pysqlite"}


@dataclass(frozen=True, slots=True)
class Location:
    backend: Backend
    url: str  # the SQLAlchemy URL, with the password: never print it, use ``label``
    path: Path | None = None  # the SQLite file

    @property
    def label(self) -> str:
        """The register as a message names it: the file, or the URL without its password."""
        return str(self.path) if self.path is not None else mask_url(self.url)


def mask_url(url: str) -> str:
    """``postgresql+psycopg://ki:geheim@db/register`` → ``postgresql+psycopg://ki:***@db/register``."""
    masked = _NETLOC_PASSWORD.sub(r"\1:***@", url)
    return _QUERY_PASSWORD.sub(r"\1***", masked)


def default_path() -> Path:
    return data_dir() / DB_NAME


def configured_url() -> tuple[str, str] | None:
    """The configured URL and where it came from (for messages), or ``None`` for the default."""
    from_env = os.environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        return from_env, DATABASE_URL_ENV
    value = config_value("database_url")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise CaseStoreError(
            f"{config_file()}: database_url: Text erwartet, "
            "z. B. 'database_url: postgresql://ki@server/register'"
        )
    return value.strip(), f"database_url in {config_file()}"


def resolve(target: Path | str | None = None) -> Location:
    """The register to open: ``target`` (a file or a URL), else the configured one."""
    if isinstance(target, Path):
        return Location("sqlite", _sqlite_url(target), target)
    if target is not None:
        return from_url(target, "Aufruf")
    configured = configured_url()
    if configured is None:
        path = default_path()
        return Location("sqlite", _sqlite_url(path), path)
    return from_url(*configured)


def from_url(url: str, origin: str) -> Location:
    match = _SCHEME.match(url)
    scheme = match.group(1).lower() if match else ""
    if scheme in _POSTGRES_SCHEMES:
        rest = url[match.end() :] if match else url
        return Location("postgresql", "postgresql+psycopg://" + rest)
    if scheme in _SQLITE_SCHEMES and match:
        name = url[match.end() :]
        if not name.startswith("/") or name in {"/", "/:memory:"}:
            raise CaseStoreError(
                f"{origin}: '{mask_url(url)}' nennt keine Registerdatei",
                hint="Beispiel: sqlite:////home/ki/register/cases.sqlite3 (vier Schrägstriche "
                "vor einem absoluten Pfad).",
            )
        path = Path(name[1:])  # sqlite:///relative, sqlite:////absolute
        return Location("sqlite", _sqlite_url(path), path)
    raise CaseStoreError(
        f"{origin}: '{mask_url(url)}' ist keine unterstützte Datenbankadresse",
        hint="Möglich sind postgresql://BENUTZER@SERVER/DATENBANK oder sqlite:////PFAD/cases.sqlite3.",
    )


def _sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"
