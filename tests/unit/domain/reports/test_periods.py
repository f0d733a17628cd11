from __future__ import annotations

from datetime import UTC, date, datetime

from kamdesk.domain.reports.periods import iso_week, month_of, parse_label, week_of, weeks_of_month
from kamdesk.models.enums import ReportKind


def test_week_one_spans_new_year() -> None:
    week = week_of(date(2026, 1, 1))
    assert (week.start, week.end, week.label) == (date(2025, 12, 29), date(2026, 1, 4), "2026-W01")
    assert week_of(date(2025, 12, 29)) == week  # a December day belongs to next year's week 1
    assert week.previous().label == "2025-W52"
    assert week.same_period_last_year() == iso_week(2025, 1)
    assert iso_week(2025, 1).start == date(2024, 12, 30)


def test_week_53_compares_with_week_52_when_last_year_had_none() -> None:
    week = iso_week(2026, 53)
    assert (week.start, week.end) == (date(2026, 12, 28), date(2027, 1, 3))
    assert week.same_period_last_year().label == "2025-W52"
    assert week.next().label == "2027-W01"


def test_bounds_are_shanghai_midnights_in_utc() -> None:
    start, end = week_of(date(2026, 1, 1)).utc_bounds()
    assert start == datetime(2025, 12, 28, 16, 0, tzinfo=UTC)
    assert end == datetime(2026, 1, 4, 16, 0, tzinfo=UTC)


def test_months_and_their_weeks() -> None:
    february = month_of(date(2026, 2, 14))
    assert (february.start, february.end, february.days, february.label) == (
        date(2026, 2, 1), date(2026, 2, 28), 28, "2026-02"
    )  # fmt: skip
    assert february.previous() == month_of(date(2026, 1, 1))
    assert february.same_period_last_year() == month_of(date(2025, 2, 1))
    assert [w.label for w in weeks_of_month(february)] == [
        "2026-W05",
        "2026-W06",
        "2026-W07",
        "2026-W08",
        "2026-W09",
    ]
    assert parse_label("2026-W01") == week_of(date(2026, 1, 1))
    assert parse_label("2026-02") == february and february.kind is ReportKind.MONTHLY
