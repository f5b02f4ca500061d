"""Country and language codes are checked against pycountry's lists, read from its data files
without importing pycountry (that alone costs about 130 ms per command, see codes.py)."""

from __future__ import annotations

import gettext
import json
import subprocess
import sys

import pycountry

from seiteneinsteiger.codes import (
    COUNTRY_LABELS,
    EXTRA_COUNTRIES,
    LANGUAGE_LABELS,
    check_country,
    check_language,
    country_alpha3,
    country_name,
    language_name,
)


def test_every_iso_country_is_accepted_and_named_as_pycountry_names_it() -> None:
    german = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["de"])
    for country in pycountry.countries:
        assert check_country(country.alpha_2) is None
        assert country_alpha3(country.alpha_2) == country.alpha_3
        assert check_country(country.alpha_3) is not None  # the two-letter code is asked for
        if country.alpha_2 not in COUNTRY_LABELS:
            name = getattr(country, "common_name", None) or country.name
            assert country_name(country.alpha_2) == german.gettext(name)
    assert check_country("sy") is not None  # upper case only
    assert country_alpha3("XK") is None and check_country("XK") is None
    assert country_name("XX") == EXTRA_COUNTRIES["XX"]


def test_every_iso_language_is_accepted_with_its_shortest_code() -> None:
    german = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["de"])
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if alpha_2:
            assert check_language(alpha_2) is None
            assert f"gilt der kürzere Code '{alpha_2}'" in str(check_language(language.alpha_3))
        else:
            assert check_language(language.alpha_3) is None
        code = alpha_2 or language.alpha_3
        if code not in LANGUAGE_LABELS:
            expected = german.gettext(language.name).split(";")[0]
            assert language_name(code) == expected.replace(" (Makrosprache)", "").strip()
    assert check_language("AR") is not None  # lower case only


def test_a_valid_code_is_checked_without_importing_pycountry() -> None:
    probe = (
        "import json, sys\n"
        "from seiteneinsteiger.codes import check_country, check_language, language_name\n"
        "assert check_country('SY') is None and check_language('prs') is None\n"
        "language_name('ti')\n"
        "print(json.dumps('pycountry' in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) is False
