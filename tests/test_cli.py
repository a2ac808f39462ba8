"""The `kiosk` command as a person types it: clear messages, non-zero exits, nothing stored lost or changed."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

import pytest

from kiosk import cli
from kiosk.settings import DEFAULT_SETTINGS
from tests.conftest import FORMS_DIR, copy_demo

BROKEN = Path(__file__).parent / "domain" / "broken_forms"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_forms_check_passes_on_the_shipped_forms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "check", str(FORMS_DIR))
    assert code == 0
    assert "10 forms OK" in out


def test_forms_check_lists_every_problem_as_file_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for name in ("bands_gap.yaml", "missing_id.yaml", "valid_mini.yaml"):
        shutil.copy(BROKEN / name, tmp_path / name)
    code, _, err = run(capsys, "forms", "check", str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'bands_gap.yaml'}:24: bands leave a gap" in err
    assert f"{tmp_path / 'missing_id.yaml'}:1: the form has no 'id'" in err
    assert "2 problem(s)" in err


def test_forms_score_prints_one_json_object(capsys: pytest.CaptureFixture[str]) -> None:
    answers = {"q1": 3, "q2": "LA6571-9", "q3": 3, "q4": 3, "q5": 3, "q6": 2, "q7": 2, "q8": 1, "44260-8": 1}
    code, out, _ = run(capsys, "forms", "score", "phq9", "--answers", json.dumps(answers))
    assert code == 0
    result = json.loads(out)
    assert result["form"] == "phq9"
    assert result["version"] == "1.0.0"
    assert result["total"] == 21
    assert result["band"] == "severe"
    # The total stands, so the form is complete; the unscored difficulty question is listed apart.
    assert result["complete"] is True and result["missing"] == [] and result["unanswered"] == ["difficulty"]
    assert {flag["code"] for flag in result["flags"]} == {"phq9_item9_positive", "phq9_severe"}
    assert {flag["level"] for flag in result["flags"]} == {"urgent", "info"}


def test_an_incomplete_phq9_has_no_total(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "forms", "score", "phq9", "--answers", '{"q1": 3}')
    assert code == 0
    result = json.loads(out)
    assert result["total"] is None and result["complete"] is False
    assert result["missing"] == [f"q{n}" for n in range(2, 10)]


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ('{"q1": "²"}', "'²' is not an option of item 'q1'"),
        (
            '{"q1": ' + "9" * 5000 + "}",
            "--answers holds a number thousands of digits long",
        ),
        ("[" * 50_000 + "]" * 50_000, "--answers is nested too deeply"),
        ('{"q1": 1e400}', "inf is not an option of item 'q1'"),
    ],
    ids=["superscript digit", "5,000 digits", "deeply nested", "overflowing float"],
)
def test_fuzzed_answers_get_one_sentence(capsys: pytest.CaptureFixture[str], answers: str, words: str) -> None:
    code, out, err = run(capsys, "forms", "score", "phq9", "--answers", answers)
    assert code == 1 and out == ""
    assert err.startswith("kiosk: ") and words in err and "Traceback" not in err


def test_gad7_in_spanish(capsys: pytest.CaptureFixture[str]) -> None:
    answers = json.dumps({f"q{n}": 2 for n in range(1, 8)} | {"difficulty": 1})
    code, out, _ = run(capsys, "forms", "score", "gad7", "--answers", answers, "--language", "es")
    assert code == 0
    result = json.loads(out)
    assert (result["total"], result["band"], result["complete"]) == (14, "moderate", True)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["forms", "score", "phq10", "--answers", "{}"], "unknown form id 'phq10'"),
        (["forms", "score", "phq9", "--answers", "{q1: 2"], "--answers is not valid JSON"),
        (["forms", "score", "phq9", "--answers", "[1, 2]"], "--answers must be a JSON object"),
        (["forms", "score", "phq9", "--answers", '{"q1": 7}'], "7 is not an option of item 'q1'"),
        (["forms", "score", "phq9", "--answers", '{"q42": 1}'], "no item with id or code 'q42'"),
    ],
)
def test_bad_input_gets_one_clear_message_and_exit_1(
    capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == ""
    assert words in err
    assert "Traceback" not in err


def test_db_upgrade_and_demo_twice(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    code, out, _ = run(capsys, "--data-dir", data, "db", "upgrade")
    assert code == 0 and "upgraded from empty" in out
    code, out, _ = run(capsys, "db", "upgrade", "--data-dir", data)
    assert code == 0 and "already at the newest schema" in out
    code, out, _ = run(capsys, "demo", "--data-dir", data)
    assert code == 0 and "10 patients" in out and "check in as: Sam Taylor" in out
    code, out, _ = run(capsys, "demo", "--data-dir", data)
    assert code == 0 and "0 patients, 0 appointments and 0 earlier intakes added" in out


def test_demo_data_never_goes_into_a_clinics_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_template: Path
) -> None:
    """`kiosk demo` and `demo-history` need no sign-in, so they must not add the demo accounts (published
    passwords) or synthetic patients to a database that has accounts of its own: that would be a way in."""
    import io

    from sqlalchemy import func, select

    from kiosk.services.backend import open_backend
    from kiosk.store.engine import unit_of_work
    from kiosk.store.models import Patient, StaffUser

    data = str(tmp_path / "clinic")
    monkeypatch.setattr("sys.stdin", io.StringIO("the clinic's own password\n"))
    code, out, _ = run(
        capsys, "--data-dir", data, "staff-user", "add", "boss", "--role", "admin", "--name", "B", "--password-stdin"
    )
    assert code == 0
    for command in (["demo"], ["demo", "--history", "10"], ["demo-history", "--intakes", "10", "--patients", "2"]):
        code, out, err = run(capsys, "--data-dir", data, *command)
        assert code == 1 and out == ""
        assert err.strip() == (
            "kiosk: this database has staff accounts of its own, so it is not a demo database: demo patients and "
            "demo accounts (with published passwords) go only into a new data folder (--data-dir)"
        )
    backend = open_backend(Path(data))
    with unit_of_work(backend.db_factory) as session:
        assert session.scalars(select(StaffUser.username)).all() == ["boss"]
        assert session.scalar(select(func.count()).select_from(Patient)) == 0
    backend.engine.dispose()
    # A demo database stays one: its demo accounts do not make it "a clinic's" on the next run.
    demo = str(copy_demo(demo_template, tmp_path / "demo"))
    assert run(capsys, "--data-dir", demo, "demo")[0] == 0
    assert run(capsys, "--data-dir", demo, "demo-history", "--intakes", "10", "--patients", "2")[0] == 0


def test_a_broken_settings_file_is_refused_and_nothing_changes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, demo_template: Path
) -> None:
    data = copy_demo(demo_template, tmp_path / "data")
    database = (data / "kiosk.sqlite3").read_bytes()
    broken = DEFAULT_SETTINGS.replace("idle_seconds = 90", "idle_seconds = soon")
    (data / "settings.toml").write_text(broken)
    code, _, err = run(capsys, "demo", "--data-dir", str(data))
    assert code == 1
    assert "settings.toml" in err and "not valid TOML" in err
    assert (data / "kiosk.sqlite3").read_bytes() == database
    assert (data / "settings.toml").read_text() == broken


def test_a_broken_form_stops_the_kiosk_before_any_window(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, forms)
    shutil.copy(BROKEN / "bands_overlap.yaml", forms / "zz_broken.yaml")
    (forms / "zz_broken.yaml").write_text((forms / "zz_broken.yaml").read_text().replace("id: mini", "id: zz"))
    code, _, err = run(capsys, "run", "--data-dir", str(tmp_path / "data"), "--forms-dir", str(forms))
    assert code == 1
    assert "zz_broken.yaml:24:" in err and "overlaps" in err
    assert gc.isenabled()  # held back during start-up (cmd_run), and back on when start-up stops early


@pytest.mark.parametrize("command", [["db", "upgrade"], ["demo"], ["staff-user", "list"], ["audit", "verify"]])
def test_an_unreachable_database_is_one_sentence(
    command: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A server that refuses the connection (nothing listens on port 1) gives one line, never a traceback."""
    data = tmp_path / "data"
    data.mkdir()
    url = "postgresql+psycopg://kiosk:secret@127.0.0.1:1/kiosk"
    (data / "settings.toml").write_text(DEFAULT_SETTINGS.replace('url = ""', f'url = "{url}"'))
    assert cli.main(["--data-dir", str(data), *command]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk: The database postgresql+psycopg://kiosk:***@127.0.0.1:1/kiosk cannot be reached")
    assert "Traceback" not in err and "secret" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [["packet", "-o", "p.pdf"], ["packet", "--store-only"], ["print"], ["export", "fhir", "-o", "b.json"]],
)
@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("100000000000000000000", "there is no intake 100000000000000000000: intake numbers are far smaller"),
        ("0", "an intake number is 1 or more"),
        ("4x", "'4x' is not an intake number"),
    ],
)
def test_an_intake_number_no_database_holds_is_one_sentence(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str], number: str, words: str
) -> None:
    """Once a traceback (SQLite: Python int too large to convert); now refused before anything is opened."""
    data = tmp_path / "data"
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--data-dir", str(data), *command[:2], number, *command[2:]] if command[0] == "export"
                 else ["--data-dir", str(data), command[0], number, *command[1:]])  # fmt: skip
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].endswith(words) and "Traceback" not in err
    assert not data.exists()
