"""One seeded demo data folder per test run, for the patient and staff UI tests to copy.

Seeding the demo (ten patients, their treatment series: some 600 commits) takes seconds; copying the
folder takes milliseconds, so each test gets its own copy of the one made here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services.backend import open_backend
from kiosk.services.demo import seed_demo
from kiosk.settings import DEFAULT_SETTINGS


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo seeded, its key and default settings; never opened by a test itself."""
    folder = tmp_path_factory.mktemp("demo-template") / "data"
    folder.mkdir()
    (folder / "settings.toml").write_text(DEFAULT_SETTINGS)
    backend = open_backend(folder)
    try:
        seed_demo(backend)
    finally:
        backend.engine.dispose()
    return folder


@pytest.fixture(autouse=True)
def _kiosk_looks_and_locale_as_new() -> None:
    """Each UI test starts from the looks and locale a kiosk starts with: one that ended in larger text or
    Spanish (a window closed mid-visit never resets them) must not change what the next test measures."""
    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.i18n import LanguageSwitch
    from kiosk.ui.theme import apply_theme

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, large_text=False, high_contrast=False)
        # A kiosk that ended in Spanish leaves its translator installed: a screen made on its own by the next test
        # (tests/ui/patient/test_identify.py) read "Mes" for "Month". A new switch removes it.
        LanguageSwitch(app)
