"""``form template``: a printable, fillable Excel intake form in German and one other language.

Sheet "Formular": Nr. | Frage (Deutsch) | question in the family's language | Antwort | Hinweis.
Answer cells are yellow and unlocked, everything else is protected (no password: this prevents
slips, it is not security). Every choice and yes/no question has a dropdown ("Deutsch / Sprache")
that refuses other entries; a ``select_multiple`` question gets one yes/no row per choice, the way
a paper form has one box per choice. Lists sit on the hidden sheet "_listen" behind defined names.

The hidden sheet "_codes" holds the form id, version and language, and per form row the question
(and choice) it holds, with a checksum over all of it: ``intake import`` reads the answers back by
these codes and refuses a template whose codes were changed or whose rows were moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from seiteneinsteiger.export.cells import DATE_FORMAT, put
from seiteneinsteiger.forms.model import Form, QuestionSpec, pick
from seiteneinsteiger.forms.names import (
    LANGUAGES,
    RTL_LANGUAGES,
    countries,
    country_label,
    language_german,
    language_label,
)
from seiteneinsteiger.forms.values import bilingual

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

ErrorStyle = Literal["stop", "warning"]
SHEET = "Formular"
LISTS_SHEET = "_listen"
CODES_SHEET = "_codes"
CODES_MAGIC = "seiteneinsteiger-form"
ANSWER_FILL = "FFF4B3"
SECTION_FILL = "D9E2F3"
COUNSELLOR_FILL = "EDEDED"
LOCKED_FILL = "F2F2F2"
_WIDTHS = {"number": 6, "de": 46, "other": 46, "answer": 34, "hint": 42}


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column holds what; the German-only template has no second question column."""

    language: str

    @property
    def columns(self) -> list[str]:
        names = ["number", "de", "other", "answer", "hint"]
        return [name for name in names if not (name == "other" and self.language == "de")]

    def letter(self, name: str) -> str:
        return "ABCDE"[self.columns.index(name)]


