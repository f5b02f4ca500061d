"""``export family-letter`` as a plain function: a case in, a PDF and a log entry out.

The case is an intake file or, when the register holds it, a case id. The letter goes to the
family itself (their own data, Art. 15 DSGVO), so it needs no consent scope; it is still
recorded in the export log like every other export, with the fields it used and the language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from seiteneinsteiger.errors import ExportError, InputFileError, IntakeError, UsageError
from seiteneinsteiger.export.letter.fonts import describe, missing_characters
from seiteneinsteiger.export.letter.texts import GERMAN, Language, LetterTexts, load_texts
from seiteneinsteiger.intake_io import INTAKE_SUFFIXES, load_intake_file
from seiteneinsteiger.models.intake import Intake

if TYPE_CHECKING:  # pragma: no cover
    from seiteneinsteiger.export.run import Options

COMMAND = "export family-letter"
PROFILE = "familienbrief"
RECIPIENT = "Familie (Erziehungsberechtigte)"


@dataclass(slots=True)
class LetterOutcome:
    written: Path
    case_id: str | None
    source: str
    language: Language
    pages: int
    sha256: str
    fields: list[str]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Case:
    intake: Intake
    source: str
    registered: bool  # loaded from the case register (the access goes into its audit log)


def run_family_letter(
    case: str, output: Path, options: Options, *, lang: str | None = None
) -> LetterOutcome:
    """Write the family letter for ``case`` to ``output`` and record it in the export log.

    ``lang`` is the language beside German; without it the family's contact language.
    """
    from seiteneinsteiger.export import log, pipeline
    from seiteneinsteiger.export.letter.content import build_letter
    from seiteneinsteiger.export.letter.districts import district_info, installation_path
    from seiteneinsteiger.export.letter.render import render_letter
    from seiteneinsteiger.export.writing import check_target, logged_export, write_file

    texts = load_texts()
    if lang is not None:
        texts.language(lang)  # an unknown --lang stops before any work
    target = _pdf_target(output)
    check_target(target, force=options.force)
    log.recover()  # exports a killed process left pending
    loaded = _load_case(case, options.created)
    language = _language(texts, loaded.intake, lang)
    recommend = pipeline.make_recommender(district=options.district, rules_dir=options.rules_dir)
    recommendation = recommend(loaded.intake, loaded.source)
    district = district_info(recommendation.ruleset.id)
    _check_printable(loaded, district.contact_values())
    letter = build_letter(
        loaded.intake, recommendation, texts, language, district, created=options.created
    )
    rendered = render_letter(letter, created=options.created)
    with logged_export(
        target,
        command=COMMAND,
        profile=PROFILE,
        recipient=RECIPIENT,
        cases=[loaded.intake.case_id],
        fields=letter.fields,
        extra={"language": language.code, "reviewed": language.reviewed},
    ) as done:
        write_file(target, lambda handle: handle.write(rendered.pdf), force=options.force)
    [entry] = done
    if loaded.registered and loaded.intake.case_id:
        _log_register_export(loaded.intake.case_id)
    warnings = []
    if not language.reviewed:
        warnings.append(
            f"Die Übersetzung ({language.name}) ist noch nicht von einer muttersprachlichen "
            "Person geprüft; der Brief sagt: „Im Zweifel gilt der deutsche Text“."
        )
    if not district.contact.reachable:
        warnings.append(
            "Keine Telefonnummer, E-Mail oder Adresse des Kommunalen Integrationszentrums "
            f"hinterlegt: im Brief stehen Linien zum Ausfüllen. Eintragen in {installation_path()}."
        )
    return LetterOutcome(
        written=target,
        case_id=loaded.intake.case_id,
        source=loaded.source,
        language=language,
        pages=rendered.pages,
        sha256=entry.sha256,
        fields=letter.fields,
        warnings=warnings,
    )


def _pdf_target(output: Path) -> Path:
    if output.suffix.lower() != ".pdf":
        raise UsageError(
            f"{output}: der Familienbrief ist ein PDF, die Ausgabedatei muss auf .pdf enden",
            hint="Zum Beispiel: -o brief-amal.pdf",
        )
    return output


def _load_case(case: str, today: dt.date) -> _Case:
    """An intake file by path, else a case id from the register."""
    path = Path(case)
    if path.is_file():
        return _from_file(path, today)
    if path.suffix.lower() in INTAKE_SUFFIXES or "/" in case or "\\" in case:
        raise InputFileError(f"{case}: Datei nicht gefunden")
    return _from_register(case)


def _from_file(path: Path, today: dt.date) -> _Case:
    loaded = load_intake_file(path, str(path), today=today)
    if len(loaded) != 1:
        raise UsageError(
            f"{path}: die Datei enthält {len(loaded)} Intakes; ein Brief ist für ein Kind",
            hint="Bitte eine Datei mit genau einem Intake angeben (oder die Fallnummer).",
        )
    [one] = loaded
    errors = [problem for problem in one.problems if problem.is_error]
    if errors or one.intake is None:
        raise IntakeError(
            f"{path}: das Intake ist fehlerhaft, kein Brief geschrieben",
            hint="Erst mit 'seiteneinsteiger intake validate' prüfen und korrigieren.",
            problems=errors,
        )
    return _Case(one.intake, one.label, registered=False)


def _from_register(case_id: str) -> _Case:
    """The intake stored under ``case_id``; never creates a register that does not exist."""
    from seiteneinsteiger.store import CaseStore
    from seiteneinsteiger.store.location import resolve

    register = resolve()
    if register.path is not None and not register.path.exists():
        raise InputFileError(
            f"{case_id}: keine solche Datei, und es gibt noch kein Fallregister",
            hint="Den Pfad der Intake-Datei angeben, z. B. examples/intakes/amal-haddad.yaml.",
        )
    with CaseStore.open() as store:
        record = store.get(case_id, audit=None)
    return _Case(record.intake, f"Fall {record.case_id}", registered=True)


def _log_register_export(case_id: str) -> None:
    from seiteneinsteiger.store import AuditAction, CaseStore

    with CaseStore.open() as store:
        store.log(case_id, AuditAction.exported)


def _language(texts: LetterTexts, intake: Intake, requested: str | None) -> Language:
    """``--lang``, else the family's contact language, else German."""
    if requested is not None:
        return texts.language(requested)
    code = intake.family.contact_language or GERMAN
    if code not in texts.languages:
        raise UsageError(
            f"Die Kontaktsprache der Familie ('{code}') gibt es für den Brief noch nicht",
            hint=f"Mit --lang eine andere Sprache wählen. Unterstützt: {texts.listing()}",
        )
    return texts.languages[code]


def _check_printable(case: _Case, contact_values: list[str]) -> None:
    """Every character must have a glyph in the bundled fonts: no empty boxes on paper."""
    pupil = case.intake.pupil
    personal = {
        "pupil.given_names": pupil.given_names,
        "pupil.family_name": pupil.family_name,
        "counselling.counsellor": case.intake.counselling.counsellor or "",
    }
    for name, value in personal.items():
        if missing_characters([value]):
            # the characters themselves would tell part of the name: the field is enough
            raise ExportError(
                f"{case.source}: {name}: enthält Zeichen einer Schrift, die der Brief nicht "
                "drucken kann (mitgeliefert: lateinisch, kyrillisch, griechisch, arabisch, "
                "äthiopisch)",
                hint="Den Namen zusätzlich in lateinischer Schrift erfassen.",
            )
    missing = missing_characters(contact_values)
    if missing:
        raise ExportError(
            f"Angaben zum Integrationszentrum für den Brief enthalten Zeichen ohne Schrift: "
            f"{describe(missing)}"
        )
