"""One school search for one case, whatever the directory and the capacity come from.

``schools propose`` (a preview from files) and ``case propose`` (the register's directory and
capacity, places held for other cases subtracted) both rank through :func:`rank_case`: the
district whose schools are searched is chosen here, the ranking is :func:`propose.propose`.
"""

from __future__ import annotations

import datetime as dt

from seiteneinsteiger.codes import suggest
from seiteneinsteiger.errors import UsageError
from seiteneinsteiger.models.intake import Intake
from seiteneinsteiger.rules.result import Result
from seiteneinsteiger.schools.capacity import CapacityTable
from seiteneinsteiger.schools.directory import Directory
from seiteneinsteiger.schools.districts import SchoolDistrict
from seiteneinsteiger.schools.geo import Gazetteer
from seiteneinsteiger.schools.propose import ProposalOptions, ProposalResult, propose


def find_district(district_id: str, known: dict[str, SchoolDistrict]) -> SchoolDistrict:
    """The school district ``district_id``; an unknown one is a usage error with a suggestion."""
    found = known.get(district_id)
    if found is None:
        near = suggest(district_id, list(known))
        raise UsageError(
            f"Kreis '{district_id}' ist unbekannt"
            + (f"; meinten Sie '{near}'?" if near else "")
            + " Bekannt: "
            + ", ".join(sorted(known)),
            hint="Eine eigene Kreiszuordnung mit --districts DATEI angeben.",
        )
    return found


def rank_case(
    intake: Intake,
    recommendation: Result,
    directory: Directory,
    capacity: CapacityTable,
    day: dt.date,
    *,
    districts: dict[str, SchoolDistrict],
    district_id: str | None = None,
    gazetteer: Gazetteer | None = None,
    options: ProposalOptions | None = None,
) -> ProposalResult:
    """Rank the schools for one case in its district: ``district_id`` when given, else the
    intake's district, else the district of the rule set that made the recommendation."""
    area = find_district(district_id or intake.district or recommendation.ruleset.id, districts)
    return propose(
        intake,
        recommendation,
        directory,
        capacity,
        day,
        district=area,
        gazetteer=gazetteer,
        options=options,
    )
