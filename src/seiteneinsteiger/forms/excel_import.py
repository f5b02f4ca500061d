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
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from seiteneinsteiger.errors import FormError, Problem
from seiteneinsteiger.forms.engine import (
    build_intake,
    hidden_value,
    validate_value,
    visible_questions,
)
from seiteneinsteiger.forms.model import Form, QuestionSpec, pick
from seiteneinsteiger.forms.template import CODES_MAGIC, CODES_SHEET, Codes
from seiteneinsteiger.forms.values import parse, parse_yes_no
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.yamlsource import read_bytes, read_failure

_MIB = 1024 * 1024
_OLE_HEADER = b"\xd0\xcf\x11\xe0"
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlam", ".xlsb")
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps for untrusted workbooks (an intake form is about 130 rows and 130 KB); the file size
    limit is InputKind.WORKBOOK in :mod:`seiteneinsteiger.limits`."""

    max_entries: int = 200
    max_uncompressed: int = 50 * _MIB
    max_ratio: int = 100  # uncompressed / compressed, for entries above ratio_from bytes
    ratio_from: int = 256 * 1024
    max_rows: int = 1000


def ensure_safe_xml() -> None:
    """Refuse to read workbooks unless openpyxl parses XML through defusedxml."""
    import openpyxl

    if openpyxl.DEFUSEDXML is not True:
        raise FormError(
            "Sicherheitsprüfung: openpyxl liest XML ohne Schutz vor XML-Angriffen (defusedxml "
            "fehlt oder ist abgeschaltet); Excel-Dateien werden daher nicht gelesen",
            hint="Das Paket 'defusedxml' installieren und OPENPYXL_DEFUSEDXML nicht auf False "
            "setzen.",
        )


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
    limits: Limits = Limits(),
) -> ImportResult:
    """Read one filled template. Refusals of the whole file raise :class:`FormError`; problems
    of single answers come back in the result."""
    shown = display or str(path)
    ensure_safe_xml()
    precheck(path, shown, limits)
    sheet_part = _sheet_parts(path, shown)
    workbook_codes, rows = _read(path, shown, form, limits, sheet_part)
    return _Reader(form, workbook_codes, rows, shown, today).run()


# ---------------------------------------------------------------------------------------------
# Checks before any parser runs


def precheck(path: Path, shown: str, limits: Limits) -> None:
    """File-level refusals, with German messages (no openpyxl involved)."""
    read_bytes(path, shown, InputKind.WORKBOOK, content=False)  # no pipe, no device, no giant
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise FormError(f"{shown}: {read_failure(exc)}") from None
    suffix = path.suffix.lower()
    if suffix in _MACRO_SUFFIXES:
        raise FormError(
            f"{shown}: Datei mit Makros ({suffix}) wird aus Sicherheitsgründen nicht gelesen",
            hint="Bitte die Vorlage neu erzeugen oder in Excel als 'Excel-Arbeitsmappe (*.xlsx)' "
            "speichern.",
        )
    if head.startswith(_OLE_HEADER) or suffix == ".xls":
        raise FormError(
            f"{shown}: Datei ist mit einem Kennwort verschlüsselt oder im alten .xls-Format",
            hint="Bitte den Kennwortschutz entfernen bzw. in Excel als 'Excel-Arbeitsmappe "
            "(*.xlsx)' speichern.",
        )
    if suffix != ".xlsx" or not zipfile.is_zipfile(path):
        raise FormError(
            f"{shown}: keine Excel-Datei (.xlsx)",
            hint="Gelesen werden nur ausgefüllte Vorlagen aus 'seiteneinsteiger form template'.",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(archive, shown, limits)
    except zipfile.BadZipFile:
        raise FormError(f"{shown}: beschädigte Excel-Datei (Zip-Archiv fehlerhaft)") from None


def _check_archive(archive: zipfile.ZipFile, shown: str, limits: Limits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise FormError(f"{shown}: ungewöhnlich viele Teile ({len(infos)}); keine Formularvorlage")
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if name.startswith(("/", "\\")) or ".." in parts or ":" in name:
            raise FormError(f"{shown}: unzulässiger Pfad im Archiv ('{name}')")
        if info.flag_bits & 0x1:
            raise FormError(f"{shown}: Datei enthält verschlüsselte Teile")
        if name.lower().endswith("vbaproject.bin"):
            raise FormError(
                f"{shown}: Datei enthält Makros (vbaProject.bin) und wird aus Sicherheitsgründen "
                "nicht gelesen",
                hint="Bitte die Vorlage neu erzeugen und ohne Makros speichern.",
            )
        total += info.file_size
        if info.file_size > limits.ratio_from and info.file_size > limits.max_ratio * max(
            1, info.compress_size
        ):
            raise FormError(
                f"{shown}: ein Teil der Datei ist ungewöhnlich stark komprimiert "
                f"({info.file_size // max(1, info.compress_size)}:1); möglicherweise eine "
                "Zip-Bombe, die Datei wird nicht gelesen"
            )
    if total > limits.max_uncompressed:
        raise FormError(
            f"{shown}: Datei ist entpackt zu groß ({total / _MIB:.0f} MB; höchstens "
            f"{limits.max_uncompressed // _MIB} MB); möglicherweise eine Zip-Bombe"
        )
    try:
        types = (
            archive.read("[Content_Types].xml")
            if "[Content_Types].xml" in archive.namelist()
            else b""
        )
    except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
        raise FormError(f"{shown}: beschädigte Excel-Datei ({exc})") from None
    if b"macroEnabled" in types:
        raise FormError(
            f"{shown}: Datei ist als Arbeitsmappe mit Makros gekennzeichnet und wird aus "
            "Sicherheitsgründen nicht gelesen",
            hint="Bitte in Excel als 'Excel-Arbeitsmappe (*.xlsx)' speichern.",
        )


# ---------------------------------------------------------------------------------------------
# Reading


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_parts(path: Path, shown: str) -> dict[str, str]:
    """Sheet name -> archive member, read from the workbook with defusedxml."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        raise FormError(f"{shown}: keine gültige Excel-Arbeitsmappe (workbook.xml fehlt)") from None
    except Exception as exc:  # defusedxml refusals, broken XML, broken zip
        raise _xml_refusal(shown, exc) from None
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relations.iter(f"{{{_PKG_REL_NS}}}Relationship")
    }
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{{{_MAIN_NS}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL_NS}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts[sheet.get("name", "")] = member
    return parts


def _xml_refusal(shown: str, exc: Exception) -> FormError:
    from defusedxml import DefusedXmlException

    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return FormError(
            f"{shown}: Datei enthält unzulässige XML-Anweisungen (DTD oder Entities, z. B. "
            "'Billion Laughs'); sie wird aus Sicherheitsgründen nicht gelesen"
        )
    return FormError(f"{shown}: beschädigte oder ungültige Excel-Datei ({type(exc).__name__})")


def _scan_sheet(path: Path, member: str, shown: str, sheet: str, limits: Limits) -> set[str]:
    """The cells (``D12``) of one sheet that hold a formula; refuses too many rows.

    Streams the sheet XML with defusedxml (entity and DTD tricks are refused here, before
    openpyxl sees the file) and stops at the first row past the cap, so a sheet whose
    ``<dimension>`` understates a million rows costs almost nothing.
    """
    from defusedxml.ElementTree import iterparse

    formulas: set[str] = set()
    row_tag, cell_tag, formula_tag = (f"{{{_MAIN_NS}}}{t}" for t in ("row", "c", "f"))
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as stream:
            for _event, element in iterparse(stream, events=("end",)):
                if element.tag == cell_tag:
                    if element.find(formula_tag) is not None:
                        formulas.add(element.get("r", ""))
                elif element.tag == row_tag:
                    number = int(element.get("r", "0") or 0)
                    if number > limits.max_rows:
                        raise FormError(
                            f"{shown}: Tabelle '{sheet}' hat Einträge in mehr als "
                            f"{limits.max_rows} Zeilen (Zeile {number}); ein Formular ist viel "
                            "kürzer. Bitte eine unveränderte Vorlage verwenden."
                        )
                    element.clear()
    except FormError:
        raise
    except KeyError:
        raise FormError(f"{shown}: Tabelle '{sheet}' fehlt in der Datei") from None
    except Exception as exc:
        raise _xml_refusal(shown, exc) from None
    return formulas


def _read(
    path: Path, shown: str, form: Form, limits: Limits, parts: dict[str, str]
) -> tuple[Codes, dict[int, tuple[Any, ...]]]:
    """The verified codes and the form sheet's rows (1-based row number -> cell values)."""
    from openpyxl import load_workbook

    if CODES_SHEET not in parts:
        raise _not_ours(shown)
    formulas = {
        name: _scan_sheet(path, member, shown, name, limits) for name, member in parts.items()
    }
    # openpyxl leaves the file open when it fails on a path; on our own handle it cannot.
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:
            raise _xml_refusal(shown, exc) from None
        try:
            codes = _codes(workbook, shown)
            _check_codes(codes, form, shown, parts)
            worksheet = workbook[codes.sheet]
            worksheet.reset_dimensions()
            width = "ABCDE".index(codes.answer_column) + 1
            rows: dict[int, tuple[Any, ...]] = {}
            iterator = worksheet.iter_rows(min_row=1, max_col=width, values_only=True)
            for number, values in enumerate(itertools.islice(iterator, limits.max_rows + 1), 1):
                if number > limits.max_rows:
                    raise FormError(
                        f"{shown}: Tabelle '{codes.sheet}' hat mehr als "
                        f"{limits.max_rows} Zeilen; ein Formular ist viel kürzer"
                    )
                rows[number] = tuple(values)
        except FormError:
            raise
        except Exception as exc:
            raise _xml_refusal(shown, exc) from None
        finally:
            workbook.close()
    for cell in formulas[codes.sheet]:
        match = _CELL.match(cell)
        if match and match.group(1) == codes.answer_column:
            row = int(match.group(2))
            rows[row] = (*rows.get(row, ())[: width - 1], _Formula())
    return codes, rows


def _check_codes(codes: Codes, form: Form, shown: str, parts: dict[str, str]) -> None:
    if codes.form_id != form.form_id or codes.language not in form.languages:
        raise FormError(
            f"{shown}: Vorlage eines anderen Formulars ('{codes.form_id}', Sprache "
            f"'{codes.language}'), erwartet wird '{form.form_id}'"
        )
    if codes.version != form.version:
        raise FormError(
            f"{shown}: Vorlage der Formularversion {codes.version}; aktuell ist {form.version}",
            hint="Bitte die Antworten in eine neue Vorlage übertragen "
            "('seiteneinsteiger form template').",
        )
    if codes.sheet not in parts:
        raise FormError(f"{shown}: Tabelle '{codes.sheet}' fehlt in der Datei")


class _Formula:
    """Marks an answer cell that holds a formula instead of a value."""


def _not_ours(shown: str) -> FormError:
    return FormError(
        f"{shown}: keine Formularvorlage von seiteneinsteiger (die versteckten Codes fehlen)",
        hint="Gelesen werden nur Vorlagen aus 'seiteneinsteiger form template', ausgefüllt und "
        "als .xlsx gespeichert.",
    )


def _codes(workbook: Any, shown: str) -> Codes:
    if CODES_SHEET not in workbook.sheetnames:
        raise _not_ours(shown)
    sheet = workbook[CODES_SHEET]
    sheet.reset_dimensions()
    values = [
        tuple(row)
        for row in itertools.islice(sheet.iter_rows(min_row=1, max_col=4, values_only=True), 2000)
    ]
    head = {str(row[0]): row[1] for row in values[:6] if row and row[0] is not None}
    changed = FormError(
        f"{shown}: die versteckten Codes der Vorlage wurden verändert; die Antworten können "
        "nicht sicher zugeordnet werden",
        hint="Bitte die Antworten in eine neue Vorlage übertragen ('seiteneinsteiger form "
        "template').",
    )
    if CODES_MAGIC not in head:
        raise _not_ours(shown)
    try:
        codes = Codes(
            form_id=str(head[CODES_MAGIC]),
            version=str(head["version"]),
            language=str(head["language"]),
            sheet=str(head["sheet"]),
            answer_column=str(head["answer_column"]),
        )
        for row in values[8:]:
            if not row or row[0] is None:
                continue
            number, name, choice = row[1], row[2], row[3] if len(row) > 3 else None
            if not isinstance(row[0], int) or isinstance(row[0], bool):
                raise changed
            codes.rows.append((row[0], str(number), str(name), str(choice or "")))
    except (KeyError, IndexError, TypeError):
        raise changed from None
    if str(head.get("checksum")) != codes.checksum() or codes.answer_column not in "BCDE":
        raise changed
    return codes


# ---------------------------------------------------------------------------------------------
# Answers


class _Reader:
    def __init__(
        self, form: Form, codes: Codes, rows: dict[int, tuple[Any, ...]], shown: str, today: dt.date
    ) -> None:
        self.form = form
        self.codes = codes
        self.rows = rows
        self.shown = shown
        self.today = today
        self.language = codes.language
        self.problems: list[Problem] = []
        self.cells: dict[str, str] = {}  # question -> its answer cell
        self.unreadable: set[str] = set()  # questions whose cell was already reported

    def problem(
        self, question: QuestionSpec | None, cell: str | None, message: str, severity: str = "error"
    ) -> None:
        self.problems.append(
            Problem(
                file=self.shown,
                cell=f"{self.codes.sheet}!{cell}" if cell else self.codes.sheet,
                field=pick(question.label, "de") if question else None,
                message=message,
                severity=severity,
            )
        )

    def run(self) -> ImportResult:
        form = self.form
        column = self.codes.answer_column
        index = "ABCDE".index(column)
        raw: dict[str, Any] = {}
        chosen: dict[str, list[str]] = {}
        for row, number, name, choice in self.codes.rows:
            question = form.by_name.get(name)
            if question is None:
                raise FormError(
                    f"{self.shown}: die Vorlage nennt die Frage '{name}', die das "
                    "Formular nicht hat; bitte eine neue Vorlage verwenden"
                )
            values = self.rows.get(row, ())
            found = values[0] if values else None
            if found is None or str(found).strip() != number:
                raise FormError(
                    f"{self.shown}: {self.codes.sheet}!A{row}: erwartet Nr. {number}, gefunden "
                    f"'{found if found is not None else ''}'. Wurden Zeilen eingefügt, gelöscht "
                    "oder verschoben?",
                    hint="Bitte die Antworten in eine neue Vorlage übertragen.",
                )
            cell = f"{column}{row}"
            value = values[index] if len(values) > index else None
            if isinstance(value, _Formula):
                self.problem(
                    question, cell, "Formel statt Antwort; bitte den Wert selbst eintragen"
                )
                self.unreadable.add(name)
                continue
            if question.type == "select_multiple":
                self.cells.setdefault(name, cell)
                if not choice:
                    continue
                chosen.setdefault(name, [])
                parsed = parse_yes_no(form, value)
                if parsed.error is not None:
                    self.problem(
                        question, cell, f"Auswahl '{choice}': {form.text('boolean', 'de')}"
                    )
                    self.unreadable.add(name)
                elif parsed.value:
                    chosen[name].append(choice)
                continue
            self.cells[name] = cell
            raw[name] = value
        answers = self._parse(raw, chosen)
        return self._finish(answers)

    def _parse(self, raw: dict[str, Any], chosen: dict[str, list[str]]) -> dict[str, Any]:
        answers: dict[str, Any] = {}
        for name, value in raw.items():
            question = self.form.by_name[name]
            parsed = parse(self.form, question, value, self.language)
            if parsed.error is not None:
                self.problem(question, self.cells[name], self.form.text(parsed.error, "de"))
                self.unreadable.add(name)
            elif parsed.value is not None:
                answers[name] = parsed.value
        for name, codes in chosen.items():
            if codes:
                answers[name] = parse(self.form, self.form.by_name[name], codes, "de").value
        return answers

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
