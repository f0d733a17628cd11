"""What the manager did with an alert: snoozed it (with a reason) or closed it (by a record).

Client-only (``LocalBase``): an alert is derived locally from synced facts, and the records that
answer alerts (visits, complaint answers) sync themselves, so every device re-derives closure.
Only the snooze is a new fact, and it is this manager's working-list preference on this laptop.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kamdesk.models.accounts import Contact, RevenueMonth
from kamdesk.models.base import LocalBase, UTCDateTime, utcnow
from kamdesk.models.visits import Visit


class AlertState(LocalBase):
    """One alert by its cause key (``rule:subject:cause``); absent means open."""

    __tablename__ = "alert_states"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    account_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(12))  # snoozed / closed
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    closed_by_entity: Mapped[str | None] = mapped_column(String(40))
    closed_by_id: Mapped[str | None] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


# Covering indexes for the alert engine's whole-portfolio queries (last visit per account and
# kind, one month's bills, birthdays by date): with them a 100,000-account store is read from
# the indexes alone instead of hundreds of thousands of random row lookups.
Index(
    "ix_visits_status_account_kind_occurred",
    Visit.status,
    Visit.account_id,
    Visit.kind,
    Visit.occurred_at,
    Visit.deleted,
)
Index(
    "ix_revenue_months_month_account_amount",
    RevenueMonth.month,
    RevenueMonth.account_id,
    RevenueMonth.amount_fen,
    RevenueMonth.deleted,
)
Index("ix_contacts_birthday_account", Contact.birthday, Contact.account_id)
