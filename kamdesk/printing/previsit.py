"""The pre-visit sheet: what a manager reads before going, then the blank form to take along."""

from __future__ import annotations

from datetime import date, timedelta
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer, Table

from kamdesk.domain.vocabulary import format_yuan
from kamdesk.i18n import _
from kamdesk.printing.chart import billing_chart
from kamdesk.printing.data import BillingMonth, ContactInfo, PrevisitData, ProductInfo
from kamdesk.printing.form_sheet import blank_form, p, signature_flowables
from kamdesk.printing.layout import (
    CONTENT_WIDTH,
    WARN,
    PageHeader,
    SheetParagraph,
    build_pdf,
    cell_style,
    data_table,
    fact_table,
    sheet_styles,
)

BIRTHDAY_SOON_DAYS = 30
HEADING_ROOM = 30 * mm  # a heading needs this much page left below it, or it starts a new page
CONTRACT_SOON_DAYS = 90
DATE = "%Y-%m-%d"


SHORT_VALUE = 18  # characters that always fit a 65 mm profile cell on one line


def _d(day: date | None) -> str:
    return day.strftime(DATE) if day else ""


def next_birthday(birthday: date, today: date) -> date:
    """The next occurrence on or after ``today`` (29 February falls on 28 February in other years)."""
    for year in (today.year, today.year + 1):
        try:
            candidate = birthday.replace(year=year)
        except ValueError:
            candidate = date(year, 2, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


def birthday_text(birthday: date | None, today: date) -> str:
    if birthday is None:
        return ""
    text = birthday.strftime("%m-%d")
    days = (next_birthday(birthday, today) - today).days
    if days == 0:
        return _("{date} (today)").format(date=text)
    if days <= BIRTHDAY_SOON_DAYS:
        return _("{date} (in {days} days)").format(date=text, days=days)
    return text


def contract_text(end: date | None, today: date) -> tuple[str, bool]:
    """The contract end date in words and whether it needs attention (ended or ending soon)."""
    if end is None:
        return "", False
    if end < today:
        return _("{date} (ended)").format(date=_d(end)), True
    if end <= today + timedelta(days=CONTRACT_SOON_DAYS):
        return _("{date} (ends in {days} days)").format(date=_d(end), days=(end - today).days), True
    return _d(end), False


def header_of(data: PrevisitData) -> PageHeader:
    return PageHeader(
        f"{data.account.name}（{data.account.code}）",
        _("Pre-visit sheet · printed {date}").format(date=_d(data.today)),
    )


def _profile(data: PrevisitData) -> Table:
    a = data.account
    styles = sheet_styles()

    def k(text: str) -> str:
        return text

    def v(text: str | None) -> SheetParagraph | str:
        # Short values stay plain strings (no paragraph parse); long ones wrap.
        return (
            SheetParagraph(escape(text), styles.cell) if text and len(text) > SHORT_VALUE else (text or "—")
        )

    industry = a.industry_label + (f" · {a.sub_industry}" if a.sub_industry else "")
    rows = [
        [k(_("Account code")), v(a.code), k(_("Tier")), v(a.tier_label)],
        [k(_("Industry")), v(industry), k(_("Scope")), v(a.scope_label)],
        [k(_("Primary manager")), v(a.primary_manager), k(_("Secondary manager")), v(a.secondary_manager)],
        [k(_("Customer since")), v(_d(a.customer_since)), k(_("Employees")), v(str(a.employee_count or ""))],
        [k(_("Address")), v(a.address), "", ""],
    ]
    if data.planned_at:
        rows.append(
            [
                k(_("Planned visit")),
                v(f"{data.planned_at.strftime('%Y-%m-%d %H:%M')} · {data.visit_kind_label}"),
                "",
                "",
            ]
        )
    if a.notes:
        rows.append([k(_("Notes")), v(a.notes), "", ""])
    return fact_table(rows, paired=range(0, 4), wide=range(4, len(rows)))


def _contacts(contacts: list[ContactInfo], today: date) -> Flowable:
    styles = sheet_styles()
    if not contacts:
        return p(_("No contacts recorded."), "muted")
    head = [
        _("Name"),
        _("Title / department"),
        _("Decision role"),
        _("Mobile"),
        _("Phone"),
        _("Birthday"),
        _("Notes"),
    ]
    rows: list[list[object]] = [[SheetParagraph(escape(h), styles.cell_head) for h in head]]
    soon_rows: list[int] = []
    for row, c in enumerate(contacts, start=1):
        birthday = birthday_text(c.birthday, today)
        soon = (
            c.birthday is not None and (next_birthday(c.birthday, today) - today).days <= BIRTHDAY_SOON_DAYS
        )
        if soon:
            soon_rows.append(row)
        # Short bounded values (role, phone numbers, dates) are plain strings: no paragraph parse.
        rows.append(
            [
                SheetParagraph(escape(c.name), styles.cell),
                SheetParagraph(escape(" · ".join(x for x in (c.title, c.department) if x)), styles.cell),
                c.role_label,
                c.mobile or "",
                c.phone or "",
                birthday,
                SheetParagraph(escape(c.notes or ""), styles.cell) if c.notes else "",
            ]
        )
    widths = [17 * mm, 32 * mm, 17 * mm, 23 * mm, 24 * mm, 30 * mm]
    marks = [("TEXTCOLOR", (5, row), (5, row), WARN) for row in soon_rows]
    return data_table(rows, [*widths, CONTENT_WIDTH - sum(widths)], extra_style=marks)


def _products(products: list[ProductInfo], today: date) -> Flowable:
    styles = sheet_styles()
    if not products:
        return p(_("No products recorded."), "muted")
    head = [_("Product"), _("Category"), _("Qty"), _("Monthly fee"), _("Since"), _("Contract ends")]
    rows: list[list[object]] = [
        [
            SheetParagraph(escape(h), styles.cell_head_right if i in (2, 3) else styles.cell_head)
            for i, h in enumerate(head)
        ]
    ]
    marks: list[tuple[object, ...]] = [("ALIGN", (2, 1), (3, -1), "RIGHT")]
    for row, item in enumerate(products, start=1):
        ends, attention = contract_text(item.end_date, today)
        if attention:
            marks.append(("TEXTCOLOR", (5, row), (5, row), WARN))
        rows.append(
            [
                SheetParagraph(escape(item.name), styles.cell),
                item.category_label,
                str(item.quantity),
                format_yuan(item.monthly_fee_fen),
                _d(item.start_date),
                ends,
            ]
        )
    widths = [48 * mm, 22 * mm, 11 * mm, 25 * mm, 21 * mm]
    return data_table(rows, [*widths, CONTENT_WIDTH - sum(widths)], extra_style=marks)


def _billing(billing: list[BillingMonth]) -> Flowable:
    styles = sheet_styles()
    rows: list[list[object]] = [
        [
            SheetParagraph(escape(_("Month")), styles.cell_head),
            SheetParagraph(escape(_("Billed")), styles.cell_head_right),
            SheetParagraph(escape(_("Arrears")), styles.cell_head_right),
        ]
    ]
    for month in billing:
        rows.append(
            [
                month.month.strftime("%Y-%m"),
                format_yuan(month.amount_fen) if month.amount_fen is not None else "—",
                format_yuan(month.arrears_fen) if month.arrears_fen else "—",
            ]
        )
    billed = [m.amount_fen for m in billing if m.amount_fen is not None]
    if billed:
        rows.append(
            [
                _("Average"),
                format_yuan(sum(billed) // len(billed)),
                "",
            ]
        )
    table = data_table(
        rows, [20 * mm, 32 * mm, 26 * mm], zebra=False, extra_style=[("ALIGN", (1, 1), (2, -1), "RIGHT")]
    )
    trend = _trend_text(billing)
    chart = billing_chart(billing)
    right: list[Flowable] = [chart]
    if trend:
        right.append(p(trend, "small"))
    layout = Table([[table, right]], colWidths=[82 * mm, CONTENT_WIDTH - 82 * mm])
    layout.setStyle(cell_style([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return layout


def _trend_text(billing: list[BillingMonth]) -> str:
    """Last three months against the three before, the figure a manager asks about first."""
    first = [m.amount_fen for m in billing[:3] if m.amount_fen is not None]
    last = [m.amount_fen for m in billing[3:] if m.amount_fen is not None]
    if not first or not last or sum(first) == 0:
        return ""
    change = (sum(last) / len(last)) / (sum(first) / len(first)) - 1
    return _("Last 3 months vs the 3 before: {change:+.1%}").format(change=change)


def _visits(data: PrevisitData) -> Flowable:
    styles = sheet_styles()
    if not data.recent_visits:
        return p(_("No visits recorded yet."), "muted")
    head = [_("Date"), _("Kind"), _("Manager"), _("Met"), _("Satisfaction"), _("Summary")]
    rows: list[list[object]] = [[SheetParagraph(escape(h), styles.cell_head) for h in head]]
    for visit in data.recent_visits:
        rows.append(
            [
                visit.occurred_at.strftime(DATE) if visit.occurred_at else "",
                visit.kind_label,
                SheetParagraph(escape(visit.manager or ""), styles.cell),
                SheetParagraph(escape(_(", ").join(visit.contacts)), styles.cell),
                f"{visit.satisfaction}/5" if visit.satisfaction else "",
                SheetParagraph(escape(visit.summary or ""), styles.cell),
            ]
        )
    widths = [20 * mm, 20 * mm, 17 * mm, 22 * mm, 16 * mm]
    return data_table(rows, [*widths, CONTENT_WIDTH - sum(widths)])


def _open_items(data: PrevisitData) -> list[Flowable]:
    styles = sheet_styles()
    story: list[Flowable] = []
    if data.complaints:
        head = [_("Raised"), _("Complaint"), _("Status"), _("Answer due")]
        rows: list[list[object]] = [[SheetParagraph(escape(h), styles.cell_head) for h in head]]
        for c in data.complaints:
            summary = _("[Major] {summary}").format(summary=c.summary) if c.major else c.summary
            due = c.answer_due_at.strftime("%Y-%m-%d %H:%M")
            if c.overdue:
                due = _("{moment} (overdue)").format(moment=due)
            rows.append(
                [
                    SheetParagraph(c.raised_at.strftime(DATE), styles.cell),
                    SheetParagraph(escape(summary), styles.cell),
                    SheetParagraph(escape(c.status_label), styles.cell),
                    SheetParagraph(escape(due), styles.warning if c.overdue else styles.cell),
                ]
            )
        widths = [20 * mm, 0.0, 18 * mm, 38 * mm]
        widths[1] = CONTENT_WIDTH - sum(widths)
        story.append(data_table(rows, widths))
    else:
        story.append(p(_("No open complaints."), "muted"))
    story.append(Spacer(1, 2 * mm))
    if data.needs:
        head = [_("Raised"), _("Need / opportunity"), _("Category"), _("Estimated value")]
        rows = [
            [
                SheetParagraph(escape(h), styles.cell_head_right if i == 3 else styles.cell_head)
                for i, h in enumerate(head)
            ]
        ]
        for need in data.needs:
            text = need.title + (f"：{need.description}" if need.description else "")
            rows.append(
                [
                    SheetParagraph(_d(need.raised_on), styles.cell),
                    SheetParagraph(escape(text), styles.cell),
                    SheetParagraph(escape(need.category or ""), styles.cell),
                    SheetParagraph(format_yuan(need.estimated_value_fen), styles.cell_right),
                ]
            )
        widths = [20 * mm, 0.0, 22 * mm, 30 * mm]
        widths[1] = CONTENT_WIDTH - sum(widths)
        story.append(data_table(rows, widths))
    else:
        story.append(p(_("No open needs."), "muted"))
    return story


def _heading(text: str) -> list[Flowable]:
    """A section heading that never ends a page: with little room left it starts the next one.

    (``keepWithNext`` would instead push a long table and its heading to a new page whole.)
    """
    return [CondPageBreak(HEADING_ROOM), SheetParagraph(escape(text), sheet_styles().heading)]


def previsit_story(data: PrevisitData) -> list[Flowable]:
    """The flowables of one pre-visit sheet (the day pack puts several in one document)."""
    styles = sheet_styles()
    story: list[Flowable] = [
        SheetParagraph(escape(_("Pre-visit sheet")), styles.muted),
        SheetParagraph(escape(data.account.name), styles.title),
        _profile(data),
        *_heading(_("Contacts and decision roles")),
        _contacts(data.contacts, data.today),
        *_heading(_("Products held")),
        _products(data.products, data.today),
        KeepTogether([*_heading(_("Billing, last six months"))[1:], _billing(data.billing)]),
        *_heading(_("Last three visits")),
        _visits(data),
        *_heading(_("Open complaints and needs")),
        *_open_items(data),
        PageBreak(),
        *visit_form_story(data),
    ]
    return story


def visit_form_story(data: PrevisitData) -> list[Flowable]:
    """The account's visit form, blank, with the visit's particulars and signature lines."""
    from kamdesk.printing.widgets import Blank, Blanks

    styles = sheet_styles()
    template = data.template
    name = template.name if template and template.name else _("Visit record form")
    story: list[Flowable] = [
        SheetParagraph(escape(name), styles.title),
        p(_("Account: {name} ({code})").format(name=data.account.name, code=data.account.code)),
        Spacer(1, 1 * mm),
    ]
    when = (
        [
            _("Visit date:"),
            data.planned_at.strftime("%Y-%m-%d"),
            _("Start:"),
            data.planned_at.strftime("%H:%M"),
        ]
        if data.planned_at
        else [_("Visit date:"), Blank(34 * mm), _("Start:"), Blank(18 * mm)]
    )
    story.append(Blanks([*when, _("End:"), Blank(18 * mm), _("Place:"), Blank()]))
    story.append(Spacer(1, 3 * mm))
    form = blank_form(template, data.contacts, data.products)
    # The signature lines never stand alone on a last page: they keep the last field with them.
    story.extend(form[:-2])
    story.append(KeepTogether([*form[-2:], *signature_flowables()]))
    return story


def build_previsit_sheet(data: PrevisitData) -> bytes:
    """The pre-visit sheet of one account as PDF bytes."""
    return build_pdf(
        previsit_story(data),
        header=header_of(data),
        title=_("Pre-visit sheet: {name}").format(name=data.account.name),
        footer_note=_("kamdesk · for internal use · contains customer data"),
    )
