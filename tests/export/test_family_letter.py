"""The letter for the family: what it says, what it never says, and how it prints.

Rendering tests read the PDF back (pypdf and the embedded fonts, see ``pdfcheck.py``): every
glyph drawn has an outline (no empty boxes), the text of each column reads back word for word
in the order it was written (right-to-left columns too), right-to-left lines end flush at the
right edge of their column, pages are A4 and the letter fits on two pages.
"""

from __future__ import annotations

import datetime as dt
import json
import stat
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from seiteneinsteiger.cli.main import app
from seiteneinsteiger.codes import (
    Erstalphabetisierung,
    Measure,
    SchoolForm,
    SchulpflichtStatus,
    Stage,
)
from seiteneinsteiger.errors import ExportError, UsageError
from seiteneinsteiger.export.letter.content import Letter, build_letter
from seiteneinsteiger.export.letter.districts import DistrictInfo, district_info
from seiteneinsteiger.export.letter.fonts import missing_characters
from seiteneinsteiger.export.letter.render import (
    LABEL_WIDTH,
    MARKER_WIDTH,
    Column,
    columns,
    render_letter,
)
from seiteneinsteiger.export.letter.texts import load_texts, load_texts_file, placeholders
from seiteneinsteiger.export.log import read_entries
from seiteneinsteiger.intake_io import load_intakes
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.models.recommendation import Recommendation, RuleSetRef, Schulpflicht
from seiteneinsteiger.rules import result
from seiteneinsteiger.rules.result import Result

from .pdfcheck import A4, MM, RenderedPdf, column_text, line_edges, words

REPO = Path(__file__).resolve().parents[2]
INTAKES = REPO / "examples" / "intakes"
CREATED = dt.date(2025, 9, 16)
QUESTIONNAIRE_LANGUAGES = {
    "de",
    "en",
    "ar",
    "uk",
    "ru",
    "tr",
    "fa",
    "prs",
    "ps",
    "kmr",
    "ckb",
    "ti",
    "ro",
    "bg",
    "sq",
    "sr",
    "pl",
    "fr",
    "es",
    "so",
}


def _intake(name: str) -> Intake:
    [loaded] = list(load_intakes([INTAKES / f"{name}.yaml"], today=dt.date(2026, 3, 1)))
    assert loaded.intake is not None
    return loaded.intake


def _recommendation(intake: Intake, **changes: object) -> Result:
    base = Recommendation(
        case_id=intake.case_id,
        reference_date=intake.intake_date,
        ruleset=RuleSetRef(id=intake.district or "nrw", version="test"),
        age=12,
        schulpflicht=Schulpflicht(status=SchulpflichtStatus.schulpflichtig),
        stage=Stage.sek1,
        school_forms=[SchoolForm.gesamtschule, SchoolForm.sekundarschule, SchoolForm.realschule],
        grade=7,
        grade_options=[6, 7],
        erstfoerderung=True,
        erstalphabetisierung=Erstalphabetisierung.eligible,
        measures=[Measure.erstfoerderung, Measure.erstalphabetisierung, Measure.hsu],
        flags=["HEALTH_CHECK", "HSU_OFFER", "LATIN_SCRIPT_LITERACY"],
    )
    return Result.from_model(base.model_copy(update=changes))


def _district(**contact: object) -> DistrictInfo:
    info = district_info("kreis-mettmann")
    if not contact:
        return info
    return DistrictInfo(
        district=info.district,
        contact=info.contact.__class__(**{"name": info.contact.name, **contact}),  # type: ignore[arg-type]
        waiting=info.waiting,
        waiting_source=info.waiting_source,
        direct_enrolment_flag=info.direct_enrolment_flag,
        contact_source="test",
    )


def _letter(intake: Intake, rec: Result, lang: str, **contact: object) -> Letter:
    texts = load_texts()
    return build_letter(
        intake, rec, texts, texts.language(lang), _district(**contact), created=CREATED
    )


def _german(letter: Letter) -> str:
    return "\n".join(block.german for block in letter.body)


def _family(letter: Letter) -> str:
    return "\n".join(str(block.family) for block in letter.body)


# --- the texts -----------------------------------------------------------------------------


