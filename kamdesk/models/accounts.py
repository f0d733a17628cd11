"""The portfolio: group accounts, their contacts, products held and monthly billing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.base import Base, SyncColumns, str_enum
from kamdesk.models.enums import AccountStatus, DecisionRole, Industry, ProductCategory, ScopeLevel, Tier


class Account(SyncColumns, Base):
    __tablename__ = "accounts"
    __table_args__ = (
        Index("ix_accounts_tier_name", "tier", "name"),
        Index("ix_accounts_city_district", "city", "district"),
    )

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    short_name: Mapped[str | None] = mapped_column(String(60))
    tier: Mapped[Tier] = mapped_column(str_enum(Tier, 4))
    scope_level: Mapped[ScopeLevel] = mapped_column(str_enum(ScopeLevel), default=ScopeLevel.LOCAL)
    industry: Mapped[Industry] = mapped_column(str_enum(Industry), index=True)
    sub_industry: Mapped[str | None] = mapped_column(String(60))
    province: Mapped[str | None] = mapped_column(String(30))
    city: Mapped[str | None] = mapped_column(String(30))
    district: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[AccountStatus] = mapped_column(
        str_enum(AccountStatus), default=AccountStatus.ACTIVE, index=True
    )
    primary_manager_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    secondary_manager_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    customer_since: Mapped[date | None] = mapped_column(Date)
    lost_on: Mapped[date | None] = mapped_column(Date)
    lost_reason: Mapped[str | None] = mapped_column(String(300))
    employee_count: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)


class Contact(SyncColumns, Base):
    __tablename__ = "contacts"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(60))
    department: Mapped[str | None] = mapped_column(String(60))
    decision_role: Mapped[DecisionRole] = mapped_column(str_enum(DecisionRole), default=DecisionRole.USER)
    mobile: Mapped[str | None] = mapped_column(String(32), index=True)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(120))
    birthday: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class ProductHolding(SyncColumns, Base):
    """A product or contract an account holds (voice, data line, VPN, IoT, cloud, VAS…)."""

    __tablename__ = "product_holdings"

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(32))
    product_name: Mapped[str] = mapped_column(String(100))
    category: Mapped[ProductCategory] = mapped_column(str_enum(ProductCategory))
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    monthly_fee_fen: Mapped[int] = mapped_column(Integer, default=0)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date, index=True)


class RevenueMonth(SyncColumns, Base):
    """Billed revenue of one account for one calendar month, in fen (1/100 yuan)."""

    __tablename__ = "revenue_months"
    __table_args__ = (UniqueConstraint("account_id", "month", name="uq_revenue_months_account_month"),)

    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # always the first day of the month
    amount_fen: Mapped[int] = mapped_column(Integer)
    arrears_fen: Mapped[int] = mapped_column(Integer, default=0)
