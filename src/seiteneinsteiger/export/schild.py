"""Stammdaten for the school administration: SchILD-NRW text interface and SVWS-Import.

Two files per export, both for pupils whose consent names the school:

``SchuelerBasisdaten.dat``
    The classic SchILD-NRW import interface (Schild-NRW wiki, "Schnittstellenbeschreibung"):
    a header line, then one pupil per line, exactly 50 columns separated by ``|``, no quotes,
    dates ``TT.MM.JJJJ``, empty fields keep their separators, Windows-1252, CRLF.
``SVWS-Import-Schuelerdaten.xlsx``
    A sheet with the German column headers of SVWS-Import (SVWS-NRW/SVWS-Import,
    ``docs/handbuch/schuelerdaten-anlegen.md``) for SchILD-NRW 3 / SVWS.

Choices (documented in ``docs/cli/export.md``):

* ``Geschlecht``: the SchILD/SVWS one-letter codes. The interface description says "m" or "w";
  SVWS (``Geschlecht.fromStringValue``) also reads "d" and "x", so d and x are written as such in
  the .dat. SVWS-Import accepts only m, w, d: "x" (ohne Angabe) leaves that column empty. The
  statistics ids 3/4/5/6 are database values, not used by either interface.
* ``Status`` 0 / ``neuaufnahme``; ``Jahrgang`` two digits (``07``); ``Klasse`` stays empty in the
  .dat (it must name a class of the school's Klassen.dat) and carries the Jahrgang in the xlsx,
  where SVWS-Import requires it: the school assigns its class (``07b``) when importing.
* ``1. Staatsang.``: Destatis key (``475`` Syrien); SVWS-Import gets ISO alpha-3 (``SYR``).
* ``Verpflichtung/Teilnahme Sprachförderkurs`` stay empty: in SchILD they record the pre-school
  language course under § 36 Abs. 2 SchulG (Delfin), not the Erstförderung of BASS 13-63 Nr. 3.
  Writing the Erstförderung there would put wrong values into the official school statistics.
* Förderschwerpunkt, 2. Förderschwerpunkt, Schwerstbehinderung and Autist are always empty
  (VO-DV I § 1 Abs. 2): this is code, no profile can fill them.
* A text Windows-1252 cannot hold (``Yıldırım``, ``Ș``) is never transliterated: that pupil is
  refused with a German message naming the file, the field and the character, and the others
  are exported. The same for ``|``, line breaks and over-long values, which would break the
  columns, and for a missing Geschlecht (a required column).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook  # noqa: TID253 - exporters load lazily
from openpyxl.utils import get_column_letter  # noqa: TID253 - exporters load lazily

from seiteneinsteiger.dates import german
from seiteneinsteiger.export import layout
from seiteneinsteiger.export.cells import CellValue, put
from seiteneinsteiger.export.fields import disclosable_address
from seiteneinsteiger.export.profiles import Profile
from seiteneinsteiger.export.rows import ExportRow, LeftOut
from seiteneinsteiger.export.schild_codes import destatis_key, iso3

DAT_NAME = "SchuelerBasisdaten.dat"
XLSX_NAME = "SVWS-Import-Schuelerdaten.xlsx"
ENCODING = "cp1252"
NEWLINE = "\r\n"

DAT_HEADER: tuple[str, ...] = (
    "Nachname", "Vorname", "Geburtsdatum", "Geschlecht", "Status", "PLZ", "Ort", "Straße",
    "Aussiedler", "1. Staatsang.", "Konfession", "StatistikKrz Konfession", "Aufnahmedatum",
    "Abmeldedatum Religionsunterricht", "Anmeldedatum Religionsunterricht", "Schulpflicht erf.",
    "Reform-Pädagogik", "Nr. Stammschule", "Jahr", "Abschnitt", "Jahrgang", "Klasse",
    "Schulgliederung", "OrgForm", "Klassenart", "Fachklasse", "Noch frei",
    "Verpflichtung Sprachförderkurs", "Teilnahme Sprachförderkurs", "Einschulungsjahr",
    "Übergangsempf. JG5", "Jahr Wechsel S1", "1. Schulform S1", "Jahr Wechsel S2",
    "Förderschwerpunkt", "2. Förderschwerpunkt", "Schwerstbehinderung", "Autist", "LS Schulnr.",
    "LS Schulform", "Herkunft", "LS Entlassdatum", "LS Jahrgang", "LS Versetzung",
    "LS Reformpädagogik", "LS Gliederung", "LS Fachklasse", "LS Abschluss", "Abschluss",
    "Schulnr. neue Schule",
)  # fmt: skip

#: Columns that stay empty whatever the profile says (health and disability, VO-DV I § 1 Abs. 2).
ALWAYS_EMPTY: frozenset[str] = frozenset(
    {"Förderschwerpunkt", "2. Förderschwerpunkt", "Schwerstbehinderung", "Autist"}
)

SVWS_COLUMNS: tuple[str, ...] = (
    "Nachname", "Vorname", "Geburtsdatum", "Klasse", "Geschlecht", "Geburtsland",
    "Staatsangehörigkeit", "2. Staatsang.", "Zuzugsjahr", "Straße", "Hausnummer", "PLZ",
    "Wohnort", "Status", "Jahrgang", "Aufnahmedatum",
)  # fmt: skip

#: (intake field, column, longest value SchILD stores) for the text columns of the .dat
TEXT_LIMITS: tuple[tuple[str, str, int], ...] = (
    ("pupil.family_name", "Nachname", 50),
    ("pupil.given_names", "Vorname", 30),
    ("pupil.address.street", "Straße", 50),
    ("pupil.municipality", "Ort", 50),
    ("pupil.address.postcode", "PLZ", 10),
)

_HOUSE_NUMBER = re.compile(
    r"^(?P<street>.*?\S)\s+(?P<number>\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)$"
)
_BREAKING = re.compile(r"[|\r\n\t\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class SchildExport:
    dat: bytes
    workbook: Workbook
    rows: list[ExportRow]


def _text(row: ExportRow, name: str) -> str | None:
    pupil = row.intake.pupil
    if name == "pupil.family_name":
        return pupil.family_name
    if name == "pupil.given_names":
        return pupil.given_names
    if name == "pupil.municipality":
        return pupil.municipality
    address = disclosable_address(row.intake)
    if name == "pupil.address.street":
        return address.street if address else None
    if name == "pupil.address.postcode":
        return address.postcode if address else None
    raise KeyError(name)  # pragma: no cover


def refusal(row: ExportRow, profile: Profile) -> str | None:
    """Why SchILD-NRW cannot take this pupil as it is written, or None."""
    for name, column, limit in TEXT_LIMITS:
        if not profile.has(name):
            continue
        value = _text(row, name)
        if not value:
            continue
        try:
            value.encode(ENCODING)
        except UnicodeEncodeError as exc:
            char = value[exc.start]
            return (
                f"{name} ({column}): das Zeichen „{char}“ (U+{ord(char):04X}) gibt es im "
                "Zeichensatz von SchILD-NRW (Windows-1252) nicht. Bitte die lateinische "
                f"Schreibweise, die die Schule verwenden soll (z. B. wie im Pass), in {name} "
                "eintragen und erneut exportieren"
            )
        breaking = _BREAKING.search(value)
        if breaking:
            what = "„|“" if breaking.group() == "|" else "ein Zeilenumbruch oder Steuerzeichen"
            return (
                f"{name} ({column}): enthält {what}; das würde die Spalten der SchILD-Datei "
                "verschieben. Bitte korrigieren"
            )
        if name == "pupil.family_name" and "#" in value:
            return (
                f"{name} ({column}): „#“ trennt in SchILD-NRW den Nachnamen von der Klasse. "
                "Bitte korrigieren"
            )
        if len(value) > limit:
            return (
                f"{name} ({column}): {len(value)} Zeichen; SchILD-NRW speichert höchstens "
                f"{limit}. Bitte kürzen"
            )
    if profile.has("pupil.gender") and row.intake.pupil.gender is None:
        return (
            "pupil.gender (Geschlecht): fehlt; SchILD-NRW verlangt es (m, w, d oder x). "
            "Bitte ergänzen"
        )
    if (
        profile.has("pupil.address.postcode")
        and profile.has("pupil.municipality")
        and _text(row, "pupil.address.postcode")
        and not row.intake.pupil.municipality
    ):
        return (
            "pupil.municipality (Ort): fehlt; SchILD-NRW verlangt einen Wohnort, wenn eine "
            "Postleitzahl angegeben ist. Bitte ergänzen"
        )
    return None


def split_exportable(
    rows: Sequence[ExportRow], profile: Profile
) -> tuple[list[ExportRow], list[LeftOut]]:
    ok: list[ExportRow] = []
    refused: list[LeftOut] = []
    for row in rows:
        reason = refusal(row, profile)
        if reason is None:
            ok.append(row)
        else:
            refused.append(LeftOut(row.source, row.intake.case_id, reason))
    return ok, refused


def _yes_no(value: bool) -> str:
    return "J" if value else "N"


def _grade(row: ExportRow) -> str:
    grade = row.recommendation.grade
    return "" if grade is None else f"{grade:02d}"


def dat_values(row: ExportRow, profile: Profile) -> list[str]:
    """The 50 columns of ``SchuelerBasisdaten.dat`` for one pupil."""
    pupil = row.intake.pupil

    def when(name: str, produce: Callable[[], str | None]) -> str:
        return (produce() or "") if profile.has(name) else ""

    by_column: dict[str, str] = {
        "Nachname": when("pupil.family_name", lambda: pupil.family_name),
        "Vorname": when("pupil.given_names", lambda: pupil.given_names),
        "Geburtsdatum": when("pupil.birth_date", lambda: german(pupil.birth_date)),
        "Geschlecht": when("pupil.gender", lambda: pupil.gender),
        "Status": "0",  # Neuaufnahme
        "PLZ": when("pupil.address.postcode", lambda: _text(row, "pupil.address.postcode")),
        "Ort": when("pupil.municipality", lambda: pupil.municipality),
        "Straße": when("pupil.address.street", lambda: _text(row, "pupil.address.street")),
        "1. Staatsang.": when(
            "pupil.nationalities",
            lambda: destatis_key(pupil.nationalities[0]) if pupil.nationalities else None,
        ),
        "Schulpflicht erf.": when(
            "recommendation.schulpflicht",
            lambda: _yes_no(row.recommendation.schulpflicht.status == "no_longer"),
        ),
        "Jahrgang": when("recommendation.grade", lambda: _grade(row)),
    }
    return ["" if column in ALWAYS_EMPTY else by_column.get(column, "") for column in DAT_HEADER]


def build_dat(rows: Sequence[ExportRow], profile: Profile) -> bytes:
    """The whole ``SchuelerBasisdaten.dat``; rows must have passed :func:`refusal`."""
    lines = ["|".join(DAT_HEADER)]
    lines.extend("|".join(dat_values(row, profile)) for row in rows)
    return "".join(line + NEWLINE for line in lines).encode(ENCODING)


def split_street(street: str | None) -> tuple[str | None, str | None]:
    """``"Mühlenweg 3"`` → (``"Mühlenweg"``, ``"3"``); without a trailing number: (street, None)."""
    if not street:
        return None, None
    match = _HOUSE_NUMBER.match(street.strip())
    if not match:
        return street.strip(), None
    return match.group("street"), match.group("number")


def svws_values(row: ExportRow, profile: Profile) -> list[CellValue]:
    pupil = row.intake.pupil

    def when(name: str, produce: Callable[[], CellValue]) -> CellValue:
        return produce() if profile.has(name) else None

    street, number = split_street(_text(row, "pupil.address.street"))
    nationalities = pupil.nationalities
    values: dict[str, CellValue] = {
        "Nachname": when("pupil.family_name", lambda: pupil.family_name),
        "Vorname": when("pupil.given_names", lambda: pupil.given_names),
        "Geburtsdatum": when("pupil.birth_date", lambda: pupil.birth_date),
        "Klasse": when("recommendation.grade", lambda: _grade(row) or None),
        "Geschlecht": when(
            "pupil.gender", lambda: pupil.gender if pupil.gender in ("m", "w", "d") else None
        ),
        "Geburtsland": when(
            "pupil.country_of_birth",
            lambda: iso3(pupil.country_of_birth) if pupil.country_of_birth else None,
        ),
        "Staatsangehörigkeit": when(
            "pupil.nationalities", lambda: iso3(nationalities[0]) if nationalities else None
        ),
        "2. Staatsang.": when(
            "pupil.nationalities",
            lambda: iso3(nationalities[1]) if len(nationalities) > 1 else None,
        ),
        "Zuzugsjahr": when(
            "pupil.arrival_year", lambda: pupil.arrival_date.year if pupil.arrival_date else None
        ),
        "Straße": when("pupil.address.street", lambda: street),
        "Hausnummer": when("pupil.address.street", lambda: number),
        "PLZ": when("pupil.address.postcode", lambda: _text(row, "pupil.address.postcode")),
        "Wohnort": when("pupil.municipality", lambda: pupil.municipality),
        "Status": "neuaufnahme",
        "Jahrgang": when("recommendation.grade", lambda: _grade(row) or None),
        "Aufnahmedatum": None,
    }
    return [values[column] for column in SVWS_COLUMNS]


def build_svws_workbook(rows: Sequence[ExportRow], profile: Profile) -> Workbook:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "Schülerdaten"
    for column, header in enumerate(SVWS_COLUMNS, 1):
        cell = ws.cell(row=1, column=column)
        put(cell, header)
        cell.font = layout.HEADER_FONT
        cell.fill = layout.HEADER_FILL
        ws.column_dimensions[get_column_letter(column)].width = max(12, len(header) + 4)
    for line, row in enumerate(rows, 2):
        for column, value in enumerate(svws_values(row, profile), 1):
            put(ws.cell(row=line, column=column), value)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(SVWS_COLUMNS))}{len(rows) + 1}"
    layout.setup_print(ws, landscape=True, title_rows="1:1", header=layout.CONFIDENTIAL)
    return workbook


def build_schild_export(
    rows: Sequence[ExportRow], profile: Profile
) -> tuple[SchildExport, list[LeftOut]]:
    """Both files for the pupils SchILD can take (alphabetical), and the refused ones."""
    from seiteneinsteiger.export.school import sort_key

    ok, refused = split_exportable(sorted(rows, key=sort_key), profile)
    export = SchildExport(
        dat=build_dat(ok, profile), workbook=build_svws_workbook(ok, profile), rows=ok
    )
    return export, refused
