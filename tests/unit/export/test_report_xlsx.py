"""The report workbook read back with openpyxl: sheets, values, real number formats, Chinese text."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from kamdesk.domain import reports
from kamdesk.domain.reports import PlanItem, PlanReview, Section, TeamAverages
from kamdesk.export.report_xlsx import write_report_xlsx
from kamdesk.models.enums import ReportKind
from tests.reports_dataset import ME, open_handbuilt

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


@pytest.fixture
def document(tmp_path):
    store = open_handbuilt(tmp_path)
    try:
        with store.sessions.begin() as session:
            scope = reports.scope_of(session, ME)
            team = TeamAverages(3.0, 1.5, 2.0, 6, NOW)
            built = reports.build_report(session, ReportKind.WEEKLY, date(2026, 1, 1), scope, team, now=NOW)
    finally:
        store.close()
    built.content.text(Section.ACCOUNTS).reasons = "岳阳自来水被电信低价挖走"
    built.content.text(Section.ACCOUNTS).measures = "走访璟泰物流总经理，争取回流"
    built.content.review.append(PlanReview(PlanItem("整理12月欠费清单"), False, "财务系统停机"))
    built.content.plan.append(PlanItem("上门拜访昇辉机械", "acc-A", "湖南昇辉机械制造有限公司"))
    return built


def rows_by_label(sheet) -> dict[str, tuple]:
    return {row[1].value: row for row in sheet.iter_rows(min_row=7) if row[1].value}


def test_figures_sheet_holds_numbers_with_number_formats(document, tmp_path) -> None:
    path = write_report_xlsx(document, tmp_path / "周报.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Figures", "Narrative", "Details"]
    sheet = book["Figures"]
    assert sheet["A1"].value == "Weekly report 2026-W01 (2025-12-29 – 2026-01-04)"
    assert sheet["A2"].value == "李明"
    rows = rows_by_label(sheet)
    revenue = rows["Billed revenue"]
    assert [c.value for c in revenue[2:5]] == [130_000, 135_000, 115_000]  # yuan, as numbers
    assert revenue[2].number_format == '"¥"#,##0.00'
    assert revenue[5].value == pytest.approx(-5_000 / 135_000) and revenue[5].number_format == "0.0%"
    onsite = rows["On-site visits"]
    assert [c.value for c in onsite[2:5]] == [2, 3, 1] and onsite[2].number_format == "#,##0"
    assert onsite[7].value == 2  # records behind it
    share = rows["Lost as a share of the portfolio"]
    assert share[2].value == pytest.approx(2 / 3) and share[2].number_format == "0.0%"
    assert rows["Satisfaction recorded on visits"][2].number_format == "0.00"
    assert rows["Team average: SMS sent"][2].value == 2.0
    trend = [
        r for r in sheet.iter_rows() if r[0].number_format == "yyyy-mm" and isinstance(r[0].value, datetime)
    ]
    assert len(trend) == 13 and trend[-1][0].value == datetime(2025, 12, 1) and trend[-1][1].value == 130_000


def test_narrative_and_plan_sheet(document, tmp_path) -> None:
    sheet = load_workbook(write_report_xlsx(document, tmp_path / "r.xlsx"))["Narrative"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [
        "Customers added and lost",
        "岳阳自来水被电信低价挖走",
        "走访璟泰物流总经理，争取回流",
        None,
    ] in values
    assert ["整理12月欠费清单", None, "Not done", "财务系统停机"] in values
    assert ["上门拜访昇辉机械", "湖南昇辉机械制造有限公司", None, None] in values


def test_details_sheet_lists_the_records_behind_each_figure(document, tmp_path) -> None:
    sheet = load_workbook(write_report_xlsx(document, tmp_path / "r.xlsx"))["Details"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    lost = [r for r in rows if r[1] == "Accounts lost"]
    assert [(r[2], r[3], r[4], r[8]) for r in lost] == [
        (datetime(2026, 1, 2), "岳阳市自来水有限公司", "转网至中国电信", "acc-E"),
        (datetime(2026, 1, 3), "湘潭璟泰物流有限公司", "试用后未续约", "acc-D"),
    ]
    assert sheet.cell(row=2, column=3).number_format == "yyyy-mm-dd"
    movers = [r for r in rows if r[1] == "Biggest movers"]
    assert [r[5] for r in movers] == [-10_000, 6_000, -1_000]
    visits = [r[8] for r in rows if r[1] == "On-site visits"]
    assert visits == ["V1", "V7"]
    total = sum(len(f.records) for f in document.figures.figures)
    assert len(rows) == total


def test_chinese_sheet_names_and_labels(document, tmp_path, chinese) -> None:
    book = load_workbook(write_report_xlsx(document, tmp_path / "r.xlsx"))
    assert book.sheetnames[0] != "Figures"  # translated
    assert "湖南昇辉机械制造有限公司" in [c.value for c in book[book.sheetnames[2]]["D"]]
