"""The error report: an XLSX the manager opens in Excel or WPS, fixes and imports again."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from kamdesk.domain.importing.mapping import FIELDS_BY_KEY
from kamdesk.domain.importing.reading import SourceTable
from kamdesk.domain.importing.validation import Validation
from kamdesk.i18n import _

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="FFF2CC")


def _cell(value: object) -> object:
    return value if isinstance(value, int | float) or value is None else str(value)


def write_error_report(path: Path, table: SourceTable, validation: Validation) -> Path:
    """Sheet 1 lists each problem (row, column, value, what is wrong); sheet 2 holds the rejected
    rows with their original headers plus a "Problems" column, ready to fix and re-import."""
    workbook = Workbook()
    problems = workbook.active
    problems.title = _("Problems")
    problems.append([_("Row"), _("Column"), _("Value"), _("Problem")])
    for error in validation.errors:
        problems.append([error.row_number, _(FIELDS_BY_KEY[error.field].label), error.value, error.message])
    for column, width in zip("ABCD", (8, 16, 30, 60), strict=True):
        problems.column_dimensions[column].width = width

    rows = workbook.create_sheet(_("Rejected rows"))
    rows.append([*table.headers, _("Problems")])
    by_row: dict[int, list[str]] = {}
    for error in validation.errors:
        by_row.setdefault(error.row_number, []).append(error.message)
    for index in validation.rejected_rows:
        number = table.row_number(index)
        rows.append([*(_cell(v) for v in table.rows[index]), "；".join(by_row.get(number, []))])
    for sheet in (problems, rows):
        for cell in sheet[1]:
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(vertical="center")
        sheet.freeze_panes = "A2"
    path = Path(path)
    workbook.save(path)
    return path
