"""Portfolio queries: counted, sorted, filtered and paged in SQL over ``account_index`` so the
view fetches pages only and every sortable column is an indexed column."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, literal_column, select
from sqlalchemy.orm import Session

from kamdesk.domain.account_index import SEARCH_TABLE, normalize_query, search_table
from kamdesk.models import AccountIndex
from kamdesk.models.enums import AccountStatus, Industry, Tier


class SortKey(StrEnum):
    NAME = "name"
    CODE = "code"
    TIER = "tier"
    INDUSTRY = "industry"
    CITY = "city"
    REVENUE = "revenue"
    TREND = "trend"
    LAST_VISIT = "last_visit"
    NEXT_VISIT = "next_visit"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    COMPLAINTS = "complaints"


class MyRole(StrEnum):
    """The "I am primary / secondary" filter."""

    PRIMARY = "primary"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class PortfolioQuery:
    text: str = ""
    tiers: frozenset[Tier] = field(default_factory=frozenset)
    industries: frozenset[Industry] = field(default_factory=frozenset)
    cities: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[AccountStatus] = field(default_factory=frozenset)  # empty: all but archived
    include_archived: bool = False  # with no status filter, show archived accounts too
    my_role: MyRole | None = None
    user_id: str | None = None  # who "I" is for ``my_role``; not saved with a filter
    sort: SortKey = SortKey.NAME
    descending: bool = False

    def to_json(self) -> str:
        """A saved filter: everything but the signed-in user."""
        return json.dumps(
            {
                "text": self.text,
                "tiers": sorted(self.tiers),
                "industries": sorted(self.industries),
                "cities": sorted(self.cities),
                "statuses": sorted(self.statuses),
                "my_role": self.my_role.value if self.my_role else None,
                "sort": self.sort.value,
                "descending": self.descending,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str, *, user_id: str | None = None) -> PortfolioQuery:
        data: dict[str, Any] = json.loads(text)
        return cls(
            text=data.get("text", ""),
            tiers=frozenset(Tier(v) for v in data.get("tiers", [])),
            industries=frozenset(Industry(v) for v in data.get("industries", [])),
            cities=frozenset(data.get("cities", [])),
            statuses=frozenset(AccountStatus(v) for v in data.get("statuses", [])),
            my_role=MyRole(data["my_role"]) if data.get("my_role") else None,
            user_id=user_id,
            sort=SortKey(data.get("sort", SortKey.NAME)),
            descending=bool(data.get("descending", False)),
        )


@dataclass(frozen=True)
class AccountRow:
    id: str
    code: str
    name: str
    tier: Tier
    industry: Industry
    city: str | None
    district: str | None
    status: AccountStatus
    revenue_fen: int | None
    revenue_month: date | None
    last3_fen: int | None
    previous3_fen: int | None
    trend_permille: int | None
    last_visit_at: datetime | None
    next_visit_due: date | None
    primary_manager: str | None
    secondary_manager: str | None
    open_complaints: int

    @property
    def trend(self) -> float | None:
        """Last 3 months against the 3 before, as a fraction (0.05 = +5 %)."""
        return None if self.trend_permille is None else self.trend_permille / 1000


_T = AccountIndex
TRIGRAM = 3
_SORT_COLUMNS = {
    SortKey.NAME: _T.name,
    SortKey.CODE: _T.code,
    SortKey.TIER: _T.tier,
    SortKey.INDUSTRY: _T.industry,
    SortKey.CITY: _T.city,
    SortKey.REVENUE: _T.revenue_fen,
    SortKey.TREND: _T.trend_permille,
    SortKey.LAST_VISIT: _T.last_visit_at,
    SortKey.NEXT_VISIT: _T.next_visit_due,
    SortKey.PRIMARY: _T.primary_name,
    SortKey.SECONDARY: _T.secondary_name,
    SortKey.COMPLAINTS: _T.open_complaints,
}
_COLUMNS = (
    _T.account_id,
    _T.code,
    _T.name,
    _T.tier,
    _T.industry,
    _T.city,
    _T.district,
    _T.status,
    _T.revenue_fen,
    _T.revenue_month,
    _T.last3_fen,
    _T.previous3_fen,
    _T.trend_permille,
    _T.last_visit_at,
    _T.next_visit_due,
    _T.primary_name,
    _T.secondary_name,
    _T.open_complaints,
)


def _filtered(statement: Select, query: PortfolioQuery) -> Select:  # type: ignore[type-arg]
    if query.statuses:
        statement = statement.where(_T.status.in_(sorted(query.statuses)))
    elif not query.include_archived:
        statement = statement.where(_T.status != AccountStatus.ARCHIVED.value)
    if query.tiers:
        statement = statement.where(_T.tier.in_(sorted(query.tiers)))
    if query.industries:
        statement = statement.where(_T.industry.in_(sorted(query.industries)))
    if query.cities:
        statement = statement.where(_T.city.in_(sorted(query.cities)))
    if query.my_role is MyRole.PRIMARY:
        statement = statement.where(_T.primary_manager_id == query.user_id)
    elif query.my_role is MyRole.SECONDARY:
        statement = statement.where(_T.secondary_manager_id == query.user_id)
    text = normalize_query(query.text)
    if text:
        statement = statement.where(text_matches(text))
    return statement


def text_matches(text: str) -> ColumnElement[bool]:
    """Accounts whose search text contains ``text`` (already normalised). Three or more
    characters: an FTS5 trigram phrase query (an index lookup). Fewer: a correlated substring test,
    so a page ordered by an indexed column stops as soon as it is full."""
    search = search_table
    if len(text) >= TRIGRAM:
        phrase = '"' + text.replace('"', '""') + '"'
        matching = select(search.c.rowid).where(literal_column(SEARCH_TABLE).op("MATCH")(phrase))
        return _T.id.in_(matching)
    return exists().where(search.c.rowid == _T.id, func.instr(search.c.search_text, text) > 0)


def count(session: Session, query: PortfolioQuery) -> int:
    return session.scalar(_filtered(select(func.count()).select_from(_T), query)) or 0


def _row(values: Any) -> AccountRow:
    row = AccountRow(*values)
    return replace(
        row,
        tier=Tier(row.tier),
        industry=Industry(row.industry),
        status=AccountStatus(row.status),
    )


def page(session: Session, query: PortfolioQuery, offset: int, limit: int) -> list[AccountRow]:
    sort_column = _SORT_COLUMNS[query.sort]
    if query.descending:
        order = [sort_column.desc(), _T.account_id.desc()]
    else:
        order = [sort_column.asc(), _T.account_id.asc()]
    statement = _filtered(select(*_COLUMNS), query).order_by(*order).offset(offset).limit(limit)
    return [_row(values) for values in session.execute(statement)]


def iter_rows(session: Session, query: PortfolioQuery, batch: int = 2000) -> Iterator[AccountRow]:
    """Every row matching ``query`` in its order, fetched in batches (for export)."""
    offset = 0
    while True:
        rows = page(session, query, offset, batch)
        yield from rows
        if len(rows) < batch:
            return
        offset += batch


def cities(session: Session) -> list[str]:
    """The cities present in the portfolio, for the city filter."""
    return [c for c in session.scalars(select(_T.city).distinct().order_by(_T.city)) if c]


def search_matches(session: Session, text: str) -> list[str]:
    """Account ids whose search text contains ``text`` (for tests and diagnostics)."""
    return list(session.scalars(select(_T.account_id).where(text_matches(normalize_query(text)))))
