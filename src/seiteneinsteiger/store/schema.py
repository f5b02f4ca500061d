"""The register's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL.

This is the schema of the newest migration (``HEAD_REVISION``); the migrations in
``migrations/versions`` build it step by step, and a test compares the two on both backends. How
to add a table: docs/internal/register.md.

Dates are SQL dates; timestamps are ISO-8601 text with the UTC offset
(``2025-11-23T10:04:11+01:00``), as in every register since the first release. The intake is
JSON (``jsonb`` on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

#: The Alembic revisions this program knows, oldest first; the last is its schema. A test checks
#: them against the scripts in migrations/versions.
REVISIONS = ("0001", "0002", "0003")
HEAD_REVISION = REVISIONS[-1]
#: SQLite registers made by the first release (``PRAGMA user_version`` 1, no Alembic history).
LEGACY_USER_VERSION = 1
#: ``user_version`` of registers in the Alembic history: the first release refuses them with its
#: own message ("stammt von einer neueren Version") instead of misreading them.
ALEMBIC_USER_VERSION = 2

metadata = sa.MetaData()


class Json(sa.types.TypeDecorator[Any]):
    """JSON, stored as ``jsonb`` on PostgreSQL. Unlike ``with_variant`` this does not import
    SQLAlchemy's PostgreSQL dialect (25 ms) in a program that only uses the SQLite file."""

    impl = sa.JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


cases = sa.Table(
    "cases",
    metadata,
    sa.Column("case_id", sa.Text, primary_key=True),
    sa.Column("district", sa.Text),
    sa.Column("intake_date", sa.Date, nullable=False),  # the counselling
    sa.Column("birth_date", sa.Date, nullable=False),  # the pupil's: finds an intake added twice
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("updated_at", sa.Text, nullable=False),
    sa.Column("status", sa.Text, nullable=False),  # the status of the latest status event
    sa.Column("intake", Json(), nullable=False),  # the validated intake@1
    sa.Column("source", sa.Text),  # the file the intake was read from
    sa.Index("cases_by_status", "status", "district"),
    sa.Index("cases_by_birth_date", "birth_date"),
)

