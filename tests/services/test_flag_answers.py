"""Acknowledging an urgent flag with an outcome, clearing a hold with a reason, undoing either, marking an
intake reviewed: each recorded with who and when, audited, and signed as an addendum naming the packet."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select, text

from kiosk.documents.addendum import named_packet_hash
from kiosk.documents.certificates import clinic_root_certificate
from kiosk.documents.verification import verify_pdf
from kiosk.domain.acknowledgements import AnswerRefusedError, WaitingCounts
from kiosk.services.addenda import addenda_of, addendum_pdfs
from kiosk.services.backend import Backend
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.flag_answers import (
    FlagAnswerError,
    acknowledge_urgent,
    addenda_for_earlier_answers,
    clear_hold,
    mark_reviewed_signed,
    undo_answer,
    waiting_counts,
)
from kiosk.services.intake import begin_intake, record_answer, submit_intake
from kiosk.services.packets import PacketMaker
from kiosk.services.permissions import RoleRefusedError
from kiosk.services.staff_accounts import StaffIdentity, create_staff_user
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Addendum, AuditEntry, Flag, Intake, StaffRole
from tests.identities import admin
from tests.services.conftest import BackendFactory, FakeClock, schedule
from tests.services.test_board import answer_questionnaire
from tests.services.test_intake import sign_all_consents
from tests.services.test_packets import install_certificate, make_certificate_source

DOB = dt.date(1979, 7, 2)


@pytest.fixture(scope="module")
def certificate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificate_source(tmp_path_factory)


@pytest.fixture
def backend(make_backend: BackendFactory, certificate_source: Path, tmp_path: Path) -> Backend:
    install_certificate(certificate_source, tmp_path / "data")
    return make_backend(tmp_path / "data")


@pytest.fixture
def maker(backend: Backend) -> PacketMaker:
    return PacketMaker(backend)


def person(backend: Backend, username: str, name: str, role: StaffRole = StaffRole.CLINICIAN) -> StaffIdentity:
    return create_staff_user(
        backend, admin(), username=username, display_name=name, role=role, password="a long password 1"
    )


def checked_in(backend: Backend, *, item9: int = 2, ride_home: str = "yes", submit: bool = True) -> int:
    """A patient who answered PHQ-9 item 9 with `item9` (urgent when above 0) and the checklist's ride home."""
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    state = begin_intake(backend, appointment_id, "en")
    sign_all_consents(backend, state.intake_id, name="Sam Taylor")
    answer_questionnaire(backend, state.intake_id, "phq9", (1, 1, 0, 0, 0, 0, 0, 0, item9))
    answer_questionnaire(backend, state.intake_id, "gad7", (0,) * 7)
    checklist = backend.settings.visit_type(state.visit_type).checklist
    assert checklist is not None
    for item_id, value in prepared_patient_answers(backend.forms.get(checklist)):
        record_answer(backend, state.intake_id, checklist, item_id, value)
    record_answer(backend, state.intake_id, checklist, "ride_home", ride_home)
    if submit:
        submit_intake(backend, state.intake_id)
    return state.intake_id


def flag_of(backend: Backend, intake_id: int, level: str) -> int:
    with unit_of_work(backend.db_factory) as session:
        return session.scalars(select(Flag.id).where(Flag.intake_id == intake_id, Flag.level == level)).one()


def audit(backend: Backend, prefix: str) -> list[AuditEntry]:
    with unit_of_work(backend.db_factory) as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.action.startswith(prefix)).order_by(AuditEntry.id))
        )


