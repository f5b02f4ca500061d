"""Who recorded a status and for which school; audit details; facts about the register.

- ``status_events.actor``: the OS user who recorded the status (unknown for older events);
- ``status_events.school_number``: the Schulnummer (six digits) a status refers to, e.g. a
  proposal to a school (prepared for the allocation tracking of issue 8);
- ``audit.detail``: counts and filters of an action on many cases (never a field value);
- ``register_meta``: e.g. ``scrub_pending`` while deleted content still waits to be overwritten.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_events") as batch:
        batch.add_column(sa.Column("actor", sa.Text))
        batch.add_column(sa.Column("school_number", sa.Text))
    with op.batch_alter_table("audit") as batch:
        batch.add_column(sa.Column("detail", sa.Text))
    op.create_table(
        "register_meta",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("register_meta")
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("detail")
    with op.batch_alter_table("status_events") as batch:
        batch.drop_column("school_number")
        batch.drop_column("actor")
