"""Today's board: flags in the order they must be dealt with, check-ins that need a person, and the visits.

It keeps itself current without a refresh button: every second it asks the runner for the board's cheap
signature and reloads the whole board only when that changed, so a flag the kiosk raises is on screen
within about two seconds. Selections survive a reload (they are kept by appointment and flag, not by row).

The front desk sees visit status and holds, and that a clinician is needed for an urgent flag, but no
scores, answers or urgent-flag details; clinicians and admins see every line and can acknowledge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QTableView, QVBoxLayout, QWidget

from kiosk.domain.acknowledgements import acknowledged_marker, cleared_marker, undo_refusal
from kiosk.domain.board_rules import FRONT_DESK_URGENT_DETAIL, BoardLine
from kiosk.domain.statuses import ArrivalOutcome, FlagLevel, VisitStatus
from kiosk.services.board import Board, BoardRow, UnresolvedArrival, board_for_day
from kiosk.services.board import board_signature as read_board_signature
from kiosk.services.board import resolve_arrival as resolve_arrival_service
from kiosk.services.dosing_lists import (
    MonitoringLine,
    SessionSummary,
    dosing_signature,
    monitoring_today,
    rems_worklist,
)
from kiosk.services.flag_answers import acknowledge_urgent, clear_hold, undo_answer
from kiosk.services.permissions import Permission, allows
from kiosk.ui.staff.acknowledge_dialog import AcknowledgeDialog
from kiosk.ui.staff.batch_print import BatchPrint, PacketJob
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import StatusLine, button_row, clock_time, push_button, show_refusal, text_label, us_date
from kiosk.ui.staff.rows_model import Column, Row, RowsModel, selected_row, table_view
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 1000
FLAG_ROWS_SHOWN = 4
"""'Needs attention' always shows this many lines whole; it grows past them when the window has room."""
ARRIVAL_ROWS_SHOWN = 3
VISIT_ROWS_SHOWN = 4
PRINTABLE = (VisitStatus.SUBMITTED, VisitStatus.REVIEWED)
ARRIVAL_REASONS = {
    ArrivalOutcome.UNMATCHED: "No appointment today matches what was typed",
    ArrivalOutcome.AMBIGUOUS: "More than one appointment matches what was typed",
}


# ------------------------------------------------------------------------------------------ wording


def answered_marker(line: BoardLine, clinical: bool) -> str | None:
    """The lasting line of an acknowledged urgent flag or a cleared hold, None while it still waits. The
    front desk reads who and when, not what was done about an urgent flag (that is clinical)."""
    if line.acknowledged_at is None:
        return None
    by = line.acknowledged_by_name or line.acknowledged_by or "a clinician"
    if line.level is FlagLevel.URGENT:
        if not clinical:
            return f"urgent flag acknowledged by {by} {clock_time(line.acknowledged_at)}"
        return acknowledged_marker(
            line.happened_at, by, line.acknowledged_at, line.acknowledged_outcome, line.acknowledged_note
        )
    if line.level is FlagLevel.HOLD:
        return cleared_marker(by, line.acknowledged_at, line.acknowledged_outcome, line.acknowledged_note)
    return None


def _sentence(text: str) -> str:
    """The text with its first letter capital, the rest as it is (names keep their capitals)."""
    return text[:1].upper() + text[1:]


def flag_title(line: BoardLine) -> str:
    if line.level is FlagLevel.URGENT and line.acknowledged_at is not None:
        return "Urgent: acknowledged"
    if line.level is FlagLevel.HOLD and line.acknowledged_at is not None:
        return "Hold cleared"
    return line.headline


def flag_details(line: BoardLine, clinical: bool) -> str:
    marker = answered_marker(line, clinical)
    if not clinical and line.level is FlagLevel.URGENT:
        return _sentence(marker) + "." if marker else FRONT_DESK_URGENT_DETAIL
    message = line.message
    if line.level is FlagLevel.URGENT and line.cleared_at is not None:
        message += " (The answer was changed afterwards; the flag stays until a clinician acknowledges it.)"
    return f"{message} · {_sentence(marker)}" if marker else message


def line_tone(line: BoardLine) -> Tone | None:
    if line.needs_acknowledgement:
        return Tone.URGENT
    if line.hold_waiting:
        return Tone.HOLD
    if line.level in (FlagLevel.URGENT, FlagLevel.HOLD):
        return Tone.QUIET
    return None


def visible_lines(lines: tuple[BoardLine, ...], clinical: bool) -> tuple[BoardLine, ...]:
    """Everything for clinicians; the front desk sees holds and urgent flags (waiting or answered, without
    their clinical details)."""
    if clinical:
        return lines
    return tuple(line for line in lines if line.level in (FlagLevel.HOLD, FlagLevel.URGENT) and line.flag_id)


def visit_flags_summary(row: BoardRow, clinical: bool) -> str:
    parts = []
    if any(line.needs_acknowledgement for line in row.flags):
        parts.append("Urgent: clinician needed")
    for line in row.flags:
        marker = answered_marker(line, clinical) if line.level is FlagLevel.URGENT else None
        if marker:
            parts.append(_sentence(marker))
    holds = [line.message for line in row.flags if line.hold_waiting]
    if holds:
        parts.append("Hold: " + "; ".join(holds))
    for line in row.flags:
        marker = answered_marker(line, clinical) if line.level is FlagLevel.HOLD else None
        if marker:
            parts.append(f"Hold {marker}")
    if clinical:
        info = sum(1 for line in row.flags if line.level is FlagLevel.INFO)
        if info:
            parts.append(f"{info} for review")
    return " · ".join(parts)


def visit_tone(row: BoardRow) -> Tone | None:
    if any(line.needs_acknowledgement for line in row.flags):
        return Tone.URGENT
    if any(line.hold_waiting for line in row.flags):
        return Tone.HOLD
    if row.status is VisitStatus.CANCELLED:
        return Tone.QUIET
    return None


def board_summary(board: Board, clinical: bool) -> str:
    arrived = sum(1 for row in board.rows if row.status not in (VisitStatus.NOT_ARRIVED, VisitStatus.CANCELLED))
    holds = sum(1 for line in board.lines if line.hold_waiting)
    parts = [f"{len(board.rows)} visits", f"{arrived} checked in"]
    if board.urgent_count:
        parts.append(f"{board.urgent_count} urgent flag{'s' if board.urgent_count != 1 else ''} waiting")
    if holds:
        parts.append(f"{holds} hold{'s' if holds != 1 else ''}")
    if board.arrivals:
        count = len(board.arrivals)
        parts.append(f"{count} check-in{'s' if count != 1 else ''} need{'s' if count == 1 else ''} the front desk")
    if not clinical:
        parts.append("clinical details are for clinicians")
    return " · ".join(parts)


def _status_text(status: VisitStatus) -> str:
    return status.value.capitalize()


# ------------------------------------------------------------------------------------------ view


class BoardView(QWidget):
    """The board of the local day, kept current by polling its signature.

    Signals:
        loaded: a fresh board is on screen (after the first load and after every change).
        intake_requested(int): open this intake in the review.
        chart_requested(int): open this patient's chart.
        session_requested(int): open (or find) the dosing session of this intake.
        session_shown(int): show this dosing session.
        dosing_loaded: the Monitoring and REMS sections were read again.
    """

    loaded = Signal()
    intake_requested = Signal(int)
    chart_requested = Signal(int)
    session_requested = Signal(int)
    session_shown = Signal(int)
    dosing_loaded = Signal()

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.clinical = context.identity.can_review
        self.dosing = allows(context.identity, Permission.RECORD_DOSING)
        self._dosing_signature: object = None
        self._dosing_polling = False
        self.monitoring: tuple[MonitoringLine, ...] = ()
        self.board: Board | None = None
        self._signature: object = None
        self._polling = False
        self._last_error = ""
        self._printing = False
        self.answer_dialog: AcknowledgeDialog | None = None
        self.batch: BatchPrint | None = None
        """The newest batch print (its results stay readable after it ends)."""
        self._build()
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_INTERVAL_MS)
        self.poll_timer.timeout.connect(self.poll)

    # ----------------------------------------------------------------------------------- building

    def _build(self) -> None:
        clinical = self.clinical
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # On a small screen the board scrolls as a whole rather than squeezing its tables over their buttons.
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        page = QWidget()
        self.scroll_area.setWidget(page)
        outer.addWidget(self.scroll_area)
        column = QVBoxLayout(page)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(8)
        top = QHBoxLayout()
        self.title = text_label("Today's board", TextRole.TITLE, wrap=False)
        top.addWidget(self.title)
        top.addStretch(1)
        self.updated = text_label("Loading…", TextRole.HINT, wrap=False)
        top.addWidget(self.updated)
        column.addLayout(top)
        self.summary = text_label("", TextRole.HINT)
        column.addWidget(self.summary)

        self.flags_heading = text_label("Needs attention", TextRole.QUESTION, wrap=False)
        flags_top = QHBoxLayout()
        flags_top.addWidget(self.flags_heading)
        column.addLayout(flags_top)
        self.flags_model = RowsModel[BoardLine](
            [
                Column("Time", lambda line: clock_time(line.happened_at)),
                Column("Patient", lambda line: line.patient_name, bold=lambda line: line.needs_acknowledgement),
                Column("Flag", flag_title, bold=lambda line: line.needs_acknowledgement),
                Column("Details", lambda line: flag_details(line, clinical)),
            ],
            tone=line_tone,
        )
        self.flags_view = table_view(self.flags_model, "Needs attention")
        column.addWidget(self.flags_view, 3)
        self.acknowledge_button = push_button("Acknowledge...", ButtonRole.PRIMARY)
        self.clear_hold_button = push_button("Clear hold...")
        self.undo_button = push_button("Undo")
        self.review_flag_button = push_button("Review this intake")
        for button in (self.acknowledge_button, self.clear_hold_button, self.undo_button, self.review_flag_button):
            button.setVisible(clinical)
        # The flag buttons sit on the heading's line, so the lines themselves get the height.
        flags_top.addStretch(1)
        for button in (self.acknowledge_button, self.clear_hold_button, self.undo_button, self.review_flag_button):
            flags_top.addWidget(button)

        self.arrivals_heading = text_label("Check-ins that need the front desk", TextRole.QUESTION, wrap=False)
        arrivals_top = QHBoxLayout()
        arrivals_top.addWidget(self.arrivals_heading)
        column.addLayout(arrivals_top)
        self.arrivals_model = RowsModel[UnresolvedArrival](
            [
                Column("Time", lambda arrival: clock_time(arrival.at)),
                Column("Name typed", lambda arrival: arrival.typed_name),
                Column("Date of birth typed", lambda arrival: us_date(arrival.typed_dob)),
                Column("Why", lambda arrival: ARRIVAL_REASONS.get(arrival.outcome, arrival.outcome.value)),
            ],
            tone=lambda arrival: Tone.HOLD,
        )
        self.arrivals_view = table_view(self.arrivals_model, "Check-ins that need the front desk")
        column.addWidget(self.arrivals_view, 1)
        self.handled_button = push_button("Mark as handled")
        self.arrivals_buttons = QWidget()
        arrivals_row = button_row(self.handled_button)
        arrivals_row.setContentsMargins(0, 0, 0, 0)
        self.arrivals_buttons.setLayout(arrivals_row)
        arrivals_top.addStretch(1)
        arrivals_top.addWidget(self.arrivals_buttons)

        visits_top = QHBoxLayout()
        visits_top.addWidget(text_label("Appointments", TextRole.QUESTION, wrap=False))
        visits_top.addStretch(1)
        column.addLayout(visits_top)
        self.visits_model = RowsModel[BoardRow](
            [
                Column("Time", lambda row: clock_time(row.starts_at)),
                Column("Patient", lambda row: row.patient_name),
                Column("Date of birth", lambda row: us_date(row.dob)),
                Column("Visit", lambda row: row.visit_label.get("en", row.visit_type)),
                Column("Status", lambda row: _status_text(row.status)),
                Column("Flags", lambda row: visit_flags_summary(row, clinical)),
            ],
            tone=visit_tone,
        )
        self.visits_view = table_view(self.visits_model, "Appointments")
        column.addWidget(self.visits_view, 5)
        self.open_review_button = push_button("Open intake review")
        self.open_chart_button = push_button("Open chart")
        self.open_review_button.setVisible(clinical)
        self.open_chart_button.setVisible(clinical)
        # The front desk prints consent-only copies (no scores, answers or checklist); clinicians the packets.
        clinical_print = allows(self._context.identity, Permission.PRINT_CLINICAL_PACKET)
        self.print_button = push_button("Print today's packets" if clinical_print else "Print today's consent copies")
        for button in (self.open_review_button, self.open_chart_button, self.print_button):
            visits_top.addWidget(button)
        self.open_session_button = push_button("Open dosing session")
        self.open_session_button.setVisible(self.dosing)
        visits_top.addWidget(self.open_session_button)
        self._build_dosing(column)
        self.status = StatusLine()
        column.addWidget(self.status)
        self._set_arrivals_visible(False)

        self.acknowledge_button.clicked.connect(self._on_acknowledge_button_clicked)
        self.clear_hold_button.clicked.connect(self._on_acknowledge_button_clicked)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.review_flag_button.clicked.connect(self._on_review_flag_button_clicked)
        self.handled_button.clicked.connect(self._on_handled_button_clicked)
        self.open_review_button.clicked.connect(self._on_open_review_button_clicked)
        self.open_chart_button.clicked.connect(self._on_open_chart_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.open_session_button.clicked.connect(self._on_open_session_button_clicked)
        self.visits_view.activated.connect(self._on_visits_view_activated)
        self.flags_view.activated.connect(self._on_flags_view_activated)
        for view in (self.flags_view, self.arrivals_view, self.visits_view):
            selection = view.selectionModel()
            assert selection is not None
            selection.selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _build_dosing(self, column: QVBoxLayout) -> None:
        """Monitoring (patients dosed today: time since dosing, the next reading due, ready for discharge) and the
        REMS forms still to file (overdue in red); for those who record dosing sessions."""
        monitoring_top = QHBoxLayout()
        self.monitoring_heading = text_label("Monitoring", TextRole.QUESTION, wrap=False)
        monitoring_top.addWidget(self.monitoring_heading)
        monitoring_top.addStretch(1)
        self.show_session_button = push_button("Show session")
        monitoring_top.addWidget(self.show_session_button)
        column.addLayout(monitoring_top)
        self.monitoring_model = RowsModel[MonitoringLine](
            [
                Column("Patient", lambda line: line.patient_name),
                Column("Dosed", lambda line: clock_time(line.dose_at)),
                Column("Since dosing", lambda line: f"{line.minutes_since_dosing} min"),
                Column("Next", monitoring_next, bold=lambda line: line.next_step is not None and line.next_step.urgent),
            ],
            tone=monitoring_tone,
        )
        self.monitoring_view = table_view(self.monitoring_model, "Monitoring")
        column.addWidget(self.monitoring_view, 2)
        rems_top = QHBoxLayout()
        self.rems_heading = text_label("REMS forms to file", TextRole.QUESTION, wrap=False)
        rems_top.addWidget(self.rems_heading)
        rems_top.addStretch(1)
        self.show_rems_button = push_button("Open REMS session")
        rems_top.addWidget(self.show_rems_button)
        column.addLayout(rems_top)
        self.rems_model = RowsModel[SessionSummary](
            [
                Column("Session", lambda summary: us_date(summary.session_date)),
                Column("Patient", lambda summary: summary.patient_name),
                Column("Due", lambda summary: us_date(summary.rems_due) if summary.rems_due else ""),
                Column("Status", rems_state, bold=lambda summary: summary.rems_overdue),
            ],
            tone=lambda summary: Tone.URGENT if summary.rems_overdue else None,
        )
        self.rems_view = table_view(self.rems_model, "REMS forms to file")
        column.addWidget(self.rems_view, 1)
        for widget in (
            self.monitoring_heading,
            self.show_session_button,
            self.monitoring_view,
            self.rems_heading,
            self.show_rems_button,
            self.rems_view,
        ):
            widget.setVisible(self.dosing)
        self.show_session_button.clicked.connect(self._on_show_session_button_clicked)
        self.monitoring_view.activated.connect(self._on_show_session_button_clicked)
        self.show_rems_button.clicked.connect(self._on_show_rems_button_clicked)
        self.rems_view.activated.connect(self._on_show_rems_button_clicked)

    def _set_arrivals_visible(self, visible: bool) -> None:
        for widget in (self.arrivals_heading, self.arrivals_view, self.arrivals_buttons):
            widget.setVisible(visible)

    # ----------------------------------------------------------------------------------- polling

    def start(self) -> None:
        """Load the board now and keep it current."""
        self.poll_timer.start()
        self.poll()

    def stop(self) -> None:
        self.poll_timer.stop()

    def reload_now(self) -> None:
        """Reload at the next poll even if the signature did not change (after this desk's own action)."""
        self._signature = None
        self.poll()

    @Slot()
    def poll(self) -> None:
        if self._polling:
            return
        self._polling = True
        backend, staff = self._context.backend, self._context.identity
        self._context.runner.submit(
            lambda: read_board_signature(backend, staff), self._on_signature, self._on_poll_failed
        )
        if self.dosing:
            self._poll_dosing()

    def reload_dosing(self) -> None:
        """Read the Monitoring and REMS sections again at the next poll (after a session screen saved)."""
        self._dosing_signature = None
        self.poll()

    def _poll_dosing(self) -> None:
        """Every second: the lines read again when the records changed, the times said anew from the clock."""
        self._show_monitoring()
        if self._dosing_polling:
            return
        self._dosing_polling = True
        backend, staff = self._context.backend, self._context.identity

        def read() -> tuple[object, tuple[MonitoringLine, ...], tuple[SessionSummary, ...]] | None:
            signature = dosing_signature(backend, staff)
            if signature == self._dosing_signature:
                return None
            return signature, monitoring_today(backend, staff), rems_worklist(backend, staff)

        self._context.runner.submit(read, self._on_dosing_read, self._on_dosing_failed)

    def _on_dosing_read(
        self, read: tuple[object, tuple[MonitoringLine, ...], tuple[SessionSummary, ...]] | None
    ) -> None:
        self._dosing_polling = False
        if read is None:
            return
        self._dosing_signature, self.monitoring, worklist = read
        chosen = selected_row(self.monitoring_view)
        self._show_monitoring()
        _reselect(self.monitoring_view, self.monitoring_model, lambda line: line.session_id, chosen)
        chosen_form = selected_row(self.rems_view)
        self.rems_model.set_rows(worklist)
        _reselect(self.rems_view, self.rems_model, lambda summary: summary.id, chosen_form)
        fit_rows(self.monitoring_view, len(self.monitoring), 2)
        fit_rows(self.rems_view, len(worklist), 2)
        overdue = sum(1 for summary in worklist if summary.rems_overdue)
        heading = "REMS forms to file" + (f": {overdue} overdue" if overdue else "")
        self.rems_heading.setText(heading)
        self.rems_heading.setAccessibleName(heading)
        self.dosing_loaded.emit()

    def _show_monitoring(self) -> None:
        """The lines as they read now (minutes since dosing, what is due), without asking the database."""
        if not self.monitoring:
            if self.monitoring_model.rows:
                self.monitoring_model.set_rows(())
            return
        now = self._context.backend.now()
        chosen = selected_row(self.monitoring_view)
        self.monitoring_model.set_rows(tuple(line.at(now) for line in self.monitoring))
        _reselect(self.monitoring_view, self.monitoring_model, lambda line: line.session_id, chosen)

    def _on_dosing_failed(self, error: Exception) -> None:
        self._dosing_polling = False
        self._on_poll_failed(error)

    def _on_signature(self, signature: object) -> None:
        if signature == self._signature and self.board is not None:
            self._polling = False
            return
        backend, staff = self._context.backend, self._context.identity
        self._context.runner.submit(
            lambda: board_for_day(backend, staff), lambda board: self._on_board(signature, board), self._on_poll_failed
        )

    def _on_board(self, signature: object, board: Board) -> None:
        self._polling = False
        self._signature = signature
        if self._last_error:
            self._last_error = ""
            self.status.clear_message()
        self.show_board(board)

    def _on_poll_failed(self, error: Exception) -> None:
        self._polling = False
        message = str(error) or type(error).__name__
        if message != self._last_error:
            log.error("the board could not be read", exc_info=error)
            self._last_error = message
        self.updated.setText("Not up to date")
        self.status.show_error(
            f"The board could not be updated ({message}). It tries again every second; if this stays, check that "
            "the database is reachable."
        )

    # ----------------------------------------------------------------------------------- showing

    def show_board(self, board: Board) -> None:
        chosen_line = selected_row(self.flags_view)
        chosen_visit = selected_row(self.visits_view)
        chosen_arrival = selected_row(self.arrivals_view)
        self.board = board
        self.title.setText(f"Today's board, {board.day:%A} {us_date(board.day)}")
        self.title.setAccessibleName(self.title.text())
        self.summary.setText(board_summary(board, self.clinical))
        self.summary.setAccessibleName(self.summary.text())
        now = self._context.backend.local_now()
        self.updated.setText(f"Updated {clock_time(now)}")
        shown_lines = visible_lines(board.lines, self.clinical)
        self.flags_model.set_rows(shown_lines)
        self.arrivals_model.set_rows(board.arrivals)
        self.visits_model.set_rows(board.rows)
        self._fit_flags(len(shown_lines))
        self._set_arrivals_visible(bool(board.arrivals))
        _reselect(self.flags_view, self.flags_model, _line_key, chosen_line)
        _reselect(self.visits_view, self.visits_model, lambda row: row.appointment_id, chosen_visit)
        _reselect(self.arrivals_view, self.arrivals_model, lambda arrival: arrival.arrival_id, chosen_arrival)
        self._update_buttons()
        self.loaded.emit()

    def _fit_flags(self, count: int) -> None:
        """ "Needs attention" always shows at least FLAG_ROWS_SHOWN lines whole and grows to show every line
        when the window has room; beyond that it scrolls (its bar then shows), and the heading says how many
        lines there are. Check-ins and appointments get heights that fit their rows the same way."""
        fit_rows(self.flags_view, count, FLAG_ROWS_SHOWN)
        fit_rows(self.arrivals_view, len(self.arrivals_model.rows), ARRIVAL_ROWS_SHOWN, grow=False)
        fit_rows(self.visits_view, len(self.visits_model.rows), VISIT_ROWS_SHOWN)
        heading = "Needs attention" if count <= FLAG_ROWS_SHOWN else f"Needs attention: {count} lines"
        self.flags_heading.setText(heading)
        self.flags_heading.setAccessibleName(heading)

    def selected_line(self) -> BoardLine | None:
        line = selected_row(self.flags_view)
        return line if isinstance(line, BoardLine) else None

    def selected_visit(self) -> BoardRow | None:
        row = selected_row(self.visits_view)
        return row if isinstance(row, BoardRow) else None

    def selected_arrival(self) -> UnresolvedArrival | None:
        arrival = selected_row(self.arrivals_view)
        return arrival if isinstance(arrival, UnresolvedArrival) else None

    @Slot()
    def _update_buttons(self) -> None:
        line = self.selected_line()
        visit = self.selected_visit()
        self.acknowledge_button.setEnabled(line is not None and line.needs_acknowledgement)
        self.clear_hold_button.setEnabled(line is not None and line.flag_id is not None and line.hold_waiting)
        self.undo_button.setEnabled(line is not None and self._may_undo(line))
        self.review_flag_button.setEnabled(line is not None)
        self.handled_button.setEnabled(self.selected_arrival() is not None)
        self.open_review_button.setEnabled(visit is not None and visit.intake_id is not None)
        self.open_chart_button.setEnabled(visit is not None)
        self.open_session_button.setEnabled(
            visit is not None and visit.intake_id is not None and visit.status in PRINTABLE
        )
        self.print_button.setEnabled(not self._printing and self.board is not None)

    # ----------------------------------------------------------------------------------- actions

    def _may_undo(self, line: BoardLine) -> bool:
        """Offered to the person who answered, while the undo window is open (the service decides again)."""
        if line.flag_id is None or line.acknowledged_at is None:
            return False
        now = self._context.backend.now()
        return undo_refusal(line.acknowledged_by, line.acknowledged_at, self._context.identity.username, now) is None

    @Slot()
    def _on_acknowledge_button_clicked(self) -> None:
        """Ask what was done (urgent) or why (hold), then record it with its signed addendum."""
        line = self.selected_line()
        if line is None or line.flag_id is None or not self.clinical:
            return
        urgent = line.needs_acknowledgement
        if not urgent and not line.hold_waiting:
            return
        context = self._context
        dialog = AcknowledgeDialog(
            urgent=urgent,
            patient_name=line.patient_name,
            flag_message=line.message,
            outcomes=context.backend.settings.acknowledgement_outcomes,
            parent=self,
        )
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.accepted.connect(lambda: self._record_answer(line, urgent, dialog.outcome(), dialog.note()))
        self.answer_dialog = dialog
        dialog.show()

    def _record_answer(self, line: BoardLine, urgent: bool, outcome: str, note: str) -> None:
        flag_id = line.flag_id
        assert flag_id is not None
        context = self._context
        self.acknowledge_button.setEnabled(False)
        self.clear_hold_button.setEnabled(False)
        answer = acknowledge_urgent if urgent else clear_hold
        what = "Acknowledged the urgent flag" if urgent else "Cleared the hold"

        def done(_: object) -> None:
            self.status.show_message(
                f"{what} of {line.patient_name} ({outcome}); a signed addendum was added to the packet.", Tone.GOOD
            )
            self.reload_now()

        self.status.show_message("Saving and signing the addendum…")
        context.runner.submit(
            lambda: answer(context.backend, context.packets, context.identity, flag_id, outcome, note),
            done,
            self._on_action_failed,
        )

    @Slot()
    def _on_undo_button_clicked(self) -> None:
        line = self.selected_line()
        if line is None or line.flag_id is None or not self._may_undo(line):
            return
        flag_id = line.flag_id
        context = self._context
        self.undo_button.setEnabled(False)

        def done(_: object) -> None:
            self.status.show_message(
                f"Undone: the flag of {line.patient_name} is open again (the undo is on record).", Tone.HOLD
            )
            self.reload_now()

        context.runner.submit(
            lambda: undo_answer(context.backend, context.packets, context.identity, flag_id),
            done,
            self._on_action_failed,
        )

    def _on_action_failed(self, error: Exception) -> None:
        show_refusal(self.status, "Not done", error, "The board has been reloaded.")
        self.reload_now()

    @Slot()
    def _on_review_flag_button_clicked(self) -> None:
        line = self.selected_line()
        if line is not None and self.clinical:
            self.intake_requested.emit(line.intake_id)

    @Slot(QModelIndex)
    def _on_flags_view_activated(self, _: QModelIndex) -> None:
        self._on_review_flag_button_clicked()

    @Slot()
    def _on_open_review_button_clicked(self) -> None:
        visit = self.selected_visit()
        if visit is not None and visit.intake_id is not None and self.clinical:
            self.intake_requested.emit(visit.intake_id)

    @Slot(QModelIndex)
    def _on_visits_view_activated(self, _: QModelIndex) -> None:
        self._on_open_review_button_clicked()

    @Slot()
    def _on_open_chart_button_clicked(self) -> None:
        visit = self.selected_visit()
        if visit is not None and self.clinical:
            self.chart_requested.emit(visit.patient_id)

    @Slot()
    def _on_open_session_button_clicked(self) -> None:
        visit = self.selected_visit()
        if visit is not None and visit.intake_id is not None and self.dosing:
            self.session_requested.emit(visit.intake_id)

    @Slot()
    def _on_show_session_button_clicked(self) -> None:
        line = selected_row(self.monitoring_view)
        if isinstance(line, MonitoringLine):
            self.session_shown.emit(line.session_id)

    @Slot()
    def _on_show_rems_button_clicked(self) -> None:
        summary = selected_row(self.rems_view)
        if isinstance(summary, SessionSummary):
            self.session_shown.emit(summary.id)

    @Slot()
    def _on_handled_button_clicked(self) -> None:
        arrival = self.selected_arrival()
        if arrival is None:
            return
        context = self._context

        def done(_: object) -> None:
            self.status.show_message(f"The check-in of {arrival.typed_name} is marked as handled.", Tone.GOOD)
            self.reload_now()

        context.runner.submit(
            lambda: resolve_arrival_service(context.backend, arrival.arrival_id, context.identity),
            done,
            self._on_action_failed,
        )

    def printable_jobs(self) -> list[PacketJob]:
        """Today's visits whose intake is submitted: each has a signed packet (made now if missing)."""
        if self.board is None:
            return []
        return [
            PacketJob(row.intake_id, f"{clock_time(row.starts_at)} {row.patient_name}")
            for row in self.board.rows
            if row.intake_id is not None and row.status in PRINTABLE
        ]

    @Slot()
    def _on_print_button_clicked(self) -> None:
        jobs = self.printable_jobs()
        if not jobs:
            self.status.show_message(
                "No packets to print yet: a packet exists once a patient has submitted today's intake.", Tone.HOLD
            )
            return
        if self.batch is not None:
            self.batch.deleteLater()
        self.batch = BatchPrint(self._context, jobs, self)
        self.batch.finished.connect(self._on_batch_finished)
        self._printing = True
        self._update_buttons()
        self.batch.start()

    def _on_batch_finished(self, results: object) -> None:
        self._printing = False
        self._update_buttons()


def monitoring_next(line: MonitoringLine) -> str:
    if line.next_step is None:
        return f"monitoring ended {clock_time(line.ended_at)}" if line.ended_at else ""
    return line.next_step.text


def monitoring_tone(line: MonitoringLine) -> Tone | None:
    if line.next_step is None:
        return Tone.QUIET
    if line.next_step.urgent:
        return Tone.URGENT
    return Tone.GOOD if line.next_step.ready_for_discharge else None


def rems_state(summary: SessionSummary) -> str:
    if summary.rems_overdue and summary.rems_due is not None:
        return f"overdue since {us_date(summary.rems_due)}"
    return "to file"


def fit_rows(view: QTableView, count: int, at_least: int, *, grow: bool = True) -> None:
    """Give a table the height of its header and `at_least` whole rows (fewer if it has fewer), and with
    `grow` let it take up to the height of every row; more rows than fit scroll."""
    header = view.verticalHeader()
    # The style's padding can make a row taller than the default section size: measure a real one.
    row = max(header.defaultSectionSize(), header.sectionSize(0) if count else 0, view.sizeHintForRow(0))
    chrome = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth() + 2
    view.setMinimumHeight(chrome + max(1, min(count, at_least)) * row)
    view.setMaximumHeight(chrome + max(1, count if grow else min(count, at_least)) * row)


def _line_key(line: BoardLine) -> Hashable:
    return (line.appointment_id, line.intake_id, line.code)


def _reselect(view: QTableView, model: RowsModel[Row], key: Callable[[Row], Hashable], chosen: object | None) -> None:
    """Select again the row that was selected before a reload, found by its key."""
    if chosen is None:
        return
    wanted = key(chosen)  # type: ignore[arg-type]
    for number, row in enumerate(model.rows):
        if key(row) == wanted:
            while model.shown_count() <= number and model.canFetchMore(QModelIndex()):
                model.fetchMore(QModelIndex())
            view.selectRow(number)
            return
