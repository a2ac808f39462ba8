"""The composition every use case works with: settings, forms, the database unit-of-work factory, cipher and clock.

Built once by `open_backend(data_dir)` (the composition root calls it) and passed to each service
function explicitly; nothing here is global, so tests build as many independent backends as they like.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.domain.library import FormLibrary
from kiosk.domain.visit_needs import check_visit_types
from kiosk.resources import forms_dir as bundled_forms_dir
from kiosk.settings import Settings, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from kiosk.store.crypto import FieldCipher

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
KEY_FILE = Path("secrets") / "phi.key"
# The audit log's HMAC key, a file of its own so it can be kept and handed out apart from the PHI key.
AUDIT_KEY_FILE = Path("secrets") / "audit.key"


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
    db_factory: sessionmaker[Session]
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
    forms: FormLibrary | None = None,
) -> Backend:
    """Load settings and forms (unless `forms` were loaded already), open the database (migrating it to the newest
    schema) and the key.

    Raises SettingsError, FormsInvalidError, KeyMismatchError or SetupError, each with a message that
    names the file and the problem; the caller shows it to staff and refuses to start.
    """
    from sqlalchemy.exc import InterfaceError, OperationalError

    from kiosk.store.at_rest import encrypt_clear_values
    from kiosk.store.audit import ensure_keyed_chain
    from kiosk.store.crypto import FieldCipher, load_or_create_key
    from kiosk.store.engine import create_engine_for, db_factory, unit_of_work
    from kiosk.store.files import protect_data_dir
    from kiosk.store.keycheck import ensure_key_matches
    from kiosk.store.schema_version import upgrade_if_needed
    from kiosk.store.types import attach_cipher

    protect_data_dir(data_dir)
    settings = load_settings(data_dir)
    if forms is None:
        from kiosk.domain.loader import load_forms

        forms = load_forms(forms_dir or bundled_forms_dir())
    library = forms
    problems = check_visit_types(settings, library)
    if problems:
        raise SetupError(f"{data_dir / 'settings.toml'}: " + "; ".join(problems))
    try:
        engine = create_engine_for(settings.effective_database_url)
    except ImportError as error:
        raise SetupError(missing_driver_message(settings.effective_database_url, error)) from None
    try:
        try:
            _refuse_new_keys_for_existing_data(engine, data_dir)
            cipher = FieldCipher(load_or_create_key(data_dir / KEY_FILE))
            audit_key = load_or_create_key(data_dir / AUDIT_KEY_FILE)
        except BaseException:
            engine.dispose()
            raise
        attach_cipher(engine, cipher)
        if migrate:
            upgrade_if_needed(engine)
        factory = db_factory(engine, audit_key=audit_key)
        with unit_of_work(factory) as db:
            ensure_key_matches(db, cipher)
            encrypt_clear_values(db, cipher, at=clock().isoformat())
            ensure_keyed_chain(db, at=clock())
    except (OperationalError, InterfaceError) as error:
        engine.dispose()
        raise SetupError(unreachable_database_message(settings.effective_database_url, error)) from None
    return Backend(settings=settings, forms=library, engine=engine, db_factory=factory, cipher=cipher, clock=clock)


def _refuse_new_keys_for_existing_data(engine: Engine, data_dir: Path) -> None:
    """A missing key file next to a database written with a key is a lost key, never a first start.

    Making a new key then would leave every stored value unreadable and, worse, start writing new records
    under a second key. So nothing is created: staff are told to restore the key.
    """
    from kiosk.store.audit import KEYED_MARKER
    from kiosk.store.keycheck import KEY_FINGERPRINT, recorded_meta

    for key_file, marker, what in (
        (KEY_FILE, KEY_FINGERPRINT, "encryption key"),
        (AUDIT_KEY_FILE, KEYED_MARKER, "audit key"),
    ):
        path = data_dir / key_file
        if not path.exists() and recorded_meta(engine, marker) is not None:
            raise SetupError(
                f"The {what} file {path} is missing, but the database was written with one, so no new key was "
                "made. Restore the key from the clinic's backup: `kiosk key import FILE --data-dir "
                f"{data_dir}` with the wrapped key file from the safe, or copy {key_file} back from a backup."
            )


def unreachable_database_message(url: str, error: Exception) -> str:
    """One sentence for staff when the database server does not answer (no traceback, no password)."""
    from sqlalchemy.engine import make_url

    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    shown = make_url(url).render_as_string(hide_password=True)
    return (
        f"The database {shown} cannot be reached ({reason}). Check [database] url in settings.toml and that the "
        "database server is running and reachable from this computer."
    )


def missing_driver_message(url: str, error: ImportError) -> str:
    """One sentence for staff when the database's driver cannot load: on Linux the one-folder build talks to
    PostgreSQL through the computer's own libpq (build.spec), which may not be installed."""
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return (
        f"The database {shown} cannot be used: its driver did not load ({reason}). For PostgreSQL this computer "
        "needs its client library, libpq (Debian and Ubuntu: `apt install libpq5`); then start the kiosk again."
    )


class LazyBackend:
    """The backend of a data directory, opened on first use.

    The kiosk paints its Welcome screen from the settings alone and opens the database (SQLAlchemy, the
    key, migrations: a quarter of a second) on its worker thread meanwhile, so a patient never waits for
    it. `get()` is safe from any thread; an opening that failed raises its error again on every call.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        forms_dir: Path | None = None,
        clock: Clock = system_clock,
        forms: FormLibrary | None = None,
    ) -> None:
        from kiosk.store.files import protect_data_dir

        protect_data_dir(data_dir)
        self.data_dir = data_dir
        self.settings = load_settings(data_dir)
        self._forms_dir = forms_dir
        self.forms = forms
        """Forms validated already (e.g. read from the cache by `kiosk run`), used when the backend opens."""
        self._clock = clock
        self._lock = threading.Lock()
        self._backend: Backend | None = None
        self._error: Exception | None = None

    @classmethod
    def of(cls, backend: Backend) -> LazyBackend:
        """A handle on a backend that is already open."""
        handle = cls.__new__(cls)
        handle.data_dir = backend.data_dir
        handle.settings = backend.settings
        handle._forms_dir = None
        handle.forms = backend.forms
        handle._clock = backend.clock
        handle._lock = threading.Lock()
        handle._backend = backend
        handle._error = None
        return handle

    def get(self) -> Backend:
        with self._lock:
            if self._backend is None:
                if self._error is not None:
                    raise self._error
                try:
                    self._backend = open_backend(
                        self.data_dir, forms_dir=self._forms_dir, clock=self._clock, forms=self.forms
                    )
                except Exception as error:
                    self._error = error
                    raise
            return self._backend

    @property
    def is_open(self) -> bool:
        return self._backend is not None

    def now(self) -> dt.datetime:
        return self._clock()

    def local_now(self) -> dt.datetime:
        return self._clock().astimezone()
