"""Client-only derived table: per account, the facts the alert engine, the cadence and "plan my
week" read, so that evaluating a 100,000-account portfolio reads one compact table instead of
grouping every visit and 2.4 million revenue rows.

SQLite keeps it: triggers on ``accounts``, ``visits`` and ``revenue_months`` (created by the
client migration ``0004_account_summary``) rewrite an account's row in the same statement, and so
the same transaction, as any write to those tables, whatever wrote it: a local edit through the
outbox, a pulled page (ORM updates and Core bulk inserts alike), demo seeding, raw SQL. Nothing in
Python has to remember to refresh it, and it can never be stale. Never synced.

Dates are business dates (Asia/Shanghai) stored as SQLAlchemy stores ``Date`` on SQLite: ISO text.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import LocalBase


class AccountSummary(LocalBase):
    __tablename__ = "account_summary"

    account_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Copied from the account.
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(4))
    city: Mapped[str | None] = mapped_column(String(30))
    district: Mapped[str | None] = mapped_column(String(30))
    customer_since: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24))
    deleted: Mapped[bool] = mapped_column(Boolean)
    # Business date of the latest submitted, not deleted visit: of each kind, and of any kind.
    last_onsite: Mapped[date | None] = mapped_column(Date)
    last_phone: Mapped[date | None] = mapped_column(Date)
    last_sms: Mapped[date | None] = mapped_column(Date)
    last_contact: Mapped[date | None] = mapped_column(Date)
    # The latest billed month (not deleted) and its bill, and the bills 1, 2, 3 and 12 months
    # before it (None where that month has no bill): what the falling-revenue rule compares.
    bill_month: Mapped[date | None] = mapped_column(Date)
    bill_fen: Mapped[int | None] = mapped_column(Integer)
    bill_fen_1: Mapped[int | None] = mapped_column(Integer)
    bill_fen_2: Mapped[int | None] = mapped_column(Integer)
    bill_fen_3: Mapped[int | None] = mapped_column(Integer)
    bill_fen_12: Mapped[int | None] = mapped_column(Integer)
