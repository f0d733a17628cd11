"""A report as an XLSX workbook: one sheet of figures with real number formats (money in yuan
as numbers, percentages as fractions formatted %, dates as dates), one of narrative and plan, one
of the records behind every figure. Only standard number formats and plain cell styles are used,
so Excel, WPS and LibreOffice open it the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kamdesk.domain.reports.display import period_title, revenue_basis, team_note
from kamdesk.domain.reports.figures import Figure, Section, Unit, change_rate, section_title
from kamdesk.domain.reports.service import ReportDocument
from kamdesk.i18n import _

COUNT_FORMAT = "#,##0"
YUAN_FORMAT = '"¥"#,##0.00'
PERCENT_FORMAT = "0.0%"
DECIMAL_FORMAT = "0.00"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
FORMATS = {
    Unit.COUNT: COUNT_FORMAT,
    Unit.FEN: YUAN_FORMAT,
    Unit.RATIO: PERCENT_FORMAT,
    Unit.RATING: DECIMAL_FORMAT,
    Unit.NUMBER: DECIMAL_FORMAT,
}
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def _cell_value(value: int | float | None, unit: Unit) -> int | float | None:
    """Money goes to the sheet in yuan (a number the user can sum), everything else as is."""
    if value is None:
        return None
    return value / 100 if unit is Unit.FEN else value


class _Sheet:
    """Rows appended in order to a write-only sheet (openpyxl's fast path: no cell objects kept
    in memory, which matters for the thousands of detail rows of a big portfolio)."""

    def __init__(self, sheet: WriteOnlyWorksheet, widths: list[int]) -> None:
        self.sheet = sheet
        self.rows = 0
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width

    def cell(self, value: Any, number_format: str | None = None, *, font: Font | None = None,
             fill: PatternFill | None = None, wrap: bool = False) -> WriteOnlyCell:  # fmt: skip
        cell = WriteOnlyCell(self.sheet, value=value)
        if number_format is not None and value is not None:
            cell.number_format = number_format
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if wrap:
            cell.alignment = WRAP
        return cell

    def append(self, values: list[Any]) -> None:
        self.sheet.append(values)
        self.rows += 1

    def header(self, titles: list[str]) -> None:
        self.append([self.cell(title, font=BOLD, fill=HEADER_FILL) for title in titles])

    def heading(self, text: str, font: Font = BOLD) -> None:
        self.append([self.cell(text, font=font)])


def _figure_row(out: _Sheet, figure: Figure) -> list[Any]:
    number_format = FORMATS[figure.unit]
    row: list[Any] = [section_title(figure.section), figure.label]
    values = (figure.value, figure.previous, figure.last_year)
    row += [out.cell(_cell_value(value, figure.unit), number_format) for value in values]
    if figure.unit in (Unit.COUNT, Unit.FEN, Unit.RATING):
        bases = (figure.previous, figure.last_year)
        row += [out.cell(change_rate(figure.value, base), PERCENT_FORMAT) for base in bases]
    else:
        row += [None, None]
    row.append(out.cell(len(figure.records) or None, COUNT_FORMAT))
    return row


def _figures_sheet(out: _Sheet, document: ReportDocument) -> None:
    figures = document.figures
    out.heading(period_title(document.period), TITLE)
    out.append([document.author_name or ""])
    out.append([revenue_basis(figures)])
    out.append([team_note(figures)])
    out.append([])
    out.header(
        [
            _("Section"),
            _("Figure"),
            _("This period"),
            _("Previous period"),
            _("Same period last year"),
            _("Change vs previous"),
            _("Change vs last year"),
            _("Records"),
        ]
    )
    for figure in figures.figures:
        out.append(_figure_row(out, figure))
    if figures.team is not None:
        for kind in ("onsite", "phone", "sms"):
            label = _("Team average: {figure}").format(figure=figures.get(f"activity.{kind}").label)
            out.append([section_title(Section.ACTIVITY), label,
                        out.cell(figures.team.by_kind()[kind], DECIMAL_FORMAT)])  # fmt: skip
    out.append([])
    out.heading(_("Revenue trend"))
    out.header([_("Month"), _("Revenue")])
    for month, fen in figures.revenue_trend:
        out.append([out.cell(month, MONTH_FORMAT), out.cell(fen / 100, YUAN_FORMAT)])
    if figures.weeks:
        out.append([])
        out.heading(_("Weeks of the month"))
        out.header(
            [_("Week"), _("From"), _("To"), _("On-site visits"), _("Phone visits"), _("SMS sent"),
             _("Weekly report")],
        )  # fmt: skip
        for week in figures.weeks:
            out.append(
                [week.label, out.cell(week.start, DATE_FORMAT), out.cell(week.end, DATE_FORMAT),
                 out.cell(week.onsite, COUNT_FORMAT), out.cell(week.phone, COUNT_FORMAT),
                 out.cell(week.sms, COUNT_FORMAT), _status_label(week.report_status)]
            )  # fmt: skip


def _status_label(status: str | None) -> str:
    return {"draft": _("Draft"), "submitted": _("Submitted")}.get(status or "", _("No report"))


def _narrative_sheet(out: _Sheet, document: ReportDocument) -> None:
    content = document.content
    out.header([_("Section"), _("Reasons"), _("Measures")])
    for section in Section:
        text = content.text(section)
        out.append(
            [out.cell(value, wrap=True) for value in (section_title(section), text.reasons, text.measures)]
        )
    out.append([])
    out.heading(_("Last period's plan"))
    out.header([_("Plan item"), _("Account"), _("Done"), _("Reason")])
    for review in content.review:
        done = None if review.done is None else (_("Done") if review.done else _("Not done"))
        values = [review.item.text, review.item.account_name, done, review.reason or None]
        out.append([out.cell(value, wrap=True) for value in values])
    out.append([])
    out.heading(_("Plan for next period"))
    out.header([_("Plan item"), _("Account")])
    for item in content.plan:
        out.append([out.cell(item.text, wrap=True), out.cell(item.account_name, wrap=True)])


def _details_sheet(out: _Sheet, document: ReportDocument) -> None:
    out.header(
        [_("Section"), _("Figure"), _("Date"), _("Account"), _("Description"), _("Amount"), _("Rating"),
         _("Record type"), _("Record id")],
    )  # fmt: skip
    out.sheet.freeze_panes = "A2"
    for figure in document.figures.figures:
        section, label = section_title(figure.section), figure.label
        for record in figure.records:
            # plain values where no format is needed: styled cells cost several times more to write
            day = out.cell(record.day, DATE_FORMAT) if record.day is not None else None
            amount = out.cell(record.amount_fen / 100, YUAN_FORMAT) if record.amount_fen is not None else None
            out.append(
                [section, label, day, record.account_name, record.text or None, amount, record.rating,
                 record.entity, record.id]
            )  # fmt: skip
    out.sheet.auto_filter.ref = f"A1:I{max(out.rows, 1)}"


def write_report_xlsx(document: ReportDocument, path: Path) -> Path:
    """Write ``document`` to ``path`` (.xlsx) and return it."""
    workbook = Workbook(write_only=True)
    figures = _Sheet(workbook.create_sheet(_("Figures")), [26, 40, 18, 18, 18, 16, 16, 10])
    figures.sheet.freeze_panes = "A7"
    _figures_sheet(figures, document)
    _narrative_sheet(_Sheet(workbook.create_sheet(_("Narrative")), [30, 60, 60, 40]), document)
    _details_sheet(_Sheet(workbook.create_sheet(_("Details")), [22, 32, 12, 34, 50, 16, 8, 16, 38]), document)
    workbook.properties.title = period_title(document.period)
    workbook.properties.creator = document.author_name or "kamdesk"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
