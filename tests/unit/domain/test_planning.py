""" "Plan my week": meets cadence where it can, groups days by place, names what does not fit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from kamdesk.domain import planning
from kamdesk.domain.planning import Capacity, UnplacedReason
from kamdesk.errors import UserError
from kamdesk.models import OutboxEntry, Visit
from kamdesk.models.enums import Tier, VisitKind, VisitStatus
from kamdesk.store.database import Store
from tests.unit.domain.alerting import Portfolio

MONDAY = date(2026, 11, 23)
FRIDAY = MONDAY + timedelta(days=4)


def a1_account(portfolio: Portfolio, name: str, city: str, district: str, last_onsite: date) -> str:
    """An A1 account, phone cadence met, on-site visit due 46 days after ``last_onsite``."""
    account = portfolio.account(name=name, tier=Tier.A1, city=city, district=district)
    portfolio.visit(account, VisitKind.ONSITE, last_onsite)
    portfolio.visit(account, VisitKind.PHONE, MONDAY - timedelta(days=1))
    return account


def onsite(plan: planning.WeekPlan) -> list[planning.Proposal]:
    return [p for p in plan.proposals if p.kind is VisitKind.ONSITE]


def test_a_feasible_portfolio_is_planned_on_cadence_and_by_place(store: Store) -> None:
    portfolio = Portfolio(store)
    due = {
        # due Tuesday … Friday, or already overdue
        a1_account(portfolio, "长沙市芙蓉区财政局", "长沙市", "芙蓉区", MONDAY - timedelta(days=45)): MONDAY
        + timedelta(days=1),
        a1_account(portfolio, "长沙市芙蓉区公安局", "长沙市", "芙蓉区", MONDAY - timedelta(days=43)): MONDAY
        + timedelta(days=3),
        a1_account(portfolio, "长沙市天心区税务局", "长沙市", "天心区", MONDAY - timedelta(days=60)): MONDAY
        - timedelta(days=14),
        a1_account(portfolio, "株洲市荷塘区教育局", "株洲市", "荷塘区", MONDAY - timedelta(days=44)): MONDAY
        + timedelta(days=2),
        a1_account(
            portfolio, "株洲市荷塘区中心医院", "株洲市", "荷塘区", MONDAY - timedelta(days=42)
        ): FRIDAY,
        a1_account(
            portfolio, "湘潭市雨湖区人民政府办公室", "湘潭市", "雨湖区", MONDAY - timedelta(days=50)
        ): MONDAY - timedelta(days=4),
    }
    not_due = a1_account(portfolio, "长沙市开福区交通运输局", "长沙市", "开福区", MONDAY - timedelta(days=10))

    with store.sessions() as session:
        plan = planning.propose_week(session, MONDAY, MONDAY, Capacity(onsite_per_day=3))

    visits = onsite(plan)
    assert plan.unplaced == ()
    assert {p.account_id: p.due for p in visits} == due
    assert not_due not in {p.account_id for p in plan.proposals}
    for proposal in visits:
        assert MONDAY <= proposal.day <= FRIDAY
        assert proposal.on_cadence or proposal.overdue_days > 0
    most_overdue = max(visits, key=lambda p: p.overdue_days)
    assert most_overdue.day == MONDAY  # the most urgent city is visited first
    for day in plan.days:
        assert len({p.city for p in plan.on_day(day) if p.kind is VisitKind.ONSITE}) <= 1  # one city a day


def test_an_infeasible_portfolio_names_the_accounts_that_do_not_fit(store: Store) -> None:
    portfolio = Portfolio(store)
    names = [f"湖南麓谷软件有限公司{n}" for n in range(7)]
    for n, name in enumerate(names):
        a1_account(portfolio, name, "长沙市", "岳麓区", MONDAY - timedelta(days=60 + n))  # all overdue
    due_tuesday = a1_account(portfolio, "长沙市雨花区税务局", "长沙市", "雨花区", MONDAY - timedelta(days=45))

    with store.sessions() as session:
        plan = planning.propose_week(session, MONDAY, MONDAY, Capacity(onsite_per_day=1))

    assert len(onsite(plan)) == 5
    # the most overdue are planned first; the least urgent are named with the reason
    assert {u.account_name: u.reason for u in plan.unplaced} == {
        names[0]: UnplacedReason.NO_SLOT,
        names[1]: UnplacedReason.NO_SLOT,
        "长沙市雨花区税务局": UnplacedReason.NO_SLOT,
    }
    assert due_tuesday not in {p.account_id for p in plan.proposals}


def test_a_visit_due_this_week_that_cannot_be_placed_before_its_due_date(store: Store) -> None:
    portfolio = Portfolio(store)
    a1_account(portfolio, "长沙市芙蓉区财政局", "长沙市", "芙蓉区", MONDAY - timedelta(days=60))
    a1_account(portfolio, "长沙市芙蓉区公安局", "长沙市", "芙蓉区", MONDAY - timedelta(days=59))
    a1_account(
        portfolio, "长沙市芙蓉区教育局", "长沙市", "芙蓉区", MONDAY - timedelta(days=45)
    )  # due Tuesday
    with store.sessions() as session:
        plan = planning.propose_week(session, MONDAY, MONDAY + timedelta(days=1), Capacity(onsite_per_day=1))
    # Only Tuesday to Friday remain; Tuesday goes to the most overdue account.
    assert [(u.account_name, u.reason) for u in plan.unplaced] == [
        ("长沙市芙蓉区教育局", UnplacedReason.NO_SLOT_BEFORE_DUE)
    ]


def test_a_past_week_has_no_days_left(store: Store) -> None:
    portfolio = Portfolio(store)
    a1_account(portfolio, "长沙市芙蓉区财政局", "长沙市", "芙蓉区", MONDAY - timedelta(days=60))
    with store.sessions() as session:
        plan = planning.propose_week(session, MONDAY - timedelta(days=7), MONDAY)
    assert plan.proposals == () and {u.reason for u in plan.unplaced} == {UnplacedReason.NO_DAYS_LEFT}


def test_accept_move_and_drop_write_planned_visits_through_the_outbox(store: Store) -> None:
    portfolio = Portfolio(store)
    a1_account(portfolio, "长沙市芙蓉区财政局", "长沙市", "芙蓉区", MONDAY - timedelta(days=60))
    a1_account(portfolio, "株洲市荷塘区教育局", "株洲市", "荷塘区", MONDAY - timedelta(days=60))
    with store.sessions() as session:
        plan = planning.propose_week(session, MONDAY, MONDAY)
    first, second = onsite(plan)
    plan = plan.moved(second, MONDAY + timedelta(days=2))
    with store.sessions.begin() as session:
        ids = planning.accept(session, plan.proposals)
    with store.sessions() as session:
        planned = planning.planned_visits(session, MONDAY, MONDAY + timedelta(days=6))
        entries = session.scalars(select(OutboxEntry).where(OutboxEntry.entity == "visits")).all()
    assert {v.id for v in planned} == set(ids)
    assert {(v.account_id, v.day) for v in planned} == {
        (first.account_id, MONDAY),
        (second.account_id, MONDAY + timedelta(days=2)),
    }
    assert [e.op for e in entries] == ["insert"] * len(ids)
    # Planned visits are not proposed again.
    with store.sessions() as session:
        assert planning.propose_week(session, MONDAY, MONDAY).proposals == ()

    moved = next(v for v in planned if v.account_id == first.account_id)
    with store.sessions.begin() as session:
        planning.move_planned(session, moved.id, MONDAY + timedelta(days=3))
        planning.drop_planned(session, next(v.id for v in planned if v.id != moved.id))
    with store.sessions() as session:
        left = planning.planned_visits(session, MONDAY, MONDAY + timedelta(days=6))
        assert [(v.id, v.day) for v in left] == [(moved.id, MONDAY + timedelta(days=3))]
        assert left[0].planned_at.time() == moved.planned_at.time()
        dropped = session.scalars(select(Visit).where(Visit.status == VisitStatus.CANCELLED)).one()
        assert dropped.deleted is False
    with pytest.raises(UserError), store.sessions.begin() as session:
        planning.drop_planned(session, dropped.id)


def test_carrying_out_a_planned_visit_submits_it(store: Store) -> None:
    from kamdesk.domain import contact_log

    portfolio = Portfolio(store)
    account = portfolio.account()
    with store.sessions.begin() as session:
        visit_id = planning.plan_visit(session, account, VisitKind.PHONE, MONDAY - timedelta(days=1))
    with store.sessions.begin() as session:
        done = contact_log.record_contact(
            session, account, VisitKind.PHONE, "电话回访，客户满意", planned_visit_id=visit_id
        )
    with store.sessions() as session:
        visit = session.get(Visit, done)
        assert (done, visit.status) == (visit_id, VisitStatus.SUBMITTED)


def test_an_account_never_contacted_and_without_a_start_day_is_due_today(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account(name="衡阳市蒸湘区城市管理局", tier=Tier.C, customer_since=None)
    with store.sessions() as session:
        plan = planning.propose_week(session, MONDAY, MONDAY)
    assert {(p.account_id, p.kind, p.due, p.day) for p in plan.proposals} == {
        (account, VisitKind.ONSITE, MONDAY, MONDAY),
        (account, VisitKind.PHONE, MONDAY, MONDAY),
    }
    portfolio.visit(account, VisitKind.ONSITE, MONDAY)  # counts for the phone cadence too
    with store.sessions() as session:
        assert planning.propose_week(session, MONDAY, MONDAY).proposals == ()
