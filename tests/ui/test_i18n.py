"""Every text the kiosk shows is translated into Spanish, and the shipped .qm is compiled from the .ts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import REPO_ROOT

I18N = REPO_ROOT / "resources" / "i18n"
BIN = Path(sys.executable).parent


def ui_sources() -> list[str]:
    return sorted(str(path) for path in (REPO_ROOT / "kiosk" / "ui").rglob("*.py"))


def test_every_text_in_the_code_has_a_spanish_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "kiosk_es.ts"
    shutil.copy(I18N / "kiosk_es.ts", fresh)
    subprocess.run(
        [str(BIN / "pyside6-lupdate"), *ui_sources(), "-ts", str(fresh), "-no-obsolete", "-locations", "none"],
        check=True,
        capture_output=True,
    )
    untranslated = [
        message.findtext("source")
        for message in ET.parse(fresh).getroot().iter("message")
        if message.find("translation") is None
        or message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
        or not (message.findtext("translation") or "").strip()
    ]
    assert untranslated == [], "run scripts/update-translations.sh and translate these"


def test_the_shipped_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    compiled = tmp_path / "kiosk_es.qm"
    subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(I18N / "kiosk_es.ts"), "-qm", str(compiled)],
        check=True,
        capture_output=True,
    )
    assert compiled.read_bytes() == (I18N / "kiosk_es.qm").read_bytes(), "run scripts/update-translations.sh"
