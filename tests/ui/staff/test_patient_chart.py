"""The patient chart: found by typing part of a name, PHQ-9 and GAD-7 across the series with bands,
response and remission marked, saved as a PNG and printed."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import QAreaSeries, QLineSeries, QScatterSeries
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLineEdit, QListView
from pytestqt.qtbot import QtBot

from kiosk.services.audit_log import audit_entries
from kiosk.ui.staff.patient_chart import PatientChartView
from tests.identities import admin
from tests.ui.staff.driver import TIMEOUT_MS, Staff


def open_chart(staff: Staff, query: str, name: str) -> PatientChartView:
    staff.open_tab("Patient chart")
    chart = staff.console.chart
    assert chart is not None
    staff.type_into("Find a patient", query)
    results = next(view for view in staff.visible(QListView) if view.accessibleName() == "Matching patients")
    staff.qtbot.waitUntil(lambda: results.model().rowCount() > 0, timeout=TIMEOUT_MS)
    index = next(
        results.model().index(row, 0)
        for row in range(results.model().rowCount())
        if str(results.model().index(row, 0).data()).startswith(name)
    )
    staff.qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=results.visualRect(index).center())
    staff.qtbot.waitUntil(lambda: chart.trend is not None, timeout=TIMEOUT_MS)
    return chart


def test_chart_shows_the_series_with_bands_and_markers(qtbot: QtBot, clinician_console: Staff) -> None:
    chart = open_chart(clinician_console, "tayl", "Taylor, Sam")
    assert chart.trend is not None and len(chart.trend.sessions) == 5
    assert [view.series.form_id for view in chart.chart_views] == ["phq9", "gad7"]
    phq = chart.chart_views[0].chart()
    totals = next(
        series for series in phq.series() if isinstance(series, QLineSeries) and series.name() == "PHQ-9 total"
    )
    assert [point.y() for point in totals.points()] == [19, 15, 12, 9, 7]
    bands = [series for series in phq.series() if isinstance(series, QAreaSeries)]
    assert [band.name() for band in bands] == ["Minimal", "Mild", "Moderate", "Moderately severe", "Severe"]
    markers = {series.name(): series for series in phq.series() if isinstance(series, QScatterSeries)}
    assert [point.x() for point in markers["Response"].points()] == [4, 5]  # 9 and 7 are half of 19 or less
    assert "Remission" not in markers  # no PHQ-9 total below 5 yet
    clinician_console.wait_for_text("Born 07/02/1979; 5 submitted sessions")
    assert clinician_console.cell_texts("Sessions")[3][-1] == "PHQ-9 response, GAD-7 response"


def test_save_chart_as_png(qtbot: QtBot, clinician_console: Staff, tmp_path: Path) -> None:
    chart = open_chart(clinician_console, "Sam Tay", "Taylor, Sam")
    clinician_console.click("Save chart as PNG")
    target = tmp_path / "sam chart.png"
    clinician_console.choose_file(target)
    assert chart.saved_path == target
    assert target.stat().st_size > 0
    image = QImage(str(target))
    assert not image.isNull() and image.width() > 600 and image.height() > 600
    # Saving a chart is an export of the patient's record: the audit log says who, which patient and where.
    backend = clinician_console.window.backend

    def audited() -> list[tuple[str, str, int | None, str]]:
        page = audit_entries(backend, admin(), limit=20)
        return [(e.actor, e.action, e.patient_id, e.detail) for e in page.entries if e.action == "chart.save"]

    qtbot.waitUntil(lambda: bool(audited()), timeout=TIMEOUT_MS)
    actor, _, patient_id, detail = audited()[0]
    assert actor == "dr.rivera" and patient_id is not None and detail == "PNG file sam chart.png"


def test_print_chart_to_a_pdf(qtbot: QtBot, clinician_console: Staff, tmp_path: Path) -> None:
    chart = open_chart(clinician_console, "07/02/1979", "Taylor, Sam")
    target = tmp_path / "chart.pdf"
    clinician_console.click("Print chart")
    dialog = clinician_console.wait_for_dialog(QPrintDialog)
    # In the print dialog the person picks "Print to File (PDF)" and names the file, then chooses Print.
    printers = dialog.findChild(QComboBox, "printers")
    file_name = dialog.findChild(QLineEdit, "filename")
    assert printers is not None and file_name is not None
    printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
    file_name.setText(str(target))
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    print_button = box.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(print_button, Qt.MouseButton.LeftButton, pos=print_button.rect().center())

    qtbot.waitUntil(target.exists, timeout=TIMEOUT_MS)
    assert chart.printer.outputFormat() is QPrinter.OutputFormat.PdfFormat
    assert target.read_bytes().startswith(b"%PDF")
    clinician_console.wait_for_text(f"The chart was sent to {target}.")


def test_the_two_charts_share_one_dated_session_axis_and_the_legend_draws_each_marker(
    qtbot: QtBot, clinician_console: Staff
) -> None:
    from PySide6.QtCharts import QCategoryAxis, QLegend

    chart = open_chart(clinician_console, "tayl", "Taylor, Sam")
    assert chart.trend is not None

    # Both plot areas start and end at the same x, so session 4 of PHQ-9 sits above session 4 of GAD-7.
    def aligned() -> bool:
        (left_1, right_1), (left_2, right_2) = chart.aligned.edges()
        return abs(left_1 - left_2) < 1 and abs(right_1 - right_2) < 1

    qtbot.waitUntil(aligned, timeout=TIMEOUT_MS)
    (left, right), _ = chart.aligned.edges()
    assert right - left > 300
    for view in chart.chart_views:
        axis = next(axis for axis in view.chart().axes(Qt.Orientation.Horizontal) if isinstance(axis, QCategoryAxis))
        days = [f"{number} · {session.day:%m/%d}" for number, session in enumerate(chart.trend.sessions, start=1)]
        assert axis.categoriesLabels() == days  # every session labelled with its number and date
        assert view.chart().legend().markerShape() is QLegend.MarkerShape.MarkerShapeFromSeries
