"""The admin's view of the audit log: filtered pages of entries, and whether the hash chain is intact.

Entries name records by id and never hold health information, so listing them is not itself audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from kiosk.domain.audit_actions import action_label
from kiosk.services.backend import Backend
from kiosk.services.checkin import local_day_bounds
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit, verify_audit_chain
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import AuditEntry, Patient

MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class AuditRecord:
    entry_id: int
    at: dt.datetime
    actor: str
    action: str
    patient_id: int | None
    intake_id: int | None
    detail: str
    patient_name: str | None = None
    action_label: str = ""


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of entries, newest first, and how many match the filter in all."""

    entries: tuple[AuditRecord, ...]
    total: int
    offset: int


@dataclass(frozen=True, slots=True)
class AuditStatus:
    intact: bool
    entries_checked: int
    first_bad: AuditRecord | None
    message: str


def _record(entry: AuditEntry, names: dict[int, str] | None = None) -> AuditRecord:
    return AuditRecord(
        patient_name=(names or {}).get(entry.patient_id) if entry.patient_id is not None else None,
        action_label=action_label(entry.action),
        entry_id=entry.id,
        at=entry.at.astimezone(),
        actor=entry.actor,
        action=entry.action,
        patient_id=entry.patient_id,
        intake_id=entry.intake_id,
        detail=entry.detail,
    )


def audit_entries(
    backend: Backend,
    staff: StaffIdentity,
    *,
    actor: str | None = None,
    patient_id: int | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> AuditPage:
    """Entries matching every filter given (local days, both ends included), newest first."""
    require(staff, Permission.VIEW_AUDIT)
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE}, not {limit}")
    if offset < 0:
        raise ValueError(f"offset must not be negative, not {offset}")

    conditions: list[ColumnElement[bool]] = []
    if actor:
        conditions.append(AuditEntry.actor == actor)
    if patient_id is not None:
        conditions.append(AuditEntry.patient_id == patient_id)
    if day_from is not None:
        conditions.append(AuditEntry.at >= local_day_bounds(day_from)[0])
    if day_to is not None:
        conditions.append(AuditEntry.at < local_day_bounds(day_to)[1])
    with read_only_unit_of_work(backend.db_factory) as db:
        total = db.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0
        rows = list(
            db.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
        )
        names = _patient_names(backend, db, {row.patient_id for row in rows if row.patient_id is not None})
        return AuditPage(entries=tuple(_record(row, names) for row in rows), total=int(total), offset=offset)


def _patient_names(backend: Backend, session: Session, patient_ids: set[int]) -> dict[int, str]:
    """The names of the patients a page of entries is about (the log keeps only their ids)."""
    if not patient_ids:
        return {}
    cipher = backend.cipher
    return {
        patient.id: " ".join(
            (
                cipher.decrypt_text(patient.first_name_enc, context="patients.first_name"),
                cipher.decrypt_text(patient.last_name_enc, context="patients.last_name"),
            )
        )
        for patient in session.scalars(select(Patient).where(Patient.id.in_(sorted(patient_ids))))
    }


def audit_status(backend: Backend) -> AuditStatus:
    """Recompute the whole hash chain and say, in words, whether it is intact or where it breaks (no
    patient data: `kiosk audit verify` runs it without a sign-in)."""
    with read_only_unit_of_work(backend.db_factory) as db:
        report = verify_audit_chain(db)
        bad = db.get(AuditEntry, report.first_bad_id) if report.first_bad_id is not None else None
        first_bad = _record(bad) if bad is not None else None
    if report.intact:
        return AuditStatus(
            True, report.entries_checked, None, f"Audit log intact: {report.entries_checked} entries checked."
        )
    if first_bad is None:
        return AuditStatus(
            False,
            report.entries_checked,
            None,
            f"Audit log BROKEN: {report.problem}. The {report.entries_checked} entries before that point are "
            "intact. Keep a copy of the database and tell the clinic's privacy officer.",
        )
    where = f"entry {report.first_bad_id} ({first_bad.at:%Y-%m-%d %H:%M:%S}, {first_bad.actor}, {first_bad.action})"
    return AuditStatus(
        False,
        report.entries_checked,
        first_bad,
        f"Audit log BROKEN at {where}: it, or the entry before it, was altered or removed after it was written. "
        f"The {report.entries_checked} entries before it are intact. Keep a copy of the database and tell the "
        "clinic's privacy officer.",
    )


EXPORT_ACTIONS = frozenset({"chart.save", "chart.print", "packet.print", "staff.sign_out"})


def record_staff_action(
    backend: Backend, staff: StaffIdentity, action: str, *, patient_id: int | None = None, detail: str = ""
) -> None:
    """Audit something staff did in the console that no other service records (saving or printing a
    chart, signing out). `detail` must hold no health information: say where, not what."""
    if action not in EXPORT_ACTIONS:
        raise ValueError(f"{action!r} is not an action the console records this way")
    with unit_of_work(backend.db_factory) as db:
        append_audit(db, at=backend.now(), actor=staff.username, action=action, patient_id=patient_id, detail=detail)
