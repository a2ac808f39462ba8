"""The packet's fixed wording in English and Spanish, and how dates and times are written.

A Spanish intake gets a Spanish packet. Dates are written with the month as a word ("Mar 5,
1980" / "5 mar 1980") so that nobody reading a printed record confuses day and month, and
times carry their UTC offset because a signed record must say unambiguously when it happened.
Formatting is done here, not with the system locale, so output is the same on every machine.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kiosk.documents.packet_data import PacketLanguage

_LABELS: dict[str, tuple[str, str]] = {
    # key: (English, Spanish)
    "packet_title": ("Intake packet", "Paquete de admisión"),
    "consent_copy_title": ("Intake packet: consent copy", "Paquete de admisión: copia de consentimientos"),
    "no_consents_this_visit": (
        "No consent was signed at this visit: those on file were still valid.",
        "No se firmó ningún consentimiento en esta visita: los que constan en el expediente seguían vigentes.",
    ),
    "clinical_withheld_heading": ("Clinical pages withheld", "Páginas clínicas omitidas"),
    "clinical_withheld": (
        "This copy holds only the signed consents. Scores, answers, flags and the pre-session checklist are in "
        "the clinical packet, which only a clinician can print.",
        "Esta copia contiene solo los consentimientos firmados. Las puntuaciones, respuestas, alertas y la lista "
        "de verificación previa a la sesión están en el paquete clínico, que solo un clínico puede imprimir.",
    ),
    "phone": ("Phone", "Teléfono"),
    "patient": ("Patient", "Paciente"),
    "date_of_birth": ("Date of birth", "Fecha de nacimiento"),
    "dob_short": ("DOB", "F. nac."),
    "visit": ("Visit", "Visita"),
    "appointment": ("Appointment", "Cita"),
    "submitted": ("Submitted", "Enviado"),
    "not_submitted": ("Not submitted", "No enviado"),
    "reference": ("Reference", "Referencia"),
    "urgent_heading": (
        "URGENT: a clinician must review before anything else",
        "URGENTE: un clínico debe revisar esto antes que nada",
    ),
    "holds_heading": (
        "HOLD: see staff before dosing",
        "EN ESPERA: hablar con el personal antes de la dosis",
    ),
    "info_heading": ("For the clinician's attention", "Para la atención del clínico"),
    "no_flags": (
        "The kiosk raised no flags or holds for this visit.",
        "El quiosco no registró alertas ni esperas en esta visita.",
    ),
    "raised_at": ("raised", "registrada"),
    "scores_heading": ("Questionnaire scores", "Puntuaciones de los cuestionarios"),
    "questionnaire": ("Questionnaire", "Cuestionario"),
    "total": ("Total", "Total"),
    "band": ("Band", "Nivel"),
    "change_first": ("Change since first session", "Cambio desde la primera sesión"),
    "change_last": ("Change since last session", "Cambio desde la última sesión"),
    "incomplete": ("incomplete", "incompleto"),
    "no_earlier": ("no earlier score", "sin puntuación previa"),
    "no_scores": ("No questionnaires were completed at this visit.", "No se completaron cuestionarios en esta visita."),
    "contents_heading": ("In this packet", "En este paquete"),
    "consent": ("Consent", "Consentimiento"),
    "consents": ("Signed consents", "Consentimientos firmados"),
    "questionnaires": ("Questionnaires", "Cuestionarios"),
    "checklist": ("Pre-session checklist", "Lista de verificación previa a la sesión"),
    "version": ("Version", "Versión"),
    "language": ("Language", "Idioma"),
    "text_sha256": ("SHA-256 of the text shown", "SHA-256 del texto mostrado"),
    "reading_started": ("Reading started", "Comenzó a leer"),
    "signed_at": ("Signed", "Firmado"),
    "typed_name": ("Name typed by the signer", "Nombre escrito por quien firma"),
    "signature": ("Signature", "Firma"),
    "signature_adopted": ("Signature adopted", "Firma adoptada"),
    "signature_adopted_note": (
        "The signer tapped “Sign with my signature” at {time} to sign with the signature they drew on an earlier "
        "consent of this visit.",
        "Quien firma tocó “Firmar con mi firma” a las {time} para firmar con la firma que dibujó en un "
        "consentimiento anterior de esta visita.",
    ),
    "no_signature": ("No signature image was recorded.", "No se registró la imagen de la firma."),
    "consent_statement": (
        "The person named below read the text above on the kiosk and signed it electronically.",
        "La persona nombrada abajo leyó el texto anterior en el quiosco y lo firmó electrónicamente.",
    ),
    "item_number": ("#", "N.º"),
    "question": ("Question", "Pregunta"),
    "answer": ("Answer", "Respuesta"),
    "score": ("Score", "Puntos"),
    "not_answered": ("Not answered", "Sin respuesta"),
    "total_of": ("Total: {total} of {maximum}", "Total: {total} de {maximum}"),
    "total_plain": ("Total: {total}", "Total: {total}"),
    "total_incomplete": (
        "Total: incomplete, {count} scored item(s) not answered; no total is given",
        "Total: incompleto, {count} pregunta(s) puntuada(s) sin respuesta; no se da un total",
    ),
    "follow_up": ("Follow-up", "Seguimiento"),
    "hold_marker": ("HOLD", "ESPERA"),
    "hold_column": ("Hold", "Espera"),
    "page_of": ("Page {page} of {total}", "Página {page} de {total}"),
    "generated": ("Generated {when}", "Generado {when}"),
    "metadata_subject": (
        "Signed consents, questionnaire answers and pre-session checklist",
        "Consentimientos firmados, respuestas a cuestionarios y lista previa a la sesión",
    ),
    "stamp_signed_by": ("Digitally signed by", "Firmado digitalmente por"),
    "stamp_check": (
        "Any PDF reader can show whether this file changed after signing.",
        "Cualquier lector de PDF puede mostrar si el archivo cambió después de firmarse.",
    ),
}

_MONTHS: dict[PacketLanguage, tuple[str, ...]] = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"),
}


def label(key: str, language: PacketLanguage, **values: object) -> str:
    """The fixed label ``key`` in ``language``, with ``{placeholders}`` filled from ``values``."""
    english, spanish = _LABELS[key]
    text = spanish if language == "es" else english
    return text.format(**values) if values else text


def format_date(value: date, language: PacketLanguage) -> str:
    """A calendar date with the month as a word: "Mar 5, 1980" or "5 mar 1980"."""
    month = _MONTHS[language][value.month - 1]
    if language == "es":
        return f"{value.day} {month} {value.year}"
    return f"{month} {value.day}, {value.year}"


def format_offset(value: datetime) -> str:
    """The UTC offset as "UTC-05:00", with an ASCII sign so the text can be searched and copied as typed."""
    offset = value.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def format_time(value: datetime, language: PacketLanguage, *, seconds: bool = False) -> str:
    """Clock time: "2:05 PM" in English, "14:05" in Spanish; with seconds for signing records."""
    if language == "es":
        return value.strftime("%H:%M:%S" if seconds else "%H:%M")
    hour = value.hour % 12 or 12
    suffix = "AM" if value.hour < 12 else "PM"
    clock = f"{hour}:{value.minute:02d}:{value.second:02d}" if seconds else f"{hour}:{value.minute:02d}"
    return f"{clock} {suffix}"


def format_datetime(value: datetime, language: PacketLanguage, *, seconds: bool = False) -> str:
    """Date, time and UTC offset: "Mar 5, 2026, 2:05 PM (UTC-05:00)"."""
    day = format_date(value.date(), language)
    return f"{day}, {format_time(value, language, seconds=seconds)} ({format_offset(value)})"


def format_change(change: int | None, language: PacketLanguage) -> str:
    """A score change with its sign ("+3", "-5", "0"), or words when there is nothing to compare."""
    if change is None:
        return label("no_earlier", language)
    return f"{change:+d}" if change else "0"
