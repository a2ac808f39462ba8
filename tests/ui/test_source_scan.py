"""PySide6's source scan (kiosk/ui/source_scan.py): each module gets the answer the scan would give, and no
module's source is left in `linecache` for it."""

from __future__ import annotations

import importlib
import linecache
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from kiosk.ui.source_scan import _IGNORE, _NO_FEATURE, _MarkQtFree, forget_file_sources, skip_source_scan


def _features() -> dict[str, int]:
    from PySide6.support import feature  # type: ignore[attr-defined]

    table: dict[str, int] = feature.pyside_feature_dict
    return table


@pytest.fixture
def on_path(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    importlib.invalidate_caches()
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.startswith(("scanprobe_", "tests_scanprobe_"))]:
        del sys.modules[name]
        _features().pop(name, None)


def test_a_qt_free_module_imported_after_qt_is_ignored_without_its_source_kept(on_path: Path) -> None:
    assert skip_source_scan()
    module = on_path / "scanprobe_plain.py"
    module.write_text("import textwrap\nVALUE = 1\n" + "# filler\n" * 200)
    importlib.import_module("scanprobe_plain")
    assert _features()["scanprobe_plain"] == _IGNORE
    assert str(module) not in linecache.cache
    assert not any(name.endswith("textwrap.py") for name in linecache.cache)


def test_a_module_that_may_use_qt_gets_the_scans_answer_from_its_file(on_path: Path) -> None:
    assert skip_source_scan()
    (on_path / "tests_scanprobe_qt.py").write_text("from PySide6.QtCore import QObject\n")
    (on_path / "tests_scanprobe_none.py").write_text("VALUE = 2\n")
    importlib.import_module("tests_scanprobe_qt")
    importlib.import_module("tests_scanprobe_none")
    assert _features()["tests_scanprobe_qt"] == _NO_FEATURE
    assert _features()["tests_scanprobe_none"] == _IGNORE
    assert not any("scanprobe" in name for name in linecache.cache)


def _module(name: str, file: str | None) -> ModuleType:
    module = ModuleType(name)
    if file is not None:
        module.__file__ = file
    return module


def test_modules_imported_before_the_marker_are_entered_by_the_same_rule() -> None:
    features: dict[str, int] = {"already": 5}
    _MarkQtFree(features).mark_imported(
        {
            "textwrap": _module("textwrap", "/lib/textwrap.py"),
            "already": _module("already", "/lib/already.py"),
            "kiosk.ui.theme": _module("kiosk.ui.theme", "/kiosk/ui/theme.py"),
            "PySide6": _module("PySide6", "/site/PySide6/__init__.py"),
            "_socket": _module("_socket", "/lib/_socket.so"),
            "builtins": _module("builtins", None),
        }
    )
    # Qt-free with a source: ignored (what the scan answers); the rest is left to PySide6, and nothing is changed.
    assert features == {"already": 5, "textwrap": _IGNORE}


def test_forgetting_file_sources_keeps_sources_that_only_the_cache_holds() -> None:
    linecache.getlines(__file__)
    assert __file__ in linecache.cache
    generated = "<scanprobe generated code>"
    linecache.cache[generated] = (6, None, ["x = 1\n"], generated)
    try:
        forget_file_sources()
        assert __file__ not in linecache.cache
        assert linecache.cache[generated][2] == ["x = 1\n"]
    finally:
        linecache.cache.pop(generated, None)
