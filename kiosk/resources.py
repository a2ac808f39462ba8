"""Where bundled files live: `resources/` (fonts, icons, stylesheet) and `forms/` (clinical content).

One lookup serves a source checkout (the folders beside the package), an installed wheel (copied into
the package as kiosk/_bundled/) and the PyInstaller one-folder build (unpacked under sys._MEIPASS).
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundle_roots() -> list[Path]:
    roots: list[Path] = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        roots.append(Path(frozen_root))
    roots.append(_PACKAGE_DIR.parent)  # source checkout: <repo>/kiosk/.. holds resources/ and forms/
    roots.append(_PACKAGE_DIR / "_bundled")  # wheel install
    return roots


def bundled_dir(name: str) -> Path:
    """The first existing top-level bundled folder called `name` ("resources" or "forms")."""
    for root in _bundle_roots():
        candidate = root / name
        if candidate.is_dir():
            return candidate
    searched = ", ".join(str(root / name) for root in _bundle_roots())
    raise FileNotFoundError(f"the bundled folder {name!r} was not found (looked in: {searched})")


def resource_path(*parts: str) -> Path:
    """A path inside resources/, e.g. resource_path("fonts", "NotoSans-Regular.ttf")."""
    return bundled_dir("resources").joinpath(*parts)


def forms_dir() -> Path:
    """The forms/ folder shipped with the kiosk (a clinic may point --forms-dir elsewhere)."""
    return bundled_dir("forms")
