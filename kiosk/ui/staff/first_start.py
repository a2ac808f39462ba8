"""The first start of a new clinic's console: nobody can sign in yet, so the first admin account is made here.

It only appears while the database has no enabled admin account. The person who makes it is signed in
as that admin straight away and can add everyone else from Accounts.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFormLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.domain.statuses import StaffRole
from kiosk.services.backend import Backend
from kiosk.services.staff_accounts import (
    MIN_PASSWORD_LENGTH,
    StaffAccountError,
    StaffIdentity,
    create_staff_user,
    has_admin,
)
from kiosk.ui.service_runner import ServiceRunner
from kiosk.ui.staff.controls import StatusLine, add_row, button_row, line_edit, push_button, show_refusal, text_label
from kiosk.ui.staff.sign_in import CenteredCard
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

FIRST_START_ACTOR = "first-start"


class AdminExistsError(StaffAccountError):
    """Another desk made the first admin while this one was filling in the form."""


def _create_first_admin(backend: Backend, username: str, display_name: str, password: str) -> StaffIdentity:
    """Create the admin, unless another desk created one meanwhile (then they sign in with that one)."""
    if has_admin(backend):
        raise AdminExistsError("An admin account was created meanwhile on another computer; sign in with it.")
    return create_staff_user(
        backend,
        None,
        username=username,
        display_name=display_name,
        role=StaffRole.ADMIN,
        password=password,
        first_admin_by=FIRST_START_ACTOR,
    )


class FirstStartWizard(CenteredCard):
    """Two steps: what this is, then the admin account.

    Signals:
        admin_created(object): the StaffIdentity of the new admin, who is now signed in.
        admin_exists: an admin appeared meanwhile; the console shows the sign-in instead.
    """

    admin_created = Signal(object)
    admin_exists = Signal()

    def __init__(self, backend: Backend, runner: ServiceRunner, parent: QWidget | None = None) -> None:
        super().__init__("Set up the staff console", parent)
        self._backend = backend
        self._runner = runner
        self.steps = QStackedWidget()
        self.body.addWidget(self.steps)

        welcome = QWidget()
        column = QVBoxLayout(welcome)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(
            text_label(
                f"This is the first start of the staff console for {backend.settings.clinic_name}. Nobody has "
                "an admin account yet, so first make one for the clinic admin. The admin then adds the front "
                "desk and the clinicians under Accounts."
            )
        )
        self.next_button = push_button("Next", ButtonRole.PRIMARY)
        column.addLayout(button_row(trailing=[self.next_button]))
        self.steps.addWidget(welcome)

        account = QWidget()
        column = QVBoxLayout(account)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(text_label("Step 2 of 2: the admin account", TextRole.QUESTION))
        form = QFormLayout()
        self.username = line_edit("Username", placeholder="e.g. dana.lee")
        self.full_name = line_edit("Full name", placeholder="as staff should see it")
        self.password = line_edit("Password", password=True, placeholder=f"at least {MIN_PASSWORD_LENGTH} characters")
        self.repeat = line_edit("Repeat the password", password=True)
        for name, field in (
            ("Username", self.username),
            ("Full name", self.full_name),
            ("Password", self.password),
            ("Repeat the password", self.repeat),
        ):
            add_row(form, name, field)
        column.addLayout(form)
        self.status = StatusLine()
        column.addWidget(self.status)
        self.back_button = push_button("Back")
        self.create_button = push_button("Create admin account", ButtonRole.PRIMARY)
        column.addLayout(button_row(self.back_button, trailing=[self.create_button]))
        self.steps.addWidget(account)

        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.back_button.clicked.connect(lambda: self.steps.setCurrentIndex(0))
        self.create_button.clicked.connect(self._on_create_button_clicked)
        self.repeat.returnPressed.connect(self._on_create_button_clicked)

    @Slot()
    def _on_next_button_clicked(self) -> None:
        self.steps.setCurrentIndex(1)
        self.username.setFocus()

    @Slot()
    def _on_create_button_clicked(self) -> None:
        username, name = self.username.text().strip(), self.full_name.text().strip()
        password, repeat = self.password.text(), self.repeat.text()
        if not username or not name or not password:
            self.status.show_error("Fill in the username, the full name and the password.")
            return
        if password != repeat:
            self.status.show_error("The two passwords are not the same; type them again.")
            self.password.clear()
            self.repeat.clear()
            self.password.setFocus()
            return
        self.create_button.setEnabled(False)
        backend = self._backend
        self._runner.submit(
            lambda: _create_first_admin(backend, username, name, password), self._on_created, self._on_failed
        )

    def _on_created(self, identity: StaffIdentity) -> None:
        self.create_button.setEnabled(True)
        self.password.clear()
        self.repeat.clear()
        log.info("first admin account %s created", identity.username)
        self.admin_created.emit(identity)

    def _on_failed(self, error: Exception) -> None:
        self.create_button.setEnabled(True)
        show_refusal(self.status, "The account was not saved", error)
        if isinstance(error, AdminExistsError):
            self.admin_exists.emit()
