"""Printing a PDF through Qt, for computers without a CUPS spooler (the clinic's Windows front desk).

Where CUPS exists the signed PDF goes to the spooler as it is (kiosk.documents.printing): exact and
vector. Windows has no `lp`, so there each page is rendered with QPdfDocument at the printer's resolution
(300 dpi by default) and painted onto the QPrinter chosen in Qt's print dialog. The print is then raster,
which is fine for reading and filing; the signed original stays in the database and can be saved as PDF.
"""

from __future__ import annotations

import shutil
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

DPI = 300


class QtPrintError(Exception):
    """The PDF could not be painted onto the printer; the message says what staff can do."""


def spooler_available() -> bool:
    """Whether this computer hands PDFs to a CUPS spooler (Linux, macOS) rather than printing through Qt."""
    return sys.platform != "win32" and shutil.which("lp") is not None


def print_pdf_with_qt(pdf: bytes, printer: QPrinter, *, dpi: int = DPI) -> int:
    """Paint every page of `pdf` onto `printer`, each scaled to fit the printable area; the page count."""
    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise QtPrintError("The packet could not be read for printing; save it as PDF and print it from a reader.")
    printer.setResolution(dpi)
    painter = QPainter()
    if not painter.begin(printer):
        raise QtPrintError("The printer could not be opened. Check that it is on and chosen, then print again.")
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            scale = min(area.width() / points.width(), area.height() / points.height())
            size = QSize(round(points.width() * scale), round(points.height() * scale))
            image = document.render(page, size)
            painter.drawImage(QRect(0, 0, size.width(), size.height()), image)
        return document.pageCount()
    finally:
        painter.end()
        document.close()
        buffer.close()
