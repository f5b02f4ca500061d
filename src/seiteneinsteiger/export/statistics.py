"""Anonymous statistics: counts only, small numbers suppressed.

Which characteristics are counted is the statistics profile (``profiles/statistics.yaml``); the
profile loader accepts only countable fields, so no name, birth date, free text or case id can
get in. Each characteristic becomes one table. Rare categories of open lists (countries,
languages) are first merged into "Weitere (zusammengefasst)"; then
:mod:`seiteneinsteiger.export.suppression` hides counts under 5 and whatever would let a reader
recompute them. Categories are listed in a fixed order (their natural order or alphabetically),
never by size, so the order does not reveal hidden counts.

Consent: only pupils whose consent names ``statistics`` are counted (the scope exists in the
intake contract, so the family's choice is honoured even for anonymous counts); the cover sheet
says how many were not counted.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook  # noqa: TID253 - exporters load lazily
from openpyxl.worksheet.worksheet import Worksheet  # noqa: TID253 - exporters load lazily

from seiteneinsteiger.export import layout
from seiteneinsteiger.export.cells import CellValue, put
from seiteneinsteiger.export.fields import Field
from seiteneinsteiger.export.profiles import Profile, ProfileField
from seiteneinsteiger.export.rows import ExportRow
from seiteneinsteiger.export.suppression import HIDDEN, SMALL, K, Shown, suppress

COVER_TITLE = "Deckblatt"
TABLES_TITLE = "Tabellen"
OTHERS = "Weitere (zusammengefasst)"
DROPPED_TEXT = (
    "Weitere Einträge aus Datenschutzgründen nicht aufgeführt (zu wenige Fälle, um kleine "
    "Zahlen zu schützen)."
)
WITHHELD_TEXT = (
    "Aus Datenschutzgründen nicht veröffentlicht: Bei so wenigen Fällen ließen sich einzelne "
    "Zahlen zurückrechnen."
)


@dataclass(frozen=True, slots=True)
class StatisticsCover:
    created: dt.date
    ki: str | None = None
    left_out: int = 0


@dataclass(frozen=True, slots=True)
class CountTable:
    """One published table: categories with what is shown for them."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple[str, list[Shown]]]
    total: Shown
    withheld: bool
    note: str | None = None


def shown_count(number: int) -> Shown:
    """A single published number: small ones become ``"< 5"``."""
    return SMALL if 0 < number < K else number


def count_tables(rows: Sequence[ExportRow], profile: Profile) -> list[CountTable]:
    """Every table of the statistics, already suppressed."""
    total = len(rows)
    tables: list[CountTable] = []
    for spec in profile.fields:
        field = spec.field
        if field.category is None:  # pragma: no cover - refused by the profile loader
            continue
        values = [field.category(row) for row in rows]
        if any(isinstance(value, list) for value in values):
            tables.append(_multi_table(spec, values, total))
        else:
            tables.append(_single_table(spec, [v for v in values if isinstance(v, str)], total))
    return tables


def _single_table(spec: ProfileField, values: list[str], total: int) -> CountTable:
    counter = Counter(values)
    categories = _categories(spec.field, counter)
    counts = [counter.get(category, 0) for category in categories]
    table = suppress(counts)
    rows = [(category, [cell]) for category, cell in zip(categories, table.cells, strict=True)]
    return CountTable(
        title=spec.header,
        columns=(spec.header, "Anzahl"),
        rows=[] if table.withheld else rows,
        total=shown_count(total),
        withheld=table.withheld,
    )


def _categories(field: Field, counter: Counter[str]) -> list[str]:
    """Known categories in their natural order; open lists alphabetically, rare ones merged."""
    if field.categories:
        known = [c for c in field.categories if field.show_empty or counter.get(c)]
        return known + sorted(c for c in counter if c not in field.categories)
    rare = [c for c in counter if counter[c] < K]
    if len(rare) > 1:
        counter[OTHERS] = sum(counter.pop(c) for c in rare)
    ordered = sorted((c for c in counter if c != OTHERS), key=str.casefold)
    return [*ordered, OTHERS] if OTHERS in counter else ordered


def _multi_table(
    spec: ProfileField, values: list[str | list[str] | None], total: int
) -> CountTable:
    """Yes/no per category (a pupil can have several): each row is protected on its own.

    A row that cannot be protected is left out entirely (only categories that occur are listed,
    so a missing row does not tell whether the category occurs).
    """
    counter: Counter[str] = Counter()
    for value in values:
        if isinstance(value, list):
            counter.update(set(value))
    if 0 < total < K:
        return CountTable(spec.header, (spec.header, "ja", "nein"), [], shown_count(total), True)
    rows: list[tuple[str, list[Shown]]] = []
    dropped = False
    for category in sorted(counter, key=str.casefold):
        table = suppress([counter[category], total - counter[category]])
        if table.withheld:
            dropped = True
        else:
            rows.append((category, table.cells))
    return CountTable(
        title=spec.header,
        columns=(spec.header, "ja", "nein"),
        rows=rows,
        total=shown_count(total),
        withheld=False,
        note=DROPPED_TEXT if dropped else None,
    )


