"""Field types shared by the models: ISO dates, country and language codes, strict booleans."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, StrictBool, StringConstraints
from pydantic_core import PydanticCustomError

from seiteneinsteiger.codes import check_country, check_language
from seiteneinsteiger.dates import ISO_DATE, german_as_iso
from seiteneinsteiger.errors import brief


def _iso_date(value: Any) -> Any:
    """Accept a ``date`` or an ISO ``YYYY-MM-DD`` string, nothing else.

    pydantic would otherwise read an integer such as ``20130211`` as a Unix timestamp.
    """
    if isinstance(value, str):  # what a file holds: checked first
        text = value.strip()
        if ISO_DATE.match(text):
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                raise PydanticCustomError(
                    "iso_date",
                    "'{value}' ist kein gültiges Datum (diesen Tag gibt es nicht)",
                    {"value": brief(value)},
                ) from None
        iso = german_as_iso(value)
        if iso is not None:  # files keep ISO dates; the command line also takes TT.MM.JJJJ
            raise PydanticCustomError(
                "iso_date",
                "Datum im Format JJJJ-MM-TT erwartet: '{value}' bitte als {iso} schreiben",
                {"value": text, "iso": iso},
            )
    elif isinstance(value, dt.datetime):
        raise PydanticCustomError("iso_date", "Datum ohne Uhrzeit erwartet (JJJJ-MM-TT)")
    elif isinstance(value, dt.date):
        return value
    raise PydanticCustomError(
        "iso_date", "Datum im Format JJJJ-MM-TT erwartet, nicht '{value}'", {"value": brief(value)}
    )


def _country(value: str) -> str:
    message = check_country(value)
    if message:
        raise PydanticCustomError("country_code", message.replace("{", "{{").replace("}", "}}"))
    return value


def _language(value: str) -> str:
    message = check_language(value)
    if message:
        raise PydanticCustomError("language_code", message.replace("{", "{{").replace("}", "}}"))
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
CountryCode = Annotated[str, AfterValidator(_country)]
LanguageCode = Annotated[str, AfterValidator(_language)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Flag = StrictBool
