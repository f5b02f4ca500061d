"""The register of the first release (SQLite ``user_version`` 1), for both backends.

Existing SQLite registers of that release already have these tables: they are stamped at this
revision, never run through it (store/migrate.py).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.Text, primary_key=True),
        sa.Column("district", sa.Text),
        sa.Column("intake_date", sa.Date, nullable=False),
        sa.Column("birth_date", sa.Date, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("intake", Json, nullable=False),
        sa.Column("source", sa.Text),
    )
    op.create_table(
        "status_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "case_id",
            sa.Text,
            sa.ForeignKey("cases.case_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.Date, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("recorded_at", sa.Text, nullable=False),
    )
    op.create_index("status_events_by_case", "status_events", ["case_id", "id"])
    op.create_index("cases_by_status", "cases", ["status", "district"])
    op.create_index("cases_by_birth_date", "cases", ["birth_date"])
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("os_user", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("case_id", sa.Text),
    )
    op.create_table(
        "case_id_counters",
        sa.Column("prefix", sa.Text, primary_key=True),
        sa.Column("year", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    for table in ("case_id_counters", "audit", "status_events", "cases"):
        op.drop_table(table)
