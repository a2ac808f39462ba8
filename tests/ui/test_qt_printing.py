"""The Qt printing path (for computers without CUPS): every page of a signed packet reaches the printer."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from kiosk.documents.render import render_packet
from kiosk.ui.qt_printing import QtPrintError, print_pdf_with_qt
from tests.documents.sample import sample_clock, sample_packet_data


def test_every_page_is_painted_onto_the_printer(qtbot: QtBot, tmp_path: Path) -> None:
    pdf = render_packet(sample_packet_data("es"), clock=sample_clock)
    target = tmp_path / "printed.pdf"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(target))
    pages = print_pdf_with_qt(pdf, printer, dpi=100)
    assert pages == len(PdfReader(BytesIO(pdf)).pages) > 1
    assert len(PdfReader(str(target)).pages) == pages


def test_bytes_that_are_not_a_pdf_get_a_clear_message(qtbot: QtBot, tmp_path: Path) -> None:
    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "never.pdf"))
    with pytest.raises(QtPrintError, match="could not be read for printing"):
        print_pdf_with_qt(b"not a pdf", printer)
