"""The command line's sign-in: --user with --password-stdin, the console's lockout and audit, the role rule."""

from __future__ import annotations

import argparse
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.cli_support import CliError, add_sign_in_options, sign_in
from kiosk.services.backend import Backend, open_backend
from kiosk.services.permissions import Permission
from kiosk.services.staff_accounts import create_staff_user
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, StaffRole
from tests.conftest import FORMS_DIR
from tests.identities import admin


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    opened = open_backend(tmp_path / "data", forms_dir=FORMS_DIR)
    create_staff_user(
        opened, admin("t"), username="desk", display_name="Dana Desk", role=StaffRole.FRONT_DESK, password="desk-pass-1"
    )
    yield opened
    opened.engine.dispose()


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_sign_in_options(parser)
    return parser.parse_args(argv)


def test_password_from_stdin_signs_in_and_is_audited(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("desk-pass-1\n"))
    staff = sign_in(_args(["--user", "desk", "--password-stdin"]), backend, Permission.VIEW_SCHEDULE)
    assert staff.username == "desk"
    with unit_of_work(backend.db_factory) as db:
        actions = db.scalars(select(AuditEntry.action)).all()
    assert "staff.sign_in" in actions


def test_wrong_password_is_refused_in_one_sentence(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("nope-nope\n"))
    with pytest.raises(CliError, match=r"^sign-in refused: "):
        sign_in(_args(["--user", "desk", "--password-stdin"]), backend, Permission.VIEW_SCHEDULE)


def test_role_is_checked_after_sign_in(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("desk-pass-1\n"))
    with pytest.raises(CliError, match=r"Dana Desk \(front desk\) may not see scores"):
        sign_in(_args(["--user", "desk", "--password-stdin"]), backend, Permission.VIEW_CLINICAL)


def test_no_user_and_no_terminal_says_what_to_give(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CliError, match="needs a staff sign-in: give --user NAME"):
        sign_in(_args([]), backend, Permission.VIEW_SCHEDULE)
