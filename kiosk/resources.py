"""Where the kiosk's bundled files (resources/, forms/) are, however the kiosk was installed.

One place answers this question so that fonts, the stylesheet and the forms are found the same
way from a source checkout, an installed wheel and the PyInstaller one-folder build. Code never
builds a path to resources/ by hand.
"""

from __future__ import annotations

import site
import sys
from collections.abc import Sequence
from pathlib import Path

DISTRIBUTION_NAME = "intake-kiosk"
"""Name of the installed distribution; a wheel installs the bundle under share/<this name>/."""


def bundle_roots(
    *,
    module_file: Path | None = None,
    meipass: str | None = None,
    prefixes: Sequence[Path] | None = None,
) -> list[Path]:
    """The folders that may hold resources/ and forms/, most specific first.

    - PyInstaller unpacks the bundle into ``sys._MEIPASS`` (the build.spec adds ``resources``
      and ``forms`` as data folders of the same name);
    - a source checkout has them next to the ``kiosk`` package;
    - a wheel carries them inside the package as ``kiosk/_bundled/``, or installs them as data
      files under ``<prefix>/share/intake-kiosk/`` (the venv, the system prefix, or the user base
      of ``pip install --user``); both layouts are looked at.

    The keyword arguments exist so tests can describe each layout without changing ``sys``.
    """
    if module_file is None:
        module_file = Path(__file__)
    if meipass is None:
        meipass = getattr(sys, "_MEIPASS", None)
    if prefixes is None:
        prefixes = [Path(sys.prefix), Path(site.getuserbase())]
    roots: list[Path] = []
    if meipass:
        roots.append(Path(meipass))
    package_dir = module_file.resolve().parent
    roots.append(package_dir.parent)
    roots.append(package_dir / "_bundled")
    roots.extend(prefix / "share" / DISTRIBUTION_NAME for prefix in prefixes)
    return roots


def bundled_path(folder: str, *parts: str, roots: Sequence[Path] | None = None) -> Path:
    """Path of ``folder/parts...`` (``folder`` is ``resources`` or ``forms``) in the first root that has it.

    Raises FileNotFoundError naming every place looked at, so a broken install says what is missing.
    """
    searched = list(roots) if roots is not None else bundle_roots()
    for root in searched:
        candidate = root.joinpath(folder, *parts)
        if candidate.exists():
            return candidate
    wanted = "/".join((folder, *parts))
    places = ", ".join(str(root) for root in searched)
    raise FileNotFoundError(f"The kiosk's bundled file {wanted} is missing; looked in: {places}")


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under resources/, e.g. ``resource_path("fonts", "NotoSans-Regular.ttf")``."""
    return bundled_path("resources", *parts)


def forms_dir() -> Path:
    """The bundled forms/ folder (questionnaires, consents, checklists as YAML)."""
    return bundled_path("forms")
