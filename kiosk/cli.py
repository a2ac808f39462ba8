"""The `kiosk` command. Each sub-command imports what it needs lazily so `kiosk forms check` stays quick.

Every failure a person can act on ends as one clear message on stderr and a non-zero exit, never a
traceback; details go to the log file in the data directory.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import __version__
from kiosk.cli_support import (
    EXIT_OK,
    EXIT_PROBLEM,
    EXIT_USAGE,
    CliError,
    add_sign_in_options,
    data_dir,
    run_signed_in,
)

if TYPE_CHECKING:
    from kiosk.services.backend import Backend
    from kiosk.services.schedule import ScheduleEntry
    from kiosk.services.staff_accounts import StaffIdentity

log = logging.getLogger("kiosk")


def _forms_dir(args: argparse.Namespace) -> Path:
    from kiosk.resources import forms_dir

    value = getattr(args, "forms_dir", None)
    return Path(value).expanduser().resolve() if value else forms_dir()


# ----------------------------------------------------------------------------------------------- forms


def cmd_forms_check(args: argparse.Namespace) -> int:
    from kiosk.domain.loader import check_forms

    directory = Path(args.directory).resolve() if args.directory else _forms_dir(args)
    forms, problems = check_forms(directory)
    for problem in sorted(problems):
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} problem(s) in {directory}; no form with a problem is shown to patients.",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    print(f"{len(forms)} forms OK in {directory}: {', '.join(sorted(form.id for form in forms))}")
    return EXIT_OK


def cmd_forms_score(args: argparse.Namespace) -> int:
    from kiosk.domain.loader import FormsInvalidError, load_forms
    from kiosk.domain.scoring import AnswerError, parse_answers_json, resolve_answers, score

    try:
        library = load_forms(_forms_dir(args))
    except FormsInvalidError as error:
        raise CliError(f"the forms folder has problems:\n{error}") from None
    if args.form_id not in library:
        known = ", ".join(sorted(library.forms))
        raise CliError(f"unknown form id {args.form_id!r} (known: {known})")
    form = library.get(args.form_id)
    try:
        answers = resolve_answers(form, parse_answers_json(args.answers))
    except AnswerError as error:
        raise CliError(str(error)) from None
    result = score(form, answers, args.language)
    print(json.dumps(result.as_json(args.language), ensure_ascii=False))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------- database


def _open_backend(args: argparse.Namespace) -> Backend:
    """The backend for a command, or a CliError naming what stops it from opening."""
    from kiosk.domain.loader import FormsInvalidError
    from kiosk.services.backend import SetupError, open_backend
    from kiosk.settings import SettingsError
    from kiosk.store.crypto import DecryptionError, KeyFileError
    from kiosk.store.migrate import MigrationError

    forms = Path(args.forms_dir).resolve() if getattr(args, "forms_dir", None) else None
    try:
        return open_backend(data_dir(args), forms_dir=forms)
    except FormsInvalidError as error:
        raise CliError(f"the forms folder has problems; fix them and start again:\n{error}") from None
    except (SettingsError, SetupError, KeyFileError, DecryptionError, MigrationError) as error:
        raise CliError(str(error)) from None


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from kiosk.settings import SettingsError, load_settings
    from kiosk.store.engine import create_engine_for
    from kiosk.store.migrate import current_revision, head_revision, upgrade_database

    try:
        settings = load_settings(data_dir(args))
    except SettingsError as error:
        raise CliError(str(error)) from None
    from sqlalchemy.exc import InterfaceError, OperationalError

    from kiosk.services.backend import unreachable_database_message

    engine = create_engine_for(settings.effective_database_url)
    try:
        with engine.connect():
            pass  # reach the server first: a refused connection is one sentence, not a logged traceback
        before = current_revision(engine)
        upgrade_database(engine)
        after = current_revision(engine)
    except (OperationalError, InterfaceError) as error:
        raise CliError(unreachable_database_message(settings.effective_database_url, error)) from None
    finally:
        engine.dispose()
    if before == after:
        print(f"database already at the newest schema ({after})")
    else:
        print(f"database upgraded from {before or 'empty'} to {after} (newest: {head_revision()})")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from kiosk.services.demo import DEMO_PATIENTS, NotADemoDatabaseError, seed_demo

    backend = _open_backend(args)
    try:
        summary = seed_demo(backend)
    except NotADemoDatabaseError as error:
        backend.engine.dispose()
        raise CliError(str(error)) from None
    if args.history:
        from kiosk.services.history import generate_history

        history = generate_history(backend, intakes=args.history, patients=max(1, args.history // 5))
        if not args.quiet:
            if history.already_present:
                print("synthetic history: already present, nothing added")
            else:
                print(
                    f"synthetic history: {history.intakes_added} intakes of {history.patients_added} patients "
                    f"added in {history.seconds:.0f} s"
                )
    if not args.quiet:
        print(
            f"demo data: {summary.patients_added} patients, {summary.appointments_added} appointments and "
            f"{summary.intakes_added} earlier intakes added (all synthetic)"
        )
        if summary.sessions_added:
            print(f"demo dosing sessions: {summary.sessions_added} recorded, one Spravato and one IM (synthetic)")
        person = DEMO_PATIENTS[0]
        print(f"check in as: {person.first_name} {person.last_name}, born {person.dob:%m/%d/%Y}")
        # `kiosk demo` needs no sign-in, so it lists no schedule: on a clinic's database that would name real
        # patients. `kiosk schedule` (signed in) shows the day.
    backend.engine.dispose()
    return EXIT_OK


def _print_schedule(backend: Backend, entries: Sequence[ScheduleEntry]) -> None:
    print(f"{backend.settings.clinic_name}: {len(entries)} appointment(s) on {backend.local_now():%A %d %B %Y}")
    for entry in entries:
        label = entry.visit_label.get("en", entry.visit_type)
        print(f"  {entry.starts_at:%H:%M}  {entry.patient_name:<24} {entry.dob:%m/%d/%Y}  {label:<24} {entry.status}")


def cmd_schedule(args: argparse.Namespace) -> int:
    """Names and dates of birth: a staff sign-in whose role may see the schedule, and an audit entry."""
    from kiosk.services.permissions import Permission
    from kiosk.services.schedule import schedule_for_staff

    def action(backend: Backend, staff: StaffIdentity) -> int:
        _print_schedule(backend, schedule_for_staff(backend, staff))
        return EXIT_OK

    return run_signed_in(_open_backend, args, Permission.VIEW_SCHEDULE, action)


def cmd_run(args: argparse.Namespace) -> int:
    """Settings and forms are checked before any window opens (a broken form never reaches a patient); the
    database opens on the kiosk's worker thread while Welcome paints.

    The cyclic garbage collector waits until start-up is done (kiosk.app.freeze_start_up_objects): start-up makes
    hundreds of thousands of objects that live as long as the kiosk, and collecting among them while they were made
    took 7-8 % of start-up's time (perf)."""
    gc.disable()
    try:
        return _run_kiosk_command(args)
    finally:
        gc.enable()


