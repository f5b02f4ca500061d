"""Country and language codes are checked against pycountry's lists, read from its data files
without importing pycountry (that alone costs about 130 ms per command, see codes.py)."""

from __future__ import annotations

import gettext
import json
import struct
import subprocess
import sys
from pathlib import Path

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


def test_german_names_are_looked_up_as_gettext_reads_the_catalogs() -> None:
    from seiteneinsteiger.codes import _german

    for domain in ("iso639-3", "iso3166-1", "iso3166-2", "iso15924"):
        german = gettext.translation(domain, pycountry.LOCALES_DIR, languages=["de"])
        fast = _german(domain)
        names = [key for key in german._catalog if isinstance(key, str)]  # type: ignore[attr-defined]
        assert len(names) > 100
        for name in [*names, "Klingonisch", "arabic", "Arabic "]:
            assert fast.gettext(name) == german.gettext(name), (domain, name)


def test_a_catalog_without_hash_table_is_left_to_gettext(tmp_path: Path) -> None:
    from seiteneinsteiger.codes import _MoCatalog

    header = b"Content-Type: text/plain; charset=UTF-8\n"
    entries = [(b"", header), (b"Arabic", b"Arabisch")]
    start = 28 + 16 * len(entries)
    tables, texts = b"", b""
    for index in (0, 1):
        for original, translation in entries:
            text = (original, translation)[index]
            tables += struct.pack("<2I", len(text), start + len(texts))
            texts += text + b"\0"
    data = struct.pack("<7I", 0x950412DE, 0, 2, 28, 28 + 8 * len(entries), 0, 0) + tables + texts
    (tmp_path / "x.mo").write_bytes(data)
    assert _MoCatalog.read(tmp_path / "x.mo") is None
    with (tmp_path / "x.mo").open("rb") as file:
        assert gettext.GNUTranslations(file).gettext("Arabic") == "Arabisch"  # a valid file
