"""Translation of the kiosk's own texts with Qt's tools (Qt Linguist .ts files, compiled to .qm).

Texts are marked with `tr("Start")`; `pyside6-lupdate` collects them into resources/i18n/kiosk_es.ts,
which a translator edits in Qt Linguist; `pyside6-lrelease` compiles kiosk_es.qm, which is shipped.
Form texts (questions, consents) are not here: they are translated inside forms/*.yaml.
`tests/ui/test_i18n.py` fails when a text is untranslated or the .qm is older than the .ts.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk.resources import resource_path

log = logging.getLogger(__name__)

# lupdate files `tr("...")` calls under the empty context, so the runtime lookup uses it too.
CONTEXT = ""
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
TRANSLATOR_NAME = "kiosk-translator"


def tr(text: str, disambiguation: str | None = None) -> str:
    """`text` in the language currently installed (English when none is)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation)


class LanguageSwitch:
    """Installs the translator of the patient's language; Qt then sends LanguageChange to every widget."""

    def __init__(self, app: QCoreApplication) -> None:
        self._app = app
        self._translator: QTranslator | None = None
        self.language = "en"
        # A translator left installed by an earlier kiosk window of this process would make this one start
        # in the wrong language; the translators are children of the application, so they can be found.
        for stale in app.findChildren(QTranslator, TRANSLATOR_NAME):
            app.removeTranslator(stale)
            stale.deleteLater()

    def set_language(self, language: str) -> None:
        if language == self.language and (language == "en" or self._translator is not None):
            return
        if self._translator is not None:
            self._app.removeTranslator(self._translator)
            self._translator = None
        if language != "en":
            translator = QTranslator(self._app)
            translator.setObjectName(TRANSLATOR_NAME)
            path = resource_path("i18n", f"kiosk_{language}.qm")
            if translator.load(str(path)):
                self._app.installTranslator(translator)
                self._translator = translator
            else:
                log.error("No translation file %s; the kiosk's own texts stay in English", path)
        self.language = language
