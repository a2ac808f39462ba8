"""What every UI test starts from: the looks and locale of a new kiosk (the seeded demo folder they copy is
made once per run in tests/conftest.py)."""

from __future__ import annotations

import pytest


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
