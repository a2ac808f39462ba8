"""The admin edits settings.toml from the console: only a valid text is ever saved, and the change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.services.backend import Backend
from kiosk.services.settings_admin import check_settings_text, read_settings_text, save_settings_text
from kiosk.settings import SettingsError, load_settings
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry
from tests.identities import admin


def test_a_valid_change_is_saved_and_audited(backend: Backend) -> None:
    text = read_settings_text(backend, admin()).replace('phone = "(555) 010-0199"', 'phone = "(555) 010-0111"', 1)
    save_settings_text(backend, text, admin("admin"))
    assert load_settings(backend.data_dir).clinic_phone == "(555) 010-0111"
    with unit_of_work(backend.db_factory) as db:
        assert [e.action for e in db.scalars(select(AuditEntry))][-1] == "settings.change"


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("idle_seconds = 90", "idle_seconds = -4", "[kiosk.idle_seconds] must be between"),
        ('questionnaires = ["phq9", "gad7"]', 'questionnaires = ["phq9", "bdi2"]', "names form 'bdi2'"),
        ("[kiosk]", "[kiosk", "not valid TOML"),
    ],
)
def test_an_invalid_change_is_refused_and_the_file_is_left_as_it_was(
    backend: Backend, old: str, new: str, words: str
) -> None:
    before = read_settings_text(backend, admin())
    with pytest.raises(SettingsError) as caught:
        save_settings_text(backend, before.replace(old, new, 1), admin("admin"))
    assert words in str(caught.value)
    assert read_settings_text(backend, admin()) == before
    with pytest.raises(SettingsError):
        check_settings_text(backend, before.replace(old, new, 1))
