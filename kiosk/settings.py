"""The one settings object, read from `settings.toml` in the data directory.

A missing file is created from the documented defaults below; an invalid one is refused with a message
naming the key and the problem. Settings are passed in explicitly; nothing reads them globally.
"""

from __future__ import annotations

import difflib
import os
import platform
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.domain.acknowledgements import DEFAULT_ACKNOWLEDGEMENT_OUTCOMES

SETTINGS_FILE = "settings.toml"
APP_DIR_NAME = "intake-kiosk"
SUPPORTED_LANGUAGES = ("en", "es")

DEFAULT_SETTINGS = """\
# Intake kiosk settings. This file was created with the documented defaults; edit and restart the kiosk.
# Every text a patient reads has an English (en) and a Spanish (es) version.

[clinic]
name = "Riverside Ketamine Clinic (demo)"
phone = "(555) 010-0199"
# Shown on printed packets under the clinic name.
address = "100 Example Street, Springfield"

[crisis]
# Shown, calmly, when a patient answers PHQ-9 item 9 above 0. The number and wording are the clinic's.
line = "988"
en = "If you are in crisis or thinking about hurting yourself, you can call or text 988 (Suicide & Crisis Lifeline) at any time, day or night."
es = "Si está en crisis o piensa en hacerse daño, puede llamar o enviar un mensaje de texto al 988 (Línea de Prevención del Suicidio y Crisis) en cualquier momento, de día o de noche."

[kiosk]
# Seconds without a touch before "Are you still there?", then seconds of countdown before returning to Welcome.
idle_seconds = 90
idle_countdown_seconds = 30
# Milliseconds between tapping an answer and the next question, so the patient sees their choice taken.
answer_beat_ms = 300
# Milliseconds a new screen ignores taps after it appears, so a hurried double tap can never answer a
# question the patient has not seen yet; a tap counts only if pressed and released on the screen it chose on.
input_guard_ms = 400
languages = ["en", "es"]
# Where PDF forms and packets are printed; empty means the system default printer.
printer = ""

[console]
# What a clinician can say was done when acknowledging an urgent flag (the first is offered first).
acknowledgement_outcomes = [
    "spoke with patient: safe to proceed",
    "safety plan made",
    "escalated to prescriber",
    "emergency services called",
    "patient left before contact",
]
# A short chime and a desktop notification (naming no patient) when a new urgent flag arrives.
urgent_chime = true

[database]
# Empty: SQLite file kiosk.sqlite3 in the data directory. For several tablets, one PostgreSQL server:
# url = "postgresql+psycopg://kiosk@clinic-server/kiosk"
url = ""

[signing]
# A PKCS#12 file with the clinic's signing certificate and a file holding its passphrase. Empty: the kiosk
# creates its own clinic certificate in the data directory on first start (see README).
certificate = ""
passphrase_file = ""

[[visit_types]]
id = "im_ketamine"
label = { en = "IM ketamine session", es = "Sesión de ketamina IM" }
consents = ["consent_im_ketamine", "privacy_notice", "esign_consent"]
questionnaires = ["phq9", "gad7"]
checklist = "checklist_im_ketamine"
# Days a signed consent stays valid before it is asked again.
consent_valid_days = 365

[[visit_types]]
id = "spravato"
label = { en = "Spravato session", es = "Sesión de Spravato" }
consents = ["consent_spravato", "privacy_notice", "esign_consent"]
questionnaires = ["phq9", "gad7"]
checklist = "checklist_spravato"
consent_valid_days = 365

[[visit_types]]
id = "integration"
label = { en = "Integration therapy", es = "Terapia de integración" }
consents = ["privacy_notice", "esign_consent"]
questionnaires = ["phq9", "gad7"]
checklist = ""
consent_valid_days = 365
"""


class SettingsError(ValueError):
    """An invalid settings file: the message names the file, the key and the problem."""


@dataclass(frozen=True, slots=True)
class VisitType:
    id: str
    label: Mapping[str, str]
    consents: tuple[str, ...]
    questionnaires: tuple[str, ...]
    checklist: str | None
    consent_valid_days: int


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    clinic_name: str
    clinic_phone: str
    clinic_address: str
    crisis_line: str
    crisis_message: Mapping[str, str]
    idle_seconds: int
    idle_countdown_seconds: int
    answer_beat_ms: int
    input_guard_ms: int
    languages: tuple[str, ...]
    printer: str
    database_url: str
    signing_certificate: Path | None
    signing_passphrase_file: Path | None
    visit_types: tuple[VisitType, ...]
    acknowledgement_outcomes: tuple[str, ...] = DEFAULT_ACKNOWLEDGEMENT_OUTCOMES
    urgent_chime: bool = True

    def visit_type(self, visit_type_id: str) -> VisitType:
        for visit_type in self.visit_types:
            if visit_type.id == visit_type_id:
                return visit_type
        known = ", ".join(v.id for v in self.visit_types)
        raise KeyError(f"no visit type {visit_type_id!r} in settings (known: {known})")

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kiosk.sqlite3').as_posix()}"


