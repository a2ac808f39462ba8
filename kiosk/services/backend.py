"""The composition every use case works with: settings, forms, database sessions, cipher and clock.

Built once by `open_backend(data_dir)` (the composition root calls it) and passed to each service
function explicitly; nothing here is global, so tests build as many independent backends as they like.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.domain.loader import FormLibrary, load_forms
from kiosk.domain.visit_needs import check_visit_types
from kiosk.resources import forms_dir as bundled_forms_dir
from kiosk.settings import Settings, load_settings
from kiosk.store.crypto import FieldCipher, load_or_create_key
from kiosk.store.engine import create_engine_for, session_factory, unit_of_work
from kiosk.store.keycheck import ensure_key_matches
from kiosk.store.migrate import upgrade_database

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
KEY_FILE = Path("secrets") / "phi.key"


def system_clock() -> dt.datetime:
    """Now, timezone-aware in UTC."""
    return dt.datetime.now(dt.UTC)


class SetupError(Exception):
    """The kiosk cannot start: the message says what is wrong and how staff fix it."""


@dataclass(frozen=True, slots=True)
class Backend:
    settings: Settings
    forms: FormLibrary
    engine: Engine
    sessions: sessionmaker[Session]
    cipher: FieldCipher
    clock: Clock

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    def now(self) -> dt.datetime:
        return self.clock()

    def local_now(self) -> dt.datetime:
        """Now in the clinic's local time zone (the machine's), for "today" and for display."""
        return self.clock().astimezone()


def open_backend(
    data_dir: Path,
    *,
    forms_dir: Path | None = None,
    clock: Clock = system_clock,
    migrate: bool = True,
) -> Backend:
    """Load settings and forms, open the database (migrating it to the newest schema) and the key.

    Raises SettingsError, FormsInvalidError, KeyMismatchError or SetupError, each with a message that
    names the file and the problem; the caller shows it to staff and refuses to start.
    """
    settings = load_settings(data_dir)
    library = load_forms(forms_dir or bundled_forms_dir())
    problems = check_visit_types(settings, library)
    if problems:
        raise SetupError(f"{data_dir / 'settings.toml'}: " + "; ".join(problems))
    cipher = FieldCipher(load_or_create_key(data_dir / KEY_FILE))
    engine = create_engine_for(settings.effective_database_url)
    if migrate:
        upgrade_database(engine)
    sessions = session_factory(engine)
    with unit_of_work(sessions) as session:
        ensure_key_matches(session, cipher)
    return Backend(settings=settings, forms=library, engine=engine, sessions=sessions, cipher=cipher, clock=clock)
