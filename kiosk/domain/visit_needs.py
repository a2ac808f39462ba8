"""Which tasks a visit needs: consents due, questionnaires, the pre-session checklist, in that order.

Consents come first because a patient agrees to treatment before answering anything about it, and among them
the consent to electronic records and signatures comes first of all: every other consent is signed on the
screen, which that consent is what allows (whatever order a clinic's settings list them in); then the
questionnaires (the crisis message, if needed, follows the PHQ-9 before any checklist question); the
checklist last, since it is about today's session and the staff act on its holds just before dosing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.forms import FormKind, Version
from kiosk.domain.library import FormLibrary
from kiosk.settings import Settings, VisitType

ESIGN_CONSENT = "esign_consent"
"""The consent to electronic records and signatures: due before any consent that takes an electronic signature."""


def consent_order(form_ids: Iterable[str]) -> list[str]:
    """The consents in the order the patient signs them: the electronic-signature consent first, then the rest
    in the order given."""
    ordered = list(dict.fromkeys(form_ids))
    return sorted(ordered, key=lambda form_id: form_id != ESIGN_CONSENT)


def consents_ready_to_sign(due: Iterable[str], signed: Iterable[str]) -> list[str]:
    """The due consents the patient may sign now: while the electronic-signature consent is due and unsigned, only
    it (nothing else may be signed on the screen before it); after that every unsigned one, in order."""
    signed_ids = set(signed)
    unsigned = [form_id for form_id in consent_order(due) if form_id not in signed_ids]
    if ESIGN_CONSENT in unsigned:
        return [ESIGN_CONSENT]
    return unsigned


class ConsentReason(StrEnum):
    NEVER_SIGNED = "never_signed"
    NEW_VERSION = "new_version"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class SignedConsent:
    """A consent the patient signed before: which form, which version, when."""

    form_id: str
    version: Version
    signed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class VisitTask:
    form_id: str
    kind: FormKind
    reason: ConsentReason | None = None


def tasks_for_visit(
    visit_type: VisitType,
    library: FormLibrary,
    history: Iterable[SignedConsent],
    now: dt.datetime,
) -> tuple[VisitTask, ...]:
    """The forms this visit needs, in the order the patient meets them."""
    latest: dict[str, SignedConsent] = {}
    for signed in history:
        current = latest.get(signed.form_id)
        if current is None or signed.signed_at > current.signed_at:
            latest[signed.form_id] = signed
    tasks: list[VisitTask] = []
    for form_id in consent_order(visit_type.consents):
        reason = consent_reason(library.get(form_id).version, latest.get(form_id), visit_type.consent_valid_days, now)
        if reason is not None:
            tasks.append(VisitTask(form_id, FormKind.CONSENT, reason))
    tasks.extend(VisitTask(form_id, FormKind.QUESTIONNAIRE) for form_id in visit_type.questionnaires)
    if visit_type.checklist:
        tasks.append(VisitTask(visit_type.checklist, FormKind.CHECKLIST))
    return tuple(tasks)


def consent_reason(
    current: Version, signed: SignedConsent | None, valid_days: int, now: dt.datetime
) -> ConsentReason | None:
    """Why a consent must be signed today, or None when the patient's signature still holds."""
    if signed is None:
        return ConsentReason.NEVER_SIGNED
    if signed.version.major < current.major:
        return ConsentReason.NEW_VERSION
    if now - signed.signed_at > dt.timedelta(days=valid_days):
        return ConsentReason.EXPIRED
    return None


def check_visit_types(settings: Settings, library: FormLibrary) -> list[str]:
    """Problems where the settings name a form that is missing or of the wrong kind."""
    problems: list[str] = []
    for visit_type in settings.visit_types:
        wanted = [
            *((form_id, FormKind.CONSENT) for form_id in visit_type.consents),
            *((form_id, FormKind.QUESTIONNAIRE) for form_id in visit_type.questionnaires),
            *([(visit_type.checklist, FormKind.CHECKLIST)] if visit_type.checklist else []),
        ]
        for form_id, kind in wanted:
            if form_id not in library:
                problems.append(
                    f"visit type {visit_type.id!r} names form {form_id!r}, which is not in {library.directory}"
                )
            elif library.get(form_id).kind is not kind:
                actual = library.get(form_id).kind.value
                problems.append(
                    f"visit type {visit_type.id!r} lists {form_id!r} as a {kind.value}, but it is a {actual}"
                )
    return problems
