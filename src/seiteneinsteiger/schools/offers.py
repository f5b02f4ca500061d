"""The offers a Schulamt reports places for, and which schools can have them.

The codes are the stable values of the capacity table; the labels are what people read. The
forms follow BASS 13-63 Nr. 3 (Erstförderung in a regular class or in a separate group; literacy
groups since the change of 06.12.2023) and the Internationale Förderklasse of the Berufskolleg.
"""

from __future__ import annotations

from enum import StrEnum

from seiteneinsteiger.codes import SchoolForm


class Offer(StrEnum):
    regelklasse_erstfoerderung = "regelklasse_erstfoerderung"
    erstfoerderungsgruppe = "erstfoerderungsgruppe"
    erstalphabetisierung = "erstalphabetisierung"
    ifk = "ifk"


OFFER_LABELS: dict[Offer, str] = {
    Offer.regelklasse_erstfoerderung: "Regelklasse mit Erstförderung",
    Offer.erstfoerderungsgruppe: "Erstförderungsgruppe",
    Offer.erstalphabetisierung: "Erstalphabetisierung",
    Offer.ifk: "Internationale Förderklasse (IFK)",
}

_GENERAL = frozenset(
    {
        SchoolForm.grundschule,
        SchoolForm.hauptschule,
        SchoolForm.realschule,
        SchoolForm.sekundarschule,
        SchoolForm.gesamtschule,
        SchoolForm.gymnasium,
        SchoolForm.primus,
        SchoolForm.foerderschule,
    }
)

#: The school forms at which an offer can exist.
OFFER_FORMS: dict[Offer, frozenset[SchoolForm]] = {
    Offer.regelklasse_erstfoerderung: _GENERAL,
    Offer.erstfoerderungsgruppe: _GENERAL,
    Offer.erstalphabetisierung: _GENERAL | {SchoolForm.berufskolleg},
    Offer.ifk: frozenset({SchoolForm.berufskolleg}),
}


def offer_label(offer: Offer) -> str:
    return OFFER_LABELS[offer]


_BY_TEXT: dict[str, Offer] = (
    {offer.value: offer for offer in Offer}
    | {label.casefold(): offer for offer, label in OFFER_LABELS.items()}
    | {"internationale förderklasse": Offer.ifk}
)


def parse_offer(text: str) -> Offer | None:
    """An offer from its code or its German label, ignoring case and spaces."""
    return _BY_TEXT.get(" ".join(text.split()).casefold())