def test_the_letter_speaks_every_language_of_the_questionnaire() -> None:
    texts = load_texts()
    assert set(texts.languages) >= QUESTIONNAIRE_LANGUAGES
    assert [code for code, lang in texts.languages.items() if lang.reviewed] == ["de"]
    assert {code for code, lang in texts.languages.items() if lang.rtl} == {
        "ar",
        "fa",
        "prs",
        "ps",
        "ckb",
    }
    for key, translations in texts.texts.items():
        german = placeholders(translations["de"])
        assert all(placeholders(text) == german for text in translations.values()), key


def test_every_character_of_every_translation_has_a_glyph_in_the_bundled_fonts() -> None:
    texts = load_texts()
    everything = [text for translations in texts.texts.values() for text in translations.values()]
    everything += [lang.native + lang.date_suffix for lang in texts.languages.values()]
    assert missing_characters(everything) == []
    # a character no bundled font has is found
    assert missing_characters(["Amal 中"]) == ["中"]


def test_a_translation_with_a_dropped_placeholder_is_reported_with_its_line(
    tmp_path: Path,
) -> None:
    source = (REPO / "src/seiteneinsteiger/data/letter/texts.yaml").read_text(encoding="utf-8")
    broken = source.replace('uk: "Дата: {date}"', 'uk: "Дата: {datum}"', 1).replace(
        '    so: "Talodayada"\n', "", 1
    )
    path = tmp_path / "texts.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ExportError) as caught:
        load_texts_file(path, "texts.yaml")
    lines = {problem.line for problem in caught.value.problems}
    messages = [problem.render() for problem in caught.value.problems]
    date_line = broken.splitlines().index('    uk: "Дата: {datum}"') + 1
    assert date_line in lines
    assert any("texts.date.uk: Platzhalter {datum} statt {date}" in m for m in messages)
    assert any("texts.heading_recommendation: Übersetzung fehlt für: so" in m for m in messages)


def test_an_unknown_language_is_a_usage_error_listing_the_supported_ones() -> None:
    with pytest.raises(UsageError) as caught:
        load_texts().language("xx")
    assert "'xx'" in caught.value.message
    assert caught.value.hint is not None and "ti (Tigrinya)" in caught.value.hint


# --- what the letter says ------------------------------------------------------------------


def test_secondary_school_with_the_form_decided_after_erstfoerderung() -> None:
    intake = _intake("amal-haddad")
    rec = _recommendation(intake, flags=["BILDUNGSGANG_AFTER_ERSTFOERDERUNG", "HEALTH_CHECK"])
    letter = _letter(intake, rec, "ar")
    german = _german(letter)
    assert (
        "Ihr Kind soll in die Klasse 7 einer weiterführenden Schule gehen. Welche Schulform, "
        "wird nach der Erstförderung entschieden." in german
    )
    assert "Lesen und Schreiben in lateinischer Schrift lernen" in german  # other_script
    assert "Untersuchung beim Gesundheitsamt" in german
    assert "Das dauert meistens 2 bis 4 Wochen." in german
    assert "Sie haben nach 4 Wochen noch keinen Brief bekommen?" in german
    family = _family(letter)
    assert "يجب أن يذهب طفلكم إلى الصف 7 في مدرسة ثانوية (weiterführende Schule)." in family
    assert "من 2 إلى 4 أسابيع" in family
    assert "في 15.09.2025 تحدثنا معكم" in family  # the counselling date


def test_a_recommended_school_form_is_named_and_explained() -> None:
    intake = _intake("ioana-dumitru")
    rec = _recommendation(
        intake,
        grade=9,
        erstfoerderung=False,
        erstalphabetisierung=Erstalphabetisierung.no,
        measures=[],
        flags=["HEALTH_CHECK"],
    )
    german = _german(_letter(intake, rec, "de"))
    assert "Wir empfehlen diese Schulform: Gesamtschule." in german
    assert "Die Gesamtschule ist eine Schule für alle Kinder." in german
    assert "Möglich sind auch: Sekundarschule, Realschule." in german
    assert "Erstförderung" not in german


