"""The capacity table the Schulamt maintains: places per school and offer, with who reported them.

One row: Schulnummer; Angebot; Klasse von; Klasse bis; Plätze gesamt; belegt; reserviert;
gültig von; gültig bis; gemeldet von; gemeldet am (dates TT.MM.JJJJ). Free places are
``gesamt − belegt − reserviert``. Empty "Klasse von/bis" means every class of the school, empty
"belegt"/"reserviert" means 0, empty "gültig bis" means until further notice. Optional columns
"Schule" (for people, not read) and "Bemerkung".

Files are ``.csv`` (``;``, ``,`` or tab; UTF-8, or Windows-1252 as German Excel saves it, with a
warning) or ``.xlsx`` (guarded by :mod:`seiteneinsteiger.xlsx_guard` like every Excel import).
Every problem is located (``FILE:LINE: Spalte: Meldung`` or ``FILE Blatt!Zelle: Spalte: ...``);
a bad row is left out and the others are read. With the school directory, rows are checked
against it: unknown Schulnummer (with a suggestion for a typo), a school not in operation, an
offer the school form cannot have, classes the school form does not teach.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from seiteneinsteiger.errors import InputFileError, Problem, SeiteneinsteigerError
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.schools.directory import Directory, csv_message
from seiteneinsteiger.schools.offers import OFFER_FORMS, Offer, offer_label, parse_offer
from seiteneinsteiger.xlsx_guard import Limits, Wording
from seiteneinsteiger.yamlsource import read_bytes, read_failure

SHEET = "Kapazitäten"

#: (key, German column name, required) in the order of the template.
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("schulnummer", "Schulnummer", True),
    ("schule", "Schule", False),
    ("angebot", "Angebot", True),
    ("klasse_von", "Klasse von", True),
    ("klasse_bis", "Klasse bis", True),
    ("gesamt", "Plätze gesamt", True),
    ("belegt", "belegt", True),
    ("reserviert", "reserviert", True),
    ("gueltig_von", "gültig von", True),
    ("gueltig_bis", "gültig bis", True),
    ("gemeldet_von", "gemeldet von", True),
    ("gemeldet_am", "gemeldet am", True),
    ("bemerkung", "Bemerkung", False),
)
HEADER = tuple(name for key, name, _ in COLUMNS if key != "schule" and key != "bemerkung")
_NAMES = {key: name for key, name, _ in COLUMNS}

LIMITS = Limits(max_rows=5000)
_WORDING = Wording(
    error=InputFileError,
    kind=InputKind.CAPACITY,
    not_ours="keine Kapazitätstabelle",
    too_long="eine Kapazitätstabelle ist viel kürzer.",
    not_xlsx_hint="Gelesen werden .xlsx-Dateien (Vorlage: 'seiteneinsteiger schools template') "
    "und .csv-Dateien.",
)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_INTEGER = re.compile(r"[+-]?\d+")


def _header_key(text: str) -> str:
    folded = " ".join(str(text).replace("*", " ").replace(":", " ").split()).casefold()
    return folded.replace("ä", "ae").replace("ü", "ue").replace("ö", "oe")


_ALIASES: dict[str, str] = {_header_key(name): key for key, name, _ in COLUMNS} | {
    "plaetze": "gesamt",
    "plaetze insgesamt": "gesamt",
    "gueltig ab": "gueltig_von",
    "klasse": "klasse_von",
}


@dataclass(frozen=True, slots=True)
class CapacityRow:
    """Places of one offer at one school for a period, as the Schulamt reported them."""

    schulnummer: str
    offer: Offer
    grade_from: int | None
    grade_to: int | None
    total: int
    taken: int
    reserved: int
    valid_from: dt.date
    valid_until: dt.date | None
    reported_by: str
    reported_on: dt.date
    note: str | None = None
    where: str = ""  # "kapazitaet.csv:4" or "kapazitaet.xlsx Kapazitäten!A4"
    #: places the case register holds for other cases (proposals, confirmed admissions not yet
    #: in a report): counted on top of what the Schulamt reports as taken and reserved
    held: int = 0
    id: int | None = None  # the row in the register

    @property
    def free(self) -> int:
        return max(0, self.total - self.taken - self.reserved - self.held)

    def counts_text(self) -> str:
        """``12 gesamt, 9 belegt, 0 reserviert`` (and the register's places, when there are)."""
        text = f"{self.total} gesamt, {self.taken} belegt, {self.reserved} reserviert"
        if self.held:
            text += f", {self.held} im Fallregister vorgemerkt"
        return text

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def covers(self, grade: int | None) -> bool:
        if grade is None or self.grade_from is None or self.grade_to is None:
            return True
        return self.grade_from <= grade <= self.grade_to

    def grades_text(self) -> str:
        if self.grade_from is None or self.grade_to is None:
            return "alle Klassen"
        if self.grade_from == self.grade_to:
            return f"Klasse {self.grade_from}"
        return f"Klassen {self.grade_from}–{self.grade_to}"

    def period_text(self) -> str:
        until = f"bis {self.valid_until:%d.%m.%Y}" if self.valid_until else "ohne Enddatum"
        return f"gültig ab {self.valid_from:%d.%m.%Y} {until}"

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schulnummer": self.schulnummer,
            "offer": self.offer.value,
            "offer_label": offer_label(self.offer),
            "grade_from": self.grade_from,
            "grade_to": self.grade_to,
            "total": self.total,
            "taken": self.taken,
            "reserved": self.reserved,
            "held": self.held,
            "free": self.free,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "reported_by": self.reported_by,
            "reported_on": self.reported_on.isoformat(),
            "note": self.note,
            "where": self.where,
        }


