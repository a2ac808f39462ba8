"""`kiosk packet`, `kiosk verify` and `kiosk print`, run through a parser built the way kiosk/cli.py builds its own."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk import cli
from kiosk.cli_documents import EXIT_SIGNER_UNVERIFIED, PYHANKO_LOGGERS
from kiosk.documents.certificates import ensure_clinic_certificate
from kiosk.documents.verification import verify_pdf
from kiosk.services.backend import open_backend
from kiosk.services.intake import begin_intake
from kiosk.services.staff_accounts import create_staff_user
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, StaffRole
from tests.conftest import FORMS_DIR
from tests.identities import admin
from tests.services.conftest import schedule
from tests.services.test_packets import CLINIC, install_certificate, make_certificate_source, visit
from tests.services.test_print_service import job_output

DOB = dt.date(1979, 7, 2)


CLINICIAN, PASSWORD = "dr.test", "a clinician's password"
SIGNED_IN_COMMANDS = ("packet", "print")


def run(data_dir: Path, argv: Sequence[str], *, user: str | None = CLINICIAN, password: str = PASSWORD) -> int:
    """The real `kiosk` command line, as a person types it; packet and print are signed in as `user`
    (the password piped on standard input) unless `user` is None or the kiosk's own --store-only runs."""
    sign_in: list[str] = []
    if argv[0] in SIGNED_IN_COMMANDS and "--store-only" not in argv and user is not None:
        sign_in = ["--user", user, "--password-stdin"]
    saved = sys.stdin
    sys.stdin = io.StringIO(password + "\n")
    try:
        return cli.main([*sign_in, *argv, "--data-dir", str(data_dir), "--forms-dir", str(FORMS_DIR)])
    finally:
        sys.stdin = saved


@dataclass(frozen=True)
class Clinic:
    data_dir: Path
    submitted: int
    draft: int


@pytest.fixture(scope="module")
def certificate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificate_source(tmp_path_factory)


@pytest.fixture
def clinic(tmp_path: Path, certificate_source: Path) -> Iterator[Clinic]:
    """A data folder with the clinic certificate, one submitted intake and one draft."""
    data_dir = tmp_path / "data"
    install_certificate(certificate_source, data_dir)
    backend = open_backend(data_dir, forms_dir=FORMS_DIR)
    try:
        create_staff_user(
            backend,
            admin("t"),
            username=CLINICIAN,
            display_name="Dr. Test",
            role=StaffRole.CLINICIAN,
            password=PASSWORD,
        )
        create_staff_user(
            backend, admin("t"), username="desk", display_name="Desk", role=StaffRole.FRONT_DESK, password=PASSWORD
        )
        submitted = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
        draft = begin_intake(backend, schedule(backend, "Ana", "García", dt.date(1984, 3, 15)), "es").intake_id
    finally:
        backend.engine.dispose()
    yield Clinic(data_dir, submitted, draft)


