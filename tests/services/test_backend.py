"""Opening the backend: what staff read when the database cannot be used."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kiosk.services.backend import SetupError, open_backend
from kiosk.settings import DEFAULT_SETTINGS
from tests.conftest import FORMS_DIR


def test_a_postgresql_driver_that_does_not_load_is_a_setup_error_that_names_libpq(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a Linux computer without libpq: the one-folder build brings no copy of its own (build.spec).
    settings = DEFAULT_SETTINGS.replace('url = ""', 'url = "postgresql+psycopg://kiosk:secret@clinic-server/kiosk"', 1)
    (tmp_path / "settings.toml").write_text(settings)
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(SetupError) as raised:
        open_backend(tmp_path, forms_dir=FORMS_DIR)
    message = str(raised.value)
    assert "postgresql+psycopg://kiosk:***@clinic-server/kiosk cannot be used" in message
    assert "libpq" in message and "apt install libpq5" in message
    assert "secret" not in message
