"""The visit record: a submitted visit printed with its answers, for filing."""

from __future__ import annotations

from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from kamdesk.i18n import _
from kamdesk.printing.data import VisitRecordData
from kamdesk.printing.form_sheet import answered_form, p, section_bar, signature_block
from kamdesk.printing.layout import (
    CONTENT_WIDTH,
    PageHeader,
    build_pdf,
    cell_style,
    fact_table,
    sheet_styles,
)

MOMENT = "%Y-%m-%d %H:%M"


SHORT_VALUE = 18  # characters that always fit a 65 mm profile cell on one line


def _m(moment: datetime | None) -> str:
    return moment.strftime(MOMENT) if moment else "—"


def _banners(data: VisitRecordData) -> list[Flowable]:
    styles = sheet_styles()
    banners: list[str] = []
    if not data.submitted:
        banners.append(
            _("Not submitted ({status}): this is not a filed record.").format(status=data.status_label)
        )
    if data.amends is not None:
        banners.append(
            _("This record corrects the one submitted {moment}; corrected answers are shaded.").format(
                moment=_m(data.amends.submitted_at)
            )
        )
    for moment in data.amended_at:
        banners.append(
            _("This record was corrected on {moment}; the correction is the valid record.").format(
                moment=_m(moment)
            )
        )
    if not banners:
        return []
    table = Table([[Paragraph(escape(text), styles.warning)] for text in banners], colWidths=[CONTENT_WIDTH])
    table.setStyle(
        cell_style(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, styles.warning.textColor),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return [table, Spacer(1, 3 * mm)]


def _facts(data: VisitRecordData) -> Table:
    styles = sheet_styles()

    def k(text: str) -> str:
        return text

    def v(text: str | None) -> Paragraph | str:
        # Short values stay plain strings (no paragraph parse); long ones wrap.
        return Paragraph(escape(text), styles.cell) if text and len(text) > SHORT_VALUE else (text or "—")

    duration = _("{minutes} min").format(minutes=data.duration_minutes) if data.duration_minutes else None
    rows = [
        [k(_("Account")), v(f"{data.account.name}（{data.account.code}）"), "", ""],
        [k(_("Kind")), v(data.kind_label), k(_("Manager")), v(data.manager)],
        [k(_("Visited at")), v(_m(data.occurred_at)), k(_("Duration")), v(duration)],
        [
            k(_("Met")),
            v(_(", ").join(data.contacts_met)),
            k(_("Satisfaction")),
            v(f"{data.satisfaction}/5" if data.satisfaction else None),
        ],
        [k(_("Entered at")), v(_m(data.entered_at)), k(_("Submitted at")), v(_m(data.submitted_at))],
    ]
    if data.late_reason:
        rows.append([k(_("Reason for late entry")), v(data.late_reason), "", ""])
    return fact_table(rows, paired=range(1, 5), wide=[0, 5] if data.late_reason else [0])


def visit_record_story(data: VisitRecordData) -> list[Flowable]:
    styles = sheet_styles()
    template = data.template
    story: list[Flowable] = [
        Paragraph(escape(_("Visit record")), styles.muted),
        Paragraph(escape(template.name if template and template.name else data.kind_label), styles.title),
        *_banners(data),
        _facts(data),
        Spacer(1, 3 * mm),
    ]
    if template is not None:
        story.extend(
            answered_form(
                template,
                data.answers,
                contact_names=data.contact_names,
                product_names=data.product_names,
                original=data.amends.answers if data.amends else None,
            )
        )
    elif data.answers:
        story.append(section_bar(_("Answers")))
        story.extend(p(f"{key}：{value}") for key, value in data.answers.items())
    if data.summary:
        story.append(section_bar(_("Summary")))
        story.append(Spacer(1, 1 * mm))
        story.append(p(data.summary))
        if data.amends is not None and (data.amends.summary or "") != data.summary:
            story.append(
                p(
                    _("Corrected — previously: {answer}").format(
                        answer=data.amends.summary or _("(not answered)")
                    ),
                    "warning",
                )
            )
    story.append(signature_block())
    return story


def build_visit_record(data: VisitRecordData) -> bytes:
    """The record of one visit as PDF bytes."""
    return build_pdf(
        visit_record_story(data),
        header=PageHeader(
            f"{data.account.name}（{data.account.code}）",
            _("Visit record · {moment}").format(moment=_m(data.occurred_at or data.planned_at)),
        ),
        title=_("Visit record: {name}").format(name=data.account.name),
        footer_note=_("kamdesk · for internal use · contains customer data"),
    )
