"""The alert rules: each reads only what it needs, in SQL over the whole store or a few accounts.

Every rule takes a ``Scope`` (the moment, the business day in Asia/Shanghai, the thresholds, the
tracked accounts' summary rows: latest visits and bills, see ``account_summary``) and yields
``Alert``s. The same code evaluates the whole portfolio and, after a visit, only the accounts it
touched (``Scope.account_ids``).
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from kamdesk.domain import account_summary as summary
from kamdesk.domain import cadence
from kamdesk.domain.alerts.model import Action, Alert, AlertKind, AlertSettings, Severity
from kamdesk.domain.clock import BUSINESS_TZ, add_months, business_today
from kamdesk.models import Complaint, Contact, ProductHolding
from kamdesk.models.enums import ComplaintStatus, VisitKind
from kamdesk.store import raw

# What the rules read of each tracked account: the cadence's row, then these summary columns.
EXTRA = (
    "customer_since",
    "last_contact",
    "bill_month",
    "bill_fen",
    "bill_fen_1",
    "bill_fen_2",
    "bill_fen_3",
    "bill_fen_12",
)
ID, NAME = cadence.ID, cadence.NAME
SINCE, LAST_CONTACT, BILL_MONTH, BILL, BILL_1, BILL_2, BILL_3, BILL_12 = range(
    len(cadence.ROW), len(cadence.ROW) + len(EXTRA)
)

REVENUE_DROP = AlertKind.REVENUE_DROP.value
VISIT_OVERDUE = AlertKind.VISIT_OVERDUE.value


@dataclass
class Scope:
    """What every rule reads: the moment, the business day, the thresholds, the evaluated
    accounts (None = all), each tracked account's summary row (``account_summary``, dates as ISO
    text) by id, and the accounts already behind their cadence."""

    session: Session
    now: datetime
    today: date
    settings: AlertSettings
    account_ids: Collection[str] | None
    accounts: dict[str, summary.Row]
    cadence: list[cadence.AccountCadence]  # only the accounts and kinds already overdue
    days: cadence.Days

    def restrict(self, column: ColumnElement[str]) -> ColumnElement[bool]:
        """``column IN account_ids`` when evaluating a few accounts, else no condition."""
        return true() if self.account_ids is None else column.in_(list(self.account_ids))


def build_scope(
    session: Session,
    now: datetime,
    settings: AlertSettings,
    account_ids: Collection[str] | None = None,
    policy: cadence.Policy | None = None,
) -> Scope:
    today = business_today(now)
    rows = cadence.rows(session, account_ids, EXTRA)
    days = cadence.Days()
    policy = policy or cadence.load_policy(session)
    overdue = cadence.evaluate(policy, rows, today, today - timedelta(days=1), days)
    accounts = {row[ID]: row for row in rows}
    return Scope(session, now, today, settings, account_ids, accounts, overdue, days)


def _business_date(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BUSINESS_TZ).date()


def _answered(account: summary.Row, since: date) -> bool:
    """A submitted visit on or after ``since`` answers the contact-type alerts of the account."""
    last = account[LAST_CONTACT]
    return last is not None and last >= since.isoformat()


def next_birthday(born: date, today: date) -> date:
    """The next celebration on or after ``today``; 29 Feb is celebrated on 28 Feb in common years."""
    for year in (today.year, today.year + 1):
        day = min(born.day, calendar.monthrange(year, born.month)[1])
        candidate = date(year, born.month, day)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable: a birthday recurs within a year")


def _birthday_dates(today: date, days: int, oldest_year: int = 1900) -> list[date]:
    """Every birth date (from ``oldest_year`` on) celebrated in the window: one exact-date probe
    each on the birthday index, instead of scanning every contact. 29 Feb is included when the
    window holds 28 Feb of a common year."""
    month_days: set[tuple[int, int]] = set()
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        month_days.add((day.month, day.day))
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            month_days.add((2, 29))
    return [
        date(year, month, day)
        for year in range(oldest_year, today.year + 1)
        for month, day in sorted(month_days)
        if day <= calendar.monthrange(year, month)[1]
    ]


def birthdays(scope: Scope) -> Iterator[Alert]:
    window = scope.settings.birthday_days
    rows = scope.session.execute(
        select(Contact.id, Contact.account_id, Contact.name, Contact.title, Contact.birthday).where(
            Contact.deleted.is_(False),
            Contact.birthday.is_not(None),
            Contact.birthday.in_(_birthday_dates(scope.today, window)),
            scope.restrict(Contact.account_id),
        )
    )
    for contact_id, account_id, name, title, born in rows:
        account = scope.accounts.get(account_id)
        if account is None:
            continue
        day = next_birthday(born, scope.today)
        days_left = (day - scope.today).days
        if days_left > window:
            continue
        since = day - timedelta(days=window)
        if _answered(account, since):
            continue
        yield Alert(
            key=f"{AlertKind.BIRTHDAY}:{contact_id}:{day.year}",
            kind=AlertKind.BIRTHDAY,
            account_id=account_id,
            account_name=account[NAME],
            severity=Severity.WARNING if days_left == 0 else Severity.INFO,
            since=since,
            action=Action.LOG_PHONE,
            subject_id=contact_id,
            visit_kind=VisitKind.PHONE,
            facts={"contact": name, "title": title or "", "day": day, "days": days_left},
        )


def contracts_ending(scope: Scope) -> Iterator[Alert]:
    window = scope.settings.contract_days
    rows = scope.session.execute(
        select(
            ProductHolding.id, ProductHolding.account_id, ProductHolding.product_name, ProductHolding.end_date
        ).where(
            ProductHolding.deleted.is_(False),
            ProductHolding.end_date >= scope.today,
            ProductHolding.end_date <= scope.today + timedelta(days=window),
            scope.restrict(ProductHolding.account_id),
        )
    )
    for holding_id, account_id, product, end in rows:
        account = scope.accounts.get(account_id)
        if account is None:
            continue
        since = end - timedelta(days=window)
        if _answered(account, since):
            continue
        days_left = (end - scope.today).days
        yield Alert(
            key=f"{AlertKind.CONTRACT_ENDING}:{holding_id}:{end.isoformat()}",
            kind=AlertKind.CONTRACT_ENDING,
            account_id=account_id,
            account_name=account[NAME],
            severity=Severity.WARNING if days_left <= 7 else Severity.INFO,
            since=since,
            action=Action.PLAN_VISIT,
            subject_id=holding_id,
            visit_kind=VisitKind.ONSITE,
            facts={"product": product, "day": end, "days": days_left},
        )


_IN_LIST_LIMIT = 500


def _bills(scope: Scope, month: date, account_ids: Collection[str]) -> dict[str, int]:
    """account id → billed fen for ``month``, read from ``revenue_months`` itself (a range of the
    covering (month, account) index): only for accounts billed after last month, which the
    summary's figures, anchored on the latest bill, do not describe."""
    sql = "SELECT account_id, amount_fen FROM revenue_months WHERE month = :month AND deleted = 0"
    params: dict[str, object] = {"month": month.isoformat()}
    if len(account_ids) <= _IN_LIST_LIMIT:
        sql += " AND account_id IN " + raw.in_list("id", account_ids, params)
        return dict(raw.cursor(scope.session).execute(sql, params))
    wanted = set(account_ids)
    return {key: fen for key, fen in raw.cursor(scope.session).execute(sql, params) if key in wanted}


