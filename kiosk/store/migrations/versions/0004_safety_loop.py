"""The staff safety loop: what an acknowledgement or a hold clearance said (outcome and note, encrypted),
signed addenda to packets (encrypted like the packet), and each account's last sign-in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 04:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("flags") as batch_op:
        batch_op.add_column(sa.Column("acknowledged_outcome", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_note", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.add_column(sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "addenda",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intake_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("packet_sha256", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "action IN ('acknowledge', 'acknowledge_undone', 'clear_hold', 'clear_hold_undone', 'review')",
            name=op.f("ck_addenda_action_allowed"),
        ),
        sa.ForeignKeyConstraint(["intake_id"], ["intakes.id"], name=op.f("fk_addenda_intake_id_intakes")),
        sa.ForeignKeyConstraint(["flag_id"], ["flags.id"], name=op.f("fk_addenda_flag_id_flags")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_addenda")),
    )
    op.create_index(op.f("ix_addenda_intake_id"), "addenda", ["intake_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_addenda_intake_id"), table_name="addenda")
    op.drop_table("addenda")
    with op.batch_alter_table("staff_users") as batch_op:
        batch_op.drop_column("last_signed_in_at")
    with op.batch_alter_table("flags") as batch_op:
        batch_op.drop_column("acknowledged_note")
        batch_op.drop_column("acknowledged_outcome")
