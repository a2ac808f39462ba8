"""The intake review: everything a clinician reads before dosing, on one scrolling page, read-only.

Scores with their bands and the change since the first and the last session, every answer as the
patient saw it, each signed consent with its version, text hash, typed name and the signature itself,
and the checklist with its holds. Nothing here edits a submitted intake; the only change it makes is
"Mark reviewed". Opening it is audited by the service. The packet's print and save are
kiosk.ui.staff.packet_output.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.acknowledgements import acknowledged_marker, cleared_marker
from kiosk.domain.statuses import FlagLevel, IntakeStatus
from kiosk.services.fhir_export import export_intake
from kiosk.services.flag_answers import acknowledge_urgent, clear_hold, mark_reviewed_signed
from kiosk.services.intake import FlagView
from kiosk.services.intake_review import ConsentReview, IntakeReview, QuestionnaireReview, intake_review
from kiosk.services.permissions import Permission, allows
from kiosk.ui.staff.acknowledge_dialog import AcknowledgeDialog
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import (
    StatusLine,
    button_row,
    clock_time,
    date_and_time,
    grid_table,
    push_button,
    show_refusal,
    signed_change,
    text_label,
    us_date,
)
from kiosk.ui.staff.packet_output import PacketOutput
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

CONTENT_WIDTH = 1180
SIGNATURE_WIDTH = 420
LANGUAGES = {"en": "English", "es": "Spanish (Español)"}
PACKET_STATUSES = (IntakeStatus.SUBMITTED, IntakeStatus.REVIEWED)


# ------------------------------------------------------------------------------------------ wording


def status_text(review: IntakeReview) -> str:
    if review.status is IntakeStatus.DRAFT:
        return f"Draft: the patient is still checking in (started {clock_time(review.started_at)})."
    submitted = date_and_time(review.submitted_at) if review.submitted_at else "earlier"
    if review.status is IntakeStatus.REVIEWED:
        when = date_and_time(review.reviewed_at) if review.reviewed_at else "earlier"
        return f"Submitted {submitted}; reviewed by {review.name_of(review.reviewed_by)} at {when}."
    return f"Submitted {submitted}; not reviewed yet."


def flag_text(
    flag: FlagView, name_of: Callable[[str | None], str] = lambda username: username or ""
) -> tuple[str, Tone]:
    """The flag as the review's banner says it, with what was done once someone acknowledged or cleared it."""
    by = name_of(flag.acknowledged_by)
    if flag.level is FlagLevel.URGENT:
        text = f"Urgent: {flag.message}"
        if flag.acknowledged_at is not None:
            marker = acknowledged_marker(
                flag.raised_at.astimezone(), by, flag.acknowledged_at.astimezone(), flag.acknowledged_outcome,
                flag.acknowledged_note,
            )  # fmt: skip
            return f"{text} {marker[:1].upper()}{marker[1:]}.", Tone.QUIET
        return f"{text} Not acknowledged yet.", Tone.URGENT
    if flag.cleared_at is not None:
        return f"No longer applies (the answer was changed): {flag.message}", Tone.QUIET
    if flag.level is FlagLevel.HOLD:
        if flag.acknowledged_at is not None:
            marker = cleared_marker(by, flag.acknowledged_at.astimezone(), flag.acknowledged_outcome,
                                    flag.acknowledged_note)  # fmt: skip
            return f"Hold {marker}: {flag.message}", Tone.QUIET
        return f"Hold: {flag.message}", Tone.HOLD
    return f"For review: {flag.message}", Tone.QUIET


def total_text(questionnaire: QuestionnaireReview) -> str:
    if questionnaire.total is None:
        missing = ", ".join(questionnaire.missing)
        return f"Incomplete (not answered: {missing})" if missing else "Incomplete"
    return f"{questionnaire.total} of {questionnaire.maximum}" if questionnaire.maximum else str(questionnaire.total)


def change_text(change: int | None, earlier: int | None) -> str:
    if change is None or earlier is None:
        return "No earlier session" if earlier is None else "–"
    return f"{signed_change(change)} (was {earlier})"


NO_BASELINE = "No baseline yet (first session)"


def marker_text(questionnaire: QuestionnaireReview, reached: bool, yes: str) -> str:
    """Response or remission in words; neither is judged without an earlier session to measure from."""
    if not questionnaire.has_baseline:
        return NO_BASELINE
    return yes if reached else "No"