# (account id, last month's bill, the bills 1, 2 and 3 months before it, the bill a year before it)
_Figures = tuple[str, int, int | None, int | None, int | None, int | None]


def _bill_figures(scope: Scope, month: date) -> list[_Figures]:
    """The bills of every evaluated account billed for last month ``month``."""
    key = month.isoformat()
    figures: list[_Figures] = []
    later = []
    for row in scope.accounts.values():
        latest = row[BILL_MONTH]
        if latest is None or latest < key:
            continue  # no bill for last month
        if latest == key:
            figures.append((row[ID], row[BILL], row[BILL_1], row[BILL_2], row[BILL_3], row[BILL_12]))
        else:
            later.append(row[ID])
    if later:
        current = _bills(scope, month, later)
        first, second, third, year = (
            _bills(scope, add_months(month, -offset), list(current)).get for offset in (1, 2, 3, 12)
        )
        figures.extend((i, fen, first(i), second(i), third(i), year(i)) for i, fen in current.items())
    return figures


def revenue_drops(scope: Scope) -> Iterator[Alert]:
    """Last month's bill against the average of the three months before it (those present) and
    against the same month a year earlier. Integer arithmetic, so a drop of exactly the threshold
    alerts. No bill for last month (or no history at all) gives no alert.

    The figures come from the summary, which holds each account's latest bill and the ones 1, 2,
    3 and 12 months before it; accounts already billed for a later month are read from
    ``revenue_months`` (``_bills``)."""
    settings = scope.settings
    month = add_months(scope.today, -1)
    keep_average = 100 - settings.revenue_drop_percent
    keep_year = 100 - settings.revenue_yoy_drop_percent
    since = add_months(month, 1)  # the bill is known from the next month on
    accounts = scope.accounts
    for account_id, now_fen, first, second, third, year_fen in _bill_figures(scope, month):
        total = count = 0
        for amount in (first, second, third):
            if amount is not None:
                total += amount
                count += 1
        by_average = total > 0 and now_fen * 100 * count <= total * keep_average
        by_year = bool(year_fen) and now_fen * 100 <= year_fen * keep_year  # type: ignore[operator]
        if not (by_average or by_year):
            continue
        account = accounts[account_id]
        if _answered(account, since):
            continue
        average = total / count if by_average else None
        worst = max(
            (1 - now_fen / average) if average else 0.0,
            (1 - now_fen / year_fen) if by_year and year_fen else 0.0,
        )
        yield Alert(
            key=f"{REVENUE_DROP}:{account_id}:{month:%Y-%m}",
            kind=AlertKind.REVENUE_DROP,
            account_id=account_id,
            account_name=account[NAME],
            severity=Severity.URGENT if worst * 100 >= settings.revenue_urgent_percent else Severity.WARNING,
            since=since,
            action=Action.LOG_PHONE,
            visit_kind=VisitKind.PHONE,
            facts={
                "month": month,
                "amount": now_fen,
                "average": round(average) if average else None,
                "year_ago": year_fen if by_year else None,
            },
        )


