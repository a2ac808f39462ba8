"""settings.toml: created with documented defaults, and refused with the key and the problem when invalid."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.settings import DEFAULT_SETTINGS, SettingsError, default_data_dir, load_settings


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