@dataclass(slots=True)
class CapacityReport:
    source: str
    rows: list[CapacityRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)


class CapacityTable:
    """Capacity rows of one or more files, by Schulnummer."""

    def __init__(self, rows: Iterable[CapacityRow] = ()) -> None:
        self.rows: tuple[CapacityRow, ...] = tuple(rows)
        self._by_school: dict[str, list[CapacityRow]] = {}
        for row in self.rows:
            self._by_school.setdefault(row.schulnummer, []).append(row)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[CapacityRow]:
        return iter(self.rows)

    def for_school(self, schulnummer: str) -> list[CapacityRow]:
        return self._by_school.get(schulnummer, [])


# ---------------------------------------------------------------------------------------------
# Reading


def read_capacity(
    path: Path,
    *,
    directory: Directory | None = None,
    display: str | None = None,
    today: dt.date | None = None,
    limits: Limits = LIMITS,
) -> CapacityReport:
    """Read a capacity file (.csv or .xlsx); problems come back in the report, nothing raises."""
    shown = display or str(path)
    suffix = path.suffix.lower()
    try:
        if suffix in {".xlsx", ".xlsm", ".xls", ".xltm", ".xlam", ".xlsb"}:
            records = _xlsx_records(path, shown, limits)
            return _Validator(shown, directory, today).run(records)
        if suffix not in {".csv", ".txt"}:
            return _fatal(
                shown,
                f"unbekannte Dateiendung '{path.suffix}' (gelesen werden .csv und .xlsx)",
            )
        data = read_bytes(path, shown, InputKind.CAPACITY)
    except OSError as exc:
        return _fatal(shown, read_failure(exc))
    except SeiteneinsteigerError as exc:  # refused before any row was read
        problem = exc.problems[0] if exc.problems else Problem(file=shown, message=exc.message)
        return CapacityReport(shown, problems=[problem])
    return parse_capacity_csv(data, shown, directory=directory, today=today)