def default_data_dir() -> Path:
    """The platform's per-user data folder for the kiosk."""
    system = platform.system()
    if system == "Windows":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "IntakeKiosk"
    if system == "Darwin":
        return Path.home() / "Library" / "Application Support" / "IntakeKiosk"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


def load_settings(data_dir: Path) -> Settings:
    """Read `data_dir/settings.toml`, creating it with the defaults when it does not exist yet."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SETTINGS_FILE
    if path.is_dir():
        raise SettingsError(f"{path} is a folder, not a settings file; remove or rename it and start again")
    if not path.exists():
        path.write_text(DEFAULT_SETTINGS, encoding="utf-8")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text; save it as UTF-8") from None
    except OSError as error:
        raise SettingsError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_settings_text(text, data_dir)


def parse_settings_text(text: str, data_dir: Path) -> Settings:
    """The settings a settings.toml text describes, or SettingsError naming the key and the problem."""
    path = data_dir / SETTINGS_FILE
    # Windows' Notepad may save UTF-8 with a byte-order mark; TOML does not allow one, so it is dropped here.
    text = text.removeprefix("\ufeff")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    return _parse(raw, data_dir, path)


class _Reader:
    """Typed access to the TOML tables, raising SettingsError that names the dotted key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, key: str, problem: str) -> SettingsError:
        return SettingsError(f"{self.path}: [{key}] {problem}")

    def only(self, table: Mapping[str, Any], where: str, known: Collection[str]) -> None:
        """Refuse a key the kiosk does not know, naming it and the nearest known one: a typo such as
        `ulr` for `url` must never be ignored (the tablet would quietly use its own database)."""
        for name in table:
            if name not in known:
                key = f"[{where}] {name}" if where else f"[{name}]"
                close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(sorted(known))}"
                raise SettingsError(f"{self.path}: {key}: unknown key; {hint}")

    def table(self, raw: Mapping[str, Any], key: str, name: str) -> Mapping[str, Any]:
        value = raw.get(name, {})
        if not isinstance(value, dict):
            raise self.fail(key, "must be a table")
        return value

    def text(self, table: Mapping[str, Any], key: str, name: str, default: str, *, required: bool = False) -> str:
        value = table.get(name, default)
        if not isinstance(value, str):
            raise self.fail(key, f"must be text in quotes, not {value!r}")
        if required and not value.strip():
            raise self.fail(key, "must not be empty")
        return value.strip()

    def integer(self, table: Mapping[str, Any], key: str, name: str, default: int, low: int, high: int) -> int:
        value = table.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"must be a whole number, not {value!r}")
        if not low <= value <= high:
            raise self.fail(key, f"must be between {low} and {high}, not {value}")
        return value

    def strings(self, table: Mapping[str, Any], key: str, name: str, default: list[str]) -> tuple[str, ...]:
        value = table.get(name, default)
        if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            raise self.fail(key, 'must be a list of quoted names, e.g. ["phq9", "gad7"]')
        return tuple(value)

    def localized(self, table: Mapping[str, Any], key: str, name: str, languages: tuple[str, ...]) -> dict[str, str]:
        value = table.get(name)
        if not isinstance(value, dict):
            raise self.fail(
                key,
                f'must give a text per language, e.g. {{ en = "...", es = "..." }} ({", ".join(languages)})',
            )
        for language in languages:
            if not isinstance(value.get(language), str) or not value[language].strip():
                raise self.fail(key, f"has no {language!r} text")
        return {language: str(text) for language, text in value.items()}


_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
_VISIT_TYPE_KEYS = ("id", "label", "consents", "questionnaires", "checklist", "consent_valid_days")
_KNOWN_KEYS: dict[str, tuple[str, ...]] = {
    "clinic": ("name", "phone", "address"),
    "crisis": ("line", *SUPPORTED_LANGUAGES),
    "kiosk": ("idle_seconds", "idle_countdown_seconds", "answer_beat_ms", "input_guard_ms", "languages", "printer"),
    "console": ("acknowledgement_outcomes", "urgent_chime"),
    "database": ("url",),
    "signing": ("certificate", "passphrase_file"),
    "visit_types": _VISIT_TYPE_KEYS,
}


