"""Portfolio queries: counted, sorted, filtered and paged in SQL so the view fetches pages only."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from kamdesk.models import Account, User
from kamdesk.models.enums import AccountStatus, Industry, Tier


class SortKey(StrEnum):
    NAME = "name"
    CODE = "code"
    TIER = "tier"
    INDUSTRY = "industry"
    CITY = "city"


@dataclass(frozen=True)
class PortfolioQuery:
    text: str = ""
    tiers: frozenset[Tier] = field(default_factory=frozenset)
    industries: frozenset[Industry] = field(default_factory=frozenset)
    include_archived: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False


@dataclass(frozen=True)
class AccountRow:
    id: str
    code: str
    name: str
    tier: Tier
    industry: Industry
    city: str | None
    district: str | None
    primary_manager: str | None
    secondary_manager: str | None


_primary = aliased(User)
_secondary = aliased(User)
_SORT_COLUMNS = {
    SortKey.NAME: Account.name,
    SortKey.CODE: Account.code,
    SortKey.TIER: Account.tier,
    SortKey.INDUSTRY: Account.industry,
    SortKey.CITY: Account.city,
}


def _filtered(statement: Select, query: PortfolioQuery) -> Select:  # type: ignore[type-arg]
    statement = statement.where(Account.deleted.is_(False))
    if not query.include_archived:
        statement = statement.where(Account.status != AccountStatus.ARCHIVED)
    if query.tiers:
        statement = statement.where(Account.tier.in_(sorted(query.tiers)))
    if query.industries:
        statement = statement.where(Account.industry.in_(sorted(query.industries)))
    text = query.text.strip()
    if text:
        pattern = f"%{text}%"
        statement = statement.where(or_(Account.name.like(pattern), Account.code.like(pattern)))
    return statement


def count(session: Session, query: PortfolioQuery) -> int:
    return session.scalar(_filtered(select(func.count(Account.id)), query)) or 0


def page(session: Session, query: PortfolioQuery, offset: int, limit: int) -> list[AccountRow]:
    sort_column = _SORT_COLUMNS[query.sort]
    order = [sort_column.desc() if query.descending else sort_column.asc(), Account.id]
    statement = _filtered(
        select(
            Account.id,
            Account.code,
            Account.name,
            Account.tier,
            Account.industry,
            Account.city,
            Account.district,
            _primary.display_name,
            _secondary.display_name,
        )
        .outerjoin(_primary, _primary.id == Account.primary_manager_id)
        .outerjoin(_secondary, _secondary.id == Account.secondary_manager_id),
        query,
    )
    rows = session.execute(statement.order_by(*order).offset(offset).limit(limit))
    return [AccountRow(*row) for row in rows]
