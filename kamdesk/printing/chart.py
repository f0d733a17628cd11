"""The small billing chart of the pre-visit sheet: six monthly bars in 万元 (ten-thousand yuan)."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.units import mm

from kamdesk.i18n import _
from kamdesk.printing.data import BillingMonth
from kamdesk.printing.fonts import FONT, register_fonts
from kamdesk.printing.layout import ACCENT, MUTED, RULE

WAN_FEN = 10_000 * 100


def billing_chart(billing: list[BillingMonth], width: float = 86 * mm, height: float = 50 * mm) -> Drawing:
    """Bars of the monthly bill; months without a bill stay empty rather than reading as zero."""
    register_fonts()
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # else the renderer selects Helvetica (unembedded) first
    drawing.initialFontSize = 7
    values = [(b.amount_fen or 0) / WAN_FEN for b in billing]
    chart = VerticalBarChart()
    chart.x, chart.y = 11 * mm, 8 * mm
    chart.width, chart.height = width - 14 * mm, height - 15 * mm
    chart.data = [values]
    chart.barWidth = 6
    chart.groupSpacing = 6
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.categoryAxis.categoryNames = [b.month.strftime("%y-%m") for b in billing]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.fillColor = MUTED
    chart.categoryAxis.strokeColor = RULE
    top = max(values, default=0) or 1
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top * 1.15
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.labelTextFormat = "%.0f" if top >= 10 else "%.1f"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.25
    chart.valueAxis.gridStrokeDashArray = (1, 2)
    drawing.add(chart)
    drawing.add(
        String(0, height - 4 * mm, _("Monthly bill (10k yuan)"), fontName=FONT, fontSize=7.5, fillColor=MUTED)
    )
    return drawing