def test_an_acknowledgement_records_outcome_note_who_and_when_and_signs_an_addendum(
    backend: Backend, maker: PacketMaker, clock: FakeClock, tmp_path: Path
) -> None:
    rivera = person(backend, "rivera", "Dr. Rivera")
    intake_id = checked_in(backend)
    flag_id = flag_of(backend, intake_id, "urgent")
    clock.advance(minutes=6)
    answer = acknowledge_urgent(backend, maker, rivera, flag_id, "safety plan made", "  Partner drives home.  ")

    with unit_of_work(backend.db_factory) as session:
        flag = session.get_one(Flag, flag_id)
        assert (flag.acknowledged_by, flag.acknowledged_at) == ("rivera", clock.now)
        assert (flag.acknowledged_outcome, flag.acknowledged_note) == ("safety plan made", "Partner drives home.")
        # Health information: encrypted at rest, like the flag's message.
        raw = session.execute(text("SELECT acknowledged_outcome FROM flags WHERE id = :id"), {"id": flag_id}).scalar()
        assert b"safety plan" not in bytes(raw)
        packet_sha = session.get_one(Intake, intake_id).packet_sha256
    entries = audit(backend, "flag.")
    assert [(entry.action, entry.actor) for entry in entries] == [("flag.acknowledge", "rivera")]
    assert "safety plan" not in entries[0].detail and "Partner" not in entries[0].detail

    [view] = addenda_of(backend, rivera, intake_id)
    assert view.title == "Urgent flag acknowledged" and view.created_by == "rivera"
    assert view.packet_sha256 == packet_sha and view.sha256 == answer.addendum_sha256
    [pdf] = addendum_pdfs(backend, intake_id)
    assert hashlib.sha256(pdf).hexdigest() == answer.addendum_sha256
    report = verify_pdf(pdf, trust_roots=[clinic_root_certificate(backend.data_dir)])
    assert report.signer_verified, report.describe()
    assert named_packet_hash(pdf) == packet_sha
    reader = pypdf.PdfReader(BytesIO(pdf))
    assert len(reader.pages) == 1
    page = " ".join(reader.pages[0].extract_text().split())
    for expected in ("Urgent flag acknowledged", "Sam Taylor", "safety plan made", "Partner drives home.",
                     "Dr. Rivera (staff account rivera)", str(packet_sha)):  # fmt: skip
        assert expected in page, expected
    # poppler's own check of the signature, as an outside reader would make it.
    path = tmp_path / "addendum.pdf"
    path.write_bytes(pdf)
    pdfsig = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
    assert "Signature is Valid." in pdfsig.stdout, pdfsig.stdout
    assert "Total document signed" in pdfsig.stdout


def test_outcome_must_come_from_the_settings_list_and_front_desk_may_not_acknowledge(
    backend: Backend, maker: PacketMaker
) -> None:
    rivera = person(backend, "rivera", "Dr. Rivera")
    desk = person(backend, "desk", "Front Desk", StaffRole.FRONT_DESK)
    intake_id = checked_in(backend)
    flag_id = flag_of(backend, intake_id, "urgent")
    with pytest.raises(AnswerRefusedError, match="not one of the outcomes"):
        acknowledge_urgent(backend, maker, rivera, flag_id, "all good")
    with pytest.raises(AnswerRefusedError, match="Choose what was done"):
        acknowledge_urgent(backend, maker, rivera, flag_id, "   ")
    with pytest.raises(RoleRefusedError, match="may not acknowledge urgent flags"):
        acknowledge_urgent(backend, maker, desk, flag_id, "safety plan made")
    acknowledge_urgent(backend, maker, rivera, flag_id, "escalated to prescriber")
    with pytest.raises(FlagAnswerError, match="already acknowledged by rivera"):
        acknowledge_urgent(backend, maker, rivera, flag_id, "safety plan made")
    assert len(addendum_pdfs(backend, intake_id)) == 1