def score_rows(review: IntakeReview) -> list[tuple[str, ...]]:
    return [
        (
            questionnaire.title,
            total_text(questionnaire),
            questionnaire.band_label or "–",
            change_text(questionnaire.change_from_baseline, questionnaire.baseline_total),
            change_text(questionnaire.change_from_previous, questionnaire.previous_total),
            marker_text(questionnaire, questionnaire.response, "Yes: 50% or more below the first total"),
            marker_text(questionnaire, questionnaire.remission, "Yes"),
        )
        for questionnaire in review.questionnaires
    ]


def _section(title: str) -> tuple[QGroupBox, QVBoxLayout]:
    box = QGroupBox(title)
    box.setAccessibleName(title)
    column = QVBoxLayout(box)
    column.setSpacing(8)
    return box, column


def _toned(text: str, tone: Tone) -> QLabel:
    widget = text_label(text)
    widget.setProperty("tone", tone.name.lower())
    return widget


def signature_label(consent: ConsentReview) -> QLabel:
    """The drawn signature, from the PNG stored with the consent."""
    widget = QLabel()
    widget.setFrameShape(QFrame.Shape.StyledPanel)
    widget.setStyleSheet("background: white; border: 1px solid #9fb0b0; border-radius: 4px; padding: 4px;")
    image = QImage.fromData(consent.signature_png)
    name = f"Signature of {consent.typed_name}"
    if image.isNull():
        widget.setText("The stored signature image cannot be shown (it is not a readable PNG).")
        widget.setAccessibleName(widget.text())
        return widget
    pixmap = QPixmap.fromImage(image)
    if pixmap.width() > SIGNATURE_WIDTH:
        pixmap = pixmap.scaledToWidth(SIGNATURE_WIDTH, Qt.TransformationMode.SmoothTransformation)
    widget.setPixmap(pixmap)
    widget.setAccessibleName(name)
    widget.setToolTip(name)
    widget.setMaximumWidth(pixmap.width() + 12)
    return widget


# ------------------------------------------------------------------------------------------ view


