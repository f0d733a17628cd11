"""The workbook opens in LibreOffice Calc, which shows the money and percentages with the
number formats we set (skipped where LibreOffice is not installed)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest

from kamdesk.domain import reports
from kamdesk.export.report_xlsx import write_report_xlsx
from kamdesk.models.enums import ReportKind
from tests.reports_dataset import ME, open_handbuilt

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"),
]
# separator, quote, UTF-8, first line, -, -, -, -, cells as shown, -, -, every sheet to its own file
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def test_libreoffice_reads_every_sheet_with_our_number_formats(tmp_path) -> None:
    store = open_handbuilt(tmp_path)
    try:
        with store.sessions.begin() as session:
            scope = reports.scope_of(session, ME)
            now = datetime(2026, 1, 5, tzinfo=UTC)
            document = reports.build_report(session, ReportKind.WEEKLY, date(2026, 1, 1), scope, now=now)
    finally:
        store.close()
    path = write_report_xlsx(document, tmp_path / "weekly.xlsx")
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
         CSV_FILTER, str(path), "--outdir", str(tmp_path)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    with (tmp_path / "weekly-Figures.csv").open(encoding="utf-8") as handle:
        figures = {row[1]: row for row in csv.reader(handle) if len(row) > 2}
    assert figures["Billed revenue"][2:5] == ["¥130,000.00", "¥135,000.00", "¥115,000.00"]
    assert figures["Billed revenue"][5] == "-3.7%"
    assert figures["Lost as a share of the portfolio"][2] == "66.7%"
    assert figures["On-site visits"][2:5] == ["2", "3", "1"]
    with (tmp_path / "weekly-Details.csv").open(encoding="utf-8") as handle:
        details = list(csv.reader(handle))
    lost = [
        "Customers added and lost",
        "Accounts lost",
        "2026-01-02",
        "岳阳市自来水有限公司",
        "转网至中国电信",
    ]
    assert [*lost, "", "", "accounts", "acc-E"] in details