def _run_kiosk_command(args: argparse.Namespace) -> int:
    from kiosk.domain.library import FormsInvalidError
    from kiosk.domain.visit_needs import check_visit_types
    from kiosk.services.backend import LazyBackend
    from kiosk.services.forms_cache import load_forms_cached
    from kiosk.settings import SettingsError

    forms_dir = Path(args.forms_dir).resolve() if getattr(args, "forms_dir", None) else None
    folder = data_dir(args)
    try:
        backend = LazyBackend(folder, forms_dir=forms_dir)
        # Validated once per change of the forms or the code (the cache), and handed to the backend, which then
        # does not load them again on the worker.
        backend.forms = load_forms_cached(forms_dir or _forms_dir(args), folder / "cache")
        problems = check_visit_types(backend.settings, backend.forms)
    except SettingsError as error:
        raise CliError(str(error)) from None
    except FormsInvalidError as error:
        raise CliError(f"the forms folder has problems; fix them and start again:\n{error}") from None
    if problems:
        raise CliError("; ".join(problems))
    from kiosk.app import run_kiosk

    return run_kiosk(backend, windowed=args.windowed)


def cmd_staff(args: argparse.Namespace) -> int:
    backend = _open_backend(args)
    from kiosk.app import setup_logging
    from kiosk.ui.staff.window import run_staff_console

    setup_logging(backend.data_dir)
    return run_staff_console(backend)


# ----------------------------------------------------------------------------------------------- parser


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="folder with settings.toml, the database and keys (default: the platform's user data folder)",
    )
    parser.add_argument("--forms-dir", default=argparse.SUPPRESS, help="forms folder (default: the bundled forms/)")
    add_sign_in_options(parser)


Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Patient intake and check-in kiosk.")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    _add_common(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    forms = commands.add_parser("forms", help="check and score forms")
    _add_common(forms)
    forms_commands = forms.add_subparsers(dest="forms_command", metavar="ACTION")
    check = forms_commands.add_parser("check", help="validate every form; list each problem as file:line")
    _add_common(check)
    check.add_argument("directory", nargs="?", help="forms folder (default: the bundled forms/)")
    check.set_defaults(handler=cmd_forms_check)
    score_parser = forms_commands.add_parser("score", help="score answers to one form; prints one JSON object")
    _add_common(score_parser)
    score_parser.add_argument("form_id")
    score_parser.add_argument("--answers", required=True, help='JSON object, e.g. \'{"q1": 2, "44260-8": 1}\'')
    score_parser.add_argument("--language", default="en", choices=["en", "es"])
    score_parser.set_defaults(handler=cmd_forms_score)

    db = commands.add_parser("db", help="database maintenance")
    _add_common(db)
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply every pending migration (also done at start-up)")
    _add_common(upgrade)
    upgrade.set_defaults(handler=cmd_db_upgrade)

    demo = commands.add_parser("demo", help="add a synthetic demo day (running it again adds nothing twice)")
    _add_common(demo)
    demo.add_argument("--quiet", action="store_true", help="print nothing")
    demo.add_argument(
        "--history",
        type=int,
        default=0,
        metavar="N",
        help="also add N synthetic past intakes across N/5 patients, to try the console at scale (once)",
    )
    demo.set_defaults(handler=cmd_demo)

    run = commands.add_parser("run", help="start the patient kiosk (full screen unless --windowed)")
    _add_common(run)
    run.add_argument("--windowed", action="store_true", help="a normal window, for a desktop (no kiosk lock)")
    run.set_defaults(handler=cmd_run)

    schedule = commands.add_parser("schedule", help="print today's appointments and their check-in status")
    _add_common(schedule)
    schedule.set_defaults(handler=cmd_schedule)

    staff = commands.add_parser("staff", help="open the staff console (sign in with a staff account)")
    _add_common(staff)
    staff.set_defaults(handler=cmd_staff)

    from kiosk.cli_data import register as register_data
    from kiosk.cli_documents import register as register_documents
    from kiosk.cli_dosing import register as register_dosing
    from kiosk.cli_export import register as register_export
    from kiosk.cli_staff import register as register_staff

    register_staff(commands, _add_common, _open_backend)
    register_documents(commands, _add_common, _open_backend)
    register_data(commands, _add_common, _open_backend)
    register_export(commands, _add_common, _open_backend)
    register_dosing(commands, _add_common, _open_backend)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return handler(args)
    except CliError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `kiosk schedule | head`); that is not an error of the kiosk's.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
