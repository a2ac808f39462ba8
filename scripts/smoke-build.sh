#!/usr/bin/env bash
# Build the one-folder kiosk with PyInstaller (build.spec) and smoke-test the result: it starts, finds its
# forms, migrates a new database, makes and verifies a signed packet, and runs the kiosk for a few seconds.
# The build must stay under 150 MB (issue #14); its size is printed and checked.
# Not part of the test command (a few minutes); run it before handing a build to a clinic.
# KIOSK_VENV names another virtual environment (default: .venv in this folder).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${KIOSK_VENV:-.venv}
limit_mb=150
"$venv/bin/python" -m pip install -q pyinstaller
"$venv/bin/python" -m PyInstaller --noconfirm --log-level ERROR build.spec  # not the pyinstaller script: its first line names the Python it was installed with
app=dist/intake-kiosk/intake-kiosk
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
"$app" --version
"$app" forms check
"$app" --data-dir "$data" demo --quiet
echo demo-clinician-2026 | "$app" --data-dir "$data" --user dr.rivera --password-stdin packet 1 -o "$data/packet.pdf"
"$app" --data-dir "$data" verify "$data/packet.pdf"
# timeout stops it with SIGTERM after 8 s: the kiosk closes the orderly way and exits with 0, logging that line only.
QT_QPA_PLATFORM=offscreen timeout --preserve-status 8 "$app" --data-dir "$data" run --windowed
closed="INFO kiosk.app: Closing the kiosk: SIGTERM received"
grep -q "$closed" "$data/logs/kiosk.log" || { echo "the kiosk did not close the orderly way on SIGTERM"; exit 1; }
others=$(grep -v "$closed" "$data/logs/kiosk.log" || true)
if [ -n "$others" ]; then echo "the kiosk logged:"; echo "$others"; exit 1; fi
size_mb=$(du -sm dist/intake-kiosk | cut -f1)
if [ "$size_mb" -ge "$limit_mb" ]; then
    echo "the build is ${size_mb} MB, over the ${limit_mb} MB limit; largest parts:"
    du -am dist/intake-kiosk | sort -rn | sed -n '2,16p'
    exit 1
fi
echo "smoke test passed: ${size_mb} MB ($(du -sh dist/intake-kiosk | cut -f1)) in dist/intake-kiosk"
