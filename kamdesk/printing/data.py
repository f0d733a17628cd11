"""Gather what a sheet prints, as plain dataclasses, with one short read per sheet.

The PDF builders take these dataclasses and never see an ORM object, so gathering runs in a
session on whatever thread the caller likes and the layout can be tested with hand-built data.
Datetimes are converted to Shanghai wall-clock time here: a sheet prints business time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kamdesk.domain import templates
from kamdesk.domain.clock import BUSINESS_TZ, add_months, business_datetime, month_start
from kamdesk.domain.forms import Template, parse_template
from kamdesk.domain.vocabulary import label
from kamdesk.errors import UserError
from kamdesk.i18n import _
from kamdesk.models import (
    Account,
    Complaint,
    Contact,
    FormTemplate,
    Opportunity,
    ProductHolding,
    RevenueMonth,
    User,
    Visit,
)
from kamdesk.models.enums import ComplaintStatus, DecisionRole, OpportunityStatus, VisitKind, VisitStatus

BILLING_MONTHS = 6
RECENT_VISITS = 3
ROLE_ORDER = {
    DecisionRole.DECISION_MAKER: 0,
    DecisionRole.INFLUENCER: 1,
    DecisionRole.LIAISON: 2,
    DecisionRole.USER: 3,
}


@dataclass(frozen=True)
class AccountProfile:
    id: str
    code: str
    name: str
    tier: str
    tier_label: str
    industry_label: str
    sub_industry: str | None
    scope_label: str
    status_label: str
    address: str
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
    role_label: str
    mobile: str | None
    phone: str | None
    birthday: date | None
    notes: str | None
    role: str = ""  # DecisionRole value


@dataclass(frozen=True)
class ProductInfo:
    id: str
    name: str
    category_label: str
    quantity: int
    monthly_fee_fen: int
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True)
class BillingMonth:
    month: date
    amount_fen: int | None  # None: no bill recorded for the month
    arrears_fen: int = 0


@dataclass(frozen=True)
class VisitSummary:
    occurred_at: datetime | None  # Shanghai time
    kind_label: str
    manager: str | None
    contacts: list[str]
    satisfaction: int | None
    summary: str | None


@dataclass(frozen=True)
class ComplaintInfo:
    raised_at: datetime  # Shanghai time
    summary: str
    major: bool
    status_label: str
    answer_due_at: datetime  # Shanghai time
    overdue: bool


@dataclass(frozen=True)
class NeedInfo:
    raised_on: date
    title: str
    category: str | None
    description: str | None
    estimated_value_fen: int | None


@dataclass(frozen=True)
class PrevisitData:
    """Everything the pre-visit sheet prints for one account."""

    today: date
    account: AccountProfile
    contacts: list[ContactInfo]
    products: list[ProductInfo]
    billing: list[BillingMonth]  # oldest first, exactly BILLING_MONTHS entries
    recent_visits: list[VisitSummary]  # newest first
    complaints: list[ComplaintInfo]
    needs: list[NeedInfo]
    template: Template | None  # the visit form, as the form engine parsed it
    planned_at: datetime | None = None  # Shanghai time, when printed for a planned visit
    visit_kind_label: str = ""


@dataclass(frozen=True)
class Amendment:
    """The earlier record a correction replaces, and its answers, to mark what changed."""

    submitted_at: datetime | None  # Shanghai time
    answers: dict[str, Any]
    summary: str | None


@dataclass(frozen=True)
class VisitRecordData:
    """A visit as it was submitted, with what it needs to print answers in words."""

    visit_id: str
    account: AccountProfile
    kind_label: str
    status_label: str
    submitted: bool
    planned_at: datetime | None
    occurred_at: datetime | None
    duration_minutes: int | None
    manager: str | None
    contacts_met: list[str]
    satisfaction: int | None
    summary: str | None
    entered_at: datetime | None
    submitted_at: datetime | None
    late_reason: str | None
    template: Template | None
    answers: dict[str, Any]
    contact_names: dict[str, str]
    product_names: dict[str, str]
    amends: Amendment | None = None
    amended_at: list[datetime] = field(default_factory=list)  # later corrections of this record


@dataclass(frozen=True)
class DayPackEntry:
    visit_id: str
    planned_at: datetime  # Shanghai time
    kind_label: str
    account_name: str
    address: str
    contact: str
    phone: str
    sheet: PrevisitData


@dataclass(frozen=True)
class DayPackData:
    day: date
    manager: str | None
    entries: list[DayPackEntry]


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(BUSINESS_TZ) if moment else None


def _user_names(session: Session, ids: set[str | None]) -> dict[str, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return {user_id: name for user_id, name in rows}


def _account(session: Session, account_id: str) -> Account:
    account = session.get(Account, account_id)
    if account is None or account.deleted:
        raise UserError(_("This account no longer exists."))
    return account


def account_profile(session: Session, account: Account) -> AccountProfile:
    names = _user_names(session, {account.primary_manager_id, account.secondary_manager_id})
    return _profile_of(account, names)


def _profile_of(account: Account, names: dict[str, str]) -> AccountProfile:
    """``account`` as printed; ``names`` maps user ids to display names."""
    address = account.address or ""
    place = "".join(part for part in (account.city, account.district) if part and part not in address)
    return AccountProfile(
        id=account.id,
        code=account.code,
        name=account.name,
        tier=account.tier.value,
        tier_label=label(account.tier),
        industry_label=label(account.industry),
        sub_industry=account.sub_industry,
        scope_label=label(account.scope_level),
        status_label=label(account.status),
        address=place + address,
        primary_manager=names.get(account.primary_manager_id or ""),
        secondary_manager=names.get(account.secondary_manager_id or ""),
        customer_since=account.customer_since,
        employee_count=account.employee_count,
        notes=account.notes,
    )


def _grouped(ids: list[str], pairs: Any) -> dict[str, list[Any]]:
    """``(account_id, item)`` pairs as a list per account, every id present, order kept."""
    grouped: dict[str, list[Any]] = {account_id: [] for account_id in ids}
    for account_id, item in pairs:
        grouped[account_id].append(item)
    return grouped


def _contacts(session: Session, account_ids: list[str]) -> dict[str, list[ContactInfo]]:
    rows = session.scalars(
        select(Contact).where(Contact.account_id.in_(account_ids), Contact.deleted.is_(False))
    ).all()
    rows = sorted(rows, key=lambda c: (ROLE_ORDER.get(c.decision_role, 9), c.name))
    return _grouped(
        account_ids,
        (
            (
                c.account_id,
                ContactInfo(
                    id=c.id,
                    name=c.name,
                    title=c.title,
                    department=c.department,
                    role_label=label(c.decision_role),
                    mobile=c.mobile,
                    phone=c.phone,
                    birthday=c.birthday,
                    notes=c.notes,
                    role=c.decision_role.value,
                ),
            )
            for c in rows
        ),
    )


def _products(session: Session, account_ids: list[str]) -> dict[str, list[ProductInfo]]:
    rows = session.scalars(
        select(ProductHolding)
        .where(ProductHolding.account_id.in_(account_ids), ProductHolding.deleted.is_(False))
        .order_by(ProductHolding.end_date.is_(None), ProductHolding.end_date, ProductHolding.product_name)
    ).all()
    return _grouped(
        account_ids,
        (
            (
                p.account_id,
                ProductInfo(
                    id=p.id,
                    name=p.product_name,
                    category_label=label(p.category),
                    quantity=p.quantity,
                    monthly_fee_fen=p.monthly_fee_fen,
                    start_date=p.start_date,
                    end_date=p.end_date,
                ),
            )
            for p in rows
        ),
    )


def _billing(session: Session, account_ids: list[str], today: date) -> dict[str, list[BillingMonth]]:
    """The six calendar months before ``today``'s month (the current month is not billed yet)."""
    first = add_months(month_start(today), -BILLING_MONTHS)
    rows = session.execute(
        select(
            RevenueMonth.account_id, RevenueMonth.month, RevenueMonth.amount_fen, RevenueMonth.arrears_fen
        ).where(
            RevenueMonth.account_id.in_(account_ids),
            RevenueMonth.deleted.is_(False),
            RevenueMonth.month >= first,
            RevenueMonth.month < month_start(today),
        )
    ).all()
    by_month = {(account_id, month): (amount, arrears or 0) for account_id, month, amount, arrears in rows}
    months = [add_months(first, offset) for offset in range(BILLING_MONTHS)]
    return {
        account_id: [
            BillingMonth(m, *by_month[(account_id, m)])
            if (account_id, m) in by_month
            else BillingMonth(m, None)
            for m in months
        ]
        for account_id in account_ids
    }


