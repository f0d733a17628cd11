"""The shared look of every kamdesk PDF: A4 page template, repeated header, "第 x 页 / 共 y 页"
footer, paragraph styles and table styles.

Other PDF writers (reports) reuse it::

    from kamdesk.printing.layout import PageHeader, build_pdf, data_table, sheet_styles
    styles = sheet_styles()
    pdf = build_pdf([Paragraph("周报", styles.title), ...], header=PageHeader("李明 · 周报", "2026-11-23"),
                    title="周报")

Page numbers count per *section*: a day pack restarts numbering for each account with
:class:`SetHeader` (``new_section=True``), so every account's sheet reads "第 1 页 / 共 3 页"
on its own. Numbers need the page total, so the canvas keeps each page's state and draws the
footers when the document is saved (the usual two-step ReportLab recipe, no second layout pass).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    ActionFlowable,
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

from kamdesk.i18n import _
from kamdesk.printing.fonts import FONT, register_fonts

PAGE_SIZE = A4
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
MARGIN_LEFT = MARGIN_RIGHT = MARGIN
MARGIN_TOP = 22 * mm  # room for the repeated header
MARGIN_BOTTOM = 18 * mm  # room for the footer
CONTENT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
ACCENT = colors.HexColor("#0b5cad")
RULE = colors.HexColor("#9aa5b1")
SHADE = colors.HexColor("#e8eef5")
ZEBRA = colors.HexColor("#f5f7fa")
WARN = colors.HexColor("#b42318")


@dataclass(frozen=True)
class PageHeader:
    """What every page repeats at the top: ``title`` on the left, ``subtitle`` on the right."""

    title: str
    subtitle: str = ""


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    muted: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    cell_head_right: ParagraphStyle
    label: ParagraphStyle
    warning: ParagraphStyle
    centered: ParagraphStyle


_styles: Styles | None = None


def sheet_styles() -> Styles:
    """The paragraph styles of kamdesk PDFs (CJK line breaking, the embedded font)."""
    global _styles
    if _styles is None:
        font = register_fonts()
        base = ParagraphStyle(
            "kamdesk-body", fontName=font, fontSize=9.5, leading=13.5, textColor=INK, wordWrap="CJK"
        )

        def derive(name: str, **changes: Any) -> ParagraphStyle:
            return ParagraphStyle(f"kamdesk-{name}", parent=base, **changes)

        _styles = Styles(
            title=derive("title", fontSize=17, leading=22, spaceAfter=2 * mm, textColor=ACCENT),
            heading=derive(
                "heading", fontSize=12, leading=16, spaceBefore=4 * mm, spaceAfter=1.5 * mm, textColor=ACCENT
            ),
            subheading=derive(
                "subheading", fontSize=10.5, leading=14, spaceBefore=2.5 * mm, spaceAfter=1 * mm
            ),
            body=base,
            small=derive("small", fontSize=8, leading=10.5),
            muted=derive("muted", fontSize=8, leading=10.5, textColor=MUTED),
            cell=derive("cell", fontSize=8.5, leading=11),
            cell_right=derive("cell-right", fontSize=8.5, leading=11, alignment=TA_RIGHT),
            cell_head=derive("cell-head", fontSize=8.5, leading=11, textColor=INK),
            cell_head_right=derive("cell-head-right", fontSize=8.5, leading=11, alignment=TA_RIGHT),
            label=derive("label", fontSize=9.5, leading=13.5),
            warning=derive("warning", fontSize=9, leading=12.5, textColor=WARN),
            centered=derive("centered", alignment=TA_CENTER),
        )
    return _styles


_PARSED_LIMIT = 4096
_parsed: dict[tuple[str, int], tuple[str, ParagraphStyle, list[Any], Any]] = {}


class SheetParagraph(Paragraph):
    """A Paragraph that parses its markup once per (text, style) and wraps once per width.

    A day pack repeats the same headings, table heads and form labels for every visit, and a
    table wraps each cell twice (to measure, then again to draw): both are pure functions of
    the text, style and width, so the results are reused. Parsed fragments are shared, never
    changed: line breaking copies them.
    """

    def __init__(
        self,
        text: str | None,
        style: ParagraphStyle,
        bulletText: Any = None,
        frags: Any = None,
        **kwargs: Any,
    ) -> None:  # ReportLab's names: ``split`` calls ``self.__class__`` with them
        self._wrapped_for: float | None = None
        if text is None or frags is not None or bulletText is not None or kwargs:
            super().__init__(text, style, bulletText=bulletText, frags=frags, **kwargs)
            return
        key = (text, id(style))
        parsed = _parsed.get(key)
        if parsed is None:
            cleaned = cleanBlockQuotedText(text)
            parser = ParaParser()
            parser.caseSensitive = 1
            used_style, frags, bullet_frags = parser.parse(cleaned, style)
            if frags is None:
                raise ValueError(f"paragraph markup error ({parser.errors[0]}) in {text[:30]!r}")
            textTransformFrags(frags, used_style)
            if len(_parsed) >= _PARSED_LIMIT:
                _parsed.clear()
            # ``style`` is kept in the entry so its id cannot be reused while the entry lives.
            parsed = _parsed[key] = (cleaned, used_style, frags, (bullet_frags, style))
        cleaned, used_style, frags, (bullet_frags, asked_style) = parsed
        self.caseSensitive = 1
        self.encoding = "utf8"
        self.text = cleaned
        self.frags = frags
        self.style = used_style
        self.bulletText = bullet_frags or getattr(asked_style, "bulletText", None)
        self.debug = 0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._wrapped_for == availWidth and getattr(self, "blPara", None) is not None:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._wrapped_for = availWidth
        return size


def cell_style(commands: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    """A TableStyle whose plain-string cells use the embedded font (ReportLab's default cell font
    is Helvetica, which would be referenced, unembedded, even by empty cells)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def fact_table(rows: list[list[Any]], *, paired: range, wide: Sequence[int] = ()) -> Table:
    """Key/value facts at the head of a sheet: label, value, label, value per row, on shaded
    label cells; the rows in ``paired`` have a second label, each row in ``wide`` one value
    across the three right cells."""
    table = Table(rows, colWidths=[24 * mm, 65 * mm, 24 * mm, CONTENT_WIDTH - 113 * mm])
    style = cell_style(
        [
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("BOX", (0, 0), (-1, -1), 0.5, RULE),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
            ("BACKGROUND", (0, 0), (0, -1), SHADE),
            ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ("TEXTCOLOR", (0, 0), (0, -1), MUTED),
            ("TEXTCOLOR", (2, 0), (2, -1), MUTED),
            ("BACKGROUND", (2, paired.start), (2, paired.stop - 1), SHADE),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
    )
    for row in wide:
        style.add("SPAN", (1, row), (3, row))
    table.setStyle(style)
    return table


def table_style(*, header_rows: int = 1, zebra: bool = True) -> TableStyle:
    """Thin grid, shaded header rows, optional zebra striping."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("BOX", (0, 0), (-1, -1), 0.5, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
        commands.append(("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, RULE))
    if zebra:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA]))
    return TableStyle(commands)


def data_table(
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    *,
    header_rows: int = 1,
    zebra: bool = True,
    extra_style: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table that splits across pages and repeats its header rows on each page."""
    table = Table(list(rows), colWidths=list(col_widths), repeatRows=header_rows, hAlign="LEFT")
    style = table_style(header_rows=header_rows, zebra=zebra)
    for command in extra_style:
        style.add(*command)
    table.setStyle(style)
    return table


class SetHeader(ActionFlowable):
    """Change the header of the pages that follow; ``new_section`` restarts page numbering.

    Place it before the :class:`~reportlab.platypus.PageBreak` that starts the new part.
    """

    def __init__(self, header: PageHeader, *, new_section: bool = False) -> None:
        super().__init__()
        self.header = header
        self.new_section = new_section

    def apply(self, doc: Any) -> None:
        doc.page_header = self.header
        if self.new_section:
            doc.section += 1


class SheetDocTemplate(BaseDocTemplate):
    """A4, one frame, the header drawn on every page and the section recorded for numbering."""

    def __init__(self, target: Any, *, header: PageHeader, title: str, footer_note: str = "") -> None:
        super().__init__(
            target,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            author="kamdesk",
            creator="kamdesk",
            subject=title,
            initialFontName=FONT,
            initialFontSize=9.5,
        )
        self.page_header = header
        self.footer_note = footer_note
        self.section = 0
        frame = Frame(
            MARGIN_LEFT,
            MARGIN_BOTTOM,
            CONTENT_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate(id="sheet", frames=[frame], onPage=self._on_page)])

    def _on_page(self, canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - 12 * mm
        canvas.setFillColor(INK)
        canvas.setFont(FONT, 10.5)
        canvas.drawString(MARGIN_LEFT, top, _clip(self.page_header.title, FONT, 10.5, CONTENT_WIDTH * 0.62))
        canvas.setFillColor(MUTED)
        canvas.setFont(FONT, 8.5)
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_RIGHT, top, _clip(self.page_header.subtitle, FONT, 8.5, CONTENT_WIDTH * 0.36)
        )
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN_LEFT, top - 2.5 * mm, PAGE_WIDTH - MARGIN_RIGHT, top - 2.5 * mm)
        canvas.restoreState()
        canvas.kamdesk_section = self.section  # type: ignore[attr-defined]
        canvas.kamdesk_footer_note = self.footer_note  # type: ignore[attr-defined]


