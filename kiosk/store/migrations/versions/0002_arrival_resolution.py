"""Let the front desk mark an unmatched or ambiguous arrival as handled, and index the audit log
by patient and intake (the "who looked at this record" views).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 06:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("arrivals") as batch_op:
        batch_op.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_arrivals_resolved_at"), ["resolved_at"], unique=False)
    op.create_index(op.f("ix_audit_log_patient_id"), "audit_log", ["patient_id"], unique=False)
    op.create_index(op.f("ix_audit_log_intake_id"), "audit_log", ["intake_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_audit_log_intake_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_patient_id"), table_name="audit_log")
    with op.batch_alter_table("arrivals") as batch_op:
        batch_op.drop_index(batch_op.f("ix_arrivals_resolved_at"))
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("resolved_at")
