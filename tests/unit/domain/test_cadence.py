from __future__ import annotations

from datetime import UTC, date, datetime

from kamdesk import models
from kamdesk.domain import cadence
from kamdesk.domain.cadence import DEFAULT_CADENCE, Rule, add_months_clamped
from kamdesk.models.enums import CadencePeriod, Tier, VisitKind
from kamdesk.store.database import Store
from kamdesk.store.outbox import applying_remote
from tests.unit.domain.alerting import Portfolio


def test_interval_in_calendar_months_clamps_to_month_ends() -> None:
    monthly = Rule(Tier.A1, VisitKind.PHONE, 1, CadencePeriod.MONTH)
    assert monthly.next_due(date(2027, 1, 31)) == date(2027, 2, 28)
    assert monthly.next_due(date(2028, 1, 31)) == date(2028, 2, 29)  # leap year
    assert monthly.next_due(date(2026, 12, 15)) == date(2027, 1, 15)
    assert Rule(Tier.B2, VisitKind.ONSITE, 2, CadencePeriod.YEAR).next_due(date(2026, 8, 31)) == date(
        2027, 2, 28
    )
    # Two per quarter does not divide into months: 46 days.
    assert Rule(Tier.A1, VisitKind.ONSITE, 2, CadencePeriod.QUARTER).next_due(date(2026, 1, 1)) == date(
        2026, 2, 16
    )
    assert add_months_clamped(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_default_policy_when_the_store_has_none(store: Store) -> None:
    with store.sessions() as session:
        policy = cadence.load_policy(session)
    assert len(policy.rules) == len(DEFAULT_CADENCE)
    assert Rule(Tier.A1, VisitKind.ONSITE, 2, CadencePeriod.QUARTER) in policy.for_tier(Tier.A1)


def test_team_rules_override_the_defaults_for_their_tier_and_kind(store: Store) -> None:
    with store.sessions.begin() as session, applying_remote(session):
        team = models.Team(name="长沙政企客户一部", rev=1)
        session.add(team)
        session.flush()
        for team_id, visits in ((None, 1), (team.id, 3)):
            session.add(
                models.CadenceRule(
                    team_id=team_id,
                    tier=Tier.A1,
                    visit_kind=VisitKind.ONSITE,
                    visits=visits,
                    period=CadencePeriod.QUARTER,
                    rev=1,
                )
            )
        session.add(
            models.CadenceRule(
                tier=Tier.C, visit_kind=VisitKind.PHONE, visits=1, period=CadencePeriod.YEAR, rev=1
            )
        )
        team_id = team.id
    with store.sessions() as session:
        policy = cadence.load_policy(session, team_id)
    assert policy.for_tier(Tier.A1) == (Rule(Tier.A1, VisitKind.ONSITE, 3, CadencePeriod.QUARTER),)
    assert policy.for_tier(Tier.C) == (Rule(Tier.C, VisitKind.PHONE, 1, CadencePeriod.YEAR),)


def test_account_status_last_visit_due_and_overdue(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account(tier=Tier.A1, customer_since=date(2026, 1, 1))
    portfolio.visit(account, VisitKind.ONSITE, date(2026, 10, 1))
    # 20:00 UTC on 31 Oct is 04:00 on 1 Nov in Shanghai.
    portfolio.visit(account, VisitKind.PHONE, datetime(2026, 10, 31, 20, 0, tzinfo=UTC))
    with store.sessions() as session:
        status = cadence.account_cadence(session, account, date(2026, 11, 23))
    kinds = {k.kind: k for k in status.kinds}
    assert (kinds[VisitKind.ONSITE].last_visit, kinds[VisitKind.ONSITE].due) == (
        date(2026, 10, 1),
        date(2026, 11, 16),
    )
    assert kinds[VisitKind.ONSITE].overdue_days == 7
    assert (kinds[VisitKind.PHONE].last_visit, kinds[VisitKind.PHONE].due) == (
        date(2026, 11, 1),
        date(2026, 12, 1),
    )
    assert status.overdue_days == 7 and status.next_due == date(2026, 11, 16)


def test_an_onsite_visit_counts_for_the_phone_cadence_not_the_reverse(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account(tier=Tier.B1, customer_since=date(2026, 1, 1))
    portfolio.visit(account, VisitKind.PHONE, date(2026, 6, 1))
    portfolio.visit(account, VisitKind.ONSITE, date(2026, 11, 2))
    with store.sessions() as session:
        kinds = {k.kind: k for k in cadence.account_cadence(session, account, date(2026, 11, 23)).kinds}
    assert kinds[VisitKind.PHONE].last_visit == date(2026, 6, 1)
    assert kinds[VisitKind.PHONE].due == date(2026, 12, 2)
    assert kinds[VisitKind.ONSITE].due == date(2027, 2, 2)


def test_never_visited_is_due_one_interval_after_becoming_a_customer(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account(tier=Tier.C, customer_since=date(2026, 10, 31))
    with store.sessions() as session:
        kinds = {k.kind: k for k in cadence.account_cadence(session, account, date(2026, 11, 23)).kinds}
    assert kinds[VisitKind.PHONE].last_visit is None
    assert kinds[VisitKind.PHONE].due == date(2027, 1, 31)