def _clip(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with "…" so it fits ``width`` points (headers are one line)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


class NumberedCanvas(Canvas):
    """Keeps every page's state and draws "第 x 页 / 共 y 页" once the totals are known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The default initial font is Helvetica, which would be referenced (unembedded) on every page.
        if not kwargs.get("initialFontName"):
            kwargs["initialFontName"] = FONT
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals = Counter(page.get("kamdesk_section", 0) for page in self._pages)
        seen: Counter[int] = Counter()
        for page in self._pages:
            self.__dict__.update(page)
            section = page.get("kamdesk_section", 0)
            seen[section] += 1
            self._draw_footer(seen[section], totals[section], page.get("kamdesk_footer_note", ""))
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int, note: str) -> None:
        self.saveState()
        y = 10 * mm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.4)
        self.line(MARGIN_LEFT, y + 4 * mm, PAGE_WIDTH - MARGIN_RIGHT, y + 4 * mm)
        self.setFont(FONT, 8)
        self.setFillColor(MUTED)
        if note:
            self.drawString(MARGIN_LEFT, y, _clip(note, FONT, 8, CONTENT_WIDTH * 0.7))
        self.setFillColor(INK)
        self.drawRightString(
            PAGE_WIDTH - MARGIN_RIGHT, y, _("Page {page} of {pages}").format(page=number, pages=total)
        )
        self.restoreState()


def build_pdf(
    flowables: Sequence[Flowable], *, header: PageHeader, title: str, footer_note: str = ""
) -> bytes:
    """Lay ``flowables`` out on A4 pages with the kamdesk header and footer; the PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SheetDocTemplate(buffer, header=header, title=title, footer_note=footer_note)
    doc.build(list(flowables), canvasmaker=NumberedCanvas)
    return buffer.getvalue()
