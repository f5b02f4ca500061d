"""``intake import``: read filled Excel intake forms (our templates) back to intake@1.

A workbook is untrusted input. Before openpyxl parses anything, the file is checked: size, the
OLE header of encrypted or legacy ``.xls`` files, macro-enabled files, and the zip directory
(number of entries, summed uncompressed size, per-entry compression ratio, unsafe member names).
XML is parsed only through defusedxml (checked when this module is imported and again per file).
The form sheet is scanned for formulas and for its real number of rows (its ``<dimension>`` tag is
not trusted); more rows than allowed is an error, never a silent cut. Then openpyxl reads it with
``read_only=True, data_only=True, keep_links=False``.

Every problem of a filled form is reported as ``FILE SHEET!CELL: <question>: message``. A file
that is not one of our templates, or whose hidden codes were changed, is refused as a whole.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seiteneinsteiger import xlsx_guard
from seiteneinsteiger.errors import FormError, Problem, SeiteneinsteigerError
from seiteneinsteiger.forms.engine import (
    build_intake,
    default_value,
    hidden_value,
    validate_value,
    visible_questions,
)
from seiteneinsteiger.forms.model import Form, QuestionSpec, pick
from seiteneinsteiger.forms.signing import installation_key, key_id
from seiteneinsteiger.forms.template import (
    BOOLEAN_CHOICES,
    CODES_FIRST_ROW,
    CODES_FORMAT,
    CODES_MAGIC,
    CODES_SHEET,
    COPIES,
    Codes,
    expected_codes,
)
from seiteneinsteiger.forms.values import parse, parse_tick
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.xlsx_guard import Limits, Wording

__all__ = ["ImportResult", "Limits", "ensure_safe_xml", "import_workbook", "precheck"]

_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")

#: How the guards of :mod:`seiteneinsteiger.xlsx_guard` speak about an intake form.
_WORDING = Wording(
    error=FormError,
    kind=InputKind.WORKBOOK,
    not_ours="keine Formularvorlage",
    too_long="ein Formular ist viel kürzer. Bitte eine unveränderte Vorlage verwenden.",
    not_xlsx_hint="Gelesen werden nur ausgefüllte Vorlagen aus 'seiteneinsteiger form template'.",
)


_DEFAULT_LIMITS = Limits()


def ensure_safe_xml() -> None:
    """Refuse to read workbooks unless openpyxl parses XML through defusedxml."""
    xlsx_guard.ensure_safe_xml(FormError)


ensure_safe_xml()


@dataclass(slots=True)
class ImportResult:
    source: str
    intake: Intake | None
    problems: list[Problem] = field(default_factory=list)
    language: str | None = None

    @property
    def ok(self) -> bool:
        return self.intake is not None and not any(p.is_error for p in self.problems)


def import_workbook(
    path: Path,
    form: Form,
    *,
    today: dt.date,
    display: str | None = None,
    limits: Limits = _DEFAULT_LIMITS,
    key: bytes | None = None,
    unverified: bool = False,
) -> ImportResult:
    """Read one filled template. Refusals of the whole file raise :class:`FormError`; problems
    of single answers come back in the result.

    ``key`` is the installation key (default: this installation's). A template another
    installation wrote cannot be verified; ``unverified`` reads it anyway, provided its codes
    match the layout this form would have (with a warning).
    """
    shown = display or str(path)
    ensure_safe_xml()
    precheck(path, shown, limits)
    sheet_parts = _sheet_parts(path, shown)
    verifier = _Verifier(form, key if key is not None else installation_key(), unverified)
    workbook_codes, rows = _read(path, shown, verifier, limits, sheet_parts)
    reader = _Reader(form, workbook_codes, rows, shown, today)
    if verifier.foreign:
        reader.problem(
            None,
            None,
            "Vorlage einer anderen Installation (mit --unverified gelesen): ihre Codes stimmen "
            "mit diesem Fragebogen überein, ihre Herkunft ist nicht geprüft",
            "warning",
        )
    return reader.run()


# ---------------------------------------------------------------------------------------------
# Checks before any parser runs (shared with every Excel import: seiteneinsteiger.xlsx_guard)


def precheck(path: Path, shown: str, limits: Limits) -> None:
    """File-level refusals, with German messages (no openpyxl involved)."""
    xlsx_guard.precheck(path, shown, limits, _WORDING)


def _sheet_parts(path: Path, shown: str) -> dict[str, str]:
    return xlsx_guard.sheet_parts(path, shown, _WORDING)


def _xml_refusal(shown: str, exc: Exception) -> SeiteneinsteigerError:
    return xlsx_guard.xml_refusal(shown, exc, _WORDING)


# ---------------------------------------------------------------------------------------------
# Reading


def _read(
    path: Path, shown: str, verifier: _Verifier, limits: Limits, parts: dict[str, str]
) -> tuple[Codes, dict[str, dict[int, tuple[Any, ...]]]]:
    """The verified codes and, per sheet, its rows (1-based row number -> cell values)."""
    from openpyxl import load_workbook

    if CODES_SHEET not in parts:
        raise _not_ours(shown)
    formulas = {
        name: xlsx_guard.scan_sheet(path, member, shown, name, limits, _WORDING)
        for name, member in parts.items()
    }
    # openpyxl leaves the file open when it fails on a path; on our own handle it cannot.
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:
            raise _xml_refusal(shown, exc) from None
        try:
            codes, signature = _codes(workbook, shown)
            verifier.check(codes, signature, shown, parts)
            sheets = {
                sheet: _sheet_rows(workbook[sheet], sheet, column, shown, limits)
                for sheet, column in codes.answer_columns.items()
            }
        except FormError:
            raise
        except Exception as exc:
            raise _xml_refusal(shown, exc) from None
        finally:
            workbook.close()
    for sheet, column in codes.answer_columns.items():
        width = "ABCD".index(column) + 1
        for cell in formulas.get(sheet, set()):
            match = _CELL.match(cell)
            if match and match.group(1) == column:
                row = int(match.group(2))
                rows = sheets[sheet]
                rows[row] = (*rows.get(row, ())[: width - 1], _Formula())
    return codes, sheets


def _sheet_rows(
    worksheet: Any, sheet: str, column: str, shown: str, limits: Limits
) -> dict[int, tuple[Any, ...]]:
    worksheet.reset_dimensions()
    width = "ABCD".index(column) + 1
    rows: dict[int, tuple[Any, ...]] = {}
    iterator = worksheet.iter_rows(min_row=1, max_col=width, values_only=True)
    for number, values in enumerate(itertools.islice(iterator, limits.max_rows + 1), 1):
        if number > limits.max_rows:
            raise FormError.at(
                shown,
                f"Tabelle '{sheet}' hat mehr als {limits.max_rows} Zeilen; ein Formular "
                "ist viel kürzer",
            )
        rows[number] = tuple(values)
    return rows


class _Verifier:
    """Refuses codes that are not this form's, not signed by this installation, or not laid out
    the way this form lays them out."""

    def __init__(self, form: Form, key: bytes, unverified: bool) -> None:
        self.form = form
        self.key = key
        self.unverified = unverified
        self.foreign = False

    def check(self, codes: Codes, signature: str, shown: str, parts: dict[str, str]) -> None:
        form = self.form
        if codes.form_id != form.form_id or codes.language not in form.languages:
            raise FormError.at(
                shown,
                f"Vorlage eines anderen Formulars ('{codes.form_id}', Sprache "
                f"'{codes.language}'), erwartet wird '{form.form_id}'",
            )
        if codes.version != form.version:
            raise FormError.at(
                shown,
                f"Vorlage der Formularversion {codes.version}; aktuell ist {form.version}",
                hint="Bitte die Antworten in eine neue Vorlage übertragen "
                "('seiteneinsteiger form template').",
            )
        if codes.key_id != key_id(self.key):
            if not self.unverified:
                raise FormError.at(
                    shown,
                    f"Vorlage einer anderen Installation (Schlüssel {codes.key_id or '–'}"
                    "); ihre versteckten Codes lassen sich hier nicht prüfen",
                    hint="Wenn Sie wissen, woher die Datei kommt: 'intake import --unverified' "
                    "liest sie trotzdem, wenn ihre Zeilen genau zu diesem Fragebogen passen. "
                    "Sonst die Antworten in eine eigene Vorlage übertragen.",
                )
            self.foreign = True
        elif not codes.verify(self.key, signature):
            raise _changed(shown)
        copy = next((c for c in COPIES if c == codes.copy), None)
        if copy is None or not expected_codes(form, codes.language, copy).same_layout(codes):
            raise _changed(shown)
        for sheet in codes.answer_columns:
            if sheet not in parts:
                raise FormError.at(shown, f"Tabelle '{sheet}' fehlt in der Datei")


class _Formula:
    """Marks an answer cell that holds a formula instead of a value."""


def _not_ours(shown: str) -> FormError:
    return FormError.at(
        shown,
        "keine Formularvorlage von seiteneinsteiger (die versteckten Codes fehlen)",
        hint="Gelesen werden nur Vorlagen aus 'seiteneinsteiger form template', ausgefüllt und "
        "als .xlsx gespeichert.",
    )


def _changed(shown: str) -> FormError:
    return FormError.at(
        shown,
        "die versteckten Codes der Vorlage wurden verändert; die Antworten können "
        "nicht sicher zugeordnet werden",
        hint="Bitte die Antworten in eine neue Vorlage übertragen ('seiteneinsteiger form "
        "template').",
    )


def _codes(workbook: Any, shown: str) -> tuple[Codes, str]:
    """The codes of the hidden sheet and their signature (not yet verified)."""
    if CODES_SHEET not in workbook.sheetnames:
        raise _not_ours(shown)
    sheet = workbook[CODES_SHEET]
    sheet.reset_dimensions()
    values = [
        tuple(row)
        for row in itertools.islice(sheet.iter_rows(min_row=1, max_col=5, values_only=True), 3000)
    ]
    head = {
        str(row[0]): row[1]
        for row in values[: CODES_FIRST_ROW - 2]
        if row and row[0] is not None and len(row) > 1
    }
    if CODES_MAGIC not in head:
        raise _not_ours(shown)
    if str(head.get("format")) != CODES_FORMAT:
        raise FormError.at(
            shown,
            "Vorlage einer älteren Programmversion (versteckte Codes im alten Format)",
            hint="Bitte die Antworten in eine neue Vorlage übertragen ('seiteneinsteiger form "
            "template').",
        )
    try:
        columns = json.loads(str(head["answer_columns"]))
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and v in ("B", "C", "D") for k, v in columns.items()
        ):
            raise _changed(shown)
        codes = Codes(
            form_id=str(head[CODES_MAGIC]),
            version=str(head["version"]),
            language=str(head["language"]),
            copy=str(head["copy"]),
            answer_columns=columns,
            key_id=str(head.get("key_id") or ""),
        )
        for row in values[CODES_FIRST_ROW - 1 :]:
            if not row or row[0] is None:
                continue
            sheet_name, number_row, number, name = row[0], row[1], row[2], row[3]
            choice = row[4] if len(row) > 4 else None
            if not isinstance(number_row, int) or isinstance(number_row, bool):
                raise _changed(shown)
            codes.rows.append(
                (str(sheet_name), number_row, str(number), str(name), str(choice or ""))
            )
    except (KeyError, IndexError, TypeError, ValueError):
        raise _changed(shown) from None
    return codes, str(head.get("signature") or "")


# ---------------------------------------------------------------------------------------------
# Answers


class _Reader:
    def __init__(
        self,
        form: Form,
        codes: Codes,
        rows: dict[str, dict[int, tuple[Any, ...]]],
        shown: str,
        today: dt.date,
    ) -> None:
        self.form = form
        self.codes = codes
        self.rows = rows
        self.shown = shown
        self.today = today
        self.language = codes.language
        self.problems: list[Problem] = []
        self.cells: dict[str, str] = {}  # question -> its answer cell ("Formular!D12")
        self.unreadable: set[str] = set()  # questions whose cell was already reported

    def problem(
        self, question: QuestionSpec | None, cell: str | None, message: str, severity: str = "error"
    ) -> None:
        self.problems.append(
            Problem(
                file=self.shown,
                cell=cell,
                field=pick(question.label, "de") if question else None,
                message=message,
                severity=severity,
            )
        )

    def run(self) -> ImportResult:
        form = self.form
        raw: dict[str, Any] = {}
        ticks: dict[str, list[str]] = {}
        for sheet, row, number, name, choice in self.codes.rows:
            question = form.by_name.get(name)
            if question is None:  # pragma: no cover - the layout check refuses such codes
                raise FormError.at(
                    self.shown,
                    f"die Vorlage nennt die Frage '{name}', die das "
                    "Formular nicht hat; bitte eine neue Vorlage verwenden",
                )
            column = self.codes.answer_columns[sheet]
            values = self.rows[sheet].get(row, ())
            found = values[0] if values else None
            if found is None or str(found).strip() != number:
                raise FormError.at(
                    self.shown,
                    f"{sheet}!A{row}: erwartet Nr. {number}, gefunden "
                    f"'{found if found is not None else ''}'. Wurden Zeilen eingefügt, gelöscht "
                    "oder verschoben?",
                    hint="Bitte die Antworten in eine neue Vorlage übertragen.",
                )
            cell = f"{sheet}!{column}{row}"
            index = "ABCD".index(column)
            value = values[index] if len(values) > index else None
            self.cells.setdefault(name, cell)
            if isinstance(value, _Formula):
                self.problem(
                    question, cell, "Formel statt Antwort; bitte den Wert selbst eintragen"
                )
                self.unreadable.add(name)
                continue
            if choice:
                self._tick(question, cell, choice, value, ticks)
            elif question.type != "select_multiple":
                raw[name] = value
        answers = self._parse(raw)
        self._ticked(answers, ticks)
        self._not_on_this_copy(answers)
        return self._finish(answers)

    def _tick(
        self,
        question: QuestionSpec,
        cell: str,
        choice: str,
        value: Any,
        ticks: dict[str, list[str]],
    ) -> None:
        parsed = parse_tick(self.form, value)
        ticks.setdefault(question.name, [])
        if parsed.error is not None:
            self.problem(
                question,
                cell,
                f"Ankreuzfeld '{choice}': bitte ☒ (oder x) für angekreuzt, sonst leer lassen",
            )
            self.unreadable.add(question.name)
        elif parsed.value:
            ticks[question.name].append(choice)

    def _parse(self, raw: dict[str, Any]) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for name, value in raw.items():
            question = self.form.by_name[name]
            parsed = parse(self.form, question, value, self.language)
            if parsed.error is not None:
                self.problem(question, self.cells[name], self.form.text(parsed.error, "de"))
                self.unreadable.add(name)
            elif parsed.value is not None:
                answers[name] = parsed.value
        return answers

    def _ticked(self, answers: dict[str, Any], ticks: dict[str, list[str]]) -> None:
        """Tick boxes: the choices of a multiple-choice question; for a single choice or yes/no,
        the one ticked box, which must agree with the dropdown when both are filled in."""
        form = self.form
        for name, codes in ticks.items():
            question = form.by_name[name]
            if name in self.unreadable:
                continue
            if question.type == "select_multiple":
                if codes:
                    answers[name] = parse(form, question, codes, "de").value
                continue
            if not codes:
                continue
            if len(codes) > 1:
                self.problem(
                    question,
                    self.cells[name],
                    f"{len(codes)} Kästchen angekreuzt; bei dieser Frage passt nur eine Antwort",
                )
                self.unreadable.add(name)
                continue
            ticked: Any = codes[0]
            if question.type == "boolean":
                ticked = codes[0] == BOOLEAN_CHOICES[0]
            if name in answers and answers[name] != ticked:
                self.problem(
                    question,
                    self.cells[name],
                    "Antwort in der Liste und angekreuztes Kästchen widersprechen sich",
                )
                self.unreadable.add(name)
                continue
            answers[name] = ticked

    def _not_on_this_copy(self, answers: dict[str, Any]) -> None:
        """The family copy has no counsellor questions: their defaults (the date of the
        counselling: today) stand in, and the counsellor is told to complete the intake."""
        present = {name for _sheet, _row, _number, name, _choice in self.codes.rows}
        missing = [q for q in self.form.questions if q.name not in present]
        if not missing:
            return
        for question in missing:
            value = default_value(self.form, question, self.today)
            if value is not None:
                answers[question.name] = value
        self.problem(
            None,
            None,
            "Exemplar für die Familie: die Angaben der Beratung (z. B. Datum der Beratung, "
            "Sprachmittlung) stehen nicht in dieser Datei; das Datum der Beratung ist auf heute "
            "gesetzt. Bitte in der Intake-Datei prüfen und ergänzen.",
            "warning",
        )

    def _finish(self, answers: dict[str, Any]) -> ImportResult:
        form = self.form
        shown = {q.name for q in visible_questions(form, answers)}
        kept: dict[str, Any] = {}
        for question in form.questions:
            name = question.name
            value = answers.get(name)
            if name in self.unreadable:
                continue
            if name not in shown:
                if value is not None and value != hidden_value(form, question):
                    self.problem(
                        question,
                        self.cells.get(name),
                        "wird nicht übernommen: die Frage passt nicht zu den anderen Antworten",
                        "warning",
                    )
                continue
            rejection = validate_value(form, question, value, answers)
            if rejection is not None:
                message = (
                    "Pflichtfrage ist nicht beantwortet"  # for the counsellor, not the family
                    if rejection.reason == "required"
                    else rejection.message(form, "de")
                )
                self.problem(question, self.cells.get(name), message)
                continue
            if value is not None:
                kept[name] = value
        if any(p.is_error for p in self.problems):
            return ImportResult(self.shown, None, self.problems, self.language)
        built = build_intake(form, kept, today=self.today)
        for issue in built.problems:
            cell = self.cells.get(issue.question.name) if issue.question else None
            self.problem(issue.question, cell, issue.message, issue.severity)
        intake = built.intake if built.ok else None
        return ImportResult(self.shown, intake, self.problems, self.language)
