"""Write a case id the register assigned back into the intake file it came from.

Then the file, the register and the export log name the same case (``export log --case`` finds
exports made from the original file). Counsellors edit intake files by hand, so a YAML file keeps
its comments and layout: one line ``case_id: …`` is inserted after the top-level ``format:`` line
(or before the first top-level key). JSON has no comments: the object is written again with
``case_id`` after ``format`` and the file's indentation. In a JSON Lines batch only the lines of
records that got an id are rewritten, each as one compact line; the other lines stay byte for byte.

The new text is parsed again and must equal the old data plus the id before it replaces the file
(atomically, 0600). A file that cannot be written (read-only, or changed meanwhile) is not an
error: the case is stored, and the caller reports a warning with the id to enter by hand.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from seiteneinsteiger.errors import InputFileError, SeiteneinsteigerError
from seiteneinsteiger.fsutil import atomic_write
from seiteneinsteiger.yamlsource import parse_yaml

_FORMAT_LINE = re.compile(r"^format\s*:.*$", re.MULTILINE)
_TOP_LEVEL_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\s*:", re.MULTILINE)


class WriteBackError(SeiteneinsteigerError):
    """The id could not be written into the file (the case is stored all the same)."""


def write_case_ids(path: Path, assigned: Mapping[int | None, str]) -> None:
    """Insert the ids into ``path``: key ``None`` for a one-document file, else the JSON Lines
    line number (1-based) of the record. Raises :class:`WriteBackError` with a German reason."""
    if not assigned:
        return
    if not os.access(path, os.W_OK):
        raise WriteBackError("die Datei ist schreibgeschützt")
    try:
        raw = path.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise WriteBackError(f"die Datei lässt sich nicht mehr lesen ({exc})") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            new_text = _json_lines(text, assigned)
        elif suffix == ".json":
            new_text = _json(text, assigned[None])
        else:
            new_text = _yaml(text, assigned[None], str(path))
    except (ValueError, KeyError, InputFileError):
        raise WriteBackError("die Datei hat sich inzwischen geändert") from None
    data = ("\ufeff" if bom else "") + new_text
    try:
        with atomic_write(path, force=True) as handle:
            handle.write(data.encode("utf-8"))
    except (SeiteneinsteigerError, OSError) as exc:
        reason = exc.message if isinstance(exc, SeiteneinsteigerError) else str(exc)
        raise WriteBackError(reason) from None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _yaml(text: str, case_id: str, source: str) -> str:
    old = parse_yaml(text, source).data
    if not isinstance(old, dict):
        raise WriteBackError("die Datei enthält keine Abbildung")
    if "case_id" in old:
        raise WriteBackError("die Datei hat inzwischen schon eine case_id")
    newline = _newline(text)
    line = f"case_id: {case_id}"
    found = _FORMAT_LINE.search(text)
    if found is not None:
        end = found.end()
        if text[end : end + 2] == "\r\n":
            end += 2
        elif text[end : end + 1] == "\n":
            end += 1
        else:  # format: is the last line, without a newline
            line = newline + line
        new_text = text[:end] + line + newline + text[end:]
    else:
        first = _TOP_LEVEL_KEY.search(text)
        if first is None:
            raise WriteBackError("die Datei ist nicht in Blockschreibweise (Schlüssel: Wert)")
        new_text = text[: first.start()] + line + newline + text[first.start() :]
    _check(parse_yaml(new_text, source).data, old, case_id)
    return new_text


def _json(text: str, case_id: str) -> str:
    old = json.loads(text)
    if not isinstance(old, dict):
        raise WriteBackError("die Datei enthält kein JSON-Objekt")
    indent = re.search(r"\n([ \t]+)\"", text)
    width: int | str | None = None
    if indent is not None:
        width = len(indent.group(1)) if " " in indent.group(1) else indent.group(1)
    new_text = json.dumps(_with_id(old, case_id), ensure_ascii=False, indent=width)
    if text.endswith(("\n", "\r\n")):
        new_text += _newline(text)
    _check(json.loads(new_text), old, case_id)
    return new_text


def _json_lines(text: str, assigned: Mapping[int | None, str]) -> str:
    lines = text.splitlines(keepends=True)
    for number, case_id in assigned.items():
        if number is None or not 1 <= number <= len(lines):
            raise WriteBackError("die Datei hat sich inzwischen geändert")
        line = lines[number - 1]
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        old = json.loads(body)
        if not isinstance(old, dict) or "case_id" in old:
            raise WriteBackError(f"Zeile {number} hat sich inzwischen geändert")
        new_body = json.dumps(_with_id(old, case_id), ensure_ascii=False)
        _check(json.loads(new_body), old, case_id)
        lines[number - 1] = new_body + ending
    return "".join(lines)


def _with_id(data: dict[str, Any], case_id: str) -> dict[str, Any]:
    """``data`` with ``case_id`` right after ``format`` (or first)."""
    result: dict[str, Any] = {}
    if "format" not in data:
        result["case_id"] = case_id
    for key, value in data.items():
        result[key] = value
        if key == "format":
            result["case_id"] = case_id
    return result


def _check(new: Any, old: dict[str, Any], case_id: str) -> None:
    if new != {**old, "case_id": case_id}:
        raise WriteBackError("die Fallnummer ließ sich nicht sicher einfügen")
