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
REVISIONS = ("0001", "0002")
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

TABLES = ("cases", "status_events", "audit", "case_id_counters", "register_meta")
