"""``form template``: a printable, fillable Excel intake form in German and one other language.

Two copies. The **family copy** (default) has one sheet, "Formular", with every question the family
answers and nothing else: the counsellor's questions (``audience: counsellor``, among them the
residence basis) are not in the file at all, not even hidden. The **counsellor copy** adds the sheet
"Beratung" with those questions, German only.

Layout of a form sheet, one question per block of rows::

    Nr. | Frage (Deutsch)  | question in the family's language | Antwort       <- answer cell
        | hint (German)    | hint (family's language)          |               <- hint row
    10a | weiblich         | (the choice, translated)          | ☐             <- per choice

For right-to-left languages (ar, fa, prs, ps, ckb) the sheet runs right to left and the translated
column comes before the German one, so that an Arabic reader meets the Arabic question first.
Every text cell holds one language only and carries its reading order. On paper every choice is a
tick box (☐); on screen the same rows take ☒ from a dropdown, and a choice question also keeps its
dropdown in the answer cell. Answer cells are yellow and unlocked; everything else is protected (no
password: this prevents slips, it is not security).

The page is A4 and fitted to its width; the column widths are chosen so that fitting never has to
shrink the page (:func:`fit_scale`), so hint text printed at 10 pt stays 10 pt.

The hidden sheet "_codes" says which row of which sheet holds which question (and choice), signed
with the installation key (:mod:`.signing`): ``intake import`` reads answers back by these codes
and refuses a workbook whose codes were changed or that another installation wrote.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, Literal

from seiteneinsteiger.export.cells import DATE_FORMAT, put
from seiteneinsteiger.forms.model import ChoiceSpec, Form, QuestionSpec, SectionSpec, pick
from seiteneinsteiger.forms.names import (
    ENDONYMS,
    RTL_LANGUAGES,
    countries,
    country_label,
    language_german,
    language_label,
)
from seiteneinsteiger.forms.signing import key_id, sign, verify
from seiteneinsteiger.forms.values import bilingual

if TYPE_CHECKING:  # pragma: no cover
    from openpyxl.worksheet.worksheet import Worksheet

Copy = Literal["family", "counsellor"]
COPIES: tuple[Copy, ...] = ("family", "counsellor")
ErrorStyle = Literal["stop", "warning"]
SHEET = "Formular"
COUNSELLOR_SHEET = "Beratung"
LISTS_SHEET = "_listen"
CODES_SHEET = "_codes"
CODES_MAGIC = "seiteneinsteiger-form"
CODES_FORMAT = "2"
CODES_FIRST_ROW = 12
TICK = "☐"
TICKED = "☒"
ANSWER_FILL = "FFF4B3"
SECTION_FILL = "D9E2F3"
COUNSELLOR_FILL = "EDEDED"
LOCKED_FILL = "F2F2F2"
HINT_COLOUR = "404040"
BOOLEAN_CHOICES = ("yes", "no")

#: Font sizes in points, before any scaling (which :func:`fit_scale` keeps at 100 %).
QUESTION_SIZE = 11
HINT_SIZE = 10
TICK_SIZE = 14
#: Arabic-script and Ge'ez text reads small at the Latin size: one point more.
COMPLEX_SCRIPTS = frozenset({"ar", "fa", "prs", "ps", "ckb", "ti"})

#: Column widths in Excel units (characters of the default font).
_WIDTHS = {"number": 6, "de": 48, "other": 48, "answer": 28}
_GERMAN_WIDTHS = {"number": 6, "de": 54, "answer": 28}

#: Paper and margins (A4, inches as Excel stores them).
PAPER_MM = {"portrait": (210.0, 297.0), "landscape": (297.0, 210.0)}
SIDE_MARGIN_IN = 0.4
TOP_MARGIN_IN = 0.4
BOTTOM_MARGIN_IN = 0.6  # the footer (page number) sits in it
FOOTER_IN = 0.25
#: One width unit in millimetres, on the safe side: Excel with Calibri 11 prints 1.85 mm,
#: LibreOffice with Carlito 1.96 mm (measured), with a fallback font up to 2.12 mm. The widths above
#: are chosen so that even 2.12 mm fit the page: fitting to the width never shrinks the print.
MM_PER_WIDTH_UNIT = 2.12


def size_for(language: str, base: int) -> int:
    return base + 1 if language in COMPLEX_SCRIPTS else base


def fit_scale(widths: Sequence[float], orientation: str, side_margin_in: float) -> int:
    """The print scale (percent) that fit-to-width implies for columns of ``widths``.

    Excel and LibreOffice only ever shrink to fit; a sheet narrower than the paper prints at 100 %.
    """
    paper_width = PAPER_MM[orientation][0]
    printable = paper_width - 2 * side_margin_in * 25.4
    needed = sum(widths) * MM_PER_WIDTH_UNIT
    return min(100, math.floor(100 * printable / needed))


# ---------------------------------------------------------------------------------------------
# The layout plan: which row holds what. Pure; the writer renders it, the importer checks it.


@dataclass(frozen=True, slots=True)
class Layout:
    """Columns of one sheet; the German-only sheets have no second question column."""

    language: str
    sheet: str

    @property
    def rtl(self) -> bool:
        return self.language in RTL_LANGUAGES

    @property
    def columns(self) -> list[str]:
        if self.language == "de":
            return ["number", "de", "answer"]
        if self.rtl:  # the reader's language first
            return ["number", "other", "de", "answer"]
        return ["number", "de", "other", "answer"]

    @property
    def widths(self) -> dict[str, int]:
        return _GERMAN_WIDTHS if self.language == "de" else _WIDTHS

    @property
    def orientation(self) -> Literal["portrait", "landscape"]:
        return "portrait" if self.language == "de" else "landscape"

    def letter(self, name: str) -> str:
        return "ABCD"[self.columns.index(name)]


@dataclass(frozen=True, slots=True)
class Row:
    """One planned row: its kind and what it shows."""

    kind: Literal["question", "hint", "choice", "section", "signature"]
    question: QuestionSpec | None = None
    choice: str = ""  # choice code of a choice row ("yes"/"no" for a boolean question)
    number: str = ""  # the "Nr." cell
    section: SectionSpec | None = None


@dataclass(slots=True)
class SheetPlan:
    layout: Layout
    first_row: int  # the row below the header
    rows: list[Row] = field(default_factory=list)


def plan(form: Form, language: str, copy: Copy) -> list[SheetPlan]:
    """The sheets of a template and their question rows, in order."""
    family = [q for q in form.questions if not q.counsellor_only]
    sheets = [(SHEET, language, family)]
    counsellor = [q for q in form.questions if q.counsellor_only]
    if copy == "counsellor" and counsellor:
        sheets.append((COUNSELLOR_SHEET, "de", counsellor))
    plans = []
    for name, sheet_language, questions in sheets:
        layout = Layout(sheet_language, name)
        head = _head_rows(form, sheet_language, family_sheet=name == SHEET)
        sheet_plan = SheetPlan(layout, head + 1)
        sheet_plan.rows = list(_rows(form, questions, with_signature=name == SHEET))
        plans.append(sheet_plan)
    return plans


def _head_rows(form: Form, language: str, *, family_sheet: bool) -> int:
    """How many rows the title block and the header take (the header is the last of them)."""
    rows = 1  # German title
    if language != "de":
        rows += 1
    if family_sheet:
        rows += 1 + (1 if form.text("tick", "de") else 0)
        if language != "de":
            rows += 1 + (1 if form.text("tick", language) else 0)
            rows += 0 if form.reviewed(language) else 1
    return rows + 2  # a blank row and the header


def _rows(form: Form, questions: list[QuestionSpec], *, with_signature: bool) -> Iterator[Row]:
    section: SectionSpec | None = None
    signed = not with_signature or not form.text("signature", "de")
    for question in questions:
        if question.section is not section:
            if section is not None and not signed and _is_consent(form, section):
                yield Row("signature")
                signed = True
            section = question.section
            yield Row("section", section=section)
        number = str(question.number)
        yield Row("question", question, number=number)
        if question.hint:
            yield Row("hint", question)
        for letter, code in zip(_letters(), _choice_codes(form, question), strict=False):
            yield Row("choice", question, choice=code, number=f"{number}{letter}")
    if not signed and section is not None and _is_consent(form, section):
        yield Row("signature")


def _is_consent(form: Form, section: SectionSpec) -> bool:
    return any(
        q.section is section and q.target_text.startswith("counselling.consent")
        for q in form.questions
    )


def _choice_codes(form: Form, question: QuestionSpec) -> list[str]:
    if question.type == "boolean":
        return list(BOOLEAN_CHOICES)
    if question.type in ("select_one", "select_multiple"):
        return [choice.code for choice in form.choices(question)]
    return []


# ---------------------------------------------------------------------------------------------
# The hidden codes


@dataclass(slots=True)
class Codes:
    """The content of the hidden "_codes" sheet.

    ``rows``: (sheet, row, Nr., question, choice) for every answer row; ``answer_columns``: the
    answer column of each sheet.
    """

    form_id: str
    version: str
    language: str
    copy: str
    answer_columns: dict[str, str]
    rows: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    key_id: str = ""

    def payload(self) -> bytes:
        return json.dumps(
            [
                CODES_MAGIC,
                CODES_FORMAT,
                self.form_id,
                self.version,
                self.language,
                self.copy,
                sorted(self.answer_columns.items()),
                self.rows,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")

    def signature(self, key: bytes) -> str:
        return sign(key, self.payload())

    def verify(self, key: bytes, signature: str) -> bool:
        return verify(key, self.payload(), signature)

    def same_layout(self, other: Codes) -> bool:
        return (self.answer_columns, self.rows) == (other.answer_columns, other.rows)


def expected_codes(form: Form, language: str, copy: Copy) -> Codes:
    """The codes a fresh template of this form, language and copy carries."""
    codes = Codes(form.form_id, form.version, language, copy, {})
    for sheet_plan in plan(form, language, copy):
        layout = sheet_plan.layout
        codes.answer_columns[layout.sheet] = layout.letter("answer")
        for offset, row in enumerate(sheet_plan.rows):
            if row.kind in ("question", "choice") and row.question is not None:
                codes.rows.append(
                    (layout.sheet, sheet_plan.first_row + offset, row.number, row.question.name,
                     row.choice)
                )  # fmt: skip
    return codes


# ---------------------------------------------------------------------------------------------
# Writing


def write_template(
    form: Form, language: str, handle: IO[bytes], *, key: bytes, copy: Copy = "family"
) -> Codes:
    """Write the template for ``language`` to ``handle``; returns the codes it carries."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    lists = _ListSheet()
    codes = expected_codes(form, language, copy)
    codes.key_id = key_id(key)
    for sheet_plan in plan(form, language, copy):
        sheet = workbook.create_sheet(sheet_plan.layout.sheet)
        _SheetWriter(form, sheet_plan, sheet, lists).write()
    lists.finish(workbook)
    _write_codes(workbook.create_sheet(CODES_SHEET), codes, codes.signature(key))
    workbook.active = 0
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.save(handle)
    return codes


