"""`kiosk export fhir`: the forms as Questionnaires, one intake or a day as Bundles, through kiosk/cli.py."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from fhirclient.models.bundle import Bundle
from fhirclient.models.questionnaire import Questionnaire

from kiosk import cli
from tests.conftest import FORMS_DIR, copy_demo


@pytest.fixture
def data_dir(demo_template: Path, tmp_path: Path) -> Path:
    return copy_demo(demo_template, tmp_path / "data")


def _run(data_dir: Path, monkeypatch: pytest.MonkeyPatch, password: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{password}\n"))
    common = ["--data-dir", str(data_dir), "--forms-dir", str(FORMS_DIR)]
    return cli.main([*common, "--user", _user(password), "--password-stdin", *argv])


def _user(password: str) -> str:
    return {"demo-clinician-2026": "dr.rivera", "demo-frontdesk-2026": "frontdesk"}[password]


def test_questionnaires_need_no_sign_in(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "q"
    assert cli.main(["--data-dir", str(data_dir), "export", "fhir", "--questionnaires", "-o", str(out)]) == 0
    files = sorted(path.name for path in out.iterdir())
    assert "Questionnaire-phq9.json" in files and len(files) == 10
    for path in out.iterdir():
        Questionnaire(json.loads(path.read_text(encoding="utf-8")), strict=True)
    assert "wrote 10 Questionnaires" in capsys.readouterr().out


def test_one_intake_twice_gives_the_same_file(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert _run(data_dir, monkeypatch, "demo-clinician-2026", "export", "fhir", "1", "-o", str(first)) == 0
    assert _run(data_dir, monkeypatch, "demo-clinician-2026", "export", "fhir", "1", "-o", str(second)) == 0
    assert first.read_bytes() == second.read_bytes()
    Bundle(json.loads(first.read_bytes()), strict=True)
    assert "as a FHIR Bundle of 13 resources" in capsys.readouterr().out


def test_a_day_writes_one_bundle_per_intake_with_progress(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    day = (dt.date.today() - dt.timedelta(weeks=3)).isoformat()
    out = tmp_path / "day"
    assert _run(data_dir, monkeypatch, "demo-clinician-2026", "export", "fhir", "--date", day, "-o", str(out)) == 0
    bundles = sorted(out.iterdir())
    assert len(bundles) == 4
    for path in bundles:
        Bundle(json.loads(path.read_bytes()), strict=True)
    captured = capsys.readouterr()
    assert "[4/4] intake" in captured.err and f"wrote 4 Bundle(s) of {day}" in captured.out


def test_front_desk_and_bad_input_get_one_sentence(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x.json"
    assert _run(data_dir, monkeypatch, "demo-frontdesk-2026", "export", "fhir", "1", "-o", str(target)) == 1
    assert "may not export clinical records" in capsys.readouterr().err
    assert not target.exists()
    assert _run(data_dir, monkeypatch, "demo-clinician-2026", "export", "fhir", "999", "-o", str(target)) == 1
    assert "there is no intake 999" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(data_dir), "export", "fhir", "-o", str(target)]) == 1
    assert "exactly one" in capsys.readouterr().err
    assert not target.exists()