def _recent_visits(
    session: Session, account_ids: list[str], contact_names: dict[str, dict[str, str]]
) -> dict[str, list[VisitSummary]]:
    """The last ``RECENT_VISITS`` submitted visits of each account, newest first."""
    rank = (
        func.row_number().over(partition_by=Visit.account_id, order_by=Visit.occurred_at.desc()).label("rank")
    )
    ranked = (
        select(Visit.id, rank)
        .where(
            Visit.account_id.in_(account_ids),
            Visit.deleted.is_(False),
            Visit.status == VisitStatus.SUBMITTED,
        )
        .subquery()
    )
    rows = session.scalars(
        select(Visit)
        .join(ranked, ranked.c.id == Visit.id)
        .where(ranked.c.rank <= RECENT_VISITS)
        .order_by(Visit.account_id, ranked.c.rank)
    ).all()
    managers = _user_names(session, {v.owner_id for v in rows})
    return _grouped(
        account_ids,
        (
            (
                v.account_id,
                VisitSummary(
                    occurred_at=_local(v.occurred_at),
                    kind_label=label(v.kind),
                    manager=managers.get(v.owner_id or ""),
                    contacts=[
                        contact_names[v.account_id][cid]
                        for cid in (v.contacts_met or [])
                        if cid in contact_names[v.account_id]
                    ],
                    satisfaction=v.satisfaction,
                    summary=v.summary,
                ),
            )
            for v in rows
        ),
    )


