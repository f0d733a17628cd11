"""Reading spreadsheets (XLSX or CSV, header in the first row) as dicts keyed by field name."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_rows(path: Path, aliases: dict[str, str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, row) for every non-empty row; headers are mapped through ``aliases``
    (Chinese column titles to field names) and lower-cased."""

    def key(header: Any) -> str:
        text = str(header or "").strip()
        return aliases.get(text, aliases.get(text.lower(), text.lower()))

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            rows = sheet.iter_rows(values_only=True)
            headers = [key(h) for h in next(rows, ())]
            for number, values in enumerate(rows, start=2):
                row = {h: v for h, v in zip(headers, values, strict=False) if h}
                if any(v not in (None, "") for v in row.values()):
                    yield number, row
        finally:
            workbook.close()
        return
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        headers = [key(h) for h in next(reader, [])]
        for number, values in enumerate(reader, start=2):
            row = {h: (v.strip() or None) for h, v in zip(headers, values, strict=False) if h}
            if any(v not in (None, "") for v in row.values()):
                yield number, row
