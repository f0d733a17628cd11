"""Every alert rule at its boundaries, with dates computed in Asia/Shanghai on a UTC machine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kamdesk.domain import alerts
from kamdesk.domain.alerts import AlertKind, AlertSettings, Severity
from kamdesk.domain.alerts import text as alert_text
from kamdesk.domain.alerts.rules import next_birthday
from kamdesk.domain.clock import business_datetime
from kamdesk.models.enums import VisitKind
from kamdesk.store.database import Store
from tests.unit.domain.alerting import NOW, Portfolio


def found(store: Store, now: datetime, kind: AlertKind, settings: AlertSettings | None = None) -> list:
    with store.sessions() as session:
        return [a for a in alerts.open_alerts(session, now, settings or AlertSettings()) if a.kind is kind]


def at_shanghai(day: date, hour: int = 10) -> datetime:
    """A UTC moment that is ``hour`` o'clock on ``day`` in Shanghai."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=8)


# ----- birthdays
@pytest.mark.parametrize(
    ("born", "expected_days"),
    [
        (date(1980, 11, 23), 0),
        (date(1980, 11, 30), 7),  # last day of the 7-day window
        (date(1980, 12, 1), None),  # one day too far
        (date(1980, 11, 22), None),  # yesterday: next one is a year away
    ],
)
def test_birthday_window_edges(store: Store, born: date, expected_days: int | None) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account()
    portfolio.contact(account, born)
    hits = found(store, NOW, AlertKind.BIRTHDAY)
    if expected_days is None:
        assert hits == []
    else:
        assert [a.facts["days"] for a in hits] == [expected_days]
        assert hits[0].severity is (Severity.WARNING if expected_days == 0 else Severity.INFO)


def test_birthday_across_the_new_year(store: Store) -> None:
    portfolio = Portfolio(store)
    contact = portfolio.contact(portfolio.account(), date(1975, 1, 2))
    hits = found(store, at_shanghai(date(2026, 12, 28)), AlertKind.BIRTHDAY)
    assert [(a.subject_id, a.facts["day"]) for a in hits] == [(contact, date(2027, 1, 2))]
    assert hits[0].key.endswith(":2027")


def test_birthday_on_29_february_is_kept_on_28_february_in_common_years(store: Store) -> None:
    portfolio = Portfolio(store)
    portfolio.contact(portfolio.account(), date(1988, 2, 29))

    common = found(store, at_shanghai(date(2027, 2, 22)), AlertKind.BIRTHDAY)
    assert [(a.facts["day"], a.facts["days"]) for a in common] == [(date(2027, 2, 28), 6)]
    on_the_day = found(store, at_shanghai(date(2027, 2, 28)), AlertKind.BIRTHDAY)
    assert [a.facts["days"] for a in on_the_day] == [0]
    assert found(store, at_shanghai(date(2027, 3, 1)), AlertKind.BIRTHDAY) == []
    leap = found(store, at_shanghai(date(2028, 2, 23)), AlertKind.BIRTHDAY)
    assert [(a.facts["day"], a.facts["days"]) for a in leap] == [(date(2028, 2, 29), 6)]


def test_next_birthday_leap_day_rules() -> None:
    assert next_birthday(date(1988, 2, 29), date(2027, 1, 1)) == date(2027, 2, 28)
    assert next_birthday(date(1988, 2, 29), date(2028, 1, 1)) == date(2028, 2, 29)
    assert next_birthday(date(1990, 12, 31), date(2026, 12, 31)) == date(2026, 12, 31)


def test_birthday_uses_the_shanghai_date_not_the_utc_date(store: Store) -> None:
    portfolio = Portfolio(store)
    portfolio.contact(portfolio.account(), date(1985, 11, 24))
    # 16:30 UTC on the 23rd is 00:30 on the 24th in Shanghai: the birthday is today.
    late_evening_utc = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)
    assert [a.facts["days"] for a in found(store, late_evening_utc, AlertKind.BIRTHDAY)] == [0]
    just_before = datetime(2026, 11, 23, 15, 59, 59, tzinfo=UTC)
    assert [a.facts["days"] for a in found(store, just_before, AlertKind.BIRTHDAY)] == [1]


