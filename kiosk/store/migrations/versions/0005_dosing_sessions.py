"""Dosing sessions: the staff record of each dosing visit (one per submitted intake), its values and its
vital-signs readings (both encrypted like answers), and the REMS Patient Monitoring Form's due and filed dates.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 06:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dosing_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.String(length=64), nullable=False),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("session_date", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=64), nullable=False),
        sa.Column("dose_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rems_due", sa.Date(), nullable=True),
        sa.Column("rems_submitted_on", sa.Date(), nullable=True),
        sa.Column("rems_submitted_by", sa.String(length=64), nullable=True),
        sa.Column("rems_confirmation", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], name=op.f("fk_dosing_sessions_intake_id_intakes")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_dosing_sessions_patient_id_patients")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dosing_sessions")),
        sa.UniqueConstraint("intake_id", name=op.f("uq_dosing_sessions_intake_id")),
    )
    op.create_index(op.f("ix_dosing_sessions_patient_id"), "dosing_sessions", ["patient_id"], unique=False)
    op.create_index(op.f("ix_dosing_sessions_session_date"), "dosing_sessions", ["session_date"], unique=False)
    op.create_table(
        "session_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("value_enc", sa.LargeBinary(), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entered_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["dosing_sessions.id"],
            name=op.f("fk_session_values_session_id_dosing_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_values")),
        sa.UniqueConstraint("session_id", "item_id", name=op.f("uq_session_values_session_id_item_id")),
    )
    op.create_table(
        "session_readings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("moment", sa.String(length=32), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.String(length=64), nullable=False),
        sa.Column("values_enc", sa.LargeBinary(), nullable=False),
        sa.Column("proceed_reason", sa.LargeBinary(), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "moment IN ('before_dosing', 'forty_minutes', 'before_discharge', 'extra')",
            name=op.f("ck_session_readings_moment_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["dosing_sessions.id"],
            name=op.f("fk_session_readings_session_id_dosing_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_readings")),
    )
    op.create_index("ix_session_readings_session_id", "session_readings", ["session_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_session_readings_session_id", table_name="session_readings")
    op.drop_table("session_readings")
    op.drop_table("session_values")
    op.drop_index(op.f("ix_dosing_sessions_session_date"), table_name="dosing_sessions")
    op.drop_index(op.f("ix_dosing_sessions_patient_id"), table_name="dosing_sessions")
    op.drop_table("dosing_sessions")
