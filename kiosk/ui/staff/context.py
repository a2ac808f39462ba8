"""What every console view of one signed-in person works with, handed in rather than found globally.

Two runners: `runner` carries every database call in order (as the patient window's does); `slow_runner`
carries packets and printing, which can take from a second to minutes (a printer out of paper), so the
board keeps refreshing meanwhile. Both are ServiceRunners: one worker thread each, results on the GUI
thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.services.backend import Backend
from kiosk.services.packets import PacketMaker
from kiosk.services.patient_search import PatientHit, PatientIndex
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.ui.service_runner import ServiceRunner

log = logging.getLogger(__name__)

SEARCH_LIMIT = 50


class PatientDirectory:
    """The console's in-memory patient index, built on first use and kept up to date before each search.

    The index is only ever touched on the runner's worker thread, so building, refreshing and searching
    never overlap.
    """

    def __init__(self, backend: Backend, identity: StaffIdentity, runner: ServiceRunner) -> None:
        self._backend = backend
        self._identity = identity
        self._runner = runner
        self._index: PatientIndex | None = None

    def _searched(self, query: str, limit: int) -> tuple[PatientHit, ...]:
        if self._index is None:
            self._index = PatientIndex.build(self._backend, self._identity)
        else:
            self._index.refresh(self._backend, self._identity)
        return self._index.search(query, limit)

    def warm_up(self) -> None:
        """Build the index in the background now, so the first search does not wait for it."""
        self._runner.submit(lambda: self._searched("", 1))

    def search(
        self,
        query: str,
        on_done: Callable[[tuple[PatientHit, ...]], None],
        on_error: Callable[[Exception], None],
        limit: int = SEARCH_LIMIT,
    ) -> None:
        self._runner.submit(lambda: self._searched(query, limit), on_done, on_error)


@dataclass(frozen=True, slots=True)
class StaffContext:
    backend: Backend
    identity: StaffIdentity
    runner: ServiceRunner
    slow_runner: ServiceRunner
    patients: PatientDirectory
    packets: PacketMaker
    printer: str | None