def test_birthday_greeted_by_a_call_in_the_window_is_answered(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account()
    portfolio.contact(account, date(1980, 11, 26))
    portfolio.visit(account, VisitKind.PHONE, date(2026, 11, 18))  # before the window (19th)
    assert len(found(store, NOW, AlertKind.BIRTHDAY)) == 1
    portfolio.visit(account, VisitKind.PHONE, date(2026, 11, 19))  # first day of the window
    assert found(store, NOW, AlertKind.BIRTHDAY) == []


# ----- contracts
@pytest.mark.parametrize(("offset", "alerts_expected"), [(-1, False), (0, True), (30, True), (31, False)])
def test_contract_ending_window(store: Store, offset: int, alerts_expected: bool) -> None:
    portfolio = Portfolio(store)
    holding = portfolio.holding(portfolio.account(), date(2026, 11, 23) + timedelta(days=offset))
    hits = found(store, NOW, AlertKind.CONTRACT_ENDING)
    assert [a.subject_id for a in hits] == ([holding] if alerts_expected else [])


def test_contract_ending_on_a_month_end(store: Store) -> None:
    portfolio = Portfolio(store)
    portfolio.holding(portfolio.account(), date(2027, 2, 28), name="互联网专线 100M")
    hits = found(store, at_shanghai(date(2027, 1, 29)), AlertKind.CONTRACT_ENDING)
    assert [a.facts["days"] for a in hits] == [30]
    assert alert_text.reason(hits[0]) == "互联网专线 100M ends on 2027-02-28, in 30 days"


# ----- revenue
def months(*pairs: tuple[str, int]) -> dict[date, int]:
    return {date.fromisoformat(f"{month}-01"): yuan for month, yuan in pairs}


def test_revenue_drop_of_exactly_the_threshold_alerts(store: Store) -> None:
    portfolio = Portfolio(store)
    exact = portfolio.account(name="长沙市天心区税务局")
    short = portfolio.account(name="长沙市岳麓区税务局")
    history = [("2026-07", 100_000), ("2026-08", 100_000), ("2026-09", 100_000)]
    portfolio.revenue(exact, months(*history, ("2026-10", 80_000)))  # −20.0%
    portfolio.revenue(short, months(*history, ("2026-10", 80_001)))  # −19.999%
    hits = found(store, NOW, AlertKind.REVENUE_DROP)
    assert [a.account_id for a in hits] == [exact]
    assert hits[0].key == f"revenue_drop:{exact}:2026-10"


def test_revenue_reason_in_chinese_with_figures(store: Store, chinese: None) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account()
    portfolio.revenue(
        account, months(("2026-07", 52_300), ("2026-08", 52_300), ("2026-09", 52_300), ("2026-10", 31_000))
    )
    (alert,) = found(store, NOW, AlertKind.REVENUE_DROP)
    assert alert_text.reason(alert) == "近3月均值 ¥52,300 → 2026年10月 ¥31,000，−40.7%"
    assert alert.severity is Severity.URGENT  # ≥ 40%


def test_revenue_against_the_same_month_last_year_at_a_month_end_across_years(store: Store) -> None:
    """On 31 March the last bill is February's; the year-ago month is February of last year."""
    portfolio = Portfolio(store)
    account = portfolio.account()
    portfolio.revenue(
        account,
        months(
            ("2026-02", 60_000),
            ("2026-11", 44_000),
            ("2026-12", 44_000),
            ("2027-01", 44_000),
            ("2027-02", 45_000),
        ),
    )
    (alert,) = found(store, at_shanghai(date(2027, 3, 31), hour=23), AlertKind.REVENUE_DROP)
    assert alert.facts == {
        "month": date(2027, 2, 1),
        "amount": 4_500_000,
        "average": None,
        "year_ago": 6_000_000,
    }
    assert alert_text.reason(alert) == "same month last year ¥60,000 → 2027-02 ¥45,000, −25.0%"
    # One hour later it is 1 April in Shanghai: March's bill is the one that counts, and it is missing.
    assert found(store, at_shanghai(date(2027, 4, 1), hour=0), AlertKind.REVENUE_DROP) == []


def test_revenue_drop_of_last_month_when_this_month_is_already_billed(store: Store) -> None:
    """The summary keeps the figures around the latest bill; a bill for a later month than the
    last (billing run early, or a moment in the past) sends the rule to the bills themselves."""
    portfolio = Portfolio(store)
    account = portfolio.account()
    history = [("2025-10", 90_000), ("2026-07", 100_000), ("2026-08", 100_000), ("2026-09", 100_000)]
    portfolio.revenue(account, months(*history, ("2026-10", 70_000), ("2026-11", 100_000)))
    (alert,) = found(store, NOW, AlertKind.REVENUE_DROP)
    assert alert.facts == {
        "month": date(2026, 10, 1),
        "amount": 7_000_000,
        "average": 10_000_000,
        "year_ago": 9_000_000,
    }


def test_revenue_with_partial_history_averages_the_months_present(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account()
    portfolio.revenue(account, months(("2026-09", 10_000), ("2026-10", 7_000)))
    (alert,) = found(store, NOW, AlertKind.REVENUE_DROP)
    assert alert.facts["average"] == 1_000_000


def test_account_with_no_revenue_history_gets_no_revenue_alert(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account()
    with store.sessions() as session:
        everything = alerts.open_alerts(session, NOW)
    assert {a.kind for a in everything if a.account_id == account} == {AlertKind.VISIT_OVERDUE}


def test_revenue_drop_answered_by_a_visit_this_month(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account()
    portfolio.revenue(account, months(("2026-09", 10_000), ("2026-10", 5_000)))
    portfolio.visit(account, VisitKind.PHONE, date(2026, 10, 31))  # before the bill was known
    assert len(found(store, NOW, AlertKind.REVENUE_DROP)) == 1
    portfolio.visit(account, VisitKind.PHONE, date(2026, 11, 1))
    assert found(store, NOW, AlertKind.REVENUE_DROP) == []


# ----- new accounts
def test_first_contact_alert_exactly_24_hours_after_the_first_business_day_starts(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account(customer_since=date(2026, 11, 22))
    start = business_datetime(date(2026, 11, 22), datetime.min.time())
    assert start == datetime(2026, 11, 21, 16, 0, tzinfo=UTC)
    assert found(store, start + timedelta(hours=24) - timedelta(seconds=1), AlertKind.FIRST_CONTACT) == []
    (alert,) = found(store, start + timedelta(hours=24), AlertKind.FIRST_CONTACT)
    assert (alert.account_id, alert.facts["hours"], alert.severity) == (account, 24, Severity.URGENT)
    portfolio.visit(account, VisitKind.PHONE, datetime(2026, 11, 22, 17, 0, tzinfo=UTC))
    assert found(store, start + timedelta(hours=30), AlertKind.FIRST_CONTACT) == []


def test_old_accounts_are_not_new(store: Store) -> None:
    Portfolio(store).account(customer_since=date(2026, 10, 23))  # 31 days
    assert found(store, NOW, AlertKind.FIRST_CONTACT) == []


# ----- complaints
def test_complaint_alerts_exactly_at_48_hours_and_escalates(store: Store) -> None:
    portfolio = Portfolio(store)
    raised = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    complaint = portfolio.complaint(portfolio.account(), raised)
    assert (
        found(store, raised + timedelta(hours=48) - timedelta(seconds=1), AlertKind.COMPLAINT_OVERDUE) == []
    )
    (first,) = found(store, raised + timedelta(hours=48), AlertKind.COMPLAINT_OVERDUE)
    assert (first.subject_id, first.facts["escalate_to"]) == (complaint, "supervisor")
    assert "tell your supervisor" in alert_text.reason(first)
    (second,) = found(store, raised + timedelta(hours=96), AlertKind.COMPLAINT_OVERDUE)
    assert second.facts["escalate_to"] == "head" and second.key != first.key


def test_major_complaint_goes_to_the_department_head_at_once(store: Store) -> None:
    portfolio = Portfolio(store)
    raised = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    portfolio.complaint(portfolio.account(), raised, severity="major")
    (alert,) = found(store, raised + timedelta(hours=48), AlertKind.COMPLAINT_OVERDUE)
    assert alert.facts["escalate_to"] == "head"


# ----- cadence and inactivity
def test_visit_overdue_against_cadence_from_a_month_end(store: Store) -> None:
    portfolio = Portfolio(store)
    from kamdesk.models.enums import Tier

    account = portfolio.account(tier=Tier.A1)
    portfolio.visit(account, VisitKind.PHONE, date(2027, 1, 31))
    portfolio.visit(account, VisitKind.ONSITE, date(2027, 1, 31))

    def phone_overdue(day: date) -> list:
        return [
            a
            for a in found(store, at_shanghai(day), AlertKind.VISIT_OVERDUE)
            if a.visit_kind is VisitKind.PHONE
        ]

    assert phone_overdue(date(2027, 2, 28)) == []  # monthly: 31 Jan → due 28 Feb
    (late,) = phone_overdue(date(2027, 3, 1))
    assert (late.facts["due"], late.facts["days"]) == (date(2027, 2, 28), 1)


def test_inactive_after_the_configured_days(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account(customer_since=date(2026, 9, 1))  # tier C: not behind its cadence
    portfolio.visit(account, VisitKind.PHONE, date(2026, 11, 23) - timedelta(days=59))
    settings = AlertSettings(inactive_days=60)
    assert found(store, NOW, AlertKind.INACTIVE, settings) == []
    (alert,) = found(store, NOW + timedelta(days=1), AlertKind.INACTIVE, settings)
    assert alert.facts["days"] == 60


def test_an_account_behind_cadence_is_not_also_alerted_as_inactive(store: Store) -> None:
    portfolio = Portfolio(store)
    account = portfolio.account()
    portfolio.visit(account, VisitKind.PHONE, date(2026, 11, 23) - timedelta(days=200))
    kinds = {a.kind for a in found(store, NOW, AlertKind.VISIT_OVERDUE)} | {
        a.kind for a in found(store, NOW, AlertKind.INACTIVE)
    }
    assert kinds == {AlertKind.VISIT_OVERDUE}


def test_one_visit_overdue_alert_per_account_named_after_the_worst_kind(store: Store) -> None:
    from kamdesk.models.enums import Tier

    portfolio = Portfolio(store)
    account = portfolio.account(tier=Tier.A1)
    portfolio.visit(account, VisitKind.ONSITE, date(2026, 8, 1))  # due 16 Sep
    portfolio.visit(account, VisitKind.PHONE, date(2026, 8, 20))  # due 20 Sep (on-site counts too)
    (alert,) = found(store, NOW, AlertKind.VISIT_OVERDUE)
    assert (alert.visit_kind, alert.facts["due"], alert.facts["kinds"]) == (
        VisitKind.ONSITE,
        date(2026, 9, 16),
        (VisitKind.ONSITE, VisitKind.PHONE),
    )
    assert alert.action is alerts.Action.PLAN_VISIT


def test_every_reason_reads_in_both_languages(store: Store, demo_store: Store) -> None:
    from kamdesk.i18n import set_language

    with demo_store.sessions() as session:
        everything = alerts.open_alerts(session, NOW)
    assert {a.kind for a in everything} >= {AlertKind.VISIT_OVERDUE, AlertKind.BIRTHDAY}
    for language in ("en", "zh_CN"):
        set_language(language)
        for alert in everything:
            assert alert_text.reason(alert) and alert_text.title(alert)
