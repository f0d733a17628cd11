"""What a report's numbers are: figures grouped in the nine sections of DOMAIN.md, each carrying
the records behind it so any number can be opened to the visits, accounts or complaints it
counts. Everything here is plain data that round-trips through JSON: a submitted report stores
its figures as they were, so a supervisor later reads exactly what the manager handed in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kamdesk.domain.reports.periods import Period
from kamdesk.domain.reports.team import TeamAverages
from kamdesk.i18n import N_, _
from kamdesk.models.enums import ReportKind


class Section(StrEnum):
    """The nine sections of a weekly/monthly report, in the order the seeds name them."""

    ACCOUNTS = "accounts"
    REVENUE = "revenue"
    VALUE_ADDED = "value_added"
    COMPLAINTS = "complaints"
    NEEDS = "needs"
    SATISFACTION = "satisfaction"
    COMPETITORS = "competitors"
    SUGGESTIONS = "suggestions"
    ACTIVITY = "activity"


class Unit(StrEnum):
    COUNT = "count"  # whole number
    FEN = "fen"  # money in fen
    RATIO = "ratio"  # 0.05 = 5 %
    RATING = "rating"  # average of 1–5 scores
    NUMBER = "number"  # a decimal, e.g. visits expected by the cadence


SECTION_TITLES: dict[Section, str] = {
    Section.ACCOUNTS: N_("Customers added and lost"),
    Section.REVENUE: N_("Revenue"),
    Section.VALUE_ADDED: N_("Value-added services"),
    Section.COMPLAINTS: N_("Problems customers raised"),
    Section.NEEDS: N_("Customer needs"),
    Section.SATISFACTION: N_("Customer satisfaction"),
    Section.COMPETITORS: N_("Competitor activity"),
    Section.SUGGESTIONS: N_("Customers' suggestions"),
    Section.ACTIVITY: N_("Visits and contact activity"),
}

FIGURE_LABELS: dict[str, str] = {
    "accounts.portfolio_start": N_("Accounts at the start of the period"),
    "accounts.portfolio_end": N_("Accounts at the end of the period"),
    "accounts.added": N_("Accounts added"),
    "accounts.added_share": N_("Added as a share of the portfolio"),
    "accounts.lost": N_("Accounts lost"),
    "accounts.lost_share": N_("Lost as a share of the portfolio"),
    "revenue.amount": N_("Billed revenue"),
    "revenue.change_previous": N_("Change against the previous month"),
    "revenue.change_last_year": N_("Change against the same month last year"),
    "revenue.movers": N_("Biggest movers"),
    "value_added.new": N_("New value-added subscriptions"),
    "value_added.new_fee": N_("Monthly fees of the new subscriptions"),
    "complaints.raised": N_("Complaints raised"),
    "complaints.solved": N_("Complaints solved"),
    "complaints.open": N_("Complaints still open"),
    "needs.raised": N_("Needs raised"),
    "needs.common": N_("Needs common to several accounts"),
    "satisfaction.complaints": N_("Satisfaction with complaint handling"),
    "satisfaction.visits": N_("Satisfaction recorded on visits"),
    "competitors.notes": N_("Competitor notes"),
    "activity.onsite": N_("On-site visits"),
    "activity.phone": N_("Phone visits"),
    "activity.sms": N_("SMS sent"),
    "activity.onsite_cadence": N_("On-site visits due by the cadence"),
    "activity.phone_cadence": N_("Phone visits due by the cadence"),
}

ACTIVITY_KINDS = ("onsite", "phone", "sms")


def section_title(section: Section) -> str:
    return _(SECTION_TITLES[section])


def figure_label(key: str) -> str:
    return _(FIGURE_LABELS[key])


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Record:
    """One row behind a figure: an account, visit, complaint, need, product or revenue line."""

    entity: str  # table name: accounts, visits, complaints, opportunities, product_holdings, …
    id: str
    account_id: str | None
    account_name: str
    day: date | None
    text: str = ""
    amount_fen: int | None = None
    rating: int | None = None

    def to_json(self) -> list[Any]:
        day = self.day.isoformat() if self.day else None
        return [self.entity, self.id, self.account_id, self.account_name, day, self.text, self.amount_fen,
                self.rating]  # fmt: skip

    @classmethod
    def from_json(cls, data: list[Any]) -> Record:
        entity, id_, account_id, account_name, day, text, amount, rating = data
        return cls(entity, id_, account_id, account_name, _day(day), text, amount, rating)


@dataclass(frozen=True)
class Figure:
    key: str
    value: int | float | None  # None: not available (e.g. no billing yet, no ratings)
    unit: Unit
    previous: int | float | None = None  # the previous period
    last_year: int | float | None = None  # the same period last year
    records: tuple[Record, ...] = ()

    @property
    def section(self) -> Section:
        return Section(self.key.split(".", 1)[0])

    @property
    def label(self) -> str:
        return figure_label(self.key)

    @property
    def fell(self) -> bool:
        return self.value is not None and self.previous is not None and self.value < self.previous

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "value": self.value,
            "unit": self.unit.value,
            "previous": self.previous,
            "last_year": self.last_year,
            "records": [record.to_json() for record in self.records],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(
            data["key"],
            data["value"],
            Unit(data["unit"]),
            data.get("previous"),
            data.get("last_year"),
            tuple(Record.from_json(r) for r in data.get("records", [])),
        )


@dataclass(frozen=True)
class WeekRow:
    """One ISO week inside a monthly report: its activity within the month and its weekly report."""

    label: str
    start: date  # clipped to the month
    end: date
    onsite: int
    phone: int
    sms: int
    report_status: str | None  # draft / submitted / None when no weekly report exists

    def to_json(self) -> list[Any]:
        return [self.label, self.start.isoformat(), self.end.isoformat(), self.onsite, self.phone, self.sms,
                self.report_status]  # fmt: skip

    @classmethod
    def from_json(cls, data: list[Any]) -> WeekRow:
        label, start, end, onsite, phone, sms, status = data
        return cls(label, date.fromisoformat(start), date.fromisoformat(end), onsite, phone, sms, status)


@dataclass(frozen=True)
class ReportFigures:
    period: Period
    computed_at: datetime
    figures: tuple[Figure, ...]
    revenue_month: date | None  # the billing month the revenue section describes
    revenue_trend: tuple[tuple[date, int], ...] = ()  # (month, fen), oldest first, ending at revenue_month
    team: TeamAverages | None = None
    weeks: tuple[WeekRow, ...] = ()  # monthly reports only
    _index: dict[str, Figure] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({figure.key: figure for figure in self.figures})

    def get(self, key: str) -> Figure:
        return self._index[key]

    def value(self, key: str) -> int | float | None:
        return self._index[key].value

    def in_section(self, section: Section) -> list[Figure]:
        return [figure for figure in self.figures if figure.section is section]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": self.period.kind.value,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "computed_at": self.computed_at.isoformat(),
            "revenue_month": self.revenue_month.isoformat() if self.revenue_month else None,
            "revenue_trend": [[month.isoformat(), fen] for month, fen in self.revenue_trend],
            "team": self.team.to_json() if self.team else None,
            "weeks": [week.to_json() for week in self.weeks],
            "figures": [figure.to_json() for figure in self.figures],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReportFigures:
        period = Period(
            ReportKind(data["kind"]), date.fromisoformat(data["start"]), date.fromisoformat(data["end"])
        )
        return cls(
            period=period,
            computed_at=datetime.fromisoformat(data["computed_at"]),
            figures=tuple(Figure.from_json(f) for f in data["figures"]),
            revenue_month=_day(data.get("revenue_month")),
            revenue_trend=tuple((date.fromisoformat(m), fen) for m, fen in data.get("revenue_trend", [])),
            team=TeamAverages.from_json(data.get("team")),
            weeks=tuple(WeekRow.from_json(w) for w in data.get("weeks", [])),
        )


def change_rate(current: int | float | None, base: int | float | None) -> float | None:
    """(current − base) / base; None when either is missing or the base is zero."""
    if current is None or base is None or base == 0:
        return None
    return (current - base) / base
