"""The installation key that signs the hidden codes of the Excel templates.

``form template`` writes, on a hidden sheet, which form row feeds which intake field. Anyone can
open that sheet; a plain checksum over it could simply be recomputed after swapping two fields
(the answer to "Vorname" would land in ``family_name``). The codes are therefore signed with an
HMAC-SHA256 under a random key that exists only in this installation's private data directory
(``<data_dir>/form-key``, 32 random bytes, created 0600 on first use).

What this protects: the row-to-field mapping and the form id, version, language and copy of a
template that this installation wrote; a workbook whose codes were edited, or one crafted
elsewhere, is refused. What it does not protect: the visible question texts (anyone can edit
them), the answers (they are untrusted input and validated like every other input), and
confidentiality (nothing is encrypted). Whoever can read the key file can forge codes.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from seiteneinsteiger.errors import FormError
from seiteneinsteiger.fsutil import PRIVATE_FILE_MODE, data_dir

KEY_FILE = "form-key"
_KEY_BYTES = 32


def key_path() -> Path:
    return data_dir() / KEY_FILE


def installation_key() -> bytes:
    """The key of this installation, created on first use.

    Creation is race-free: the key is written to a private temporary file and linked into place,
    so two processes starting at once end up with the same key.
    """
    path = key_path()
    key = _read(path)
    if key is not None:
        return key
    temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(_KEY_BYTES) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    key = _read(path)
    if key is None:  # pragma: no cover - only if someone empties the file in between
        raise FormError(f"Schlüsseldatei {path} ist unlesbar")
    return key


def _read(path: Path) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        raise FormError(
            f"Schlüsseldatei {path} ist unlesbar",
            hint="Die Datei gehört zu dieser Installation; ohne sie lassen sich die Vorlagen "
            "nicht prüfen. Sie darf gelöscht werden: dann entsteht ein neuer Schlüssel, und "
            "früher erzeugte Vorlagen gelten als fremd.",
        ) from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise FormError(
            f"Schlüsseldatei {path} ist beschädigt",
            hint="Löschen Sie die Datei; beim nächsten Aufruf entsteht ein neuer Schlüssel, "
            "früher erzeugte Vorlagen gelten dann als fremd.",
        )
    return key


def key_id(key: bytes) -> str:
    """A short public name of a key: tells "another installation" from "changed codes"."""
    return hashlib.sha256(b"seiteneinsteiger key id\x00" + key).hexdigest()[:12]


def sign(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def verify(key: bytes, payload: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(key, payload), signature)
