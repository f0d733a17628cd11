"""Visit cadence: how often each tier must be visited, and where each account stands against it.

The policy is data (``cadence_rules``, distributed by the server per team); ``DEFAULT_CADENCE``
is the fallback when the store holds none and what the demo seeds. "N visits per period" is
turned into an interval: whole calendar months when the period divides evenly (a visit on 31 Jan
with a monthly rule is due on 28/29 Feb), else days. An on-site visit also counts as a contact
for the phone cadence (meeting the customer is more than calling them), never the reverse.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.domain.clock import BUSINESS_TZ
from kamdesk.models import CadenceRule, User
from kamdesk.models.enums import AccountStatus, CadencePeriod, Tier, VisitKind
from kamdesk.store import raw

# DOMAIN.md: crystal grade 2 on-site per quarter + 1 phone per month; high grade 1 on-site per quarter.
DEFAULT_CADENCE: list[tuple[Tier, VisitKind, int, CadencePeriod]] = [
    (Tier.A1, VisitKind.ONSITE, 2, CadencePeriod.QUARTER),
    (Tier.A1, VisitKind.PHONE, 1, CadencePeriod.MONTH),
    (Tier.A2, VisitKind.ONSITE, 2, CadencePeriod.QUARTER),
    (Tier.A2, VisitKind.PHONE, 1, CadencePeriod.MONTH),
    (Tier.B1, VisitKind.ONSITE, 1, CadencePeriod.QUARTER),
    (Tier.B1, VisitKind.PHONE, 1, CadencePeriod.MONTH),
    (Tier.B2, VisitKind.ONSITE, 2, CadencePeriod.YEAR),
    (Tier.B2, VisitKind.PHONE, 1, CadencePeriod.QUARTER),
    (Tier.C, VisitKind.ONSITE, 1, CadencePeriod.YEAR),
    (Tier.C, VisitKind.PHONE, 1, CadencePeriod.QUARTER),
]
PERIOD_MONTHS = {CadencePeriod.MONTH: 1, CadencePeriod.QUARTER: 3, CadencePeriod.YEAR: 12}
DAYS_PER_MONTH = 365.25 / 12
# Which visit kinds count towards a kind's cadence.
COUNTS_FOR: dict[VisitKind, tuple[VisitKind, ...]] = {
    VisitKind.ONSITE: (VisitKind.ONSITE,),
    VisitKind.PHONE: (VisitKind.PHONE, VisitKind.ONSITE),
    VisitKind.SMS: (VisitKind.SMS, VisitKind.PHONE, VisitKind.ONSITE),
}
TRACKED_STATUSES = (AccountStatus.ACTIVE, AccountStatus.PROSPECT)  # also spelled out in account_rows
TIERS = {tier.value: tier for tier in Tier}


@dataclass(frozen=True)
class Rule:
    tier: Tier
    kind: VisitKind
    visits: int
    period: CadencePeriod

    def next_due(self, last: date) -> date:
        """The day the next visit is due after one on ``last``."""
        months = PERIOD_MONTHS[self.period]
        if months % self.visits == 0:
            return add_months_clamped(last, months // self.visits)
        return last + timedelta(days=round(months * DAYS_PER_MONTH / self.visits))


@dataclass(frozen=True)
class Policy:
    rules: tuple[Rule, ...]

    def for_tier(self, tier: Tier) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.tier == tier)


@dataclass(slots=True)
class KindStatus:
    """One account against one rule: last visit of the kind, next due date, days overdue (≥ 0)."""

    account_id: str
    kind: VisitKind
    rule: Rule
    last_visit: date | None
    due: date
    overdue_days: int

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0


@dataclass(slots=True)
class AccountCadence:
    account_id: str
    name: str
    tier: Tier
    city: str | None
    district: str | None
    kinds: tuple[KindStatus, ...]

    @property
    def overdue_days(self) -> int:
        return max((k.overdue_days for k in self.kinds), default=0)

    @property
    def next_due(self) -> date | None:
        return min((k.due for k in self.kinds), default=None)


def add_months_clamped(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_policy() -> Policy:
    return Policy(tuple(Rule(*row) for row in DEFAULT_CADENCE))


def load_policy(session: Session, team_id: str | None = None) -> Policy:
    """The team's rules where the team has any, else the store's default rules, else the built-ins.

    A team rule replaces the default for the same tier and kind."""
    rows = session.execute(
        select(
            CadenceRule.team_id,
            CadenceRule.tier,
            CadenceRule.visit_kind,
            CadenceRule.visits,
            CadenceRule.period,
        ).where(CadenceRule.deleted.is_(False), CadenceRule.visits > 0)
    ).all()
    if not rows:
        return default_policy()
    chosen: dict[tuple[Tier, VisitKind], Rule] = {}
    for row in rows:
        if row.team_id is None:
            chosen.setdefault(
                (row.tier, row.visit_kind), Rule(row.tier, row.visit_kind, row.visits, row.period)
            )
    for row in rows:
        if row.team_id is not None and (team_id is None or row.team_id == team_id):
            chosen[(row.tier, row.visit_kind)] = Rule(row.tier, row.visit_kind, row.visits, row.period)
    return Policy(tuple(chosen.values()))


def team_of(session: Session, user_id: str | None) -> str | None:
    if user_id is None:
        return None
    return session.scalar(select(User.team_id).where(User.id == user_id))


def _offset_modifier() -> str:
    """The business zone's UTC offset as an SQLite date modifier (Shanghai keeps no summer time)."""
    offset = BUSINESS_TZ.utcoffset(datetime.now())
    assert offset is not None
    return f"{int(offset.total_seconds() // 60):+d} minutes"


