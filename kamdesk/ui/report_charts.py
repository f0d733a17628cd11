"""The report's two charts in the app (QtCharts): the revenue trend, and activity against the
cadence and the team average. The PDF draws the same charts with reportlab.graphics."""

from __future__ import annotations

import math

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from kamdesk.domain.reports.figures import ReportFigures, figure_label
from kamdesk.i18n import _

ACTUAL = QColor("#1F5FA8")
CADENCE = QColor("#8FB3DE")
TEAM = QColor("#E39B3A")


def _view(chart: QChart, parent: QWidget | None) -> QChartView:
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    view = QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(240)
    return view


def revenue_chart(figures: ReportFigures, parent: QWidget | None = None) -> QChartView:
    chart = QChart()
    chart.setTitle(_("Revenue trend (10,000 yuan)"))
    bars = QBarSet(_("Billed revenue"))
    bars.setColor(ACTUAL)
    for _month, fen in figures.revenue_trend:
        bars.append(fen / 1_000_000)
    series = QBarSeries()
    series.append(bars)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([f"{month:%y-%m}" for month, _fen in figures.revenue_trend])
    values = QValueAxis()
    values.setLabelFormat("%.0f")
    values.setRange(0, max([fen / 1_000_000 for _month, fen in figures.revenue_trend] + [1.0]))
    values.applyNiceNumbers()
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    chart.legend().setVisible(False)
    return _view(chart, parent)


def activity_chart(figures: ReportFigures, parent: QWidget | None = None) -> QChartView:
    chart = QChart()
    chart.setTitle(_("Activity against the cadence and the team average"))
    kinds = ("onsite", "phone", "sms")
    series = QBarSeries()
    actual = QBarSet(_("This period"))
    actual.setColor(ACTUAL)
    actual.append([float(figures.value(f"activity.{kind}") or 0) for kind in kinds])
    cadence = QBarSet(_("Due by the cadence"))
    cadence.setColor(CADENCE)
    cadence.append(
        [
            float(figures.value("activity.onsite_cadence") or 0),
            float(figures.value("activity.phone_cadence") or 0),
            0.0,
        ]
    )
    series.append(actual)
    series.append(cadence)
    highest = max([*actual_values(actual), *actual_values(cadence), 1.0])
    if figures.team is not None:
        team = QBarSet(_("Team average"))
        team.setColor(TEAM)
        team.append([figures.team.by_kind()[kind] for kind in kinds])
        series.append(team)
        highest = max(highest, *actual_values(team))
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([figure_label(f"activity.{kind}") for kind in kinds])
    values = QValueAxis()
    values.setLabelFormat("%.0f")
    if highest <= 8:  # small counts: one tick per whole visit
        top = math.ceil(highest) + 1
        values.setRange(0, top)
        values.setTickCount(top + 1)
    else:
        values.setRange(0, highest * 1.1)
        values.applyNiceNumbers()
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    return _view(chart, parent)


def actual_values(bars: QBarSet) -> list[float]:
    return [bars.at(index) for index in range(bars.count())]
