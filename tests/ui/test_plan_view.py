"""The Plan page: plan my week on a worker thread, move and drop proposals, accept, move and drop visits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from kamdesk.models.enums import Tier, VisitKind
from kamdesk.store.database import Store
from kamdesk.ui.alert_service import AlertService
from kamdesk.ui.plan_view import VISIT_ID_ROLE, PlanView
from tests.unit.domain.alerting import NOW, Portfolio

pytestmark = pytest.mark.qt
MONDAY = date(2026, 11, 23)


def test_plan_my_week_accept_then_move_and_drop(qtbot, store: Store) -> None:
    portfolio = Portfolio(store)
    accounts = []
    for name, city in (
        ("长沙市芙蓉区财政局", "长沙市"),
        ("株洲市荷塘区教育局", "株洲市"),
        ("湘潭市雨湖区公安局", "湘潭市"),
    ):
        account = portfolio.account(name=name, tier=Tier.A1, city=city)
        portfolio.visit(account, VisitKind.ONSITE, MONDAY - timedelta(days=60))
        accounts.append(account)

    view = PlanView(AlertService(store.sessions, clock=lambda: NOW), store.sessions)
    qtbot.addWidget(view)
    assert view.week == MONDAY and view.badge_text() == "Plan"
    with qtbot.waitSignal(view.plan_ready, timeout=20_000):
        view.plan_button.click()
    assert view.proposal_panel.isVisibleTo(view)
    plan = view.plan
    assert {p.account_id for p in plan.proposals if p.kind is VisitKind.ONSITE} == set(accounts)
    assert plan.unplaced == ()
    assert view.unplaced_label.text() == "Every account due this week fits."

    # move the first proposal to Wednesday, drop the second
    view.proposals_table.selectRow(0)
    view.proposal_day.setCurrentIndex(2)
    view.proposal_move_button.click()
    moved = next(
        p
        for p in view.plan.proposals
        if p.account_id == plan.proposals[0].account_id and p.kind is plan.proposals[0].kind
    )
    assert moved.day == MONDAY + timedelta(days=2)
    count = len(view.plan.proposals)
    view.proposals_table.selectRow(0)
    view.proposal_drop_button.click()
    assert len(view.plan.proposals) == count - 1

    view.accept_button.click()
    assert not view.proposal_panel.isVisibleTo(view)
    shown = sum(day_list.count() for day_list in view.day_lists)
    assert shown == count - 1 and view.badge_text() == f"Plan ({count - 1})"

    # carrying out a planned visit records it (the quick-log stand-in for the visit form)
    monday = view.day_lists[0]
    assert monday.count() >= 1
    before = sum(day_list.count() for day_list in view.day_lists)
    view.open_visit_requested.emit(monday.item(0).data(VISIT_ID_ROLE))
    view.active_dialog.summary.setPlainText("上门拜访信息中心主任，确认专线扩容需求")
    view.active_dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert sum(day_list.count() for day_list in view.day_lists) == before - 1
    count -= 1

    wednesday = view.day_lists[2]
    assert wednesday.count() >= 1
    wednesday.setCurrentRow(0)
    assert view.drop_button.isEnabled()
    view.drop_button.click()
    assert sum(day_list.count() for day_list in view.day_lists) == count - 2

    view.next_button.click()
    assert view.week == MONDAY + timedelta(days=7)
    assert sum(day_list.count() for day_list in view.day_lists) == 0


def test_unfittable_accounts_are_listed(qtbot, store: Store) -> None:
    from kamdesk.domain.planning import Capacity

    portfolio = Portfolio(store)
    for n in range(7):
        account = portfolio.account(name=f"湖南麓谷软件有限公司{n}", tier=Tier.A1)
        portfolio.visit(account, VisitKind.ONSITE, MONDAY - timedelta(days=60 + n))
        portfolio.visit(account, VisitKind.PHONE, MONDAY)
    view = PlanView(AlertService(store.sessions, clock=lambda: NOW), store.sessions)
    qtbot.addWidget(view)
    view.capacity = Capacity(onsite_per_day=1)
    with qtbot.waitSignal(view.plan_ready, timeout=20_000):
        view.plan_my_week()
    assert view.unplaced_label.text() == "2 visits could not be fitted into this week"
    assert [view.unplaced_model.index(r, 3).data() for r in range(2)] == ["No free slot this week"] * 2
    assert {view.unplaced_model.index(r, 0).data() for r in range(2)} == {
        "湖南麓谷软件有限公司0",
        "湖南麓谷软件有限公司1",
    }
