"""The calm German text summary of a recommendation (``recommend`` without ``--format``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from seiteneinsteiger.cli.output import for_terminal
from seiteneinsteiger.codes import (
    FLAGS,
    MEASURE_LABELS,
    SCHOOL_FORM_LABELS,
    SCHULPFLICHT_LABELS,
    STAGE_LABELS,
)
from seiteneinsteiger.dates import german
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.result import Result

_ALPHA = {"eligible": "angezeigt (Lerngruppe bis zu einem Jahr)", "no": "nein", "n/a": "entfällt"}
_WIDTH = 22


def _date(day: dt.date | None) -> str:
    return german(day) if day else ""


def _row(label: str, value: str) -> str:
    return f"{label + ':':<{_WIDTH}}{value}"


def schulpflicht_text(result: Result) -> str:
    """``schulpflichtig seit 01.08.2019, bis 31.07.2031`` and the like."""
    sp = result.schulpflicht
    text = SCHULPFLICHT_LABELS.get(sp.status.value, sp.status.value)
    if sp.status.value == "schulpflichtig":
        if sp.since:
            text += f" seit {_date(sp.since)}"
        if sp.until:
            text += f", bis {_date(sp.until)}"
    elif sp.status.value == "not_yet" and sp.starts:
        text += f", ab {_date(sp.starts)}"
    elif sp.status.value == "no_longer" and sp.until:
        text += f" (endete am {_date(sp.until)})"
    return text


def _flags(result: Result, labels: Mapping[str, str]) -> list[str]:
    if not result.flags:
        return []
    lines = ["Bitte prüfen:"]
    for flag in result.flags:
        lines.append(f"  ! {labels.get(flag, FLAGS.get(flag, flag))} ({flag})")
    return [*lines, ""]


def _core(result: Result) -> list[str]:
    forms = "  ".join(
        f"{rank}. {SCHOOL_FORM_LABELS.get(form.value, form.value)}"
        for rank, form in enumerate(result.school_forms, start=1)
    )
    grade = "–"
    if result.grade is not None:
        grade = str(result.grade)
        others = [g for g in result.grade_options if g != result.grade]
        if others:
            grade += f" (wählbar: {', '.join(map(str, result.grade_options))})"
    measures = ", ".join(MEASURE_LABELS.get(m.value, m.value) for m in result.measures)
    return [
        _row("Schulpflicht", schulpflicht_text(result)),
        _row("Schulstufe", STAGE_LABELS.get(result.stage.value, result.stage.value)),
        _row("Schulformen", forms or "–"),
        _row("Klasse", grade),
        _row("Erstförderung", "ja" if result.erstfoerderung else "nein"),
        _row("Erstalphabetisierung", _ALPHA.get(result.erstalphabetisierung.value, "")),
        _row("IFK (Berufskolleg)", "ja" if result.bk_ifk else "nein"),
        _row("Maßnahmen", measures or "–"),
    ]


#: What the marks in the sources mean (docs/regeln.md, "Quellen und Kennzeichen").
MARKS_LEGEND = (
    "Kennzeichen der Quellen: [A] Rechtstext oder amtliche Seite gelesen · [B] Sekundärquelle "
    "(KI, Kommune, Schule, Presse) · [C] Auslegung oder nicht am Text geprüft – dann ein Hinweis "
    "oder ein Kreisparameter, keine stille Entscheidung"
)


def _explanation(result: Result) -> list[str]:
    lines = ["", "Begründung:"]
    marked = False
    for number, entry in enumerate(result.trace, start=1):
        lines.append(f"  {number}. {entry.rule}: {entry.because}")
        sources = "; ".join(entry.sources)
        marked = marked or any(mark in sources for mark in ("[A", "[B", "[C"))
        where = f"{entry.file}:{entry.line}"
        lines.append(f"     Quelle: {sources} ({where})" if sources else f"     ({where})")
    if marked:
        lines.append(f"  {MARKS_LEGEND}")
    if result.why_not:
        lines += ["", "Warum nicht:"]
        for form, text in result.why_not.items():
            lines.append(f"  {SCHOOL_FORM_LABELS.get(form, form)}: {text}")
    return lines


def render(
    result: Result,
    intake: Intake,
    *,
    explain: bool = False,
    flag_labels: Mapping[str, str] | None = None,
) -> str:
    """The summary for one pupil: header, flags first, then the decisions; optionally reasons."""
    pupil = intake.pupil
    head = f"{pupil.given_names} {pupil.family_name}"
    if result.case_id:
        head += f" · {result.case_id}"
    if result.source:
        head += f" · {result.source}"
    head = for_terminal(head, one_line=True)  # a line break in a name must not fake a line
    extends = f" (erweitert {', '.join(result.ruleset.extends)})" if result.ruleset.extends else ""
    meta = (
        f"Regelsatz {result.ruleset.id} {result.ruleset.version}{extends} · Bezugsdatum "
        f"{_date(result.reference_date)} · {result.age} Jahre"
    )
    lines = [head, meta, "", *_flags(result, flag_labels or {}), *_core(result)]
    if explain:
        lines += _explanation(result)
    return "\n".join(lines)