class IntakeReviewView(QWidget):
    """One intake, read-only, with Mark reviewed and the packet's print and save.

    Signals:
        reviewed(int): this intake was marked reviewed (its id).
        chart_requested(int): open the patient's chart (patient id).
    """

    reviewed = Signal(int)
    chart_requested = Signal(int)

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.review: IntakeReview | None = None
        self.answer_buttons: list[QPushButton] = []
        self.answer_dialog: AcknowledgeDialog | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(8)
        self.title = text_label("Intake review", TextRole.TITLE)
        column.addWidget(self.title)
        self.subtitle = text_label("Choose a visit on the board, then Open intake review.", TextRole.HINT)
        column.addWidget(self.subtitle)
        self.mark_button = push_button("Mark reviewed", ButtonRole.PRIMARY)
        self.chart_button = push_button("Open chart")
        self.status = StatusLine()
        self.packet_output = PacketOutput(context, self, self.status)
        self.fhir_button = push_button("Export FHIR...")
        self.fhir_dialog: QFileDialog | None = None
        self.exported_path: Path | None = None
        column.addLayout(
            button_row(
                self.mark_button,
                self.chart_button,
                trailing=[*self.packet_output.buttons, self.fhir_button],
            )
        )
        column.addWidget(self.status)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setAccessibleName("Intake")
        column.addWidget(self.scroll_area, 1)
        self.mark_button.clicked.connect(self._on_mark_button_clicked)
        self.chart_button.clicked.connect(self._on_chart_button_clicked)
        self.fhir_button.clicked.connect(self._on_fhir_button_clicked)
        self._update_buttons()

    # ----------------------------------------------------------------------------------- loading

    def show_intake(self, intake_id: int) -> None:
        """Load the intake (audited as a view) and show it."""
        context = self._context
        self.status.show_message("Loading the intake…")
        context.runner.submit(
            lambda: intake_review(context.backend, intake_id, context.identity), self._on_loaded, self._on_load_failed
        )

    def _on_loaded(self, review: IntakeReview) -> None:
        self.status.clear_message()
        self.show_review(review)

    def _on_load_failed(self, error: Exception) -> None:
        show_refusal(self.status, "The intake could not be opened", error, "Reload the board and try again.")

    def show_review(self, review: IntakeReview) -> None:
        content = self._content(review)
        self.review = review
        patient = review.patient
        self.title.setText(f"Intake review: {patient.full_name}")
        self.title.setAccessibleName(self.title.text())
        visit = review.visit_label.get("en", review.visit_type)
        when = f", {date_and_time(review.appointment_starts_at)}" if review.appointment_starts_at else ""
        self.subtitle.setText(f"{visit}{when}. {status_text(review)}")
        self.subtitle.setAccessibleName(self.subtitle.text())
        self.scroll_area.setWidget(content)
        self._update_buttons()

    def _update_buttons(self) -> None:
        review = self.review
        can_review = self._context.identity.can_review
        self.mark_button.setVisible(can_review)
        self.mark_button.setEnabled(can_review and review is not None and review.status is IntakeStatus.SUBMITTED)
        has_packet = review is not None and review.status in PACKET_STATUSES
        if review is not None and has_packet:
            self.packet_output.show_packet(review.intake_id, review.patient.id)
        else:
            self.packet_output.show_packet(None, None)
        can_export = allows(self._context.identity, Permission.EXPORT_CLINICAL)
        self.fhir_button.setVisible(can_export)
        self.fhir_button.setEnabled(can_export and has_packet)
        self.chart_button.setEnabled(review is not None)

    # ----------------------------------------------------------------------------------- content

    def _content(self, review: IntakeReview) -> QWidget:
        page = QWidget()
        outer = QHBoxLayout(page)
        outer.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setMaximumWidth(CONTENT_WIDTH)
        outer.addWidget(holder, 1)
        outer.addStretch(0)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 12, 12)
        column.setSpacing(12)
        self.answer_buttons = []
        column.addWidget(self._visit_section(review))
        column.addWidget(self._flags_section(review))
        if review.questionnaires:
            box, inner = _section("Scores")
            inner.addWidget(
                grid_table(
                    (
                        "Questionnaire",
                        "Total",
                        "Band",
                        "Since the first session",
                        "Since the last session",
                        "Response",
                        "Remission",
                    ),
                    score_rows(review),
                    stretch=0,
                )
            )
            column.addWidget(box)
        for questionnaire in review.questionnaires:
            column.addWidget(self._answers_section(questionnaire))
        if review.checklist is not None:
            column.addWidget(self._checklist_section(review))
        if review.status in PACKET_STATUSES:
            column.addWidget(self._addenda_section(review))
        if review.consents:
            box, inner = _section("Consents signed at this visit")
            for consent in review.consents:
                inner.addWidget(self._consent_block(consent))
            column.addWidget(box)
        else:
            box, inner = _section("Consents signed at this visit")
            inner.addWidget(text_label("None: every consent this visit needs was already on file."))
            column.addWidget(box)
        column.addStretch(1)
        return page

    def _visit_section(self, review: IntakeReview) -> QGroupBox:
        box, inner = _section("Visit")
        form = QFormLayout()
        form.setHorizontalSpacing(18)
        patient = review.patient
        chart = f", chart {patient.chart_number}" if patient.chart_number else ""
        rows = [
            ("Patient", f"{patient.full_name}, born {us_date(patient.dob)}{chart}"),
            ("Visit", review.visit_label.get("en", review.visit_type)),
            ("Status", status_text(review)),
            ("Language", LANGUAGES.get(review.language, review.language)),
        ]
        if review.supersedes_id is not None:
            rows.append(("Correction", f"This intake corrects intake {review.supersedes_id}; both are kept."))
        for name, value in rows:
            form.addRow(text_label(name, wrap=False), text_label(value))
        inner.addLayout(form)
        return box

    def _flags_section(self, review: IntakeReview) -> QGroupBox:
        box, inner = _section("Flags and holds")
        order = {FlagLevel.URGENT: 0, FlagLevel.HOLD: 1, FlagLevel.INFO: 2}
        flags = sorted(review.flags, key=lambda flag: (order[flag.level], flag.cleared_at is not None, flag.raised_at))
        if not flags:
            inner.addWidget(text_label("No flags were raised by this intake's answers.", TextRole.HINT))
        for flag in flags:
            text, tone = flag_text(flag, review.name_of)
            banner = _toned(text, tone)
            button = self._answer_button(review, flag)
            if button is None:
                inner.addWidget(banner)
                continue
            row = QHBoxLayout()
            row.setSpacing(12)
            row.addWidget(banner, 1)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            inner.addLayout(row)
        return box

    def _answer_button(self, review: IntakeReview, flag: FlagView) -> QPushButton | None:
        """Acknowledge... beside an urgent flag no one has acknowledged, Clear hold... beside a waiting hold."""
        if flag.acknowledged_at is not None or not self._context.identity.can_review:
            return None
        if flag.level is FlagLevel.URGENT:
            button = push_button("Acknowledge...", ButtonRole.PRIMARY)
        elif flag.level is FlagLevel.HOLD and flag.cleared_at is None:
            button = push_button("Clear hold...")
        else:
            return None
        button.clicked.connect(lambda: self._ask_answer(review, flag))
        self.answer_buttons.append(button)
        return button

    def _ask_answer(self, review: IntakeReview, flag: FlagView) -> None:
        urgent = flag.level is FlagLevel.URGENT
        context = self._context
        dialog = AcknowledgeDialog(
            urgent=urgent,
            patient_name=review.patient.full_name,
            flag_message=flag.message,
            outcomes=context.backend.settings.acknowledgement_outcomes,
            parent=self,
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self._record_answer(review, flag, urgent, dialog.outcome(), dialog.note()))
        self.answer_dialog = dialog
        dialog.show()

    def _record_answer(self, review: IntakeReview, flag: FlagView, urgent: bool, outcome: str, note: str) -> None:
        context = self._context
        intake_id = review.intake_id
        answer = acknowledge_urgent if urgent else clear_hold
        for button in self.answer_buttons:
            button.setEnabled(False)

        def done(_: object) -> None:
            what = "Acknowledged" if urgent else "Cleared the hold"
            self.status.show_message(f"{what} ({outcome}); a signed addendum was added to the packet.", Tone.GOOD)
            self.reviewed.emit(intake_id)
            self.show_intake(intake_id)

        def failed(error: Exception) -> None:
            self._show_refusal("Not saved", error)
            self.show_intake(intake_id)

        self.status.show_message("Saving and signing the addendum…")
        context.runner.submit(
            lambda: answer(context.backend, context.packets, context.identity, flag.id, outcome, note), done, failed
        )

    def _show_refusal(self, what: str, error: Exception) -> None:
        show_refusal(self.status, what, error)

    def _addenda_section(self, review: IntakeReview) -> QGroupBox:
        box, inner = _section("Signed addenda")
        if not review.addenda:
            inner.addWidget(
                text_label(
                    "None yet. Acknowledging a flag, clearing a hold and Mark reviewed each add a signed page to the "
                    "packet; the packet itself never changes.",
                    TextRole.HINT,
                )
            )
            return box
        rows = [
            (str(number), view.title, review.name_of(view.created_by), date_and_time(view.created_at), view.sha256[:16])
            for number, view in enumerate(review.addenda, start=1)
        ]
        inner.addWidget(grid_table(("#", "What", "By", "When", "SHA-256 (start)"), rows, stretch=1))
        inner.addWidget(
            text_label(
                f"Each names the packet by its SHA-256 ({review.addenda[0].packet_sha256[:16]}…) and prints after it.",
                TextRole.HINT,
            )
        )
        return box

    def _answers_section(self, questionnaire: QuestionnaireReview) -> QGroupBox:
        box, inner = _section(f"{questionnaire.title}: answers")
        rows = [
            (
                str(item.number),
                item.question,
                item.answer_label or "Not answered",
                ("–" if item.score is None else str(item.score)) if item.scored else "not scored",
            )
            for item in questionnaire.items
        ]
        inner.addWidget(grid_table(("#", "Question", "Answer", "Score"), rows, stretch=1))
        return box

    def _checklist_section(self, review: IntakeReview) -> QGroupBox:
        checklist = review.checklist
        assert checklist is not None
        box, inner = _section(checklist.title)
        if checklist.holds:
            for hold in checklist.holds:
                inner.addWidget(_toned(f"Hold: {hold.message}", Tone.HOLD))
        else:
            inner.addWidget(_toned("No holds: nothing in the checklist asks staff to talk first.", Tone.GOOD))
        rows = [(line.question, line.answer_label or "Not answered", "; ".join(line.holds)) for line in checklist.lines]
        tones = [Tone.HOLD if line.holds else None for line in checklist.lines]
        inner.addWidget(grid_table(("Question", "Answer", "Hold"), rows, stretch=0, tones=tones))
        return box

    def _consent_block(self, consent: ConsentReview) -> QWidget:
        block = QWidget()
        row = QHBoxLayout(block)
        row.setContentsMargins(0, 6, 0, 6)
        row.setSpacing(24)
        details = QWidget()
        form = QFormLayout(details)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(18)
        title = text_label(consent.title, TextRole.QUESTION)
        form.addRow(title)
        typed = consent.typed_name
        if not consent.name_matches:
            typed += " (does not match the patient record: check the signature before relying on it)"
        for name, value in (
            ("Version", consent.version),
            ("Language", LANGUAGES.get(consent.language, consent.language)),
            ("Reading started", date_and_time(consent.reading_started_at)),
            ("Signed", date_and_time(consent.signed_at)),
            ("Typed name", typed),
            ("Text SHA-256", consent.text_sha256),
        ):
            value_label = text_label(value)
            if name == "Text SHA-256":
                value_label.setStyleSheet("font-family: monospace; font-size: 9pt;")
            if name == "Typed name" and not consent.name_matches:
                value_label.setProperty("tone", Tone.HOLD.name.lower())
            form.addRow(text_label(name, wrap=False), value_label)
        row.addWidget(details, 1)
        row.addWidget(signature_label(consent), 0, Qt.AlignmentFlag.AlignTop)
        return block

    # ----------------------------------------------------------------------------------- actions

    @Slot()
    def _on_mark_button_clicked(self) -> None:
        review = self.review
        if review is None or not self._context.identity.can_review:
            return
        context = self._context
        intake_id = review.intake_id
        self.mark_button.setEnabled(False)

        def done(_: object) -> None:
            self.status.show_message("Marked reviewed; a signed addendum was added to the packet.", Tone.GOOD)
            self.reviewed.emit(intake_id)
            self.show_intake(intake_id)

        def failed(error: Exception) -> None:
            self._show_refusal("Not marked reviewed", error)
            self.show_intake(intake_id)

        context.runner.submit(
            lambda: mark_reviewed_signed(context.backend, context.packets, context.identity, intake_id), done, failed
        )

    @Slot()
    def _on_chart_button_clicked(self) -> None:
        if self.review is not None:
            self.chart_requested.emit(self.review.patient.id)

    @Slot()
    def _on_fhir_button_clicked(self) -> None:
        review = self.review
        if review is None:
            return
        name = f"intake-{review.intake_id}.fhir.json"
        dialog = QFileDialog(self, "Export FHIR", str(Path.home() / name), "FHIR JSON files (*.json)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setDefaultSuffix("json")
        dialog.fileSelected.connect(self._on_fhir_dialog_file_selected)
        self.fhir_dialog = dialog
        dialog.open()

    @Slot(str)
    def _on_fhir_dialog_file_selected(self, chosen: str) -> None:
        """The intake as a FHIR R4 Bundle (the service checks the role and audits the export)."""
        review = self.review
        if review is None or not chosen:
            return
        path = Path(chosen)
        context = self._context
        intake_id = review.intake_id

        def export() -> Path:
            bundle = export_intake(context.backend, context.identity, intake_id, packets=context.packets)
            path.write_bytes(bundle.json_bytes)
            return path

        def done(saved: Path) -> None:
            self.exported_path = saved
            self.fhir_button.setEnabled(True)
            self.status.show_message(f"Exported the intake as FHIR to {saved}.", Tone.GOOD)

        def failed(error: Exception) -> None:
            self.fhir_button.setEnabled(True)
            if isinstance(error, OSError):
                reason = error.strerror or str(error)
                self.status.show_error(
                    f"The FHIR file could not be written to {path} ({reason}). Choose another folder."
                )
            else:
                log.error("exporting intake %d as FHIR failed", intake_id, exc_info=error)
                self.status.show_error(f"The intake could not be exported: {error}")

        self.fhir_button.setEnabled(False)
        self.status.show_message("Exporting the intake as FHIR…")
        context.slow_runner.submit(export, done, failed)
