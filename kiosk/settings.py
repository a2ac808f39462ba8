"""The one settings object, read from `settings.toml` in the data directory, and its one schema.

Each setting is declared once, as a field of `Settings` (or of `VisitType`, for each `[[visit_types]]`
table): where it lives in the file, its type and range (the `Kind`), its default and its description. From
those declarations come the reader (strict: a key the kiosk does not know is refused at every level, with the
nearest known key suggested), the commented settings.toml written on first start (`DEFAULT_SETTINGS`), and
the admin Settings tab's check before saving. Settings are passed in explicitly; nothing reads them globally.

How to add a setting (one change, in one place)::

    class Settings:
        ...
        chime: bool = setting("kiosk.chime", False, Switch(), "Play a soft chime when a patient checks in.")

The first argument is ``"table.key"`` (a new table is created by naming it; give it a comment in
`TABLE_NOTES` if it needs one), then the default, the kind (`Text`, `Whole`, `Number`, `Switch`, `Names`,
`FilePath`, `PerLanguage`, `Localized`, `Tables`; each checks its own type and range) and one or two
sentences for the person editing the file. Code reads it as ``settings.chime``. A new kind is a `Kind`
subclass with `parse`, `toml` and `describe`. Checks that tie two settings together go in `_check_together`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import math
import os
import platform
import re
import textwrap
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from kiosk.domain.acknowledgements import DEFAULT_ACKNOWLEDGEMENT_OUTCOMES
from kiosk.domain.refusals import RefusedError

SETTINGS_FILE = "settings.toml"
APP_DIR_NAME = "intake-kiosk"
SUPPORTED_LANGUAGES = ("en", "es")

T = TypeVar("T")
_SPEC = "kiosk.setting"


class SettingsError(RefusedError, ValueError):
    """An invalid settings file: the message names the file, the key and the problem."""


@dataclass(frozen=True, slots=True)
class _Where:
    """Where a value was read from, for messages such as `settings.toml: [kiosk.idle_seconds] ...`."""

    path: Path
    data_dir: Path
    key: str

    def fail(self, problem: str) -> SettingsError:
        return SettingsError(f"{self.path}: [{self.key}] {problem}")

    def at(self, key: str) -> _Where:
        return dataclasses.replace(self, key=key)


class Kind(Generic[T]):
    """How one setting is written in TOML: `parse` checks a value read from the file and returns what the
    code gets, `toml` writes a default back as TOML, `describe` is the type and range for the comment."""

    def parse(self, value: object, where: _Where) -> T:
        raise NotImplementedError

    def toml(self, value: T) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        return ""

    def missing(self, where: _Where) -> SettingsError | None:
        """The refusal when the key is left out of the file, or None to use the declared default."""
        return None


def _toml_text(value: str) -> str:
    # A JSON string is a valid TOML basic string (the same escapes, \uXXXX included).
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Text(Kind[str]):
    """Text in quotes, trimmed; `required` refuses an empty one; `pattern` (with `pattern_words` saying it
    in words) restricts what it may contain."""

    required: bool = False
    pattern: str = ""
    pattern_words: str = ""
    max_length: int = 2000

    def parse(self, value: object, where: _Where) -> str:
        if not isinstance(value, str):
            raise where.fail(f"must be text in quotes, not {value!r}")
        value = value.strip()
        if self.required and not value:
            raise where.fail("must not be empty")
        if len(value) > self.max_length:
            raise where.fail(f"is {len(value)} characters long; at most {self.max_length} are allowed")
        if self.pattern and value and not re.fullmatch(self.pattern, value):
            raise where.fail(f"{value!r} must {self.pattern_words}")
        return value

    def toml(self, value: str) -> str:
        return _toml_text(value)

    def missing(self, where: _Where) -> SettingsError | None:
        return where.fail("must not be empty") if self.required else None


@dataclass(frozen=True, slots=True)
class DatabaseUrl(Kind[str]):
    """Empty (the SQLite file in the data folder) or an SQLAlchemy URL of a supported database."""

    def parse(self, value: object, where: _Where) -> str:
        url = Text().parse(value, where)
        if url and "://" not in url:
            raise where.fail(f"{url!r} is not a database URL such as postgresql+psycopg://host/db")
        scheme = url.split("://", 1)[0]
        if url and scheme.split("+", 1)[0] not in ("sqlite", "postgresql"):
            raise where.fail(
                f"{scheme!r} databases are not supported: leave url empty for the SQLite file in the data folder, "
                "or give a PostgreSQL URL such as postgresql+psycopg://host/db"
            )
        return url

    def toml(self, value: str) -> str:
        return _toml_text(value)


@dataclass(frozen=True, slots=True)
class OptionalText(Kind[str | None]):
    """Text in quotes where empty means none (None in the code)."""

    def parse(self, value: object, where: _Where) -> str | None:
        return Text().parse(value, where) or None

    def toml(self, value: str | None) -> str:
        return _toml_text(value or "")


@dataclass(frozen=True, slots=True)
class Whole(Kind[int]):
    """A whole number from `low` to `high`."""

    low: int
    high: int

    def parse(self, value: object, where: _Where) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise where.fail(f"must be a whole number, not {value!r}")
        if not self.low <= value <= self.high:
            raise where.fail(f"must be between {self.low} and {self.high}, not {value}")
        return value

    def toml(self, value: int) -> str:
        return str(value)

    def describe(self) -> str:
        return f"A whole number from {self.low} to {self.high}."


@dataclass(frozen=True, slots=True)
class Number(Kind[float]):
    """A number (whole or with a decimal point) from `low` to `high`."""

    low: float
    high: float

    def parse(self, value: object, where: _Where) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise where.fail(f"must be a number, not {value!r}")
        if not self.low <= value <= self.high:
            raise where.fail(f"must be between {self.low:g} and {self.high:g}, not {value:g}")
        return float(value)

    def toml(self, value: float) -> str:
        return repr(float(value))

    def describe(self) -> str:
        return f"A number from {self.low:g} to {self.high:g}."


@dataclass(frozen=True, slots=True)
class Switch(Kind[bool]):
    """true or false."""

    def parse(self, value: object, where: _Where) -> bool:
        if not isinstance(value, bool):
            raise where.fail(f"must be true or false, not {value!r}")
        return value

    def toml(self, value: bool) -> str:
        return "true" if value else "false"

    def describe(self) -> str:
        return "true or false."


@dataclass(frozen=True, slots=True)
class Names(Kind[tuple[str, ...]]):
    """A list of quoted names; `choices`, when given, are the only names allowed, and `must_include` must be
    among them."""

    choices: tuple[str, ...] = ()
    choice_words: str = "a known name"
    must_include: tuple[str, ...] = ()
    example: str = '["phq9", "gad7"]'
    at_least_one: bool = False
    """Refuse an empty list and an empty name (a list the staff must choose from)."""

    def parse(self, value: object, where: _Where) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            raise where.fail(f"must be a list of quoted names, e.g. {self.example}")
        names = tuple(cast("list[str]", value))
        if self.at_least_one and (not names or any(not name.strip() for name in names)):
            raise where.fail("must list at least one, none of them empty")
        names = tuple(name.strip() for name in names) if self.at_least_one else names
        for name in names:
            if self.choices and name not in self.choices:
                raise where.fail(f"{name!r} is not {self.choice_words} ({', '.join(self.choices)})")
        for name in self.must_include:
            if name not in names:
                raise where.fail(f"must include {_toml_text(name)}")
        return names

    def toml(self, value: tuple[str, ...]) -> str:
        return "[" + ", ".join(_toml_text(name) for name in value) + "]"

    def describe(self) -> str:
        return f"Any of: {', '.join(self.choices)}." if self.choices else ""


@dataclass(frozen=True, slots=True)
class FilePath(Kind[Path | None]):
    """A file's path in quotes, relative to the data directory unless absolute; empty means none."""

    def parse(self, value: object, where: _Where) -> Path | None:
        text = Text().parse(value, where)
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.is_absolute() else where.data_dir / path

    def toml(self, value: Path | None) -> str:
        return _toml_text(value.as_posix() if value is not None else "")


