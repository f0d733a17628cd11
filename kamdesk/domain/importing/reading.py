"""Read a spreadsheet into headers and raw rows, whatever Excel, WPS or a billing system wrote."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kamdesk.errors import UserError
from kamdesk.i18n import _

ENCODINGS = ("utf-8", "gb18030")
"""Tried in order after a BOM check; GB18030 is a superset of the GBK that Excel in China writes."""
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class SourceTable:
    path: Path
    headers: list[str]
    rows: list[list[Any]]  # cell values as read (str for CSV; str/int/float/datetime for XLSX)
    encoding: str | None  # None for XLSX
    first_data_row: int  # the spreadsheet row number of rows[0] (1-based, as Excel shows it)

    def row_number(self, index: int) -> int:
        return self.first_data_row + index


class UnreadableFileError(UserError):
    """The file is not a spreadsheet kamdesk can read."""


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) of CSV bytes: UTF-8 with BOM, UTF-8, else GBK/GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(_("The file is neither UTF-8 nor GBK text; save it again as CSV or XLSX."))


def _blank(row: list[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _filled(row: list[Any]) -> int:
    return sum(1 for value in row if value is not None and str(value).strip())


def _table(path: Path, raw: list[list[Any]], encoding: str | None) -> SourceTable:
    # The header row is the fullest of the first rows: billing exports put a title line above it.
    candidates = [i for i, row in enumerate(raw[:HEADER_SEARCH_ROWS]) if not _blank(row)]
    if not candidates:
        raise UnreadableFileError(_("The file has no rows."))
    start = max(candidates, key=lambda i: (_filled(raw[i]), -i))
    headers = [("" if value is None else str(value)).strip() for value in raw[start]]
    while headers and not headers[-1]:
        headers.pop()
    rows = []
    for row in raw[start + 1 :]:
        cells = list(row[: len(headers)]) + [None] * (len(headers) - len(row))
        rows.append(cells)
    while rows and _blank(rows[-1]):
        rows.pop()
    return SourceTable(path, headers, rows, encoding, first_data_row=start + 2)


def read_table(path: Path) -> SourceTable:
    """The first sheet of an XLSX, or a CSV (comma, tab or semicolon separated)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFileError(
                _("{name} cannot be opened as an Excel workbook ({reason}).").format(
                    name=path.name, reason=error
                )
            ) from error
        try:
            sheet = workbook.worksheets[0]
            raw = [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
        return _table(path, raw, None)
    if suffix in (".csv", ".txt"):
        text, encoding = decode(path.read_bytes())
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel  # type: ignore[assignment]
        raw = [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
        return _table(path, raw, encoding)
    raise UnreadableFileError(
        _("{name}: choose an Excel workbook (.xlsx) or a CSV file.").format(name=path.name)
    )
