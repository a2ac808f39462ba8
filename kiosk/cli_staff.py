"""The staff side of the `kiosk` command: accounts, the audit check and a synthetic history.

`register` adds the sub-commands to the parser kiosk/cli.py builds; each handler opens the backend
through the function it is given, so this module shares cli.py's data-directory and error handling.
Passwords and PINs are read with getpass (never echoed, never taken from the command line, where they
would land in the shell history), or from standard input for scripts.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.services.backend import Backend
    from kiosk.services.permissions import StaffIdentity

from kiosk.cli_support import (
    EXIT_OK,
    EXIT_PROBLEM,
    AddCommon,
    CliError,
    OpenBackend,
    cli_actor,
    run_signed_in,
    run_with_backend,
)


def _read_secret(from_stdin: bool, what: str, flag: str, *, confirm: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError(f"no {what} on standard input")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CliError(f"no terminal to type the {what} in; pass it on standard input with {flag}")
    first = getpass.getpass(f"{what.capitalize()}: ")
    if confirm and getpass.getpass(f"{what.capitalize()} again: ") != first:
        raise CliError(f"the two {what}s typed differ; nothing was changed")
    return first


def _with_backend(open_backend: OpenBackend, args: argparse.Namespace, action: Callable[[Backend], int]) -> int:
    from kiosk.services.staff_accounts import StaffAccountError

    return run_with_backend(open_backend, args, action, (StaffAccountError,))


# ----------------------------------------------------------------------------------------------- staff-user


def _as_account_manager(
    open_backend: OpenBackend, args: argparse.Namespace, action: Callable[[Backend, StaffIdentity], int]
) -> int:
    """Run `action` as the signed-in admin (the sign-in's password is the first line of standard input with
    --password-stdin; a new password or PIN, where one is asked for, the next)."""
    from kiosk.services.permissions import Permission

    return run_signed_in(
        open_backend,
        args,
        Permission.MANAGE_ACCOUNTS,
        action,
        _account_refusals(),
    )


def _has_enabled_admin(backend: Backend) -> bool:
    from kiosk.services.staff_accounts import has_admin

    return has_admin(backend)


def cmd_staff_add(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    """Adding an account needs an admin's sign-in, except the very first admin of a new clinic (there is
    nobody to sign in as yet); that one is recorded in the audit log as added from the command line."""
    from kiosk.domain.statuses import StaffRole
    from kiosk.services.staff_accounts import create_staff_user

    def add(backend: Backend, staff: StaffIdentity | None) -> int:
        password = _read_secret(getattr(args, "password_stdin", False), "password", "--password-stdin", confirm=True)
        user = create_staff_user(
            backend,
            staff,
            username=args.username,
            display_name=args.name,
            role=StaffRole(args.role),
            password=password,
            first_admin_by=f"{cli_actor()} (first admin)",
        )
        print(f"added {user.username} ({user.display_name}), role {user.role.value}")
        return EXIT_OK

    backend = open_backend(args)
    try:
        first_admin = not _has_enabled_admin(backend)
        if first_admin and args.role != StaffRole.ADMIN.value:
            raise CliError("there is no admin account yet: add the clinic's first admin (--role admin) first")
        if first_admin:
            try:
                return add(backend, None)
            except _account_refusals() as error:
                raise CliError(str(error)) from None
    finally:
        backend.engine.dispose()
    return _as_account_manager(open_backend, args, add)


def _account_refusals() -> tuple[type[Exception], ...]:
    from kiosk.services.staff_accounts import StaffAccountError

    return (StaffAccountError,)


def cmd_staff_reset(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.staff_accounts import reset_password

    def action(backend: Backend, staff: StaffIdentity) -> int:
        password = _read_secret(
            getattr(args, "password_stdin", False), "new password", "--password-stdin", confirm=True
        )
        reset_password(backend, args.username, password, staff)
        print(f"password of {args.username} changed; the account is unlocked")
        return EXIT_OK

    return _as_account_manager(open_backend, args, action)


def cmd_staff_disable(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.staff_accounts import disable_user

    def action(backend: Backend, staff: StaffIdentity) -> int:
        disable_user(backend, args.username, staff)
        print(f"{args.username} can no longer sign in")
        return EXIT_OK

    return _as_account_manager(open_backend, args, action)


def cmd_staff_enable(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.staff_accounts import enable_user

    def action(backend: Backend, staff: StaffIdentity) -> int:
        enable_user(backend, args.username, staff)
        print(f"{args.username} can sign in again")
        return EXIT_OK

    return _as_account_manager(open_backend, args, action)


def cmd_staff_set_pin(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.staff_accounts import set_pin

    def action(backend: Backend, staff: StaffIdentity) -> int:
        pin = _read_secret(args.pin_stdin, "PIN", "--pin-stdin", confirm=True)
        set_pin(backend, args.username, pin, staff)
        print(f"PIN of {args.username} set")
        return EXIT_OK

    return _as_account_manager(open_backend, args, action)


def cmd_staff_list(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.staff_accounts import list_staff_users

    def action(backend: Backend, staff: StaffIdentity) -> int:
        users = list_staff_users(backend, staff)
        now = backend.now()
        print(f"{'username':<20} {'role':<11} {'PIN':<4} {'state':<22} name")
        for user in users:
            if user.disabled:
                state = "disabled"
            elif user.locked_until is not None and user.locked_until > now:
                state = f"locked until {user.locked_until.astimezone():%H:%M:%S}"
            else:
                state = "active"
            pin = "yes" if user.has_pin else "no"
            print(f"{user.username:<20} {user.role.value:<11} {pin:<4} {state:<22} {user.display_name}")
        return EXIT_OK

    return _as_account_manager(open_backend, args, action)


# ----------------------------------------------------------------------------------------------- audit, history


def cmd_audit_verify(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.audit_log import audit_status

    def action(backend: Backend) -> int:
        status = audit_status(backend)
        print(status.message, file=sys.stdout if status.intact else sys.stderr)
        return EXIT_OK if status.intact else EXIT_PROBLEM

    return _with_backend(open_backend, args, action)


def cmd_demo_history(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.demo import NotADemoDatabaseError, claim_demo_database
    from kiosk.services.history import HistoryError, generate_history

    def action(backend: Backend) -> int:
        try:
            # Open without a sign-in, like `kiosk demo`, so only on a demo database: never a clinic's.
            claim_demo_database(backend)
            summary = generate_history(
                backend, intakes=args.intakes, patients=args.patients, seed=args.seed, actor=cli_actor()
            )
        except (HistoryError, NotADemoDatabaseError) as error:
            raise CliError(str(error)) from None
        if summary.already_present:
            print("the synthetic history is already in this database; nothing added")
        else:
            print(
                f"synthetic history: {summary.patients_added} patients, {summary.intakes_added} submitted intakes, "
                f"{summary.answers_added} answers, {summary.flags_added} flags in {summary.seconds:.1f} s "
                "(all made up)"
            )
        return EXIT_OK

    return _with_backend(open_backend, args, action)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_common: AddCommon, open_backend: OpenBackend
) -> None:
    """Add `staff-user`, `audit` and `demo-history` to the `kiosk` command's sub-commands."""
    from kiosk.domain.statuses import StaffRole

    def handler(function: Callable[[OpenBackend, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        return functools.partial(function, open_backend)

    staff = commands.add_parser("staff-user", help="add, change and list staff accounts")
    add_common(staff)
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION")

    add = actions.add_parser("add", help="add a staff account (asks for the password)")
    add_common(add)
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[role.value for role in StaffRole])
    add.add_argument("--name", required=True, help='the name staff see, e.g. "Dr. Dana Lee"')
    add.set_defaults(handler=handler(cmd_staff_add))

    reset = actions.add_parser("reset", help="set a new password (also unlocks the account)")
    add_common(reset)
    reset.add_argument("username")
    reset.set_defaults(handler=handler(cmd_staff_reset))

    disable = actions.add_parser("disable", help="stop an account from signing in")
    add_common(disable)
    disable.add_argument("username")
    disable.set_defaults(handler=handler(cmd_staff_disable))

    enable = actions.add_parser("enable", help="let a disabled account sign in again")
    add_common(enable)
    enable.add_argument("username")
    enable.set_defaults(handler=handler(cmd_staff_enable))

    set_pin = actions.add_parser("set-pin", help="set the 4-8 digit PIN for the tablet's staff PIN pad")
    add_common(set_pin)
    set_pin.add_argument("username")
    set_pin.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    set_pin.set_defaults(handler=handler(cmd_staff_set_pin))

    listing = actions.add_parser("list", help="list the staff accounts")
    add_common(listing)
    listing.set_defaults(handler=handler(cmd_staff_list))

    audit = commands.add_parser("audit", help="check the audit log")
    add_common(audit)
    audit_actions = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    verify = audit_actions.add_parser("verify", help="recompute the hash chain; exit 1 and say where if it is broken")
    add_common(verify)
    verify.set_defaults(handler=handler(cmd_audit_verify))

    history = commands.add_parser(
        "demo-history", help="add years of SYNTHETIC history for trying the console at scale (once per database)"
    )
    add_common(history)
    history.add_argument("--intakes", type=_positive, default=100_000, help="submitted intakes (default 100000)")
    history.add_argument("--patients", type=_positive, default=20_000, help="patients (default 20000)")
    history.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    history.set_defaults(handler=handler(cmd_demo_history))