@dataclass(frozen=True, slots=True)
class Localized(Kind[Mapping[str, str]]):
    """A text per language as an inline table, e.g. { en = "...", es = "..." }."""

    def parse(self, value: object, where: _Where) -> Mapping[str, str]:
        if not isinstance(value, dict):
            raise where.fail(
                f'must give a text per language, e.g. {{ en = "...", es = "..." }} ({", ".join(SUPPORTED_LANGUAGES)})'
            )
        _refuse_unknown(value, where, SUPPORTED_LANGUAGES)
        return {language: Text().parse(text, where.at(f"{where.key}.{language}")) for language, text in value.items()}

    def missing(self, where: _Where) -> SettingsError | None:
        return where.fail('must give a text per language, e.g. { en = "...", es = "..." }')

    def toml(self, value: Mapping[str, str]) -> str:
        return "{ " + ", ".join(f"{language} = {_toml_text(text)}" for language, text in value.items()) + " }"


@dataclass(frozen=True, slots=True)
class PerLanguage(Kind[Mapping[str, str]]):
    """A text per language as keys of the setting's own table (`en = "..."`, `es = "..."`), declared as
    "table.*". Not defaulted: `_check_together` asks for each language the kiosk offers."""

    def parse(self, value: object, where: _Where) -> Mapping[str, str]:
        table = cast("dict[str, object]", value)
        table_name = where.key.rsplit(".", 1)[0]
        return {
            language: Text().parse(table[language], where.at(f"{table_name}.{language}"))
            for language in SUPPORTED_LANGUAGES
            if language in table
        }

    def toml(self, value: Mapping[str, str]) -> str:  # pragma: no cover - written key by key, see _write_table
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Tables(Kind[tuple[T, ...]]):
    """An array of tables (`[[name]]` in the file), each read into `item`, a dataclass whose fields are
    declared with `setting("key", ...)` like the settings themselves."""

    item: type[T]
    at_least: int = 1

    def parse(self, value: object, where: _Where) -> tuple[T, ...]:
        if not isinstance(value, list) or len(value) < self.at_least:
            raise where.fail(f"at least {self.at_least} [[{where.key}]] table is needed")
        items: list[T] = []
        for index, table in enumerate(value, start=1):
            item_where = where.at(f"{where.key} #{index}")
            if not isinstance(table, dict):
                raise item_where.fail("must be a table")
            items.append(_read_fields(self.item, table, item_where, extra={}))
        return tuple(items)

    def missing(self, where: _Where) -> SettingsError | None:
        return where.fail(f"at least {self.at_least} [[{where.key}]] table is needed")

    def toml(self, value: tuple[T, ...]) -> str:  # pragma: no cover - written table by table, see _write
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of settings.toml: where it is, how it is read, and what it is for."""

    key: str
    kind: Kind[Any]
    doc: str
    example: str = ""

    @property
    def table(self) -> str:
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.key.rpartition(".")[2]


def setting(key: str, default: T, kind: Kind[T], doc: str, *, example: str = "") -> T:
    """Declare a setting as a dataclass field: its key ("table.key", or "key" inside an array of tables),
    its default, its kind and its description. See the module docstring."""
    spec = Setting(key, kind, doc, example)
    if isinstance(default, dict | list):
        frozen = dict(default) if isinstance(default, dict) else list(default)
        return cast("T", dataclasses.field(default_factory=lambda: frozen, metadata={_SPEC: spec}))
    return dataclasses.field(default=default, metadata={_SPEC: spec})


def settings_of(cls: type[object]) -> tuple[tuple[str, Setting], ...]:
    """The declared settings of a dataclass, as (attribute, Setting) in declaration order."""
    return tuple(
        (field.name, field.metadata[_SPEC]) for field in dataclasses.fields(cast("Any", cls)) if _SPEC in field.metadata
    )


_VISIT_ID = r"[a-z][a-z0-9_-]*"


@dataclass(frozen=True, slots=True)
class VisitType:
    id: str = setting(
        "id",
        "",
        Text(required=True, pattern=_VISIT_ID, pattern_words="use only a-z, 0-9, _ and -"),
        "The visit type's name in the schedule (CSV) and in the code: a-z, 0-9, _ and -.",
    )
    label: Mapping[str, str] = setting(
        "label", {}, Localized(), "What the visit is called on screens and packets, in each language."
    )
    consents: tuple[str, ...] = setting(
        "consents", (), Names(), "The consent forms (ids in forms/) the patient signs, in order."
    )
    questionnaires: tuple[str, ...] = setting(
        "questionnaires", (), Names(), "The questionnaires (ids in forms/) the patient answers, in order."
    )
    checklist: str | None = setting(
        "checklist", None, OptionalText(), "The pre-session checklist (an id in forms/); empty for none."
    )
    consent_valid_days: int = setting(
        "consent_valid_days", 365, Whole(1, 3650), "Days a signed consent stays valid before it is asked again."
    )


DEFAULT_VISIT_TYPES = (
    VisitType(
        id="im_ketamine",
        label={"en": "IM ketamine session", "es": "Sesión de ketamina IM"},
        consents=("consent_im_ketamine", "privacy_notice", "esign_consent"),
        questionnaires=("phq9", "gad7"),
        checklist="checklist_im_ketamine",
    ),
    VisitType(
        id="spravato",
        label={"en": "Spravato session", "es": "Sesión de Spravato"},
        consents=("consent_spravato", "privacy_notice", "esign_consent"),
        questionnaires=("phq9", "gad7"),
        checklist="checklist_spravato",
    ),
    VisitType(
        id="integration",
        label={"en": "Integration therapy", "es": "Terapia de integración"},
        consents=("privacy_notice", "esign_consent"),
        questionnaires=("phq9", "gad7"),
        checklist=None,
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything settings.toml says, typed and checked. `data_dir` is where it was read from."""

    data_dir: Path

    clinic_name: str = setting(
        "clinic.name", "Riverside Ketamine Clinic (demo)", Text(required=True), "The clinic's name on every screen."
    )
    clinic_phone: str = setting("clinic.phone", "(555) 010-0199", Text(), "The clinic's phone number.")
    clinic_address: str = setting(
        "clinic.address", "100 Example Street, Springfield", Text(), "Shown on printed packets under the clinic name."
    )

    crisis_line: str = setting("crisis.line", "988", Text(required=True), "The crisis line's number.")
    crisis_message: Mapping[str, str] = setting(
        "crisis.*",
        {
            "en": "If you are in crisis or thinking about hurting yourself, you can call or text 988 (Suicide & Crisis "
            "Lifeline) at any time, day or night.",
            "es": "Si está en crisis o piensa en hacerse daño, puede llamar o enviar un mensaje de texto al 988 (Línea "
            "de Prevención del Suicidio y Crisis) en cualquier momento, de día o de noche.",
        },
        PerLanguage(),
        "The message, one key per language (en, es); every language in the kiosk's languages needs one.",
    )

    idle_seconds: int = setting(
        "kiosk.idle_seconds", 90, Whole(2, 3600), 'Seconds without a touch before "Are you still there?".'
    )
    idle_countdown_seconds: int = setting(
        "kiosk.idle_countdown_seconds",
        30,
        Whole(1, 600),
        "Then seconds of countdown before the kiosk returns to Welcome (the answers are kept).",
    )
    answer_beat_ms: int = setting(
        "kiosk.answer_beat_ms",
        300,
        Whole(0, 2000),
        "Milliseconds between tapping an answer and the next question, so the patient sees their choice taken.",
    )
    input_guard_ms: int = setting(
        "kiosk.input_guard_ms",
        400,
        Whole(0, 2000),
        "Milliseconds a new screen ignores taps after it appears, so a hurried double tap can never answer a "
        "question the patient has not seen yet; a tap counts only if pressed and released on the screen it chose "
        "on.",
    )
    languages: tuple[str, ...] = setting(
        "kiosk.languages",
        SUPPORTED_LANGUAGES,
        Names(
            choices=SUPPORTED_LANGUAGES,
            choice_words="a supported language",
            must_include=("en",),
            example='["en", "es"]',
        ),
        "The languages a patient can choose; English always.",
    )
    printer: str = setting(
        "kiosk.printer", "", Text(), "Where PDF forms and packets are printed; empty means the system default printer."
    )
    read_aloud: bool = setting(
        "kiosk.read_aloud",
        True,
        Switch(),
        'A "Read aloud" button on the patient screens, shown when the machine has a voice for the patient\'s '
        "language (Windows: built in; Linux: speech-dispatcher and speech-dispatcher-espeak-ng).",
    )
    speech_engine: str = setting(
        "kiosk.speech_engine",
        "",
        Text(pattern=r"^[a-z0-9_-]*$", pattern_words="be a Qt speech engine name such as sapi, winrt or speechd"),
        "The speech engine that reads aloud; empty means the platform's own (speechd on Linux, winrt on Windows).",
    )

    acknowledgement_outcomes: tuple[str, ...] = setting(
        "console.acknowledgement_outcomes",
        DEFAULT_ACKNOWLEDGEMENT_OUTCOMES,
        Names(example='["safety plan made", "escalated to prescriber"]', at_least_one=True),
        "What a clinician can say was done when acknowledging an urgent flag (the first is offered first).",
    )
    urgent_chime: bool = setting(
        "console.urgent_chime",
        True,
        Switch(),
        "A short chime and a desktop notification (naming no patient) when a new urgent flag arrives.",
    )

    dosing_systolic_max: int = setting(
        "dosing.systolic_max",
        140,
        Whole(90, 250),
        "A blood pressure reading with a higher systolic (top) number needs a reason to proceed (mmHg).",
    )
    dosing_diastolic_max: int = setting(
        "dosing.diastolic_max",
        90,
        Whole(50, 150),
        "A blood pressure reading with a higher diastolic (bottom) number needs a reason to proceed (mmHg).",
    )
    dosing_spo2_min: int = setting(
        "dosing.spo2_min", 90, Whole(70, 100), "An SpO2 reading below this needs a reason to proceed (%)."
    )

    database_url: str = setting(
        "database.url",
        "",
        DatabaseUrl(),
        "Empty: SQLite file kiosk.sqlite3 in the data directory. For several tablets, one PostgreSQL server:",
        example='url = "postgresql+psycopg://kiosk@clinic-server/kiosk"',
    )

    signing_certificate: Path | None = setting(
        "signing.certificate",
        None,
        FilePath(),
        "A PKCS#12 file with the clinic's signing certificate (give passphrase_file too). Empty: the kiosk "
        "creates its own clinic certificate in the data directory on first start (see README).",
    )
    signing_passphrase_file: Path | None = setting(
        "signing.passphrase_file", None, FilePath(), "A file holding the certificate's passphrase."
    )

    visit_types: tuple[VisitType, ...] = setting(
        "visit_types",
        DEFAULT_VISIT_TYPES,
        Tables(VisitType),
        "Each kind of visit: what the patient signs and answers. Add a [[visit_types]] table for another.",
    )

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


