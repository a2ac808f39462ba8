"""The staff sub-commands of `kiosk`, run through a parser built the way kiosk/cli.py builds its own."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk import cli
from kiosk.cli_staff import register
from kiosk.services.backend import Backend, open_backend
from kiosk.services.staff_accounts import sign_in, verify_kiosk_pin
from kiosk.store.engine import unit_of_work
from tests.conftest import FORMS_DIR


def run(data_dir: Path, argv: Sequence[str], stdin: str = "", *, monkeypatch: pytest.MonkeyPatch) -> int:
    """Parse and dispatch like cli.main: a CliError is one message and exit 1."""
    parser = argparse.ArgumentParser(prog="kiosk")
    commands = parser.add_subparsers(dest="command")
    register(commands, cli._add_common, cli._open_backend)
    if argv and argv[0] == "--user":  # the sign-in options may follow the sub-command too, as here
        argv = [*argv[3:], *argv[:3]]
    args = parser.parse_args([*argv, "--data-dir", str(data_dir), "--forms-dir", str(FORMS_DIR)])
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        return int(args.handler(args))
    except cli.CliError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return cli.EXIT_PROBLEM


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory with default settings; the commands create the database and key themselves."""
    return tmp_path / "data"


@pytest.fixture
def make_backend() -> Iterator[Callable[[Path], Backend]]:
    opened: list[Backend] = []

    def make(data_dir: Path) -> Backend:
        backend = open_backend(data_dir, forms_dir=FORMS_DIR)
        opened.append(backend)
        return backend

    yield make
    for backend in opened:
        backend.engine.dispose()


def test_staff_user_commands(
    data_dir: Path,
    make_backend: Callable[[Path], Backend],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def kiosk(*argv: str, stdin: str = "") -> int:
        return run(data_dir, argv, stdin, monkeypatch=monkeypatch)

    boss = ("--user", "boss", "--password-stdin")
    # A new clinic: only its first admin may be added without a sign-in, and nothing else.
    assert kiosk("staff-user", "add", "sam", "--role", "front_desk", "--name", "Sam", "--password-stdin",
                 stdin="a fine password\n") == 1  # fmt: skip
    assert "add the clinic's first admin" in capsys.readouterr().err
    assert kiosk("staff-user", "add", "Boss", "--role", "admin", "--name", "Dana Lee", "--password-stdin",
                 stdin="first password\n") == 0  # fmt: skip
    assert "added boss (Dana Lee), role admin" in capsys.readouterr().out
    # From now on every account command needs an admin's sign-in: the password first, then the new secret.
    assert kiosk("staff-user", "add", "mallory", "--role", "admin", "--name", "M", "--password-stdin",
                 stdin="mallory's password\n") == 1  # fmt: skip
    assert "needs a staff sign-in" in capsys.readouterr().err
    assert kiosk("staff-user", "reset", "boss", "--password-stdin", stdin="taken over\n") == 1
    assert "needs a staff sign-in" in capsys.readouterr().err
    assert kiosk(*boss, "staff-user", "add", "boss", "--role", "admin", "--name", "X",
                 stdin="first password\nfirst password\n") == 1  # fmt: skip
    assert "The username 'boss' is taken" in capsys.readouterr().err
    assert kiosk(*boss, "staff-user", "add", "sam", "--role", "front_desk", "--name", "Sam",
                 stdin="first password\nsam's password\n") == 0  # fmt: skip
    assert kiosk(*boss, "staff-user", "set-pin", "boss", "--pin-stdin", stdin="first password\n4821\n") == 0
    assert kiosk(*boss, "staff-user", "reset", "boss", stdin="first password\nsecond password\n") == 0
    assert kiosk("--user", "sam", "--password-stdin", "staff-user", "list", stdin="sam's password\n") == 1
    assert "Sam (front desk) may not manage staff accounts" in capsys.readouterr().err
    assert kiosk(*boss, "staff-user", "list", stdin="second password\n") == 0
    listing = capsys.readouterr().out
    assert "boss" in listing and "admin" in listing and "yes" in listing and "active" in listing

    backend = make_backend(data_dir)
    assert sign_in(backend, "boss", "second password").role.value == "admin"
    assert verify_kiosk_pin(backend, "4821").username == "boss"
    with unit_of_work(backend.db_factory) as db:
        entries = set(db.execute(text("SELECT actor, action FROM audit_log")).all())
    assert any(actor.startswith("cli") and actor.endswith("(first admin)") for actor, _ in entries)
    assert {("boss", "staff.create"), ("boss", "staff.pin_set"), ("boss", "staff.password_reset")} <= entries

    assert kiosk(*boss, "staff-user", "disable", "boss", stdin="second password\n") == 1
    assert "only enabled admin" in capsys.readouterr().err
    assert kiosk(*boss, "staff-user", "reset", "nobody", stdin="second password\nwhatever password\n") == 1
    assert "There is no staff account named 'nobody'" in capsys.readouterr().err


def test_secrets_need_a_terminal_or_the_stdin_flag(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(data_dir, ["staff-user", "add", "boss", "--role", "admin", "--name", "B"], monkeypatch=monkeypatch) == 1
    assert "pass it on standard input with --password-stdin" in capsys.readouterr().err


def test_audit_verify_exit_codes(
    data_dir: Path,
    make_backend: Callable[[Path], Backend],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        run(
            data_dir,
            ["staff-user", "add", "sam", "--role", "admin", "--name", "Sam", "--password-stdin"],
            "a fine password\n",
            monkeypatch=monkeypatch,
        )
        == 0
    )
    assert run(data_dir, ["audit", "verify"], monkeypatch=monkeypatch) == 0
    assert "Audit log intact: 1 entries checked." in capsys.readouterr().out
    backend = make_backend(data_dir)
    with unit_of_work(backend.db_factory) as db:
        # An intruder with write access drops the guard first (migration 0003).
        db.execute(text("DROP TRIGGER audit_log_no_update"))
        db.execute(text("UPDATE audit_log SET detail = 'edited'"))
    backend.engine.dispose()
    assert run(data_dir, ["audit", "verify"], monkeypatch=monkeypatch) == 1
    assert "Audit log BROKEN at entry 1" in capsys.readouterr().err


def test_demo_history(data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(data_dir, ["demo-history", "--intakes", "60", "--patients", "5"], monkeypatch=monkeypatch) == 0
    assert "synthetic history: 5 patients, 60 submitted intakes" in capsys.readouterr().out
    assert run(data_dir, ["demo-history", "--intakes", "60", "--patients", "5"], monkeypatch=monkeypatch) == 0
    assert "already in this database" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        run(data_dir, ["demo-history", "--intakes", "0"], monkeypatch=monkeypatch)
