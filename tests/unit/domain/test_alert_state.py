"""Snoozed and closed alerts, closure by the visit that answers them, incremental evaluation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from kamdesk.domain import alerts, contact_log
from kamdesk.domain.alerts import AlertBoard, AlertKind, AlertSettings
from kamdesk.errors import UserError
from kamdesk.models import AlertState, OutboxEntry, Visit
from kamdesk.models.enums import VisitKind, VisitStatus
from kamdesk.store.database import Store
from tests.unit.domain.alerting import NOW, Portfolio

TODAY = date(2026, 11, 23)


def revenue_drop_account(portfolio: Portfolio) -> str:
    account = portfolio.account(name="湖南星城机械制造有限公司")
    portfolio.revenue(account, {date(2026, 9, 1): 50_000, date(2026, 10, 1): 20_000})
    return account


def revenue_alerts(store: Store, now: datetime = NOW) -> list:
    with store.sessions() as session:
        return [a for a in alerts.open_alerts(session, now) if a.kind is AlertKind.REVENUE_DROP]


def test_snoozed_alert_hides_until_its_day_and_keeps_the_reason(store: Store) -> None:
    portfolio = Portfolio(store)
    revenue_drop_account(portfolio)
    (alert,) = revenue_alerts(store)
    with store.sessions.begin() as session:
        info = alerts.snooze(session, alert, TODAY + timedelta(days=3), "  客户财务出差，周四回来  ", TODAY)
    assert (info.status, info.reason, info.snoozed_until) == (
        "snoozed",
        "客户财务出差，周四回来",
        date(2026, 11, 26),
    )
    assert revenue_alerts(store) == []
    assert revenue_alerts(store, NOW + timedelta(days=2)) == []
    assert [a.key for a in revenue_alerts(store, NOW + timedelta(days=3))] == [alert.key]


@pytest.mark.parametrize(("until", "reason"), [(TODAY + timedelta(days=1), " "), (TODAY, "出差")])
def test_snooze_needs_a_reason_and_a_later_day(store: Store, until: date, reason: str) -> None:
    portfolio = Portfolio(store)
    revenue_drop_account(portfolio)
    (alert,) = revenue_alerts(store)
    with pytest.raises(UserError), store.sessions.begin() as session:
        alerts.snooze(session, alert, until, reason, TODAY)


def test_alert_closed_by_a_phone_visit_stays_closed_for_the_same_cause(store: Store) -> None:
    portfolio = Portfolio(store)
    account = revenue_drop_account(portfolio)
    (alert,) = revenue_alerts(store)

    with store.sessions.begin() as session:
        info = contact_log.answer_alert(session, alert, VisitKind.PHONE, "客户说明10月部分专线停用，11月恢复")
    assert (info.status, info.closed_by_entity) == ("closed", "visits")

    with store.sessions() as session:
        visit = session.get(Visit, info.closed_by_id)
        assert (visit.account_id, visit.kind, visit.status) == (
            account,
            VisitKind.PHONE,
            VisitStatus.SUBMITTED,
        )
        entry = session.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == visit.id)).one()
        assert (entry.entity, entry.op) == ("visits", "insert")
    assert revenue_alerts(store) == []

    # The same cause (October's drop) does not come back on later days of the month …
    assert revenue_alerts(store, NOW + timedelta(days=5)) == []
    # … but a new cause (November's bill falling too, seen in December) is a new alert.
    portfolio.revenue(account, {date(2026, 11, 1): 10_000})
    later = revenue_alerts(store, NOW + timedelta(days=10))
    assert [a.key for a in later] == [f"revenue_drop:{account}:2026-11"]


def test_a_closed_alert_stays_closed_by_its_state_alone(store: Store) -> None:
    """Closure is stored, not only derived: closed by a record the rules do not look at (a
    complaint, a task), the alert stays closed for its cause."""
    portfolio = Portfolio(store)
    revenue_drop_account(portfolio)
    (alert,) = revenue_alerts(store)
    with store.sessions.begin() as session:
        alerts.close(session, alert, "tasks", "t-1")
    assert revenue_alerts(store) == []
    assert revenue_alerts(store, NOW + timedelta(days=7)) == []


def test_closed_alert_cannot_be_snoozed(store: Store) -> None:
    portfolio = Portfolio(store)
    revenue_drop_account(portfolio)
    (alert,) = revenue_alerts(store)
    with store.sessions.begin() as session:
        alerts.close(session, alert, "visits", "v1")
    with pytest.raises(UserError), store.sessions.begin() as session:
        alerts.snooze(session, alert, TODAY + timedelta(days=2), "出差", TODAY)


def test_complaint_alert_closed_by_the_answer(store: Store) -> None:
    portfolio = Portfolio(store)
    complaint = portfolio.complaint(portfolio.account(), NOW - timedelta(hours=50))
    with store.sessions() as session:
        assert [
            a.subject_id for a in alerts.open_alerts(session, NOW) if a.kind is AlertKind.COMPLAINT_OVERDUE
        ] == [complaint]
    with store.sessions.begin() as session:
        contact_log.answer_complaint(session, complaint, "已安排网络部更换光模块，明日恢复")
    with store.sessions() as session:
        assert not [a for a in alerts.open_alerts(session, NOW) if a.kind is AlertKind.COMPLAINT_OVERDUE]


def test_incremental_evaluation_of_one_account_matches_a_full_evaluation(demo_store: Store) -> None:
    board = AlertBoard()
    with demo_store.sessions() as session:
        board.apply(alerts.evaluate(session, NOW))
    before = board.open_alerts()
    target = next(a for a in before if a.kind is AlertKind.VISIT_OVERDUE and a.visit_kind is VisitKind.PHONE)
    untouched = [a.key for a in before if a.account_id != target.account_id]

    with demo_store.sessions.begin() as session:
        contact_log.answer_alert(session, target, VisitKind.PHONE, "电话回访，客户无新需求")
    with demo_store.sessions() as session:
        partial = alerts.evaluate(session, NOW, account_ids=[target.account_id])
        assert partial.account_ids == frozenset({target.account_id})
        board.apply(partial)
        full = AlertBoard()
        full.apply(alerts.evaluate(session, NOW))

    assert [a.key for a in board.open_alerts()] == [a.key for a in full.open_alerts()]
    assert [a.key for a in board.open_alerts() if a.account_id != target.account_id] == untouched
    assert target.key not in {a.key for a in board.open_alerts()}
    assert board.state_of(target.key).status == "closed"


def test_settings_are_saved_in_the_store(store: Store) -> None:
    with store.sessions.begin() as session:
        assert alerts.load_settings(session) == AlertSettings()
        alerts.save_settings(session, AlertSettings(birthday_days=3, revenue_drop_percent=30))
    with store.sessions() as session:
        loaded = alerts.load_settings(session)
    assert (loaded.birthday_days, loaded.revenue_drop_percent, loaded.contract_days) == (3, 30, 30)


def test_alert_state_is_local_and_never_in_the_outbox(store: Store) -> None:
    portfolio = Portfolio(store)
    revenue_drop_account(portfolio)
    (alert,) = revenue_alerts(store)
    with store.sessions.begin() as session:
        alerts.snooze(session, alert, TODAY + timedelta(days=1), "出差", TODAY)
    with store.sessions() as session:
        assert session.scalars(select(OutboxEntry)).all() == []
        assert session.get(AlertState, alert.key).reason == "出差"
