"""One questionnaire's totals across a treatment series, drawn with QtCharts.

The form's bands are shaded behind the line (green for the lowest, red for the highest, whatever bands
the form file defines) and named on the right-hand axis; a dashed line marks half the first total, the
response threshold; sessions that reach response or remission carry their own markers, and the legend
shows each marker in its own shape. Sessions are evenly spaced along the bottom, each labelled with its
number and date ("3 · 12/02"), about ten labels for a long series. The charts of one patient share their
session axis: AlignedCharts keeps their plot areas at the same left and right edges, so session 7 of
PHQ-9 sits exactly above session 7 of GAD-7.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QAreaSeries,
    QCategoryAxis,
    QChart,
    QChartView,
    QLegend,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QWidget

from kiosk.services.trends import TrendSeries
from kiosk.ui.theme import CALM_COLORS

CHART_HEIGHT = 340
CHART_FONT_PT = 10
CROWDED_SESSIONS = 20
"""Beyond this many sessions the markers shrink, so a long series stays a line, not a row of stars."""
BAND_COLORS = ("#dcefe0", "#edf4d4", "#fbf1c6", "#fbe0c4", "#f6d0cc")
"""Light fills from calm green (lowest band) to soft red (highest), light enough for the line to read."""
LINE_COLOR = QColor(CALM_COLORS.accent)
RESPONSE_COLOR = QColor("#1f5f2c")
REMISSION_COLOR = QColor("#c26a00")


def band_color(position: int, count: int) -> QColor:
    """The fill of band `position` of `count`: the lowest green, the highest red, the rest spread between."""
    if count <= 1:
        return QColor(BAND_COLORS[0])
    step = (len(BAND_COLORS) - 1) / (count - 1)
    return QColor(BAND_COLORS[round(position * step)])


def short_title(title: str) -> str:
    """'PHQ-9' from 'Patient Health Questionnaire (PHQ-9)'; other titles as they are."""
    if title.endswith(")") and "(" in title:
        return title[title.rindex("(") + 1 : -1]
    return title


def _font(point_size: int, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def _flat_line(y: float, left: float, right: float) -> QLineSeries:
    line = QLineSeries()
    line.append(QPointF(left, y))
    line.append(QPointF(right, y))
    return line


def session_tick_interval(sessions: int) -> int:
    """Label every session up to 12, then about ten labels along the axis."""
    if sessions <= 12:
        return 1
    return max(1, round(sessions / 10))


def session_labels(series: TrendSeries) -> list[tuple[int, str]]:
    """(position, "3 · 12/02") for the sessions that get a label along the bottom."""
    interval = session_tick_interval(len(series.points))
    return [
        (number, f"{number} · {point.day:%m/%d}")
        for number, point in enumerate(series.points, start=1)
        if (number - 1) % interval == 0
    ]


def build_trend_chart(series: TrendSeries) -> QChart:
    """The chart for one questionnaire: shaded bands, totals, response threshold and markers."""
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(0)
    chart.setMargins(QMargins(6, 6, 6, 6))
    chart.setTitleFont(_font(CHART_FONT_PT + 2, bold=True))
    chart.setTitle(f"{series.title}: totals by session")
    sessions = len(series.points)
    left, right = 0.5, max(sessions, 1) + 0.5
    bottom, top = series.minimum - 0.5, series.maximum + 0.5

    x_axis = QValueAxis()
    x_axis.setRange(left, right)
    x_axis.setVisible(False)
    # What a person reads along the bottom: session number and date, on the session's own position.
    sessions_axis = QCategoryAxis()
    sessions_axis.setTitleText("Session and date")
    sessions_axis.setRange(left, right)
    sessions_axis.setStartValue(left)
    sessions_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    sessions_axis.setGridLineVisible(False)
    for number, label in session_labels(series):
        sessions_axis.append(label, number)
    y_axis = QValueAxis()
    y_axis.setTitleText("Total")
    y_axis.setRange(bottom, top)
    y_axis.setLabelFormat("%d")
    y_axis.setTickType(QValueAxis.TickType.TicksDynamic)
    y_axis.setTickAnchor(0)
    y_axis.setTickInterval(5)
    y_axis.setGridLineColor(QColor("#d9d6cc"))
    bands_axis = QCategoryAxis()
    bands_axis.setRange(bottom, top)
    bands_axis.setStartValue(bottom)
    bands_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionCenter)
    bands_axis.setGridLineVisible(False)
    for axis in (sessions_axis, y_axis, bands_axis):
        axis.setLabelsFont(_font(CHART_FONT_PT))
        axis.setTitleFont(_font(CHART_FONT_PT))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(sessions_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(bands_axis, Qt.AlignmentFlag.AlignRight)

    ordered = sorted(series.bands, key=lambda band: band.minimum)
    for position, band in enumerate(ordered):
        upper = _flat_line(band.maximum + 0.5, left, right)
        lower = _flat_line(band.minimum - 0.5, left, right)
        area = QAreaSeries(upper, lower)
        # The area only points at its two lines; parenting them keeps them alive exactly as long as it is.
        upper.setParent(area)
        lower.setParent(area)
        area.setName(band.label)
        area.setBrush(QBrush(band_color(position, len(ordered))))
        area.setPen(QPen(Qt.PenStyle.NoPen))
        _add(chart, area, x_axis, y_axis)
        bands_axis.append(band.label, band.maximum + 0.5)

    if series.baseline:
        threshold = _flat_line(series.baseline / 2, left, right)
        threshold.setName(f"Response line: half the first total ({series.baseline / 2:g})")
        pen = QPen(RESPONSE_COLOR, 1.5, Qt.PenStyle.DashLine)
        threshold.setPen(pen)
        _add(chart, threshold, x_axis, y_axis)

    totals = QLineSeries()
    totals.setName(f"{short_title(series.title)} total")
    pen = QPen(LINE_COLOR, 3)
    totals.setPen(pen)
    totals.setPointsVisible(True)
    response = QScatterSeries()
    response.setName("Response")
    response.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeTriangle)
    crowded = sessions > CROWDED_SESSIONS
    response.setMarkerSize(10 if crowded else 16)
    response.setColor(RESPONSE_COLOR)
    response.setBorderColor(QColor("white"))
    remission = QScatterSeries()
    remission.setName("Remission")
    remission.setMarkerShape(QScatterSeries.MarkerShape.MarkerShapeStar)
    remission.setMarkerSize(12 if crowded else 20)
    remission.setColor(REMISSION_COLOR)
    remission.setBorderColor(QColor("white"))
    for number, point in enumerate(series.points, start=1):
        if point.total is None:
            continue
        totals.append(QPointF(number, point.total))
        if point.response:
            response.append(QPointF(number, point.total))
        if point.remission:
            remission.append(QPointF(number, point.total))
    _add(chart, totals, x_axis, y_axis)
    for markers in (response, remission):
        if markers.count():
            _add(chart, markers, x_axis, y_axis)

    legend = chart.legend()
    legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
    legend.setFont(_font(CHART_FONT_PT))
    # Each entry drawn like its series: a triangle for response, a star for remission, a line for lines.
    legend.setMarkerShape(QLegend.MarkerShape.MarkerShapeFromSeries)
    for marker in legend.markers():
        if isinstance(marker.series(), QAreaSeries):
            marker.setVisible(False)
    return chart


def _add(chart: QChart, series: QLineSeries | QAreaSeries | QScatterSeries, x: QValueAxis, y: QValueAxis) -> None:
    chart.addSeries(series)
    series.attachAxis(x)
    series.attachAxis(y)


class TrendChartView(QChartView):
    """A chart view named for screen readers by what it shows; the table beside it has the numbers."""

    def __init__(self, series: TrendSeries, parent: QWidget | None = None) -> None:
        super().__init__(build_trend_chart(series), parent)
        self.series = series
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(CHART_HEIGHT)
        name = f"{series.title} chart"
        self.setAccessibleName(name)
        totals = ", ".join("–" if point.total is None else str(point.total) for point in series.points)
        self.setAccessibleDescription(f"{series.title} totals by session: {totals}.")


class AlignedCharts(QObject):
    """Keeps the plot areas of several charts (views of the same width, one above the other) at the same
    left and right edges, whatever their axis labels need, so their session axes line up exactly."""

    def __init__(self, views: list[TrendChartView], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.views = views
        self._pending = False
        for view in views:
            view.installEventFilter(self)
        self.align_later()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self.align_later()
        return False

    def align_later(self) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.align)

    def align(self) -> None:
        """Give each chart the extra margin that brings its plot area to the common edges."""
        self._pending = False
        if len(self.views) < 2:
            return
        for view in self.views:
            view.chart().setMargins(QMargins(6, 6, 6, 6))
        areas = [view.chart().plotArea() for view in self.views]
        left = max(area.left() for area in areas)
        right = min(area.right() for area in areas)
        for view, area in zip(self.views, areas, strict=True):
            view.chart().setMargins(QMargins(6 + round(left - area.left()), 6, 6 + round(area.right() - right), 6))

    def edges(self) -> list[tuple[float, float]]:
        """(left, right) of each chart's plot area, in the view's coordinates."""
        return [(view.chart().plotArea().left(), view.chart().plotArea().right()) for view in self.views]
