"""Fixtures for the questionnaire tests: the bundled form, templates, and filling them in."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.model import Form
from seiteneinsteiger.forms.signing import key_path
from seiteneinsteiger.forms.template import Codes, Copy, write_template
from seiteneinsteiger.intake_io import load_intake_file
from seiteneinsteiger.models.intake import Intake

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE_INTAKES = sorted(
    (Path(__file__).resolve().parents[2] / "examples" / "intakes").glob("*.yaml")
)
TODAY = dt.date(2026, 1, 15)
#: The installation key of every test's (fresh) data directory: templates written once and cached
#: stay verifiable. Tests of foreign templates use another key explicitly.
TEST_KEY = bytes(range(32))

#: Fields the form deliberately does not ask: the counsellors' confidential notes.
NOT_IN_FORM: dict[str, Any] = {
    "confidential_notes": True,
    "support_needs": {"health_note"},
}
#: Multiple-choice answers come back in the order of the form's list, not as first written.
CODE_LISTS = {
    ("counselling", "consent", "scope"),
    ("languages", "scripts"),
    ("competences", "basis"),
    ("support_needs", "indications"),
    ("support_needs", "documented"),
}


def comparable(intake: Intake) -> Any:
    """The fields of ``intake`` the form covers, with code lists sorted (order carries no
    meaning in them); every other list keeps its order."""

    def walk(data: Any, path: tuple[str, ...]) -> Any:
        if isinstance(data, dict):
            return {key: walk(value, (*path, key)) for key, value in data.items()}
        if isinstance(data, list):
            items = [walk(item, path) for item in data]
            return sorted(items) if path in CODE_LISTS else items
        return data

    return walk(intake.model_dump(mode="json", exclude=NOT_IN_FORM), ())


@cache
def bundled_form() -> Form:
    return load_form()


@pytest.fixture(autouse=True)
def _test_installation_key() -> None:
    path = key_path()
    path.write_text(TEST_KEY.hex() + "\n", encoding="ascii")
    path.chmod(0o600)


@cache
def template_bytes(language: str, copy: Copy = "counsellor") -> tuple[bytes, Codes]:
    """A fresh template (by default the counsellor copy: it has every question)."""
    buffer = io.BytesIO()
    codes = write_template(bundled_form(), language, buffer, key=TEST_KEY, copy=copy)
    return buffer.getvalue(), codes


def example_intake(path: Path) -> Intake:
    loaded = load_intake_file(path)[0]
    assert loaded.intake is not None, loaded.problems
    return loaded.intake


def fill(
    language: str,
    answers: Mapping[str, Any],
    target: Path,
    *,
    cell_value: Callable[[str, Any], Any] | None = None,
    ticked: Any = "x",
    copy: Copy = "counsellor",
    tick_single: bool = False,
) -> Codes:
    """Write ``answers`` (question name -> typed value) into a fresh template, like a person.

    ``cell_value(question_name, value)`` gives what is typed into the answer cell; the default
    types the value itself. A select_multiple question gets ``ticked`` in each chosen row; with
    ``tick_single`` a choice or yes/no question is answered by its tick box instead of the list.
    """
    from openpyxl import load_workbook

    data, codes = template_bytes(language, copy)
    workbook = load_workbook(io.BytesIO(data))
    form = bundled_form()
    for sheet_name, row, _number, name, choice in codes.rows:
        question = form.by_name[name]
        value = answers.get(name)
        cell = workbook[sheet_name][f"{codes.answer_columns[sheet_name]}{row}"]
        if value is None:
            continue
        if choice:
            if question.type == "select_multiple":
                chosen = choice in value
            elif question.type == "boolean":
                chosen = tick_single and (choice == "yes") is value
            else:
                chosen = tick_single and choice == value
            if chosen:
                cell.value = ticked
            continue
        if question.type == "select_multiple" or (
            tick_single and question.type in ("select_one", "boolean")
        ):
            continue
        cell.value = cell_value(name, value) if cell_value else value
    workbook.save(target)
    return codes


@pytest.fixture
def form() -> Form:
    return bundled_form()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


class Kit:
    """The helpers above, for test modules (which cannot import conftest directly)."""

    today = TODAY
    examples = EXAMPLE_INTAKES
    fixtures = FIXTURES
    key = TEST_KEY
    form = staticmethod(bundled_form)
    template_bytes = staticmethod(template_bytes)
    example_intake = staticmethod(example_intake)
    fill = staticmethod(fill)
    comparable = staticmethod(comparable)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit
