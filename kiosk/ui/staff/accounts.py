"""The admin's accounts view: who can use the console and the tablet's PIN pad, in which role.

Every change goes through the staff-accounts service, which audits it and refuses what would lock the
clinic out (disabling the last admin) or blur the audit (two people sharing a PIN).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QVBoxLayout, QWidget

from kiosk.domain.statuses import StaffRole
from kiosk.services.staff_accounts import (
    MIN_PASSWORD_LENGTH,
    StaffUserView,
    create_staff_user,
    disable_user,
    enable_user,
    list_staff_users,
    reset_password,
    set_pin,
)
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import (
    StatusLine,
    add_row,
    button_row,
    date_and_time,
    line_edit,
    push_button,
    show_refusal,
    text_label,
)
from kiosk.ui.staff.dialogs import ConfirmDialog
from kiosk.ui.staff.rows_model import Column, RowsModel, selected_row, table_view
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

ROLE_NAMES = {StaffRole.FRONT_DESK: "Front desk", StaffRole.CLINICIAN: "Clinician", StaffRole.ADMIN: "Admin"}


def account_status(user: StaffUserView, now_text: Callable[[StaffUserView], str]) -> str:
    if user.disabled:
        return "Disabled"
    if user.locked_until is not None:
        return now_text(user)
    return "Enabled"


def _refused(status: StatusLine, doing: str, error: Exception) -> None:
    show_refusal(status, doing, error)


class AddAccountDialog(QDialog):
    """A new staff account.

    Signals:
        added(str): the username of the account made.
    """

    added = Signal(str)

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setWindowTitle("Add account")
        self.setMinimumWidth(480)
        column = QVBoxLayout(self)
        form = QFormLayout()
        self.username = line_edit("Username", placeholder="e.g. dana.lee")
        self.full_name = line_edit("Full name", placeholder="as staff should see it")
        self.role = QComboBox()
        for role in (StaffRole.FRONT_DESK, StaffRole.CLINICIAN, StaffRole.ADMIN):
            self.role.addItem(ROLE_NAMES[role], role.value)
        self.password = line_edit("Password", password=True, placeholder=f"at least {MIN_PASSWORD_LENGTH} characters")
        self.repeat = line_edit("Repeat the password", password=True)
        for name, field in (
            ("Username", self.username),
            ("Full name", self.full_name),
            ("Role", self.role),
            ("Password", self.password),
            ("Repeat the password", self.repeat),
        ):
            add_row(form, name, field)
        column.addLayout(form)
        self.status = StatusLine()
        column.addWidget(self.status)
        self.cancel_button = push_button("Cancel")
        self.add_button = push_button("Add account", ButtonRole.PRIMARY)
        column.addLayout(button_row(trailing=[self.cancel_button, self.add_button]))
        self.cancel_button.clicked.connect(self.reject)
        self.add_button.clicked.connect(self._on_add_button_clicked)

    @Slot()
    def _on_add_button_clicked(self) -> None:
        username, name, password = self.username.text().strip(), self.full_name.text().strip(), self.password.text()
        if password != self.repeat.text():
            self.status.show_error("The two passwords are not the same; type them again.")
            return
        role = StaffRole(str(self.role.currentData()))
        context = self._context
        self.add_button.setEnabled(False)

        def done(_: object) -> None:
            self.add_button.setEnabled(True)
            self.added.emit(username.lower())
            self.accept()

        def failed(error: Exception) -> None:
            self.add_button.setEnabled(True)
            _refused(self.status, "adding an account", error)

        context.runner.submit(
            lambda: create_staff_user(
                context.backend,
                context.identity,
                username=username,
                display_name=name,
                role=role,
                password=password,
            ),
            done,
            failed,
        )


class SecretDialog(QDialog):
    """Type a new password or PIN twice; `change` stores it (on the runner).

    Signals:
        changed: the new secret was stored.
    """

    changed = Signal()

    def __init__(
        self,
        context: StaffContext,
        title: str,
        explanation: str,
        field_name: str,
        repeat_name: str,
        action: str,
        change: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._change = change
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        column = QVBoxLayout(self)
        column.addWidget(text_label(explanation, TextRole.BODY))
        form = QFormLayout()
        self.secret = line_edit(field_name, password=True)
        self.repeat = line_edit(repeat_name, password=True)
        add_row(form, field_name, self.secret)
        add_row(form, repeat_name, self.repeat)
        column.addLayout(form)
        self.status = StatusLine()
        column.addWidget(self.status)
        self.cancel_button = push_button("Cancel")
        self.action_button = push_button(action, ButtonRole.PRIMARY)
        column.addLayout(button_row(trailing=[self.cancel_button, self.action_button]))
        self.cancel_button.clicked.connect(self.reject)
        self.action_button.clicked.connect(self._on_action_button_clicked)
        self.repeat.returnPressed.connect(self._on_action_button_clicked)

    @Slot()
    def _on_action_button_clicked(self) -> None:
        secret = self.secret.text()
        if secret != self.repeat.text():
            self.status.show_error("The two entries are not the same; type them again.")
            for field in (self.secret, self.repeat):
                field.clear()
            self.secret.setFocus()
            return
        self.action_button.setEnabled(False)
        change = self._change

        def done(_: object) -> None:
            self.action_button.setEnabled(True)
            self.changed.emit()
            self.accept()

        def failed(error: Exception) -> None:
            self.action_button.setEnabled(True)
            _refused(self.status, self.windowTitle(), error)

        self._context.runner.submit(lambda: change(secret), done, failed)


def last_sign_in(user: StaffUserView) -> str:
    """When the account last signed in (password or tablet PIN), or "Never"."""
    return date_and_time(user.last_signed_in_at) if user.last_signed_in_at is not None else "Never"


class AccountsView(QWidget):
    """Every staff account with the admin's changes."""

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.dialog: QDialog | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(8)
        column.addWidget(text_label("Accounts", TextRole.TITLE))
        column.addWidget(
            text_label(
                "Front desk: schedule, check-ins and printing. Clinicians also see scores and answers, acknowledge "
                "flags and review intakes. Admins also manage accounts and read the audit log.",
                TextRole.HINT,
            )
        )
        self.model = RowsModel[StaffUserView](
            [
                Column("Username", lambda user: user.username),
                Column("Name", lambda user: user.display_name),
                Column("Role", lambda user: ROLE_NAMES[user.role]),
                Column("Status", lambda user: account_status(user, self._lock_text)),
                Column("PIN", lambda user: "Set" if user.has_pin else "None"),
                Column("Created", lambda user: date_and_time(user.created_at)),
                Column("Last sign-in", last_sign_in),
            ],
            tone=lambda user: Tone.QUIET if user.disabled else (Tone.HOLD if self._is_locked(user) else None),
        )
        self.table = table_view(self.model, "Staff accounts")
        column.addWidget(self.table, 1)
        self.add_button = push_button("Add account...", ButtonRole.PRIMARY)
        self.reset_button = push_button("Reset password...")
        self.pin_button = push_button("Set PIN...")
        self.disable_button = push_button("Disable")
        self.enable_button = push_button("Enable")
        column.addLayout(
            button_row(
                self.add_button, self.reset_button, self.pin_button, trailing=[self.disable_button, self.enable_button]
            )
        )
        self.status = StatusLine()
        column.addWidget(self.status)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.reset_button.clicked.connect(self._on_reset_button_clicked)
        self.pin_button.clicked.connect(self._on_pin_button_clicked)
        self.disable_button.clicked.connect(self._on_disable_button_clicked)
        self.enable_button.clicked.connect(self._on_enable_button_clicked)
        selection = self.table.selectionModel()
        assert selection is not None
        selection.selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _is_locked(self, user: StaffUserView) -> bool:
        return user.locked_until is not None and user.locked_until > self._context.backend.now()

    def _lock_text(self, user: StaffUserView) -> str:
        if self._is_locked(user) and user.locked_until is not None:
            return f"Locked until {date_and_time(user.locked_until)} (Reset password unlocks it)"
        return "Enabled"

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    @Slot()
    def reload(self) -> None:
        backend, staff = self._context.backend, self._context.identity
        self._context.runner.submit(lambda: list_staff_users(backend, staff), self._on_loaded, self._on_load_failed)

    def _on_loaded(self, users: tuple[StaffUserView, ...]) -> None:
        chosen = self.selected_user()
        self.model.set_rows(users)
        if chosen is not None:
            for number, user in enumerate(self.model.rows[: self.model.shown_count()]):
                if user.user_id == chosen.user_id:
                    self.table.selectRow(number)
        self._update_buttons()

    def _on_load_failed(self, error: Exception) -> None:
        show_refusal(self.status, "The accounts could not be read", error)

    def selected_user(self) -> StaffUserView | None:
        user = selected_row(self.table)
        return user if isinstance(user, StaffUserView) else None

    @Slot()
    def _update_buttons(self) -> None:
        user = self.selected_user()
        for button in (self.reset_button, self.pin_button):
            button.setEnabled(user is not None)
        self.disable_button.setEnabled(user is not None and not user.disabled)
        self.enable_button.setEnabled(user is not None and user.disabled)

    def _done(self, message: str) -> None:
        self.status.show_message(message, Tone.GOOD)
        self.reload()

    # ----------------------------------------------------------------------------------- changes

    @Slot()
    def _on_add_button_clicked(self) -> None:
        dialog = AddAccountDialog(self._context, self)
        dialog.added.connect(lambda name: self._done(f"Added the account {name}."))
        self.dialog = dialog
        dialog.open()

    @Slot()
    def _on_reset_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        context = self._context
        dialog = SecretDialog(
            context,
            "Reset password",
            f"A new password for {user.display_name} ({user.username}); this also lifts a lock.",
            "New password",
            "Repeat the new password",
            "Reset password",
            lambda secret: reset_password(context.backend, user.username, secret, context.identity),
            self,
        )
        dialog.changed.connect(lambda: self._done(f"The password of {user.username} was reset."))
        self.dialog = dialog
        dialog.open()

    @Slot()
    def _on_pin_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        context = self._context
        dialog = SecretDialog(
            context,
            "Set PIN",
            f"A 4 to 8 digit PIN for {user.display_name} ({user.username}), for the tablet's hidden staff PIN pad.",
            "PIN",
            "Repeat the PIN",
            "Set PIN",
            lambda secret: set_pin(context.backend, user.username, secret, context.identity),
            self,
        )
        dialog.changed.connect(lambda: self._done(f"The PIN of {user.username} was set."))
        self.dialog = dialog
        dialog.open()

    @Slot()
    def _on_disable_button_clicked(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        dialog = ConfirmDialog(
            "Disable account",
            f"Disable the account of {user.display_name} ({user.username})? They can no longer sign in or use the "
            "PIN pad; their history stays in the audit log, and Enable brings the account back.",
            "Disable",
            "Keep it enabled",
            self,
        )
        dialog.accepted.connect(lambda: self._change(user, disable_user, "disabled"))
        self.dialog = dialog
        dialog.open()

    @Slot()
    def _on_enable_button_clicked(self) -> None:
        user = self.selected_user()
        if user is not None:
            self._change(user, enable_user, "enabled")

    def _change(self, user: StaffUserView, change: Callable[..., None], done: str) -> None:
        context = self._context
        context.runner.submit(
            lambda: change(context.backend, user.username, context.identity),
            lambda _: self._done(f"The account {user.username} is {done}."),
            lambda error: _refused(self.status, f"changing the account {user.username}", error),
        )
