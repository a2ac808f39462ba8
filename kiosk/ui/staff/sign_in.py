"""Signing in to the console, and unlocking it again after it locked itself.

Both check the password with the same service (five wrong passwords lock the account for five minutes,
and each try is audited). The lock screen accepts only the person who was signed in; anyone else signs
out first, so one person's open screens never become another's.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.services.backend import Backend
from kiosk.services.staff_accounts import SignInError, StaffIdentity, sign_in
from kiosk.ui.service_runner import ServiceRunner
from kiosk.ui.staff.controls import StatusLine, add_row, button_row, line_edit, push_button, text_label
from kiosk.ui.staff.waiting_alerts import WaitingCountLabel
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

CARD_WIDTH = 520
UNEXPECTED_FAILURE = (
    "The password could not be checked because of a problem with the database. Try again; if it keeps "
    "happening, the log file in the data folder's logs/ says what went wrong."
)


class CenteredCard(QWidget):
    """A white card in the middle of the window, holding a small form."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.card = QWidget()
        self.card.setObjectName("staffCard")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.card.setFixedWidth(CARD_WIDTH)
        row.addWidget(self.card)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.body = QVBoxLayout(self.card)
        self.body.setContentsMargins(32, 28, 32, 28)
        self.body.setSpacing(14)
        self.title = text_label(title, TextRole.TITLE)
        self.body.addWidget(self.title)


class SignInView(CenteredCard):
    """Username and password.

    Signals:
        signed_in(object): the StaffIdentity whose password was right.
    """

    signed_in = Signal(object)

    def __init__(self, backend: Backend, runner: ServiceRunner, parent: QWidget | None = None) -> None:
        super().__init__("Staff sign-in", parent)
        self._backend = backend
        self._runner = runner
        self.body.addWidget(text_label(backend.settings.clinic_name, TextRole.HINT))
        form = QFormLayout()
        form.setSpacing(10)
        self.username = line_edit("Username")
        self.password = line_edit("Password", password=True)
        add_row(form, "Username", self.username)
        add_row(form, "Password", self.password)
        self.body.addLayout(form)
        self.status = StatusLine()
        self.body.addWidget(self.status)
        self.sign_in_button = push_button("Sign in", ButtonRole.PRIMARY)
        self.sign_in_button.setDefault(True)
        self.body.addLayout(button_row(trailing=[self.sign_in_button]))
        self.sign_in_button.clicked.connect(self._on_sign_in_button_clicked)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._on_sign_in_button_clicked)
        self.setFocusProxy(self.username)

    def reset(self) -> None:
        """Forget what was typed (after a sign-out)."""
        self.username.clear()
        self.password.clear()
        self.status.clear_message()
        self.sign_in_button.setEnabled(True)

    @Slot()
    def _on_sign_in_button_clicked(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.status.show_error("Type your username and your password, then choose Sign in.")
            (self.username if not username else self.password).setFocus()
            return
        self.sign_in_button.setEnabled(False)
        backend = self._backend
        self._runner.submit(lambda: sign_in(backend, username, password), self._on_signed_in, self._on_refused)

    def _on_signed_in(self, identity: StaffIdentity) -> None:
        self.password.clear()
        self.status.clear_message()
        self.sign_in_button.setEnabled(True)
        self.signed_in.emit(identity)

    def _on_refused(self, error: Exception) -> None:
        self.sign_in_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if isinstance(error, SignInError):
            log.info("staff sign-in refused: %s", error)
            self.status.show_error(str(error))
        else:
            log.error("checking a staff password failed", exc_info=error)
            self.status.show_error(UNEXPECTED_FAILURE)


class LockView(CenteredCard):
    """The console after a quiet spell: nothing of it shows until the same person types the password.

    Signals:
        unlocked: the password of the signed-in person was right.
        sign_out_requested: someone else wants the console; the signed-in person is signed out.
    """

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, backend: Backend, runner: ServiceRunner, parent: QWidget | None = None) -> None:
        super().__init__("Console locked", parent)
        self._backend = backend
        self._runner = runner
        self._identity: StaffIdentity | None = None
        self.who = text_label("", TextRole.BODY)
        self.body.addWidget(self.who)
        # How many urgent flags and holds wait, never whose (the window's WaitingWatcher fills it in).
        self.waiting = WaitingCountLabel()
        self.body.addWidget(self.waiting)
        form = QFormLayout()
        self.password = line_edit("Password", password=True)
        add_row(form, "Password", self.password)
        self.body.addLayout(form)
        self.status = StatusLine()
        self.body.addWidget(self.status)
        self.unlock_button = push_button("Unlock", ButtonRole.PRIMARY)
        self.unlock_button.setDefault(True)
        self.sign_out_button = push_button("Sign out")
        self.body.addLayout(button_row(self.sign_out_button, trailing=[self.unlock_button]))
        self.unlock_button.clicked.connect(self._on_unlock_button_clicked)
        self.password.returnPressed.connect(self._on_unlock_button_clicked)
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.setFocusProxy(self.password)

    def lock_for(self, identity: StaffIdentity) -> None:
        self._identity = identity
        self.who.setText(
            f"Signed in as {identity.display_name}. The console locked itself after a quiet spell; type your "
            "password to go on, or sign out so someone else can sign in."
        )
        self.who.setAccessibleName(self.who.text())
        self.password.clear()
        self.status.clear_message()
        self.unlock_button.setEnabled(True)

    @Slot()
    def _on_unlock_button_clicked(self) -> None:
        identity = self._identity
        password = self.password.text()
        if identity is None:
            return
        if not password:
            self.status.show_error("Type your password, then choose Unlock.")
            return
        self.unlock_button.setEnabled(False)
        backend = self._backend
        self._runner.submit(
            lambda: sign_in(backend, identity.username, password), self._on_password_checked, self._on_refused
        )

    def _on_password_checked(self, identity: StaffIdentity) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        if self._identity is None or identity.user_id != self._identity.user_id:
            self.status.show_error("Only the person who was signed in can unlock; others choose Sign out.")
            return
        self.status.clear_message()
        self.unlocked.emit()

    def _on_refused(self, error: Exception) -> None:
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        if isinstance(error, SignInError):
            log.info("console unlock refused: %s", error)
            self.status.show_error(str(error))
        else:
            log.error("checking a staff password to unlock failed", exc_info=error)
            self.status.show_error(UNEXPECTED_FAILURE)