# The comment above each table in the written file (a table without one gets none).
TABLE_NOTES: Mapping[str, str] = {
    "crisis": "Shown, calmly, when a patient answers PHQ-9 item 9 above 0. The number and wording are the clinic's.",
    "dosing": "Vital signs outside these limits are flagged during a dosing session; staff proceed only with a "
    "reason. The kiosk flags, the prescriber decides (the REMS: weigh the risk above 140/90 before dosing).",
    "signing": "Both or neither: the certificate and the file with its passphrase.",
}


def _check_together(settings: Settings, path: Path) -> None:
    """The rules that tie two settings together (each alone was already checked)."""
    where = _Where(path, settings.data_dir, "")
    for language in settings.languages:
        if not settings.crisis_message.get(language):
            raise where.at(f"crisis.{language}").fail("must not be empty")
    seen: set[str] = set()
    for index, visit_type in enumerate(settings.visit_types, start=1):
        if visit_type.id in seen:
            raise where.at(f"visit_types #{index}.id").fail(f"{visit_type.id!r} is used by two visit types")
        seen.add(visit_type.id)
        for language in settings.languages:
            if not visit_type.label.get(language):
                raise where.at(f"visit_types #{index}.label").fail(f"has no {language!r} text")
    if (settings.signing_certificate is None) != (settings.signing_passphrase_file is None):
        raise where.at("signing").fail("give both 'certificate' and 'passphrase_file', or neither")


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
    settings = _read_fields(Settings, raw, _Where(path, data_dir, ""), extra={"data_dir": data_dir})
    _check_together(settings, path)
    return settings


