"""The report PDF's own look: its paragraph styles, colours and running head.

The page itself (A4, margins, ink and shading) and the embedded CJK font are the shared ones of
``kamdesk.printing.layout`` and ``kamdesk.printing.fonts``; what stays here is what the report
draws differently from the visit sheets (a blue accent, "第 x 页" without the total).
"""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.doctemplate import BaseDocTemplate

from kamdesk.i18n import _
from kamdesk.printing.fonts import register_fonts
from kamdesk.printing.layout import INK, MARGIN, PAGE_HEIGHT, PAGE_WIDTH

ACCENT = colors.HexColor("#1F5FA8")
RULE = colors.HexColor("#B8C4D0")
WARNING = colors.HexColor("#B03A2E")


@cache
def report_styles() -> dict[str, ParagraphStyle]:
    font = register_fonts()
    base = ParagraphStyle(
        "report-body",
        fontName=font,
        fontSize=9.5,
        leading=14,
        textColor=INK,
        alignment=TA_LEFT,
        wordWrap="CJK",
    )
    return {
        "body": base,
        "small": ParagraphStyle("report-small", parent=base, fontSize=8, leading=11),
        "cell": ParagraphStyle("report-cell", parent=base, fontSize=8.5, leading=11.5),
        "title": ParagraphStyle("report-title", parent=base, fontSize=17, leading=24, textColor=ACCENT),
        "subtitle": ParagraphStyle("report-subtitle", parent=base, fontSize=10, leading=15),
        "section": ParagraphStyle(
            "report-section",
            parent=base,
            fontSize=12.5,
            leading=18,
            textColor=ACCENT,
            spaceBefore=9,
            spaceAfter=4,
        ),
        "label": ParagraphStyle("report-label", parent=base, fontSize=9, leading=13, textColor=ACCENT),
        "warning": ParagraphStyle("report-warning", parent=base, fontSize=9, leading=13, textColor=WARNING),
    }


def decorate_page(canvas: Canvas, document: BaseDocTemplate, *, heading: str, status: str) -> None:
    """Running head (report and status) and page number on every page."""
    font = register_fonts()
    width, height = PAGE_WIDTH, PAGE_HEIGHT
    canvas.saveState()
    canvas.setFont(font, 8)
    canvas.setFillColor(INK)
    canvas.drawString(MARGIN, height - 10 * mm, heading)
    canvas.drawRightString(width - MARGIN, height - 10 * mm, status)
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
    canvas.line(MARGIN, 11.5 * mm, width - MARGIN, 11.5 * mm)
    canvas.drawCentredString(width / 2, 7.5 * mm, _("Page {page}").format(page=document.page))
    canvas.restoreState()
