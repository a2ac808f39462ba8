"""The console of one signed-in person: a header saying who it is, and the tabs their role may use.

Front desk: Board and Schedule. Clinicians also get Intake review, Patient chart and Dosing session. Admins
also get Audit and Accounts. A tab a role may not use is never built, so nothing of it can leak through.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from kiosk.services.permissions import Permission, allows
from kiosk.ui.staff.accounts import ROLE_NAMES, AccountsView
from kiosk.ui.staff.audit import AuditView
from kiosk.ui.staff.board import BoardView
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import push_button, text_label
from kiosk.ui.staff.dosing_session import DosingSessionView
from kiosk.ui.staff.intake_review import IntakeReviewView
from kiosk.ui.staff.patient_chart import PatientChartView
from kiosk.ui.staff.schedule import ScheduleView
from kiosk.ui.staff.settings_view import SettingsView
from kiosk.ui.theme import TextRole


class ConsoleView(QWidget):
    """Header and role-dependent tabs; the views inside wire to each other here.

    Signals:
        lock_requested: the person chose Lock (or pressed Ctrl+L).
        sign_out_requested: the person chose Sign out.
    """

    lock_requested = Signal()
    sign_out_requested = Signal()

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        identity = context.identity
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        header = QWidget()
        header.setObjectName("staffHeader")
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 16, 8)
        row.addWidget(text_label(context.backend.settings.clinic_name, TextRole.QUESTION, wrap=False))
        row.addStretch(1)
        self.who = text_label(
            f"Signed in as {identity.display_name}, {ROLE_NAMES[identity.role].lower()}", TextRole.HINT, wrap=False
        )
        row.addWidget(self.who)
        self.lock_button = push_button("Lock")
        self.sign_out_button = push_button("Sign out")
        row.addWidget(self.lock_button)
        row.addWidget(self.sign_out_button)
        column.addWidget(header)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setAccessibleName("Console")
        self.board = BoardView(context)
        self.schedule = ScheduleView(context)
        self.tabs.addTab(self.board, "Board")
        self.tabs.addTab(self.schedule, "Schedule")
        self.review: IntakeReviewView | None = None
        self.chart: PatientChartView | None = None
        self.audit: AuditView | None = None
        self.accounts: AccountsView | None = None
        self.settings: SettingsView | None = None
        if identity.can_review:
            self.review = IntakeReviewView(context)
            self.chart = PatientChartView(context)
            self.tabs.addTab(self.review, "Intake review")
            self.tabs.addTab(self.chart, "Patient chart")
            self.board.intake_requested.connect(self._on_board_intake_requested)
            self.board.chart_requested.connect(self._on_chart_requested)
            self.review.chart_requested.connect(self._on_chart_requested)
            self.review.reviewed.connect(self.board.reload_now)
        self.dosing: DosingSessionView | None = None
        if allows(identity, Permission.RECORD_DOSING):
            self.dosing = DosingSessionView(context)
            self.tabs.addTab(self.dosing, "Dosing session")
            self.board.session_requested.connect(self._on_board_session_requested)
            self.board.session_shown.connect(self._on_board_session_shown)
            self.dosing.changed.connect(self.board.reload_dosing)
        if identity.is_admin:
            self.audit = AuditView(context)
            self.accounts = AccountsView(context)
            self.settings = SettingsView(context)
            self.tabs.addTab(self.audit, "Audit")
            self.tabs.addTab(self.accounts, "Accounts")
            self.tabs.addTab(self.settings, "Settings")
        column.addWidget(self.tabs, 1)

        self.lock_button.clicked.connect(self.lock_requested)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.lock_shortcut = QShortcut(QKeySequence("Ctrl+L"), self)
        self.lock_shortcut.activated.connect(self.lock_requested)
        self.board.loaded.connect(self._on_board_first_loaded)

    def start(self) -> None:
        self.board.start()

    def stop(self) -> None:
        self.board.stop()

    def tab_names(self) -> list[str]:
        return [self.tabs.tabText(index) for index in range(self.tabs.count())]

    @Slot()
    def _on_board_first_loaded(self) -> None:
        """Build the patient index once the board is up, so the first search is quick and the board is not late."""
        self.board.loaded.disconnect(self._on_board_first_loaded)
        self.context.patients.warm_up()

    @Slot(int)
    def _on_board_intake_requested(self, intake_id: int) -> None:
        assert self.review is not None
        self.review.show_intake(intake_id)
        self.tabs.setCurrentWidget(self.review)

    @Slot(int)
    def _on_board_session_requested(self, intake_id: int) -> None:
        assert self.dosing is not None
        self.dosing.open_for_intake(intake_id)
        self.tabs.setCurrentWidget(self.dosing)

    @Slot(int)
    def _on_board_session_shown(self, session_id: int) -> None:
        assert self.dosing is not None
        self.dosing.open_session_id(session_id)
        self.tabs.setCurrentWidget(self.dosing)

    @Slot(int)
    def _on_chart_requested(self, patient_id: int) -> None:
        assert self.chart is not None
        self.chart.show_patient(patient_id)
        self.tabs.setCurrentWidget(self.chart)
