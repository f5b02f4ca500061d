"""Export profiles: which fields each recipient receives, and why.

A profile (``data/profiles/<id>.yaml``, ``seiteneinsteiger/export-profile@1``) lists the fields of
:mod:`seiteneinsteiger.export.fields` a recipient gets, each with its German header and its legal
basis, and the consent scope a pupil needs to be included. Profiles are loaded strictly: an unknown
key or field name is an error at ``FILE:LINE`` with a did-you-mean.

Some fields may never be put into a profile, whatever the file says (the denylists below are code,
not configuration): confidential counselling notes and health notes never leave the tool, and a
profile for the school (consent ``school``) cannot carry the residence status or basis, the
interpreter of the counselling, the siblings, the raw support needs or the full flag list. The
school gets the support needs only as the whitelisted hint "AO-SF prüfen" in
``recommendation.school_notes``. The residence basis is not countable, so no statistics profile
can carry it either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from seiteneinsteiger.codes import ConsentScope, suggest
from seiteneinsteiger.errors import ExportError, Problem
from seiteneinsteiger.export.fields import CATALOGUE
from seiteneinsteiger.export.fields import Field as CatalogueField
from seiteneinsteiger.export.modelfile import file_error, load_model_file
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.yamlsource import Document

FORMAT = "seiteneinsteiger/export-profile@1"
PROFILE_DIR = Path(__file__).resolve().parent.parent / "data" / "profiles"

#: Fields that no profile may contain.
ALWAYS_DENIED: dict[str, str] = {
    "confidential_notes": "vertrauliche Beratungsnotizen verlassen das Programm nie",
    "support_needs.health_note": "Gesundheitsangaben verlassen das Programm nie "
    "(VO-DV I § 1 Abs. 2: keine automatisierte Verarbeitung an Schulen)",
}

#: Fields that a profile for the receiving school (consent scope ``school``) may not contain.
SCHOOL_DENIED: dict[str, str] = {
    **ALWAYS_DENIED,
    "pupil.residence": "der Aufenthalts- bzw. Unterbringungsstatus geht die Schule nichts an "
    "(Schulpflicht unabhängig vom Status; § 87 Abs. 1 AufenthG)",
    "pupil.residence_basis": "die Aufenthaltsgrundlage (Asylantrag, § 24 AufenthG, Duldung …) "
    "geht die Schule nichts an (Schulpflicht unabhängig vom Status; § 87 Abs. 1 AufenthG)",
    "counselling.interpreter": "Angaben zum Dolmetschen im Erstgespräch bleiben beim "
    "Kommunalen Integrationszentrum; die Schule erfährt nur, ob Dolmetschen nötig ist "
    "(family.interpreter_needed)",
    "family.siblings": "Daten der Geschwister gehen nicht an die Schule",
    "support_needs.indications": "Unterstützungsbedarf geht an die Schule nur als Hinweis "
    "'AO-SF prüfen' (recommendation.school_notes), VO-DV I § 1 Abs. 2",
    "support_needs.documented": "Unterstützungsbedarf geht an die Schule nur als Hinweis "
    "'AO-SF prüfen' (recommendation.school_notes), VO-DV I § 1 Abs. 2",
    "recommendation.flags": "die vollständigen Hinweise enthalten z. B. den Aufenthaltsstatus; "
    "für die Schule gibt es recommendation.school_notes",
}

AOSF_TEXT = "AO-SF prüfen"

#: The flags a school may see, in plain German for teachers. Everything else (residence, the
#: counsellor's own checks, district flags) stays out of the school export.
SCHOOL_FLAG_TEXTS: dict[str, str] = {
    "ERSTALPHABETISIERUNG": "Erstalphabetisierung: Lerngruppe zur Erstalphabetisierung "
    "angezeigt (bis zu einem Jahr).",
    "LATIN_SCRIPT_LITERACY": "Kann in einer anderen Schrift lesen und schreiben; die "
    "lateinische Schrift muss noch gelernt werden.",
    "NO_PRIOR_SCHOOLING": "Bisher kein Schulbesuch.",
    "BILDUNGSGANG_AFTER_ERSTFOERDERUNG": "Die Schulform wird erst nach der Erstförderung "
    "festgelegt; die Empfehlung ist vorläufig.",
    "ERSTFOERDERUNG_CONTINUES": "Die Erstförderung läuft weiter; die bisherige Zeit wird "
    "angerechnet.",
    "TRANSITION_NEXT_YEAR": "Im nächsten Schuljahr steht ein Stufenwechsel an.",
    "SECOND_FOREIGN_LANGUAGE": "Gymnasium ab Klasse 7: Die zweite Fremdsprache fehlt noch.",
    "SPRACHFESTSTELLUNGSPRUEFUNG_OPTION": "Die Herkunftssprache kann eine Fremdsprache ersetzen "
    "(Sprachfeststellungsprüfung, Antrag bis 1. Oktober).",
    "HSU_OFFER": "Herkunftssprachlichen Unterricht anbieten, wo er eingerichtet ist.",
    "CERTIFICATE_RECOGNITION": "Das ausländische Zeugnis sollte anerkannt werden "
    "(Bezirksregierung Köln bzw. Düsseldorf).",
    "MIDYEAR_BK_ENTRY": "Aufnahme am Berufskolleg während des Schuljahres; die Internationale "
    "Förderklasse beginnt in der Regel am 1. August.",
    "HEALTH_CHECK": "Schulärztliche Untersuchung vor der Aufnahme.",
    "AOSF_CHECK": AOSF_TEXT,
    "AOSF_CHECK_LATER": AOSF_TEXT,
}


def school_notes(flags: Iterable[str]) -> list[str]:
    """The plain-German school texts for ``flags``: whitelisted only, each text once."""
    texts: list[str] = []
    for flag in flags:
        text = SCHOOL_FLAG_TEXTS.get(flag)
        if text is not None and text not in texts:
            texts.append(text)
    return texts


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = Annotated[str, Field(min_length=1, max_length=2000)]


class FieldSpec(_Model):
    field: str
    header: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    basis: Text
    section: Annotated[str, Field(min_length=1, max_length=80)] | None = None
    overview: bool = False


class ProfileFile(_Model):
    format: Literal["seiteneinsteiger/export-profile@1"]
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
    title: Text
    recipient: Text
    consent: ConsentScope
    purpose: Text
    retention: Text | None = None
    fields: Annotated[list[FieldSpec], Field(min_length=1)]


@dataclass(frozen=True, slots=True)
class ProfileField:
    """A field of a loaded profile: the catalogue entry plus header, basis and layout."""

    field: CatalogueField
    header: str
    basis: str
    section: str | None
    overview: bool

    @property
    def name(self) -> str:
        return self.field.name


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    title: str
    recipient: str
    consent: ConsentScope
    purpose: str
    retention: str | None
    fields: tuple[ProfileField, ...]
    source: str

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def has(self, name: str) -> bool:
        return name in self.field_names

    def get(self, name: str) -> ProfileField | None:
        for spec in self.fields:
            if spec.name == name:
                return spec
        return None

    @property
    def overview_fields(self) -> list[ProfileField]:
        return [f for f in self.fields if f.overview]

    def sections(self) -> list[tuple[str, list[ProfileField]]]:
        """Fields grouped by section, in the order the sections first appear."""
        grouped: dict[str, list[ProfileField]] = {}
        for spec in self.fields:
            grouped.setdefault(spec.section or "Weitere Angaben", []).append(spec)
        return list(grouped.items())


def denied_fields(consent: ConsentScope) -> dict[str, str]:
    """The fields a profile with this consent scope may not contain, with the reason."""
    return SCHOOL_DENIED if consent is ConsentScope.school else ALWAYS_DENIED


def load_profile(name: str) -> Profile:
    """A built-in profile by id (``school``, ``schulamt``, ``statistics``, ``schild``)."""
    return _load_builtin(name)


@cache
def _load_builtin(name: str) -> Profile:
    path = PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        available = sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))
        raise ExportError(
            f"Exportprofil '{name}' nicht gefunden",
            hint=f"Vorhanden: {', '.join(available) or 'keine'}.",
        )
    return load_profile_file(path, f"profiles/{path.name}")


def load_profile_file(path: Path, display: str | None = None) -> Profile:
    """Load and check one profile file; every problem is reported with ``FILE:LINE``."""
    source = display or str(path)
    document, parsed = load_model_file(
        path,
        source,
        ProfileFile,
        kind=InputKind.PROFILE,
        title="Exportprofil",
        expected="format, id, fields, ...",
    )
    problems = _check_fields(document, parsed)
    if problems:
        raise file_error("Exportprofil", source, problems)
    return Profile(
        id=parsed.id,
        title=parsed.title,
        recipient=parsed.recipient,
        consent=parsed.consent,
        purpose=parsed.purpose,
        retention=parsed.retention,
        fields=tuple(
            ProfileField(
                field=CATALOGUE[spec.field],
                header=spec.header or CATALOGUE[spec.field].label,
                basis=spec.basis,
                section=spec.section,
                overview=spec.overview,
            )
            for spec in parsed.fields
        ),
        source=source,
    )


def _check_fields(document: Document, parsed: ProfileFile) -> list[Problem]:
    problems: list[Problem] = []
    denied = denied_fields(parsed.consent)
    seen: set[str] = set()
    for index, spec in enumerate(parsed.fields):
        loc: tuple[str | int, ...] = ("fields", index, "field")
        name = spec.field
        if name not in CATALOGUE:
            near = suggest(name, list(CATALOGUE), cutoff=0.6)
            hint = f" (meinten Sie '{near}'?)" if near else ""
            problems.append(_problem(document, loc, f"unbekanntes Feld '{name}'{hint}"))
        elif name in denied:
            problems.append(
                _problem(document, loc, f"'{name}' darf nicht exportiert werden: {denied[name]}")
            )
        elif parsed.consent is ConsentScope.statistics and not CATALOGUE[name].countable:
            problems.append(
                _problem(
                    document,
                    loc,
                    f"'{name}' ist kein zählbares Merkmal; in der Statistik sind nur zählbare "
                    "Merkmale erlaubt (keine Namen, Geburtsdaten, Freitexte, Fallnummern)",
                )
            )
        if name in seen:
            problems.append(_problem(document, loc, f"Feld '{name}' steht doppelt im Profil"))
        seen.add(name)
    return problems


def _problem(document: Document, loc: tuple[str | int, ...], message: str) -> Problem:
    # an unknown *catalogue* field is the value of a "field:" key, not a key of the profile
    return document.problem(loc, message)
