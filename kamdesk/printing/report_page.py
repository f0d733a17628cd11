"""Font, paragraph styles and page decoration of the report PDF.

Kept apart from the visit-sheet layout on purpose while both are built in parallel; the two are
meant to be unified into one shared layout module. The CJK font is the bundled WenQuanYi Micro
Hei registered as a TrueType font (``subfontIndex=0``), so ReportLab embeds a subset of it and
the PDF prints and extracts the same everywhere.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.doctemplate import BaseDocTemplate

from kamdesk.i18n import _
from kamdesk.paths import cjk_font_file

REPORT_FONT = "KamdeskReportCJK"
PAGE_SIZE = A4
MARGIN = 16 * mm
INK = colors.HexColor("#1F2933")
ACCENT = colors.HexColor("#1F5FA8")
RULE = colors.HexColor("#B8C4D0")
SHADE = colors.HexColor("#E8EEF5")
WARNING = colors.HexColor("#B03A2E")


@cache
def register_report_font() -> str:
    """Register the embedded CJK font once per process; returns its ReportLab name."""
    if REPORT_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REPORT_FONT, str(cjk_font_file()), subfontIndex=0))
        pdfmetrics.registerFontFamily(
            REPORT_FONT, normal=REPORT_FONT, bold=REPORT_FONT, italic=REPORT_FONT, boldItalic=REPORT_FONT
        )
    return REPORT_FONT


@cache
def report_styles() -> dict[str, ParagraphStyle]:
    font = register_report_font()
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
    font = register_report_font()
    width, height = PAGE_SIZE
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