class _ListSheet:
    """The hidden sheet with one column per dropdown list, each behind a defined name."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.ranges: dict[str, str] = {}
        self.columns: list[list[str]] = []

    def name_for(self, key: str, labels: Sequence[str]) -> str:
        if key in self.names:
            return self.names[key]
        from openpyxl.utils import get_column_letter

        self.columns.append(list(labels))
        letter = get_column_letter(len(self.columns))
        name = f"L_{key.strip('_')}"
        self.names[key] = name
        self.ranges[name] = f"'{LISTS_SHEET}'!${letter}$1:${letter}${max(1, len(labels))}"
        return name

    def finish(self, workbook: Any) -> None:
        from openpyxl.workbook.defined_name import DefinedName

        sheet = workbook.create_sheet(LISTS_SHEET)
        for column, labels in enumerate(self.columns, start=1):
            for row, label in enumerate(labels, start=1):
                put(sheet.cell(row=row, column=column), label)
        for name, reference in self.ranges.items():
            workbook.defined_names[name] = DefinedName(name, attr_text=reference)
        sheet.sheet_state = "hidden"
        sheet.protection.sheet = True


@dataclass(frozen=True, slots=True)
class _Script:
    """Rough text metrics for row heights: characters per width unit and line height per pt."""

    chars_per_unit: float
    line_factor: float


_LATIN = _Script(0.95, 1.3)
_SCRIPTS = {
    **{code: _Script(0.95, 1.55) for code in ("ar", "fa", "prs", "ps", "ckb")},
    "ti": _Script(0.7, 1.5),
}


def _script(language: str) -> _Script:
    return _SCRIPTS.get(language, _LATIN)


class _SheetWriter:
    def __init__(self, form: Form, sheet_plan: SheetPlan, sheet: Worksheet, lists: _ListSheet):
        self.form = form
        self.plan = sheet_plan
        self.layout = sheet_plan.layout
        self.language = sheet_plan.layout.language
        self.sheet = sheet
        self.lists = lists
        self.row = 1
        self.validations: dict[str, Any] = {}
        self.heights: dict[int, float] = {}
        self.blocks: list[tuple[int, int]] = []  # rows that should stay on one page

    # -- cells ---------------------------------------------------------------------------------

    def coordinate(self, column: str, row: int | None = None) -> str:
        return f"{self.layout.letter(column)}{row or self.row}"

    def text(self, column: str, value: str, language: str, *, size: int, **style: Any) -> Any:
        """A cell holding text in one language, aligned and ordered for that language."""
        from openpyxl.styles import Alignment, Font

        cell = self.sheet[self.coordinate(column)]
        put(cell, value)
        rtl = language in RTL_LANGUAGES
        cell.alignment = Alignment(
            wrap_text=True,
            vertical="top",
            horizontal="right" if rtl else "left",
            readingOrder=2 if rtl else 1,
            indent=style.pop("indent", 0),
        )
        italic = style.pop("italic", False) and language not in COMPLEX_SCRIPTS  # no slanted Arabic
        cell.font = Font(
            size=size,
            bold=style.pop("bold", False),
            italic=italic,
            color=style.pop("color", None),
        )
        for key, item in style.items():
            setattr(cell, key, item)
        return cell

    def fill_row(self, colour: str) -> None:
        from openpyxl.styles import PatternFill

        for column in self.layout.columns:
            self.sheet[self.coordinate(column)].fill = PatternFill("solid", fgColor=colour)

    def merged(self, text: str, language: str, *, bold: bool = False, size: int = 11) -> None:
        first, last = self.layout.columns[0], self.layout.columns[-1]
        self.text(first, text, language, size=size, bold=bold)
        self.sheet.merge_cells(f"{self.coordinate(first)}:{self.coordinate(last)}")
        width = sum(self.layout.widths.values())
        self.set_height([(text, language, width, size)])
        self.row += 1

    def set_height(self, texts: Sequence[tuple[str, str, float, int]], minimum: float = 0) -> None:
        height = max([minimum, 15.0, *(_height(t, lang, w, s) for t, lang, w, s in texts)])
        self.sheet.row_dimensions[self.row].height = height
        self.heights[self.row] = height

    # -- the sheet -----------------------------------------------------------------------------

    def write(self) -> None:
        from openpyxl.styles import Border, Side

        for column in self.layout.columns:
            self.sheet.column_dimensions[self.layout.letter(column)].width = self.layout.widths[
                column
            ]
        self.sheet.sheet_view.rightToLeft = self.layout.rtl
        self.head()
        thin = Side(style="thin", color="999999")
        border = Border(top=thin, bottom=thin, left=thin, right=thin)
        self.header(border)
        assert self.row == self.plan.first_row, (self.row, self.plan.first_row)
        self.blocks = _blocks(self.plan)
        for row in self.plan.rows:
            self.render(row, border)
            self.row += 1
        for validation in self.validations.values():
            self.sheet.add_data_validation(validation)
        self.print_setup()
        self.sheet.protection.sheet = True
        self.sheet.protection.formatRows = False  # row heights may be changed for long answers
        self.sheet.freeze_panes = f"A{self.plan.first_row}"

    def head(self) -> None:
        form, language = self.form, self.language
        family = self.layout.sheet == SHEET
        title = form.title("de") + ("" if family else " – Angaben der Beratung")
        self.merged(f"{title} (Version {form.version})", "de", bold=True, size=14)
        if language != "de":
            self.merged(form.title(language), language, bold=True, size=size_for(language, 14))
        if not family:
            self.row += 1
            return
        for text_language in ("de", language) if language != "de" else ("de",):
            size = size_for(text_language, QUESTION_SIZE)
            self.merged(form.text("instructions", text_language), text_language, size=size)
            if form.text("tick", text_language):
                self.merged(form.text("tick", text_language), text_language, size=size)
        if language != "de" and not form.reviewed(language):
            self.merged(
                f"Hinweis für die Beratung: Die Übersetzung ({language_german(language)}) ist "
                "noch nicht muttersprachlich geprüft.",
                "de",
                size=HINT_SIZE,
            )
        self.row += 1

    def header(self, border: Any) -> None:
        form, language = self.form, self.language
        headers = {
            "number": ("Nr.", "de"),
            "de": ("Frage (Deutsch)", "de"),
            "other": (f"{form.text('question', language)} ({_own_name(language)})", language),
            "answer": (bilingual(form.file.texts.answer, language), "de"),
        }
        for column in self.layout.columns:
            text, text_language = headers[column]
            self.text(column, text, text_language, size=QUESTION_SIZE, bold=True, border=border)
        self.set_height(
            [(headers[c][0], headers[c][1], self.layout.widths[c], QUESTION_SIZE) for c in
             self.layout.columns]
        )  # fmt: skip
        self.row += 1

    def render(self, row: Row, border: Any) -> None:
        if row.kind == "section" and row.section is not None:
            self.section(row.section)
        elif row.kind == "signature":
            self.signature(border)
        elif row.question is not None:
            if row.kind == "question":
                self.question(row, border)
            elif row.kind == "hint":
                self.hint(row.question)
            else:
                self.choice(row, border)

    def labels(
        self, labels: Any, *, size: int, indent: int = 0, **style: Any
    ) -> list[tuple[str, str, float, int]]:
        """German and translated text in their own cells; returns what sets the row height."""
        german = pick(labels, "de")
        narrower = 3 * indent
        texts: list[tuple[str, str, float, int]] = [
            (german, "de", self.layout.widths["de"] - narrower, size)
        ]
        self.text("de", german, "de", size=size, indent=indent, **dict(style))
        if "other" in self.layout.columns:
            other = pick(labels, self.language)
            other = "" if other == german else other
            other_size = size_for(self.language, size)
            self.text("other", other, self.language, size=other_size, indent=indent, **style)
            width = self.layout.widths["other"] - narrower
            texts.append((other, self.language, width, other_size))
        return texts

    def section(self, section: SectionSpec) -> None:
        from openpyxl.styles import Font

        texts = self.labels(section.title, size=QUESTION_SIZE, bold=True)
        for column in ("number", "answer"):
            self.sheet[self.coordinate(column)].font = Font(bold=True)
        self.fill_row(SECTION_FILL)
        self.set_height(texts, minimum=18)

    def question(self, row: Row, border: Any) -> None:
        from openpyxl.styles import Alignment, PatternFill

        question = row.question
        assert question is not None
        star = " *" if question.required else ""
        labels = {code: f"{text}{star}" for code, text in question.label.items()}
        texts = self.labels(labels, size=QUESTION_SIZE, bold=question.required, border=border)
        self.text("number", row.number, "de", size=QUESTION_SIZE, border=border)
        answer = self.sheet[self.coordinate("answer")]
        answer.border = border
        fill = COUNSELLOR_FILL if question.counsellor_only else ANSWER_FILL
        if question.type == "select_multiple":
            answer.fill = PatternFill("solid", fgColor=LOCKED_FILL)
            put(answer, "↓")
            answer.alignment = Alignment(horizontal="center", vertical="top")
        else:
            _input_cell(answer, fill, border, _number_format(question))
            if question.type in ("select_one", "boolean", "country", "language"):
                key, labels_, style = self.list_for(question)
                self.dropdown(key, labels_, answer.coordinate, style=style)
        self.set_height(texts)

    def hint(self, question: QuestionSpec) -> None:
        texts = self.labels(question.hint, size=HINT_SIZE, italic=True, color=HINT_COLOUR)
        self.set_height(texts)

    def choice(self, row: Row, border: Any) -> None:
        question = row.question
        assert question is not None
        labels = self.choice_labels(question, row.choice)
        texts = self.labels(labels, size=QUESTION_SIZE, indent=2)
        self.text("number", row.number, "de", size=HINT_SIZE, color=HINT_COLOUR)
        cell = self.sheet[self.coordinate("answer")]
        fill = COUNSELLOR_FILL if question.counsellor_only else ANSWER_FILL
        _input_cell(cell, fill, border, "@")
        put(cell, TICK)
        from openpyxl.styles import Alignment, Font

        cell.font = Font(size=TICK_SIZE)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        self.dropdown("_tick", [TICKED, TICK], cell.coordinate)
        self.set_height(texts, minimum=TICK_SIZE * 1.4)

    def choice_labels(self, question: QuestionSpec, code: str) -> Any:
        if question.type == "boolean":
            texts = self.form.file.texts
            return texts.yes if code == "yes" else texts.no
        return next(c.label for c in self.form.choices(question) if c.code == code)

    def signature(self, border: Any) -> None:
        from openpyxl.styles import Border, Side

        texts = self.labels(self.form.file.texts.signature, size=QUESTION_SIZE, bold=True)
        line = Side(style="medium", color="000000")
        self.sheet[self.coordinate("answer")].border = Border(bottom=line)
        self.set_height(texts, minimum=36)

    # -- lists -----------------------------------------------------------------------------------

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
        choices: list[ChoiceSpec] = self.form.choices(question)
        return f"{question.list_name}", [bilingual(c.label, self.language) for c in choices], "stop"

    def dropdown(
        self, key: str, labels: list[str], coordinate: str, *, style: ErrorStyle = "stop"
    ) -> None:
        from openpyxl.worksheet.datavalidation import DataValidation

        name = self.lists.name_for(f"{key}_{self.language}", labels)
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

    # -- printing --------------------------------------------------------------------------------

    def print_setup(self) -> None:
        from openpyxl.worksheet.pagebreak import Break
        from openpyxl.worksheet.properties import PageSetupProperties

        sheet, layout = self.sheet, self.layout
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.orientation = layout.orientation
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.print_title_rows = f"{self.plan.first_row - 1}:{self.plan.first_row - 1}"
        last = layout.letter(layout.columns[-1])
        sheet.print_area = f"A1:{last}{self.row - 1}"
        margins = sheet.page_margins
        margins.left = margins.right = SIDE_MARGIN_IN
        margins.top, margins.bottom = TOP_MARGIN_IN, BOTTOM_MARGIN_IN
        margins.header = margins.footer = FOOTER_IN
        sheet.print_options.horizontalCentered = True
        footer = sheet.oddFooter
        if footer is not None and footer.center is not None:
            footer.center.text = (
                f"{self.form.form_id} {self.form.version} ({self.language}) – Seite &P von &N"
            )
        for row in _page_breaks(self.blocks, self.heights, self.page_height()):
            sheet.row_breaks.append(Break(id=row))

    def page_height(self) -> float:
        """Points available for rows on one page, below the repeated header row."""
        paper_height = PAPER_MM[self.layout.orientation][1]
        usable_mm = paper_height - (TOP_MARGIN_IN + BOTTOM_MARGIN_IN) * 25.4
        header = self.heights.get(self.plan.first_row - 1, 15.0)
        return usable_mm / 25.4 * 72 - header


def _blocks(sheet_plan: SheetPlan) -> list[tuple[int, int]]:
    """Row ranges that belong on one page: a question with its hint and choices, and a section
    title together with its first question."""
    blocks: list[tuple[int, int]] = []
    start = sheet_plan.first_row
    previous: Row | None = None
    for offset, row in enumerate(sheet_plan.rows):
        number = sheet_plan.first_row + offset
        opens = row.kind in ("section", "signature") or (
            row.kind == "question" and (previous is None or previous.kind != "section")
        )
        if opens and number > start:
            blocks.append((start, number - 1))
            start = number
        previous = row
    blocks.append((start, sheet_plan.first_row + len(sheet_plan.rows) - 1))
    return blocks


def _page_breaks(
    blocks: list[tuple[int, int]], heights: dict[int, float], page: float
) -> list[int]:
    """Rows after which a page ends, so that no question is split from its hint and choices.

    2 % of the page are kept free for rounding in Excel and LibreOffice. The title block is part
    of the first page.
    """
    budget = page * 0.98
    used = sum(height for row, height in heights.items() if row < blocks[0][0]) if blocks else 0
    breaks = []
    for first, last in blocks:
        height = sum(heights.get(row, 15.0) for row in range(first, last + 1))
        if used + height > budget and used > 0:
            breaks.append(first - 1)
            used = 0
        used += height
    return breaks


def _height(text: str, language: str, width: float, size: int) -> float:
    """Estimated row height (points) for wrapped ``text`` in a column of ``width`` units.

    Deliberately generous: Excel and LibreOffice clip what does not fit a fixed row height.
    """
    if not text:
        return 0
    metrics = _script(language)
    per_line = max(8, int((width - 2) * metrics.chars_per_unit * 11 / size))
    lines = sum(_wrapped_lines(part, per_line) for part in text.split("\n"))
    return lines * size * metrics.line_factor + 3


def _wrapped_lines(text: str, per_line: int) -> int:
    """Lines of ``text`` wrapped at word boundaries into lines of ``per_line`` characters."""
    lines, used = 1, 0
    for word in text.split():
        length = len(word)
        if used and used + 1 + length > per_line:
            lines += 1
            used = 0
        while length > per_line:  # a word longer than a line
            lines += 1
            length -= per_line
        used += length + (1 if used else 0)
    return lines


def _input_cell(cell: Any, fill: str, border: Any, number_format: str) -> None:
    from openpyxl.styles import Alignment, PatternFill, Protection

    cell.fill = PatternFill("solid", fgColor=fill)
    cell.protection = Protection(locked=False)
    cell.border = border
    cell.number_format = number_format
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _number_format(question: QuestionSpec) -> str:
    if question.type == "date":
        return DATE_FORMAT
    return "0" if question.type == "integer" else "@"


def _write_codes(sheet: Worksheet, codes: Codes, signature: str) -> None:
    head = [
        (CODES_MAGIC, codes.form_id),
        ("format", CODES_FORMAT),
        ("version", codes.version),
        ("language", codes.language),
        ("copy", codes.copy),
        ("answer_columns", json.dumps(codes.answer_columns, sort_keys=True)),
        ("key_id", codes.key_id),
        ("signature", signature),
    ]
    for row, (key, value) in enumerate(head, start=1):
        put(sheet.cell(row=row, column=1), key)
        put(sheet.cell(row=row, column=2), value)
    for offset, title in enumerate(("sheet", "row", "number", "question", "choice"), start=1):
        put(sheet.cell(row=CODES_FIRST_ROW - 1, column=offset), title)
    for index, (sheet_name, row, number, name, choice) in enumerate(codes.rows, CODES_FIRST_ROW):
        put(sheet.cell(row=index, column=1), sheet_name)
        sheet.cell(row=index, column=2).value = row
        put(sheet.cell(row=index, column=3), number)
        put(sheet.cell(row=index, column=4), name)
        put(sheet.cell(row=index, column=5), choice or None)
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _letters() -> list[str]:
    return [chr(code) for code in range(ord("a"), ord("z") + 1)]


def _own_name(code: str) -> str:
    return ENDONYMS.get(code, code)


def _language_choices() -> list[str]:
    """The listed languages first, then every other ISO 639-1 language by German name."""
    import pycountry

    listed = [language_label(code) for code in ENDONYMS]
    others = sorted(
        (
            language_german(language.alpha_2)
            for language in pycountry.languages
            if getattr(language, "alpha_2", None) and language.alpha_2 not in ENDONYMS
        ),
        key=str.casefold,
    )
    return listed + others
