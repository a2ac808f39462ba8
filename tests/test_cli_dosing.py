"""`kiosk sessions`, `kiosk rems-form` and `kiosk rems-submitted` on a demo database (which `kiosk demo` seeds with
one Spravato and one IM ketamine session, both synthetic), signed in like every command that shows patient data."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
import sys
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

import pypdf
import pytest

from kiosk import cli
from kiosk.services.demo import DEMO_STAFF
from tests.conftest import FORMS_DIR, copy_demo

CLINICIAN = next(person for person in DEMO_STAFF if person.username == "dr.rivera")
DESK = next(person for person in DEMO_STAFF if person.username == "frontdesk")


def run(data_dir: Path, argv: Sequence[str], *, user: str | None = None, password: str = "") -> int:
    sign_in = ["--user", user, "--password-stdin"] if user else []
    saved = sys.stdin
    sys.stdin = io.StringIO(password + "\n")
    try:
        return cli.main([*sign_in, *argv, "--data-dir", str(data_dir), "--forms-dir", str(FORMS_DIR)])
    finally:
        sys.stdin = saved


def as_clinician(data_dir: Path, argv: Sequence[str]) -> int:
    return run(data_dir, argv, user=CLINICIAN.username, password=CLINICIAN.password)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    """One copy of the demo for the module; tests only read it, or file its one REMS form."""
    return copy_demo(demo_template, tmp_path_factory.mktemp("demo") / "data")


def test_sessions_lists_the_demo_sessions_one_per_line_by_id(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert as_clinician(demo, ["sessions", "--rems"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    session_id, day, first, last, visit, *rest = lines[0].split()
    assert (first, last, visit) == ("Ana", "García", "spravato")
    assert " ".join(rest).startswith("dosed 09:15, monitoring ended 11:20; REMS form ")
    session_day = dt.datetime.strptime(day, "%m/%d/%Y").date()
    assert as_clinician(demo, ["sessions", "--date", session_day.isoformat()]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == sorted([line.split()[0] for line in lines], key=int)
    assert {line.split()[4] for line in lines} == {"spravato", "im_ketamine"}
    assert session_id in {line.split()[0] for line in lines}
    assert as_clinician(demo, ["sessions", "--date", "2001-01-01"]) == 0
    assert capsys.readouterr().out == "no dosing sessions on 01/01/2001\n"


def test_sessions_needs_a_clinician_and_a_real_date(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(demo, ["sessions"], user=DESK.username, password=DESK.password) == 1
    assert "may not record dosing sessions" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        as_clinician(demo, ["sessions", "--date", "12/04/2026"])
    assert "is not a date such as 2026-03-08 (YYYY-MM-DD)" in capsys.readouterr().err


def test_rems_form_writes_a_signed_form_that_kiosk_verify_accepts(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    as_clinician(demo, ["sessions", "--rems"])
    session_id = capsys.readouterr().out.split()[0]
    output = tmp_path / "rems.pdf"
    assert as_clinician(demo, ["rems-form", session_id, "-o", str(output)]) == 0
    assert f"of session {session_id} to {output}" in capsys.readouterr().out
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o600
    fields = pypdf.PdfReader(BytesIO(output.read_bytes())).get_form_text_fields()
    assert (fields["patient_first_name"], fields["patient_last_name"], fields["dose"]) == ("Ana", "García", "84 mg")
    assert run(demo, ["verify", str(output)]) == 0
    assert "clinic certificate:     yes" in capsys.readouterr().out
    other = int(session_id) - 1
    assert as_clinician(demo, ["rems-form", str(other), "-o", str(tmp_path / "im.pdf")]) == 1
    assert "has no REMS form: only Spravato sessions are reported." in capsys.readouterr().err
    assert not (tmp_path / "im.pdf").exists()


def test_rems_submitted_records_the_filing(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    as_clinician(demo, ["sessions", "--rems"])
    session_id = capsys.readouterr().out.split()[0]
    assert as_clinician(demo, ["rems-submitted", session_id, "--confirmation", "REMS-000777"]) == 0
    assert "REMS form submitted on" in capsys.readouterr().out
    as_clinician(demo, ["sessions", "--rems"])
    assert "REMS form submitted" in capsys.readouterr().out
