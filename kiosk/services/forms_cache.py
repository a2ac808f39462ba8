"""Forms from a pre-validated cache, so the kiosk starts without PyYAML and the validator.

`kiosk run` checks every form before a window opens. Parsing and validating the YAML takes tens of milliseconds
and loads PyYAML for the rest of the day; the result only changes when a form file or the code changes. So the
validated FormLibrary is kept in the data folder's cache/ (a pickle, a private file in the kiosk's own 0700 folder, as
trusted as the keys beside it), named by a fingerprint of every form file's bytes and of the code that reads
them. A changed, added or removed form, or a new version of the kiosk, gives a new fingerprint: the folder is
validated again (a form with a problem still stops the start, and nothing invalid is ever cached).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.domain.library import FormLibrary

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
_CODE = ("forms.py", "conditions.py", "library.py", "loader.py", "yaml_lines.py")
"""The domain modules whose classes are pickled or whose rules decide what is valid."""


def _code_identity() -> bytes:
    """Changes whenever the code that reads forms may have: its source, or for a frozen build the executable."""
    digest = hashlib.sha256(f"{CACHE_FORMAT} {__version__} {sys.version}".encode())
    domain = Path(__file__).resolve().parent.parent / "domain"
    for name in _CODE:
        try:
            digest.update((domain / name).read_bytes())
        except OSError:
            # A frozen build has no sources: a new build is a new executable.
            status = Path(sys.executable).stat()
            digest.update(f"{sys.executable} {status.st_size} {status.st_mtime_ns}".encode())
            break
    return digest.digest()


def fingerprint(directory: Path) -> str:
    """Of the forms folder as the loader sees it (every *.yaml and *.yml, by name and bytes) and of the code."""
    digest = hashlib.sha256(_code_identity())
    digest.update(str(directory).encode())
    if directory.is_dir():
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            content = path.read_bytes()
            digest.update(f"\0{path.name}\0{len(content)}\0".encode())
            digest.update(content)
    return digest.hexdigest()[:32]


def load_forms_cached(directory: Path, cache_dir: Path) -> FormLibrary:
    """The valid forms of `directory`; read from `cache_dir` when this very folder was validated before.

    Raises FormsInvalidError exactly as `load_forms` does. A cache that cannot be read or written is only slower.
    """
    try:
        key = fingerprint(directory)
    except OSError:
        key = ""
    cached = cache_dir / f"forms-{key}.pickle"
    if key:
        try:
            library = pickle.loads(cached.read_bytes())
        except FileNotFoundError:
            pass
        except Exception:
            log.warning("The forms cache %s could not be read; validating the forms again", cached, exc_info=True)
        else:
            if isinstance(library, FormLibrary) and library.directory == directory:
                return library
    from kiosk.domain.loader import load_forms

    library = load_forms(directory)
    if key:
        _store(cached, library)
    return library


def _store(path: Path, library: FormLibrary) -> None:
    """Write the cache as a private file, atomically, and drop the older ones; a read-only folder is only slower."""
    from kiosk.store.files import PRIVATE_DIR, write_private

    try:
        path.parent.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        write_private(path, pickle.dumps(library, protocol=pickle.HIGHEST_PROTOCOL))
        for older in path.parent.glob("forms-*.pickle"):
            if older != path:
                older.unlink(missing_ok=True)
    except OSError as error:
        log.info("The forms cache could not be written to %s (%s); the forms are validated at every start", path, error)
