#!/usr/bin/env bash
# Build the one-folder kiosk with PyInstaller (build.spec) and smoke-test the result: it starts, finds its
# forms, migrates a new database, makes and verifies a signed packet, and runs the kiosk for a few seconds.
# Not part of the test command (about a minute and 300 MB); run it before handing a build to a clinic.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install -q pyinstaller
.venv/bin/pyinstaller --noconfirm --log-level ERROR build.spec
app=dist/intake-kiosk/intake-kiosk
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$app" --version
"$app" forms check
"$app" --data-dir "$data" demo --quiet
echo demo-clinician-2026 | "$app" --data-dir "$data" --user dr.rivera --password-stdin packet 1 -o "$data/packet.pdf"
"$app" --data-dir "$data" verify "$data/packet.pdf"
QT_QPA_PLATFORM=offscreen timeout 8 "$app" --data-dir "$data" run --windowed || [ $? -eq 124 ]
if [ -s "$data/logs/kiosk.log" ]; then echo "the kiosk logged:"; cat "$data/logs/kiosk.log"; exit 1; fi
echo "smoke test passed: $(du -sh dist/intake-kiosk | cut -f1) in dist/intake-kiosk"
