"""Visit cadence: how often each tier must be visited, and where each account stands against it.

The policy is data (``cadence_rules``, distributed by the server per team); ``DEFAULT_CADENCE``
is the fallback when the store holds none and what the demo seeds. "N visits per period" is
turned into an interval: whole calendar months when the period divides evenly (a visit on 31 Jan
with a monthly rule is due on 28/29 Feb), else days. An on-site visit also counts as a contact
for the phone cadence (meeting the customer is more than calling them), never the reverse.

Where each account stands is read from the account summary (``account_summary``: one compact row
per account with its latest visit of each kind, kept by SQLite triggers), never from the visits.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from kamdesk.domain import account_summary as summary
from kamdesk.models import CadenceRule, User
from kamdesk.models.enums import AccountStatus, CadencePeriod, Tier, VisitKind

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
TRACKED_STATUSES = (AccountStatus.ACTIVE, AccountStatus.PROSPECT)  # also spelled out as summary.TRACKED
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


def load_policy(session: Session | Connection, team_id: str | None = None) -> Policy:
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


def _start_sql(kind: VisitKind) -> str:
    """SQL over a summary row: the day ``kind``'s cadence runs from, the latest visit of a kind
    that counts for it (``COUNTS_FOR``), else the day the account became a customer."""
    lasts = [f"coalesce({summary.LAST_COLUMN[counted]}, '')" for counted in COUNTS_FOR[kind]]
    latest = lasts[0] if len(lasts) == 1 else f"max({', '.join(lasts)})"
    return f"coalesce(nullif({latest}, ''), customer_since)"


_KINDS = tuple(VisitKind)
ROW = (
    "account_id",
    "name",
    "tier",
    "city",
    "district",
    *(summary.LAST_COLUMN[kind] for kind in _KINDS),
    *(_start_sql(kind) for kind in _KINDS),
)
"""What ``rows`` reads of each account, in order (positions below): its facts, the latest visit
of each kind, and the day each kind's cadence runs from (None: never contacted, customer since
an unknown day). Dates as ISO text."""
ID, NAME, TIER, CITY, DISTRICT = range(5)
LAST_OF_KIND = {kind: 5 + index for index, kind in enumerate(_KINDS)}
START_OF_KIND = {kind: 5 + len(_KINDS) + index for index, kind in enumerate(_KINDS)}


def rows(
    session: Session | Connection, account_ids: Collection[str] | None = None, extra: Sequence[str] = ()
) -> list[summary.Row]:
    """``ROW`` of every tracked account (or of those among ``account_ids``) from the account
    summary, followed by the ``extra`` summary columns (positions from ``len(ROW)`` on)."""
    return summary.tracked(session, (*ROW, *extra), account_ids)


# A rule for the hot loop: rule, kind, position of its start and of its own last visit in a row,
# first start not due (ISO text, or None), memo of start → (due, days overdue).
_Plan = tuple[Rule, VisitKind, int, int, str | None, dict[str, tuple[date, int]]]


class Days(dict[str | None, date | None]):
    """ISO text → ``date``, each distinct day parsed once (a portfolio has a few hundred)."""

    def __missing__(self, key: str | None) -> date | None:
        value = self[key] = date.fromisoformat(key) if key else None
        return value


def evaluate(
    policy: Policy,
    rows: Iterable[summary.Row],
    today: date,
    due_by: date | None = None,
    days: Days | None = None,
) -> list[AccountCadence]:
    """Pure: each account (a row of ``rows``) against the policy.

    A rule is due one interval after its start (``START_OF_KIND``); an account never contacted
    and with no customer-since day is due today. With ``due_by``, only kinds due by that day are
    returned and accounts with none are left out, which keeps a whole-portfolio pass cheap: ISO
    dates compare as text, so an account that is not due is recognised by one string comparison
    per rule, and only the accounts returned get objects."""
    days = days if days is not None else Days()
    plans: dict[str, list[_Plan]] = {}
    for rule in policy.rules:
        bound = None if due_by is None else _first_start_not_due(rule, due_by).isoformat()
        plans.setdefault(rule.tier.value, []).append(
            (rule, rule.kind, START_OF_KIND[rule.kind], LAST_OF_KIND[rule.kind], bound, {})
        )
    never_due = due_by is not None and today > due_by  # never contacted: due today, after due_by
    keep_all = due_by is None
    today_due = (today, 0)
    result = []
    for row in rows:
        statuses = []
        for rule, kind, start_at, own, bound, memo in plans.get(row[TIER], ()):
            start = row[start_at]
            if start is None:
                if never_due:
                    continue
                known = today_due
            else:
                if bound is not None and start >= bound:
                    continue
                known = memo.get(start)
                if known is None:
                    due = rule.next_due(days[start])  # type: ignore[arg-type]
                    overdue = (today - due).days
                    known = memo[start] = (due, overdue if overdue > 0 else 0)
                if due_by is not None and known[0] > due_by:
                    continue
            statuses.append(KindStatus(row[ID], kind, rule, days[row[own]], known[0], known[1]))
        if statuses or keep_all:
            tier = TIERS[row[TIER]]
            result.append(AccountCadence(row[ID], row[NAME], tier, row[CITY], row[DISTRICT], tuple(statuses)))
    return result


def next_due_dates(policy: Policy, rows: Iterable[summary.Row]) -> dict[str, date | None]:
    """Per account (a row of ``rows``), the first day a visit of some kind falls due under
    ``policy``, as ``evaluate`` would say; None when a kind has never been contacted and there is
    no customer-since day (due now). Unlike ``evaluate`` this does not depend on today, so the
    portfolio index stores and sorts on it."""
    days = Days()
    starts: dict[str, list[tuple[Rule, int]]] = {}
    for rule in policy.rules:
        starts.setdefault(rule.tier.value, []).append((rule, START_OF_KIND[rule.kind]))
    found: dict[str, date | None] = {}
    for row in rows:
        dues = [
            rule.next_due(days[row[at]]) if row[at] else None  # type: ignore[arg-type]
            for rule, at in starts.get(row[TIER], ())
        ]
        found[row[ID]] = None if None in dues else min(dues, default=None)  # type: ignore[type-var]
    return found


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
    return evaluate(policy, rows(session, account_ids), today, due_by)


def account_cadence(session: Session, account_id: str, today: date) -> AccountCadence | None:
    found = portfolio_cadence(session, today, account_ids=[account_id])
    return found[0] if found else None
