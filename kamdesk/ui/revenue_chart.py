"""A 13-month revenue bar chart (QtCharts) with arrears as a line, amounts in 10,000 yuan."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from kamdesk.domain.account_detail import RevenuePoint
from kamdesk.i18n import _


class RevenueChart(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(260)
        self.points: list[RevenuePoint] = []

    def show_series(self, points: list[RevenuePoint]) -> None:
        self.points = points
        chart = QChart()
        chart.setTitle(_("Monthly revenue, last 13 months (10,000 yuan)"))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(4, 4, 4, 4))
        bars = QBarSet(_("Revenue"))
        bars.setColor(QColor("#1f6fb2"))
        arrears = QLineSeries()
        arrears.setName(_("Arrears"))
        arrears.setColor(QColor("#c62828"))
        top = 0.0
        for index, point in enumerate(points):
            value = (point.amount_fen or 0) / 1_000_000
            bars.append(value)
            arrears.append(index, point.arrears_fen / 1_000_000)
            top = max(top, value, point.arrears_fen / 1_000_000)
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        chart.addSeries(arrears)
        months = QBarCategoryAxis()
        months.append([p.month.strftime("%y-%m") for p in points])
        amounts = QValueAxis()
        amounts.setRange(0, top * 1.15 if top else 1)
        amounts.setLabelFormat("%.1f")
        amounts.applyNiceNumbers()
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(amounts, Qt.AlignmentFlag.AlignLeft)
        for s in (series, arrears):
            s.attachAxis(months)
            s.attachAxis(amounts)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()
