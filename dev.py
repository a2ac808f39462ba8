#!/usr/bin/env python3
"""The project's two commands: ``python3 dev.py run`` and ``python3 dev.py test``.

Both create ``.venv`` and install the project from its own files when needed, so a
newcomer on a fresh machine (Linux or the clinic's Windows tablet) needs nothing but
Python 3.11+. Only the standard library is used here, because this file runs before
any dependency exists.

    run        open the kiosk on the demo data in ./.kiosk-data (seeded on first use)
    test       every check: ruff, ruff format, mypy, the import-linter layer contracts, pytest
               with coverage (the PostgreSQL and CUPS test services on Linux; see
               scripts/test-services.sh), then the coverage of each layer against its floor
    bench      print the benchmark table (benchmarks/run.py)
    staff      open the staff console on ./.kiosk-data
    kiosk ...  run any `kiosk` sub-command inside the environment
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
DEMO_DATA = ROOT / ".kiosk-data"
STAMP = VENV / ".installed-from"


def _venv_python() -> Path:
    if platform.system() == "Windows":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _venv_bin(name: str) -> Path:
    """A console script installed in .venv (lint-imports, kiosk)."""
    if platform.system() == "Windows":
        return VENV / "Scripts" / f"{name}.exe"
    return VENV / "bin" / name


def _install_fingerprint() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        path = ROOT / name
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_venv() -> Path:
    """Create .venv and install the project with its dev extras, once per change of pyproject."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {platform.python_version()}.")
    python = _venv_python()
    if not python.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    fingerprint = _install_fingerprint()
    if not STAMP.exists() or STAMP.read_text() != fingerprint:
        print("Installing the project and its dependencies into .venv ...", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        cmd = [*pip, "install", "-e", f"{ROOT}[dev]"]
        if (ROOT / "constraints.txt").exists():
            cmd += ["-c", str(ROOT / "constraints.txt")]
        subprocess.run(cmd, check=True)
        STAMP.write_text(fingerprint)
    return python


def _run(args: list[str], env: dict[str, str] | None = None) -> int:
    print("+ " + " ".join(args), flush=True)
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def ensure_desktop_libraries() -> None:
    """On Linux, the system libraries Qt needs for a real window (Debian/Ubuntu; as root or with sudo).

    A missing one is named and the start goes on: on a desktop that already has them nothing is installed.
    """
    if platform.system() != "Linux":
        return
    script = ROOT / "scripts" / "test-services.sh"
    result = subprocess.run(["bash", str(script), "desktop"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        print("Some libraries Qt needs for a window could not be installed (see above); trying to start anyway.")


def cmd_run(extra: list[str]) -> int:
    python = ensure_venv()
    ensure_desktop_libraries()
    code = _run([str(python), "-m", "kiosk", "--data-dir", str(DEMO_DATA), "demo", "--quiet"])
    if code != 0:
        return code
    return _run([str(python), "-m", "kiosk", "--data-dir", str(DEMO_DATA), "run", "--windowed", *extra])


def cmd_staff(extra: list[str]) -> int:
    python = ensure_venv()
    ensure_desktop_libraries()
    return _run([str(python), "-m", "kiosk", "--data-dir", str(DEMO_DATA), "staff", *extra])


def cmd_test(extra: list[str]) -> int:
    python = ensure_venv()
    env = dict(os.environ)
    if platform.system() == "Linux":
        services = ROOT / "scripts" / "test-services.sh"
        result = subprocess.run(["bash", str(services), "start"], cwd=ROOT, capture_output=True, text=True)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            print(result.stdout)
            print("The test services (PostgreSQL, CUPS) could not be started; see the lines above.")
            return result.returncode
        for line in result.stdout.splitlines():
            key, sep, value = line.partition("=")
            if sep and key.startswith("KIOSK_TEST_"):
                env[key] = value
    checks = [
        [str(python), "-m", "ruff", "check", "kiosk", "tests", "benchmarks", "dev.py"],
        [str(python), "-m", "ruff", "format", "--check", "kiosk", "tests", "benchmarks", "dev.py"],
        [str(python), "-m", "mypy"],
        [str(_venv_bin("lint-imports")), "--no-cache"],
        [str(python), "-m", "pytest", "--cov", "--cov-report=", *test_workers(extra), *extra],
    ]
    for check in checks:
        code = _run(check, env)
        if code != 0:
            return code
    # The floors hold for the whole suite; a chosen part of it (-k, a folder) only prints its figures.
    return check_coverage(python, enforce=not extra)


def test_workers(extra: list[str]) -> list[str]:
    """pytest-xdist options: one worker per core (at most four; KIOSK_TEST_WORKERS=N overrides, 1 runs in
    this process), unless the arguments already choose (-n, -p no:xdist, --pdb).

    Tests that share a machine-wide resource are kept on one worker with `pytest.mark.xdist_group` (the
    speech-dispatcher daemon the read-aloud tests stop and start); PostgreSQL databases, CUPS jobs and data
    folders are already each worker's own.
    """
    if any(arg in ("-n", "--numprocesses", "--pdb", "no:xdist") or arg.startswith("-n") for arg in extra):
        return []
    wanted = os.environ.get("KIOSK_TEST_WORKERS", "")
    workers = int(wanted) if wanted.isdigit() and int(wanted) > 0 else min(os.cpu_count() or 1, 4)
    return [] if workers == 1 else ["-n", str(workers), "--dist", "loadgroup"]


LAYERS = ("domain", "store", "documents", "services", "ui")


def coverage_floors() -> dict[str, float]:
    """[tool.kiosk.coverage-floors] of pyproject.toml: the least share of lines per layer the suite runs."""
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as file:
        floors = tomllib.load(file)["tool"]["kiosk"]["coverage-floors"]
    return {layer: float(floors[layer]) for layer in LAYERS}


def check_coverage(python: Path, *, enforce: bool) -> int:
    """Print the coverage of each layer of kiosk/ with its floor; 1 if a layer is below its floor."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "coverage.json"
        code = subprocess.run([str(python), "-m", "coverage", "json", "-q", "-o", str(report)], cwd=ROOT).returncode
        if code != 0:
            return code
        files = json.loads(report.read_text(encoding="utf-8"))["files"]
    totals = {layer: [0, 0] for layer in (*LAYERS, "other")}
    for name, data in files.items():
        parts = Path(name).parts
        layer = parts[1] if len(parts) > 2 and parts[0] == "kiosk" and parts[1] in LAYERS else "other"
        totals[layer][0] += data["summary"]["num_statements"]
        totals[layer][1] += data["summary"]["covered_lines"]
    floors = coverage_floors()
    print(f"\n{'layer':<16} {'lines':>7} {'run':>7} {'cover':>7} {'floor':>6}")
    below = []
    for layer, (lines, run) in totals.items():
        percent = 100.0 * run / lines if lines else 100.0
        floor = floors.get(layer)
        shown = f"{floor:>5.0f}%" if floor is not None else "     -"
        mark = "  BELOW THE FLOOR" if floor is not None and percent < floor else ""
        name = f"kiosk/{layer}" if layer != "other" else "kiosk/*.py"
        print(f"{name:<16} {lines:>7} {run:>7} {percent:>6.1f}% {shown}{mark}")
        if mark:
            below.append(layer)
    all_lines = sum(lines for lines, _ in totals.values())
    all_run = sum(run for _, run in totals.values())
    print(f"{'total':<16} {all_lines:>7} {all_run:>7} {100.0 * all_run / max(all_lines, 1):>6.1f}%")
    print("(per file: .venv/bin/python -m coverage report)")
    if below and enforce:
        print(f"Coverage of {', '.join(below)} fell below its floor ([tool.kiosk.coverage-floors] in pyproject.toml).")
        return 1
    return 0


def cmd_bench(extra: list[str]) -> int:
    python = ensure_venv()
    return _run([str(python), str(ROOT / "benchmarks" / "run.py"), *extra])


def cmd_kiosk(extra: list[str]) -> int:
    python = ensure_venv()
    return _run([str(python), "-m", "kiosk", *extra])


COMMANDS = {"run": cmd_run, "test": cmd_test, "bench": cmd_bench, "staff": cmd_staff, "kiosk": cmd_kiosk}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
