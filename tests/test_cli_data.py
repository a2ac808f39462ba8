"""`kiosk backup` and `kiosk restore` as a clinic runs them: an admin's sign-in, one sentence for every
refusal, and a restored folder that `kiosk audit verify` calls intact and whose schedule is the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.services.backend import KEY_FILE
from tests.conftest import FORMS_DIR, copy_demo

ADMIN = ("--user", "admin", "--password-stdin")
ADMIN_PASSWORD = "demo-admin-2026\n"
PASSPHRASE = "a passphrase for the safe"


def kiosk(
    data_dir: Path, *argv: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(["--data-dir", str(data_dir), "--forms-dir", str(FORMS_DIR), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_backup_and_restore_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], demo_template: Path
) -> None:
    clinic = copy_demo(demo_template, tmp_path / "clinic")

    def run(data_dir: Path, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        return kiosk(data_dir, *argv, stdin=stdin, monkeypatch=monkeypatch, capsys=capsys)

    backup = tmp_path / "clinic.kbak"
    code, _out, err = run(clinic, "backup", "-o", str(backup))
    assert code == 1 and "needs a staff sign-in" in err and not backup.exists()
    code, _out, err = run(clinic, "--user", "frontdesk", "--password-stdin", "backup", "-o", str(backup),
                          stdin="demo-frontdesk-2026\n")  # fmt: skip
    assert code == 1 and "may not back up" in err and not backup.exists()
    code, out, err = run(clinic, *ADMIN, "backup", "-o", str(backup), stdin=ADMIN_PASSWORD)
    assert code == 0, err
    assert "wrote and checked" in out and "encrypting: 100%" in err
    assert run(clinic, *ADMIN, "backup", "-o", str(backup), stdin=ADMIN_PASSWORD)[2].count("already exists") == 1

    code, _out, err = run(tmp_path / "nowhere", "restore", str(tmp_path / "missing.kbak"), "--key", "k")
    assert code == 1 and "no backup file" in err

    restored = tmp_path / "restored"
    code, out, err = run(restored, "restore", str(backup), "--key", str(clinic / KEY_FILE))
    assert code == 0, err
    assert "audit log intact" in out
    assert run(restored, "audit", "verify")[0] == 0
    schedules = [run(folder, *ADMIN, "schedule", stdin=ADMIN_PASSWORD)[1] for folder in (clinic, restored)]
    assert schedules[0] == schedules[1] and "Sam Taylor" in schedules[0]

    wrapped = tmp_path / "keys.wrapped"
    code, _out, err = run(clinic, *ADMIN, "key", "export", "-o", str(wrapped), "--passphrase-stdin",
                          stdin=ADMIN_PASSWORD + PASSPHRASE + "\n")  # fmt: skip
    assert code == 0, err
    again = tmp_path / "again"
    code, _out, err = run(again, "restore", str(backup), "--key", str(wrapped), "--passphrase-stdin",
                          stdin="the wrong passphrase\n")  # fmt: skip
    assert code == 1 and "passphrase is wrong" in err and not again.exists()
    code, out, err = run(again, "restore", str(backup), "--key", str(wrapped), "--passphrase-stdin",
                         stdin=PASSPHRASE + "\n")  # fmt: skip
    assert code == 0, err
    code, _out, err = run(again, "restore", str(backup), "--key", str(wrapped), "--passphrase-stdin",
                          stdin=PASSPHRASE + "\n")  # fmt: skip
    assert code == 1 and "is not empty" in err and "nothing was restored" in err
