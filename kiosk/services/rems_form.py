"""The REMS Patient Monitoring Form of a Spravato session: every field CLINICAL.md lists, from the session record,
the patient's record and the clinic's settings; rendered, signed like a packet, and audited.

The form is made only from a complete record: a missing value or reading is named, so nothing is filed with a
gap the REMS would ask about.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from kiosk.documents.rems_form import RemsField, RemsFormData, RemsSection, render_rems_form
from kiosk.documents.signing import SignatureDetails, sign_pdf
from kiosk.domain.dosing import ReadingMoment
from kiosk.domain.forms import Form, pick
from kiosk.domain.scoring import AnswerData
from kiosk.services.backend import Backend
from kiosk.services.dosing import DosingError, SessionView, session_view
from kiosk.services.packet_content import local_time
from kiosk.services.packets import clinic_signer
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work

REMS_READINGS = (ReadingMoment.BEFORE_DOSING, ReadingMoment.FORTY_MINUTES, ReadingMoment.BEFORE_DISCHARGE)
SIGNATURE_REASON = "REMS Patient Monitoring Form signed by the clinic"
NOTE = (
    "Serious adverse events are reported to the REMS separately. This form was made by the clinic's intake kiosk "
    "from the session record; the clinic files it within 7 calendar days of the session, online or by fax."
)


def _yes_no(value: AnswerData | None) -> str:
    return {"yes": "Yes", "no": "No"}.get(str(value), "")


def _choice(form: Form, item_id: str, value: AnswerData | None) -> str:
    option = form.item(item_id).option(str(value))
    return pick(option.label, "en") if option is not None else ""


def _dose(view: SessionView) -> str:
    dose = view.values.get("dose")
    if dose == "other":
        return f"Other: {view.values.get('dose_other_mg')} mg"
    return {"56mg": "56 mg", "84mg": "84 mg"}.get(str(dose), "")


def _pressure(view: SessionView, moment: ReadingMoment) -> str:
    reading = view.reading(moment)
    pressure = reading.blood_pressure if reading is not None else None
    return f"{pressure} mmHg" if pressure is not None else ""


def missing_for_rems(backend: Backend, view: SessionView) -> tuple[str, ...]:
    """What the session still lacks before its REMS form can be made, in words."""
    form = backend.forms.get(view.form_id)
    missing = [pick(form.item(item_id).text, "en").lower() for item_id in view.still_to_record]
    missing += [f"the reading {moment.label}" for moment in REMS_READINGS if view.reading(moment) is None]
    return tuple(missing)


def rems_form_data(backend: Backend, view: SessionView) -> RemsFormData:
    """The form's fields in words; the caller has checked that nothing is missing."""
    form = backend.forms.get(view.form_id)
    values = view.values
    settings = backend.settings
    f = RemsField
    sections = [
        RemsSection(
            "Patient",
            (
                f("patient_first_name", "First name", view.first_name),
                f("patient_middle_initial", "Middle initial", str(values.get("patient_middle_initial", ""))),
                f("patient_last_name", "Last name", view.last_name),
                f("patient_date_of_birth", "Date of birth", f"{view.date_of_birth:%m/%d/%Y}"),
                f("patient_sex", "Sex", _choice(form, "patient_sex", values.get("patient_sex"))),
                f("first_treatment", "First treatment", _yes_no(values.get("first_treatment"))),
                f("rems_enrolled", "Enrolled in the REMS", _yes_no(values.get("rems_enrolled"))),
            ),
        ),
        RemsSection(
            "Concomitant medicines",
            (
                f("med_benzodiazepines", "Benzodiazepines", _yes_no(values.get("med_benzodiazepines"))),
                f(
                    "med_sedative_hypnotics",
                    "Non-benzodiazepine sedative-hypnotics",
                    _yes_no(values.get("med_sedative_hypnotics")),
                ),
                f("med_psychostimulants", "Psychostimulants", _yes_no(values.get("med_psychostimulants"))),
                f("med_maois", "Monoamine oxidase inhibitors (MAOIs)", _yes_no(values.get("med_maois"))),
                f("med_opioids", "Opioids", _yes_no(values.get("med_opioids"))),
            ),
        ),
        RemsSection(
            "Monitoring provider and healthcare setting",
            (
                f("provider_name", "Monitoring provider", str(values.get("provider_name", ""))),
                f("provider_phone", "Provider phone", str(values.get("provider_phone", ""))),
                f("provider_email", "Provider email", str(values.get("provider_email", ""))),
                f("setting_name", "Healthcare setting", settings.clinic_name),
                f("setting_address", "Setting address", settings.clinic_address),
            ),
        ),
        RemsSection(
            "Treatment",
            (
                f("treatment_date", "Treatment date", f"{view.session_date:%m/%d/%Y}"),
                f("dose", "Dose", _dose(view)),
                f("lot_number", "Lot number", str(values.get("lot_number", ""))),
                f(
                    "total_monitoring_minutes",
                    "Total minutes, first device to end of monitoring",
                    str(view.monitoring_minutes),
                ),
                *(
                    (f("short_monitoring_reason", "Reason monitoring was shorter", view.reasons["discharge_time"]),)
                    if "discharge_time" in view.reasons
                    else ()
                ),
                f(
                    "ready_to_leave_minutes",
                    "Minutes until ready to leave (without the 2-hour rule)",
                    str(values.get("ready_to_leave_minutes", "")),
                ),
            ),
        ),
        RemsSection(
            "Vital signs",
            (
                f(
                    "vitals_acceptable_before",
                    "Vital signs acceptable before dosing",
                    _yes_no(values.get("vitals_ok_before")),
                ),
                f(
                    "vitals_acceptable_end",
                    "Vital signs acceptable before the end of the session",
                    _yes_no(values.get("vitals_ok_end")),
                ),
                f("bp_before_dosing", "Blood pressure before dosing", _pressure(view, ReadingMoment.BEFORE_DOSING)),
                f(
                    "bp_40_minutes",
                    "Blood pressure about 40 minutes after",
                    _pressure(view, ReadingMoment.FORTY_MINUTES),
                ),
                f(
                    "bp_end",
                    "Blood pressure before the end of the session",
                    _pressure(view, ReadingMoment.BEFORE_DISCHARGE),
                ),
            ),
        ),
        RemsSection(
            "During the session",
            (
                f("sedation", "Sedation", _yes_no(values.get("sedation"))),
                f("dissociation", "Dissociation", _yes_no(values.get("dissociation"))),
                f("respiratory_depression", "Respiratory depression", _yes_no(values.get("respiratory_depression"))),
            ),
        ),
    ]
    return RemsFormData(
        clinic_name=settings.clinic_name,
        session_reference=f"session {view.id} of {view.session_date:%m/%d/%Y}",
        sections=tuple(sections),
        note=NOTE,
    )


