"""The admin's settings: read settings.toml, check a changed text, and save it only when it is valid.

Nothing half-valid is ever written: the text must parse, and every form a visit type names must exist and
be of the right kind. The file is replaced atomically, the change audited, and it takes effect at the next
start of each kiosk and console (settings are read once, at start).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kiosk.domain.visit_needs import check_visit_types
from kiosk.services.backend import Backend
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.settings import SETTINGS_FILE, Settings, SettingsError, parse_settings_text
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work


def settings_path(backend: Backend) -> Path:
    return backend.data_dir / SETTINGS_FILE


def read_settings_text(backend: Backend, staff: StaffIdentity) -> str:
    require(staff, Permission.EDIT_SETTINGS)
    return settings_path(backend).read_text(encoding="utf-8")


MAX_SETTINGS_BYTES = 1_000_000
"""A settings file is a few kilobytes; a megabyte is a mistake (a pasted log, a wrong file), never settings."""


def check_settings_text(backend: Backend, text: str) -> Settings:
    """The settings `text` describes, or SettingsError saying what to fix (including unknown forms)."""
    if len(text) > MAX_SETTINGS_BYTES:
        raise SettingsError(
            f"{settings_path(backend)}: the text is {len(text):,} characters long; settings are at most "
            f"{MAX_SETTINGS_BYTES:,}. Nothing was saved."
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise SettingsError(
            f"{settings_path(backend)}: character {error.start + 1} is not text (a lone surrogate); nothing was saved."
        ) from None
    settings = parse_settings_text(text, backend.data_dir)
    problems = check_visit_types(settings, backend.forms)
    if problems:
        raise SettingsError(f"{settings_path(backend)}: " + "; ".join(problems))
    return settings


def save_settings_text(backend: Backend, text: str, staff: StaffIdentity) -> Settings:
    """Check `text`, then replace settings.toml with it in one step, and audit the change."""
    require(staff, Permission.EDIT_SETTINGS)
    settings = check_settings_text(backend, text)
    path = settings_path(backend)
    handle, temporary = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    with unit_of_work(backend.db_factory) as db:
        append_audit(db, at=backend.now(), actor=staff.username, action="settings.change", detail=SETTINGS_FILE)
    return settings