@dataclass(slots=True)
class Codes:
    """The content of the hidden "_codes" sheet."""

    form_id: str
    version: str
    language: str
    sheet: str
    answer_column: str
    rows: list[tuple[int, str, str, str]] = field(
        default_factory=list
    )  # row, Nr., question, choice

    def checksum(self) -> str:
        payload = json.dumps(
            [
                CODES_MAGIC,
                self.form_id,
                self.version,
                self.language,
                self.sheet,
                self.answer_column,
                self.rows,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def write_template(form: Form, language: str, handle: IO[bytes]) -> Codes:
    """Write the template for ``language`` to ``handle``; returns the codes it carries."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    layout = Layout(language)
    lists = _ListSheet(workbook.create_sheet(LISTS_SHEET), language)
    codes = Codes(form.form_id, form.version, language, SHEET, layout.letter("answer"))
    _FormWriter(form, language, layout, sheet, lists, codes).write()
    lists.finish(workbook)
    _write_codes(workbook.create_sheet(CODES_SHEET), codes)
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.save(handle)
    return codes


class _ListSheet:
    """The hidden sheet with one column per dropdown list, each behind a defined name."""

    def __init__(self, sheet: Worksheet, language: str) -> None:
        self.sheet = sheet
        self.language = language
        self.names: dict[str, str] = {}
        self.ranges: dict[str, str] = {}

    def name_for(self, key: str, labels: Sequence[str]) -> str:
        if key in self.names:
            return self.names[key]
        column = len(self.names) + 1
        for row, label in enumerate(labels, start=1):
            put(self.sheet.cell(row=row, column=column), label)
        from openpyxl.utils import get_column_letter

        letter = get_column_letter(column)
        name = f"L_{key.strip('_')}"
        self.names[key] = name
        self.ranges[name] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${max(1, len(labels))}"
        return name

    def finish(self, workbook: Any) -> None:
        from openpyxl.workbook.defined_name import DefinedName

        for name, reference in self.ranges.items():
            workbook.defined_names[name] = DefinedName(name, attr_text=reference)
        self.sheet.sheet_state = "hidden"
        self.sheet.protection.sheet = True


class _FormWriter:
    def __init__(
        self,
        form: Form,
        language: str,
        layout: Layout,
        sheet: Worksheet,
        lists: _ListSheet,
        codes: Codes,
    ) -> None:
        self.form = form
        self.language = language
        self.layout = layout
        self.sheet = sheet
        self.lists = lists
        self.codes = codes
        self.row = 1
        self.validations: dict[str, Any] = {}

    # -- helpers -------------------------------------------------------------------------------

    def cell(self, column: str, value: Any, **style: Any) -> Any:
        cell = self.sheet[f"{self.layout.letter(column)}{self.row}"]
        put(cell, value)
        for key, item in style.items():
            setattr(cell, key, item)
        return cell

    def both(self, labels: Any) -> tuple[str, str]:
        german = pick(labels, "de")
        other = pick(labels, self.language) if self.language != "de" else ""
        return german, ("" if other == german else other)

    def merged(
        self,
        text: str,
        *,
        bold: bool = False,
        size: int = 11,
        fill: str | None = None,
        rtl: bool = False,
    ) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        first, last = self.layout.columns[0], self.layout.columns[-1]
        cell = self.cell(first, text)
        cell.font = Font(bold=bold, size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="top", readingOrder=2 if rtl else 0)
        if fill:
            for column in self.layout.columns:
                self.sheet[f"{self.layout.letter(column)}{self.row}"].fill = PatternFill(
                    "solid", fgColor=fill
                )
        self.sheet.merge_cells(
            f"{self.layout.letter(first)}{self.row}:{self.layout.letter(last)}{self.row}"
        )
        total = sum(_WIDTHS[c] for c in self.layout.columns)
        self.sheet.row_dimensions[self.row].height = 15 * _lines(text, total) * size / 11 + 3
        self.row += 1

    # -- the sheet -----------------------------------------------------------------------------

    def write(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, Side

        form, language, sheet = self.form, self.language, self.sheet
        for column in self.layout.columns:
            sheet.column_dimensions[self.layout.letter(column)].width = _WIDTHS[column]
        rtl = language in RTL_LANGUAGES
        sheet.sheet_view.rightToLeft = rtl
        self.merged(f"{form.title('de')} (Version {form.version})", bold=True, size=14)
        if language != "de":
            self.merged(form.title(language), bold=True, size=14, rtl=rtl)
        self.merged(form.text("instructions", "de"))
        if language != "de":
            self.merged(form.text("instructions", language), rtl=rtl)
            if not form.reviewed(language):
                self.merged(
                    f"Hinweis für die Beratung: Die Übersetzung ({language_german(language)}) "
                    "ist noch nicht muttersprachlich geprüft.",
                    size=9,
                )
        self.row += 1
        header_row = self.row
        thin = Side(style="thin", color="999999")
        border = Border(top=thin, bottom=thin, left=thin, right=thin)
        headers = {
            "number": "Nr.",
            "de": "Frage (Deutsch)",
            "other": f"{form.text('question', language)} ({_own_name(language)})",
            "answer": bilingual(form.file.texts.answer, language),
            "hint": bilingual(form.file.texts.hint, language),
        }
        for column in self.layout.columns:
            cell = self.cell(column, headers[column])
            cell.font = Font(bold=True)
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        self.row += 1
        section = None
        for question in form.questions:
            if question.section is not section:
                section = question.section
                german, other = self.both(section.title)
                self.merged(
                    f"{german} / {other}" if other else german, bold=True, fill=SECTION_FILL
                )
            self.question(question, border)
        for validation in self.validations.values():
            sheet.add_data_validation(validation)
        self.print_setup(header_row)
        sheet.protection.sheet = True
        sheet.protection.formatRows = False  # row heights may be changed for long answers
        sheet.freeze_panes = f"A{header_row + 1}"

    def question(self, question: QuestionSpec, border: Any) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        counsellor = question.counsellor_only
        german, other = self.both(question.label)
        if counsellor:
            other = ""
        star = " *" if question.required else ""
        hint_de, hint_other = self.both(question.hint) if question.hint else ("", "")
        if counsellor:
            hint_other = ""
        hint = "\n".join(text for text in (hint_de, hint_other) if text)
        number = str(question.number)
        top = Alignment(wrap_text=True, vertical="top")
        rtl = Alignment(wrap_text=True, vertical="top", readingOrder=2)
        self.cell("number", number, alignment=top, border=border)
        self.cell(
            "de", german + star, alignment=top, border=border, font=Font(bold=question.required)
        )
        if "other" in self.layout.columns:
            self.cell(
                "other",
                other + (star if other else ""),
                border=border,
                alignment=rtl if self.language in RTL_LANGUAGES else top,
            )
        self.cell("hint", hint, alignment=top, border=border, font=Font(size=9))
        answer = self.sheet[f"{self.layout.letter('answer')}{self.row}"]
        answer.border = border
        fill = COUNSELLOR_FILL if counsellor else ANSWER_FILL
        if question.type == "select_multiple":
            answer.fill = PatternFill("solid", fgColor=LOCKED_FILL)
            put(answer, "↓")
            answer.alignment = Alignment(horizontal="center", vertical="top")
            self.height(german, other, hint)
            self.codes.rows.append((self.row, number, question.name, ""))
            self.row += 1
            for letter, choice in zip(_letters(), self.form.choices(question), strict=False):
                choice_de, choice_other = self.both(choice.label)
                if counsellor:
                    choice_other = ""
                sub = f"{number}{letter}"
                self.cell("number", sub, alignment=top, border=border)
                self.cell("de", f"    {choice_de}", alignment=top, border=border)
                if "other" in self.layout.columns:
                    self.cell(
                        "other",
                        f"    {choice_other}" if choice_other else "",
                        border=border,
                        alignment=rtl if self.language in RTL_LANGUAGES else top,
                    )
                self.cell("hint", "", border=border)
                cell = self.sheet[f"{self.layout.letter('answer')}{self.row}"]
                self.input_cell(cell, fill, border, "@")
                self.dropdown("_bool", self.yes_no(), cell.coordinate)
                self.height(choice_de, choice_other, "")
                self.codes.rows.append((self.row, sub, question.name, choice.code))
                self.row += 1
            return
        self.input_cell(
            answer,
            fill,
            border,
            DATE_FORMAT if question.type == "date" else "@" if question.type != "integer" else "0",
        )
        if question.type in ("select_one", "boolean", "country", "language"):
            key, labels, style = self.list_for(question)
            self.dropdown(key, labels, answer.coordinate, style=style)
        self.height(german, other, hint)
        self.codes.rows.append((self.row, number, question.name, ""))
        self.row += 1

    def input_cell(self, cell: Any, fill: str, border: Any, number_format: str) -> None:
        from openpyxl.styles import Alignment, PatternFill, Protection

        cell.fill = PatternFill("solid", fgColor=fill)
        cell.protection = Protection(locked=False)
        cell.border = border
        cell.number_format = number_format
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    def height(self, german: str, other: str, hint: str) -> None:
        lines = max(
            _lines(german, _WIDTHS["de"]),
            _lines(other, _WIDTHS["other"]),
            _lines(hint, _WIDTHS["hint"], size=9),
            1,
        )
        self.sheet.row_dimensions[self.row].height = 15 * lines + 3

    def yes_no(self) -> list[str]:
        texts = self.form.file.texts
        return [bilingual(texts.yes, self.language), bilingual(texts.no, self.language)]

    def list_for(self, question: QuestionSpec) -> tuple[str, list[str], ErrorStyle]:
        if question.type == "boolean":
            return "_bool", self.yes_no(), "stop"
        if question.type == "country":
            return (
                "_countries",
                [country_label(code, self.language) for code in countries()],
                "stop",
            )
        if question.type == "language":
            return "_languages", _language_choices(), "warning"
        labels = [
            choice.label if not question.counsellor_only else {"de": pick(choice.label, "de")}
            for choice in self.form.choices(question)
        ]
        key = f"{question.list_name}{'_de' if question.counsellor_only else ''}"
        return key, [bilingual(label, self.language) for label in labels], "stop"

    def dropdown(
        self, key: str, labels: list[str], coordinate: str, *, style: ErrorStyle = "stop"
    ) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        name = self.lists.name_for(key, labels)
        validation = self.validations.get(name)
        if validation is None:
            form, language = self.form, self.language
            message = form.text("choice", "de")
            if language != "de":
                message += "\n" + form.text("choice", language)
            validation = DataValidation(
                type="list",
                formula1=f"={name}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle=style,
                errorTitle="Bitte aus der Liste wählen",
                error=message[:255],
            )
            self.validations[name] = validation
        validation.add(coordinate)

    def print_setup(self, header_row: int) -> None:
        sheet = self.sheet
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = "landscape" if len(self.layout.columns) == 5 else "portrait"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        from openpyxl.worksheet.properties import PageSetupProperties

        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_title_rows = f"{header_row}:{header_row}"
        last = self.layout.letter(self.layout.columns[-1])
        sheet.print_area = f"A1:{last}{self.row - 1}"
        sheet.page_margins.left = sheet.page_margins.right = 0.4
        sheet.page_margins.top = sheet.page_margins.bottom = 0.5
        footer = sheet.oddFooter
        if footer is not None and footer.center is not None:
            footer.center.text = (
                f"{self.form.form_id} {self.form.version} ({self.language}) – Seite &P von &N"
            )


def _write_codes(sheet: Worksheet, codes: Codes) -> None:
    head = [
        (CODES_MAGIC, codes.form_id),
        ("version", codes.version),
        ("language", codes.language),
        ("sheet", codes.sheet),
        ("answer_column", codes.answer_column),
        ("checksum", codes.checksum()),
    ]
    for row, (key, value) in enumerate(head, start=1):
        put(sheet.cell(row=row, column=1), key)
        put(sheet.cell(row=row, column=2), value)
    for offset, title in enumerate(("row", "number", "question", "choice"), start=1):
        put(sheet.cell(row=8, column=offset), title)
    for index, (row, number, name, choice) in enumerate(codes.rows, start=9):
        sheet.cell(row=index, column=1).value = row
        put(sheet.cell(row=index, column=2), number)
        put(sheet.cell(row=index, column=3), name)
        put(sheet.cell(row=index, column=4), choice or None)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _letters() -> list[str]:
    return [chr(code) for code in range(ord("a"), ord("z") + 1)]


def _lines(text: str, width: int, *, size: int = 11) -> int:
    if not text:
        return 1
    per_line = max(10, int(width * 1.15 * 11 / size))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _own_name(code: str) -> str:
    return LANGUAGES[code][1] if code in LANGUAGES else code


def _language_choices() -> list[str]:
    """The listed languages first, then every other ISO 639-1 language by German name."""
    import pycountry

    listed = [language_label(code) for code in LANGUAGES]
    others = sorted(
        (
            language_german(language.alpha_2)
            for language in pycountry.languages
            if getattr(language, "alpha_2", None) and language.alpha_2 not in LANGUAGES
        ),
        key=str.casefold,
    )
    return listed + others
