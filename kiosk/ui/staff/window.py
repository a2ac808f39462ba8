"""The staff console window: the controller that decides what shows, from sign-in to lock to sign-out.

It starts at the first-start wizard when the clinic has no admin yet, else at the sign-in (or straight
in, when the tablet's PIN pad already said who it is). After five quiet minutes it locks: every console
view and dialog is hidden until the same person types their password again. Service calls run on two
ServiceRunners (see context.py); the window owns them and stops them when it closes.
"""

from __future__ import annotations

import logging
from functools import partial

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.services.backend import Backend
from kiosk.services.packets import PacketMaker
from kiosk.services.staff_accounts import StaffIdentity, has_admin
from kiosk.ui.service_runner import ServiceRunner
from kiosk.ui.staff.console import ConsoleView
from kiosk.ui.staff.context import PatientDirectory, StaffContext
from kiosk.ui.staff.first_start import FirstStartWizard
from kiosk.ui.staff.idle_lock import LOCK_AFTER_SECONDS, ConsoleIdleGuard, belongs_to
from kiosk.ui.staff.sign_in import LockView, SignInView
from kiosk.ui.staff.style import console_stylesheet
from kiosk.ui.staff.waiting_alerts import UrgentAlert, WaitingWatcher

log = logging.getLogger(__name__)

DEFAULT_SIZE = (1440, 900)
MINIMUM_SIZE = (1100, 720)