def first_contacts(scope: Scope) -> Iterator[Alert]:
    """A new customer with no visit since it became one, once ``first_contact_hours`` have passed
    from the start of its first business day (the store keeps the day, not the hour)."""
    settings = scope.settings
    oldest = (scope.today - timedelta(days=settings.new_account_days)).isoformat()
    today = scope.today.isoformat()
    for account_id, account in scope.accounts.items():
        since = account[SINCE]
        if since is None or since < oldest or since > today:
            continue
        last = account[LAST_CONTACT]
        if last is not None and last >= since:
            continue
        day = scope.days[since]
        assert day is not None
        start = datetime.combine(day, datetime.min.time(), tzinfo=BUSINESS_TZ)
        deadline = start + timedelta(hours=settings.first_contact_hours)
        if scope.now < deadline:
            continue
        hours = int((scope.now - start).total_seconds() // 3600)
        yield Alert(
            key=f"{AlertKind.FIRST_CONTACT}:{account_id}",
            kind=AlertKind.FIRST_CONTACT,
            account_id=account_id,
            account_name=account[NAME],
            severity=Severity.URGENT,
            since=day,
            action=Action.LOG_PHONE,
            visit_kind=VisitKind.PHONE,
            facts={"day": day, "hours": hours, "norm": settings.first_contact_hours},
        )


def overdue_complaints(scope: Scope) -> Iterator[Alert]:
    """An open complaint past its answer deadline (48 h after it was raised): tell the supervisor;
    a major one, or one still open ``complaint_head_escalation_hours`` later, goes to the
    department head. The level is part of the key, so escalating re-raises a snoozed alert."""
    rows = scope.session.execute(
        select(
            Complaint.id,
            Complaint.account_id,
            Complaint.summary,
            Complaint.severity,
            Complaint.raised_at,
            Complaint.answer_due_at,
        ).where(
            Complaint.deleted.is_(False),
            Complaint.status == ComplaintStatus.OPEN,
            Complaint.answered_at.is_(None),
            Complaint.answer_due_at <= scope.now,
            scope.restrict(Complaint.account_id),
        )
    )
    head_after = timedelta(hours=scope.settings.complaint_head_escalation_hours)
    for complaint_id, account_id, summary_text, level, raised, due in rows:
        account = scope.accounts.get(account_id)
        if account is None:
            continue
        to_head = level == "major" or scope.now >= due + head_after
        stage = "head" if to_head else "supervisor"
        yield Alert(
            key=f"{AlertKind.COMPLAINT_OVERDUE}:{complaint_id}:{stage}",
            kind=AlertKind.COMPLAINT_OVERDUE,
            account_id=account_id,
            account_name=account[NAME],
            severity=Severity.URGENT,
            since=_business_date(due),
            action=Action.OPEN_COMPLAINT,
            subject_id=complaint_id,
            facts={
                "summary": summary_text,
                "hours": int((scope.now - raised).total_seconds() // 3600),
                "due": due,
                "escalate_to": stage,
            },
        )


def _due(status: cadence.KindStatus) -> date:
    return status.due


def overdue_visits(scope: Scope) -> Iterator[Alert]:
    """One alert per account behind its cadence, named after its most overdue kind (the other
    overdue kinds are in the facts). Answering that kind moves the account to a new cause.

    Days overdue only grow as the due day moves earlier, so the earliest due kind is also the
    most overdue one."""
    urgent_days = scope.settings.cadence_urgent_days
    iso: dict[date, str] = {}  # a portfolio's due days are a few hundred
    for account in scope.cadence:
        kinds = account.kinds
        if len(kinds) == 1:
            worst = kinds[0]
            overdue_kinds: tuple[VisitKind, ...] = (worst.kind,)
        elif kinds:
            worst = min(kinds, key=_due)
            overdue_kinds = tuple([status.kind for status in kinds])
        else:
            continue
        kind, due, days = worst.kind, worst.due, worst.overdue_days
        day = iso.get(due)
        if day is None:
            day = iso[due] = due.isoformat()
        yield Alert(
            key=f"{VISIT_OVERDUE}:{account.account_id}:{kind}:{day}",
            kind=AlertKind.VISIT_OVERDUE,
            account_id=account.account_id,
            account_name=account.name,
            severity=Severity.WARNING if days >= urgent_days else Severity.INFO,
            since=due,
            action=Action.PLAN_VISIT if kind is VisitKind.ONSITE else Action.LOG_PHONE,
            visit_kind=kind,
            facts={"kind": kind, "due": due, "days": days, "last": worst.last_visit, "kinds": overdue_kinds},
        )


def inactive_accounts(scope: Scope) -> Iterator[Alert]:
    """Long without any visit; accounts already alerted as behind their cadence are left out
    (the visit-overdue alert says the same, with the norm)."""
    limit = (scope.today - timedelta(days=scope.settings.inactive_days)).isoformat()
    behind = {account.account_id for account in scope.cadence if account.kinds}
    days = scope.days
    for account_id, account in scope.accounts.items():
        last = account[LAST_CONTACT]
        reference = last or account[SINCE]
        if reference is None or reference > limit or account_id in behind:
            continue
        day = days[reference]
        assert day is not None
        yield Alert(
            key=f"{AlertKind.INACTIVE}:{account_id}:{last or 'never'}",
            kind=AlertKind.INACTIVE,
            account_id=account_id,
            account_name=account[NAME],
            severity=Severity.INFO,
            since=day,
            action=Action.LOG_PHONE,
            visit_kind=VisitKind.PHONE,
            facts={"last": days[last], "days": (scope.today - day).days},
        )


RULES = (
    overdue_complaints,
    first_contacts,
    revenue_drops,
    birthdays,
    contracts_ending,
    overdue_visits,
    inactive_accounts,
)
