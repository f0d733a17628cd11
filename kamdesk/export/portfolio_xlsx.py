"""The current (filtered, sorted) portfolio list as an XLSX that opens in Excel, WPS and
LibreOffice: Chinese headers, money as numbers in yuan with a thousands format, trend as a
percentage, dates as real dates, a frozen header row and an autofilter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.domain.portfolio import AccountRow
from kamdesk.domain.vocabulary import label
from kamdesk.i18n import N_, _

YUAN_FORMAT = "#,##0.00"
PERCENT_FORMAT = "+0.0%;-0.0%;0.0%"
DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"

# (header, width, number format, value of a row)
COLUMNS: list[tuple[str, int, str | None, Callable[[AccountRow], object]]] = [
    (N_("Account name"), 40, None, lambda r: r.name),
    (N_("Code"), 16, None, lambda r: r.code),
    (N_("Tier"), 6, None, lambda r: r.tier.value),
    (N_("Industry"), 14, None, lambda r: label(r.industry)),
    (N_("City"), 10, None, lambda r: r.city),
    (N_("District"), 12, None, lambda r: r.district),
    (N_("Status"), 8, None, lambda r: label(r.status)),
    (
        N_("Monthly revenue (yuan)"),
        16,
        YUAN_FORMAT,
        lambda r: None if r.revenue_fen is None else r.revenue_fen / 100,
    ),
    (N_("Trend (3 months)"), 12, PERCENT_FORMAT, lambda r: r.trend),
    (
        N_("Last visit"),
        12,
        DATE_FORMAT,
        lambda r: r.last_visit_at.astimezone(BUSINESS_TZ).date() if r.last_visit_at else None,
    ),
    (N_("Next visit due"), 12, DATE_FORMAT, lambda r: r.next_visit_due),
    (N_("Primary manager"), 10, None, lambda r: r.primary_manager),
    (N_("Secondary manager"), 10, None, lambda r: r.secondary_manager),
    (N_("Open complaints"), 10, INTEGER_FORMAT, lambda r: r.open_complaints),
]


def _header(sheet: Worksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    cell.fill = PatternFill("solid", fgColor="DDEBF7")
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def write_portfolio(
    path: Path,
    rows: Iterable[AccountRow],
    *,
    title: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write ``rows`` to ``path`` (streaming, so 100,000 rows stay small); returns the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title or _("Portfolio"))
    for index, (_header_text, width, _fmt, _value) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_header(sheet, _(header)) for header, *_rest in COLUMNS])
    formats = [fmt for _h, _w, fmt, _v in COLUMNS]
    written = 0
    for row in rows:
        cells = []
        for (_h, _w, _f, value), fmt in zip(COLUMNS, formats, strict=True):
            data = value(row)
            if isinstance(data, datetime):
                data = data.replace(tzinfo=None)
            cell = WriteOnlyCell(sheet, value=data)
            if fmt and data is not None:
                cell.number_format = fmt
            cells.append(cell)
        sheet.append(cells)
        written += 1
        if progress is not None and written % 1000 == 0:
            progress(written)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{written + 1}"
    workbook.save(Path(path))
    return written
