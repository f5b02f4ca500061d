"""The Ministry's Schulform keys and what they mean for placing a newly arrived pupil.

Each key of the school directory (``Schulform`` column, two characters) is mapped to

* whether the directory keeps such an entry at all (``kept``): administration (``0A``), the
  "Schulischer Lernort" (``81``) and Klinikschulen (``83``) are no schools a pupil is placed in;
* the school-form codes of the recommendation it serves, each with its grade range;
* why a school of this form is never proposed automatically (``never_proposed``).

Decisions (docs/internal/schools.md):

* **Förderschulen** (``08``, ``19``, ``85``, ``87``, ``88``) stay in the directory (they are real
  schools; the Schulamt may report places there) with the code ``foerderschule``, but are never
  proposed: a Förderschule is only the result of an AO-SF procedure, never of the first
  counselling (§ 18 AO-SF; nrw-rules.md, flags AOSF_*).
* **Volksschule** (``06``) is a combined Grund- and Hauptschule: ``grundschule`` 1–4 and
  ``hauptschule`` 5–10.
* **PRIMUS-Schule** (``13``, Schulversuch, classes 1–10): ``primus`` 1–10, and for the
  recommendation's usual codes ``grundschule`` 1–4 and ``sekundarschule`` 5–10 (its Sek. I part
  leads to all Sek. I certificates like a Sekundarschule; the rules never emit ``primus``).
* **Gemeinschaftsschule** (``16``, Schulversuch "der Sekundarstufe I"): ``sekundarschule`` 5–10.
* **Freie Waldorfschule / Hibernia** (``17``, ``18``): kept, without a code: they are
  Ersatzschulen "eigener Art" outside the school forms of the recommendation and choose their
  pupils themselves; a counsellor can still look them up.
* **Weiterbildungskolleg** (``25``) and **Berufskolleg** (``30``): their codes, Sek. II grades
  (the Weiterbildungskolleg has none).
"""

from __future__ import annotations

from dataclasses import dataclass

from seiteneinsteiger.codes import SchoolForm

GradeRange = tuple[int, int]

_AOSF = (
    "Förderschule: eine Aufnahme setzt ein AO-SF-Verfahren voraus; bei der Erstberatung wird "
    "keine Förderschule vorgeschlagen (§ 18 AO-SF)"
)
_OWN_KIND = (
    "Ersatzschule eigener Art (Waldorfpädagogik): keine Schulform der Empfehlung; die Schule "
    "entscheidet selbst über die Aufnahme"
)


@dataclass(frozen=True, slots=True)
class Schulform:
    """One Schulform key of the directory."""

    key: str
    label: str
    kept: bool = True
    serves: tuple[tuple[SchoolForm, GradeRange | None], ...] = ()
    never_proposed: str | None = None

    @property
    def code(self) -> SchoolForm | None:
        """The main school-form code (the first one served), None for Waldorf schools."""
        return self.serves[0][0] if self.serves else None

    def all_grades(self) -> GradeRange | None:
        """The grades the school teaches at all (None: no grades, e.g. Weiterbildungskolleg)."""
        ranges = [grades for _, grades in self.serves if grades is not None]
        if not ranges:
            return None
        return min(low for low, _ in ranges), max(high for _, high in ranges)


def _form(
    key: str,
    label: str,
    *serves: tuple[SchoolForm, GradeRange | None],
    never: str | None = None,
) -> Schulform:
    return Schulform(key, label, True, tuple(serves), never)


_F = SchoolForm
SCHULFORMEN: dict[str, Schulform] = {
    form.key: form
    for form in (
        _form("02", "Grundschule", (_F.grundschule, (1, 4))),
        _form("04", "Hauptschule", (_F.hauptschule, (5, 10))),
        _form("06", "Volksschule", (_F.grundschule, (1, 4)), (_F.hauptschule, (5, 10))),
        _form("08", "Förderschule", (_F.foerderschule, (1, 10)), never=_AOSF),
        Schulform("0A", "Schulverwaltung", kept=False),
        _form("10", "Realschule", (_F.realschule, (5, 10))),
        _form(
            "13",
            "PRIMUS-Schule",
            (_F.primus, (1, 10)),
            (_F.grundschule, (1, 4)),
            (_F.sekundarschule, (5, 10)),
        ),
        _form("14", "Sekundarschule", (_F.sekundarschule, (5, 10))),
        _form("15", "Gesamtschule", (_F.gesamtschule, (5, 13))),
        _form("16", "Gemeinschaftsschule", (_F.sekundarschule, (5, 10))),
        _form("17", "Freie Waldorfschule", never=_OWN_KIND),
        _form("18", "Hiberniaschule", never=_OWN_KIND),
        _form("19", "Waldorf-Förderschule", (_F.foerderschule, (1, 10)), never=_AOSF),
        _form("20", "Gymnasium", (_F.gymnasium, (5, 13))),
        _form("25", "Weiterbildungskolleg", (_F.weiterbildungskolleg, None)),
        _form("30", "Berufskolleg", (_F.berufskolleg, (11, 13))),
        Schulform("81", "Schulischer Lernort", kept=False),
        Schulform("83", "Schule für Kranke", kept=False),
        _form("85", "Förderschule im Bereich Realschule", (_F.foerderschule, (5, 10)), never=_AOSF),
        _form("87", "Förderschule im Bereich Gymnasium", (_F.foerderschule, (5, 13)), never=_AOSF),
        _form(
            "88", "Förderschule im Bereich Berufskolleg", (_F.foerderschule, (11, 13)), never=_AOSF
        ),
    )
}