class StaffWindow(QWidget):
    """Sign-in, first start, the console and its lock screen, one at a time.

    Signals:
        signed_in(object): a StaffIdentity now uses the console.
        locked: the console locked itself (or was locked); nothing of it is visible.
        unlocked: the same person typed their password again.
        signed_out: the person signed out; the sign-in shows.
    """

    signed_in = Signal(object)
    locked = Signal()
    unlocked = Signal()
    signed_out = Signal()

    def __init__(
        self,
        backend: Backend,
        *,
        identity: StaffIdentity | None = None,
        lock_after_seconds: float = LOCK_AFTER_SECONDS,
        printer: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.backend = backend
        self.printer = printer
        """The print queue for packets; None means the settings' printer, else the system default."""
        self.identity: StaffIdentity | None = None
        self.console: ConsoleView | None = None
        self.is_locked = False
        self._hidden_windows: list[QWidget] = []
        app = QApplication.instance()
        assert isinstance(app, QApplication), "the staff console needs a QApplication"
        self.setObjectName("staffWindow")
        self.setWindowTitle(f"{backend.settings.clinic_name}: staff console")
        self.setMinimumSize(*MINIMUM_SIZE)
        self.setStyleSheet(console_stylesheet())
        self.runner = ServiceRunner(self)
        self.slow_runner = ServiceRunner(self)
        # However the window goes (closed, or deleted with the last reference to it), the worker threads stop
        # first: Qt aborts the process when a running QThread is destroyed. `destroyed` is sent before the
        # window's children (the runners and their threads) are deleted.
        self.destroyed.connect(partial(stop_runners, (self.runner, self.slow_runner)))
        self.packets = PacketMaker(backend)
        self.patients: PatientDirectory | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack)
        self.sign_in_view = SignInView(backend, self.runner)
        self.first_start = FirstStartWizard(backend, self.runner)
        self.lock_view = LockView(backend, self.runner)
        for view in (self.sign_in_view, self.first_start, self.lock_view):
            self.stack.addWidget(view)
        self.sign_in_view.signed_in.connect(self.enter)
        self.first_start.admin_created.connect(self.enter)
        self.first_start.admin_exists.connect(self._on_first_start_admin_exists)
        self.lock_view.unlocked.connect(self._on_lock_view_unlocked)
        self.lock_view.sign_out_requested.connect(self.sign_out)

        self.idle_guard = ConsoleIdleGuard(app, self, lock_after_seconds=lock_after_seconds)
        self.idle_guard.timed_out.connect(self.lock)

        # Counted while signed in, locked or not: the lock screen shows the numbers, a new urgent flag chimes.
        self.waiting = WaitingWatcher(backend, self.runner, self)
        self.alert = UrgentAlert(chime=backend.settings.urgent_chime, parent=self)
        self.waiting.counts_changed.connect(self.lock_view.waiting.show_counts)
        self.waiting.urgent_arrived.connect(self.alert.announce)

        if identity is not None:
            self.enter(identity)
        else:
            self.stack.setCurrentWidget(self.sign_in_view)
            self.runner.submit(lambda: has_admin(backend), self._on_admin_checked, self._on_admin_check_failed)

    # ----------------------------------------------------------------------------------- properties

    @property
    def lock_after_seconds(self) -> float:
        """How long the console may sit untouched before it locks."""
        return self.idle_guard.lock_after_seconds()

    @lock_after_seconds.setter
    def lock_after_seconds(self, seconds: float) -> None:
        self.idle_guard.set_lock_after(seconds)

    def current_view(self) -> QWidget | None:
        return self.stack.currentWidget()

    # ----------------------------------------------------------------------------------- first start

    def _on_admin_checked(self, exists: object) -> None:
        if not exists and self.identity is None:
            self.stack.setCurrentWidget(self.first_start)

    def _on_admin_check_failed(self, error: Exception) -> None:
        log.error("could not check whether an admin account exists", exc_info=error)
        self.sign_in_view.status.show_error(
            f"The staff accounts could not be read ({error}). Check the database, then start the console again."
        )

    @Slot()
    def _on_first_start_admin_exists(self) -> None:
        self.stack.setCurrentWidget(self.sign_in_view)
        self.sign_in_view.status.show_message("An admin account exists now; sign in with it.")

    # ----------------------------------------------------------------------------------- signing in and out

    @Slot(object)
    def enter(self, identity: StaffIdentity) -> None:
        """Open the console for `identity` (after the password, the first-start wizard or the tablet's PIN)."""
        if self.console is not None:
            self._drop_console()
        self.identity = identity
        # One index per signed-in person: the service builds it only for a role that may search patients.
        self.patients = PatientDirectory(self.backend, identity, self.runner)
        context = StaffContext(
            backend=self.backend,
            identity=identity,
            runner=self.runner,
            slow_runner=self.slow_runner,
            patients=self.patients,
            packets=self.packets,
            printer=self.printer,
        )
        self.console = ConsoleView(context)
        self.console.lock_requested.connect(self.lock)
        self.console.sign_out_requested.connect(self.sign_out)
        self.stack.addWidget(self.console)
        self.stack.setCurrentWidget(self.console)
        self.is_locked = False
        self.idle_guard.set_enabled(True)
        self.console.start()
        self.waiting.start(identity)
        self.console.board.flags_view.setFocus()
        log.info("staff console opened for %s", identity.username)
        self.signed_in.emit(identity)

    @Slot()
    def sign_out(self) -> None:
        """Close the console of whoever is signed in; the sign-in shows, with nothing of theirs kept."""
        if self.identity is not None:
            from kiosk.services.audit_log import record_staff_action

            backend, staff = self.backend, self.identity
            self.runner.submit(lambda: record_staff_action(backend, staff, "staff.sign_out"), None, _log_failure)
        self.idle_guard.set_enabled(False)
        self.waiting.stop()
        self.lock_view.waiting.show_counts(None)
        self.alert.hide()
        for window in self._hidden_windows:
            window.close()
        self._hidden_windows.clear()
        self._drop_console()
        self.identity = None
        self.is_locked = False
        self.sign_in_view.reset()
        self.stack.setCurrentWidget(self.sign_in_view)
        self.sign_in_view.username.setFocus()
        self.signed_out.emit()

    def _drop_console(self) -> None:
        console = self.console
        if console is None:
            return
        console.stop()
        # Answers still on their way belong to screens that are going away.
        self.runner.forget_pending()
        self.slow_runner.forget_pending()
        for window in self._console_windows():
            window.close()
        self.stack.removeWidget(console)
        console.deleteLater()
        self.console = None

    # ----------------------------------------------------------------------------------- locking

    def _console_windows(self) -> list[QWidget]:
        """Dialogs and popups of the console that are on screen."""
        return [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not self and widget.isVisible() and belongs_to(widget, self)
        ]

    @Slot()
    def lock(self) -> None:
        """Hide the console and its dialogs until the same person types their password."""
        if self.identity is None or self.is_locked:
            return
        self.is_locked = True
        self.idle_guard.set_enabled(False)
        self._hidden_windows = self._console_windows()
        for window in self._hidden_windows:
            window.hide()
        self.lock_view.lock_for(self.identity)
        self.lock_view.waiting.show_counts(self.waiting.counts)
        self.stack.setCurrentWidget(self.lock_view)
        self.lock_view.password.setFocus()
        log.info("staff console locked for %s", self.identity.username)
        self.locked.emit()

    @Slot()
    def _on_lock_view_unlocked(self) -> None:
        if self.console is None:
            return
        self.is_locked = False
        self.stack.setCurrentWidget(self.console)
        for window in self._hidden_windows:
            window.show()
        self._hidden_windows.clear()
        self.idle_guard.set_enabled(True)
        self.unlocked.emit()

    # ----------------------------------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.console is not None:
            self.console.stop()
        self.waiting.stop()
        self.alert.hide()
        self.idle_guard.uninstall()
        stop_runners((self.runner, self.slow_runner))
        super().closeEvent(event)


def stop_runners(runners: tuple[ServiceRunner, ...]) -> None:
    """Let the calls already running finish, drop their answers, and stop the worker threads."""
    for runner in runners:
        runner.forget_pending()
        runner.shutdown()


def build_staff_console(
    backend: Backend,
    *,
    identity: StaffIdentity | None = None,
    lock_after_seconds: float = LOCK_AFTER_SECONDS,
    printer: str | None = None,
) -> StaffWindow:
    """The staff console window (not yet shown); with `identity` (the tablet's PIN) it skips the sign-in."""
    return StaffWindow(backend, identity=identity, lock_after_seconds=lock_after_seconds, printer=printer)


def run_staff_console(backend: Backend) -> int:
    """`kiosk staff`: the console as a normal desktop window, until it is closed."""
    from kiosk.app import application, setup_logging
    from kiosk.ui.theme import apply_theme

    app = application()
    setup_logging(backend.data_dir)
    apply_theme(app, large_text=False, high_contrast=False)
    window = build_staff_console(backend)
    window.resize(*DEFAULT_SIZE)
    window.show()
    return app.exec()


def _log_failure(error: Exception) -> None:
    log.error("a console service call failed: %r", error)
