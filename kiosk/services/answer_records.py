"""The patient's stored answers, decrypted in one place: one answer, one intake's answers by form and item,
or many intakes' answers at once (the board, trends and the chart read hundreds)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.scoring import AnswerData
from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import chunks
from kiosk.store.models import Answer

ANSWER_CONTEXT = "answers.value"
"""The cipher context of answers.value_enc."""

AnswersByForm = dict[str, dict[str, AnswerData]]


def decrypt_answer(cipher: FieldCipher, value_enc: bytes) -> AnswerData:
    value: AnswerData = cipher.decrypt_json(value_enc, context=ANSWER_CONTEXT)
    return value


def encrypt_answer(cipher: FieldCipher, value: AnswerData) -> bytes:
    return cipher.encrypt_json(value, context=ANSWER_CONTEXT)


def answers_by_form(cipher: FieldCipher, rows: Iterable[Answer]) -> AnswersByForm:
    """Answer rows already read, decrypted by form and item."""
    result: AnswersByForm = {}
    for row in rows:
        result.setdefault(row.form_id, {})[row.item_id] = decrypt_answer(cipher, row.value_enc)
    return result


def intake_answers(cipher: FieldCipher, db: Session, intake_id: int) -> AnswersByForm:
    """One intake's answers, decrypted, by form and item."""
    return answers_by_form(cipher, db.scalars(select(Answer).where(Answer.intake_id == intake_id)))


def answers_of_intakes(
    cipher: FieldCipher, db: Session, intake_ids: Sequence[int], form_ids: Sequence[str]
) -> dict[int, AnswersByForm]:
    """Decrypted answers by intake, form and item, for the named forms only."""
    result: dict[int, AnswersByForm] = {}
    for part in chunks(sorted(set(intake_ids))):
        rows = db.execute(
            select(Answer.intake_id, Answer.form_id, Answer.item_id, Answer.value_enc).where(
                Answer.intake_id.in_(part), Answer.form_id.in_(list(form_ids))
            )
        )
        for row in rows:
            value = decrypt_answer(cipher, row.value_enc)
            result.setdefault(row.intake_id, {}).setdefault(row.form_id, {})[row.item_id] = value
    return result
