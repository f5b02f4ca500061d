"""School places (issue 8): the school directory, the Schulamt's capacity reports, reservations.

- ``directory_imports``: when and from which file the Ministry's directory was imported, with
  its licence attribution;
- ``schools``: the imported directory (schools and school administrations), ``listed`` while the
  latest import has the school;
- ``capacity``: the capacity reports with their history (``active``, ``replaced_by``);
- ``reservations``: the place a proposal holds for a case, until it is released or the school
  confirmed the admission.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "directory_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("imported_at", sa.Text, nullable=False),
        sa.Column("imported_by", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("sha256", sa.Text, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("schools", sa.Integer, nullable=False),
        sa.Column("authorities", sa.Integer, nullable=False),
        sa.Column("left_out", sa.Integer, nullable=False),
        sa.Column("attribution", sa.Text, nullable=False),
    )
    op.create_table(
        "schools",
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
        sa.Column("authority", sa.Boolean, nullable=False),
        sa.Column("listed", sa.Boolean, nullable=False),
        sa.Column("import_id", sa.Integer, sa.ForeignKey("directory_imports.id"), nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
    )
    op.create_index("schools_by_gemeinde", "schools", ["gemeindeschluessel"])
    op.create_table(
        "capacity",
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
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("replaced_at", sa.Text),
        sa.Column("replaced_by", sa.Integer, sa.ForeignKey("capacity.id")),
    )
    op.create_index("capacity_by_school", "capacity", ["active", "schulnummer", "offer"])
    op.create_table(
        "reservations",
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
        sa.Column("since", sa.Date, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("confirmed_on", sa.Date),
        sa.Column("ended_on", sa.Date),
        sa.Column("ended_at", sa.Text),
        sa.Column("ended_by", sa.Text),
        sa.Column("end_reason", sa.Text),
    )
    op.create_index("reservations_by_case", "reservations", ["case_id", "status"])
    op.create_index("reservations_by_capacity", "reservations", ["capacity_id", "status"])


def downgrade() -> None:
    for table in ("reservations", "capacity", "schools", "directory_imports"):
        op.drop_table(table)