def last_visits(session: Session, account_ids: Collection[str] | None = None) -> dict[tuple[str, str], date]:
    """The business date of the latest submitted visit of each kind per account.

    Plain SQL over a covering index, read through the DB-API cursor (tuples, not ``Row``s): this
    runs over every visit of a 100,000-account store."""
    sql = (
        "SELECT account_id, kind, date(max(occurred_at), :offset) FROM visits "
        "WHERE status = 'submitted' AND deleted = 0 AND occurred_at IS NOT NULL"
    )
    params: dict[str, object] = {"offset": _offset_modifier()}
    if account_ids is not None:
        sql += " AND account_id IN " + raw.in_list("id", account_ids, params)
    parse = date.fromisoformat
    return {
        (account_id, kind): parse(day)
        for account_id, kind, day in raw.rows(session, sql + " GROUP BY account_id, kind", params)
        if day is not None
    }


def _first_start_not_due(rule: Rule, due_by: date) -> date:
    """The earliest start day whose next visit falls after ``due_by`` (``next_due`` never
    decreases as the start moves later, so one binary search per rule replaces a date
    calculation per account)."""
    low, high = (due_by - timedelta(days=800)).toordinal(), due_by.toordinal() + 1
    while low < high:
        middle = (low + high) // 2
        if rule.next_due(date.fromordinal(middle)) > due_by:
            high = middle
        else:
            low = middle + 1
    return date.fromordinal(low)


def evaluate(
    policy: Policy,
    accounts: Iterable[tuple[str, str, str, str | None, str | None, date | None]],
    latest: dict[tuple[str, str], date],
    today: date,
    *,
    due_by: date | None = None,
) -> list[AccountCadence]:
    """Pure: each account (id, name, tier, city, district, customer_since) against the policy.

    An account never visited in a kind is due one interval after it became a customer (or today
    when that date is unknown). With ``due_by``, only kinds due by that day are returned (and
    accounts with none are left out), which keeps a whole-portfolio pass cheap: an account that
    is not due is recognised by one date comparison."""
    # Plain strings in the hot loop: tuple keys holding enums hash and compare several times slower.
    plans: dict[str, list[tuple[Rule, str, tuple[str, ...], date | None, dict[date, date]]]] = {}
    for rule in policy.rules:
        counted = tuple(kind.value for kind in COUNTS_FOR[rule.kind])
        bound = _first_start_not_due(rule, due_by) if due_by is not None else None
        plans.setdefault(rule.tier.value, []).append((rule, rule.kind.value, counted, bound, {}))
    result = []
    for account_id, name, tier, city, district, since in accounts:
        statuses = []
        for rule, own_kind, counted, bound, memo in plans.get(tier, ()):
            start = None
            for kind in counted:
                day = latest.get((account_id, kind))
                if day is not None and (start is None or day > start):
                    start = day
            if start is None:
                start = since
            if start is None:
                due = today
            else:
                if bound is not None and start >= bound:
                    continue
                due = memo.get(start)
                if due is None:
                    due = memo[start] = rule.next_due(start)
            if due_by is not None and due > due_by:
                continue
            overdue = (today - due).days
            statuses.append(
                KindStatus(
                    account_id,
                    rule.kind,
                    rule,
                    latest.get((account_id, own_kind)),
                    due,
                    overdue if overdue > 0 else 0,
                )
            )
        if statuses or due_by is None:
            result.append(AccountCadence(account_id, name, TIERS[tier], city, district, tuple(statuses)))
    return result


def account_rows(
    session: Session, account_ids: Collection[str] | None = None
) -> list[tuple[str, str, str, str | None, str | None, date | None]]:
    """(id, name, tier, city, district, customer_since) of every tracked account, in plain SQL."""
    parse = date.fromisoformat
    rows = account_rows_iso(session, account_ids)
    return [(i, n, t, c, d, parse(s) if s else None) for i, n, t, c, d, s in rows]