def _complaints(session: Session, account_ids: list[str], now: datetime) -> dict[str, list[ComplaintInfo]]:
    rows = session.scalars(
        select(Complaint)
        .where(
            Complaint.account_id.in_(account_ids),
            Complaint.deleted.is_(False),
            Complaint.status != ComplaintStatus.CLOSED,
        )
        .order_by(Complaint.answer_due_at)
    ).all()
    return _grouped(
        account_ids,
        (
            (
                c.account_id,
                ComplaintInfo(
                    raised_at=c.raised_at.astimezone(BUSINESS_TZ),
                    summary=c.summary,
                    major=c.severity == "major",
                    status_label=_("Answered") if c.status is ComplaintStatus.ANSWERED else _("Open"),
                    answer_due_at=c.answer_due_at.astimezone(BUSINESS_TZ),
                    overdue=c.status is ComplaintStatus.OPEN and c.answer_due_at < now,
                ),
            )
            for c in rows
        ),
    )


def _needs(session: Session, account_ids: list[str]) -> dict[str, list[NeedInfo]]:
    rows = session.scalars(
        select(Opportunity)
        .where(
            Opportunity.account_id.in_(account_ids),
            Opportunity.deleted.is_(False),
            Opportunity.status == OpportunityStatus.OPEN,
        )
        .order_by(Opportunity.raised_on.desc())
    ).all()
    return _grouped(
        account_ids,
        (
            (o.account_id, NeedInfo(o.raised_on, o.title, o.category, o.description, o.estimated_value_fen))
            for o in rows
        ),
    )


