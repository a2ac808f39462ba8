#!/usr/bin/env bash
# Installs and starts what the tests need beyond Python: poppler-utils (pdfsig, pdftoppm), a CUPS
# daemon with a PDF print queue, and a throwaway PostgreSQL server on loopback.
#
#   scripts/test-services.sh start   install what is missing, start both services, and print
#                                    KIOSK_TEST_* lines (KEY=VALUE) for the test run to export
#   scripts/test-services.sh stop    stop both services
#   scripts/test-services.sh desktop install only what Qt needs to open a real window on X11
#                                    (`python3 dev.py run` calls this on Linux)
#
# Debian/Ubuntu only. Packages are installed with apt-get as root, or through `sudo -n` for a
# developer who has passwordless sudo; otherwise the missing packages are named and it fails.
set -euo pipefail

PG_DIR="${KIOSK_TEST_PG_DIR:-/tmp/kiosk-test-pg}"
PG_PORT="${KIOSK_TEST_PG_PORT:-54329}"
PRINTER="KioskPDF"
# What Qt needs to run headless (offscreen) and what QtMultimedia loads for the console's chime (pipewire,
# pulse, va), then poppler, CUPS with its PDF printer, PostgreSQL, and the
# headless Chromium and Node.js that run the LHC-Forms check of the FHIR export (tests marked `browser`),
# tesseract (the OCR check of the idle overlay) and speech-dispatcher with its espeak-ng English and Spanish
# voices (read aloud: the wheel's only Linux speech plugin needs libspeechd2 and libpulse0).
PACKAGES=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libglib2.0-0 libdbus-1-3 libx11-6 fonts-dejavu-core
          libpipewire-0.3-0 libpulse0 libva2 libva-x11-2 libva-drm2 pulseaudio
          poppler-utils cups cups-client cups-bsd printer-driver-cups-pdf postgresql chromium nodejs
          tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa
          libspeechd2 speech-dispatcher speech-dispatcher-espeak-ng)

# Qt's xcb platform plugin (a real window on an X11 desktop) loads these; without libxcb-cursor0 it refuses
# to start at all ("xcb-cursor0 or libxcb-cursor0 is needed"); the speech packages give read aloud its voices.
DESKTOP_PACKAGES=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libglib2.0-0 libdbus-1-3 libx11-6
                  libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
                  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core
                  libpulse0 libspeechd2 speech-dispatcher speech-dispatcher-espeak-ng)

log() { echo "test-services: $*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
    else return 1
    fi
}

install_packages() {
    local missing=() wanted=("$@")
    [ $# -gt 0 ] || wanted=("${PACKAGES[@]}")
    for p in "${wanted[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing ${missing[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2; then
        as_root apt-get update -qq >&2 || { log "need root to install: ${missing[*]}"; return 1; }
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    fi
}

pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$d" ] || { log "PostgreSQL binaries not found"; return 1; }
    echo "$d"
}

start_postgres() {
    local bin user run
    bin=$(pg_bin)
    if [ "$(id -u)" = 0 ]; then user=postgres; run=(runuser -u postgres --); else user=$(id -un); run=(); fi
    if [ ! -f "$PG_DIR/PG_VERSION" ]; then
        rm -rf "$PG_DIR"; mkdir -p "$PG_DIR"; chown "$user" "$PG_DIR"
        "${run[@]}" "$bin/initdb" -D "$PG_DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; then
        "${run[@]}" "$bin/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w \
            -o "-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    fi
    echo "KIOSK_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
}

start_cups() {
    if ! lpstat -r 2>/dev/null | grep -q "is running"; then
        as_root cupsd || { log "could not start cupsd"; return 1; }
        for _ in $(seq 50); do lpstat -r 2>/dev/null | grep -q "is running" && break; sleep 0.1; done
    fi
    if ! lpstat -p "$PRINTER" >/dev/null 2>&1; then
        as_root lpadmin -p "$PRINTER" -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd
    fi
    as_root cupsenable "$PRINTER" >/dev/null 2>&1 || true
    as_root cupsaccept "$PRINTER" >/dev/null 2>&1 || true
    # cups-pdf writes to ${HOME}/PDF of the job's user (root's home when run as root).
    local home
    home=$(getent passwd "$(id -un)" | cut -d: -f6)
    echo "KIOSK_TEST_PRINTER=$PRINTER"
    echo "KIOSK_TEST_PRINT_OUT=$home/PDF"
}

# A PulseAudio server with one null sink, so the console's chime (QSoundEffect) really loads and plays with
# no sound card; tests point Qt at it through PULSE_SERVER (tests/conftest.py reads KIOSK_TEST_PULSE_SERVER).
PULSE_DIR=/tmp/kiosk-test-pulse
start_pulse() {
    command -v pulseaudio >/dev/null || { log "pulseaudio missing: the console's chime cannot be tested"; return 1; }
    mkdir -p "$PULSE_DIR"
    if ! PULSE_SERVER="unix:$PULSE_DIR/native" pactl info >/dev/null 2>&1; then
        rm -f "$PULSE_DIR/native"
        pulseaudio --daemonize=yes --exit-idle-time=-1 -n --use-pid-file=no --disallow-exit \
            --load="module-null-sink sink_name=kiosk_test_null" \
            --load="module-native-protocol-unix socket=$PULSE_DIR/native auth-anonymous=1" \
            --log-target="file:$PULSE_DIR/server.log" >&2 || { log "could not start pulseaudio"; return 1; }
        for _ in $(seq 50); do [ -S "$PULSE_DIR/native" ] && break; sleep 0.1; done
    fi
    echo "KIOSK_TEST_PULSE_SERVER=unix:$PULSE_DIR/native"
}

stop_all() {
    local bin
    if [ -S "$PULSE_DIR/native" ]; then PULSE_SERVER="unix:$PULSE_DIR/native" pactl exit >/dev/null 2>&1 || true; fi
    if bin=$(pg_bin 2>/dev/null) && [ -f "$PG_DIR/PG_VERSION" ]; then
        if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$PG_DIR" stop -m fast >/dev/null 2>&1 || true
        else "$bin/pg_ctl" -D "$PG_DIR" stop -m fast >/dev/null 2>&1 || true; fi
    fi
}

# The npm packages of tests/fhir_client (lforms, playwright-core), from its lock file; again only when it changes.
install_fhir_client() {
    local dir stamp
    dir="$(cd "$(dirname "$0")/.." && pwd)/tests/fhir_client"
    stamp="$dir/node_modules/.package-lock.json"
    command -v npm >/dev/null || { log "npm missing: the browser tests will be skipped"; return 0; }
    if [ ! -f "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]; then
        log "npm ci in tests/fhir_client"
        (cd "$dir" && npm ci --no-audit --no-fund --ignore-scripts >&2)
    fi
}

case "${1:-start}" in
    start) install_packages; install_fhir_client; start_postgres; start_cups; start_pulse ;;
    stop) stop_all ;;
    desktop) install_packages "${DESKTOP_PACKAGES[@]}" ;;
    *) echo "usage: $0 start|stop|desktop" >&2; exit 2 ;;
esac
