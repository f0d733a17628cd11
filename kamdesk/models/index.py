"""Client-only derived table: one row per account with what the portfolio list sorts, filters and
searches on, so every column of the list is an indexed column and no query aggregates 1.3 million
revenue rows per keystroke. Rebuilt from the synced tables at any time; never synced.

The searchable text lives in an FTS5 trigram table ``account_search`` whose rowid is ``id``; it
is created at run time by ``kamdesk.domain.account_index`` (a derived index, like this table, and
not expressible in the ORM metadata that ``alembic check`` compares)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import LocalBase, UTCDateTime


class AccountIndex(LocalBase):
    __tablename__ = "account_index"
    __table_args__ = (
        Index("ix_account_index_name", "name", "account_id"),
        Index("ix_account_index_code", "code", "account_id"),
        Index("ix_account_index_tier", "tier", "account_id"),
        Index("ix_account_index_industry", "industry", "account_id"),
        Index("ix_account_index_city", "city", "account_id"),
        Index("ix_account_index_status", "status"),
        Index("ix_account_index_revenue_fen", "revenue_fen", "account_id"),
        Index("ix_account_index_trend_permille", "trend_permille", "account_id"),
        Index("ix_account_index_last_visit_at", "last_visit_at", "account_id"),
        Index("ix_account_index_next_visit_due", "next_visit_due", "account_id"),
        Index("ix_account_index_open_complaints", "open_complaints", "account_id"),
        Index("ix_account_index_primary_manager_id", "primary_manager_id"),
        Index("ix_account_index_secondary_manager_id", "secondary_manager_id"),
        Index("ix_account_index_primary_name", "primary_name", "account_id"),
        Index("ix_account_index_secondary_name", "secondary_name", "account_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)  # rowid of account_search
    account_id: Mapped[str] = mapped_column(String(36), unique=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(4))
    industry: Mapped[str] = mapped_column(String(24))
    city: Mapped[str | None] = mapped_column(String(30))
    district: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(24))
    primary_manager_id: Mapped[str | None] = mapped_column(String(36))
    secondary_manager_id: Mapped[str | None] = mapped_column(String(36))
    primary_name: Mapped[str | None] = mapped_column(String(64))
    secondary_name: Mapped[str | None] = mapped_column(String(64))
    revenue_fen: Mapped[int | None] = mapped_column(Integer)  # latest billed month
    revenue_month: Mapped[date | None] = mapped_column(Date)
    last3_fen: Mapped[int | None] = mapped_column(Integer)
    previous3_fen: Mapped[int | None] = mapped_column(Integer)
    trend_permille: Mapped[int | None] = mapped_column(Integer)  # (last3 - previous3) / previous3 × 1000
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_visit_due: Mapped[date | None] = mapped_column(Date)
    open_complaints: Mapped[int] = mapped_column(Integer, default=0)
