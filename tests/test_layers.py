"""Layers are enforced by a test: nothing below the UI imports PySide6 (DESIGN.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

BELOW_UI = ("domain", "store", "documents", "services")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        found.extend(
            f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
            for name in names
            if name.split(".")[0] in {"PySide6", "shiboken6"}
        )
    return found


def test_no_module_below_the_ui_imports_qt() -> None:
    offenders = [
        hit for layer in BELOW_UI for path in (REPO_ROOT / "kiosk" / layer).rglob("*.py") for hit in qt_imports(path)
    ]
    assert offenders == []


def test_the_layers_load_without_qt_at_run_time() -> None:
    """Importing every non-UI module must not load PySide6 behind our back (e.g. through a helper module)."""
    modules = sorted(
        ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
        for layer in BELOW_UI
        for path in (REPO_ROOT / "kiosk" / layer).rglob("*.py")
        if "migrations" not in path.parts
    )
    code = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    code += "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\nassert not bad, bad\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
