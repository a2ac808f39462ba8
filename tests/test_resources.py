"""Bundled files are found from a checkout, a PyInstaller build and an installed wheel."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import resources
from kiosk.resources import bundle_roots, bundled_path, forms_dir, resource_path

CHECKOUT = Path(__file__).resolve().parent.parent


def make_bundle(root: Path) -> Path:
    (root / "resources" / "fonts").mkdir(parents=True)
    font = root / "resources" / "fonts" / "Face.ttf"
    font.write_bytes(b"font")
    return font


def test_a_source_checkout_finds_resources_and_forms() -> None:
    assert resource_path("fonts", "NotoSans-Regular.ttf") == CHECKOUT / "resources" / "fonts" / "NotoSans-Regular.ttf"
    assert forms_dir() == CHECKOUT / "forms"


def test_a_pyinstaller_bundle_comes_first(tmp_path: Path) -> None:
    font = make_bundle(tmp_path / "meipass")
    roots = bundle_roots(meipass=str(tmp_path / "meipass"), prefixes=[])
    assert roots[0] == tmp_path / "meipass"
    assert bundled_path("resources", "fonts", "Face.ttf", roots=roots) == font


def test_an_installed_wheel_finds_its_data_files(tmp_path: Path) -> None:
    # Installed: the package lives in site-packages, the data files under <prefix>/share/intake-kiosk.
    module_file = tmp_path / "venv" / "lib" / "site-packages" / "kiosk" / "resources.py"
    font = make_bundle(tmp_path / "venv" / "share" / "intake-kiosk")
    roots = bundle_roots(module_file=module_file, meipass="", prefixes=[tmp_path / "venv"])
    assert bundled_path("resources", "fonts", "Face.ttf", roots=roots) == font


def test_a_wheel_may_carry_the_bundle_inside_the_package(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "kiosk"
    font = make_bundle(package / "_bundled")
    roots = bundle_roots(module_file=package / "resources.py", meipass="", prefixes=[])
    assert bundled_path("resources", "fonts", "Face.ttf", roots=roots) == font


def test_a_missing_file_names_every_place_looked(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"resources/fonts/Nope\.ttf is missing; looked in: .*a, .*b"):
        bundled_path("resources", "fonts", "Nope.ttf", roots=[tmp_path / "a", tmp_path / "b"])


def test_the_real_pyinstaller_attribute_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_bundle(tmp_path)
    monkeypatch.setattr(resources.sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("fonts", "Face.ttf") == tmp_path / "resources" / "fonts" / "Face.ttf"