def build_statistics_workbook(
    rows: Sequence[ExportRow], profile: Profile, cover: StatisticsCover
) -> Workbook:
    tables = count_tables(rows, profile)
    workbook = Workbook()
    cover_sheet = workbook.active
    assert cover_sheet is not None
    cover_sheet.title = COVER_TITLE
    _write_cover(cover_sheet, rows, profile, cover)
    _write_tables(workbook.create_sheet(TABLES_TITLE), tables)
    return workbook


def _period(rows: Sequence[ExportRow]) -> str | None:
    if not rows:
        return None
    dates = [row.intake.intake_date for row in rows]
    return f"{min(dates):%m/%Y} bis {max(dates):%m/%Y}"


COVER_WIDTHS = (30, 64)
TABLE_WIDTHS = (48, 12, 12)


def _write_cover(
    ws: Worksheet, rows: Sequence[ExportRow], profile: Profile, cover: StatisticsCover
) -> None:
    """The cover, on one portrait page; explanations wrap in column B, their rows high enough."""
    label_width, value_width = COVER_WIDTHS
    ws.column_dimensions["A"].width = label_width
    ws.column_dimensions["B"].width = value_width
    line = 1

    def title(text: str) -> None:
        nonlocal line
        put(ws.cell(row=line, column=1), text)
        ws.cell(row=line, column=1).font = layout.TITLE_FONT
        ws.row_dimensions[line].height = layout.row_height([], font_pt=14)
        line += 1

    def pair(label: str | None, value: CellValue) -> None:
        nonlocal line
        if label is not None:
            put(ws.cell(row=line, column=1), label)
            ws.cell(row=line, column=1).font = layout.BOLD
            ws.cell(row=line, column=1).alignment = layout.WRAP
        cell = ws.cell(row=line, column=2)
        put(cell, value)
        cell.alignment = layout.VALUE
        height = layout.row_height([(label, label_width), (value, value_width)])
        if height:
            ws.row_dimensions[line].height = height
        line += 1

    title(profile.title)
    line += 1
    pair("Erstellt am", cover.created)
    pair("Erstellt von", cover.ki or "Kommunales Integrationszentrum")
    pair("Empfänger", profile.recipient)
    pair("Gezählte Fälle", shown_count(len(rows)))
    pair("Beratungszeitraum", _period(rows))
    if cover.left_out:
        pair(
            "Nicht gezählt",
            f"{shown_count(cover.left_out)} Fälle ohne Einwilligung der Familie für die Statistik",
        )
    pair("Zweck", profile.purpose)
    line += 1
    pair("Zeichen", f"„{SMALL}“: 1 bis 4 Fälle (aus Datenschutzgründen nicht genau angegeben).")
    pair(
        None,
        f"„{HIDDEN}“: nicht angegeben, damit sich eine kleine Zahl nicht aus der Summe "
        "zurückrechnen lässt.",
    )
    pair(None, f"„{OTHERS}“: seltene Länder bzw. Sprachen zusammengefasst.")
    pair(
        "Datenschutz",
        "Nur Anzahlen: keine Namen, keine Geburtsdaten (nur Altersgruppen), keine Freitexte, "
        "keine Fallnummern. Zahlen unter 5 werden nicht genau angegeben.",
    )
    layout.setup_print(ws, landscape=False, one_page=True)


def _note(ws: Worksheet, line: int, text: str) -> None:
    """An explanation under a table, across its three columns, its row high enough."""
    put(ws.cell(row=line, column=1), text)
    ws.cell(row=line, column=1).alignment = layout.WRAP
    ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=3)
    ws.row_dimensions[line].height = layout.row_height([(text, sum(TABLE_WIDTHS))])


def _write_tables(ws: Worksheet, tables: list[CountTable]) -> None:
    for letter, width in zip("ABC", TABLE_WIDTHS, strict=True):
        ws.column_dimensions[letter].width = width
    line = 1
    for table in tables:
        put(ws.cell(row=line, column=1), table.title)
        ws.cell(row=line, column=1).font = layout.BOLD
        line += 1
        for column, header in enumerate(table.columns, 1):
            cell = ws.cell(row=line, column=column)
            put(cell, header)
            cell.font = layout.HEADER_FONT
            cell.fill = layout.HEADER_FILL
        line += 1
        if table.withheld:
            _note(ws, line, WITHHELD_TEXT)
            line += 1
        for category, cells in table.rows:
            put(ws.cell(row=line, column=1), category)
            height = layout.row_height([(category, TABLE_WIDTHS[0])])
            if height:  # a long category (a hint of the recommendation) wraps
                ws.cell(row=line, column=1).alignment = layout.WRAP
                ws.row_dimensions[line].height = height
            for column, shown in enumerate(cells, 2):
                put(ws.cell(row=line, column=column), shown)
                ws.cell(row=line, column=column).alignment = layout.TOP
            line += 1
        if table.note:
            _note(ws, line, table.note)
            line += 1
        if len(table.columns) == 2:
            put(ws.cell(row=line, column=1), "Insgesamt")
            put(ws.cell(row=line, column=2), table.total)
            ws.cell(row=line, column=1).font = layout.BOLD
            ws.cell(row=line, column=2).font = layout.BOLD
            line += 1
        line += 1
    layout.setup_print(ws, landscape=False, title_rows=None)