status_events = sa.Table(
    "status_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "case_id",
        sa.Text,
        sa.ForeignKey("cases.case_id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("at", sa.Date, nullable=False),  # the day the status took effect
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("note", sa.Text),  # short, optional
    sa.Column("recorded_at", sa.Text, nullable=False),
    sa.Column("actor", sa.Text),  # OS user who recorded it (NULL before revision 0002)
    sa.Column("school_number", sa.Text),  # Schulnummer of the NRW Schuldatei, six digits
    sa.Index("status_events_by_case", "case_id", "id"),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("os_user", sa.Text, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("case_id", sa.Text),  # never a field value
    sa.Column("detail", sa.Text),  # counts and filters only ("12 Fälle, mit Namen")
)

case_id_counters = sa.Table(
    "case_id_counters",
    metadata,
    sa.Column("prefix", sa.Text, primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last", sa.Integer, nullable=False),
)

#: Small facts about the register itself, e.g. ``scrub_pending`` (deleted content not yet
#: overwritten on disk; finished at the next open).
register_meta = sa.Table(
    "register_meta",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

#: The school directory of the Ministry as last imported (``schools import``), one row per school
#: (and per school administration, ``authority``). Public data, licence dl-de/by-2-0. A school
#: that a later import no longer lists stays while capacity rows point at it (``listed`` false).
directory_imports = sa.Table(
    "directory_imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("imported_at", sa.Text, nullable=False),
    sa.Column("imported_by", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),  # the file as named on the command line
    sa.Column("sha256", sa.Text, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),  # data rows of the file
    sa.Column("schools", sa.Integer, nullable=False),
    sa.Column("authorities", sa.Integer, nullable=False),
    sa.Column("left_out", sa.Integer, nullable=False),  # rows with errors, not imported
    sa.Column("attribution", sa.Text, nullable=False),
)

schools = sa.Table(
    "schools",
    metadata,
    sa.Column("schulnummer", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("short_name", sa.Text, nullable=False),
    sa.Column("form_key", sa.Text, nullable=False),
    sa.Column("street", sa.Text, nullable=False),
    sa.Column("postcode", sa.Text, nullable=False),
    sa.Column("town", sa.Text, nullable=False),
    sa.Column("gemeindeschluessel", sa.Text, nullable=False),
    sa.Column("private", sa.Boolean, nullable=False),
    sa.Column("betrieb_key", sa.Text, nullable=False),
    sa.Column("betrieb_date", sa.Date),
    sa.Column("easting", sa.Integer),
    sa.Column("northing", sa.Integer),
    sa.Column("phone", sa.Text),
    sa.Column("email", sa.Text),
    sa.Column("homepage", sa.Text),
    sa.Column("traegernummer", sa.Text),
    sa.Column("bezirksregierung", sa.Text),
    sa.Column("authority", sa.Boolean, nullable=False),  # Schulform 0A: an address, no school
    sa.Column("listed", sa.Boolean, nullable=False),  # in the latest import
    sa.Column("import_id", sa.Integer, sa.ForeignKey("directory_imports.id"), nullable=False),
    sa.Column("line", sa.Integer, nullable=False),  # line in the imported file
    sa.Index("schools_by_gemeinde", "gemeindeschluessel"),
)

#: The Schulamt's capacity reports. A new report replaces (``active`` false, ``replaced_by``)
#: the active rows of the same school and offer whose classes and validity overlap it; the
#: history stays. ``reserved`` is what the Schulamt reports as held for children outside the
#: register; the register's own reservations are counted on top (docs/cli/schools.md).
capacity = sa.Table(
    "capacity",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("schulnummer", sa.Text, sa.ForeignKey("schools.schulnummer"), nullable=False),
    sa.Column("offer", sa.Text, nullable=False),
    sa.Column("grade_from", sa.Integer),
    sa.Column("grade_to", sa.Integer),
    sa.Column("total", sa.Integer, nullable=False),
    sa.Column("taken", sa.Integer, nullable=False),
    sa.Column("reserved", sa.Integer, nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date),
    sa.Column("reported_by", sa.Text, nullable=False),
    sa.Column("reported_on", sa.Date, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("source", sa.Text, nullable=False),  # "kapazitaet.csv:4", "schools capacity set"
    sa.Column("recorded_at", sa.Text, nullable=False),
    sa.Column("recorded_by", sa.Text, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("replaced_at", sa.Text),
    sa.Column("replaced_by", sa.Integer, sa.ForeignKey("capacity.id")),
    sa.Index("capacity_by_school", "active", "schulnummer", "offer"),
)

#: A place held for a case at a school: ``aktiv`` from the proposal, ``belegt`` once the school
#: confirmed the admission, ``freigegeben`` when the case was refused, withdrawn or closed. It
#: counts against its capacity row while ``aktiv`` or ``belegt``; a newer report takes over the
#: active ones and those admitted after its date (store/places.py).
reservations = sa.Table(
    "reservations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "case_id",
        sa.Text,
        sa.ForeignKey("cases.case_id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("capacity_id", sa.Integer, sa.ForeignKey("capacity.id"), nullable=False),
    sa.Column("schulnummer", sa.Text, nullable=False),
    sa.Column("offer", sa.Text, nullable=False),
    sa.Column("grade", sa.Integer),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("since", sa.Date, nullable=False),  # the day of the proposal
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("confirmed_on", sa.Date),  # the day the school confirmed the admission
    sa.Column("ended_on", sa.Date),
    sa.Column("ended_at", sa.Text),
    sa.Column("ended_by", sa.Text),
    sa.Column("end_reason", sa.Text),  # the status that released the place
    sa.Index("reservations_by_case", "case_id", "status"),
    sa.Index("reservations_by_capacity", "capacity_id", "status"),
)

TABLES = (
    "cases",
    "status_events",
    "audit",
    "case_id_counters",
    "register_meta",
    "directory_imports",
    "schools",
    "capacity",
    "reservations",
)
