"""What every part of the `kiosk` command shares: exit codes, the error a person reads, the data folder,
who is acting (for the audit log), and running one action on a backend that is closed afterwards.

kiosk/cli.py builds the parser; cli_staff.py and cli_documents.py add their sub-commands to it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.services.backend import Backend
    from kiosk.services.permissions import Permission
    from kiosk.services.staff_accounts import StaffIdentity

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2

OpenBackend = Callable[[argparse.Namespace], "Backend"]
AddCommon = Callable[[argparse.ArgumentParser], None]


class CliError(Exception):
    """A failure with a message for the person at the keyboard."""


MAX_RECORD_ID = 2**63 - 1
"""The largest id a database row can have (SQLite's INTEGER and PostgreSQL's BIGINT alike)."""


def intake_id_argument(text: str) -> int:
    """An intake number as typed on the command line; one sentence when it cannot be one."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an intake number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("an intake number is 1 or more")
    if value > MAX_RECORD_ID:
        raise argparse.ArgumentTypeError(f"there is no intake {text[:40]}: intake numbers are far smaller")
    return value


def data_dir(args: argparse.Namespace) -> Path:
    """--data-dir, or the platform's user data folder."""
    from kiosk.settings import default_data_dir

    value = getattr(args, "data_dir", None)
    return Path(value).expanduser().resolve() if value else default_data_dir()


def cli_actor() -> str:
    """Who ran the command, for the audit log: the operating-system account."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def run_with_backend(
    open_backend: OpenBackend,
    args: argparse.Namespace,
    action: Callable[[Backend], int],
    refusals: tuple[type[Exception], ...],
) -> int:
    """Run `action` on the backend; a refusal the services explain becomes one CliError message."""
    backend = open_backend(args)
    try:
        return action(backend)
    except refusals as error:
        raise CliError(str(error)) from None
    finally:
        backend.engine.dispose()


def run_signed_in(
    open_backend: OpenBackend,
    args: argparse.Namespace,
    permission: Permission,
    action: Callable[[Backend, StaffIdentity], int],
    refusals: tuple[type[Exception], ...] = (),
) -> int:
    """Sign the person in (and check their role) before `action` touches anything; then as run_with_backend."""
    backend = open_backend(args)
    try:
        staff = sign_in(args, backend, permission)
        try:
            return action(backend, staff)
        except refusals as error:
            raise CliError(str(error)) from None
    finally:
        backend.engine.dispose()


# ----------------------------------------------------------------------------------------------- sign-in


def add_sign_in_options(parser: argparse.ArgumentParser) -> None:
    """--user and --password-stdin, accepted before or after the sub-command like --data-dir."""
    parser.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        metavar="NAME",
        help="staff account to sign in with (commands that read or change patient data or accounts need one)",
    )
    parser.add_argument(
        "--password-stdin",
        action="store_true",
        default=argparse.SUPPRESS,
        help="read the password from the first line of standard input instead of asking for it",
    )


def _read_password(args: argparse.Namespace, username: str) -> str:
    if getattr(args, "password_stdin", False):
        line = sys.stdin.readline()
        if not line:
            raise CliError("--password-stdin was given but standard input was empty")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError("no password: give --password-stdin and pipe the password in, or run this at a terminal")
    try:
        return getpass.getpass(f"Password for {username}: ")
    except EOFError:
        raise CliError("no password was typed") from None


def sign_in(args: argparse.Namespace, backend: Backend, permission: Permission) -> StaffIdentity:
    """The staff member running this command, signed in with the console's lockout and audit, and allowed to
    do `permission`; a CliError (one sentence) otherwise.

    The user is --user, or asked for at a terminal. A wrong password counts toward the same lockout as the
    console's sign-in, and the refusal by role is the services' own RoleRefusedError message.
    """
    from kiosk.services.permissions import RoleRefusedError, require
    from kiosk.services.staff_accounts import SignInError
    from kiosk.services.staff_accounts import sign_in as sign_in_staff

    username = getattr(args, "user", None)
    if not username:
        if not sys.stdin.isatty() or getattr(args, "password_stdin", False):
            raise CliError("this command needs a staff sign-in: give --user NAME (and --password-stdin)")
        try:
            username = input("Staff user: ").strip()
        except EOFError:
            raise CliError("no staff user was typed") from None
    password = _read_password(args, username)
    try:
        staff = sign_in_staff(backend, username, password)
    except SignInError as error:
        raise CliError(f"sign-in refused: {error}") from None
    try:
        require(staff, permission)
    except RoleRefusedError as error:
        raise CliError(str(error)) from None
    return staff
