"""Compute a report's figures from the local store.

Scope: the manager's portfolio is the accounts where they are the primary manager (the ones they
answer for; a secondary manager backs up), and their activity is the submitted visits they
authored (``owner_id``), whatever the account. With no signed-in user (a bare store) every
account and visit counts.

Definitions (a reviewer can recompute each by hand):
- Portfolio on day d: accounts in scope, not deleted, not prospect/archived, with
  ``customer_since`` empty or ≤ d, and not lost on or before d (``lost_on`` ≤ d).
  Start of period = the portfolio on the day before it starts; end = on its last day.
- Added: ``customer_since`` in the period; lost: status lost and ``lost_on`` in the period. An
  account added and lost in the same period counts in both (start + added − lost = end holds).
  Shares are of the portfolio at the start of the period (a churn rate); None for an empty start.
- Revenue is billed per calendar month (``revenue_months``). Both weekly and monthly reports
  describe the **latest billed month on or before the period's last day** (for a month report
  that is the month itself once its bill is in); it is compared with the month before and the
  same month a year earlier. Movers: the five accounts with the largest absolute change against
  the month before.
- New value-added services: holdings of category value_added whose ``start_date`` is in the period.
- Complaints raised: ``raised_at`` in the period; solved: answered/closed with ``answered_at`` in
  the period; still open: raised by the end of the period and not answered by then.
- Needs: opportunities with ``raised_on`` in the period; common needs: the same title (ignoring
  case and spaces) raised by two or more different accounts in the period.
- Satisfaction: the mean 1–5 score of complaints answered in the period, and of visits in it.
- Activity: submitted visits by kind with ``occurred_at`` (Shanghai date) in the period.
  Cadence: for each account in the portfolio at the period end, each cadence rule of its tier
  gives visits × (12, 4 or 1 per year) × days in period / 365 expected visits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.domain.clock import BUSINESS_TZ, add_months
from kamdesk.domain.reports.figures import (
    Figure,
    Record,
    ReportFigures,
    Unit,
    WeekRow,
    change_rate,
)
from kamdesk.domain.reports.periods import Period, weeks_of_month
from kamdesk.domain.reports.team import TeamAverages
from kamdesk.models import (
    Account,
    CadenceRule,
    CompetitorNote,
    Complaint,
    Opportunity,
    ProductHolding,
    Report,
    RevenueMonth,
    User,
    Visit,
)
from kamdesk.models.enums import (
    AccountStatus,
    CadencePeriod,
    ComplaintStatus,
    ProductCategory,
    ReportKind,
    VisitStatus,
)

MOVERS = 5
TREND_MONTHS = 13
PER_YEAR = {CadencePeriod.MONTH: 12, CadencePeriod.QUARTER: 4, CadencePeriod.YEAR: 1}
EXCLUDED_STATUSES = (AccountStatus.PROSPECT, AccountStatus.ARCHIVED)


@dataclass(frozen=True)
class ReportScope:
    """Whose report: ``user_id`` None means the whole store."""

    user_id: str | None
    author_name: str | None = None
    team_id: str | None = None


def scope_of(session: Session, user_id: str | None) -> ReportScope:
    if user_id is None:
        return ReportScope(None)
    user = session.get(User, user_id)
    return ReportScope(user_id, user.display_name if user else None, user.team_id if user else None)


@dataclass(frozen=True)
class _Account:
    id: str
    name: str
    tier: str
    status: AccountStatus
    customer_since: date | None
    lost_on: date | None
    lost_reason: str | None


def _local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(BUSINESS_TZ).date() if moment else None


def _in_portfolio(account: _Account, day: date) -> bool:
    if account.status in EXCLUDED_STATUSES:
        return False
    if account.customer_since is not None and account.customer_since > day:
        return False
    return account.lost_on is None or account.lost_on > day


class _Computation:
    def __init__(self, session: Session, period: Period, scope: ReportScope) -> None:
        self.session = session
        self.period = period
        self.scope = scope
        self.accounts = self._load_accounts()
        self.names: dict[str, str] = {a.id: a.name for a in self.accounts.values()}

    # -- scope -----------------------------------------------------------------------------
    def _load_accounts(self) -> dict[str, _Account]:
        statement = select(
            Account.id,
            Account.name,
            Account.tier,
            Account.status,
            Account.customer_since,
            Account.lost_on,
            Account.lost_reason,
        ).where(Account.deleted.is_(False))
        if self.scope.user_id is not None:
            statement = statement.where(Account.primary_manager_id == self.scope.user_id)
        return {row.id: _Account(*row) for row in self.session.execute(statement)}

    def _in_scope(self, statement: Any, account_column: Any) -> Any:
        if self.scope.user_id is None:
            return statement.join(Account, Account.id == account_column).where(Account.deleted.is_(False))
        return statement.join(Account, Account.id == account_column).where(
            Account.deleted.is_(False), Account.primary_manager_id == self.scope.user_id
        )

    def _name(self, account_id: str | None) -> str:
        if account_id is None:
            return ""
        if account_id not in self.names:
            self.names[account_id] = (
                self.session.scalar(select(Account.name).where(Account.id == account_id)) or ""
            )
        return self.names[account_id]

    # -- 1. accounts ------------------------------------------------------------------------
    def accounts_figures(self) -> list[Figure]:
        period = self.period
        before = period.start - timedelta(days=1)
        start = sum(1 for a in self.accounts.values() if _in_portfolio(a, before))
        end = sum(1 for a in self.accounts.values() if _in_portfolio(a, period.end))
        added = sorted(
            (
                a
                for a in self.accounts.values()
                if a.customer_since
                and period.contains(a.customer_since)
                and a.status is not AccountStatus.PROSPECT
            ),
            key=lambda a: (a.customer_since, a.name),
        )
        lost = sorted(
            (a for a in self.accounts.values()
             if a.status is AccountStatus.LOST and a.lost_on and period.contains(a.lost_on)),
            key=lambda a: (a.lost_on, a.name),
        )  # fmt: skip
        added_records = tuple(Record("accounts", a.id, a.id, a.name, a.customer_since, a.tier) for a in added)
        lost_records = tuple(
            Record("accounts", a.id, a.id, a.name, a.lost_on, a.lost_reason or "") for a in lost
        )
        return [
            Figure("accounts.portfolio_start", start, Unit.COUNT),
            Figure("accounts.portfolio_end", end, Unit.COUNT, previous=start),
            Figure("accounts.added", len(added), Unit.COUNT, records=added_records),
            Figure("accounts.added_share", (len(added) / start) if start else None, Unit.RATIO),
            Figure("accounts.lost", len(lost), Unit.COUNT, records=lost_records),
            Figure("accounts.lost_share", (len(lost) / start) if start else None, Unit.RATIO),
        ]

    # -- 2. revenue -------------------------------------------------------------------------
    def revenue_month(self) -> date | None:
        statement = self._in_scope(select(func.max(RevenueMonth.month)), RevenueMonth.account_id).where(
            RevenueMonth.deleted.is_(False), RevenueMonth.month <= self.period.end
        )
        return self.session.scalar(statement)

    def _revenue_by_account(self, month: date) -> dict[str, int]:
        statement = self._in_scope(
            select(RevenueMonth.account_id, RevenueMonth.amount_fen), RevenueMonth.account_id
        ).where(RevenueMonth.deleted.is_(False), RevenueMonth.month == month)
        return {account_id: amount for account_id, amount in self.session.execute(statement)}

    def _revenue_ids(self, month: date) -> dict[str, str]:
        statement = self._in_scope(
            select(RevenueMonth.account_id, RevenueMonth.id), RevenueMonth.account_id
        ).where(RevenueMonth.deleted.is_(False), RevenueMonth.month == month)
        return dict(self.session.execute(statement).all())

    def revenue_trend(self, month: date | None) -> tuple[tuple[date, int], ...]:
        if month is None:
            return ()
        first = add_months(month, -(TREND_MONTHS - 1))
        statement = (
            self._in_scope(
                select(RevenueMonth.month, func.sum(RevenueMonth.amount_fen)), RevenueMonth.account_id
            )
            .where(RevenueMonth.deleted.is_(False), RevenueMonth.month >= first, RevenueMonth.month <= month)
            .group_by(RevenueMonth.month)
        )
        sums = dict(self.session.execute(statement).all())
        return tuple(
            (add_months(first, i), int(sums.get(add_months(first, i), 0))) for i in range(TREND_MONTHS)
        )

    def revenue_figures(self, month: date | None) -> list[Figure]:
        if month is None:
            return [
                Figure("revenue.amount", None, Unit.FEN),
                Figure("revenue.change_previous", None, Unit.RATIO),
                Figure("revenue.change_last_year", None, Unit.RATIO),
                Figure("revenue.movers", 0, Unit.COUNT),
            ]
        current = self._revenue_by_account(month)
        previous = self._revenue_by_account(add_months(month, -1))
        last_year = self._revenue_by_account(add_months(month, -12))
        ids = self._revenue_ids(month)
        amount = sum(current.values())
        previous_total = sum(previous.values()) if previous else None
        last_year_total = sum(last_year.values()) if last_year else None
        records = tuple(
            sorted(
                (
                    Record("revenue_months", ids[a], a, self._name(a), month, "", fen)
                    for a, fen in current.items()
                ),
                key=lambda r: (-(r.amount_fen or 0), r.account_name),
            )
        )
        deltas = [(current.get(a, 0) - previous.get(a, 0), a) for a in set(current) | set(previous)]
        movers = sorted((d for d in deltas if d[0] != 0), key=lambda d: (-abs(d[0]), self._name(d[1])))[
            :MOVERS
        ]
        mover_records = tuple(
            Record(
                "accounts",
                a,
                a,
                self._name(a),
                month,
                f"{previous.get(a, 0) / 100:,.2f} → {current.get(a, 0) / 100:,.2f}",
                delta,
            )
            for delta, a in movers
        )
        return [
            Figure("revenue.amount", amount, Unit.FEN, previous_total, last_year_total, records),
            Figure("revenue.change_previous", change_rate(amount, previous_total), Unit.RATIO),
            Figure("revenue.change_last_year", change_rate(amount, last_year_total), Unit.RATIO),
            Figure("revenue.movers", len(mover_records), Unit.COUNT, records=mover_records),
        ]

    # -- 3. value-added services -------------------------------------------------------------
    def _new_services(self, period: Period) -> list[Any]:
        statement = self._in_scope(
            select(
                ProductHolding.id,
                ProductHolding.account_id,
                ProductHolding.product_name,
                ProductHolding.start_date,
                ProductHolding.monthly_fee_fen,
            ),
            ProductHolding.account_id,
        ).where(
            ProductHolding.deleted.is_(False),
            ProductHolding.category == ProductCategory.VALUE_ADDED,
            ProductHolding.start_date >= period.start,
            ProductHolding.start_date <= period.end,
        )
        return list(self.session.execute(statement))

    def value_added_figures(self) -> list[Figure]:
        rows = self._new_services(self.period)
        previous = len(self._new_services(self.period.previous()))
        records = tuple(
            sorted(
                (Record("product_holdings", r.id, r.account_id, self._name(r.account_id), r.start_date,
                        r.product_name, r.monthly_fee_fen) for r in rows),
                key=lambda r: (r.day, r.account_name),
            )
        )  # fmt: skip
        return [
            Figure("value_added.new", len(records), Unit.COUNT, previous=previous, records=records),
            Figure("value_added.new_fee", sum(r.amount_fen or 0 for r in records), Unit.FEN),
        ]

    # -- 4. complaints and 6. satisfaction -----------------------------------------------------
    def complaint_figures(self) -> tuple[list[Figure], Figure]:
        start, end = self.period.utc_bounds()
        statement = self._in_scope(
            select(
                Complaint.id,
                Complaint.account_id,
                Complaint.raised_at,
                Complaint.summary,
                Complaint.status,
                Complaint.answered_at,
                Complaint.satisfaction,
            ),
            Complaint.account_id,
        ).where(Complaint.deleted.is_(False), Complaint.raised_at < end)
        raised, solved, still_open, rated = [], [], [], []
        for row in self.session.execute(statement):
            answered = row.answered_at
            raised_at = row.raised_at
            is_solved = (
                row.status in (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED) and answered is not None
            )
            name = self._name(row.account_id)
            if raised_at >= start:
                raised.append(
                    Record("complaints", row.id, row.account_id, name, _local_day(raised_at), row.summary)
                )
            if is_solved and start <= answered < end:
                solved.append(
                    Record("complaints", row.id, row.account_id, name, _local_day(answered), row.summary,
                           rating=row.satisfaction)
                )  # fmt: skip
                if row.satisfaction is not None:
                    rated.append(solved[-1])
            if not (is_solved and answered < end):
                still_open.append(
                    Record("complaints", row.id, row.account_id, name, _local_day(raised_at), row.summary)
                )

        def ordered(records: list[Record]) -> tuple[Record, ...]:
            return tuple(sorted(records, key=lambda r: (r.day or date.min, r.account_name, r.id)))

        satisfaction = Figure(
            "satisfaction.complaints",
            (sum(r.rating or 0 for r in rated) / len(rated)) if rated else None,
            Unit.RATING,
            records=ordered(rated),
        )
        return [
            Figure("complaints.raised", len(raised), Unit.COUNT, records=ordered(raised)),
            Figure("complaints.solved", len(solved), Unit.COUNT, records=ordered(solved)),
            Figure("complaints.open", len(still_open), Unit.COUNT, records=ordered(still_open)),
        ], satisfaction

    # -- 5. needs ------------------------------------------------------------------------------
    def need_figures(self) -> list[Figure]:
        statement = self._in_scope(
            select(Opportunity.id, Opportunity.account_id, Opportunity.raised_on, Opportunity.title),
            Opportunity.account_id,
        ).where(
            Opportunity.deleted.is_(False),
            Opportunity.raised_on >= self.period.start,
            Opportunity.raised_on <= self.period.end,
        )
        records = sorted(
            (Record("opportunities", r.id, r.account_id, self._name(r.account_id), r.raised_on, r.title)
             for r in self.session.execute(statement)),
            key=lambda r: (r.day, r.account_name, r.id),
        )  # fmt: skip
        groups: dict[str, list[Record]] = defaultdict(list)
        for record in records:
            groups["".join(record.text.split()).casefold()].append(record)
        common = [group for group in groups.values() if len({r.account_id for r in group}) >= 2]
        common_records = tuple(
            record for group in sorted(common, key=lambda g: (-len(g), g[0].text)) for record in group
        )
        return [
            Figure("needs.raised", len(records), Unit.COUNT, records=tuple(records)),
            Figure("needs.common", len(common), Unit.COUNT, records=common_records),
        ]

    # -- 7. competitors ------------------------------------------------------------------------
    def competitor_figures(self) -> list[Figure]:
        statement = self._in_scope(
            select(
                CompetitorNote.id,
                CompetitorNote.account_id,
                CompetitorNote.noted_on,
                CompetitorNote.competitor,
                CompetitorNote.offer,
                CompetitorNote.customer_reaction,
            ),
            CompetitorNote.account_id,
        ).where(
            CompetitorNote.deleted.is_(False),
            CompetitorNote.noted_on >= self.period.start,
            CompetitorNote.noted_on <= self.period.end,
        )
        records = tuple(
            sorted(
                (
                    Record(
                        "competitor_notes",
                        r.id,
                        r.account_id,
                        self._name(r.account_id),
                        r.noted_on,
                        "：".join(p for p in (r.competitor, r.offer or "", r.customer_reaction or "") if p),
                    )
                    for r in self.session.execute(statement)
                ),
                key=lambda r: (r.day, r.account_name, r.id),
            )
        )
        return [Figure("competitors.notes", len(records), Unit.COUNT, records=records)]

    # -- 9. activity ---------------------------------------------------------------------------
    def _visits_statement(self, period: Period, *columns: Any) -> Any:
        start, end = period.utc_bounds()
        statement = select(*columns).where(
            Visit.deleted.is_(False),
            Visit.status == VisitStatus.SUBMITTED,
            Visit.occurred_at >= start,
            Visit.occurred_at < end,
        )
        if self.scope.user_id is not None:
            statement = statement.where(Visit.owner_id == self.scope.user_id)
        return statement

    def _visit_counts(self, period: Period) -> dict[str, int]:
        statement = self._visits_statement(period, Visit.kind, func.count(Visit.id)).group_by(Visit.kind)
        counts = {kind.value: n for kind, n in self.session.execute(statement)}
        return {kind: counts.get(kind, 0) for kind in ("onsite", "phone", "sms")}

    def visits(self) -> list[Any]:
        statement = self._visits_statement(
            self.period,
            Visit.id,
            Visit.account_id,
            Visit.kind,
            Visit.occurred_at,
            Visit.summary,
            Visit.satisfaction,
            Account.name,
        ).join(Account, Account.id == Visit.account_id)
        return list(self.session.execute(statement))

    def cadence_expected(self) -> dict[str, float]:
        rules: dict[tuple[str, str], tuple[int, CadencePeriod]] = {}
        rows = self.session.execute(
            select(
                CadenceRule.tier,
                CadenceRule.visit_kind,
                CadenceRule.visits,
                CadenceRule.period,
                CadenceRule.team_id,
            )
            .where(CadenceRule.deleted.is_(False))
            .order_by(CadenceRule.team_id.is_not(None))  # defaults first, the team's own override them
        )
        for tier, kind, visits, rule_period, team_id in rows:
            if team_id is None or team_id == self.scope.team_id or self.scope.team_id is None:
                rules[(tier.value, kind.value)] = (visits, rule_period)
        tiers: dict[str, int] = defaultdict(int)
        for account in self.accounts.values():
            if _in_portfolio(account, self.period.end):
                tiers[str(account.tier)] += 1
        expected: dict[str, float] = defaultdict(float)
        for (tier, kind), (visits, rule_period) in rules.items():
            expected[kind] += tiers.get(tier, 0) * visits * PER_YEAR[rule_period] * self.period.days / 365
        return {kind: round(expected.get(kind, 0.0), 2) for kind in ("onsite", "phone")}

    def activity_figures(self, visits: list[Any]) -> list[Figure]:
        previous = self._visit_counts(self.period.previous())
        last_year = self._visit_counts(self.period.same_period_last_year())
        by_kind: dict[str, list[Record]] = defaultdict(list)
        for v in visits:
            by_kind[v.kind.value].append(
                Record("visits", v.id, v.account_id, v.name, _local_day(v.occurred_at), v.summary or "",
                       rating=v.satisfaction)
            )  # fmt: skip
        figures = []
        for kind in ("onsite", "phone", "sms"):
            records = tuple(sorted(by_kind[kind], key=lambda r: (r.day, r.account_name, r.id)))
            figures.append(
                Figure(f"activity.{kind}", len(records), Unit.COUNT, previous[kind], last_year[kind], records)
            )
        cadence = self.cadence_expected()
        figures.append(Figure("activity.onsite_cadence", cadence["onsite"], Unit.NUMBER))
        figures.append(Figure("activity.phone_cadence", cadence["phone"], Unit.NUMBER))
        return figures

    def visit_satisfaction(self, visits: list[Any]) -> Figure:
        rated = sorted(
            (Record("visits", v.id, v.account_id, v.name, _local_day(v.occurred_at), v.summary or "",
                    rating=v.satisfaction) for v in visits if v.satisfaction is not None),
            key=lambda r: (r.day, r.account_name, r.id),
        )  # fmt: skip
        previous_statement = self._visits_statement(self.period.previous(), func.avg(Visit.satisfaction))
        previous = self.session.scalar(previous_statement)
        return Figure(
            "satisfaction.visits",
            (sum(r.rating or 0 for r in rated) / len(rated)) if rated else None,
            Unit.RATING,
            previous=float(previous) if previous is not None else None,
            records=tuple(rated),
        )

    def weeks(self, visits: list[Any]) -> tuple[WeekRow, ...]:
        if self.period.kind is not ReportKind.MONTHLY:
            return ()
        statuses: dict[date, str] = {}
        statement = select(Report.period_start, Report.status).where(
            Report.deleted.is_(False), Report.kind == ReportKind.WEEKLY
        )
        if self.scope.user_id is not None:
            statement = statement.where(Report.owner_id == self.scope.user_id)
        for start, status in self.session.execute(statement):
            if status.value == "submitted" or start not in statuses:
                statuses[start] = status.value
        rows = []
        for week in weeks_of_month(self.period):
            start, end = max(week.start, self.period.start), min(week.end, self.period.end)
            counts = {"onsite": 0, "phone": 0, "sms": 0}
            for v in visits:
                day = _local_day(v.occurred_at)
                if day is not None and start <= day <= end:
                    counts[v.kind.value] += 1
            rows.append(
                WeekRow(week.label, start, end, counts["onsite"], counts["phone"], counts["sms"],
                        statuses.get(week.start))
            )  # fmt: skip
        return tuple(rows)


def compute_figures(
    session: Session,
    period: Period,
    scope: ReportScope,
    team: TeamAverages | None = None,
    *,
    now: datetime | None = None,
) -> ReportFigures:
    """Every figure of ``period`` for ``scope``; ``team`` is the server's team average, or None."""
    work = _Computation(session, period, scope)
    month = work.revenue_month()
    visits = work.visits()
    complaints, complaint_satisfaction = work.complaint_figures()
    figures = [
        *work.accounts_figures(),
        *work.revenue_figures(month),
        *work.value_added_figures(),
        *complaints,
        *work.need_figures(),
        complaint_satisfaction,
        work.visit_satisfaction(visits),
        *work.competitor_figures(),
        *work.activity_figures(visits),
    ]
    return ReportFigures(
        period=period,
        computed_at=now or datetime.now(UTC),
        figures=tuple(figures),
        revenue_month=month,
        revenue_trend=work.revenue_trend(month),
        team=team,
        weeks=work.weeks(visits),
    )
