"""Case ids: ``<PREFIX>-<YEAR>-<NNNN>``, counted per district prefix and counselling year."""

from __future__ import annotations

import re

from seiteneinsteiger.errors import UsageError

#: Short prefixes of the districts whose case ids are already in use (examples/intakes).
KNOWN_PREFIXES: dict[str, str] = {
    "kreis-mettmann": "ME",
    "kreis-unna": "UN",
    "stadt-herne": "HE",
}
_KIND_WORDS = ("kreis-", "stadt-", "staedteregion-")
_DISTRICT = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
_ASSIGNED_SHAPE = re.compile(r"^([A-Z0-9]{1,8})-([0-9]{4})-([0-9]{1,9})$")


def case_id_prefix(district: str | None) -> str:
    """The prefix of assigned case ids for a district.

    Known districts have their own (``kreis-mettmann`` → ``ME``, ``kreis-unna`` → ``UN``,
    ``stadt-herne`` → ``HE``). Otherwise a leading ``kreis-``, ``stadt-`` or ``staedteregion-`` is
    dropped; a one-word name gives its first three letters (``nrw`` → ``NRW``, ``stadt-koeln`` →
    ``KOE``), a longer name the first letters of its words (``ennepe-ruhr-kreis`` → ``ERK``). A case
    without a district counts as ``nrw``.
    """
    name = district or "nrw"
    if name in KNOWN_PREFIXES:
        return KNOWN_PREFIXES[name]
    for kind in _KIND_WORDS:
        if name.startswith(kind) and len(name) > len(kind):
            name = name[len(kind) :]
            break
    words = [word for word in name.split("-") if word]
    if len(words) == 1:
        return words[0][:3].upper()
    return "".join(word[0] for word in words)[:4].upper()


def check_district(district: str) -> str:
    """A district id as given with ``--district``; raises :class:`UsageError` when malformed."""
    if not _DISTRICT.match(district):
        raise UsageError(
            f"--district: '{district}' ist keine gültige Kennung eines Kreises",
            hint="Kleinbuchstaben, Ziffern und '-', z. B. kreis-mettmann",
        )
    return district


def format_case_id(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:04d}"


def assigned_shape(case_id: str) -> tuple[str, int, int] | None:
    """``(prefix, year, number)`` of an id that looks like an assigned one, else ``None``."""
    match = _ASSIGNED_SHAPE.match(case_id)
    if match is None:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))
