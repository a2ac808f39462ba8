"""The dosing side of the `kiosk` command: list sessions, write a session's signed REMS form, note it filed.

    kiosk sessions [--date YYYY-MM-DD] [--rems]     one session a line, starting with its id
    kiosk rems-form 12 -o rems-12.pdf                the signed REMS Patient Monitoring Form
    kiosk rems-submitted 12 --on 2026-03-10 --confirmation REMS-123

Each needs a staff sign-in whose role may record dosing sessions (clinician or admin).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli_support import EXIT_OK, AddCommon, CliError, OpenBackend, run_signed_in

if TYPE_CHECKING:
    from kiosk.services.backend import Backend
    from kiosk.services.staff_accounts import StaffIdentity

MAX_SESSION_ID = 2**31 - 1


def _refusals() -> tuple[type[Exception], ...]:
    from kiosk.documents.certificates import CertificateError
    from kiosk.documents.signing import SigningError
    from kiosk.services.dosing import DosingError

    return (DosingError, CertificateError, SigningError)


def _signed_in(
    open_backend: OpenBackend, args: argparse.Namespace, action: Callable[[Backend, StaffIdentity], int]
) -> int:
    from kiosk.services.permissions import Permission

    return run_signed_in(open_backend, args, Permission.RECORD_DOSING, action, _refusals())


def session_id_argument(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a session number") from None
    if not 1 <= value <= MAX_SESSION_ID:
        raise argparse.ArgumentTypeError(f"there is no session {text[:40]}")
    return value


def date_argument(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a date such as 2026-03-08 (YYYY-MM-DD)") from None


def cmd_sessions(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.dosing_lists import list_sessions

    def action(backend: Backend, staff: StaffIdentity) -> int:
        day = None if args.rems and args.date is None else (args.date or backend.local_now().date())
        sessions = list_sessions(backend, staff, day, rems_only=args.rems, audited=True)
        for session in sessions:
            dosed = f"dosed {session.dose_at.astimezone():%H:%M}" if session.dose_at else "not dosed yet"
            ended = f", monitoring ended {session.ended_at.astimezone():%H:%M}" if session.ended_at else ""
            if session.rems_due is None:
                rems = "no REMS form"
            elif session.rems_submitted_on is not None:
                rems = f"REMS form submitted {session.rems_submitted_on:%m/%d/%Y}"
            elif session.rems_overdue:
                rems = f"REMS form OVERDUE since {session.rems_due:%m/%d/%Y}"
            else:
                rems = f"REMS form due {session.rems_due:%m/%d/%Y}"
            print(
                f"{session.id}  {session.session_date:%m/%d/%Y}  {session.patient_name:<24} {session.visit_type:<12} "
                f"{dosed}{ended}; {rems}"
            )
        if not sessions:
            print("no dosing sessions" + (f" on {day:%m/%d/%Y}" if day else ""))
        return EXIT_OK

    return _signed_in(open_backend, args, action)


def cmd_rems_form(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.rems_form import save_rems_form

    output = Path(args.output).expanduser()

    def action(backend: Backend, staff: StaffIdentity) -> int:
        try:
            save_rems_form(backend, staff, args.session_id, output)  # 0600: it names the patient
        except OSError as error:
            raise CliError(f"cannot write {output}: {error.strerror}") from None
        print(f"wrote the signed REMS Patient Monitoring Form of session {args.session_id} to {output}")
        return EXIT_OK

    return _signed_in(open_backend, args, action)


def cmd_rems_submitted(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.dosing import mark_rems_submitted

    def action(backend: Backend, staff: StaffIdentity) -> int:
        on = args.on or backend.local_now().date()
        view = mark_rems_submitted(backend, staff, args.session_id, on, args.confirmation)
        print(
            f"session {view.id}: REMS form submitted on {on:%m/%d/%Y} by {view.rems_submitted_by} "
            f"(confirmation {view.rems_confirmation})"
        )
        return EXIT_OK

    return _signed_in(open_backend, args, action)


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_common: AddCommon, open_backend: OpenBackend
) -> None:
    """Add `sessions`, `rems-form` and `rems-submitted` to the `kiosk` command's sub-commands."""

    def handler(function: Callable[[OpenBackend, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        return functools.partial(function, open_backend)

    sessions = commands.add_parser("sessions", help="list dosing sessions, one a line starting with the session id")
    add_common(sessions)
    sessions.add_argument("--date", type=date_argument, metavar="YYYY-MM-DD", help="the day (default: today)")
    sessions.add_argument(
        "--rems", action="store_true", help="only sessions with a REMS form (every day unless --date is given)"
    )
    sessions.set_defaults(handler=handler(cmd_sessions))

    rems_form = commands.add_parser("rems-form", help="write a Spravato session's signed REMS Patient Monitoring Form")
    add_common(rems_form)
    rems_form.add_argument("session_id", metavar="SESSION_ID", type=session_id_argument)
    rems_form.add_argument("-o", "--output", metavar="FILE.pdf", required=True, help="where to write the PDF")
    rems_form.set_defaults(handler=handler(cmd_rems_form))

    submitted = commands.add_parser(
        "rems-submitted", help="note that a session's REMS form was filed, with the REMS's confirmation number"
    )
    add_common(submitted)
    submitted.add_argument("session_id", metavar="SESSION_ID", type=session_id_argument)
    submitted.add_argument("--confirmation", required=True, help="the confirmation number the REMS gave")
    submitted.add_argument(
        "--on", type=date_argument, metavar="YYYY-MM-DD", help="the day it was filed (default: today)"
    )
    submitted.set_defaults(handler=handler(cmd_rems_submitted))