def test_berufskolleg_ifk_primary_and_direct_enrolment() -> None:
    intake = _intake("yonas-tesfay")
    ifk = _recommendation(
        intake, stage=Stage.sek2, school_forms=[SchoolForm.berufskolleg], grade=None, bk_ifk=True
    )
    german = _german(_letter(intake, ifk, "ti"))
    assert "Ihr Kind soll an ein Berufskolleg gehen, in eine Internationale Förderklasse." in german
    assert "Brief mit dem Platz am Berufskolleg" in german
    assert "Den Platz am Berufskolleg vergibt die Schulaufsicht." in german
    primary = _recommendation(
        intake,
        stage=Stage.primarstufe,
        school_forms=[SchoolForm.grundschule],
        grade=3,
        flags=["HEALTH_CHECK", "GRUNDSCHULE_DIREKT_ANMELDEN"],
    )
    german = _german(_letter(intake, primary, "de"))
    assert "Ihr Kind soll in die Klasse 3 einer Grundschule gehen." in german
    # Kreis Mettmann: parents enrol at a Grundschule themselves, no letter from the Schulamt
    assert "Bitte melden Sie Ihr Kind selbst an einer Grundschule in Ihrer Stadt an." in german
    assert "Brief vom Schulamt" not in german


def test_not_yet_and_no_longer_schulpflichtig() -> None:
    intake = _intake("berfin-murad")
    not_yet = _recommendation(
        intake,
        age=5,
        schulpflicht=Schulpflicht(status=SchulpflichtStatus.not_yet, starts=dt.date(2026, 8, 1)),
        stage=Stage.none,
        school_forms=[],
        grade=None,
        erstfoerderung=False,
        erstalphabetisierung=Erstalphabetisierung.not_applicable,
        measures=[],
        flags=["NOT_YET_SCHULPFLICHTIG", "KANN_KIND_OPTION", "HEALTH_CHECK"],
    )
    letter = _letter(intake, not_yet, "fa")
    german = _german(letter)
    assert "Die Schulpflicht beginnt am 01.08.2026." in german
    assert "vorzeitige Einschulung" in german
    assert "Schulverwaltungsamt" in german
    assert "Brief vom Schulamt" not in german
    assert "01.08.2026 (میلادی)" in _family(letter)  # Persian: the Gregorian date is marked
    no_longer = not_yet.replace(
        schulpflicht=result.Schulpflicht(SchulpflichtStatus.no_longer),
        flags=["NO_LONGER_SCHULPFLICHTIG", "ADULT_EDUCATION_REFERRAL"],
    )
    german = _german(_letter(intake, no_longer, "de"))
    assert "Ihr Kind ist nicht mehr schulpflichtig." in german
    assert "Weiterbildungskolleg" in german and "Jugendmigrationsdienst" in german
    assert "Gesundheitsamt" not in german


def test_a_family_in_a_state_facility_learns_when_schooling_starts() -> None:
    intake = _intake("yusuf-al-khatib")
    rec = _recommendation(
        intake,
        schulpflicht=Schulpflicht(status=SchulpflichtStatus.not_yet),
        stage=Stage.none,
        school_forms=[],
        grade=None,
        measures=[],
        flags=["ZUE_NOT_ASSIGNED", "NOT_YET_SCHULPFLICHTIG"],
    )
    german = _german(_letter(intake, rec, "ar"))
    assert "Solange Ihre Familie in einer Unterkunft des Landes wohnt" in german
    assert "Schulverwaltungsamt" not in german


def test_an_estimated_birth_date_is_marked_in_both_languages() -> None:
    intake = _intake("zahra-ahmadi")
    assert intake.pupil.birth_date_estimated
    letter = _letter(intake, _recommendation(intake), "prs")
    regarding = letter.meta[1]
    assert "geboren am 01.01.2012 (geschätzt)" in regarding.german
    assert "01.01.2012 (میلادی) (تخمینی)" in str(regarding.family)


