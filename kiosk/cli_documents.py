"""The packet side of the `kiosk` command: save a signed packet, check a packet file, print a packet.

`register` adds the sub-commands to the parser kiosk/cli.py builds; handlers open the backend through
the function they are given, so this module shares cli.py's data-directory and error handling.

    kiosk packet 42 -o packet-42.pdf     the stored signed packet (made now if missing)
    kiosk verify packet-42.pdf           exit 0 only when the signature is intact
    kiosk verify packet-42.pdf --addendum a1.pdf --addendum a2.pdf
                                         and each addendum is intact and names this packet
    kiosk print 42 [--printer NAME]      exit 0 only when the job completed
"""

from __future__ import annotations

import argparse
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography import x509

    from kiosk.services.backend import Backend
    from kiosk.services.staff_accounts import StaffIdentity

from kiosk.cli_support import (
    EXIT_OK,
    EXIT_PROBLEM,
    AddCommon,
    CliError,
    OpenBackend,
    data_dir,
    intake_id_argument,
    run_signed_in,
    run_with_backend,
)

PYHANKO_LOGGERS = ("pyhanko", "pyhanko_certvalidator")

log = logging.getLogger(__name__)

EXIT_SIGNER_UNVERIFIED = 3
"""`kiosk verify`: the signature is intact, but no clinic root vouched for the signer (not 0, not 1)."""


def _packet_refusals() -> tuple[type[Exception], ...]:
    from kiosk.documents.certificates import CertificateError
    from kiosk.documents.signing import SigningError
    from kiosk.services.intake import UnknownIntakeError
    from kiosk.services.packet_content import PacketError

    return (UnknownIntakeError, PacketError, CertificateError, SigningError)


def _with_backend(open_backend: OpenBackend, args: argparse.Namespace, action: Callable[[Backend], int]) -> int:
    """Run ``action`` on the backend, turning every packet problem staff can act on into one message."""
    return run_with_backend(open_backend, args, action, _packet_refusals())


def _signed_in(
    open_backend: OpenBackend, args: argparse.Namespace, action: Callable[[Backend, StaffIdentity], int]
) -> int:
    """As _with_backend, for a person signed in whose role may print or save the clinical packet."""
    from kiosk.services.permissions import Permission

    return run_signed_in(open_backend, args, Permission.PRINT_CLINICAL_PACKET, action, _packet_refusals())


# ----------------------------------------------------------------------------------------------- packet


