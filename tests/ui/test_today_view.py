"""The Today page acting on alerts end to end: alert → phone visit → closed; snooze; lists; badge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from kamdesk.domain.alerts import AlertKind
from kamdesk.models import AlertState, OutboxEntry, Task, Visit
from kamdesk.models.enums import VisitKind, VisitStatus
from kamdesk.store.database import Store
from kamdesk.store.outbox import applying_remote
from kamdesk.ui.alert_dialogs import QuickLogDialog, SnoozeDialog
from kamdesk.ui.alert_service import AlertService
from kamdesk.ui.today_view import TodayView
from tests.unit.domain.alerting import NOW, Portfolio

pytestmark = pytest.mark.qt


def make_view(qtbot, store: Store) -> TodayView:
    service = AlertService(store.sessions, clock=lambda: NOW)
    with qtbot.waitSignal(service.changed, timeout=20_000):
        view = TodayView(service, store.sessions)
    qtbot.addWidget(view)
    return view


def click_ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


@pytest.fixture
def dropping(store: Store) -> str:
    portfolio = Portfolio(store)
    account = portfolio.account(name="湖南湘江机械制造有限公司")
    portfolio.revenue(account, {date(2026, 9, 1): 52_300, date(2026, 10, 1): 31_000})
    portfolio.visit(account, VisitKind.PHONE, date(2026, 10, 31))
    portfolio.visit(account, VisitKind.ONSITE, date(2026, 10, 31))
    return account


def test_alert_to_phone_visit_to_closed(qtbot, store: Store, dropping: str, chinese: None) -> None:
    view = make_view(qtbot, store)
    (alert,) = [a for a in view.alerts_model.rows if a.kind is AlertKind.REVENUE_DROP]
    assert view.select_alert(alert.key)
    assert view.action_button.text() == "记录电话回访"
    assert "近3月均值 ¥52,300" in view.alerts_model.index(0, 3).data()

    with qtbot.waitSignal(view.log_visit_requested) as requested:
        view.action_button.click()
    assert requested.args == [dropping, "phone", alert.key]
    dialog = view.active_dialog
    assert isinstance(dialog, QuickLogDialog) and dialog.isVisible()
    assert dialog.visit_kind() is VisitKind.PHONE

    click_ok(dialog)  # no summary yet: refused in words, the dialog stays open
    assert dialog.error.text() == "请填写回访内容。" and dialog.isVisible()

    dialog.summary.setPlainText("客户10月停用两条专线，11月恢复；约下周上门谈扩容")
    with qtbot.waitSignal(view.service.changed):
        click_ok(dialog)

    assert alert.key not in {a.key for a in view.alerts_model.rows}
    with store.sessions() as session:
        state = session.get(AlertState, alert.key)
        visit = session.get(Visit, state.closed_by_id)
        outboxed = session.scalars(select(OutboxEntry.entity).where(OutboxEntry.entity_id == visit.id)).all()
    assert (state.status, state.closed_by_entity) == ("closed", "visits")
    assert (visit.account_id, visit.kind, visit.status) == (dropping, VisitKind.PHONE, VisitStatus.SUBMITTED)
    assert outboxed == ["visits"]

    view.service.refresh_now()  # a full re-check does not bring it back
    assert alert.key not in {a.key for a in view.alerts_model.rows}


def test_snooze_from_the_page_needs_a_reason(qtbot, store: Store, dropping: str) -> None:
    view = make_view(qtbot, store)
    (alert,) = [a for a in view.alerts_model.rows if a.kind is AlertKind.REVENUE_DROP]
    view.select_alert(alert.key)
    view.snooze_button.click()
    dialog = view.active_dialog
    assert isinstance(dialog, SnoozeDialog)
    assert dialog.until_day() == date(2026, 11, 26)
    click_ok(dialog)
    assert dialog.error.text() == "Say why you snooze this alert." and dialog.isVisible()
    dialog.reason.setPlainText("财务负责人休假，周四回来")
    with qtbot.waitSignal(view.service.changed):
        click_ok(dialog)
    assert alert.key not in {a.key for a in view.alerts_model.rows}
    assert view.service.board.state_of(alert.key).reason == "财务负责人休假，周四回来"


def test_first_evaluation_runs_off_the_gui_thread_and_fills_the_lists(qtbot, store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account(name="长沙市天心区人民政府办公室")
    portfolio.visit(account, VisitKind.ONSITE, NOW + timedelta(hours=3), status=VisitStatus.PLANNED)
    portfolio.complaint(account, NOW - timedelta(hours=40))  # due in 8 h
    with store.sessions.begin() as session, applying_remote(session):
        session.add(Task(account_id=account, title="核实欠费原因", due_on=date(2026, 11, 23), rev=1))

    service = AlertService(store.sessions, clock=lambda: NOW)
    view = TodayView(service, store.sessions)
    qtbot.addWidget(view)
    assert view.summary.text() == "Checking the portfolio for alerts…"
    qtbot.waitUntil(lambda: service.board.ready, timeout=20_000)

    assert [v.account_id for v in view.planned_model.rows] == [account]
    assert [round(c.hours_left) for c in view.complaints_model.rows] == [8]
    assert [t.title for t in view.tasks_model.rows] == ["核实欠费原因"]
    assert {r.account_id for r in view.overdue_model.rows} == {account}
    assert view.tabs.tabText(1) == "Planned today (1)"
    assert view.badge_text() == f"Today ({len(view.alerts_model.rows) + 2})"


def test_plan_a_visit_from_an_overdue_alert(qtbot, store: Store) -> None:
    from kamdesk.models.enums import Tier
    from kamdesk.ui.alert_dialogs import PlanVisitDialog

    portfolio = Portfolio(store)
    account = portfolio.account(tier=Tier.A1)
    portfolio.visit(account, VisitKind.PHONE, date(2026, 11, 20))
    view = make_view(qtbot, store)
    (alert,) = [a for a in view.alerts_model.rows if a.kind is AlertKind.VISIT_OVERDUE]
    view.select_alert(alert.key)
    assert view.action_button.text() == "Plan a visit"
    view.action_button.click()
    dialog = view.active_dialog
    assert isinstance(dialog, PlanVisitDialog) and dialog.visit_kind() is VisitKind.ONSITE
    click_ok(dialog)
    with store.sessions() as session:
        planned = session.scalars(select(Visit).where(Visit.status == VisitStatus.PLANNED)).one()
    assert (planned.account_id, planned.kind) == (account, VisitKind.ONSITE)


def test_today_comes_first_and_shows_counts_in_the_navigation(qtbot, demo_store: Store) -> None:
    from kamdesk.app import build_sections
    from kamdesk.ui.main_window import MainWindow

    sections = build_sections(demo_store)
    assert [s.key for s in sections][:1] == ["today"] and "plan" in [s.key for s in sections]
    window = MainWindow(demo_store, sections, demo=True)
    qtbot.addWidget(window)
    today = window.sections["today"]
    qtbot.waitUntil(lambda: today.service.board.ready, timeout=30_000)
    assert window.navigation.item(0).text() == today.badge_text()
    assert window.navigation.item(0).text().startswith("Today (")
    assert window.stack.currentWidget() is today


def test_alert_model_passes_the_model_tester(qtbot, qtmodeltester, store: Store, dropping: str) -> None:
    view = make_view(qtbot, store)
    qtmodeltester.check(view.alerts_model)
    assert view.alerts_model.headerData(1, Qt.Orientation.Horizontal) == "Alert"
