"""What each audit action code means, in the words the audit view shows ("viewed patient chart").

The log stores the short codes (they are part of each entry's hash and never change); people read these
labels. A test finds every code the kiosk writes and fails if one has no label here.
"""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "addendum.create": "signed an addendum to a packet",
    "addendum.export": "saved an addendum",
    "appointment.add": "added an appointment",
    "appointment.cancel": "cancelled an appointment",
    "appointment.move": "moved an appointment",
    "arrival.resolve": "handled an unmatched check-in",
    "audit.rechain": "re-sealed the audit log under a new key",
    "backup.create": "made a backup",
    "backup.restore": "restored a backup",
    "backup.start": "started a backup",
    "chart.print": "printed patient chart",
    "chart.save": "saved patient chart as a picture",
    "consent.decline": "patient did not agree to a consent",
    "consent.question": "patient asked a question about a consent",
    "fhir.export": "exported records (FHIR)",
    "flag.acknowledge": "acknowledged an urgent flag",
    "flag.acknowledge_undone": "undid an acknowledgement",
    "flag.clear_hold": "cleared a hold before dosing",
    "flag.clear_hold_undone": "undid a hold clearance",
    "history.generate": "generated a patient history",
    "intake.correct": "started a correction of an intake",
    "intake.review": "marked an intake reviewed",
    "intake.submit": "patient submitted the check-in",
    "intake.view": "viewed intake review",
    "key.export": "exported the data key",
    "packet.consent_copy": "made a consent-only copy",
    "packet.create": "signed the intake packet",
    "packet.export": "saved the intake packet",
    "packet.print": "printed the intake packet",
    "patient.trend_view": "viewed patient chart",
    "schedule.import": "imported appointments",
    "schedule.view": "viewed the schedule",
    "session.open": "opened a dosing session",
    "session.reading": "recorded vital signs in a dosing session",
    "session.rems_form": "made the REMS Patient Monitoring Form",
    "session.rems_submitted": "noted the REMS form filed",
    "session.list": "listed dosing sessions",
    "session.value": "recorded a dosing session value",
    "session.view": "viewed a dosing session",
    "settings.change": "changed the settings",
    "staff.create": "added a staff account",
    "staff.disable": "disabled a staff account",
    "staff.enable": "enabled a staff account",
    "staff.locked": "account locked after wrong passwords",
    "staff.password_reset": "reset a password",
    "staff.pin_failed": "wrong PIN on the tablet",
    "staff.pin_pad_locked": "tablet PIN pad locked",
    "staff.pin_refused": "PIN refused on the tablet",
    "staff.pin_set": "set a tablet PIN",
    "staff.pin_unlock": "opened the console from the tablet",
    "staff.sign_in": "signed in",
    "staff.sign_in_failed": "failed sign-in",
    "staff.sign_in_refused": "sign-in refused",
    "staff.sign_out": "signed out",
}


def action_label(action: str) -> str:
    """The words for an action code; an unknown code (from a newer version) is shown as it is."""
    return ACTION_LABELS.get(action, action)
