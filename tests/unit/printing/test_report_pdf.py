"""The report PDF: text extracted with pypdf shows the figures, the narrative, the plan and the
Chinese names exactly; every font is embedded."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from kamdesk.domain import reports
from kamdesk.domain.reports import PlanItem, PlanReview, Section, TeamAverages
from kamdesk.models.enums import ReportKind
from kamdesk.printing.report_pdf import write_report_pdf
from tests.reports_dataset import ME, open_handbuilt

NOW = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)


def build(tmp_path, kind=ReportKind.WEEKLY, day=date(2026, 1, 1), team=None):
    store = open_handbuilt(tmp_path)
    try:
        with store.sessions.begin() as session:
            scope = reports.scope_of(session, ME)
            return reports.build_report(session, kind, day, scope, team, now=NOW)
    finally:
        store.close()


def text_of(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def fonts_of(path) -> list[tuple[str, bool]]:
    found = []
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            found.append((str(font["/BaseFont"]), embedded))
    return found


@pytest.fixture
def weekly(tmp_path):
    document = build(tmp_path, team=TeamAverages(3.0, 1.5, 2.0, 6, NOW))
    document.content.text(Section.ACCOUNTS).reasons = "岳阳自来水被电信低价挖走；璟泰试用后未续约。"
    document.content.text(Section.SUGGESTIONS).measures = "客户建议开通7×24小时故障专线"
    document.content.review.append(PlanReview(PlanItem("整理12月欠费清单"), False, "财务系统元旦停机"))
    document.content.plan.append(PlanItem("上门拜访昇辉机械信息中心", "acc-A", "湖南昇辉机械制造有限公司"))
    return document


def test_pdf_text_carries_figures_records_narrative_and_plan(weekly, tmp_path) -> None:
    path = write_report_pdf(weekly, tmp_path / "周报.pdf")
    text = text_of(path)
    assert "Weekly report 2026-W01 (2025-12-29 – 2026-01-04)" in text
    assert "李明" in text
    for expected in (
        "Billed revenue",
        "¥130,000.00",
        "¥135,000.00",
        "-3.7%",
        "Revenue is the billed month 2025-12",
        "湘潭璟泰物流有限公司",  # added and lost in the same week
        "转网至中国电信",
        "岳阳自来水被电信低价挖走；璟泰试用后未续约。",
        "客户建议开通7×24小时故障专线",
        "整理12月欠费清单",
        "财务系统元旦停机",
        "上门拜访昇辉机械信息中心",
        "Team average per manager (6 managers)",
        "SMS sent: 1 is below the team average of 2: write why.",  # still missing in the draft
        "Revenue trend (10,000 yuan)",
        "Activity against the cadence and the team average",
    ):
        assert expected in text, expected
    assert "Billed revenue fell from" in text  # revenue reason not yet written
    assert "Accounts were lost" not in text  # that one is answered


def test_every_font_is_embedded(weekly, tmp_path) -> None:
    fonts = fonts_of(write_report_pdf(weekly, tmp_path / "r.pdf"))
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert any("WenQuanYi" in name for name, _embedded in fonts)


def test_no_team_figure_is_said_not_invented(tmp_path) -> None:
    text = text_of(write_report_pdf(build(tmp_path), tmp_path / "r.pdf"))
    assert "No team figure is available" in text
    assert "below the team average" not in text


def test_monthly_pdf_lists_its_weeks_in_chinese(tmp_path, chinese) -> None:
    document = build(tmp_path, ReportKind.MONTHLY, date(2025, 12, 1))
    text = text_of(write_report_pdf(document, tmp_path / "月报.pdf"))
    assert "2025-12" in text and "2026-W01" in text and "12-29 – 12-31" in text
    assert "月报" in text  # the title is translated
