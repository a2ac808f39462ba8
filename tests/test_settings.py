"""settings.toml: created with documented defaults, and refused with the key and the problem when invalid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.settings import (
    DEFAULT_SETTINGS,
    Names,
    Number,
    PerLanguage,
    Settings,
    SettingsError,
    Switch,
    Tables,
    VisitType,
    default_data_dir,
    load_settings,
    parse_settings_text,
    read_declared,
    setting,
    settings_of,
)


def test_a_missing_file_is_created_with_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "data")
    assert (tmp_path / "data" / "settings.toml").read_text() == DEFAULT_SETTINGS
    assert settings.idle_seconds == 90
    assert settings.languages == ("en", "es")
    assert "988" in settings.crisis_message["en"]
    assert settings.visit_type("im_ketamine").checklist == "checklist_im_ketamine"
    assert settings.visit_type("spravato").consents[0] == "consent_spravato"
    assert settings.effective_database_url == f"sqlite:///{(tmp_path / 'data' / 'kiosk.sqlite3').as_posix()}"


def test_the_default_data_dir_follows_the_platform_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_data_dir() == tmp_path / "intake-kiosk"


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (("idle_seconds = 90", "idle_seconds = 1"), "[kiosk.idle_seconds] must be between 2 and 3600, not 1"),
        (("idle_seconds = 90", 'idle_seconds = "soon"'), "[kiosk.idle_seconds] must be a whole number"),
        (('languages = ["en", "es"]', 'languages = ["en", "fr"]'), "'fr' is not a supported language"),
        (('name = "Riverside Ketamine Clinic (demo)"', 'name = ""'), "[clinic.name] must not be empty"),
        (('url = ""', 'url = "kiosk.db"'), "[database.url] 'kiosk.db' is not a database URL"),
        (('certificate = ""', 'certificate = "c.p12"'), "give both 'certificate' and 'passphrase_file'"),
        (("[crisis]", "[crisis]\nextra = 1\n[crisiss]"), "[crisiss]: unknown key; did you mean crisis?"),
        (("[crisis]", "[crisis]\nextra = 1"), "[crisis] extra: unknown key; known: en, es, line"),
        (
            ('url = ""', 'ulr = "postgresql+psycopg://kiosk@server/kiosk"'),
            "[database] ulr: unknown key; did you mean url?",
        ),
        (("idle_seconds = 90", "idle_secs = 10"), "[kiosk] idle_secs: unknown key; did you mean idle_seconds?"),
        (
            ('checklist = "checklist_spravato"', 'check_list = "checklist_spravato"'),
            "[visit_types #2] check_list: unknown key; did you mean checklist?",
        ),
        (
            (
                'label = { en = "Spravato session", es = "Sesión de Spravato" }',
                'label = { en = "Spravato session", es = "Sesión de Spravato", sp = "x" }',
            ),
            "[visit_types #2.label] sp: unknown key; known: en, es",
        ),
        (('url = ""', 'url = "mysql://kiosk@server/kiosk"'), "'mysql' databases are not supported"),
        (('id = "spravato"', 'id = "im_ketamine"'), "'im_ketamine' is used by two visit types"),
        (
            (
                'consent_valid_days = 365\n\n[[visit_types]]\nid = "spravato"',
                'consent_valid_days = 0\n\n[[visit_types]]\nid = "spravato"',
            ),
            "consent_valid_days] must be between 1 and 3650",
        ),
        (
            ('label = { en = "Spravato session", es = "Sesión de Spravato" }', 'label = { en = "Spravato session" }'),
            "label] has no 'es' text",
        ),
        (("[kiosk]", "[kiosk"), "not valid TOML"),
    ],
)
def test_invalid_settings_name_the_key_and_the_problem(tmp_path: Path, change: tuple[str, str], words: str) -> None:
    old, new = change
    assert old in DEFAULT_SETTINGS
    (tmp_path / "settings.toml").write_text(DEFAULT_SETTINGS.replace(old, new, 1))
    with pytest.raises(SettingsError) as caught:
        load_settings(tmp_path)
    assert words in str(caught.value)
    assert str(tmp_path / "settings.toml") in str(caught.value)


def test_an_invalid_file_is_left_as_it_was(tmp_path: Path) -> None:
    broken = DEFAULT_SETTINGS.replace("idle_seconds = 90", "idle_seconds = -1")
    (tmp_path / "settings.toml").write_text(broken)
    with pytest.raises(SettingsError):
        load_settings(tmp_path)
    assert (tmp_path / "settings.toml").read_text() == broken


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text(
        "\ufeff" + DEFAULT_SETTINGS.replace("idle_seconds = 90", "idle_seconds = 45")
    )
    assert load_settings(tmp_path).idle_seconds == 45


def test_a_folder_named_settings_toml_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").mkdir()
    with pytest.raises(SettingsError, match=r"settings.toml is a folder, not a settings file"):
        load_settings(tmp_path)


def test_the_written_defaults_are_the_declared_defaults(tmp_path: Path) -> None:
    """The commented file is generated from the declarations, so reading it back gives exactly them."""
    assert parse_settings_text(DEFAULT_SETTINGS, tmp_path) == Settings(data_dir=tmp_path)


def test_every_declared_setting_is_described_and_written(tmp_path: Path) -> None:
    for table_class in (Settings, VisitType):
        for _, spec in settings_of(table_class):
            assert spec.doc.strip().endswith((".", ":")), spec.key
            if isinstance(spec.kind, Tables):
                assert f"\n[[{spec.name}]]\n" in DEFAULT_SETTINGS, spec.key
            elif not isinstance(spec.kind, PerLanguage):
                assert f"\n{spec.name} = " in DEFAULT_SETTINGS, spec.key
    assert (
        '# Seconds without a touch before "Are you still there?". A whole number from 2 to 3600.\nidle_seconds = 90'
        in (DEFAULT_SETTINGS)
    )


def test_a_file_from_before_a_key_existed_gets_its_default(tmp_path: Path) -> None:
    """A key added later (input_guard_ms) is not in older files: they keep working with the declared default."""
    older = DEFAULT_SETTINGS.replace("input_guard_ms = 400\n", "").replace(
        "answer_beat_ms = 300", "answer_beat_ms = 50"
    )
    (tmp_path / "settings.toml").write_text(older)
    settings = load_settings(tmp_path)
    assert settings.input_guard_ms == 400 and settings.answer_beat_ms == 50


@pytest.mark.parametrize(
    ("cut", "words"),
    [
        ('name = "Riverside Ketamine Clinic (demo)"\n', "[clinic.name] must not be empty"),
        ('es = "Si está en crisis', "[crisis.es] must not be empty"),
        ("[[visit_types]]", "at least 1 [[visit_types]] table is needed"),
        ('id = "spravato"\n', "[visit_types #2.id] must not be empty"),
        ('label = { en = "Spravato session", es = "Sesión de Spravato" }\n', "[visit_types #2.label] must give a text"),
    ],
)
def test_a_key_that_has_no_default_must_be_given(tmp_path: Path, cut: str, words: str) -> None:
    text = DEFAULT_SETTINGS
    if cut == "[[visit_types]]":
        text = text[: text.index(cut)]
    elif cut.startswith("es = "):
        text = "\n".join(line for line in text.splitlines() if not line.startswith(cut)) + "\n"
    else:
        assert cut in text
        text = text.replace(cut, "", 1)
    with pytest.raises(SettingsError) as caught:
        parse_settings_text(text, tmp_path)
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        (
            'languages = ["en", "es"]',
            "languages = [1]",
            '[kiosk.languages] must be a list of quoted names, e.g. ["en", "es"]',
        ),
        ('languages = ["en", "es"]', 'languages = ["es"]', '[kiosk.languages] must include "en"'),
        ('printer = ""', "printer = 7", "[kiosk.printer] must be text in quotes, not 7"),
        ("idle_seconds = 90", "idle_seconds = true", "[kiosk.idle_seconds] must be a whole number, not True"),
        ('phone = "(555) 010-0199"', "phone = '" + "5" * 2001 + "'", "[clinic.phone] is 2001 characters long; at most"),
        ('passphrase_file = ""', 'passphrase_file = ""\nkey = 1', "[signing] key: unknown key"),
    ],
)
def test_each_kind_refuses_what_it_cannot_use(tmp_path: Path, old: str, new: str, words: str) -> None:
    assert old in DEFAULT_SETTINGS
    with pytest.raises(SettingsError) as caught:
        parse_settings_text(DEFAULT_SETTINGS.replace(old, new, 1), tmp_path)
    assert words in str(caught.value)


def test_a_table_written_as_a_value_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"\[clinic\] must be a table"):
        parse_settings_text('clinic = "x"', tmp_path)


def test_relative_signing_files_are_found_in_the_data_folder(tmp_path: Path) -> None:
    text = DEFAULT_SETTINGS.replace('certificate = ""', 'certificate = "c.p12"').replace(
        'passphrase_file = ""', 'passphrase_file = "/etc/kiosk/pass"'
    )
    settings = parse_settings_text(text, tmp_path)
    assert settings.signing_certificate == tmp_path / "c.p12"
    assert settings.signing_passphrase_file == Path("/etc/kiosk/pass")


@dataclass(frozen=True, slots=True)
class _Vitals:
    """What another issue's settings look like: declared once, read strictly, written with their defaults."""

    chime: bool = setting("sound.chime", False, Switch(), "Play a soft chime.")
    temperature_high: float = setting("vitals.temperature_high", 38.0, Number(35, 42), "Fever above (°C).")
    outcomes: tuple[str, ...] = setting(
        "vitals.outcomes", ("seen",), Names(choices=("seen", "called"), choice_words="an outcome"), "Outcomes."
    )


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"sound": {"chime": "yes"}}, "[sound.chime] must be true or false, not 'yes'"),
        ({"vitals": {"temperature_high": 50}}, "[vitals.temperature_high] must be between 35 and 42, not 50"),
        ({"vitals": {"temperature_high": float("nan")}}, "[vitals.temperature_high] must be a number"),
        ({"vitals": {"outcomes": ["lost"]}}, "'lost' is not an outcome (seen, called)"),
        ({"vitals": {"temprature_high": 39}}, "[vitals] temprature_high: unknown key; did you mean temperature_high?"),
        ({"sounds": {}}, "[sounds]: unknown key; did you mean sound?"),
    ],
)
def test_switches_numbers_and_choices_are_checked(tmp_path: Path, raw: dict[str, object], words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        read_declared(_Vitals, raw, tmp_path / "settings.toml", tmp_path)
    assert words in str(caught.value)


def test_switches_numbers_and_choices_are_read_or_defaulted(tmp_path: Path) -> None:
    read = read_declared(_Vitals, {"sound": {"chime": True}, "vitals": {"temperature_high": 37}}, tmp_path, tmp_path)
    assert read == _Vitals(chime=True, temperature_high=37.0, outcomes=("seen",))
    assert read_declared(_Vitals, {}, tmp_path, tmp_path) == _Vitals()