def test_the_letter_never_tells_what_the_family_did_not_tell() -> None:
    intake = _intake("amal-haddad")
    secret = intake.model_copy(
        update={
            "confidential_notes": "Fluchtgeschichte streng vertraulich",
            "support_needs": intake.support_needs.model_copy(
                update={"health_note": "Asthma-Spray", "documented": ["hearing"]}
            ),
        }
    )
    rec = _recommendation(
        secret,
        flags=["AOSF_CHECK", "ZUE_NOT_ASSIGNED", "BEFREIUNG_18_POSSIBLE", "HEALTH_CHECK"],
        why_not={"gymnasium": "Deutsch A1 (Regel NRW-SF-07)"},
    )
    letter = _letter(secret, rec, "ar")
    pdf = RenderedPdf(render_letter(letter, created=CREATED).pdf)
    everything = " ".join(run.logical() for run in pdf.runs)
    for forbidden in (
        "vertraulich",
        "Asthma",
        "AO-SF",
        "AOSF",
        "Hören",
        "NRW-",
        "§",
        "Aufenthalt",
        "Asyl",
        "Befreiung",
        "Mühlenweg",  # the address
        "+49",  # the guardians' phone numbers
        "Libanon",
    ):
        assert forbidden not in everything, forbidden
    allowed = {
        "pupil.given_names",
        "pupil.family_name",
        "pupil.birth_date",
        "pupil.birth_date_estimated",
        "case_id",
        "intake_date",
        "family.guardians",
        "counselling.counsellor",
        "languages.literacy",
    }
    assert {f for f in letter.fields if not f.startswith("recommendation.")} <= allowed


# --- how it prints -------------------------------------------------------------------------


@cache
def _rendered(lang: str) -> tuple[Letter, RenderedPdf]:
    """The longest letter (form named and explained, every support, full contact) in ``lang``."""
    intake = _intake("amal-haddad")
    rec = _recommendation(intake)
    letter = _letter(
        intake,
        rec,
        lang,
        address=["Düsseldorfer Straße 26", "40822 Mettmann"],
        phone="02104 99-0000",
        email="integration@example.org",
        hours="Mo–Do 9–12 Uhr",
    )
    return letter, RenderedPdf(render_letter(letter, created=CREATED).pdf)


def _column_range(column: Column) -> tuple[float, float]:
    return column.x * MM, (column.x + column.width) * MM


def _expected_words(letter: Letter, *, german: bool) -> list[str]:
    """The words of one column in the order the letter writes them."""
    german_column, family_column = columns(letter)
    column = german_column if german or family_column is None else family_column
    parts = [] if family_column is None else [column.language.native]
    for block in [*letter.meta, *letter.body]:
        text = block.german if german else str(block.family)
        parts.append(f"{block.number}. {text}" if block.number else text)
    heading = letter.contacts.heading
    parts.append(heading.german if german else str(heading.family))
    for german_label, family_label, value in letter.contacts.rows:
        parts.append(f"{german_label if german else family_label}: {value}")
    parts.extend(block.german if german else str(block.family) for block in letter.closing)
    left_column = column.x < 50
    if left_column:  # the sender line above and the signature below share the left side
        parts = [*letter.sender, *parts, *letter.signature]
    return words("\n".join(parts))


@pytest.mark.parametrize("lang", ["ar", "fa", "uk", "ti"])
def test_every_script_prints_and_reads_back_in_order(lang: str) -> None:
    letter, pdf = _rendered(lang)
    assert pdf.page_sizes == [pytest.approx(A4, abs=0.5)] * len(pdf.page_sizes)
    assert len(pdf.page_sizes) <= 2
    assert {g.text for run in pdf.runs for g in run.glyphs if g.tofu} == set()
    german_column, family_column = columns(letter)
    assert family_column is not None
    for column, is_german in ((german_column, True), (family_column, False)):
        left, right = _column_range(column)
        text = column_text(pdf.runs, left=left, right=right, rtl=column.language.rtl)
        assert words(text) == _expected_words(letter, german=is_german), column.language.code
    expected_font = {"ar": "NotoNaskhArabic", "fa": "NotoNaskhArabic", "ti": "NotoSansEthiopic"}
    assert expected_font.get(lang, "NotoSans") in pdf.embedded_fonts


@pytest.mark.parametrize("lang", ["ar", "fa"])
def test_right_to_left_lines_end_flush_right_and_start_ragged(lang: str) -> None:
    letter, pdf = _rendered(lang)
    _, family_column = columns(letter)
    assert family_column is not None and family_column.language.rtl
    left, right = _column_range(family_column)
    edges = line_edges(pdf.runs, left=left, right=right)
    allowed = [right, right - MARKER_WIDTH * MM, right - LABEL_WIDTH * MM]
    assert len(edges) > 40
    assert all(min(abs(r - a) for a in allowed) < 1.0 for _, _, _, r in edges)
    flush = [r for _, _, _, r in edges if abs(r - right) < 1.0]
    assert len(flush) > len(edges) * 0.6  # most lines end at the column's right edge
    assert len({round(x) for _, _, x, _ in edges}) > 10  # ... and start wherever they end