def read_declared(cls: type[T], raw: Mapping[str, object], path: Path, data_dir: Path) -> T:
    """A dataclass declared with `setting(...)` fields, read strictly from parsed TOML (`raw`)."""
    return _read_fields(cls, raw, _Where(path, data_dir, ""), extra={})


def _refuse_unknown(table: Mapping[str, object], where: _Where, known: Collection[str]) -> None:
    """Refuse a key the kiosk does not know, naming it and the nearest known one: a typo such as `ulr` for
    `url` must never be ignored (the tablet would quietly use its own database)."""
    for name in table:
        if name not in known:
            key = f"[{where.key}] {name}" if where.key else f"[{name}]"
            close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"known: {', '.join(sorted(known))}"
            raise SettingsError(f"{where.path}: {key}: unknown key; {hint}")


def _known_keys(specs: Sequence[Setting], table: str) -> list[str]:
    names: list[str] = []
    for spec in specs:
        if spec.table == table:
            names.extend(SUPPORTED_LANGUAGES if isinstance(spec.kind, PerLanguage) else [spec.name])
    return names


def _read_fields(cls: type[T], raw: Mapping[str, object], where: _Where, extra: dict[str, object]) -> T:
    """An instance of `cls` from a TOML table: every declared setting read and checked, unknown keys refused
    at every level, missing keys given their default."""
    declared = settings_of(cls)
    specs = [spec for _, spec in declared]
    prefix = f"{where.key}." if where.key else ""
    tables = list(dict.fromkeys(spec.table for spec in specs if spec.table))
    _refuse_unknown(raw, where, [*_known_keys(specs, ""), *tables])
    for table in tables:
        value = raw.get(table, {})
        if not isinstance(value, dict):
            raise where.at(prefix + table).fail("must be a table")
        _refuse_unknown(value, where.at(prefix + table), _known_keys(specs, table))
    values: dict[str, object] = dict(extra)
    for attribute, spec in declared:
        source = cast("Mapping[str, object]", raw.get(spec.table, {})) if spec.table else raw
        key_where = where.at(prefix + spec.key)
        if isinstance(spec.kind, PerLanguage):
            values[attribute] = spec.kind.parse(source, key_where)
        elif spec.name in source:
            values[attribute] = spec.kind.parse(source[spec.name], key_where)
        elif (refusal := spec.kind.missing(key_where)) is not None:
            raise refusal
    return cls(**values)


