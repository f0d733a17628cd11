"""A report as an XLSX workbook: one sheet of figures with real number formats (money in yuan
as numbers, percentages as fractions formatted %, dates as dates), one of narrative and plan, one
of the records behind every figure. Only standard number formats and plain cell styles are used,
so Excel, WPS and LibreOffice open it the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

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


def _header(sheet: Worksheet, row: int, titles: list[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=column, value=title)
        cell.font = BOLD
        cell.fill = HEADER_FILL


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _figure_row(sheet: Worksheet, row: int, figure: Figure) -> None:
    number_format = FORMATS[figure.unit]
    sheet.cell(row=row, column=1, value=section_title(figure.section))
    sheet.cell(row=row, column=2, value=figure.label)
    for column, value in ((3, figure.value), (4, figure.previous), (5, figure.last_year)):
        cell = sheet.cell(row=row, column=column, value=_cell_value(value, figure.unit))
        cell.number_format = number_format
    if figure.unit in (Unit.COUNT, Unit.FEN, Unit.RATING):
        for column, base in ((6, figure.previous), (7, figure.last_year)):
            cell = sheet.cell(row=row, column=column, value=change_rate(figure.value, base))
            cell.number_format = PERCENT_FORMAT
    sheet.cell(row=row, column=8, value=len(figure.records) or None).number_format = COUNT_FORMAT


def _figures_sheet(sheet: Worksheet, document: ReportDocument) -> None:
    figures = document.figures
    sheet.title = _("Figures")
    sheet.cell(row=1, column=1, value=period_title(document.period)).font = TITLE
    sheet.cell(row=2, column=1, value=document.author_name or "")
    sheet.cell(row=3, column=1, value=revenue_basis(figures))
    sheet.cell(row=4, column=1, value=team_note(figures))
    _header(
        sheet,
        6,
        [
            _("Section"),
            _("Figure"),
            _("This period"),
            _("Previous period"),
            _("Same period last year"),
            _("Change vs previous"),
            _("Change vs last year"),
            _("Records"),
        ],
    )
    row = 7
    for figure in figures.figures:
        _figure_row(sheet, row, figure)
        row += 1
    if figures.team is not None:
        for kind in ("onsite", "phone", "sms"):
            sheet.cell(row=row, column=1, value=section_title(Section.ACTIVITY))
            sheet.cell(row=row, column=2, value=_("Team average: {figure}").format(
                figure=figures.get(f"activity.{kind}").label))  # fmt: skip
            sheet.cell(row=row, column=3, value=figures.team.by_kind()[kind]).number_format = DECIMAL_FORMAT
            row += 1
    row += 1
    sheet.cell(row=row, column=1, value=_("Revenue trend")).font = BOLD
    row += 1
    _header(sheet, row, [_("Month"), _("Revenue")])
    for month, fen in figures.revenue_trend:
        row += 1
        sheet.cell(row=row, column=1, value=month).number_format = MONTH_FORMAT
        sheet.cell(row=row, column=2, value=fen / 100).number_format = YUAN_FORMAT
    if figures.weeks:
        row += 2
        sheet.cell(row=row, column=1, value=_("Weeks of the month")).font = BOLD
        row += 1
        _header(
            sheet,
            row,
            [_("Week"), _("From"), _("To"), _("On-site visits"), _("Phone visits"), _("SMS sent"),
             _("Weekly report")],
        )  # fmt: skip
        for week in figures.weeks:
            row += 1
            values: list[Any] = [week.label, week.start, week.end, week.onsite, week.phone, week.sms,
                                 _status_label(week.report_status)]  # fmt: skip
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=value)
                if column in (2, 3):
                    cell.number_format = DATE_FORMAT
                elif column in (4, 5, 6):
                    cell.number_format = COUNT_FORMAT
    sheet.freeze_panes = "A7"
    _widths(sheet, [26, 40, 18, 18, 18, 16, 16, 10])


def _status_label(status: str | None) -> str:
    return {"draft": _("Draft"), "submitted": _("Submitted")}.get(status or "", _("No report"))


def _narrative_sheet(sheet: Worksheet, document: ReportDocument) -> None:
    content = document.content
    _header(sheet, 1, [_("Section"), _("Reasons"), _("Measures")])
    row = 1
    for section in Section:
        row += 1
        text = content.text(section)
        sheet.cell(row=row, column=1, value=section_title(section)).alignment = WRAP
        sheet.cell(row=row, column=2, value=text.reasons).alignment = WRAP
        sheet.cell(row=row, column=3, value=text.measures).alignment = WRAP
    row += 2
    sheet.cell(row=row, column=1, value=_("Last period's plan")).font = BOLD
    row += 1
    _header(sheet, row, [_("Plan item"), _("Account"), _("Done"), _("Reason")])
    for review in content.review:
        row += 1
        done = "" if review.done is None else (_("Done") if review.done else _("Not done"))
        for column, value in enumerate(
            [review.item.text, review.item.account_name or "", done, review.reason], start=1
        ):
            sheet.cell(row=row, column=column, value=value).alignment = WRAP
    row += 2
    sheet.cell(row=row, column=1, value=_("Plan for next period")).font = BOLD
    row += 1
    _header(sheet, row, [_("Plan item"), _("Account")])
    for item in content.plan:
        row += 1
        sheet.cell(row=row, column=1, value=item.text).alignment = WRAP
        sheet.cell(row=row, column=2, value=item.account_name or "").alignment = WRAP
    _widths(sheet, [30, 60, 60, 40])


def _details_sheet(sheet: Worksheet, document: ReportDocument) -> None:
    _header(
        sheet,
        1,
        [_("Section"), _("Figure"), _("Date"), _("Account"), _("Description"), _("Amount"), _("Rating"),
         _("Record type"), _("Record id")],
    )  # fmt: skip
    row = 1
    for figure in document.figures.figures:
        section, label = section_title(figure.section), figure.label
        for record in figure.records:
            row += 1
            sheet.append(
                [section, label, record.day, record.account_name, record.text,
                 record.amount_fen / 100 if record.amount_fen is not None else None, record.rating,
                 record.entity, record.id]
            )  # fmt: skip
            sheet.cell(row=row, column=3).number_format = DATE_FORMAT
            sheet.cell(row=row, column=6).number_format = YUAN_FORMAT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:I{max(row, 1)}"
    _widths(sheet, [22, 32, 12, 34, 50, 16, 8, 16, 38])


def write_report_xlsx(document: ReportDocument, path: Path) -> Path:
    """Write ``document`` to ``path`` (.xlsx) and return it."""
    workbook = Workbook()
    _figures_sheet(workbook.active, document)
    _narrative_sheet(workbook.create_sheet(_("Narrative")), document)
    _details_sheet(workbook.create_sheet(_("Details")), document)
    workbook.properties.title = period_title(document.period)
    workbook.properties.creator = document.author_name or "kamdesk"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
