"""Everything the account detail shows, read in one short session and returned as dataclasses:
profile, contacts, products/contracts, 13 months of revenue, visits, complaints, needs and
competitor notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kamdesk.domain.clock import add_months, business_today, month_start
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import (
    Account,
    CompetitorNote,
    Complaint,
    Contact,
    Opportunity,
    ProductHolding,
    RevenueMonth,
    User,
    Visit,
)
from kamdesk.models.enums import (
    AccountStatus,
    ComplaintStatus,
    DecisionRole,
    Industry,
    OpportunityStatus,
    ProductCategory,
    ScopeLevel,
    Tier,
    VisitKind,
    VisitStatus,
)

CHART_MONTHS = 13
EXPIRY_WARNING_DAYS = 90
"""A contract ending within this many days (or already ended) is highlighted."""

DECISION_ROLE_ORDER = {
    DecisionRole.DECISION_MAKER: 0,
    DecisionRole.INFLUENCER: 1,
    DecisionRole.LIAISON: 2,
    DecisionRole.USER: 3,
}


class AccountNotFoundError(UserError):
    """The account was removed (by sync or another window) while it was being opened."""


@dataclass(frozen=True)
class Profile:
    id: str
    code: str
    name: str
    short_name: str | None
    tier: Tier
    scope_level: ScopeLevel
    industry: Industry
    sub_industry: str | None
    province: str | None
    city: str | None
    district: str | None
    address: str | None
    status: AccountStatus
    primary_manager: str | None
    secondary_manager: str | None
    customer_since: date | None
    employee_count: int | None
    notes: str | None


@dataclass(frozen=True)
class ContactInfo:
    id: str
    name: str
    title: str | None
    department: str | None
    decision_role: DecisionRole
    mobile: str | None
    phone: str | None
    email: str | None
    birthday: date | None
    notes: str | None


@dataclass(frozen=True)
class ProductInfo:
    id: str
    product_name: str
    category: ProductCategory
    quantity: int
    monthly_fee_fen: int
    start_date: date | None
    end_date: date | None
    expiring: bool  # ends within EXPIRY_WARNING_DAYS, or has ended


@dataclass(frozen=True)
class RevenuePoint:
    month: date
    amount_fen: int | None  # None: no bill for that month
    arrears_fen: int


@dataclass(frozen=True)
class VisitInfo:
    id: str
    kind: VisitKind
    status: VisitStatus
    when: datetime | None
    summary: str | None
    satisfaction: int | None


@dataclass(frozen=True)
class ComplaintInfo:
    id: str
    raised_at: datetime
    summary: str
    severity: str
    status: ComplaintStatus
    answer_due_at: datetime


@dataclass(frozen=True)
class NeedInfo:
    id: str
    raised_on: date
    title: str
    description: str | None
    status: OpportunityStatus
    estimated_value_fen: int | None


@dataclass(frozen=True)
class CompetitorInfo:
    id: str
    noted_on: date
    competitor: str
    offer: str | None
    customer_reaction: str | None


@dataclass(frozen=True)
class AccountDetail:
    profile: Profile
    contacts: list[ContactInfo]
    products: list[ProductInfo]
    revenue: list[RevenuePoint]  # CHART_MONTHS months, oldest first, ending with the latest bill
    visits: list[VisitInfo]
    complaints: list[ComplaintInfo]
    needs: list[NeedInfo]
    competitors: list[CompetitorInfo]


def _name(session: Session, user_id: str | None) -> str | None:
    return session.scalar(select(User.display_name).where(User.id == user_id)) if user_id else None


def contacts(session: Session, account_id: str) -> list[ContactInfo]:
    rows = session.scalars(
        select(Contact).where(Contact.account_id == account_id, Contact.deleted.is_(False))
    ).all()
    ordered = sorted(rows, key=lambda c: (DECISION_ROLE_ORDER.get(c.decision_role, 9), c.name))
    return [
        ContactInfo(
            c.id,
            c.name,
            c.title,
            c.department,
            c.decision_role,
            c.mobile,
            c.phone,
            c.email,
            c.birthday,
            c.notes,
        )
        for c in ordered
    ]


def revenue_series(session: Session, account_id: str, today: date) -> list[RevenuePoint]:
    """The 13 months ending with the latest billed month (or the current month when no bill)."""
    rows = session.execute(
        select(RevenueMonth.month, RevenueMonth.amount_fen, RevenueMonth.arrears_fen).where(
            RevenueMonth.account_id == account_id, RevenueMonth.deleted.is_(False)
        )
    ).all()
    by_month = {month_start(month): (amount, arrears) for month, amount, arrears in rows}
    last = max(by_month) if by_month else month_start(today)
    months = [add_months(last, offset) for offset in range(-(CHART_MONTHS - 1), 1)]
    return [
        RevenuePoint(m, by_month[m][0] if m in by_month else None, by_month.get(m, (0, 0))[1] or 0)
        for m in months
    ]


def load(session: Session, account_id: str, today: date | None = None) -> AccountDetail:
    today = today or business_today()
    account = session.get(Account, account_id)
    if account is None or account.deleted:
        raise AccountNotFoundError(_("This account no longer exists in your portfolio."))
    profile = Profile(
        account.id,
        account.code,
        account.name,
        account.short_name,
        account.tier,
        account.scope_level,
        account.industry,
        account.sub_industry,
        account.province,
        account.city,
        account.district,
        account.address,
        account.status,
        _name(session, account.primary_manager_id),
        _name(session, account.secondary_manager_id),
        account.customer_since,
        account.employee_count,
        account.notes,
    )
    warn_until = today + timedelta(days=EXPIRY_WARNING_DAYS)
    products = [
        ProductInfo(
            p.id,
            p.product_name,
            p.category,
            p.quantity,
            p.monthly_fee_fen,
            p.start_date,
            p.end_date,
            p.end_date is not None and p.end_date <= warn_until,
        )
        for p in session.scalars(
            select(ProductHolding)
            .where(ProductHolding.account_id == account_id, ProductHolding.deleted.is_(False))
            .order_by(ProductHolding.end_date.is_(None), ProductHolding.end_date)
        )
    ]
    visits = [
        VisitInfo(v.id, v.kind, v.status, v.occurred_at or v.planned_at, v.summary, v.satisfaction)
        for v in session.scalars(
            select(Visit)
            .where(Visit.account_id == account_id, Visit.deleted.is_(False))
            .order_by(Visit.occurred_at.desc(), Visit.planned_at.desc())
        )
    ]
    complaints = [
        ComplaintInfo(c.id, c.raised_at, c.summary, c.severity, c.status, c.answer_due_at)
        for c in session.scalars(
            select(Complaint)
            .where(Complaint.account_id == account_id, Complaint.deleted.is_(False))
            .order_by(Complaint.raised_at.desc())
        )
    ]
    needs = [
        NeedInfo(o.id, o.raised_on, o.title, o.description, o.status, o.estimated_value_fen)
        for o in session.scalars(
            select(Opportunity)
            .where(Opportunity.account_id == account_id, Opportunity.deleted.is_(False))
            .order_by(Opportunity.raised_on.desc())
        )
    ]
    competitors = [
        CompetitorInfo(n.id, n.noted_on, n.competitor, n.offer, n.customer_reaction)
        for n in session.scalars(
            select(CompetitorNote)
            .where(CompetitorNote.account_id == account_id, CompetitorNote.deleted.is_(False))
            .order_by(CompetitorNote.noted_on.desc())
        )
    ]
    return AccountDetail(
        profile,
        contacts(session, account_id),
        products,
        revenue_series(session, account_id, today),
        visits,
        complaints,
        needs,
        competitors,
    )
