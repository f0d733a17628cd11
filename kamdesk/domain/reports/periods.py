"""Report periods: ISO weeks and calendar months of Shanghai business dates.

A week is ISO 8601 (Monday to Sunday, week 1 holds the year's first Thursday), so week 1 can
start in late December and the last week can end in early January; its label uses the ISO year
(``2026-W01`` runs 2025-12-29 to 2026-01-04). Comparisons: the previous period is the week or
month just before; "same period last year" is the same ISO week number of the previous ISO year
(week 53 falls back to week 52 when last year had none) or the same calendar month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kamdesk.domain.clock import BUSINESS_TZ, add_months
from kamdesk.models.enums import ReportKind


@dataclass(frozen=True, order=True)
class Period:
    kind: ReportKind
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """``2026-W01`` or ``2026-11``: stable and language-neutral."""
        if self.kind is ReportKind.WEEKLY:
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: Shanghai midnight of the first day to midnight after the last."""
        start = datetime.combine(self.start, time(0), tzinfo=BUSINESS_TZ).astimezone(UTC)
        end = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=BUSINESS_TZ).astimezone(UTC)
        return start, end

    def previous(self) -> Period:
        if self.kind is ReportKind.WEEKLY:
            return week_of(self.start - timedelta(days=7))
        return month_of(add_months(self.start, -1))

    def next(self) -> Period:
        if self.kind is ReportKind.WEEKLY:
            return week_of(self.start + timedelta(days=7))
        return month_of(add_months(self.start, 1))

    def same_period_last_year(self) -> Period:
        if self.kind is ReportKind.WEEKLY:
            year, week, _ = self.start.isocalendar()
            return iso_week(year - 1, min(week, weeks_in_iso_year(year - 1)))
        return month_of(add_months(self.start, -12))


def week_of(day: date) -> Period:
    """The ISO week (Monday–Sunday) holding ``day``."""
    start = day - timedelta(days=day.weekday())
    return Period(ReportKind.WEEKLY, start, start + timedelta(days=6))


def iso_week(year: int, week: int) -> Period:
    return week_of(date.fromisocalendar(year, week, 1))


def weeks_in_iso_year(year: int) -> int:
    return date(year, 12, 28).isocalendar()[1]


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    return Period(ReportKind.MONTHLY, start, add_months(start, 1) - timedelta(days=1))


def period_of(kind: ReportKind, day: date) -> Period:
    return week_of(day) if kind is ReportKind.WEEKLY else month_of(day)


def parse_label(label: str) -> Period:
    """The inverse of ``Period.label``."""
    if "-W" in label:
        year, week = label.split("-W")
        return iso_week(int(year), int(week))
    year, month = label.split("-")
    return month_of(date(int(year), int(month), 1))


def weeks_of_month(month: Period) -> list[Period]:
    """The ISO weeks that overlap ``month``, oldest first (the first and last may straddle it)."""
    weeks = []
    week = week_of(month.start)
    while week.start <= month.end:
        weeks.append(week)
        week = week.next()
    return weeks
