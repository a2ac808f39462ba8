"""One seeded demo data folder per test run, for the patient and staff UI tests to copy.

Seeding the demo (ten patients, their treatment series: some 600 commits) takes seconds; copying the
folder takes milliseconds, so each test gets its own copy of the one made here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.services.backend import open_backend
from kiosk.services.demo import seed_demo
from kiosk.settings import DEFAULT_SETTINGS


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo seeded, its key and default settings; never opened by a test itself."""
    folder = tmp_path_factory.mktemp("demo-template") / "data"
    folder.mkdir()
    (folder / "settings.toml").write_text(DEFAULT_SETTINGS)
    backend = open_backend(folder)
    try:
        seed_demo(backend)
    finally:
        backend.engine.dispose()
    return folder
