"""The register's errors, and database errors turned into one German line.

A database error's text may quote the statement and its parameters (a child's name): messages
are built from the error class, the SQLSTATE and the driver's primary message only.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from seiteneinsteiger.errors import SeiteneinsteigerError


class CaseStoreError(SeiteneinsteigerError):
    """The case register cannot be opened or changed."""


class CaseNotFoundError(CaseStoreError):
    """No case with this id is in the register."""


class CaseExistsError(CaseStoreError):
    """An intake names a case id that is already in the register."""


_CHECK_URL = "SEITENEINSTEIGER_DATABASE_URL bzw. database_url in config.yaml prüfen."
_RETRY = "In ein paar Sekunden erneut versuchen."


def translate(exc: BaseException, label: str) -> CaseStoreError:
    """One German message for a database error while using the register ``label``."""
    original: Any = getattr(exc, "orig", None) or exc
    if isinstance(original, sqlite3.Error):
        return _sqlite_error(str(original), label)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None or type(original).__module__.startswith("psycopg"):
        return _postgres_error(original, sqlstate, label)
    return CaseStoreError(f"Fallregister {label}: Datenbankfehler ({type(original).__name__})")


def _sqlite_error(text: str, label: str) -> CaseStoreError:
    if "locked" in text or "busy" in text:
        return CaseStoreError(
            f"Das Fallregister {label} ist gerade von einem anderen Programm gesperrt",
            hint=_RETRY,
        )
    if "not a database" in text or "malformed" in text:
        return CaseStoreError(
            f"{label} ist kein lesbares Fallregister (Datei beschädigt?)",
            hint="Aus einer Sicherung wiederherstellen.",
        )
    if "readonly" in text or "unable to open" in text:
        return CaseStoreError(f"Fallregister {label}: keine Schreibberechtigung")
    if "disk is full" in text or "disk I/O" in text:
        return CaseStoreError(f"Fallregister {label}: kein Speicherplatz mehr (oder Schreibfehler)")
    return CaseStoreError(f"Fallregister {label}: Datenbankfehler ({text})")


#: SQLSTATE classes and codes of PostgreSQL (appendix A of its manual).
_POSTGRES_STATES: dict[str, tuple[str, str | None]] = {
    "28P01": (
        "Anmeldung am Datenbankserver fehlgeschlagen: Benutzer oder Passwort falsch",
        _CHECK_URL,
    ),
    "28000": ("Der Datenbankserver lässt diese Anmeldung nicht zu", _CHECK_URL),
    "3D000": ("Diese Datenbank gibt es auf dem Server nicht", _CHECK_URL),
    "42501": (
        "Keine Berechtigung für diese Änderung im Fallregister",
        "Die Datenbank-Verwaltung muss der Rolle die Rechte geben (docs/cli/case.md).",
    ),
    "53100": ("Der Datenbankserver hat keinen Speicherplatz mehr", None),
    "53200": ("Der Datenbankserver hat keinen Arbeitsspeicher mehr", _RETRY),
    "55P03": ("Das Fallregister ist gerade von einem anderen Programm gesperrt", _RETRY),
    "40P01": ("Zwei Änderungen haben sich gegenseitig blockiert; nichts wurde gespeichert", _RETRY),
    "40001": ("Eine gleichzeitige Änderung kam dazwischen; nichts wurde gespeichert", _RETRY),
    "25006": ("Der Datenbankserver nimmt gerade keine Änderungen an (nur lesbar)", None),
    "57P01": ("Der Datenbankserver wurde beendet", _RETRY),
    "57P03": ("Der Datenbankserver startet gerade oder nimmt keine Verbindungen an", _RETRY),
}

_CONNECT_TEXTS: tuple[tuple[str, str], ...] = (
    ("password authentication failed", "28P01"),
    ("no password supplied", "28P01"),
    ("does not exist", "3D000"),
    ("no pg_hba.conf entry", "28000"),
)


def _postgres_error(original: Any, sqlstate: str | None, label: str) -> CaseStoreError:
    text = str(original)
    if sqlstate is None:
        for needle, state in _CONNECT_TEXTS:
            if needle in text:
                sqlstate = "28000" if state == "3D000" and 'role "' in text else state
                break
    if sqlstate in _POSTGRES_STATES:
        message, hint = _POSTGRES_STATES[sqlstate]
        return CaseStoreError(f"{message} ({label})", hint=hint)
    if sqlstate is None or sqlstate.startswith("08"):
        return CaseStoreError(
            f"Der Datenbankserver ist nicht erreichbar ({label})",
            hint="Netzwerk und Server prüfen oder die IT fragen; " + _CHECK_URL,
        )
    primary = getattr(getattr(original, "diag", None), "message_primary", None)
    detail = f"{sqlstate}: {primary}" if primary else sqlstate
    return CaseStoreError(f"Fallregister {label}: Datenbankfehler ({detail})")
