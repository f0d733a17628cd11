"""Report charts drawn with reportlab.graphics: the revenue trend and activity against the
cadence and the team average. The app draws the same two charts with QtCharts."""

from __future__ import annotations

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from kamdesk.domain.reports.figures import ReportFigures, figure_label
from kamdesk.i18n import _
from kamdesk.printing.fonts import register_fonts
from kamdesk.printing.layout import INK
from kamdesk.printing.report_page import ACCENT

ACTUAL = colors.HexColor("#1F5FA8")
CADENCE = colors.HexColor("#8FB3DE")
TEAM = colors.HexColor("#E39B3A")


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose default font is the embedded one (the renderer's default is Helvetica,
    which would otherwise be referenced, unembedded, by every chart)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = register_fonts()
    return drawing


def _title(drawing: Drawing, text: str, width: float, height: float) -> None:
    drawing.add(String(0, height - 12, text, fontName=register_fonts(), fontSize=10, fillColor=ACCENT))


def revenue_trend_chart(figures: ReportFigures, width: float = 480, height: float = 170) -> Drawing:
    """Monthly billed revenue (in 10,000 yuan) for the 13 months ending at the report's month."""
    font = register_fonts()
    drawing = _drawing(width, height)
    _title(drawing, _("Revenue trend (10,000 yuan)"), width, height)
    trend = figures.revenue_trend
    if not trend:
        drawing.add(
            String(0, height / 2, _("No billing figures are available yet."), fontName=font, fontSize=9)
        )
        return drawing
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 28, width - 50, height - 52
    chart.data = [[fen / 1_000_000 for _month, fen in trend]]
    chart.categoryAxis.categoryNames = [f"{month:%y-%m}" for month, _fen in trend]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 0
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = "%.0f"
    chart.bars[0].fillColor = ACTUAL
    chart.bars[0].strokeColor = None
    chart.barSpacing = 1
    chart.categoryAxis.strokeColor = INK
    chart.valueAxis.strokeColor = INK
    drawing.add(chart)
    return drawing


def activity_chart(figures: ReportFigures, width: float = 480, height: float = 170) -> Drawing:
    """This period's visits by kind beside what the cadence asks for and the team average."""
    font = register_fonts()
    drawing = _drawing(width, height)
    _title(drawing, _("Activity against the cadence and the team average"), width, height)
    kinds = ("onsite", "phone", "sms")
    actual = [figures.value(f"activity.{kind}") or 0 for kind in kinds]
    cadence = [
        figures.value("activity.onsite_cadence") or 0,
        figures.value("activity.phone_cadence") or 0,
        0,
    ]
    series = [actual, cadence]
    names = [_("This period"), _("Due by the cadence")]
    fills = [ACTUAL, CADENCE]
    if figures.team is not None:
        series.append([figures.team.by_kind()[kind] for kind in kinds])
        names.append(_("Team average"))
        fills.append(TEAM)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 28, width - 170, height - 52
    chart.data = series
    chart.categoryAxis.categoryNames = [figure_label(f"activity.{kind}") for kind in kinds]
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = font
        axis.labels.fontSize = 7.5
        axis.strokeColor = INK
    chart.valueAxis.valueMin = 0
    highest = max(max(values) for values in series)
    if highest <= 8:  # small counts: whole-number ticks, not 0, 0.5 … printed as 0, 1, 1
        chart.valueAxis.valueMax = max(1, int(highest) + 1)
        chart.valueAxis.valueStep = 1
    chart.valueAxis.labelTextFormat = "%.0f"
    chart.barSpacing = 2
    chart.groupSpacing = 10
    for index, fill in enumerate(fills):
        chart.bars[index].fillColor = fill
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 115, height - 40
    legend.fontName = font
    legend.fontSize = 8
    legend.alignment = "right"
    legend.colorNamePairs = list(zip(fills, names, strict=True))
    drawing.add(legend)
    if figures.team is None:
        drawing.add(
            String(width - 115, 30, _("No team figure available"), fontName=font, fontSize=7.5, fillColor=INK)
        )
    return drawing
