"""The pre-validated forms cache: the same forms as validating them, never a stale or an invalid form."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from kiosk.domain.library import FormsInvalidError
from kiosk.domain.loader import load_forms
from kiosk.services.forms_cache import fingerprint, load_forms_cached
from tests.conftest import FORMS_DIR

BROKEN = Path(__file__).parents[1] / "domain" / "broken_forms"


@pytest.fixture
def forms(tmp_path: Path) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(FORMS_DIR, folder)
    return folder


def cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("forms-*.pickle"))


def test_the_cache_gives_the_forms_validation_gives(forms: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_forms_cached(forms, cache)
    [written] = cache_files(cache)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    second = load_forms_cached(forms, cache)
    assert second == first == load_forms(forms)
    assert second is not first  # read back from the file, not kept in memory


def test_a_changed_form_is_validated_again_and_the_old_cache_dropped(forms: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_forms_cached(forms, cache)
    [old] = cache_files(cache)
    phq9 = forms / "phq9.yaml"
    phq9.write_text(phq9.read_text(encoding="utf-8").replace("Feeling down", "Feeling very down", 1), encoding="utf-8")
    library = load_forms_cached(forms, cache)
    texts = [item.text["en"] for item in library.get("phq9").items if item.text is not None]
    assert any("Feeling very down" in text for text in texts)
    assert cache_files(cache) != [old] and len(cache_files(cache)) == 1


def test_an_added_or_removed_form_changes_the_fingerprint(forms: Path) -> None:
    before = fingerprint(forms)
    (forms / "gad7.yaml").rename(forms / "gad7.yaml.off")
    assert fingerprint(forms) != before


def test_a_form_with_a_problem_stops_the_start_and_is_never_cached(forms: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    shutil.copy(BROKEN / "bands_gap.yaml", forms / "bands_gap.yaml")
    with pytest.raises(FormsInvalidError, match="no band holds totals 2-2"):
        load_forms_cached(forms, cache)
    assert cache_files(cache) == []


def test_a_damaged_cache_file_is_only_slower(forms: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_forms_cached(forms, cache)
    [written] = cache_files(cache)
    written.write_bytes(b"not a pickle at all")
    assert load_forms_cached(forms, cache) == load_forms(forms)
    assert written.read_bytes() != b"not a pickle at all"  # written again, whole


def test_a_cache_folder_that_cannot_be_written_is_only_slower(forms: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert load_forms_cached(forms, blocked / "cache") == load_forms(forms)
