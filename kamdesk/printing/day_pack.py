"""The day's pack: a cover list of the day's visits, then each visit's pre-visit sheet."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from kamdesk.i18n import N_, _, ngettext
from kamdesk.printing.data import DayPackData
from kamdesk.printing.form_sheet import p
from kamdesk.printing.layout import (
    CONTENT_WIDTH,
    PageHeader,
    SetHeader,
    SheetParagraph,
    build_pdf,
    data_table,
    sheet_styles,
)
from kamdesk.printing.previsit import header_of, previsit_story

WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


def cover_header(data: DayPackData) -> PageHeader:
    who = data.manager or ""
    return PageHeader(
        _("Visits of {day}").format(day=data.day.strftime("%Y-%m-%d")) + (f" · {who}" if who else ""),
        _("Day pack"),
    )


def cover_story(data: DayPackData) -> list[Flowable]:
    styles = sheet_styles()
    weekday = _(WEEKDAYS[data.day.weekday()])
    count = len(data.entries)
    story: list[Flowable] = [
        SheetParagraph(escape(_("Day pack")), styles.muted),
        SheetParagraph(escape(f"{data.day.strftime('%Y-%m-%d')} {weekday}"), styles.title),
        p(ngettext("{count} visit planned.", "{count} visits planned.", count).format(count=count)),
        Spacer(1, 3 * mm),
    ]
    if not data.entries:
        story.append(p(_("No visits are planned for this day."), "muted"))
        return story
    head = ["#", _("Time"), _("Account"), _("Address"), _("Contact"), _("Phone")]
    rows: list[list[object]] = [[SheetParagraph(escape(h), styles.cell_head) for h in head]]
    for number, entry in enumerate(data.entries, start=1):
        rows.append(
            [
                SheetParagraph(str(number), styles.cell),
                SheetParagraph(
                    f"{entry.planned_at.strftime('%H:%M')}<br/>{escape(entry.kind_label)}", styles.cell
                ),
                SheetParagraph(escape(entry.account_name), styles.cell),
                SheetParagraph(escape(entry.address), styles.cell),
                SheetParagraph(escape(entry.contact), styles.cell),
                SheetParagraph(escape(entry.phone), styles.cell),
            ]
        )
    widths = [7 * mm, 17 * mm, 46 * mm, 0.0, 17 * mm, 25 * mm]
    widths[3] = CONTENT_WIDTH - sum(widths)
    story.append(data_table(rows, widths))
    return story


def day_pack_story(data: DayPackData) -> list[Flowable]:
    """Cover first; each visit's sheet then starts a page with its own header and page numbers."""
    story = cover_story(data)
    for entry in data.entries:
        story.append(SetHeader(header_of(entry.sheet), new_section=True))
        story.append(PageBreak())
        story.extend(previsit_story(entry.sheet))
    return story


def build_day_pack(data: DayPackData) -> bytes:
    """All visits planned for a day in one PDF."""
    return build_pdf(
        day_pack_story(data),
        header=cover_header(data),
        title=_("Day pack {day}").format(day=data.day.strftime("%Y-%m-%d")),
        footer_note=_("kamdesk · for internal use · contains customer data"),
    )
