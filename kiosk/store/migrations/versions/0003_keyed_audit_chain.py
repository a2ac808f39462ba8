"""The audit log becomes a keyed chain with a head checkpoint, and rows that cannot be changed; flag
codes and messages and patients' chart numbers become encrypted columns, chart numbers found by a
keyed blind index (patients.chart_key).

Flags' code and message turn into binary columns; their existing clear values are encrypted by the
application on first start-up after this migration (kiosk.store.at_rest.encrypt_clear_values), since
the migration has no key. intakes.packet_pdf was binary already and is encrypted the same way.

Adds the audit_head table and the triggers that refuse UPDATE and DELETE on audit_log (and deleting
or rewinding the head). Updates to audit_log stay possible only while audit_head is empty, so that the
application can re-chain the existing log under the new audit key once, on first start-up after this
migration (kiosk.store.audit.ensure_keyed_chain; the migration itself never sees a key).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_UP = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       WHEN EXISTS (SELECT 1 FROM audit_head)
       BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be changed'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit log entries cannot be deleted'); END""",
    """CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
       BEGIN SELECT RAISE(ABORT, 'the audit head cannot be deleted'); END""",
    """CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
       WHEN NEW.last_seq <= OLD.last_seq OR NEW.id <> OLD.id
       BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END""",
]
_SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_head_forward_only",
    "DROP TRIGGER IF EXISTS audit_head_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_update",
]
_POSTGRES_UP = [
    """CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NOT EXISTS (SELECT 1 FROM audit_head) THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'audit log entries cannot be changed or deleted';
       END $$""",
    """CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_seq > OLD.last_seq THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'the audit head cannot be deleted and only moves forward';
       END $$""",
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()""",
    """CREATE TRIGGER audit_head_no_rewind BEFORE UPDATE OR DELETE ON audit_head
       FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()""",
    """CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
       FOR EACH STATEMENT EXECUTE FUNCTION audit_head_forward_only()""",
]
_POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS audit_head_no_truncate ON audit_head",
    "DROP TRIGGER IF EXISTS audit_head_no_rewind ON audit_head",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "DROP FUNCTION IF EXISTS audit_head_forward_only()",
    "DROP FUNCTION IF EXISTS audit_log_refuse_change()",
]


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_UP if postgres else _SQLITE_UP:
        op.execute(statement)
    with op.batch_alter_table("patients") as batch_op:
        batch_op.add_column(sa.Column("chart_key", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_patients_chart_number", type_="unique")
        batch_op.alter_column(
            "chart_number",
            existing_type=sa.String(length=64),
            type_=sa.LargeBinary(),
            existing_nullable=True,
            postgresql_using="convert_to(chart_number, 'UTF8')",
        )
        batch_op.create_unique_constraint("uq_patients_chart_key", ["chart_key"])
    with op.batch_alter_table("flags") as batch_op:
        for column, old in (("code", sa.String(length=64)), ("message", sa.Text())):
            batch_op.alter_column(
                column,
                existing_type=old,
                type_=sa.LargeBinary(),
                existing_nullable=False,
                postgresql_using=f"convert_to({column}, 'UTF8')",
            )


def downgrade() -> None:
    # Going back below 0003 needs the values in clear again, which only the application (with the key)
    # can do; this only restores the column types, for an empty or test database.
    with op.batch_alter_table("flags") as batch_op:
        for column, new in (("code", sa.String(length=64)), ("message", sa.Text())):
            batch_op.alter_column(
                column,
                existing_type=sa.LargeBinary(),
                type_=new,
                existing_nullable=False,
                postgresql_using=f"convert_from({column}, 'UTF8')",
            )
    with op.batch_alter_table("patients") as batch_op:
        batch_op.drop_constraint("uq_patients_chart_key", type_="unique")
        batch_op.alter_column(
            "chart_number",
            existing_type=sa.LargeBinary(),
            type_=sa.String(length=64),
            existing_nullable=True,
            postgresql_using="convert_from(chart_number, 'UTF8')",
        )
        batch_op.create_unique_constraint("uq_patients_chart_number", ["chart_number"])
        batch_op.drop_column("chart_key")
    statements = _POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else _SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_table("audit_head")
