"""A weekly/monthly report as an A4 PDF: the nine sections with their figures, what the manager
wrote, the key records (capped; the XLSX has them all), the two charts, the plan review and next
period's plan. Chinese text uses the embedded CJK font."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from kamdesk.domain.reports.display import (
    format_change,
    format_number,
    format_value,
    period_title,
    revenue_basis,
    team_note,
)
from kamdesk.domain.reports.figures import Figure, Section, section_title
from kamdesk.domain.reports.rules import requirements
from kamdesk.domain.reports.service import ReportDocument
from kamdesk.domain.vocabulary import format_yuan
from kamdesk.i18n import _
from kamdesk.printing.fonts import register_fonts
from kamdesk.printing.layout import CONTENT_WIDTH, INK, MARGIN, PAGE_SIZE, SHADE
from kamdesk.printing.report_charts import activity_chart, revenue_trend_chart
from kamdesk.printing.report_page import RULE, decorate_page, report_styles

RECORD_LIMIT = 12
"""Records listed under a figure in the PDF; the XLSX detail sheet carries every one."""
LISTED = (
    "accounts.added",
    "accounts.lost",
    "revenue.movers",
    "value_added.new",
    "complaints.open",
    "needs.common",
    "competitors.notes",
)


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), report_styles()[style])


def _table(rows: list[list[object]], widths: list[float], *, header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def _figures_table(figures: list[Figure]) -> Table:
    rows: list[list[object]] = [
        [_("Figure"), _("This period"), _("Previous period"), _("Change"), _("Last year")]
    ]
    for figure in figures:
        rows.append(
            [
                _p(figure.label, "cell"),
                format_value(figure),
                format_number(figure.previous, figure.unit) if figure.previous is not None else "",
                format_change(figure, figure.previous) if figure.previous is not None else "",
                format_number(figure.last_year, figure.unit) if figure.last_year is not None else "",
            ]
        )
    table = _table(rows, [70 * mm, 30 * mm, 30 * mm, 18 * mm, 30 * mm])
    table.setStyle(TableStyle([("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
    return table


def _records_table(figure: Figure) -> list[Flowable]:
    records = figure.records[:RECORD_LIMIT]
    rows: list[list[object]] = [[_("Date"), _("Account"), _("Description"), _("Amount")]]
    for record in records:
        rows.append(
            [
                record.day.isoformat() if record.day else "",
                _p(record.account_name, "cell"),
                _p(record.text, "cell"),
                format_yuan(record.amount_fen) if record.amount_fen is not None else "",
            ]
        )
    flowables: list[Flowable] = [
        _p(figure.label, "label"),
        _table(rows, [20 * mm, 52 * mm, 80 * mm, 26 * mm]),
    ]
    hidden = len(figure.records) - len(records)
    if hidden > 0:
        flowables.append(_p(_("… and {count} more in the XLSX export.").format(count=hidden), "small"))
    return flowables


def _narrative(document: ReportDocument, section: Section) -> list[Flowable]:
    text = document.content.text(section)
    flowables: list[Flowable] = []
    for label, value in ((_("Reasons"), text.reasons), (_("Measures"), text.measures)):
        if value.strip():
            flowables += [_p(label, "label"), _p(value)]
    return flowables


def _section(
    document: ReportDocument, section: Section, warnings: dict[Section, list[str]]
) -> list[Flowable]:
    figures = document.figures
    story: list[Flowable] = [CondPageBreak(40 * mm), _p(section_title(section), "section")]
    in_section = figures.in_section(section)
    if section is Section.REVENUE:
        story.append(_p(revenue_basis(figures), "small"))
    if in_section:
        story.append(_figures_table(in_section))
    if section is Section.ACTIVITY:
        story.append(_p(team_note(figures), "small"))
    for message in warnings.get(section, []):
        story.append(_p("！" + message, "warning"))
    for figure in in_section:
        if figure.key in LISTED and figure.records:
            story.append(Spacer(1, 2 * mm))
            story.append(KeepTogether(_records_table(figure)))
    if section is Section.REVENUE:
        story += [Spacer(1, 3 * mm), revenue_trend_chart(figures, CONTENT_WIDTH)]
    if section is Section.ACTIVITY:
        story += [Spacer(1, 3 * mm), activity_chart(figures, CONTENT_WIDTH)]
        if figures.weeks:
            story.append(_weeks_table(document))
    written = _narrative(document, section)
    story += written or [_p(_("Nothing written."), "small")]
    return story


def _weeks_table(document: ReportDocument) -> Table:
    rows: list[list[object]] = [
        [_("Week"), _("Days"), _("On-site visits"), _("Phone visits"), _("SMS sent"), _("Weekly report")]
    ]
    status = {"draft": _("Draft"), "submitted": _("Submitted")}
    for week in document.figures.weeks:
        rows.append(
            [
                week.label,
                f"{week.start:%m-%d} – {week.end:%m-%d}",
                week.onsite,
                week.phone,
                week.sms,
                status.get(week.report_status or "", _("No report")),
            ]
        )
    return _table(rows, [24 * mm, 30 * mm, 26 * mm, 26 * mm, 24 * mm, 28 * mm])


def _plan(document: ReportDocument) -> list[Flowable]:
    content = document.content
    story: list[Flowable] = [CondPageBreak(40 * mm)]
    if content.review:
        title = _("Last period's plan")
        if document.review_from:
            title = _("Last period's plan ({label})").format(label=document.review_from)
        story.append(_p(title, "section"))
        rows: list[list[object]] = [[_("Plan item"), _("Account"), _("Done"), _("Reason")]]
        for review in content.review:
            done = _("Not marked") if review.done is None else _("Done") if review.done else _("Not done")
            rows.append(
                [_p(review.item.text, "cell"), _p(review.item.account_name or "", "cell"), done,
                 _p(review.reason, "cell")]
            )  # fmt: skip
        story.append(_table(rows, [62 * mm, 46 * mm, 18 * mm, 52 * mm]))
    story.append(_p(_("Plan for next period"), "section"))
    if content.plan:
        rows = [[_("Plan item"), _("Account")]]
        rows += [[_p(item.text, "cell"), _p(item.account_name or "", "cell")] for item in content.plan]
        story.append(_table(rows, [110 * mm, 68 * mm]))
    else:
        story.append(_p(_("No plan items."), "small"))
    return story


def _warnings(document: ReportDocument) -> dict[Section, list[str]]:
    found: dict[Section, list[str]] = {}
    if document.submitted:
        return found
    for requirement in requirements(document.figures, document.content):
        if not requirement.satisfied and requirement.section is not None:
            found.setdefault(requirement.section, []).append(requirement.message)
    return found


def _status(document: ReportDocument) -> str:
    if document.submitted and document.submitted_at:
        return _("Submitted {moment}").format(moment=document.submitted_at.strftime("%Y-%m-%d %H:%M UTC"))
    return _("Draft — not submitted")


def build_story(document: ReportDocument) -> Iterable[Flowable]:
    warnings = _warnings(document)
    story: list[Flowable] = [
        _p(period_title(document.period), "title"),
        _p(
            _("Manager: {name} · {status} · figures as of {moment}").format(
                name=document.author_name or "—",
                status=_status(document),
                moment=document.figures.computed_at.strftime("%Y-%m-%d %H:%M UTC"),
            ),
            "subtitle",
        ),
        Spacer(1, 3 * mm),
    ]
    for section in Section:
        story += _section(document, section, warnings)
    story += _plan(document)
    return story


def write_report_pdf(document: ReportDocument, path: Path) -> Path:
    """Write ``document`` to ``path`` as an A4 PDF and return it."""
    register_fonts()
    path.parent.mkdir(parents=True, exist_ok=True)
    heading = period_title(document.period) + (f" · {document.author_name}" if document.author_name else "")
    template = BaseDocTemplate(
        str(path),
        pagesize=PAGE_SIZE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN + 2 * mm,
        bottomMargin=MARGIN,
        title=period_title(document.period),
        author=document.author_name or "kamdesk",
        creator="kamdesk",
        initialFontName=register_fonts(),  # else every page references unembedded Helvetica
        initialFontSize=9.5,
    )
    frame = Frame(template.leftMargin, template.bottomMargin, template.width, template.height, id="body")
    template.addPageTemplates(
        [
            PageTemplate(
                "report", [frame], onPage=partial(_decorate, heading=heading, status=_status(document))
            )
        ]
    )
    template.build(list(build_story(document)))
    return path


def _decorate(canvas: Canvas, document: BaseDocTemplate, *, heading: str, status: str) -> None:
    decorate_page(canvas, document, heading=heading, status=status)