def parse_capacity_csv(
    data: bytes, source: str, *, directory: Directory | None = None, today: dt.date | None = None
) -> CapacityReport:
    """Parse the bytes of a CSV capacity file (pure)."""
    validator = _Validator(source, directory, today)
    try:
        records = list(_csv_records(data, source, validator))
    except _Refused as exc:
        return _fatal(source, exc.message, exc.line)
    return validator.run(records)


def check_capacity_entry(
    values: dict[str, Any],
    source: str,
    *,
    directory: Directory | None = None,
    today: dt.date | None = None,
) -> CapacityReport:
    """One row given as values by column key (``schulnummer``, ``angebot``, ``klasse_von``, …),
    e.g. the options of ``schools capacity set``, checked exactly like a row of a file. Its
    problems name the column (:data:`COLUMN_KEYS` maps the name back to the key)."""
    return _Validator(source, directory, today).run([_Record(values, 1)])


#: German column name -> column key (the inverse of the table of :data:`COLUMNS`).
COLUMN_KEYS: dict[str, str] = {name: key for key, name, _ in COLUMNS}


def _fatal(source: str, message: str, line: int | None = None) -> CapacityReport:
    return CapacityReport(source, problems=[Problem(file=source, line=line, message=message)])


class _Refused(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class _Record:
    """The raw cells of one data row and where they are."""

    values: dict[str, Any]
    row: int  # line of the CSV file or row of the sheet
    sheet: str | None = None
    letters: dict[str, str] = field(default_factory=dict)  # key -> column letter (xlsx)
    formulas: set[str] = field(default_factory=set)  # keys whose cell is an uncomputed formula


def _columns(header: list[Any], where: str, line: int | None = None) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if name is None or not str(name).strip():
            continue
        key = _ALIASES.get(_header_key(str(name)))
        if key is not None and key not in columns:
            columns[key] = index
    missing = [_NAMES[key] for key, _, required in COLUMNS if required and key not in columns]
    if missing:
        raise _Refused(
            f"{where}: "
            + ("Spalte " if len(missing) == 1 else "Spalten ")
            + ", ".join(f"'{name}'" for name in missing)
            + (" fehlt" if len(missing) == 1 else " fehlen")
            + " (erwartet: "
            + "; ".join(HEADER)
            + ")",
            line,
        )
    return columns


def _looks_like_capacity(cells: Iterable[Any]) -> bool:
    keys = {_ALIASES.get(_header_key(str(c))) for c in cells if c is not None}
    return "schulnummer" in keys and "angebot" in keys


def _csv_records(data: bytes, source: str, validator: _Validator) -> Iterator[_Record]:
    if not data.strip():
        raise _Refused("Datei ist leer")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise _Refused("Excel-Datei mit der Endung .csv; bitte als .xlsx speichern und einlesen")
    if b"\x00" in data:
        raise _Refused("Datei ist binär, keine CSV-Datei")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        validator.file_warning(
            "Datei ist nicht in UTF-8 kodiert; als Windows-1252 gelesen (Umlaute prüfen; besser "
            "in Excel als 'CSV UTF-8' speichern)"
        )
    stream = io.StringIO(text, newline="")
    first = stream.readline()
    offset = 1
    match = re.fullmatch(r'"?sep=(.)"?\s*', first, flags=re.IGNORECASE)
    if match:
        delimiter = match.group(1)
        first = stream.readline()
        offset = 2
    else:
        delimiter = max(";,\t", key=first.count)
    header_line = offset
    try:
        header = next(csv.reader([first], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise _Refused(f"Kopfzeile: {csv_message(exc)}", header_line) from None
    if not _looks_like_capacity(header):
        raise _Refused(
            "keine Kapazitätstabelle (Kopfzeile mit Schulnummer; Angebot; Klasse von; … erwartet)",
            header_line,
        )
    columns = _columns(header, "Kopfzeile", header_line)
    reader = csv.reader(stream, delimiter=delimiter, strict=True)
    while True:
        start = reader.line_num + header_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            validator.problem_at(start, None, csv_message(exc))
            continue
        if reader.line_num + header_line > start:
            validator.problem_at(
                start,
                None,
                "Wert in Anführungszeichen reicht über mehrere Zeilen (Anführungszeichen nicht "
                "geschlossen?)",
            )
            continue
        if not any(cell.strip() for cell in row):
            continue
        values = {key: row[index] if index < len(row) else None for key, index in columns.items()}
        yield _Record(values, start)


def _xlsx_records(path: Path, shown: str, limits: Limits) -> list[_Record]:
    from seiteneinsteiger import xlsx_guard

    xlsx_guard.ensure_safe_xml(InputFileError)
    xlsx_guard.precheck(path, shown, limits, _WORDING)
    parts = xlsx_guard.sheet_parts(path, shown, _WORDING)
    if not parts:
        raise InputFileError.at(shown, "die Arbeitsmappe hat keine Tabelle")
    sheet = SHEET if SHEET in parts else next(iter(parts))
    formulas = xlsx_guard.scan_sheet(path, parts[sheet], shown, sheet, limits, _WORDING)
    rows = _sheet_rows(path, shown, sheet, limits)
    return _records_from_rows(rows, sheet, formulas, shown)


def _sheet_rows(path: Path, shown: str, sheet: str, limits: Limits) -> list[tuple[Any, ...]]:
    from openpyxl import load_workbook

    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:
            from seiteneinsteiger.xlsx_guard import xml_refusal

            raise xml_refusal(shown, exc, _WORDING) from None
        try:
            worksheet = workbook[sheet]
            worksheet.reset_dimensions()
            iterator = worksheet.iter_rows(min_row=1, max_col=30, values_only=True)
            return [tuple(row) for row in itertools.islice(iterator, limits.max_rows)]
        except Exception as exc:
            from seiteneinsteiger.xlsx_guard import xml_refusal

            raise xml_refusal(shown, exc, _WORDING) from None
        finally:
            workbook.close()


def _records_from_rows(
    rows: list[tuple[Any, ...]], sheet: str, formulas: set[str], shown: str
) -> list[_Record]:
    from openpyxl.utils import get_column_letter

    header_row = next((n for n, row in enumerate(rows[:20]) if _looks_like_capacity(row)), None)
    if header_row is None:
        raise InputFileError.at(
            shown,
            f"Tabelle '{sheet}' ist keine Kapazitätstabelle (Kopfzeile mit "
            "Schulnummer, Angebot, Klasse von, … in den ersten 20 Zeilen erwartet)",
        )
    try:
        columns = _columns(list(rows[header_row]), f"{sheet}!{header_row + 1}")
    except _Refused as exc:
        raise InputFileError.at(shown, exc.message, line=exc.line) from None
    letters = {key: get_column_letter(index + 1) for key, index in columns.items()}
    records: list[_Record] = []
    for number, row in enumerate(rows[header_row + 1 :], start=header_row + 2):
        values = {key: row[index] if index < len(row) else None for key, index in columns.items()}
        uncomputed = {
            key
            for key, letter in letters.items()
            if values[key] is None and f"{letter}{number}" in formulas
        }
        if all(_blank(v) for v in values.values()) and not uncomputed:
            continue
        records.append(_Record(values, number, sheet, letters, uncomputed))
    return records


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------------------------------------
# Checking


class _Validator:
    def __init__(self, source: str, directory: Directory | None, today: dt.date | None) -> None:
        self.source = source
        self.directory = directory
        self.today = today
        self.problems: list[Problem] = []
        self.rows: list[CapacityRow] = []
        self.seen: dict[tuple[str, Offer], list[tuple[CapacityRow, int]]] = {}

    # -- problems ------------------------------------------------------------------------------

    def file_warning(self, message: str) -> None:
        self.problems.append(Problem(file=self.source, message=message, severity="warning"))

    def problem_at(self, line: int, key: str | None, message: str) -> None:
        self.problems.append(
            Problem(file=self.source, line=line, field=_NAMES.get(key or ""), message=message)
        )

    def problem(self, record: _Record, key: str | None, message: str, severity: str) -> None:
        name = _NAMES.get(key or "")
        if record.sheet is not None:
            letter = record.letters.get(key or "schulnummer", "A")
            cell = f"{record.sheet}!{letter}{record.row}"
            found = Problem(
                file=self.source, cell=cell, field=name, message=message, severity=severity
            )
        else:
            found = Problem(
                file=self.source, line=record.row, field=name, message=message, severity=severity
            )
        self.problems.append(found)

    def where(self, record: _Record) -> str:
        if record.sheet is not None:
            return f"{self.source} {record.sheet}!A{record.row}"
        return f"{self.source}:{record.row}"

    # -- rows ----------------------------------------------------------------------------------

    def run(self, records: Iterable[_Record]) -> CapacityReport:
        for record in records:
            self.record(record)
        return CapacityReport(self.source, self.rows, self.problems)

    def record(self, record: _Record) -> None:
        before = len(self.problems)

        def error(key: str | None, message: str) -> None:
            self.problem(record, key, message, "error")

        for key in sorted(record.formulas):
            error(key, "Formel ohne gespeicherten Wert; bitte den Wert selbst eintragen")
        row = self._parse(record, error)
        if row is None or self._has_error(before):
            return
        self._consistency(record, row, error)
        if self.directory is not None:
            self._against_directory(record, row, self.directory)
        if self._has_error(before):
            return
        self._duplicates(record, row, error)
        if not self._has_error(before):
            self.rows.append(row)

    def _has_error(self, before: int) -> bool:
        return any(p.is_error for p in self.problems[before:])

    def _parse(
        self, record: _Record, error: Callable[[str | None, str], None]
    ) -> CapacityRow | None:
        values = record.values
        parsed: dict[str, Any] = {}
        failed = False
        for key, reader in _READERS:
            if key in record.formulas:
                failed = True
                continue
            try:
                parsed[key] = reader(values.get(key))
            except ValueError as exc:
                error(key, str(exc))
                failed = True
        if failed:
            return None
        return CapacityRow(
            schulnummer=parsed["schulnummer"],
            offer=parsed["angebot"],
            grade_from=parsed["klasse_von"],
            grade_to=parsed["klasse_bis"],
            total=parsed["gesamt"],
            taken=parsed["belegt"] or 0,
            reserved=parsed["reserviert"] or 0,
            valid_from=parsed["gueltig_von"],
            valid_until=parsed["gueltig_bis"],
            reported_by=parsed["gemeldet_von"],
            reported_on=parsed["gemeldet_am"],
            note=parsed["bemerkung"],
            where=self.where(record),
        )

    def _consistency(
        self, record: _Record, row: CapacityRow, error: Callable[[str | None, str], None]
    ) -> None:
        for key, amount in (
            ("gesamt", row.total),
            ("belegt", row.taken),
            ("reserviert", row.reserved),
        ):
            if amount < 0:
                error(key, f"{amount}: negative Platzzahl")
        if min(row.total, row.taken, row.reserved) >= 0 and row.taken + row.reserved > row.total:
            error(
                "belegt",
                f"belegt ({row.taken}) und reserviert ({row.reserved}) sind zusammen mehr als "
                f"Plätze gesamt ({row.total})",
            )
        if (row.grade_from is None) != (row.grade_to is None):
            missing = "klasse_bis" if row.grade_to is None else "klasse_von"
            error(missing, "fehlt (beide Klassen angeben oder beide leer lassen für alle Klassen)")
        for key, grade in (("klasse_von", row.grade_from), ("klasse_bis", row.grade_to)):
            if grade is not None and not 1 <= grade <= 13:
                error(key, f"Klasse {grade} gibt es nicht (1 bis 13)")
        if (
            row.grade_from is not None
            and row.grade_to is not None
            and row.grade_from > row.grade_to
        ):
            error(
                "klasse_bis", f"Klasse bis ({row.grade_to}) liegt vor Klasse von ({row.grade_from})"
            )
        if row.valid_until is not None and row.valid_until < row.valid_from:
            error(
                "gueltig_bis",
                f"{row.valid_until:%d.%m.%Y} liegt vor 'gültig von' ({row.valid_from:%d.%m.%Y})",
            )
        if self.today is not None and row.reported_on > self.today:
            self.problem(
                record,
                "gemeldet_am",
                f"{row.reported_on:%d.%m.%Y} liegt in der Zukunft",
                "warning",
            )

    def _against_directory(self, record: _Record, row: CapacityRow, directory: Directory) -> None:
        school = directory.get(row.schulnummer)
        if school is None:
            self.problem(
                record, "schulnummer", _unknown_school(row.schulnummer, directory), "error"
            )
            return
        if not school.in_operation:
            self.problem(
                record,
                "schulnummer",
                f"{school.label}: {school.operation_text()}; für diese Schule können keine Plätze "
                "gemeldet werden",
                "error",
            )
            return
        schulform = school.schulform
        if schulform.never_proposed:
            self.problem(
                record,
                "schulnummer",
                f"{school.label}: {schulform.never_proposed}; die Zeile wird gelesen, aber nie "
                "vorgeschlagen",
                "warning",
            )
        forms = {code for code, _ in schulform.serves}
        if forms and not forms & OFFER_FORMS[row.offer]:
            self.problem(
                record,
                "angebot",
                f"{offer_label(row.offer)} gibt es an einer Schule der Schulform "
                f"{schulform.label} nicht ({school.label})",
                "error",
            )
            return
        grades = schulform.all_grades()
        if grades is not None and row.grade_from is not None and row.grade_to is not None:
            low, high = grades
            if row.grade_from < low or row.grade_to > high:
                self.problem(
                    record,
                    "klasse_von" if row.grade_from < low else "klasse_bis",
                    f"{row.grades_text()} gibt es an einer Schule der Schulform "
                    f"{schulform.label} nicht (Klassen {low}–{high}; {school.label})",
                    "error",
                )

    def _duplicates(
        self, record: _Record, row: CapacityRow, error: Callable[[str | None, str], None]
    ) -> None:
        earlier = self.seen.setdefault((row.schulnummer, row.offer), [])
        for other, line in earlier:
            if rows_overlap(row, other):
                error(
                    "angebot",
                    f"überschneidet sich mit Zeile {line}: gleiche Schule, gleiches Angebot "
                    f"({offer_label(row.offer)}), Klassen und Gültigkeitszeitraum überlappen",
                )
                return
        earlier.append((row, record.row))


def _unknown_school(number: str, directory: Directory) -> str:
    message = f"Schulnummer {number} steht nicht im Schulverzeichnis"
    authority = next((a for a in directory.authorities if a.schulnummer == number), None)
    if authority is not None:
        return f"{number} ist keine Schule, sondern eine Schulverwaltung ({authority.label})"
    near = directory.near_numbers(number)[:3]
    if near:
        message += "; meinten Sie " + " oder ".join(
            f"{school.schulnummer} ({school.label})" for school in near
        )
        message += "?"
    return message


def rows_overlap(a: CapacityRow, b: CapacityRow) -> bool:
    """Two reports of the same school and offer whose classes and validity overlap: the table
    may hold only one of them (a new report replaces the older one)."""
    return _overlap_grades(a, b) and _overlap_period(a, b)


def _overlap_grades(a: CapacityRow, b: CapacityRow) -> bool:
    if a.grade_from is None or a.grade_to is None or b.grade_from is None or b.grade_to is None:
        return True
    return a.grade_from <= b.grade_to and b.grade_from <= a.grade_to


def _overlap_period(a: CapacityRow, b: CapacityRow) -> bool:
    a_end = a.valid_until or dt.date.max
    b_end = b.valid_until or dt.date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


# ---------------------------------------------------------------------------------------------
# Cell readers: each returns the value or raises ValueError with the German message
# (fast paths first: a CSV cell is a str, and most are plain digits or TT.MM.JJJJ)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _stripped(value: Any) -> str | None:
    """A CSV cell or a text cell without surrounding spaces; None for any other value."""
    return value.strip() if type(value) is str else None


def _schulnummer(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("Schulnummer erwartet (6 Ziffern)")
    text = _text(value)
    if not text:
        raise ValueError("fehlt")
    if not re.fullmatch(r"\d{6}", text):
        raise ValueError(f"'{text}' ist keine Schulnummer (6 Ziffern)")
    return text


def _offer(value: Any) -> Offer:
    text = _text(value)
    if not text:
        raise ValueError("fehlt")
    offer = parse_offer(text)
    if offer is None:
        raise ValueError(
            f"'{text}' ist kein Angebot; erlaubt: " + ", ".join(o.value for o in Offer)
        )
    return offer


def _optional_int(value: Any) -> int | None:
    text = _stripped(value)
    if text is not None and (not text or (text.isdigit() and len(text) <= 6)):
        return int(text) if text else None  # the usual CSV cell
    if isinstance(value, bool):
        raise ValueError("ganze Zahl erwartet")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(f"{value} ist keine ganze Zahl")
    if isinstance(value, dt.date):
        raise ValueError("Datum statt Zahl")
    text = _text(value)
    if not text:
        return None
    if not _INTEGER.fullmatch(text) or len(text) > 6:
        raise ValueError(f"'{text}' ist keine ganze Zahl")
    return int(text)


def _required_int(value: Any) -> int:
    number = _optional_int(value)
    if number is None:
        raise ValueError("fehlt")
    return number


def _optional_date(value: Any) -> dt.date | None:
    text = _stripped(value)
    if text is not None and len(text) == 10 and text[2] == text[5] == ".":
        dd, mm, yyyy = text[:2], text[3:5], text[6:]
        if dd.isdigit() and mm.isdigit() and yyyy.isdigit():  # the usual TT.MM.JJJJ
            try:
                return dt.date(int(yyyy), int(mm), int(dd))
            except ValueError:
                raise ValueError(f"'{text}': diesen Tag gibt es nicht") from None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("Zahl statt Datum (Zelle als Datum formatieren, TT.MM.JJJJ)")
    text = _text(value)
    if not text:
        return None
    match = _GERMAN_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"'{text}' ist kein Datum im Format TT.MM.JJJJ")
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}': diesen Tag gibt es nicht") from None


def _required_date(value: Any) -> dt.date:
    day = _optional_date(value)
    if day is None:
        raise ValueError("fehlt (Datum TT.MM.JJJJ)")
    return day


def _optional_text(value: Any) -> str | None:
    text = _text(value)
    if len(text) > 500:
        raise ValueError("Text ist zu lang (höchstens 500 Zeichen)")
    return text or None


def _required_text(value: Any) -> str:
    text = _optional_text(value)
    if text is None:
        raise ValueError("fehlt")
    if len(text) > 200:
        raise ValueError("Text ist zu lang (höchstens 200 Zeichen)")
    return text


_READERS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("schulnummer", _schulnummer),
    ("angebot", _offer),
    ("klasse_von", _optional_int),
    ("klasse_bis", _optional_int),
    ("gesamt", _required_int),
    ("belegt", _optional_int),
    ("reserviert", _optional_int),
    ("gueltig_von", _required_date),
    ("gueltig_bis", _optional_date),
    ("gemeldet_von", _required_text),
    ("gemeldet_am", _required_date),
    ("bemerkung", _optional_text),
)