def _parse(raw: Mapping[str, Any], data_dir: Path, path: Path) -> Settings:
    read = _Reader(path)
    read.only(raw, "", _KNOWN_KEYS.keys())
    clinic = read.table(raw, "clinic", "clinic")
    crisis = read.table(raw, "crisis", "crisis")
    kiosk = read.table(raw, "kiosk", "kiosk")
    database = read.table(raw, "database", "database")
    signing = read.table(raw, "signing", "signing")
    console = read.table(raw, "console", "console")
    for name, table in (("clinic", clinic), ("crisis", crisis), ("kiosk", kiosk), ("database", database),
                        ("signing", signing), ("console", console)):  # fmt: skip
        read.only(table, name, _KNOWN_KEYS[name])

    languages = read.strings(kiosk, "kiosk.languages", "languages", ["en", "es"])
    for language in languages:
        if language not in SUPPORTED_LANGUAGES:
            raise read.fail(
                "kiosk.languages",
                f"{language!r} is not a supported language ({', '.join(SUPPORTED_LANGUAGES)})",
            )
    if "en" not in languages:
        raise read.fail("kiosk.languages", 'must include "en"')

    crisis_message = {
        language: read.text(crisis, f"crisis.{language}", language, "", required=True) for language in languages
    }
    url = read.text(database, "database.url", "url", "")
    if url and "://" not in url:
        raise read.fail("database.url", f"{url!r} is not a database URL such as postgresql+psycopg://host/db")
    if url and url.split("://", 1)[0].split("+", 1)[0] not in ("sqlite", "postgresql"):
        raise read.fail(
            "database.url",
            f"{url.split('://', 1)[0]!r} databases are not supported: leave url empty for the SQLite file in the "
            "data folder, or give a PostgreSQL URL such as postgresql+psycopg://host/db",
        )

    certificate = read.text(signing, "signing.certificate", "certificate", "")
    passphrase = read.text(signing, "signing.passphrase_file", "passphrase_file", "")
    if bool(certificate) != bool(passphrase):
        raise read.fail("signing", "give both 'certificate' and 'passphrase_file', or neither")

    visit_types = _visit_types(raw.get("visit_types", []), read, languages)
    outcomes = read.strings(
        console, "console.acknowledgement_outcomes", "acknowledgement_outcomes", list(DEFAULT_ACKNOWLEDGEMENT_OUTCOMES)
    )
    if not outcomes or any(not outcome.strip() for outcome in outcomes):
        raise read.fail("console.acknowledgement_outcomes", "must list at least one outcome, none of them empty")
    chime = console.get("urgent_chime", True)
    if not isinstance(chime, bool):
        raise read.fail("console.urgent_chime", "must be true or false")
    return Settings(
        data_dir=data_dir,
        clinic_name=read.text(clinic, "clinic.name", "name", "", required=True),
        clinic_phone=read.text(clinic, "clinic.phone", "phone", ""),
        clinic_address=read.text(clinic, "clinic.address", "address", ""),
        crisis_line=read.text(crisis, "crisis.line", "line", "988", required=True),
        crisis_message=crisis_message,
        idle_seconds=read.integer(kiosk, "kiosk.idle_seconds", "idle_seconds", 90, 2, 3600),
        idle_countdown_seconds=read.integer(
            kiosk, "kiosk.idle_countdown_seconds", "idle_countdown_seconds", 30, 1, 600
        ),
        answer_beat_ms=read.integer(kiosk, "kiosk.answer_beat_ms", "answer_beat_ms", 300, 0, 2000),
        input_guard_ms=read.integer(kiosk, "kiosk.input_guard_ms", "input_guard_ms", 400, 0, 2000),
        languages=languages,
        printer=read.text(kiosk, "kiosk.printer", "printer", ""),
        database_url=url,
        signing_certificate=_resolve(data_dir, certificate),
        signing_passphrase_file=_resolve(data_dir, passphrase),
        visit_types=visit_types,
        acknowledgement_outcomes=tuple(outcome.strip() for outcome in outcomes),
        urgent_chime=chime,
    )


def _resolve(data_dir: Path, value: str) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else data_dir / path


def _visit_types(value: Any, read: _Reader, languages: tuple[str, ...]) -> tuple[VisitType, ...]:
    if not isinstance(value, list) or not value:
        raise read.fail("visit_types", "at least one [[visit_types]] table is needed")
    result: list[VisitType] = []
    for index, table in enumerate(value, start=1):
        key = f"visit_types #{index}"
        if not isinstance(table, dict):
            raise read.fail(key, "must be a table")
        read.only(table, key, _VISIT_TYPE_KEYS)
        if isinstance(table.get("label"), dict):
            read.only(table["label"], f"{key}.label", SUPPORTED_LANGUAGES)
        visit_id = read.text(table, f"{key}.id", "id", "", required=True)
        if not _ID.match(visit_id):
            raise read.fail(f"{key}.id", f"{visit_id!r} must use only a-z, 0-9, _ and -")
        if any(existing.id == visit_id for existing in result):
            raise read.fail(f"{key}.id", f"{visit_id!r} is used by two visit types")
        checklist = read.text(table, f"{key}.checklist", "checklist", "")
        result.append(
            VisitType(
                id=visit_id,
                label=read.localized(table, f"{key}.label", "label", languages),
                consents=read.strings(table, f"{key}.consents", "consents", []),
                questionnaires=read.strings(table, f"{key}.questionnaires", "questionnaires", []),
                checklist=checklist or None,
                consent_valid_days=read.integer(table, f"{key}.consent_valid_days", "consent_valid_days", 365, 1, 3650),
            )
        )
    return tuple(result)
