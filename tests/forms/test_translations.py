"""Regression tests for the translation review of issue 12 (each fix a concrete string)."""

from __future__ import annotations

import pytest

from seiteneinsteiger.forms.check import load_form
from seiteneinsteiger.forms.model import pick

FORM = load_form()
TRANSLATIONS = [code for code in FORM.languages if code != "de"]


def choice(list_name: str, code: str) -> dict[str, str]:
    return dict(next(c.label for c in FORM.lists[list_name] if c.code == code))


def hint(question: str) -> dict[str, str]:
    return dict(FORM.by_name[question].hint)


def test_only_german_is_reviewed() -> None:
    assert [e.code for e in FORM.file.settings.languages if e.reviewed] == ["de"]


def test_foerderschule_is_no_private_school() -> None:
    labels = choice("school_forms", "foerderschule")
    for language in TRANSLATIONS:
        assert labels[language].startswith("Förderschule"), language
    assert "مدرسة خاصة" not in labels["ar"]
    assert "مدرسة تربية خاصة للأطفال ذوي الاحتياجات التعليمية الخاصة" in labels["ar"]
    assert "قوتابخانەی تایبەت" not in labels["ckb"]
    assert "dibistana taybet" not in labels["kmr"]
    assert "dugsi gaar ah" not in labels["so"]
    assert "özel okul" not in labels["tr"]


def test_divers_is_explained_not_translated_word_for_word() -> None:
    labels = choice("genders", "d")
    assert labels["de"] == "divers"
    for language in TRANSLATIONS:
        assert labels[language].startswith("divers ("), language
    assert "متنوع" not in labels["ar"]
    assert labels["ar"] == "divers (خيار ثالث في القانون الألماني: لا أنثى ولا ذكر)"
    assert labels["ro"] == "divers (a treia opțiune în dreptul german: nici feminin, nici masculin)"


def test_jugendamt_keeps_its_german_name_with_an_explanation() -> None:
    labels = choice("relations", "youth_office")
    for language in TRANSLATIONS:
        assert labels[language].startswith("Jugendamt ("), language
        assert "youth office" not in labels[language].casefold()
    assert labels["ar"] == "Jugendamt (مكتب رعاية الأطفال والشباب التابع للمدينة)"


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fa", "اگر فرزند شما تابعیت دوم ندارد، این خانه را خالی بگذارید."),
        ("ar", "إذا لم تكن لطفلكم جنسية ثانية، فاتركوا هذه الخانة فارغة."),
        ("ru", "Если у вашего ребёнка нет второго гражданства, оставьте это поле пустым."),
        ("uk", "Якщо у вашої дитини немає другого громадянства, залиште це поле порожнім."),
        ("ckb", "ئەگەر منداڵەکەتان ڕەگەزنامەی دووەمی نییە، ئەم خانەیە بە بەتاڵی جێبهێڵن."),
        ("ro", "Dacă copilul dumneavoastră nu are o a doua cetățenie, lăsați acest câmp gol."),
        ("bg", "Ако детето ви няма второ гражданство, оставете това поле празно."),
    ],
)
def test_leave_empty_hints_are_whole_sentences(language: str, sentence: str) -> None:
    assert hint("nationality_2")[language] == sentence


def test_no_leave_empty_fragments_left() -> None:
    fragments = {
        "de": "Leer lassen",
        "ar": "إذا لم يكن ذلك",
        "uk": "якщо ні.",
        "ru": "если нет.",
        "fa": "اگر نه،",
        "ckb": "ئەگەر نا،",
        "ro": "dacă nu.",
        "bg": "ако няма.",
        "prs": "خالی بمانید",
    }
    for question in FORM.questions:
        if question.counsellor_only:
            continue
        for language, fragment in fragments.items():
            assert fragment not in pick(question.hint, language), (question.name, language)


def test_school_leaving_certificates_fit_eleven_year_systems() -> None:
    upper = choice("certificate_kinds", "upper_secondary")
    assert upper["uk"].startswith("атестат про повну загальну середню освіту (після 11 класу")
    assert upper["ru"].startswith("аттестат о среднем общем образовании (после 11 класса")
    lower = choice("certificate_kinds", "lower_secondary")
    assert "після 9 класу" in lower["uk"] and "после 9 класса" in lower["ru"]
    school = choice("school_types", "upper_secondary")
    assert "10–11" in school["uk"] and "10–11" in school["ru"]


def test_turkish_title_is_not_about_primary_school() -> None:
    assert "İlk okul" not in FORM.title("tr")
    assert FORM.title("tr") == "Okul konusunda ilk danışmanlık görüşmesi için kayıt formu"


def test_municipality_is_a_town_not_a_town_hall() -> None:
    label = dict(FORM.by_name["municipality"].label)
    assert "общин" not in label["ru"] and label["ru"].startswith("В каком городе")
    assert "شهرداری" not in label["fa"]
    assert "şaredar" not in label["kmr"]
    assert "شارەوانی" not in label["ckb"]


def test_dates_name_the_gregorian_calendar_where_another_is_common() -> None:
    for key in ("birth_date", "arrival_date", "consent_date", "german_school_since"):
        assert "(میلادي)" in hint(key)["ps"], key
        assert "(میلادی)" in hint(key)["fa"] and "(میلادی)" in hint(key)["prs"], key
    assert "(میلادي)" in FORM.text("date", "ps")
    message = dict(FORM.by_name["birth_date"].constraint_message)
    assert message["ps"].startswith("دا نېټه ممکنه نه ده.")


def test_privately_renting_families_have_an_answer() -> None:
    municipality = choice("residences", "municipality")
    assert municipality["de"] == (
        "in der Stadt oder Gemeinde: in einer eigenen oder gemieteten Wohnung, bei Verwandten "
        "oder Bekannten oder in einer Unterkunft der Stadt"
    )
    assert "орендованому" in municipality["uk"] and "مستأجرة" in municipality["ar"]
    for language in TRANSLATIONS:
        assert municipality[language] != municipality["de"], language


def test_gymnasium_is_not_a_lyceum() -> None:
    labels = choice("school_forms", "gymnasium")
    assert labels["de"] == "Gymnasium (ab Klasse 5 bis zum Abitur)"
    for language in TRANSLATIONS:
        assert labels[language].startswith("Gymnasium"), language
        assert "5" in labels[language], language
    assert "lycée" not in labels["fr"] and "liceum" not in labels["pl"]