def test_left_to_right_lines_start_flush_left() -> None:
    letter, pdf = _rendered("uk")
    _, family_column = columns(letter)
    assert family_column is not None and not family_column.language.rtl
    left, right = _column_range(family_column)
    edges = line_edges(pdf.runs, left=left, right=right)
    starts = [left, left + MARKER_WIDTH * MM, left + LABEL_WIDTH * MM]
    assert all(min(abs(x - s) for s in starts) < 1.0 for _, _, x, _ in edges)


@pytest.mark.parametrize("lang", sorted(QUESTIONNAIRE_LANGUAGES - {"ar", "fa", "uk", "ti"}))
def test_the_longest_letter_fits_on_two_pages_in_every_language(lang: str) -> None:
    _, pdf = _rendered(lang)
    assert 1 <= len(pdf.page_sizes) <= 2
    assert not any(g.tofu for run in pdf.runs for g in run.glyphs)


def test_a_german_only_letter_uses_the_full_width() -> None:
    letter, pdf = _rendered("de")
    german, family = columns(letter)
    assert family is None and german.width > 170
    assert len(pdf.page_sizes) <= 2
    assert words(column_text(pdf.runs, left=0, right=A4[0], rtl=False)) == _expected_words(
        letter, german=True
    )


# --- the command ---------------------------------------------------------------------------


def _run(runner: CliRunner, *args: str) -> object:
    return runner.invoke(app, ["export", "family-letter", *args])


