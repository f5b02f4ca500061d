"""Anonymous statistics: no personal values, small counts suppressed, nothing recomputable."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from seiteneinsteiger.codes import ConsentScope
from seiteneinsteiger.export.profiles import load_profile
from seiteneinsteiger.export.rows import ExportRow, split_by_consent
from seiteneinsteiger.export.statistics import (
    OTHERS,
    StatisticsCover,
    build_statistics_workbook,
    count_tables,
)
from seiteneinsteiger.export.suppression import HIDDEN, SMALL, K, Shown, suppress


def possible_values(cells: Sequence[Shown], total: int, bound: int) -> list[set[int]]:
    """Brute force: every vector a reader could believe, given what is shown and the total."""
    choices: list[range | tuple[int, ...]] = []
    for cell in cells:
        if cell == SMALL:
            choices.append(range(1, K))
        elif cell == HIDDEN:
            choices.append(range(K, bound + 1))
        else:
            assert isinstance(cell, int)
            choices.append((cell,))
    seen: list[set[int]] = [set() for _ in cells]
    for vector in itertools.product(*choices):
        if sum(vector) == total:
            for index, value in enumerate(vector):
                seen[index].add(value)
    return seen


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([10, 20, 30], [10, 20, 30]),
        ([3, 40], [SMALL, HIDDEN]),
        ([0, 7, 9], [0, 7, 9]),
        ([1, 1, 20], [SMALL, SMALL, HIDDEN]),
        ([3, 4, 0, 20], [SMALL, SMALL, 0, 20]),
        ([1, 5, 6, 30], [SMALL, HIDDEN, HIDDEN, 30]),
    ],
)
def test_suppression_examples(counts: list[int], shown: list[Shown]) -> None:
    table = suppress(counts)
    assert table.cells == shown
    assert not table.withheld


def test_a_table_that_cannot_be_protected_is_withheld() -> None:
    assert suppress([1, 5]).withheld  # total 6: the 1 and the 5 are the only possibility
    assert suppress([2, 1]).withheld  # fewer than 5 counted at all


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4))
def test_no_published_table_lets_a_reader_pin_down_a_hidden_count(counts: list[int]) -> None:
    table = suppress(counts)
    if table.withheld:
        return
    assert not any(isinstance(cell, int) and 0 < cell < K for cell in table.cells)
    total = sum(counts)
    for index, values in enumerate(possible_values(table.cells, total, bound=total)):
        assert counts[index] in values
        if isinstance(table.cells[index], str):
            assert len(values) >= 2, (counts, table.cells, index, values)


def _book(rows: list[ExportRow]) -> Workbook:
    kept, left = split_by_consent(rows, ConsentScope.statistics)
    profile = load_profile("statistics")
    workbook = build_statistics_workbook(
        kept, profile, StatisticsCover(created=dt.date(2026, 3, 1), left_out=len(left))
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))


def test_statistics_hold_no_names_dates_free_text_or_case_ids(
    example_rows: list[ExportRow],
) -> None:
    book = _book(example_rows * 4)
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    text = " ".join(str(v) for v in values if v is not None)
    for row in example_rows:
        intake = row.intake
        for secret in (
            intake.pupil.family_name,
            intake.pupil.given_names,
            intake.case_id,
            f"{intake.pupil.birth_date:%d.%m.%Y}",
            intake.pupil.municipality,
        ):
            assert not secret or secret not in text
    dates = [v for v in values if isinstance(v, dt.date)]
    assert dates == [dt.datetime(2026, 3, 1)]  # only "Erstellt am"


def test_small_counts_are_shown_as_less_than_5(example_rows: list[ExportRow]) -> None:
    book = _book(example_rows)
    tables = book["Tabellen"]
    numbers = [
        c.value for row in tables.iter_rows(min_col=2) for c in row if isinstance(c.value, int)
    ]
    assert all(n == 0 or n >= K for n in numbers)
    shown = [c.value for row in tables.iter_rows(min_col=2) for c in row]
    assert SMALL in shown


def test_rare_countries_are_merged_and_listed_alphabetically(example_rows: list[ExportRow]) -> None:
    kept, _ = split_by_consent(example_rows * 3, ConsentScope.statistics)
    tables = {t.title: t for t in count_tables(kept, load_profile("statistics"))}
    rows = dict(tables["Geburtsland"].rows)
    names = list(rows)
    assert names[-1] == OTHERS
    assert names[:-1] == sorted(names[:-1], key=str.casefold)
    assert "Syrien" in rows  # 2 pupils x 3 = 6
    assert "Eritrea" not in rows  # 1 pupil x 3 = 3: merged
    assert tables["Geburtsland"].total == len(kept)


def test_only_pupils_with_consent_for_statistics_are_counted(example_rows: list[ExportRow]) -> None:
    kept, left = split_by_consent(example_rows, ConsentScope.statistics)
    assert {row.intake.case_id for row in example_rows} - {row.intake.case_id for row in kept} == {
        "UN-2025-0089",
        "ME-2025-0151",
    }
    book = _book(example_rows)
    cover = {r[0]: r[1] for r in book["Deckblatt"].iter_rows(values_only=True) if r[0]}
    assert cover["Gezählte Fälle"] == len(kept)
    assert str(cover["Nicht gezählt"]).startswith(SMALL)
    assert len(left) == 2


def test_fewer_than_5_pupils_publish_no_breakdown(example_rows: list[ExportRow]) -> None:
    book = _book(example_rows[:3])
    tables = book["Tabellen"]
    texts = [c.value for row in tables.iter_rows(max_col=1) for c in row if c.value]
    assert any("nicht veröffentlicht" in str(t) for t in texts)
    cover = {r[0]: r[1] for r in book["Deckblatt"].iter_rows(values_only=True) if r[0]}
    assert cover["Gezählte Fälle"] == SMALL