def find_template(
    session: Session,
    *,
    key: str | None = None,
    version: int | None = None,
    kind: VisitKind | None = VisitKind.ONSITE,
) -> Template | None:
    """The template a sheet prints: the exact ``key``/``version`` when given, the newest version of
    ``key``, else the newest published template for ``kind``; the built-in ones when the store
    has none. Parsed by the form engine (``TemplateError`` for a definition it refuses)."""
    statement = select(FormTemplate).where(FormTemplate.deleted.is_(False))
    if key:
        statement = statement.where(FormTemplate.template_key == key)
        if version is not None:
            statement = statement.where(FormTemplate.version == version)
    elif kind is not None:
        statement = statement.where(FormTemplate.visit_kind == kind)
    row = session.scalars(
        statement.order_by(FormTemplate.published_at.desc(), FormTemplate.version.desc()).limit(1)
    ).first()
    if row is not None and row.definition:
        return templates.parsed(row)
    candidates = [
        t
        for t in templates.builtin_definitions()
        if (t["key"] == key if key else kind is None or t.get("visit_kind") == kind.value)
        and (version is None or t["version"] == version)
    ]
    newest = max(candidates, key=lambda t: int(t["version"]), default=None)
    return parse_template(newest) if newest is not None else None


@dataclass(frozen=True)
class _AccountParts:
    """One account's share of a set-based read: everything on its sheet but the template."""

    account: AccountProfile
    contacts: list[ContactInfo]
    products: list[ProductInfo]
    billing: list[BillingMonth]
    recent_visits: list[VisitSummary]
    complaints: list[ComplaintInfo]
    needs: list[NeedInfo]


def _account_parts(
    session: Session, account_ids: list[str], *, today: date, now: datetime
) -> dict[str, _AccountParts]:
    """The sheets' data of many accounts in one query per kind of row (not one per account)."""
    ids = list(dict.fromkeys(account_ids))
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}
    managers = _user_names(
        session, {m for a in accounts.values() for m in (a.primary_manager_id, a.secondary_manager_id)}
    )
    contacts = _contacts(session, ids)
    names = {account_id: {c.id: c.name for c in items} for account_id, items in contacts.items()}
    products = _products(session, ids)
    billing = _billing(session, ids, today)
    visits = _recent_visits(session, ids, names)
    complaints = _complaints(session, ids, now)
    needs = _needs(session, ids)
    return {
        account_id: _AccountParts(
            account=_profile_of(account, managers),
            contacts=contacts[account_id],
            products=products[account_id],
            billing=billing[account_id],
            recent_visits=visits[account_id],
            complaints=complaints[account_id],
            needs=needs[account_id],
        )
        for account_id, account in accounts.items()
    }


def previsit_data(
    session: Session,
    account_id: str,
    *,
    today: date,
    now: datetime | None = None,
    template_key: str | None = None,
    template_version: int | None = None,
    kind: VisitKind = VisitKind.ONSITE,
    planned_at: datetime | None = None,
) -> PrevisitData:
    """What the pre-visit sheet of ``account_id`` prints, as of the business day ``today``."""
    _account(session, account_id)
    moment = now or business_datetime(today, time(0, 0))
    parts = _account_parts(session, [account_id], today=today, now=moment)[account_id]
    template = find_template(session, key=template_key, version=template_version, kind=kind)
    return _sheet(parts, today=today, template=template, kind=kind, planned_at=planned_at)


def _sheet(
    parts: _AccountParts,
    *,
    today: date,
    template: Template | None,
    kind: VisitKind,
    planned_at: datetime | None,
) -> PrevisitData:
    return PrevisitData(
        today=today,
        account=parts.account,
        contacts=parts.contacts,
        products=parts.products,
        billing=parts.billing,
        recent_visits=parts.recent_visits,
        complaints=parts.complaints,
        needs=parts.needs,
        template=template,
        planned_at=_local(planned_at),
        visit_kind_label=label(kind),
    )