@pytest.fixture(autouse=True)
def _pyhanko_log_levels() -> Iterator[None]:
    """`kiosk verify` quiets pyHanko's loggers for its process; give them back to the other tests."""
    loggers = [logging.getLogger(name) for name in PYHANKO_LOGGERS]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def audit_actions(data_dir: Path) -> list[tuple[str, str]]:
    backend = open_backend(data_dir, forms_dir=FORMS_DIR)
    try:
        with unit_of_work(backend.db_factory) as db:
            return [(entry.action, entry.actor) for entry in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    finally:
        backend.engine.dispose()


def test_packet_writes_the_signed_packet(clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "packet.pdf"
    assert run(clinic.data_dir, ["packet", str(clinic.submitted), "-o", str(output)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(f"wrote the signed packet of intake {clinic.submitted} to {output} (")
    report = verify_pdf(output.read_bytes())
    assert report.intact and report.signer_common_name == CLINIC
    actions = [action for action in audit_actions(clinic.data_dir) if action[0].startswith("packet.")]
    assert [action for action, _ in actions] == ["packet.create", "packet.export"]
    assert all(actor == CLINICIAN for _, actor in actions)


def test_packet_and_print_need_a_clinicians_sign_in(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "packet.pdf"
    for argv in (["packet", str(clinic.submitted), "-o", str(output)], ["print", str(clinic.submitted)]):
        assert run(clinic.data_dir, argv, user=None) == cli.EXIT_PROBLEM
        assert "needs a staff sign-in" in capsys.readouterr().err
        assert run(clinic.data_dir, argv, user="desk") == cli.EXIT_PROBLEM
        assert "Desk (front desk) may not print or save the clinical packet" in capsys.readouterr().err
        assert run(clinic.data_dir, argv, password="not the password") == cli.EXIT_PROBLEM
        assert "sign-in refused" in capsys.readouterr().err
    assert not output.exists()
    assert not [action for action, _ in audit_actions(clinic.data_dir) if action.startswith("packet.")]
    # The kiosk's own background job needs nobody's password, and writes no file.
    assert run(clinic.data_dir, ["packet", str(clinic.submitted), "--store-only"]) == cli.EXIT_OK
    assert run(clinic.data_dir, ["packet", str(clinic.submitted), "--store-only", "-o", str(output)]) == 1
    assert "cannot be combined with -o" in capsys.readouterr().err and not output.exists()


def test_packet_of_a_draft_or_a_missing_intake_is_one_message(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "packet.pdf"
    assert run(clinic.data_dir, ["packet", str(clinic.draft), "-o", str(output)]) == cli.EXIT_PROBLEM
    assert capsys.readouterr().err == (
        f"kiosk: Intake {clinic.draft} is still a draft: its packet is made once the patient has submitted it. "
        "Resume or finish the check-in first.\n"
    )
    assert run(clinic.data_dir, ["packet", "999", "-o", str(output)]) == cli.EXIT_PROBLEM
    assert capsys.readouterr().err == "kiosk: there is no intake 999\n"
    assert not output.exists()


def test_verify_reports_an_intact_packet_and_a_changed_one(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet = tmp_path / "packet.pdf"
    run(clinic.data_dir, ["packet", str(clinic.submitted), "-o", str(packet)])
    capsys.readouterr()

    assert run(clinic.data_dir, ["verify", str(packet)]) == cli.EXIT_OK
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith(f"Intact: signed by {CLINIC} on ")
    assert lines[1:] == [
        "  intact:                 yes",
        f"  signer:                 {CLINIC}",
        lines[3],
        "  modified after signing: no",
        "  clinic certificate:     yes",
    ]
    assert lines[3].startswith("  signed at:              20")
    assert captured.err == ""

    # One changed byte inside the signed content: the name of the document's /Producer entry.
    data = bytearray(packet.read_bytes())
    position = data.index(b"/Producer")
    data[position + 1] = ord("p")
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(bytes(data))
    assert run(clinic.data_dir, ["verify", str(changed)]) == cli.EXIT_PROBLEM
    captured = capsys.readouterr()
    assert captured.out.startswith("Not intact: ")
    assert "  intact:                 no" in captured.out.splitlines()
    assert captured.err == ""


def test_verify_says_in_one_line_when_a_file_is_no_pdf(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = tmp_path / "photo.pdf"
    photo.write_bytes(b"\xff\xd8\xff\xe0 a JPEG renamed")
    assert run(clinic.data_dir, ["verify", str(photo)]) == cli.EXIT_PROBLEM
    captured = capsys.readouterr()
    assert captured.out == "Not intact: This file is not a PDF document, so it cannot carry a PDF signature.\n"
    assert captured.err == ""

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer garbage")
    assert run(clinic.data_dir, ["verify", str(broken)]) == cli.EXIT_PROBLEM
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1 and captured.out.startswith("Not intact: ")
    assert captured.err == ""

    assert run(clinic.data_dir, ["verify", str(tmp_path / "gone.pdf")]) == cli.EXIT_PROBLEM
    assert capsys.readouterr().err == f"kiosk: cannot read {tmp_path / 'gone.pdf'}: No such file or directory\n"


def test_verify_prints_no_traceback_for_another_clinics_packet(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """pyHanko logs a traceback when the signer does not chain up to the given root; the command keeps
    the screen to the report."""
    packet = tmp_path / "packet.pdf"
    run(clinic.data_dir, ["packet", str(clinic.submitted), "-o", str(packet)])
    capsys.readouterr()
    other_clinic = tmp_path / "other-clinic"
    ensure_clinic_certificate(other_clinic, "Lakeside Wellness")
    caplog.set_level(logging.DEBUG)

    assert run(other_clinic, ["verify", str(packet)]) == cli.EXIT_PROBLEM
    captured = capsys.readouterr()
    assert captured.out.startswith(
        f"Not intact: The signature is unchanged, but the certificate that made it ({CLINIC}) was not issued by "
        "this clinic's certificate authority."
    )
    assert "  clinic certificate:     no" in captured.out.splitlines()
    assert captured.err == ""
    assert [r for r in caplog.records if r.name.startswith("pyhanko") and r.levelno >= logging.WARNING] == []


def test_verify_reports_a_mangled_signature_in_words(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet = tmp_path / "packet.pdf"
    run(clinic.data_dir, ["packet", str(clinic.submitted), "-o", str(packet)])
    capsys.readouterr()
    data = packet.read_bytes()
    start = data.index(b"/Contents <") + len(b"/Contents <")
    end = data.index(b">", start)
    # The clinic's name in every certificate the signature carries made invalid UTF-8: pyHanko raises.
    name = CLINIC.encode().hex().upper().encode()
    signature = data[start:end].upper().replace(name, b"FF" + name[2:])
    mangled = tmp_path / "mangled.pdf"
    mangled.write_bytes(data[:start] + signature + data[end:])

    assert run(clinic.data_dir, ["verify", str(mangled)]) == cli.EXIT_PROBLEM
    captured = capsys.readouterr()
    assert captured.out == "Not intact: The signature in this file is damaged or of a kind that cannot be checked.\n"
    assert captured.err == ""


@pytest.mark.printing
def test_print_exits_0_once_the_job_completed(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    printer = os.environ.get("KIOSK_TEST_PRINTER")
    output = os.environ.get("KIOSK_TEST_PRINT_OUT")
    if not printer or not output:
        pytest.fail("KIOSK_TEST_PRINTER and KIOSK_TEST_PRINT_OUT are not set: start scripts/test-services.sh")
    assert run(clinic.data_dir, ["print", str(clinic.submitted), "--printer", printer, "--timeout", "60"]) == 0
    message = capsys.readouterr().out.strip()
    assert message.startswith(f"The packet of intake {clinic.submitted} was printed on {printer} (job {printer}-")
    job_output(Path(output), message.removesuffix(").").rsplit(" ", 1)[1]).unlink()

    assert run(clinic.data_dir, ["print", str(clinic.submitted), "--printer", "NoSuchPrinterHere"]) == 1
    assert capsys.readouterr().err.startswith('kiosk: The printer "NoSuchPrinterHere" is not known to this computer.')


def test_verify_without_the_clinic_root_says_signer_not_verified_and_exits_3(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packet = tmp_path / "packet.pdf"
    assert run(clinic.data_dir, ["packet", str(clinic.submitted), "-o", str(packet)]) == cli.EXIT_OK
    assert stat.S_IMODE(packet.stat().st_mode) == 0o600
    capsys.readouterr()
    elsewhere = tmp_path / "a-computer-without-the-root"
    elsewhere.mkdir()
    assert run(elsewhere, ["verify", str(packet)]) == EXIT_SIGNER_UNVERIFIED == 3
    out = capsys.readouterr().out
    assert out.startswith(f"Signature intact, signer not verified: signed by a certificate named {CLINIC}")
    assert "  clinic certificate:     not checked (no clinic root certificate)" in out.splitlines()

    root = clinic.data_dir / "certificates" / "clinic-root.pem"
    assert root.exists()
    assert run(elsewhere, ["verify", str(packet), "--root", str(root)]) == cli.EXIT_OK
    assert capsys.readouterr().out.startswith(f"Intact: signed by {CLINIC} on ")
    not_pem = tmp_path / "root.txt"
    not_pem.write_text("hello")
    assert run(elsewhere, ["verify", str(packet), "--root", str(not_pem)]) == cli.EXIT_PROBLEM
    assert capsys.readouterr().err == f"kiosk: {not_pem} is not a PEM certificate (give the clinic's clinic-root.pem)\n"


def test_verify_checks_each_addendum_and_that_it_names_this_packet(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.services.flag_answers import mark_reviewed_signed
    from kiosk.services.packets import PacketMaker
    from kiosk.services.staff_accounts import sign_in

    backend = open_backend(clinic.data_dir, forms_dir=FORMS_DIR)
    try:
        mark_reviewed_signed(backend, PacketMaker(backend), sign_in(backend, CLINICIAN, PASSWORD), clinic.submitted)
        other = visit(backend, schedule(backend, "Lee", "Park", dt.date(1990, 1, 1)))
    finally:
        backend.engine.dispose()
    packet = tmp_path / "packet.pdf"
    assert run(clinic.data_dir, ["packet", str(clinic.submitted), "-o", str(packet), "--addenda"]) == cli.EXIT_OK
    addendum = tmp_path / "packet-addendum-1.pdf"
    assert f"wrote addendum 1 (intake marked reviewed) to {addendum}" in capsys.readouterr().out
    other_packet = tmp_path / "other.pdf"
    run(clinic.data_dir, ["packet", str(other), "-o", str(other_packet)])
    capsys.readouterr()

    assert run(clinic.data_dir, ["verify", str(packet), "--addendum", str(addendum)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert out.count("Intact: signed by") == 2
    assert "  names this packet:      yes (packet.pdf, SHA-256 " in out

    # Alone, an addendum is checked and says which packet it belongs to.
    assert run(clinic.data_dir, ["verify", str(addendum)]) == cli.EXIT_OK
    assert "  this is an addendum to the packet with SHA-256 " in capsys.readouterr().out

    # Beside another patient's packet it is refused, though its own signature is intact.
    assert run(clinic.data_dir, ["verify", str(other_packet), "--addendum", str(addendum)]) == cli.EXIT_PROBLEM
    assert "  names another packet (SHA-256 " in capsys.readouterr().out
