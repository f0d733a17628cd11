"""Importing a portfolio from a billing/CRM spreadsheet: read (XLSX, CSV in UTF-8/BOM/GBK), map
columns, validate row by row, write the valid rows through the outbox in one transaction, and
save the rejected rows as an XLSX error report."""

from kamdesk.domain.importing.applying import ImportResult, apply_rows
from kamdesk.domain.importing.mapping import FIELDS, ImportField, guess_mapping
from kamdesk.domain.importing.reading import SourceTable, read_table
from kamdesk.domain.importing.report import write_error_report
from kamdesk.domain.importing.validation import RowDraft, RowError, Validation, validate

__all__ = [
    "FIELDS",
    "ImportField",
    "ImportResult",
    "RowDraft",
    "RowError",
    "SourceTable",
    "Validation",
    "apply_rows",
    "guess_mapping",
    "read_table",
    "validate",
    "write_error_report",
]
