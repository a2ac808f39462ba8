"""Keep PySide6 from reading the source of every module the kiosk imports after Qt.

PySide6 replaces `__import__` to support `from __feature__ import snake_case` (PYSIDE-2029): every module imported
after PySide6 has its whole source read with `inspect.getsource` to see whether it mentions PySide6, and the text
stays in `linecache`. In a source install that is the source of SQLAlchemy, cryptography and the rest, about
18 MB of the kiosk's memory and tens of milliseconds of its start. The kiosk uses no `__feature__`, so modules
that cannot use Qt (everything outside the UI layer and Qt itself) are marked "ignore" before they are imported,
which is the answer the scan would have given. So are the Qt-free modules imported before this runs (the standard
library the `kiosk` command starts with): PySide6 scans each of them the next time any `import` statement names
it, and those sources were another 4 MB (the few read before the marker is in place are let go from `linecache`
then). A module that may use Qt is answered as the scan would answer it (whether
its source mentions PySide6), from its file read once and let go, not from `linecache`. A frozen build has no
sources, so there it changes nothing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import linecache
import logging
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

_IGNORE = -1
"""PySide6's feature id for "this module takes no part in feature switching"."""
_NO_FEATURE = 0
"""PySide6's feature id for "this module uses PySide6, with no feature selected"."""
_MAY_USE_QT = ("PySide6", "shiboken6", "kiosk.ui", "tests", "benchmarks", "__main__")
_READ_FROM_FILE = ("kiosk.ui", "tests", "benchmarks")
"""Modules that may use Qt whose answer is read from their file here (PySide6 and shiboken6 answer for themselves,
and `__main__` is not found by name)."""


class _MarkQtFree(importlib.abc.MetaPathFinder):
    """Finds nothing itself; enters a module about to be imported in PySide6's feature table, as the scan would."""

    def __init__(self, features: MutableMapping[str, int]) -> None:
        self._features = features

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname in self._features:
            return None
        if not fullname.startswith(_MAY_USE_QT):
            self._features[fullname] = _IGNORE
        elif fullname.startswith(_READ_FROM_FILE):
            answer = _answer_from_source(importlib.machinery.PathFinder.find_spec(fullname, path))
            if answer is not None:
                self._features[fullname] = answer
        return None

    def mark_imported(self, modules: Mapping[str, ModuleType]) -> None:
        """Enter the Qt-free modules imported before now that have a source file (the ones PySide6 would read)."""
        for name, module in list(modules.items()):
            if not name.startswith(_MAY_USE_QT) and str(getattr(module, "__file__", None) or "").endswith(".py"):
                self._features.setdefault(name, _IGNORE)


def _answer_from_source(spec: importlib.machinery.ModuleSpec | None) -> int | None:
    """PySide6's answer for the module of `spec` (whether its source mentions PySide6), or None without a source
    file (then PySide6 answers for itself)."""
    origin = spec.origin if spec is not None else None
    if origin is None or not origin.endswith(".py"):
        return None
    try:
        source = Path(origin).read_bytes()
    except OSError:
        return None
    return _NO_FEATURE if b"PySide6" in source else _IGNORE


def skip_source_scan() -> bool:
    """Install the marker once (idempotent); False where this PySide6 has no feature table (nothing to skip)."""
    if any(isinstance(finder, _MarkQtFree) for finder in sys.meta_path):
        return True
    try:
        from PySide6.support import feature  # type: ignore[attr-defined]
    except ImportError:
        return False
    features = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(features, MutableMapping):
        log.info("PySide6 has no feature table here; its source scan stays as it is")
        return False
    marker = _MarkQtFree(features)
    marker.mark_imported(sys.modules)
    sys.meta_path.insert(0, marker)
    forget_file_sources()
    return True


def forget_file_sources() -> None:
    """Drop from `linecache` the sources read from files (what PySide6 scanned before the marker was in place: the
    modules this one imports, `enum`); a traceback reads its lines again. Sources that exist only in the cache (code
    made at run time: SQLAlchemy's generated methods) have no file to read again and stay."""
    for filename, entry in list(linecache.cache.items()):
        if len(entry) == 4 and entry[1] is not None:
            linecache.cache.pop(filename, None)