def test_the_letter_is_written_private_and_logged(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "brief.pdf"
    result = runner.invoke(
        app,
        ["export", "family-letter", str(INTAKES / "amal-haddad.yaml"), "-o", str(target)],
    )
    assert result.exit_code == 0, result.output
    assert "Deutsch und Arabisch, 2 Seiten A4" in result.stdout
    assert "noch nicht von einer muttersprachlichen Person geprüft" in result.stderr
    assert "Linien zum Ausfüllen" in result.stderr  # no contact configured
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes().startswith(b"%PDF-")
    [entry] = list(read_entries())
    assert entry.command == "export family-letter"
    assert entry.cases == ["ME-2025-0142"]
    assert entry.extra == {"language": "ar", "reviewed": False}
    assert "support_needs.health_note" not in entry.fields
    again = runner.invoke(
        app, ["export", "family-letter", str(INTAKES / "amal-haddad.yaml"), "-o", str(target)]
    )
    assert again.exit_code == 1
    assert "existiert bereits" in again.stderr


def test_json_output_and_explicit_language(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "yonas.pdf"
    result = runner.invoke(
        app,
        [
            "export",
            "family-letter",
            str(INTAKES / "yonas-tesfay.yaml"),
            "--lang",
            "ti",
            "-o",
            str(target),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["language"] == "ti" and data["reviewed"] is False
    assert data["case_id"] == "UN-2025-0074"
    assert data["pages"] in (1, 2)
    assert "recommendation.bk_ifk" in data["fields"]


def test_german_contact_language_gives_a_german_letter(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "export",
            "family-letter",
            str(INTAKES / "ioana-dumitru.yaml"),
            "-o",
            str(tmp_path / "b.pdf"),
            "-f",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["language"] == "de"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--lang", "xx", "-o", "b.pdf"], 2, "Für die Sprache 'xx' gibt es keinen Familienbrief"),
        (["-o", "b.docx"], 2, "muss auf .pdf enden"),
    ],
)
def test_usage_errors(
    runner: CliRunner, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    args = [a if not a.startswith("b.") else str(tmp_path / a) for a in args]
    result = runner.invoke(
        app, ["export", "family-letter", str(INTAKES / "amal-haddad.yaml"), *args]
    )
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert not list(tmp_path.iterdir())


def test_an_invalid_intake_gets_its_located_problem(runner: CliRunner, tmp_path: Path) -> None:
    bad = REPO / "examples" / "invalid" / "impossible-date.yaml"
    result = runner.invoke(
        app, ["export", "family-letter", str(bad), "-o", str(tmp_path / "b.pdf")]
    )
    assert result.exit_code == 1
    assert "impossible-date.yaml:19: pupil.birth_date:" in result.stderr
    assert "kein Brief geschrieben" in result.stderr
    assert "2013-02-30" in result.stderr  # the invalid value itself, not a child's real data


def test_a_case_id_from_the_register(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(
        app, ["export", "family-letter", "UN-2025-0074", "-o", str(tmp_path / "a.pdf")]
    )
    assert missing.exit_code == 1
    assert "es gibt noch kein Fallregister" in missing.stderr
    added = runner.invoke(app, ["case", "add", str(INTAKES / "yonas-tesfay.yaml")])
    assert added.exit_code == 0, added.output
    result = runner.invoke(
        app, ["export", "family-letter", "UN-2025-0074", "-o", str(tmp_path / "a.pdf")]
    )
    assert result.exit_code == 0, result.output
    assert "nur Deutsch" not in result.stdout and "(Deutsch, " in result.stdout
    from seiteneinsteiger.store import CaseStore

    with CaseStore.open() as store:
        actions = [entry.action for entry in store.audit_entries("UN-2025-0074")]
    assert "exportiert" in [str(action) for action in actions]
    unknown = runner.invoke(
        app, ["export", "family-letter", "UN-2025-9999", "-o", str(tmp_path / "c.pdf")]
    )
    assert unknown.exit_code == 1
    assert "UN-2025-9999" in unknown.stderr


def test_the_installation_sets_contacts_and_waiting_time(runner: CliRunner, tmp_path: Path) -> None:
    from seiteneinsteiger.export.letter.districts import installation_path

    config = installation_path()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "format: seiteneinsteiger/family-letter-districts@1\n"
        "default:\n"
        "  contact: {phone: '02104 99-1234', email: ki@example.org}\n"
        "districts:\n"
        "  kreis-mettmann:\n"
        "    waiting_weeks: {low: 3, high: 6}\n"
        "    waiting_source: Erfahrung des KI 2025\n",
        encoding="utf-8",
    )
    info = district_info("kreis-mettmann")
    assert info.contact.phone == "02104 99-1234"
    assert info.contact.name == "Kreisintegrationszentrum Kreis Mettmann"  # bundled
    assert (info.waiting.low, info.waiting.high) == (3, 6)
    assert district_info("kreis-unna").waiting.high == 4  # NRW default
    intake = _intake("amal-haddad")
    letter = build_letter(
        intake,
        _recommendation(intake),
        load_texts(),
        load_texts().language("de"),
        info,
        created=CREATED,
    )
    assert "Das dauert meistens 3 bis 6 Wochen." in _german(letter)
    assert ("Telefon", "Telefon", "02104 99-1234") in letter.contacts.rows
    result = runner.invoke(
        app,
        [
            "export",
            "family-letter",
            str(INTAKES / "amal-haddad.yaml"),
            "-o",
            str(tmp_path / "b.pdf"),
        ],
    )
    assert result.exit_code == 0
    assert "Linien zum Ausfüllen" not in result.stderr
    config.write_text(
        "format: seiteneinsteiger/family-letter-districts@1\n"
        "default:\n"
        "  waiting_weeks: {low: 6, high: 2}\n",
        encoding="utf-8",
    )
    broken = runner.invoke(
        app,
        [
            "export",
            "family-letter",
            str(INTAKES / "amal-haddad.yaml"),
            "-o",
            str(tmp_path / "c.pdf"),
        ],
    )
    assert broken.exit_code == 1
    assert f"{config}:3: default.waiting_weeks:" in broken.stderr


def test_a_name_in_a_script_without_a_font_is_refused_without_showing_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = (INTAKES / "amal-haddad.yaml").read_text(encoding="utf-8")
    path = tmp_path / "chen.yaml"
    path.write_text(source.replace("given_names: Amal", "given_names: 美玲"), encoding="utf-8")
    result = runner.invoke(
        app, ["export", "family-letter", str(path), "-o", str(tmp_path / "b.pdf")]
    )
    assert result.exit_code == 1
    assert "pupil.given_names: enthält Zeichen einer Schrift" in result.stderr
    assert "美" not in result.output
    assert not (tmp_path / "b.pdf").exists()
