"""Every figure of the hand-built data set (tests/reports_dataset.py) against a value worked out by
hand. Week under test: 2026-W01 = 2025-12-29 … 2026-01-04 (spans new year); previous week
2025-W52 = 12-22 … 12-28; same week last year 2025-W01 = 2024-12-30 … 2025-01-05."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kamdesk.domain.reports import TeamAverages, compute_figures, month_of, week_of
from kamdesk.domain.reports.compute import ReportScope

W01 = week_of(date(2026, 1, 1))


def ids(figure) -> list[str]:
    return [record.id for record in figure.records]


@pytest.fixture
def figures(handbuilt, scope):
    with handbuilt.sessions() as session:
        return compute_figures(session, W01, scope)


def test_accounts_added_and_lost_including_one_added_and_lost_in_the_same_week(figures) -> None:
    # start (12-28): A, B, E (E lost on 01-02; H lost in June; C, D not yet customers; F prospect; G not mine)
    assert figures.value("accounts.portfolio_start") == 3
    # end (01-04): A, B, C; D was added 12-30 and lost 01-03, E lost 01-02
    assert figures.value("accounts.portfolio_end") == 3
    assert ids(figures.get("accounts.added")) == ["acc-D", "acc-C"]  # by customer_since: 12-30, 12-31
    assert ids(figures.get("accounts.lost")) == ["acc-E", "acc-D"]  # by lost_on: 01-02, 01-03
    assert figures.get("accounts.lost").records[0].text == "转网至中国电信"
    assert figures.value("accounts.added_share") == pytest.approx(2 / 3)
    assert figures.value("accounts.lost_share") == pytest.approx(2 / 3)


def test_revenue_uses_the_latest_billed_month_and_compares_it(figures) -> None:
    # January is not billed for my accounts (G's January row belongs to another manager): December.
    assert figures.revenue_month == date(2025, 12, 1)
    revenue = figures.get("revenue.amount")
    assert revenue.value == 90_000_00 + 36_000_00 + 4_000_00  # A + B + E, not G
    assert revenue.previous == 100_000_00 + 30_000_00 + 5_000_00
    assert revenue.last_year == 80_000_00 + 30_000_00 + 5_000_00
    assert figures.value("revenue.change_previous") == pytest.approx(-5_000 / 135_000)
    assert figures.value("revenue.change_last_year") == pytest.approx(15_000 / 115_000)
    assert [(r.account_id, r.amount_fen) for r in revenue.records] == [
        ("acc-A", 90_000_00), ("acc-B", 36_000_00), ("acc-E", 4_000_00)
    ]  # fmt: skip
    movers = figures.get("revenue.movers")
    assert [(r.account_id, r.amount_fen) for r in movers.records] == [
        ("acc-A", -10_000_00), ("acc-B", 6_000_00), ("acc-E", -1_000_00)
    ]  # fmt: skip
    assert movers.records[0].text == "100,000.00 → 90,000.00"
    trend = dict(figures.revenue_trend)
    assert len(trend) == 13 and min(trend) == date(2024, 12, 1) and max(trend) == date(2025, 12, 1)
    assert trend[date(2024, 12, 1)] == 115_000_00 and trend[date(2025, 11, 1)] == 135_000_00
    assert trend[date(2025, 6, 1)] == 0


def test_new_value_added_services(figures) -> None:
    new = figures.get("value_added.new")
    assert ids(new) == ["p-A-video"]  # B's ring-back tone started the week before; C's line is not VAS
    assert (new.value, new.previous) == (1, 1)
    assert figures.value("value_added.new_fee") == 1_200_00


def test_complaints_raised_solved_open_at_the_day_edges(figures) -> None:
    # K3 at 01-04 23:30 Shanghai is in; K4 at 01-05 00:30 Shanghai (01-04 UTC) is not.
    assert ids(figures.get("complaints.raised")) == ["K1", "K7", "K3"]
    assert ids(figures.get("complaints.solved")) == ["K1", "K2"]  # K7 was answered after the week
    assert ids(figures.get("complaints.open")) == ["K5", "K7", "K3"]
    assert figures.value("satisfaction.complaints") == pytest.approx((4 + 2) / 2)


def test_needs_and_the_ones_common_to_several_accounts(figures) -> None:
    assert ids(figures.get("needs.raised")) == ["N1", "N2", "N3", "N4"]
    common = figures.get("needs.common")
    assert common.value == 1  # 云视讯扩容 by A and B; 物联网资产定位 twice but by C alone
    assert ids(common) == ["N1", "N2"]


def test_competitor_notes(figures) -> None:
    notes = figures.get("competitors.notes")
    assert ids(notes) == ["CN1"]
    assert notes.records[0].text == "中国电信：千兆专线首年五折：已转网"


def test_activity_counts_with_previous_week_last_year_and_cadence(figures) -> None:
    onsite, phone, sms = (figures.get(f"activity.{k}") for k in ("onsite", "phone", "sms"))
    # V7 at 12-29 07:59 Shanghai (12-28 UTC) counts; V5 at 01-05 00:30 does not; V6 draft, V8
    # another manager's, V9 deleted.
    assert ids(onsite) == ["V1", "V7"]  # same day and account: by id
    assert (onsite.value, onsite.previous, onsite.last_year) == (2, 3, 1)
    assert ids(phone) == ["V2", "V3"]  # V3 at 00:10 on new year's day is still in week 1
    assert (phone.value, phone.previous, phone.last_year) == (2, 1, 0)
    assert (sms.value, sms.previous, sms.last_year) == (1, 0, 0)
    # end portfolio A (A1), B (B1), C (C): onsite A1 2/quarter + C 1/year; phone A1 + B1 1/month
    assert figures.value("activity.onsite_cadence") == round((1 * 2 * 4 + 1 * 1 * 1) * 7 / 365, 2)
    assert figures.value("activity.phone_cadence") == round((12 + 12) * 7 / 365, 2)
    visits = figures.get("satisfaction.visits")
    assert visits.value == pytest.approx((5 + 4 + 3) / 3) and visits.previous == pytest.approx(2.0)
    assert figures.team is None  # no sync: no team figure, and none invented


def test_a_month_with_no_visits(handbuilt, scope) -> None:
    with handbuilt.sessions() as session:
        february = compute_figures(session, month_of(date(2026, 2, 1)), scope)
    for kind in ("onsite", "phone", "sms"):
        assert february.value(f"activity.{kind}") == 0
        assert february.get(f"activity.{kind}").records == ()
    # January held V5 (on-site 01-05), V3 (phone 01-01), V4 (SMS 01-04)
    assert [february.get(f"activity.{k}").previous for k in ("onsite", "phone", "sms")] == [1, 1, 1]
    assert february.value("satisfaction.visits") is None
    assert february.revenue_month == date(2025, 12, 1)
    assert [(w.label, w.onsite + w.phone + w.sms) for w in february.weeks] == [
        ("2026-W05", 0), ("2026-W06", 0), ("2026-W07", 0), ("2026-W08", 0), ("2026-W09", 0)
    ]  # fmt: skip
    assert february.value("accounts.portfolio_start") == february.value("accounts.portfolio_end") == 3


def test_december_is_built_from_its_weeks_clipped_to_the_month(handbuilt, scope) -> None:
    with handbuilt.sessions() as session:
        december = compute_figures(session, month_of(date(2025, 12, 1)), scope)
    weeks = {w.label: w for w in december.weeks}
    assert list(weeks) == ["2025-W49", "2025-W50", "2025-W51", "2025-W52", "2026-W01"]
    last = weeks["2026-W01"]
    assert (last.start, last.end) == (date(2025, 12, 29), date(2025, 12, 31))
    assert (last.onsite, last.phone, last.sms) == (2, 1, 0)  # V1, V7; V2 (V3 is January)
    assert (weeks["2025-W52"].onsite, weeks["2025-W52"].phone) == (3, 1)
    assert december.value("activity.onsite") == sum(w.onsite for w in december.weeks) == 5
    # December: D and C added, nobody lost yet (E and D are lost in January)
    assert december.value("accounts.added") == 2 and december.value("accounts.lost") == 0


def test_whole_store_scope_counts_every_manager(handbuilt) -> None:
    with handbuilt.sessions() as session:
        everything = compute_figures(session, W01, ReportScope(None))
    assert everything.value("activity.phone") == 3  # V2, V3 and 张伟's V8
    assert "acc-G" in ids(everything.get("accounts.added"))


def test_figures_round_trip_through_json(figures) -> None:
    team = TeamAverages(3.0, 1.5, 2.0, 6, datetime(2026, 1, 5, tzinfo=UTC))
    again = type(figures).from_json(figures.to_json())
    assert again.to_json() == figures.to_json()
    with_team = type(figures)(figures.period, figures.computed_at, figures.figures, figures.revenue_month,
                              figures.revenue_trend, team)  # fmt: skip
    assert type(figures).from_json(with_team.to_json()).team == team
