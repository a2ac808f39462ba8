"""The FHIR side of the `kiosk` command: the forms as Questionnaires, an intake or a day as Bundles.

    kiosk export fhir --questionnaires -o DIR          one Questionnaire-<form>.json per form
    kiosk --user dr.rivera export fhir 42 -o 42.json  one intake as a Bundle (clinicians; audited)
    kiosk --user dr.rivera export fhir --date 2026-12-02 -o DIR

Files are written to the folder or file named; nothing is sent over a network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.cli_support import EXIT_OK, AddCommon, CliError, OpenBackend, intake_id_argument, run_with_backend, sign_in

if TYPE_CHECKING:
    from kiosk.services.backend import Backend


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise CliError(f"cannot write {path}: {error.strerror}") from None


def _folder(value: str) -> Path:
    folder = Path(value).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CliError(f"cannot make the folder {folder}: {error.strerror}") from None
    if not folder.is_dir():
        raise CliError(f"{folder} is not a folder; -o needs a folder here")
    return folder


def cmd_export_fhir(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.fhir_export import FhirExportError
    from kiosk.services.intake import UnknownIntakeError
    from kiosk.services.permissions import RoleRefusedError

    chosen = [bool(args.questionnaires), args.intake_id is not None, args.date is not None]
    if sum(chosen) != 1:
        raise CliError("say what to export: --questionnaires, an INTAKE_ID, or --date YYYY-MM-DD (exactly one)")
    if not args.output:
        raise CliError("say where to write with -o (a folder for --questionnaires and --date, a file for an intake)")
    if args.questionnaires:
        action: Callable[[Backend], int] = functools.partial(_questionnaires, args)
    elif args.date is not None:
        action = functools.partial(_day, args)
    else:
        action = functools.partial(_one, args)
    return run_with_backend(open_backend, args, action, (FhirExportError, UnknownIntakeError, RoleRefusedError))


def _questionnaires(args: argparse.Namespace, backend: Backend) -> int:
    from kiosk.services.fhir_export import questionnaire_files

    folder = _folder(args.output)
    files = questionnaire_files(backend)
    for name, data, omitted in files:
        _write(folder / name, data)
        for condition in omitted:
            print(f"note: not expressible as enableWhen, left out: {condition}", file=sys.stderr)
    print(f"wrote {len(files)} Questionnaires to {folder}")
    return EXIT_OK


def _one(args: argparse.Namespace, backend: Backend) -> int:
    from kiosk.services.fhir_export import export_intake
    from kiosk.services.permissions import Permission

    staff = sign_in(args, backend, Permission.EXPORT_CLINICAL)
    output = Path(args.output).expanduser()
    exported = export_intake(
        backend, staff, args.intake_id, transaction=args.transaction, include_drafts=args.include_drafts
    )
    _write(output, exported.json_bytes)
    print(f"wrote intake {args.intake_id} as a FHIR Bundle of {exported.resource_count} resources to {output}")
    return EXIT_OK


def _day(args: argparse.Namespace, backend: Backend) -> int:
    from kiosk.services.fhir_export import export_intake, intakes_of_day
    from kiosk.services.permissions import Permission

    staff = sign_in(args, backend, Permission.EXPORT_CLINICAL)
    folder = _folder(args.output)
    ids = intakes_of_day(backend, staff, args.date, include_drafts=args.include_drafts)
    for number, intake_id in enumerate(ids, start=1):
        exported = export_intake(
            backend, staff, intake_id, transaction=args.transaction, include_drafts=args.include_drafts
        )
        _write(folder / f"Bundle-intake-{intake_id}.json", exported.json_bytes)
        print(f"[{number}/{len(ids)}] intake {intake_id}: {exported.resource_count} resources", file=sys.stderr)
    print(f"wrote {len(ids)} Bundle(s) of {args.date.isoformat()} to {folder}")
    return EXIT_OK


def _day_arg(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_common: AddCommon, open_backend: OpenBackend
) -> None:
    """Add `export fhir` to the `kiosk` command's sub-commands."""
    export = commands.add_parser("export", help="write records in a standard format for another system")
    add_common(export)
    formats = export.add_subparsers(dest="export_format", metavar="FORMAT")
    fhir = formats.add_parser("fhir", help="FHIR R4: Questionnaires of the forms, or intakes as Bundles")
    add_common(fhir)
    fhir.add_argument(
        "intake_id", nargs="?", metavar="INTAKE_ID", type=intake_id_argument, help="one intake as a Bundle"
    )
    fhir.add_argument("--questionnaires", action="store_true", help="one Questionnaire per form, into the folder -o")
    fhir.add_argument("--date", type=_day_arg, metavar="YYYY-MM-DD", help="every submitted intake of that day")
    fhir.add_argument("-o", "--output", metavar="PATH", help="a file for an intake, a folder otherwise")
    fhir.add_argument("--transaction", action="store_true", help="a transaction Bundle (PUT each resource)")
    fhir.add_argument("--include-drafts", action="store_true", help="also export intakes not yet submitted")
    fhir.set_defaults(handler=functools.partial(cmd_export_fhir, open_backend))
