"""Keep PySide6 from reading the source of every module the kiosk imports after Qt.

PySide6 replaces `__import__` to support `from __feature__ import snake_case` (PYSIDE-2029): every module imported
after PySide6 has its whole source read with `inspect.getsource` to see whether it mentions PySide6, and the text
stays in `linecache`. In a source install that is the source of SQLAlchemy, cryptography and the rest, about
18 MB of the kiosk's memory and tens of milliseconds of its start. The kiosk uses no `__feature__`, so modules
that cannot use Qt (everything outside the UI layer and Qt itself) are marked "ignore" before they are imported,
which is the answer the scan would have given. A frozen build has no sources, so there it changes nothing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import logging
import sys
from collections.abc import MutableMapping, Sequence
from types import ModuleType

log = logging.getLogger(__name__)

_IGNORE = -1
"""PySide6's feature id for "this module takes no part in feature switching"."""
_MAY_USE_QT = ("PySide6", "shiboken6", "kiosk.ui", "tests", "benchmarks", "__main__")


class _MarkQtFree(importlib.abc.MetaPathFinder):
    """Finds nothing itself; marks a module about to be imported as Qt-free in PySide6's feature table."""

    def __init__(self, features: MutableMapping[str, int]) -> None:
        self._features = features

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if not fullname.startswith(_MAY_USE_QT):
            self._features.setdefault(fullname, _IGNORE)
        return None


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
    sys.meta_path.insert(0, _MarkQtFree(features))
    return True
