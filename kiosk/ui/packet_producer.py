"""Makes the signed consent packet of each submitted intake in the background: the patient never waits.

Its own worker thread, so rendering and signing a packet (about 50 ms) never delays the next patient's
answers on the kiosk's service worker. A failure is logged for staff; the packet is made again on demand
from the console or with `kiosk packet`, since everything it is made from is stored.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal, Slot

from kiosk.services.backend import Backend
from kiosk.ui.service_runner import ServiceRunner

log = logging.getLogger(__name__)


class PacketProducer(QObject):
    """Signals:
    made(int): the packet of this intake is stored.
    failed(int, str): it could not be made; the message says why.
    """

    made = Signal(int)
    failed = Signal(int, str)

    def __init__(self, backend: Backend, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = ServiceRunner(self)
        self._maker: object | None = None

    @Slot(int)
    def make(self, intake_id: int) -> None:
        def job() -> int:
            from kiosk.services.packets import PacketMaker

            if self._maker is None:
                self._maker = PacketMaker(self._backend)  # loads the clinic's signing key once
            assert isinstance(self._maker, PacketMaker)
            self._maker.make(intake_id)
            return intake_id

        def failed(error: Exception) -> None:
            log.error("The packet of intake %s could not be made", intake_id, exc_info=error)
            self.failed.emit(intake_id, str(error))

        self._runner.submit(job, lambda _: self.made.emit(intake_id), failed)

    def shutdown(self) -> None:
        self._runner.shutdown()
