"""The Reports section driven like a manager would: build the week, see the required reasons
inline, write them, submit, open a figure's records, export PDF and XLSX off the GUI thread."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from kamdesk.domain.reports import Section
from kamdesk.models import OutboxEntry, Report
from kamdesk.models.enums import ReportKind, ReportStatus
from kamdesk.ui.reports_view import ReportsView
from tests.reports_dataset import open_handbuilt

pytestmark = pytest.mark.qt
NEW_YEAR = date(2026, 1, 1)


@pytest.fixture
def store(tmp_path):
    opened = open_handbuilt(tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, store):
    widget = ReportsView(store, today=NEW_YEAR)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    yield widget
    widget.tasks.wait()


def build_week(qtbot, view):
    with qtbot.waitSignal(view.opened, timeout=20_000) as opened:
        view.week_button.click()
    return opened.args[0]


def test_required_reasons_are_shown_inline_and_block_submit(qtbot, view, store) -> None:
    document = build_week(qtbot, view)
    assert document.period.label == "2026-W01"
    editor = view.editor
    accounts = editor.sections[Section.ACCOUNTS]
    assert not accounts.required.isHidden() and "Accounts were lost" in accounts.required.text()
    assert "On-site visits fell from 3 to 2" in editor.sections[Section.ACTIVITY].required.text()
    assert editor.sections[Section.NEEDS].required.isHidden()
    assert not editor.submit_button.isEnabled()
    assert "Before you can submit" in editor.missing.text()

    accounts.reasons.setPlainText("岳阳自来水被电信低价挖走；璟泰试用后未续约。")
    editor.sections[Section.REVENUE].reasons.setPlainText("昇辉机械12月停产检修。")
    assert not editor.submit_button.isEnabled()
    assert accounts.required.text() == "✓ Reason written."
    editor.sections[Section.ACTIVITY].reasons.setPlainText("元旦假期客户放假。")
    assert editor.submit_button.isEnabled() and editor.missing.text() == ""

    with qtbot.waitSignal(view.submitted, timeout=20_000):
        editor.submit_button.click()
    assert view.editor.document.status is ReportStatus.SUBMITTED
    assert editor.sections[Section.ACCOUNTS].reasons.isReadOnly()
    assert not editor.submit_button.isEnabled()
    with store.sessions() as session:
        report = session.scalars(select(Report)).one()
        assert report.status is ReportStatus.SUBMITTED
        assert report.narrative["sections"]["accounts"]["reasons"].startswith("岳阳自来水")
        assert (
            session.scalars(select(OutboxEntry).where(OutboxEntry.entity == "reports")).one().op == "insert"
        )


def test_typing_autosaves_the_draft(qtbot, view, store) -> None:
    document = build_week(qtbot, view)
    with qtbot.waitSignal(view.saved, timeout=20_000):
        view.editor.sections[Section.SUGGESTIONS].measures.setPlainText("客户建议开通7×24小时故障专线")
    with store.sessions() as session:
        report = session.get(Report, document.id)
        assert report.narrative["sections"]["suggestions"]["measures"] == "客户建议开通7×24小时故障专线"


def test_plan_items_are_saved_with_their_account(qtbot, view, store) -> None:
    document = build_week(qtbot, view)
    plan = view.editor.plan
    plan.add_button.click()
    plan.plan.item(0, 0).setText("上门拜访昇辉机械信息中心")
    combo = plan.plan.cellWidget(0, 1)
    combo.setCurrentIndex(combo.findData("acc-A"))
    view.save_now()
    view.tasks.wait()
    qtbot.waitUntil(lambda: not view.tasks.busy(), timeout=20_000)
    with store.sessions() as session:
        saved = session.get(Report, document.id).plan
    assert [(p["text"], p["account_id"], p["account_name"]) for p in saved] == [
        ("上门拜访昇辉机械信息中心", "acc-A", "湖南昇辉机械制造有限公司")
    ]


def test_a_figure_opens_to_its_records(qtbot, view) -> None:
    build_week(qtbot, view)
    dialog = view.editor.open_figure("accounts.lost")
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.rowCount() == 2
    assert [model.index(r, 1).data() for r in range(2)] == ["岳阳市自来水有限公司", "湘潭璟泰物流有限公司"]
    assert model.index(0, 2).data() == "转网至中国电信"


def test_exports_run_off_the_gui_thread_and_write_files(qtbot, view, tmp_path) -> None:
    build_week(qtbot, view)
    view.editor.sections[Section.COMPETITORS].reasons.setPlainText("电信千兆专线五折抢客")
    with qtbot.waitSignal(view.exported, timeout=30_000):
        view.export_to("pdf", tmp_path / "周报.pdf")
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "周报.pdf").pages)
    assert "电信千兆专线五折抢客" in text  # unsaved typing is exported too
    with qtbot.waitSignal(view.exported, timeout=30_000):
        view.export_to("xlsx", tmp_path / "周报.xlsx")
    assert load_workbook(tmp_path / "周报.xlsx").sheetnames == ["Figures", "Narrative", "Details"]


def test_the_month_is_built_and_listed(qtbot, view) -> None:
    build_week(qtbot, view)
    with qtbot.waitSignal(view.opened, timeout=20_000) as opened:
        view.month_button.click()
    assert opened.args[0].period.kind is ReportKind.MONTHLY and opened.args[0].period.label == "2026-01"
    assert [row.period.label for row in view.model.rows] == ["2026-01", "2026-W01"]


def test_the_reports_section_is_registered_in_the_app(qtbot, demo_store) -> None:
    from kamdesk.app import build_sections

    section = next(s for s in build_sections(demo_store) if s.key == "reports")
    widget = section.build()
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.opened, timeout=30_000) as opened:
        widget.build(ReportKind.WEEKLY)
    assert opened.args[0].figures.value("accounts.portfolio_end") > 0
    widget.tasks.wait()


def test_any_past_period_can_be_built_from_its_date(qtbot, view) -> None:
    view.day_edit.setDate(date(2025, 12, 24))
    with qtbot.waitSignal(view.opened, timeout=20_000) as opened:
        view.week_button.click()
    assert opened.args[0].period.label == "2025-W52"


def test_a_submitted_report_is_corrected_through_a_new_draft(qtbot, view) -> None:
    build_week(qtbot, view)
    for section in (Section.ACCOUNTS, Section.REVENUE, Section.ACTIVITY):
        view.editor.sections[section].reasons.setPlainText("原因已写明")
    with qtbot.waitSignal(view.submitted, timeout=20_000) as submitted:
        view.editor.submit_button.click()
    assert not view.editor.amend_button.isHidden()
    with qtbot.waitSignal(view.opened, timeout=20_000) as opened:
        view.editor.amend_button.click()
    correction = opened.args[0]
    assert correction.amends_id == submitted.args[0].id and not correction.submitted
    assert (
        view.editor.amend_button.isHidden()
        and not view.editor.sections[Section.ACCOUNTS].reasons.isReadOnly()
    )
    assert [view.model.index(r, 2).data() for r in range(2)] == ["Correction draft", "Corrected"]