def account_rows_iso(
    session: Session, account_ids: Collection[str] | None = None
) -> list[tuple[str, str, str, str | None, str | None, str | None]]:
    """``account_rows`` with customer_since left as the stored ISO text (``evaluate_iso``)."""
    sql = (
        "SELECT id, name, tier, city, district, customer_since FROM accounts "
        "WHERE deleted = 0 AND status IN ('active', 'prospect')"
    )
    params: dict[str, object] = {}
    if account_ids is not None:
        sql += " AND id IN " + raw.in_list("id", account_ids, params)
    return raw.rows(session, sql, params)


# A rule for the hot loop: rule, kind, counted columns, own column, first start not due, memo.
_Plan = tuple[Rule, VisitKind, tuple[int, ...], int, str, dict[str, tuple[date, int]]]


class Days(dict[str | None, date | None]):
    """ISO text → ``date``, each distinct day parsed once (a portfolio has a few hundred)."""

    def __missing__(self, key: str | None) -> date | None:
        value = self[key] = date.fromisoformat(key) if key else None
        return value


WIDE_KINDS = (VisitKind.ONSITE.value, VisitKind.PHONE.value, VisitKind.SMS.value)


def last_visits_wide(
    session: Session, account_ids: Collection[str] | None = None
) -> dict[str, tuple[str | None, ...]]:
    """Per account with a submitted visit: the business date (ISO text) of the latest visit of
    each kind in ``WIDE_KINDS`` order, then of any kind. One grouped pass over the covering
    (status, account, kind, occurred) index gives one row per account, not per account and kind."""
    columns = ", ".join(
        f"date(max(CASE WHEN kind = '{kind}' THEN occurred_at END), :offset)" for kind in WIDE_KINDS
    )
    sql = (
        f"SELECT account_id, {columns}, date(max(occurred_at), :offset) FROM visits "
        "WHERE status = 'submitted' AND deleted = 0 AND occurred_at IS NOT NULL"
    )
    params: dict[str, object] = {"offset": _offset_modifier()}
    if account_ids is not None:
        sql += " AND account_id IN " + raw.in_list("id", account_ids, params)
    return {row[0]: row[1:] for row in raw.rows(session, sql + " GROUP BY account_id", params)}


def evaluate_iso(
    policy: Policy,
    accounts: Iterable[tuple[str, str, str, str | None, str | None, str | None]],
    lasts: dict[str, tuple[str | None, ...]],
    today: date,
    due_by: date,
    days: Days | None = None,
) -> list[AccountCadence]:
    """``evaluate(..., due_by=due_by)`` over ISO-text dates (``account_rows_iso``,
    ``last_visits_wide``): ISO dates compare as text, so the hot loop parses nothing and looks up
    nothing per kind; only the accounts found overdue get objects. Same results as ``evaluate``."""
    days = days if days is not None else Days()
    plans: dict[str, list[_Plan]] = {}
    for rule in policy.rules:
        counted = tuple(WIDE_KINDS.index(kind.value) for kind in COUNTS_FOR[rule.kind])
        bound = _first_start_not_due(rule, due_by).isoformat()
        plans.setdefault(rule.tier.value, []).append(
            (rule, rule.kind, counted, WIDE_KINDS.index(rule.kind.value), bound, {})
        )
    nothing: tuple[str | None, ...] = (None,) * (len(WIDE_KINDS) + 1)
    result = []
    for account_id, name, tier, city, district, since in accounts:
        seen = lasts.get(account_id, nothing)
        statuses = []
        for rule, kind, counted, own, bound, memo in plans.get(tier, ()):
            start = None
            for index in counted:
                day = seen[index]
                if day is not None and (start is None or day > start):
                    start = day
            if start is None:
                start = since or None
            if start is None or start >= bound:
                continue  # never-contacted accounts are due today, after due_by
            known = memo.get(start)
            if known is None:
                due = rule.next_due(days[start])  # type: ignore[arg-type]
                overdue = (today - due).days
                known = memo[start] = (due, overdue if overdue > 0 else 0)
            if known[0] > due_by:
                continue
            statuses.append(KindStatus(account_id, kind, rule, days[seen[own]], known[0], known[1]))
        if statuses:
            result.append(AccountCadence(account_id, name, TIERS[tier], city, district, tuple(statuses)))
    return result


def portfolio_cadence(
    session: Session,
    today: date,
    *,
    policy: Policy | None = None,
    account_ids: Collection[str] | None = None,
    due_by: date | None = None,
) -> list[AccountCadence]:
    """Every tracked account (or only ``account_ids``) against the cadence policy on ``today``."""
    policy = policy or load_policy(session)
    rows = account_rows(session, account_ids)
    return evaluate(policy, rows, last_visits(session, account_ids), today, due_by=due_by)


def account_cadence(session: Session, account_id: str, today: date) -> AccountCadence | None:
    found = portfolio_cadence(session, today, account_ids=[account_id])
    return found[0] if found else None
