"""Business dates are Shanghai dates, whatever zone the machine runs in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def business_today(now: datetime | None = None) -> date:
    moment = now or datetime.now(UTC)
    return moment.astimezone(BUSINESS_TZ).date()


def business_datetime(day: date, at: time = time(9, 0)) -> datetime:
    """``day`` at the Shanghai wall-clock time ``at``, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=BUSINESS_TZ).astimezone(UTC)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` away from ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
