from __future__ import annotations

import csv
import os
import shutil
import subprocess
from datetime import date

import pytest
from openpyxl import load_workbook

from kamdesk.domain import account_index, portfolio
from kamdesk.domain.portfolio import PortfolioQuery, SortKey
from kamdesk.export.portfolio_xlsx import write_portfolio
from kamdesk.models.enums import Tier


@pytest.fixture
def rows(demo_store):
    query = PortfolioQuery(tiers=frozenset({Tier.A1, Tier.A2}), sort=SortKey.REVENUE, descending=True)
    with demo_store.sessions.begin() as session:
        account_index.ensure(session)
        return list(portfolio.iter_rows(session, query, batch=7))


def test_filtered_list_reads_back_with_chinese_headers_and_number_formats(rows, tmp_path, chinese) -> None:
    path = tmp_path / "portfolio.xlsx"
    assert write_portfolio(path, rows) == len(rows) > 0
    sheet = load_workbook(path).active
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["客户名称", "客户编码", "等级", "行业"]
    assert "月收入（元）" in headers and "近3月趋势" in headers and "未结投诉" in headers
    assert sheet.max_row == len(rows) + 1 and sheet.freeze_panes == "A2"
    revenue_column = headers.index("月收入（元）") + 1
    trend_column = headers.index("近3月趋势") + 1
    due_column = headers.index("下次拜访") + 1
    first = sheet.cell(row=2, column=revenue_column)
    assert first.value == pytest.approx(rows[0].revenue_fen / 100) and first.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=trend_column).number_format.startswith("+0.0%")
    assert sheet.cell(row=2, column=1).value == rows[0].name
    assert sheet.cell(row=2, column=3).value in ("A1", "A2")
    due = sheet.cell(row=2, column=due_column)
    assert due.value.date() == rows[0].next_visit_due and due.number_format == "yyyy-mm-dd"
    revenues = [sheet.cell(row=r, column=revenue_column).value for r in range(2, sheet.max_row + 1)]
    assert revenues == sorted(revenues, reverse=True)  # the list's order is kept


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_export(rows, tmp_path, chinese) -> None:
    path = write_portfolio(tmp_path / "portfolio.xlsx", rows) and tmp_path / "portfolio.xlsx"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ},
    )
    with (tmp_path / "portfolio.csv").open(encoding="utf-8") as handle:
        table = list(csv.reader(handle))
    assert table[0][0] == "客户名称" and table[1][0] == rows[0].name and len(table) == len(rows) + 1
    assert date.fromisoformat(table[1][10]) == rows[0].next_visit_due