def test_undo_only_by_the_same_person_within_ten_minutes_audited_with_its_own_addendum(
    backend: Backend, maker: PacketMaker, clock: FakeClock
) -> None:
    rivera = person(backend, "rivera", "Dr. Rivera")
    lee = person(backend, "lee", "Dr. Lee")
    intake_id = checked_in(backend)
    flag_id = flag_of(backend, intake_id, "urgent")
    acknowledge_urgent(backend, maker, rivera, flag_id, "safety plan made")
    with pytest.raises(FlagAnswerError, match="Only the person who recorded this answer"):
        undo_answer(backend, maker, lee, flag_id)
    clock.advance(minutes=9)
    undo_answer(backend, maker, rivera, flag_id)
    with unit_of_work(backend.db_factory) as session:
        flag = session.get_one(Flag, flag_id)
        assert flag.acknowledged_at is None and flag.acknowledged_outcome is None
    assert [entry.action for entry in audit(backend, "flag.")] == ["flag.acknowledge", "flag.acknowledge_undone"]
    assert [view.title for view in addenda_of(backend, rivera, intake_id)] == [
        "Urgent flag acknowledged",
        "Acknowledgement withdrawn",
    ]
    withdrawn = pypdf.PdfReader(BytesIO(addendum_pdfs(backend, intake_id)[1])).pages[0].extract_text()
    assert "is withdrawn" in " ".join(withdrawn.split())

    acknowledge_urgent(backend, maker, rivera, flag_id, "spoke with patient: safe to proceed")
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(FlagAnswerError, match="only within 10 minutes"):
        undo_answer(backend, maker, rivera, flag_id)


def test_a_hold_is_cleared_with_a_reason_and_waiting_counts_follow(
    backend: Backend, maker: PacketMaker, clock: FakeClock
) -> None:
    rivera = person(backend, "rivera", "Dr. Rivera")
    desk = person(backend, "desk", "Front Desk", StaffRole.FRONT_DESK)
    intake_id = checked_in(backend, ride_home="no")
    assert waiting_counts(backend, desk) == WaitingCounts(urgent=1, holds=1)
    hold_id = flag_of(backend, intake_id, "hold")
    with pytest.raises(RoleRefusedError):
        clear_hold(backend, maker, desk, hold_id, "ride confirmed by phone")
    with pytest.raises(FlagAnswerError, match="not urgent"):
        acknowledge_urgent(backend, maker, rivera, hold_id, "safety plan made")
    clear_hold(backend, maker, rivera, hold_id, "ride confirmed by phone")
    assert waiting_counts(backend, desk) == WaitingCounts(urgent=1, holds=0)
    acknowledge_urgent(backend, maker, rivera, flag_of(backend, intake_id, "urgent"), "safety plan made")
    assert waiting_counts(backend, desk) == WaitingCounts(urgent=0, holds=0)
    page = pypdf.PdfReader(BytesIO(addendum_pdfs(backend, intake_id)[0])).pages[0].extract_text()
    assert "Hold cleared before dosing" in page and "ride confirmed by phone" in " ".join(page.split())


def test_mark_reviewed_signs_an_addendum(backend: Backend, maker: PacketMaker) -> None:
    rivera = person(backend, "rivera", "Dr. Rivera")
    intake_id = checked_in(backend, item9=0)
    mark_reviewed_signed(backend, maker, rivera, intake_id)
    with pytest.raises(FlagAnswerError, match="only a submitted intake"):
        mark_reviewed_signed(backend, maker, rivera, intake_id)
    assert [view.title for view in addenda_of(backend, rivera, intake_id)] == ["Intake marked reviewed"]
    assert [entry.actor for entry in audit(backend, "intake.review")] == ["rivera"]


def test_a_flag_answered_during_check_in_gets_its_addendum_with_the_packet(
    backend: Backend, maker: PacketMaker, clock: FakeClock
) -> None:
    rivera = person(backend, "rivera", "Dr. Rivera")
    intake_id = checked_in(backend, submit=False)
    answer = acknowledge_urgent(backend, maker, rivera, flag_of(backend, intake_id, "urgent"), "safety plan made")
    assert answer.addendum_sha256 is None
    assert addendum_pdfs(backend, intake_id) == []
    assert addenda_for_earlier_answers(backend, maker, intake_id) == 0  # no packet while a draft
    clock.advance(minutes=20)
    submit_intake(backend, intake_id)
    maker.make(intake_id)
    assert addenda_for_earlier_answers(backend, maker, intake_id) == 1
    assert addenda_for_earlier_answers(backend, maker, intake_id) == 0  # once only
    with unit_of_work(backend.db_factory) as session:
        row = session.scalars(select(Addendum)).one()
        assert row.created_at == answer.at and row.created_by == "rivera"
        assert row.packet_sha256 == session.get_one(Intake, intake_id).packet_sha256
