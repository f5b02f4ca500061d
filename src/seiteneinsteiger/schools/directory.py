"""The Ministry's school directory (Schulgrunddaten NRW), read exactly as published.

Format (shared/data/schuldaten-nrw/README.md): UTF-8, line 1 ``sep=;``, line 2 the header, every
value quoted, the header ends with ``;`` (an empty last column the data rows do not have).
Columns are read by header name, so newer files with ``Bezirksregierung`` read the same. The EPSG
column says ``EPSG:25832`` or ``null`` (the same system): UTM zone 32, metres.

Every bad row becomes a located :class:`Problem` (``FILE:LINE: Spalte: Meldung``) and is left
out; one bad row never stops the others. A file that is not this format at all (an Excel file, a
CSV of something else) gets one message. Administration entries (``0A``) are kept apart as
``authorities`` (the Schulamt's own address); ``81`` and ``83`` are skipped (schulformen.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from seiteneinsteiger.codes import SchoolForm
from seiteneinsteiger.errors import Problem, SeiteneinsteigerError
from seiteneinsteiger.limits import InputKind
from seiteneinsteiger.schools.schulformen import SCHULFORMEN, Schulform
from seiteneinsteiger.yamlsource import read_bytes, read_failure

REQUIRED_COLUMNS = (
    "Schulnummer",
    "Schulform",
    "Schulbezeichnung_1",
    "PLZ",
    "Ort",
    "Strasse",
    "Rechtsform",
    "Gemeindeschluessel",
    "Schulbetriebsschluessel",
    "UTMRechtswert",
    "UTMHochwert",
)

#: A generous box around NRW in UTM zone 32 (the real file spans E 282,942–529,105, N
#: 5,584,531–5,813,538); a coordinate outside it is a typo or another system.
NRW_EASTING = (250_000, 560_000)
NRW_NORTHING = (5_550_000, 5_850_000)

_SIX_DIGITS = re.compile(r"\d{6}")
_EIGHT_DIGITS = re.compile(r"\d{8}")
_FIVE_DIGITS = re.compile(r"\d{5}")
_METRES = re.compile(r"\d{5,7}(?:[.,]\d+)?")
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_CONNECTORS = ("und ", "u. ", "oder ", "bzw. ", "sowie ")
_Get = Callable[[str, str], str]


class School(NamedTuple):
    """One entry of the school directory (public data of the Ministry).

    A named tuple: immutable and the cheapest record to build 5,500 times.
    """

    schulnummer: str
    name: str
    short_name: str
    form_key: str
    street: str
    postcode: str
    town: str
    gemeindeschluessel: str
    private: bool
    betrieb_key: str
    betrieb_date: dt.date | None = None
    easting: int | None = None
    northing: int | None = None
    phone: str | None = None
    email: str | None = None
    homepage: str | None = None
    traegernummer: str | None = None
    bezirksregierung: str | None = None
    line: int = 0

    @property
    def schulform(self) -> Schulform:
        return SCHULFORMEN[self.form_key]

    @property
    def form_code(self) -> SchoolForm | None:
        return self.schulform.code

    @property
    def in_operation(self) -> bool:
        """In operation: Schulbetriebsschlüssel 1 (everything else is not admitting pupils)."""
        return self.betrieb_key == "1"

    @property
    def rechtsform(self) -> str:
        return "privat" if self.private else "öffentlich"

    @property
    def address(self) -> str:
        place = " ".join(part for part in (self.postcode, self.town) if part)
        return ", ".join(part for part in (self.street, place) if part)

    @property
    def label(self) -> str:
        """How a person recognises the school: its short name, else its name and town."""
        return self.short_name or f"{self.name}, {self.town}"

    def operation_text(self) -> str:
        if self.in_operation:
            return "in Betrieb"
        when = f", Datum {self.betrieb_date:%d.%m.%Y}" if self.betrieb_date else ""
        return (
            "laut Schulverzeichnis nicht in Betrieb (Schulbetriebsschlüssel "
            f"{self.betrieb_key}{when})"
        )

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schulnummer": self.schulnummer,
            "name": self.name,
            "short_name": self.short_name,
            "schulform_key": self.form_key,
            "schulform": self.schulform.label,
            "school_form": self.form_code.value if self.form_code else None,
            "street": self.street,
            "postcode": self.postcode,
            "town": self.town,
            "gemeindeschluessel": self.gemeindeschluessel,
            "rechtsform": self.rechtsform,
            "in_operation": self.in_operation,
            "schulbetriebsschluessel": self.betrieb_key,
            "schulbetriebsdatum": self.betrieb_date.isoformat() if self.betrieb_date else None,
            "utm32_easting": self.easting,
            "utm32_northing": self.northing,
            "phone": self.phone,
            "email": self.email,
            "homepage": self.homepage,
        }


@dataclass(slots=True)
class DirectoryReport:
    """What reading one directory file gave: the schools, the problems, what was skipped."""

    source: str
    schools: list[School] = field(default_factory=list)
    authorities: list[School] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # Schulform key -> rows left out
    sha256: str = ""  # of the bytes read (which file version the schools came from)

    @property
    def ok(self) -> bool:
        return not any(problem.is_error for problem in self.problems)

    @property
    def errors(self) -> int:
        return sum(problem.is_error for problem in self.problems)


class Directory:
    """The schools of one directory, by Schulnummer."""

    def __init__(
        self, schools: Iterable[School], *, source: str = "", authorities: Iterable[School] = ()
    ) -> None:
        self.schools: tuple[School, ...] = tuple(schools)
        self.authorities: tuple[School, ...] = tuple(authorities)
        self.source = source
        self._by_number = {school.schulnummer: school for school in self.schools}

    @classmethod
    def from_report(cls, report: DirectoryReport) -> Directory:
        return cls(report.schools, source=report.source, authorities=report.authorities)

    def __len__(self) -> int:
        return len(self.schools)

    def __iter__(self) -> Iterator[School]:
        return iter(self.schools)

    def get(self, schulnummer: str) -> School | None:
        return self._by_number.get(schulnummer)

    def in_area(self, prefixes: Iterable[str]) -> list[School]:
        """The schools whose Gemeindeschlüssel starts with one of ``prefixes``."""
        starts = tuple(prefixes)
        return [school for school in self.schools if school.gemeindeschluessel.startswith(starts)]

    def near_numbers(self, schulnummer: str) -> list[School]:
        """Schools whose number looks like a typo of ``schulnummer``.

        Two swapped neighbouring digits first (the most common typo): when one of those exists,
        only those; otherwise numbers that differ in one digit.
        """
        if not _SIX_DIGITS.fullmatch(schulnummer):
            return []
        swapped: list[str] = []
        for index in range(5):
            if schulnummer[index] != schulnummer[index + 1]:
                chars = list(schulnummer)
                chars[index], chars[index + 1] = chars[index + 1], chars[index]
                swapped.append("".join(chars))
        found = [self._by_number[c] for c in swapped if c in self._by_number]
        if found:
            return found
        changed = [
            schulnummer[:index] + digit + schulnummer[index + 1 :]
            for index in range(6)
            for digit in "0123456789"
            if digit != schulnummer[index]
        ]
        return [self._by_number[c] for c in changed if c in self._by_number]


def join_name(parts: Iterable[str]) -> str:
    """Schulbezeichnung_1..3 as one name.

    The Ministry breaks long names into lines of about 40 characters, sometimes inside a word:
    ``"… Schu-" + "le …"`` is ``"Schule"``, ``"Montessori-" + "Gesamtschule"`` keeps its hyphen,
    ``"Grund-" + "und Hauptschule"`` keeps hyphen and space.
    """
    name = ""
    for raw in parts:
        part = " ".join(raw.split())
        if not part:
            continue
        if not name:
            name = part
        elif name.endswith("-") and not name.endswith(" -"):
            if part.startswith(_CONNECTORS):
                name += " " + part
            elif part[0].islower():
                name = name[:-1] + part
            else:
                name += part
        else:
            name += " " + part
    return name


def read_directory(path: Path, display: str | None = None) -> DirectoryReport:
    """Read a directory file; problems come back in the report, nothing is raised."""
    shown = display or str(path)
    try:
        data = read_bytes(path, shown, InputKind.SCHOOL_DIRECTORY)
    except OSError as exc:
        return _fatal(shown, read_failure(exc))
    except SeiteneinsteigerError as exc:  # missing, a pipe or device, too large
        problem = exc.problems[0] if exc.problems else Problem(file=shown, message=exc.message)
        return DirectoryReport(shown, problems=[problem])
    report = parse_directory(data, shown)
    report.sha256 = hashlib.sha256(data).hexdigest()
    return report


def parse_directory(data: bytes, source: str) -> DirectoryReport:
    """Parse the bytes of a directory file (pure; used by :func:`read_directory`)."""
    text_or_problem = _decode(data, source)
    if isinstance(text_or_problem, Problem):
        return DirectoryReport(source, problems=[text_or_problem])
    return _Parser(text_or_problem, source).run()


_NOT_OURS = (
    "kein Schulverzeichnis im Format des Ministeriums (Schulgrunddaten NRW, "
    "schuldaten.csv: Semikolon-getrennt, Kopfzeile mit Schulnummer;Schulform;…)"
)


def _fatal(source: str, message: str, line: int | None = None) -> DirectoryReport:
    return DirectoryReport(source, problems=[Problem(file=source, line=line, message=message)])


def _decode(data: bytes, source: str) -> str | Problem:
    if not data.strip():
        return Problem(file=source, message="Datei ist leer")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return Problem(file=source, message=f"Excel- oder Zip-Datei: {_NOT_OURS}")
    if b"\x00" in data:
        return Problem(file=source, message=f"Datei ist binär: {_NOT_OURS}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(
            file=source,
            line=data[: exc.start].count(b"\n") + 1,
            message="Datei ist nicht in UTF-8 kodiert (das Ministerium veröffentlicht UTF-8; "
            "wurde die Datei in Excel gespeichert?)",
        )


_CSV_MESSAGES = {
    "expected after": "nach einem schließenden Anführungszeichen muss das Trennzeichen folgen",
    "unexpected end of data": "Datei endet in einem Wert in Anführungszeichen (Anführungszeichen "
    "nicht geschlossen)",
    "field larger than field limit": "Wert ist zu lang",
}


def csv_message(exc: csv.Error) -> str:
    """A German text for an error of the csv module."""
    text = str(exc)
    for english, german in _CSV_MESSAGES.items():
        if english in text:
            return f"CSV-Fehler: {german}"
    return f"CSV-Fehler: {text}"


class _Parser:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.report = DirectoryReport(source)
        self.first_line: dict[str, int] = {}
        self.width = 0

    def problem(
        self, line: int | None, message: str, *, field: str | None = None, warning: bool = False
    ) -> None:
        self.report.problems.append(
            Problem(
                file=self.source,
                line=line,
                field=field,
                message=message,
                severity="warning" if warning else "error",
            )
        )

    def run(self) -> DirectoryReport:
        stream = io.StringIO(self.text, newline="")
        first = stream.readline()
        offset = 1
        match = re.fullmatch(r'"?sep=(.)"?\s*', first, flags=re.IGNORECASE)
        if match:
            delimiter = match.group(1)
        else:
            stream.seek(0)
            offset = 0
            delimiter = ";" if ";" in first or not ("," in first or "\t" in first) else ","
            if "\t" in first and ";" not in first:
                delimiter = "\t"
        reader = csv.reader(stream, delimiter=delimiter, strict=True)
        columns = self._header(reader, offset)
        if columns is None:
            return self.report
        self._rows(reader, offset, columns)
        return self.report

    def _header(self, reader: Any, offset: int) -> dict[str, int] | None:
        line = offset + 1
        try:
            header = next(reader)
        except csv.Error as exc:
            self.problem(line, f"Kopfzeile: {csv_message(exc)}")
            return None
        except StopIteration:
            self.problem(None, f"Kopfzeile fehlt: {_NOT_OURS}")
            return None
        names = [name.strip() for name in header]
        while names and not names[-1]:
            names.pop()
        if "Schulnummer" not in names or "Schulform" not in names:
            self.problem(line, _NOT_OURS)
            return None
        columns: dict[str, int] = {}
        for index, name in enumerate(names):
            if name in columns:
                self.problem(line, f"Spalte '{name}' steht zweimal in der Kopfzeile")
                return None
            columns[name] = index
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            self.problem(
                line,
                "Kopfzeile: "
                + ("Spalte " if len(missing) == 1 else "Spalten ")
                + ", ".join(f"'{name}'" for name in missing)
                + " fehlt" * (len(missing) == 1)
                + " fehlen" * (len(missing) > 1),
            )
            return None
        self.width = len(names)
        return columns

    def _rows(self, reader: Any, offset: int, columns: dict[str, int]) -> None:
        while True:
            start = reader.line_num + 1 + offset
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self.report.rows += 1
                self.problem(start, csv_message(exc))
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            self.report.rows += 1
            if reader.line_num + offset > start:
                self.problem(
                    start,
                    "Wert in Anführungszeichen reicht über mehrere Zeilen (Anführungszeichen "
                    f"nicht geschlossen?) bis Zeile {reader.line_num + offset}",
                )
                continue
            if not self._width_ok(row, start):
                continue
            self._row(row, start, columns)

    def _width_ok(self, row: list[str], line: int) -> bool:
        width = self.width
        if len(row) < width:
            self.problem(
                line, f"{len(row)} Werte statt {width} (fehlt ein Trennzeichen oder eine Spalte?)"
            )
            return False
        if len(row) > width and any(value.strip() for value in row[width:]):
            self.problem(
                line,
                f"{len(row)} Werte statt {width} (Trennzeichen in einem Wert ohne "
                "Anführungszeichen?)",
            )
            return False
        return True

    def _row(self, row: list[str], line: int, columns: dict[str, int]) -> None:
        values = {name: row[index].strip() for name, index in columns.items()}
        value = values.get
        number = value("Schulnummer", "")
        if not _SIX_DIGITS.fullmatch(number):
            self.problem(line, f"'{number}' ist keine Schulnummer (6 Ziffern)", field="Schulnummer")
            return
        key = value("Schulform", "")
        schulform = SCHULFORMEN.get(key)
        if schulform is None:
            self.problem(
                line,
                f"unbekannter Schulformschlüssel '{key}'; Zeile nicht übernommen",
                field="Schulform",
                warning=True,
            )
            return
        if number in self.first_line:
            self.problem(
                line,
                f"Schulnummer {number} doppelt (zuerst in Zeile {self.first_line[number]}); "
                "Zeile nicht übernommen",
                field="Schulnummer",
            )
            return
        self.first_line[number] = line
        if not schulform.kept and key != "0A":
            self.report.skipped[key] += 1
            return
        school = self._school(number, key, value, line)
        if school is None:
            return
        if key == "0A":
            self.report.skipped[key] += 1
            self.report.authorities.append(school)
        else:
            self.report.schools.append(school)

    def _school(self, number: str, key: str, value: _Get, line: int) -> School | None:
        errors = len(self.report.problems)
        name = join_name(value(f"Schulbezeichnung_{i}", "") for i in (1, 2, 3))
        if not name:
            self.problem(line, "Schulbezeichnung fehlt", field="Schulbezeichnung_1")
        gemeinde = value("Gemeindeschluessel", "")
        if not _EIGHT_DIGITS.fullmatch(gemeinde):
            self.problem(
                line,
                f"'{gemeinde}' ist kein Gemeindeschlüssel (8 Ziffern)",
                field="Gemeindeschluessel",
            )
        rechtsform = value("Rechtsform", "")
        if rechtsform not in {"1", "2"}:
            self.problem(
                line,
                f"Rechtsform '{rechtsform}' unbekannt (1 öffentlich, 2 privat)",
                field="Rechtsform",
            )
        betrieb = value("Schulbetriebsschluessel", "")
        if not betrieb.isdigit():
            self.problem(
                line,
                f"Schulbetriebsschlüssel '{betrieb}' ist keine Zahl",
                field="Schulbetriebsschluessel",
            )
        if any(p.is_error for p in self.report.problems[errors:]):
            return None
        postcode = value("PLZ", "")
        if not _FIVE_DIGITS.fullmatch(postcode):
            self.problem(
                line, f"'{postcode}' ist keine Postleitzahl (5 Ziffern)", field="PLZ", warning=True
            )
            postcode = ""
        easting, northing = self._coordinates(value, line)
        return School(
            schulnummer=number,
            name=name,
            short_name=value("Kurzbezeichnung", ""),
            form_key=key,
            street=value("Strasse", ""),
            postcode=postcode,
            town=value("Ort", ""),
            gemeindeschluessel=gemeinde,
            private=rechtsform == "2",
            betrieb_key=betrieb,
            betrieb_date=self._date(value("Schulbetriebsdatum", ""), line),
            easting=easting,
            northing=northing,
            phone=" ".join(filter(None, (value("Telefonvorwahl", ""), value("Telefon", ""))))
            or None,
            email=value("E-Mail", "") or None,
            homepage=value("Homepage", "") or None,
            traegernummer=value("Traegernummer", "") or None,
            bezirksregierung=value("Bezirksregierung", "") or None,
            line=line,
        )

    def _date(self, text: str, line: int) -> dt.date | None:
        if not text:
            return None
        match = _GERMAN_DATE.fullmatch(text)
        try:
            if match is None:
                raise ValueError(text)
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        except ValueError:
            self.problem(
                line,
                f"'{text}' ist kein Datum (TT.MM.JJJJ)",
                field="Schulbetriebsdatum",
                warning=True,
            )
            return None

    def _coordinates(self, value: _Get, line: int) -> tuple[int | None, int | None]:
        east_text, north_text = value("UTMRechtswert", ""), value("UTMHochwert", "")
        empty = {"", "null"}
        if east_text.lower() in empty and north_text.lower() in empty:
            return None, None
        epsg = value("EPSG", "")
        if epsg.lower() not in {"", "null", "epsg:25832"}:
            self.problem(
                line,
                f"Koordinatensystem '{epsg}' unbekannt (erwartet EPSG:25832); Koordinaten nicht "
                "übernommen",
                field="EPSG",
                warning=True,
            )
            return None, None
        coordinates: list[int] = []
        for name, text, (low, high) in (
            ("UTMRechtswert", east_text, NRW_EASTING),
            ("UTMHochwert", north_text, NRW_NORTHING),
        ):
            if not _METRES.fullmatch(text):
                self.problem(
                    line,
                    f"'{text}' ist keine Koordinate in Metern; Koordinaten nicht übernommen",
                    field=name,
                    warning=True,
                )
                return None, None
            metres = round(float(text.replace(",", ".")))
            if not low <= metres <= high:
                self.problem(
                    line,
                    f"{metres} liegt nicht in NRW (UTM Zone 32: {low:,}–{high:,}); Koordinaten "
                    "nicht übernommen".replace(",", "."),
                    field=name,
                    warning=True,
                )
                return None, None
            coordinates.append(metres)
        return coordinates[0], coordinates[1]