def cmd_packet(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    """`-o FILE` writes a patient's whole visit to a file: a signed-in clinician or admin only.

    `--store-only` is the kiosk's own work after a patient taps Submit (kiosk/ui/packet_producer.py runs it
    as a child process, with no person at the keyboard): it makes the signed packet of a submitted intake
    and keeps it, encrypted, in the database, and prints only its hash. It shows nothing of the patient to
    anyone and writes no file, and whoever can run it already holds the data folder and its key, so it
    needs no sign-in; the packet is recorded in the audit log as made by "kiosk".
    """
    from kiosk.services.packets import PacketMaker

    if args.store_only:
        if args.output:
            raise CliError("--store-only keeps the packet in the database; it cannot be combined with -o")

        def make(backend: Backend) -> int:
            from kiosk.services.flag_answers import addenda_for_earlier_answers

            maker = PacketMaker(backend)
            result = maker.make(args.intake_id, actor="kiosk")
            print(f"stored the signed packet of intake {args.intake_id} ({result.pages} pages, sha256 {result.sha256})")
            # Flags answered while the patient was still checking in get their signed addenda now.
            made = addenda_for_earlier_answers(backend, maker, args.intake_id)
            if made:
                print(f"signed {made} addend{'um' if made == 1 else 'a'} for answers given before submission")
            return EXIT_OK

        return _with_backend(open_backend, args, make)
    if not args.output:
        raise CliError("say where to write the packet with -o FILE.pdf (or --store-only to keep it in the database)")
    output = Path(args.output).expanduser()

    def action(backend: Backend, staff: StaffIdentity) -> int:
        from kiosk.store.files import write_private

        pdf = PacketMaker(backend).stored(args.intake_id, staff)
        try:
            # 0600: the packet is the whole visit's health information in one file.
            write_private(output, pdf)
        except OSError as error:
            raise CliError(f"cannot write {output}: {error.strerror}") from None
        print(f"wrote the signed packet of intake {args.intake_id} to {output} ({len(pdf) / 1024:.0f} KiB)")
        if args.addenda:
            from kiosk.services.addenda import addenda_of, addendum_pdf

            for number, view in enumerate(addenda_of(backend, staff, args.intake_id), start=1):
                target = output.with_name(f"{output.stem}-addendum-{number}{output.suffix or '.pdf'}")
                try:
                    write_private(target, addendum_pdf(backend, staff, view.addendum_id))
                except OSError as error:
                    raise CliError(f"cannot write {target}: {error.strerror}") from None
                print(f"wrote addendum {number} ({view.title.lower()}) to {target}")
        return EXIT_OK

    return _signed_in(open_backend, args, action)


# ----------------------------------------------------------------------------------------------- verify


def cmd_verify(args: argparse.Namespace) -> int:
    """Check a packet's signature, and with --addendum each addendum's signature and that it names this
    packet (by SHA-256). An addendum given alone is checked and the packet hash it names is printed."""
    import hashlib

    from kiosk.documents.addendum import named_packet_hash
    from kiosk.documents.certificates import clinic_root_certificate

    # pyHanko logs every signature it cannot validate with a full traceback, some at ERROR level; the
    # report below already says what is wrong in words, so only a crash of pyHanko itself may print.
    for name in PYHANKO_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    roots = [_read_root(Path(name).expanduser()) for name in args.root or ()]
    folder_root = clinic_root_certificate(data_dir(args))
    if folder_root is not None:
        roots.append(folder_root)
    path = Path(args.file).expanduser()
    data = _read_pdf(path)
    named = named_packet_hash(data)
    results = [_verify_one(path, data, roots, heading=bool(args.addendum))]
    if named is not None:
        print(f"  this is an addendum to the packet with SHA-256 {named}")
        if args.addendum:
            raise CliError(f"{path} is itself an addendum; give the packet first, then --addendum for each addendum")
    packet_sha256 = hashlib.sha256(data).hexdigest()
    for name in args.addendum or ():
        addendum_path = Path(name).expanduser()
        addendum = _read_pdf(addendum_path)
        code = _verify_one(addendum_path, addendum, roots, heading=True)
        names = named_packet_hash(addendum)
        if names is None:
            print(f"  not an addendum: {addendum_path} names no packet")
            code = EXIT_PROBLEM
        elif names != packet_sha256:
            print(f"  names another packet (SHA-256 {names}), not {path.name} (SHA-256 {packet_sha256})")
            code = EXIT_PROBLEM
        else:
            print(f"  names this packet:      yes ({path.name}, SHA-256 {packet_sha256})")
        results.append(code)
    if EXIT_PROBLEM in results:
        return EXIT_PROBLEM
    return EXIT_SIGNER_UNVERIFIED if EXIT_SIGNER_UNVERIFIED in results else EXIT_OK


def _read_pdf(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror}") from None


def _verify_one(path: Path, data: bytes, roots: list[x509.Certificate], *, heading: bool) -> int:
    """Print what one file's signature check found; its exit code (0, 1 or EXIT_SIGNER_UNVERIFIED)."""
    from kiosk.documents.verification import VerificationReport, verify_pdf

    try:
        report = verify_pdf(data, trust_roots=roots or None)
    except Exception as error:  # a mangled signature can make pyHanko raise instead of reporting
        log.info("verifying %s raised: %r", path, error)
        report = VerificationReport(
            intact=False, problem="The signature in this file is damaged or of a kind that cannot be checked."
        )
    if heading:
        print(f"{path.name}:")
    print(report.describe())
    if report.signer_common_name is not None or report.signing_time is not None:
        print(f"  intact:                 {'yes' if report.intact else 'no'}")
        print(f"  signer:                 {report.signer_common_name or 'unknown'}")
        when = report.signing_time.isoformat(sep=" ", timespec="seconds") if report.signing_time else "unknown"
        print(f"  signed at:              {when}")
        print(f"  modified after signing: {'yes' if report.modified_after_signing else 'no'}")
        trusted = {None: "not checked (no clinic root certificate)", True: "yes", False: "no"}
        print(f"  clinic certificate:     {trusted[report.issuer_trusted]}")
    if report.signer_verified:
        return EXIT_OK
    return EXIT_SIGNER_UNVERIFIED if report.intact else EXIT_PROBLEM


def _read_root(path: Path) -> x509.Certificate:
    """A clinic root certificate given with --root, or one sentence saying why it cannot be used."""
    from cryptography import x509 as x509_module

    try:
        return x509_module.load_pem_x509_certificate(path.read_bytes())
    except OSError as error:
        raise CliError(f"cannot read the root certificate {path}: {error.strerror}") from None
    except ValueError:
        raise CliError(f"{path} is not a PEM certificate (give the clinic's clinic-root.pem)") from None


# ----------------------------------------------------------------------------------------------- print


def cmd_print(open_backend: OpenBackend, args: argparse.Namespace) -> int:
    from kiosk.services.print_service import print_packet

    def action(backend: Backend, staff: StaffIdentity) -> int:
        outcome = print_packet(backend, args.intake_id, staff, printer=args.printer, timeout=args.timeout)
        if not outcome.printed or outcome.state != "completed":
            raise CliError(outcome.message)
        print(outcome.message)
        return EXIT_OK

    return _signed_in(open_backend, args, action)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], add_common: AddCommon, open_backend: OpenBackend
) -> None:
    """Add `packet`, `verify` and `print` to the `kiosk` command's sub-commands."""

    def handler(function: Callable[[OpenBackend, argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
        return functools.partial(function, open_backend)

    packet = commands.add_parser("packet", help="save the signed consent packet of a submitted intake")
    add_common(packet)
    packet.add_argument("intake_id", metavar="INTAKE_ID", type=intake_id_argument)
    packet.add_argument("-o", "--output", metavar="FILE.pdf", help="where to write the PDF")
    packet.add_argument(
        "--addenda",
        action="store_true",
        help="also write each signed addendum beside it (FILE-addendum-1.pdf, ...), for `kiosk verify --addendum`",
    )
    packet.add_argument(
        "--store-only",
        action="store_true",
        help="make (or remake) the signed packet and keep it in the database; the kiosk runs this after Submit",
    )
    packet.set_defaults(handler=handler(cmd_packet))

    verify = commands.add_parser(
        "verify",
        help="check a packet's digital signature: exit 0 intact and signed by the clinic, 1 changed or not "
        f"signed, {EXIT_SIGNER_UNVERIFIED} intact but the signer not verified (no clinic root)",
    )
    add_common(verify)
    verify.add_argument("file", metavar="FILE.pdf")
    verify.add_argument(
        "--root",
        action="append",
        metavar="clinic-root.pem",
        help="the clinic's root certificate to check the signer against (the data folder's is used too)",
    )
    verify.add_argument(
        "--addendum",
        action="append",
        metavar="ADDENDUM.pdf",
        help="a signed addendum of this packet: its signature is checked and that it names this packet (repeat "
        "for each); an addendum given as FILE.pdf alone is checked and the packet SHA-256 it names is printed",
    )
    verify.set_defaults(handler=cmd_verify)

    printing = commands.add_parser("print", help="print the signed packet of a submitted intake")
    add_common(printing)
    printing.add_argument("intake_id", metavar="INTAKE_ID", type=intake_id_argument)
    printing.add_argument("--printer", help="print queue (default: the settings' printer, else the system default)")
    printing.add_argument(
        "--timeout", type=_seconds, default=120.0, help="seconds to wait for the job to finish (default 120)"
    )
    printing.set_defaults(handler=handler(cmd_print))