def visit_record_data(session: Session, visit_id: str) -> VisitRecordData:
    """A visit with its answers and, for a correction, the answers of the record it replaces."""
    visit = session.get(Visit, visit_id)
    if visit is None or visit.deleted:
        raise UserError(_("This visit no longer exists."))
    account = _account(session, visit.account_id)
    contact_names = {
        contact_id: name
        for contact_id, name in session.execute(
            select(Contact.id, Contact.name).where(Contact.account_id == account.id)
        )
    }
    product_names = {
        product_id: name
        for product_id, name in session.execute(
            select(ProductHolding.id, ProductHolding.product_name).where(
                ProductHolding.account_id == account.id
            )
        )
    }
    amends = None
    if visit.amends_id:
        original = session.get(Visit, visit.amends_id)
        if original is not None:
            amends = Amendment(_local(original.submitted_at), dict(original.answers or {}), original.summary)
    later = session.scalars(
        select(Visit.submitted_at).where(
            Visit.amends_id == visit.id, Visit.deleted.is_(False), Visit.status == VisitStatus.SUBMITTED
        )
    ).all()
    template = (
        find_template(session, key=visit.template_key, version=visit.template_version, kind=None)
        if visit.template_key
        else None
    )
    manager = _user_names(session, {visit.owner_id}).get(visit.owner_id or "")
    return VisitRecordData(
        visit_id=visit.id,
        account=account_profile(session, account),
        kind_label=label(visit.kind),
        status_label=label(visit.status),
        submitted=visit.status is VisitStatus.SUBMITTED,
        planned_at=_local(visit.planned_at),
        occurred_at=_local(visit.occurred_at),
        duration_minutes=visit.duration_minutes,
        manager=manager,
        contacts_met=[contact_names[c] for c in (visit.contacts_met or []) if c in contact_names],
        satisfaction=visit.satisfaction,
        summary=visit.summary,
        entered_at=_local(visit.entered_at),
        submitted_at=_local(visit.submitted_at),
        late_reason=visit.late_reason,
        template=template,
        answers=dict(visit.answers or {}),
        contact_names=contact_names,
        product_names=product_names,
        amends=amends,
        amended_at=sorted(m.astimezone(BUSINESS_TZ) for m in later if m),
    )


def _cover_contact(visit: Visit, contacts: list[ContactInfo]) -> ContactInfo | None:
    by_id = {c.id: c for c in contacts}
    for contact_id in visit.contacts_met or []:
        if contact_id in by_id:
            return by_id[contact_id]
    for contact in contacts:
        if contact.role == DecisionRole.LIAISON.value:
            return contact
    return contacts[0] if contacts else None


def day_pack_data(session: Session, day: date, *, user_id: str | None = None) -> DayPackData:
    """Every visit planned (or drafted) for the Shanghai business ``day``, in time order, each with
    its account's pre-visit sheet. ``user_id`` limits it to that manager's visits."""
    start = business_datetime(day, time(0, 0))
    statement = (
        select(Visit)
        .join(Account, Account.id == Visit.account_id)
        .where(
            Visit.deleted.is_(False),
            Account.deleted.is_(False),
            Visit.status.in_([VisitStatus.PLANNED, VisitStatus.DRAFT]),
            Visit.planned_at >= start,
            Visit.planned_at < start + timedelta(days=1),
        )
        .order_by(Visit.planned_at, Account.name)
    )
    if user_id:
        statement = statement.where(Visit.owner_id == user_id)
    visits = session.scalars(statement).all()
    parts = _account_parts(
        session, [v.account_id for v in visits], today=day, now=business_datetime(day, time(0, 0))
    )
    forms: dict[tuple[str | None, int | None, VisitKind], Template | None] = {}
    entries = []
    for visit in visits:
        assert visit.planned_at is not None
        key = (visit.template_key, visit.template_version, visit.kind)
        if key not in forms:
            forms[key] = find_template(session, key=key[0], version=key[1], kind=key[2])
        sheet = _sheet(
            parts[visit.account_id],
            today=day,
            template=forms[key],
            kind=visit.kind,
            planned_at=visit.planned_at,
        )
        contact = _cover_contact(visit, sheet.contacts)
        entries.append(
            DayPackEntry(
                visit_id=visit.id,
                planned_at=visit.planned_at.astimezone(BUSINESS_TZ),
                kind_label=label(visit.kind),
                account_name=sheet.account.name,
                address=sheet.account.address,
                contact=contact.name if contact else "",
                phone=(contact.mobile or contact.phone or "") if contact else "",
                sheet=sheet,
            )
        )
    manager = _user_names(session, {user_id}).get(user_id or "") if user_id else None
    return DayPackData(day=day, manager=manager, entries=entries)
