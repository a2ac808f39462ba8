"""A patient's chart: find the patient, then their questionnaire totals across the series, session by session.

One chart per questionnaire (PHQ-9 and GAD-7 have different bands, so one shared axis would mislead),
and a table with each session's date and totals for anyone who cannot read a chart. The charts can be
saved as a PNG or printed; opening a chart is audited by the service.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal, Slot
from PySide6.QtGui import QFont, QPageLayout, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QFrame, QHBoxLayout, QScrollArea, QTableView, QVBoxLayout, QWidget

from kiosk.services.dosing_lists import DosingSummaryLine, dosing_series
from kiosk.services.patient_search import PatientHit
from kiosk.services.trends import PatientTrend, patient_trend
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import StatusLine, button_row, push_button, show_refusal, text_label, us_date
from kiosk.ui.staff.patient_picker import PatientPicker
from kiosk.ui.staff.rows_model import Column, RowsModel, fit_columns, table_view
from kiosk.ui.staff.style import Tone
from kiosk.ui.staff.trend_chart import AlignedCharts, TrendChartView, short_title
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

PICKER_WIDTH = 360
PRINT_MARGIN_MM = 12.0


@dataclass(frozen=True, slots=True)
class SessionLine:
    """One row of the sessions table."""

    number: int
    day: str
    visit: str
    totals: tuple[str, ...]
    notes: str
    dosing: DosingSummaryLine | None = None


def session_lines(
    trend: PatientTrend, visit_labels: dict[str, str], dosing: Mapping[int, DosingSummaryLine] | None = None
) -> tuple[SessionLine, ...]:
    lines = []
    for number, session in enumerate(trend.sessions, start=1):
        totals = []
        notes = []
        for series in trend.series:
            total = session.totals.get(series.form_id)
            totals.append("incomplete" if total is None else str(total))
            point = series.points[number - 1]
            if point.response:
                notes.append(f"{short_title(series.title)} response")
            if point.remission:
                notes.append(f"{short_title(series.title)} remission")
        lines.append(
            SessionLine(
                number=number,
                day=us_date(session.day),
                visit=visit_labels.get(session.visit_type, session.visit_type),
                totals=tuple(totals),
                notes=", ".join(notes),
                dosing=(dosing or {}).get(session.intake_id),
            )
        )
    return tuple(lines)


DOSING_COLUMNS: tuple[tuple[str, Callable[[DosingSummaryLine], str]], ...] = (
    ("Dose", lambda line: line.dose),
    ("Peak BP", lambda line: line.peak_blood_pressure),
    ("Sedation", lambda line: line.sedation),
    ("Dissociation", lambda line: line.dissociation),
)
"""The series view of the dosing sessions: what was given and how the patient did, session by session."""


def _dosing_cell(read: Callable[[DosingSummaryLine], str]) -> Callable[[SessionLine], str]:
    def cell(line: SessionLine) -> str:
        return read(line.dosing) if line.dosing is not None else ""

    return cell


def _total_at(position: int) -> Callable[[SessionLine], str]:
    def total(line: SessionLine) -> str:
        return line.totals[position]

    return total


class PatientChartView(QWidget):
    """Patient search on the left, the chosen patient's charts and sessions on the right.

    Signals:
        chart_shown(int): the charts of this patient (id) are on screen.
    """

    chart_shown = Signal(int)

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.trend: PatientTrend | None = None
        self.dosing: Mapping[int, DosingSummaryLine] = {}
        self.chart_views: list[TrendChartView] = []
        self.file_dialog: QFileDialog | None = None
        self.print_dialog: QPrintDialog | None = None
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        """The printer "Print chart" offers first; it keeps the person's choices between prints."""
        self.saved_path: Path | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 12, 16, 12)
        row.setSpacing(16)
        self.picker = PatientPicker(context.patients)
        self.picker.setFixedWidth(PICKER_WIDTH)
        self.picker.chosen.connect(self._on_picker_chosen)
        row.addWidget(self.picker)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.title = text_label("Patient chart", TextRole.TITLE)
        right.addWidget(self.title)
        self.subtitle = text_label("Find a patient on the left to see their scores across the series.", TextRole.HINT)
        right.addWidget(self.subtitle)
        self.save_button = push_button("Save chart as PNG")
        self.print_button = push_button("Print chart", ButtonRole.PRIMARY)
        right.addLayout(button_row(trailing=[self.save_button, self.print_button]))
        self.status = StatusLine()
        right.addWidget(self.status)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        right.addWidget(self.scroll_area, 1)
        row.addLayout(right, 1)
        self.charts = QWidget()
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_chart = bool(self.chart_views)
        self.save_button.setEnabled(has_chart)
        self.print_button.setEnabled(has_chart)

    # ----------------------------------------------------------------------------------- loading

    @Slot(object)
    def _on_picker_chosen(self, hit: PatientHit) -> None:
        self.show_patient(hit.patient_id)

    def show_patient(self, patient_id: int) -> None:
        context = self._context
        self.status.show_message("Loading the chart…")

        def load() -> tuple[PatientTrend, Mapping[int, DosingSummaryLine]]:
            trend = patient_trend(context.backend, patient_id, context.identity)
            return trend, dosing_series(context.backend, context.identity, patient_id)

        context.runner.submit(load, self._on_loaded, self._on_load_failed)

    def _on_loaded(self, loaded: tuple[PatientTrend, Mapping[int, DosingSummaryLine]]) -> None:
        self.status.clear_message()
        trend, self.dosing = loaded
        self.show_trend(trend)

    def _on_load_failed(self, error: Exception) -> None:
        show_refusal(self.status, "The chart could not be opened", error, "Search for the patient again.")

    def show_trend(self, trend: PatientTrend) -> None:
        # Building two charts and a table makes thousands of short-lived wrappers; a cyclic garbage collection
        # in the middle of it doubled the first opening (170 ms instead of about 50). Collect afterwards.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._show_trend(trend)
        finally:
            if collecting:
                gc.enable()

    def _show_trend(self, trend: PatientTrend) -> None:
        self.trend = trend
        count = len(trend.sessions)
        self.title.setText(f"Patient chart: {trend.patient_name}")
        self.title.setAccessibleName(self.title.text())
        if count:
            span = f"{us_date(trend.sessions[0].day)} to {us_date(trend.sessions[-1].day)}"
            sessions = f"{count} submitted session{'s' if count != 1 else ''}, {span}"
        else:
            sessions = "no submitted sessions yet"
        self.subtitle.setText(f"Born {us_date(trend.dob)}; {sessions}.")
        self.subtitle.setAccessibleName(self.subtitle.text())
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 8, 8)
        column.setSpacing(12)
        self.charts = QWidget()
        charts_column = QVBoxLayout(self.charts)
        charts_column.setContentsMargins(0, 0, 0, 0)
        charts_column.setSpacing(8)
        self.chart_views = [TrendChartView(series) for series in trend.series]
        for view in self.chart_views:
            charts_column.addWidget(view)
        self.aligned = AlignedCharts(self.chart_views, self.charts)
        if not self.chart_views:
            charts_column.addWidget(text_label("No questionnaire totals to chart yet.", TextRole.HINT))
        column.addWidget(self.charts)
        table: QTableView | None = None
        if trend.sessions:
            column.addWidget(text_label("Sessions", TextRole.QUESTION))
            labels = {visit.id: visit.label.get("en", visit.id) for visit in self._context.backend.settings.visit_types}
            columns: list[Column[SessionLine]] = [
                Column("Session", lambda line: str(line.number)),
                Column("Date", lambda line: line.day),
                Column("Visit", lambda line: line.visit),
            ]
            for position, series in enumerate(trend.series):
                columns.append(Column(short_title(series.title), _total_at(position)))
            if any(session.intake_id in self.dosing for session in trend.sessions):
                columns.extend(Column(name, _dosing_cell(read)) for name, read in DOSING_COLUMNS)
            columns.append(Column("Response and remission", lambda line: line.notes))
            model = RowsModel[SessionLine](columns)
            model.set_rows(session_lines(trend, labels, self.dosing))
            table = table_view(model, "Sessions", follow_contents=False)
            table.setMinimumHeight(min(420, 36 + 30 * count))
            column.addWidget(table)
        column.addStretch(1)
        self.scroll_area.setWidget(page)
        if table is not None:
            fit_columns(table)
        self._update_buttons()
        self.chart_shown.emit(trend.patient_id)

    # ----------------------------------------------------------------------------------- saving

    def save_png(self, path: Path) -> bool:
        """Write the charts as they look on screen to `path` (PNG); False, with a message, if it cannot."""
        image = self.charts.grab()
        if image.isNull() or not image.save(str(path), "PNG"):
            log.warning("saving the chart to %s failed", path)
            self.status.show_error(f"The chart could not be written to {path}. Choose another folder or name.")
            return False
        self.saved_path = path
        self.status.show_message(f"Saved the chart to {path}.", Tone.GOOD)
        self._audit("chart.save", f"PNG file {path.name}")
        return True

    def _audit(self, action: str, detail: str) -> None:
        """Saving or printing a chart is an export of the patient's record: it goes to the audit log."""
        from kiosk.services.audit_log import record_staff_action

        trend, context = self.trend, self._context
        if trend is None:
            return
        self._context.runner.submit(
            lambda: record_staff_action(
                context.backend, context.identity, action, patient_id=trend.patient_id, detail=detail
            ),
            None,
            lambda error: log.error("could not audit %s: %r", action, error),
        )

    @Slot()
    def _on_save_button_clicked(self) -> None:
        trend = self.trend
        if trend is None:
            return
        name = f"chart-{trend.patient_name.replace(' ', '-').lower()}.png"
        dialog = QFileDialog(self, "Save chart as PNG", str(Path.home() / name), "PNG images (*.png)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("png")
        dialog.fileSelected.connect(self._on_file_dialog_file_selected)
        self.file_dialog = dialog
        dialog.open()

    @Slot(str)
    def _on_file_dialog_file_selected(self, chosen: str) -> None:
        if chosen:
            self.save_png(Path(chosen))

    # ----------------------------------------------------------------------------------- printing

    @Slot()
    def _on_print_button_clicked(self) -> None:
        if not self.chart_views:
            return
        dialog = QPrintDialog(self.printer, self)
        dialog.setWindowTitle("Print chart")
        dialog.accepted.connect(self._on_print_dialog_accepted)
        self.print_dialog = dialog
        # QPrintDialog hides QDialog.open(); this is what open() does: window-modal, not blocking.
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    @Slot()
    def _on_print_dialog_accepted(self) -> None:
        if self.print_chart(self.printer):
            destination = self.printer.outputFileName() or self.printer.printerName() or "the printer"
            self.status.show_message(f"The chart was sent to {destination}.", Tone.GOOD)
            self._audit("chart.print", f"to {Path(destination).name if self.printer.outputFileName() else destination}")

    def print_chart(self, printer: QPrinter) -> bool:
        """Draw the patient's name and every chart, as vectors, on one page of `printer`."""
        trend = self.trend
        if trend is None or not self.chart_views:
            return False
        printer.setPageOrientation(QPageLayout.Orientation.Portrait)
        painter = QPainter()
        if not painter.begin(printer):
            log.warning("the printer %r could not be opened", printer.printerName())
            self.status.show_error("The printer could not be opened. Check it is on and chosen, then print again.")
            return False
        try:
            page = QRectF(printer.pageLayout().paintRectPixels(printer.resolution()))
            margin = PRINT_MARGIN_MM / 25.4 * printer.resolution()
            area = page.adjusted(margin, margin, -margin, -margin)
            heading = QFont()
            heading.setPointSize(14)
            heading.setBold(True)
            painter.setFont(heading)
            line = painter.fontMetrics().height() * 1.6
            header = QRectF(area.left(), area.top(), area.width(), line)
            painter.drawText(header, Qt.AlignmentFlag.AlignLeft, f"{trend.patient_name}, born {us_date(trend.dob)}")
            top = area.top() + line * 1.4
            height = (area.bottom() - top) / len(self.chart_views)
            for number, view in enumerate(self.chart_views):
                source = QRectF(view.viewport().rect())
                scale = min(area.width() / source.width(), height / source.height())
                target = QRectF(area.left(), top + number * height, source.width() * scale, source.height() * scale)
                view.render(painter, target, view.viewport().rect())
        finally:
            painter.end()
        return True
