#!/usr/bin/env bash
# Collect the kiosk's own texts (tr("...") in kiosk/ui) into resources/i18n/kiosk_es.ts, then compile the .qm.
# Translate new entries in between with Qt Linguist:  .venv/bin/pyside6-linguist resources/i18n/kiosk_es.ts
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pyside6-lupdate $(find kiosk/ui -name '*.py' | sort) -ts resources/i18n/kiosk_es.ts -no-obsolete -locations none
.venv/bin/pyside6-lrelease resources/i18n/kiosk_es.ts -qm resources/i18n/kiosk_es.qm
