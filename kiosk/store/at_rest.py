"""Encrypt, once, the values that databases from before revision 0003 hold in clear.

Migration 0003 turned flags.code and flags.message into encrypted columns and intakes.packet_pdf
became one too, but a migration never holds the key. So the first start-up with the key reads those
columns raw (past the encrypting column type), encrypts every value that is not already a valid
token for its column, and records that it did in store_meta.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from kiosk.store.crypto import DecryptionError, FieldCipher
from kiosk.store.models import StoreMeta, chart_index

MARKER = "clear_values_encrypted_at"
# (table, column): the column types in kiosk.store.models use "table.column" as their context.
ENCRYPTED_COLUMNS = (
    ("intakes", "packet_pdf"),
    ("flags", "code"),
    ("flags", "message"),
    ("patients", "chart_number"),
)


def encrypt_clear_values(db: Session, cipher: FieldCipher, *, at: str) -> int:
    """Encrypt what is still in clear; return how many values were encrypted (0 when already done)."""
    if db.get(StoreMeta, MARKER) is not None:
        return 0
    changed = 0
    for table, column in ENCRYPTED_COLUMNS:
        context = f"{table}.{column}"
        rows = db.execute(text(f"SELECT id, {column} FROM {table} WHERE {column} IS NOT NULL")).all()
        for row_id, raw in rows:
            value = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
            try:
                cipher.decrypt(value, context=context)
                continue
            except DecryptionError:
                pass
            db.execute(
                text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                {"value": cipher.encrypt(value, context=context), "id": row_id},
            )
            if (table, column) == ("patients", "chart_number"):
                db.execute(
                    text("UPDATE patients SET chart_key = :key WHERE id = :id"),
                    {"key": chart_index(cipher, value.decode("utf-8")), "id": row_id},
                )
            changed += 1
    db.add(StoreMeta(name=MARKER, value=at))
    db.flush()
    return changed