def make_rems_form(backend: Backend, staff: StaffIdentity, session_id: int) -> bytes:
    """The signed REMS Patient Monitoring Form of a complete Spravato session.

    Raises DosingError naming what is missing, or when the session is not a REMS one.
    """
    require(staff, Permission.RECORD_DOSING)
    view = session_view(backend, staff, session_id)
    if not view.rems:
        try:
            label = backend.settings.visit_type(view.visit_type).label.get("en", view.visit_type)
        except KeyError:
            label = view.visit_type
        raise DosingError(f"Session {session_id} ({label}) has no REMS form: only Spravato sessions are reported.")
    missing = missing_for_rems(backend, view)
    if missing:
        raise DosingError(f"The REMS form of session {session_id} still needs: {', '.join(missing)}.")
    unsigned = render_rems_form(rems_form_data(backend, view))
    now = backend.now()
    signed = sign_pdf(
        unsigned,
        clinic_signer(backend),
        when=local_time(now),
        details=SignatureDetails(reason=SIGNATURE_REASON, location=backend.settings.clinic_name),
    )
    with unit_of_work(backend.db_factory) as db:
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="session.rems_form",
            patient_id=view.patient_id,
            intake_id=view.intake_id,
            detail=f"session {session_id}: REMS form, {len(signed)} bytes, sha256 {hashlib.sha256(signed).hexdigest()}",
        )
    return signed


def save_rems_form(backend: Backend, staff: StaffIdentity, session_id: int, path: Path) -> Path:
    """Make the signed form and write it to `path` as a private file (0600: it names the patient)."""
    from kiosk.store.files import write_private

    write_private(path, make_rems_form(backend, staff, session_id))
    return path


def rems_due_words(view: SessionView, today: dt.date) -> str:
    """ "due 03/15/2026", "overdue since 03/15/2026" or "submitted on 03/12/2026 by nurse-kim (REMS-123)"."""
    if view.rems_due is None:
        return "no REMS form"
    if view.rems_submitted_on is not None:
        return (
            f"submitted on {view.rems_submitted_on:%m/%d/%Y} by {view.rems_submitted_by} "
            f"(confirmation {view.rems_confirmation})"
        )
    if view.rems_overdue(today):
        return f"overdue since {view.rems_due:%m/%d/%Y}"
    return f"due {view.rems_due:%m/%d/%Y}"
