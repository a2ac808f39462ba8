"""A signature drawn once per visit and adopted on later consents: when it was adopted (null when drawn on the
consent itself). Each consent record still keeps its own strokes, image, text and hash.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 06:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("consent_records") as batch_op:
        batch_op.add_column(sa.Column("signature_adopted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consent_records") as batch_op:
        batch_op.drop_column("signature_adopted_at")