def _comment(text: str) -> list[str]:
    return textwrap.wrap(text, width=116, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)


def _key_lines(spec: Setting, value: object, *, document: bool) -> list[str]:
    lines: list[str] = []
    if document:
        lines += _comment(" ".join(part for part in (spec.doc, spec.kind.describe()) if part))
        if spec.example:
            lines.append(f"# {spec.example}")
    if isinstance(spec.kind, PerLanguage):
        texts = cast("Mapping[str, str]", value)
        lines += [f"{language} = {_toml_text(texts[language])}" for language in SUPPORTED_LANGUAGES]
    else:
        lines.append(f"{spec.name} = {spec.kind.toml(value)}")
    return lines


def default_settings_text() -> str:
    """settings.toml with every setting at its default and described, written from the declarations."""
    defaults = Settings(data_dir=Path())
    lines = [
        "# Intake kiosk settings. This file was created with the documented defaults; edit and restart the kiosk.",
        "# Every text a patient reads has an English (en) and a Spanish (es) version. A key the kiosk does not know",
        "# is refused with the nearest known one named, so a typo never silently changes nothing.",
    ]
    declared = settings_of(Settings)
    for table in dict.fromkeys(spec.table for _, spec in declared):
        group = [(attribute, spec) for attribute, spec in declared if spec.table == table]
        for attribute, spec in group:
            if isinstance(spec.kind, Tables):
                lines += ["", *_comment(spec.doc)]
                item_specs = settings_of(spec.kind.item)
                for index, item in enumerate(getattr(defaults, attribute)):
                    lines += ["", f"[[{spec.key}]]"]
                    for item_attribute, item_spec in item_specs:
                        lines += _key_lines(item_spec, getattr(item, item_attribute), document=index == 0)
                continue
            if spec is group[0][1]:
                lines += ["", f"[{table}]", *(_comment(TABLE_NOTES[table]) if table in TABLE_NOTES else [])]
            lines += _key_lines(spec, getattr(defaults, attribute), document=True)
    return "\n".join(lines) + "\n"


DEFAULT_SETTINGS = default_settings_text()
